//! Meter readings: what is accepted and recorded, and every reason one is refused, both by
//! the call and by the transaction extension that keeps refused readings out of the pool.

use crate::{mock::*, pallet::*, types::*, CheckMeterReading, MeteredEnergy};
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		dispatch::{GetDispatchInfo, Pays},
	},
	sp_runtime::{
		traits::{DispatchTransaction, TransactionExtension, TxBaseImplication},
		transaction_validity::{
			InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction,
		},
		DispatchError, ModuleError,
	},
};

fn reading(period: PeriodIndex, imported_wh: u64, exported_wh: u64) -> MeterReading {
	MeterReading { period, counters: MeterCounters { imported_wh, exported_wh } }
}

fn reading_call(reading: MeterReading) -> RuntimeCall {
	RuntimeCall::Prosumer(Call::submit_reading { reading })
}

/// Run the extension's validation of `call` signed by `signer`.
fn validate(
	signer: Option<u64>,
	call: &RuntimeCall,
) -> Result<ValidTransaction, TransactionValidityError> {
	let origin = RuntimeOrigin::signed(signer.expect("signed"));
	CheckMeterReading::<Test>::new()
		.validate_only(origin, call, &call.get_dispatch_info(), 0, TransactionSource::External, 0)
		.map(|(validity, _, _)| validity)
}

/// Assert that `reading` from `meter` is refused for `rejection` both in transaction
/// validation and in dispatch, and changes nothing.
fn assert_refused(meter: u64, reading: MeterReading, rejection: ReadingRejection) {
	assert_eq!(
		validate(Some(meter), &reading_call(reading)),
		Err(InvalidTransaction::Custom(rejection.code()).into()),
		"validation of {reading:?}"
	);
	assert_noop!(
		Prosumer::submit_reading(RuntimeOrigin::signed(meter), reading),
		Error::<Test>::from(rejection)
	);
}

/// Assert that `reading` from `meter` validates and is recorded.
fn assert_accepted(meter: u64, reading: MeterReading) {
	assert!(validate(Some(meter), &reading_call(reading)).is_ok(), "validation of {reading:?}");
	assert_ok!(Prosumer::submit_reading(RuntimeOrigin::signed(meter), reading));
}

/// Assert that the plausibility bound of `meter`'s reading for `period` is exactly the
/// counters `(imported_wh, exported_wh)`: one Wh more on either is refused, and the
/// reading at the bound is recorded.
fn assert_bound_is(meter: u64, period: PeriodIndex, imported_wh: u64, exported_wh: u64) {
	assert_refused(
		meter,
		reading(period, imported_wh + 1, exported_wh),
		ReadingRejection::ImplausibleImport,
	);
	assert_refused(
		meter,
		reading(period, imported_wh, exported_wh + 1),
		ReadingRejection::ImplausibleExport,
	);
	assert_accepted(meter, reading(period, imported_wh, exported_wh));
}

#[test]
fn an_accepted_reading_records_the_period_energy_and_the_counters() {
	run(|| {
		metered_alice();
		set_period(START_PERIOD + 2);
		assert_accepted(METER_A, reading(START_PERIOD, 400, 100));
		assert_accepted(METER_A, reading(START_PERIOD + 1, 1_000, 700));

		let expected = [
			PeriodEnergy { period: START_PERIOD, imported_wh: 400, exported_wh: 100 },
			PeriodEnergy { period: START_PERIOD + 1, imported_wh: 600, exported_wh: 600 },
		];
		assert_eq!(EnergyHistory::<Test>::get(ALICE).into_inner(), expected.to_vec());
		assert_eq!(Prosumer::period_energy(&ALICE, START_PERIOD + 1), Some(expected[1]));
		assert_eq!(Prosumer::period_energy(&ALICE, START_PERIOD + 2), None);
		assert_eq!(Prosumer::last_reading(&ALICE), Some(reading(START_PERIOD + 1, 1_000, 700)));
		let meter = Meters::<Test>::get(METER_A).unwrap();
		assert_eq!(meter.last_period, Some(START_PERIOD + 1));
		assert_eq!(meter.counters, MeterCounters { imported_wh: 1_000, exported_wh: 700 });
		assert_eq!(
			prosumer_events()[3..],
			[
				Event::ReadingRecorded { participant: ALICE, meter: METER_A, energy: expected[0] },
				Event::ReadingRecorded { participant: ALICE, meter: METER_A, energy: expected[1] },
			]
		);
		// The energy ledger was told of each, with the participant's zone.
		let zone = Participants::<Test>::get(ALICE).unwrap().profile.zone;
		assert_eq!(readings_seen(), vec![(ALICE, zone, expected[0]), (ALICE, zone, expected[1])]);
	});
}

#[test]
fn a_refused_reading_is_not_passed_on_and_the_weight_includes_the_hook() {
	run(|| {
		metered_alice();
		set_period(START_PERIOD + 1);
		let before = readings_seen().len();
		assert_refused(METER_A, reading(START_PERIOD + 1, 1, 0), ReadingRejection::PeriodNotEnded);
		assert_eq!(readings_seen().len(), before, "nothing reached the ledger");
		let info = reading_call(reading(START_PERIOD, 1, 0)).get_dispatch_info();
		use crate::WeightInfo;
		assert_eq!(
			info.call_weight,
			<() as WeightInfo>::submit_reading().saturating_add(
				polkadot_sdk::frame_support::weights::Weight::from_parts(HOOK_WEIGHT, 0)
			)
		);
	});
}

#[test]
fn the_first_reading_counts_from_the_commissioning_counters() {
	run(|| {
		let commissioned = MeterCounters { imported_wh: 50_000, exported_wh: 9_000 };
		approved_with_meter(ALICE, prosumer_profile(1), METER_A, commissioned);
		set_period(START_PERIOD + 1);
		assert_refused(
			METER_A,
			reading(START_PERIOD, 49_999, 9_000),
			ReadingRejection::ImportCounterWentBackwards,
		);
		assert_accepted(METER_A, reading(START_PERIOD, 50_010, 9_020));
		assert_eq!(
			Prosumer::period_energy(&ALICE, START_PERIOD),
			Some(PeriodEnergy { period: START_PERIOD, imported_wh: 10, exported_wh: 20 })
		);
	});
}

#[test]
fn readings_are_feeless_and_a_valid_one_is_tagged_by_meter_and_period() {
	run(|| {
		metered_alice();
		let call = reading_call(reading(START_PERIOD - 1, 1, 1));
		assert_eq!(call.get_dispatch_info().pays_fee, Pays::No);
		let validity = validate(Some(METER_A), &call).expect("valid");
		assert_eq!(validity.priority, ReadingPriority::get());
		assert_eq!(validity.provides.len(), 1);
		// Another reading of the same period provides the same tag, so the pool keeps one.
		let other =
			validate(Some(METER_A), &reading_call(reading(START_PERIOD - 1, 2, 2))).unwrap();
		assert_eq!(validity.provides, other.provides);
		let next = validate(Some(METER_A), &reading_call(reading(START_PERIOD - 2, 2, 2))).unwrap();
		assert_ne!(validity.provides, next.provides);
	});
}

#[test]
fn the_extension_lets_other_calls_and_unsigned_readings_through_to_dispatch() {
	run(|| {
		let register = RuntimeCall::Prosumer(Call::register { profile: consumer_profile(1) });
		assert_eq!(validate(Some(CHARLIE), &register), Ok(ValidTransaction::default()));
		// An unsigned reading is not the extension's business (the executive refuses an
		// unsigned transaction no extension authorizes, and dispatch refuses the origin).
		let unsigned = reading_call(reading(START_PERIOD - 1, 1, 1));
		let (validity, _, _) = CheckMeterReading::<Test>::new()
			.validate(
				RuntimeOrigin::none(),
				&unsigned,
				&unsigned.get_dispatch_info(),
				0,
				(),
				&TxBaseImplication(()),
				TransactionSource::External,
			)
			.expect("passed through");
		assert_eq!(validity, ValidTransaction::default());
		assert_noop!(
			Prosumer::submit_reading(RuntimeOrigin::none(), reading(START_PERIOD - 1, 1, 1)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn a_reading_from_an_unknown_key_is_refused() {
	run(|| {
		metered_alice();
		assert_refused(METER_C, reading(START_PERIOD - 1, 1, 1), ReadingRejection::UnknownMeter);
		// Even a participant's own account is not its meter.
		assert_refused(ALICE, reading(START_PERIOD - 1, 1, 1), ReadingRejection::UnknownMeter);
	});
}

#[test]
fn a_reading_from_a_revoked_key_is_refused() {
	run(|| {
		metered_alice();
		assert_ok!(Prosumer::revoke_meter(RuntimeOrigin::root(), ALICE));
		assert_refused(METER_A, reading(START_PERIOD - 1, 1, 1), ReadingRejection::MeterRevoked);
	});
}

#[test]
fn a_reading_of_a_suspended_or_unapproved_participant_is_refused() {
	run(|| {
		metered_alice();
		assert_ok!(Prosumer::suspend(RuntimeOrigin::root(), ALICE));
		assert_refused(
			METER_A,
			reading(START_PERIOD - 1, 1, 1),
			ReadingRejection::ParticipantSuspended,
		);
		assert_ok!(Prosumer::approve(RuntimeOrigin::root(), ALICE));
		assert_accepted(METER_A, reading(START_PERIOD - 1, 1, 1));

		assert_ok!(Prosumer::register(RuntimeOrigin::signed(BOB), consumer_profile(1)));
		assert_ok!(Prosumer::bind_meter(
			RuntimeOrigin::root(),
			BOB,
			METER_B,
			MeterCounters::default()
		));
		assert_refused(
			METER_B,
			reading(START_PERIOD - 1, 1, 0),
			ReadingRejection::ParticipantNotApproved,
		);
	});
}

#[test]
fn a_reading_for_a_period_not_ended_or_too_old_is_refused() {
	run(|| {
		metered_alice();
		assert_refused(METER_A, reading(START_PERIOD, 1, 1), ReadingRejection::PeriodNotEnded);
		assert_refused(METER_A, reading(START_PERIOD + 9, 1, 1), ReadingRejection::PeriodNotEnded);
		assert_refused(
			METER_A,
			reading(START_PERIOD - DELAY - 1, 1, 1),
			ReadingRejection::ReadingTooOld,
		);
		assert_accepted(METER_A, reading(START_PERIOD - DELAY, 1, 1));
	});
}

#[test]
fn a_reading_for_a_period_not_after_the_last_is_refused() {
	run(|| {
		metered_alice();
		assert_accepted(METER_A, reading(START_PERIOD - 2, 10, 10));
		assert_refused(
			METER_A,
			reading(START_PERIOD - 2, 20, 20),
			ReadingRejection::PeriodNotAfterLast,
		);
		assert_refused(
			METER_A,
			reading(START_PERIOD - 3, 20, 20),
			ReadingRejection::PeriodNotAfterLast,
		);
		assert_accepted(METER_A, reading(START_PERIOD - 1, 20, 20));
	});
}

#[test]
fn a_counter_going_backwards_is_refused() {
	run(|| {
		metered_alice();
		assert_accepted(METER_A, reading(START_PERIOD - 2, 100, 50));
		assert_refused(
			METER_A,
			reading(START_PERIOD - 1, 99, 50),
			ReadingRejection::ImportCounterWentBackwards,
		);
		assert_refused(
			METER_A,
			reading(START_PERIOD - 1, 100, 49),
			ReadingRejection::ExportCounterWentBackwards,
		);
		// Standing still is fine: nothing flowed.
		assert_accepted(METER_A, reading(START_PERIOD - 1, 100, 50));
	});
}

#[test]
fn an_implausible_increase_is_refused_and_the_bound_grows_with_skipped_periods() {
	run(|| {
		metered_alice();
		// Alice: 10 kW connection, 3 kW generation; a period is 900 s: 2,500 Wh and 750 Wh.
		assert_bound_is(METER_A, START_PERIOD - 4, 2_500, 750);
		// Three periods later, three periods' worth is plausible, and is counted in the
		// period of the reading.
		assert_bound_is(METER_A, START_PERIOD - 1, 2_500 + 7_500, 750 + 2_250);
		assert_eq!(
			Prosumer::period_energy(&ALICE, START_PERIOD - 1),
			Some(PeriodEnergy { period: START_PERIOD - 1, imported_wh: 7_500, exported_wh: 2_250 })
		);
		assert_eq!(Prosumer::period_energy(&ALICE, START_PERIOD - 2), None);
	});
}

#[test]
fn a_consumer_may_export_nothing() {
	run(|| {
		approved_with_meter(BOB, consumer_profile(1), METER_B, MeterCounters::default());
		set_period(START_PERIOD + 1);
		assert_refused(METER_B, reading(START_PERIOD, 0, 1), ReadingRejection::ImplausibleExport);
		assert_accepted(METER_B, reading(START_PERIOD, 1_250, 0));
	});
}

#[test]
fn the_history_keeps_the_latest_periods() {
	run(|| {
		metered_alice();
		let total = RETAINED + 2;
		set_period(START_PERIOD + total);
		for step in 0..total {
			// Readings may lag at most DELAY periods: walk the clock along.
			set_period(START_PERIOD + step + 1);
			assert_accepted(METER_A, reading(START_PERIOD + step, u64::from(step + 1) * 10, 0));
		}
		let history = EnergyHistory::<Test>::get(ALICE);
		assert_eq!(history.len() as u32, RETAINED);
		let periods: Vec<_> = history.iter().map(|energy| energy.period).collect();
		let expected: Vec<_> = (START_PERIOD + total - RETAINED..START_PERIOD + total).collect();
		assert_eq!(periods, expected);
		assert!(history.iter().all(|energy| energy.imported_wh == 10));
		assert_eq!(Prosumer::period_energy(&ALICE, START_PERIOD), None);
	});
}

#[test]
fn rejection_codes_are_the_indices_of_the_errors_of_the_same_name() {
	for rejection in ReadingRejection::ALL {
		match DispatchError::from(Error::<Test>::from(rejection)) {
			DispatchError::Module(ModuleError { error, .. }) => {
				assert_eq!(error[0], rejection.code(), "{rejection:?}")
			},
			other => panic!("{rejection:?} is not a module error: {other:?}"),
		}
	}
	let codes: Vec<u8> = ReadingRejection::ALL.iter().map(|rejection| rejection.code()).collect();
	assert_eq!(codes, (0..ReadingRejection::ALL.len() as u8).collect::<Vec<_>>());
}

#[test]
fn a_first_reading_several_periods_after_the_binding_may_span_them_all() {
	run(|| {
		approved_with_meter(ALICE, prosumer_profile(1), METER_A, MeterCounters::default());
		assert_eq!(Prosumer::last_reading(&ALICE), None, "commissioning is not a reading");
		// The meter first reports for the third period after the one it was bound in: its
		// counters may have grown by four periods' worth (2,500 Wh of import and 750 Wh of
		// export each), not one.
		set_period(START_PERIOD + 4);
		assert_bound_is(METER_A, START_PERIOD + 3, 10_000, 3_000);
		assert_eq!(Prosumer::last_reading(&ALICE), Some(reading(START_PERIOD + 3, 10_000, 3_000)));
	});
}

#[test]
fn a_first_reading_for_a_period_before_the_binding_is_refused() {
	run(|| {
		approved_with_meter(ALICE, prosumer_profile(1), METER_A, MeterCounters::default());
		set_period(START_PERIOD + 1);
		// The period before the binding ended before the meter was commissioned.
		assert_refused(
			METER_A,
			reading(START_PERIOD - 1, 0, 0),
			ReadingRejection::PeriodNotAfterLast,
		);
		// The period of the binding is the first it may report.
		assert_accepted(METER_A, reading(START_PERIOD, 10, 0));
	});
}

#[test]
fn a_meter_bound_at_genesis_counts_from_the_chains_first_period() {
	use polkadot_sdk::frame_support::{traits::Hooks, weights::Weight};
	ext_with(vec![(ALICE, prosumer_profile(1))], vec![(ALICE, METER_A)]).execute_with(|| {
		assert_eq!(Meters::<Test>::get(METER_A).unwrap().last_period, None);
		// Block 1 charges and records the chain's first period when it ends.
		assert!(<Prosumer as Hooks<u64>>::on_initialize(1) != Weight::zero());
		assert_eq!(ChainStartPeriod::<Test>::get(), None);
		<Prosumer as Hooks<u64>>::on_finalize(1);
		assert_eq!(ChainStartPeriod::<Test>::get(), Some(START_PERIOD));
		// Later blocks neither charge nor move it.
		set_period(START_PERIOD + 3);
		assert!(<Prosumer as Hooks<u64>>::on_initialize(2) == Weight::zero());
		<Prosumer as Hooks<u64>>::on_finalize(2);
		assert_eq!(ChainStartPeriod::<Test>::get(), Some(START_PERIOD));

		// The first reading, two periods in, may span three periods; none before the start.
		assert_refused(
			METER_A,
			reading(START_PERIOD - 1, 0, 0),
			ReadingRejection::PeriodNotAfterLast,
		);
		assert_bound_is(METER_A, START_PERIOD + 2, 7_500, 2_250);
		Prosumer::do_try_state().unwrap();
	});
}
