//! Data concentrators: registering them, and the batches of meter-signed readings they relay,
//! both in the pool ([`CheckMeterReading`]) and in dispatch.

use crate::{mock::*, pallet::*, types::*, CheckMeterReading, MeteredEnergy};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		assert_noop, assert_ok,
		dispatch::{GetDispatchInfo, Pays, PostDispatchInfo},
		weights::Weight,
		BoundedVec,
	},
	sp_runtime::{
		testing::TestSignature,
		traits::DispatchTransaction,
		transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
		DispatchError,
	},
};

fn reading(period: PeriodIndex, imported_wh: u64, exported_wh: u64) -> MeterReading {
	MeterReading { period, counters: MeterCounters { imported_wh, exported_wh } }
}

/// `reading` signed by `meter` for a concentrator.
fn relayed(meter: u64, reading: MeterReading) -> RelayedReadingOf<Test> {
	RelayedReading { meter, reading, signature: meter_signature(meter, &reading) }
}

fn batch(readings: Vec<RelayedReadingOf<Test>>) -> ReadingBatchOf<Test> {
	BoundedVec::try_from(readings).expect("within the mock's batch size")
}

fn batch_call(readings: &ReadingBatchOf<Test>) -> RuntimeCall {
	RuntimeCall::Prosumer(Call::submit_readings { readings: readings.clone() })
}

/// The pool's validation of `readings` relayed by `concentrator`.
fn validate_from(
	concentrator: u64,
	readings: &ReadingBatchOf<Test>,
	source: TransactionSource,
) -> Result<
	polkadot_sdk::sp_runtime::transaction_validity::ValidTransaction,
	TransactionValidityError,
> {
	let call = batch_call(readings);
	CheckMeterReading::<Test>::new()
		.validate_only(
			RuntimeOrigin::signed(concentrator),
			&call,
			&call.get_dispatch_info(),
			0,
			source,
			0,
		)
		.map(|(validity, _, _)| validity)
}

fn code(error: Error<Test>) -> u8 {
	error.encode()[0]
}

fn refused(meter: u64, period: PeriodIndex, error: Error<Test>) -> Event<Test> {
	Event::ReadingRefused {
		concentrator: GATEWAY,
		meter,
		period,
		error: DispatchError::from(error),
	}
}

/// Alice (meter A, zone 1) and Bob (meter B, zone 2) metered since `BOUND_PERIOD`, the clock
/// in `START_PERIOD`.
fn two_metered() {
	metered_alice();
	let now = Timestamp::get();
	set_period(BOUND_PERIOD);
	approved_with_meter(BOB, consumer_profile(2), METER_B, MeterCounters::default());
	Timestamp::set_timestamp(now);
}

#[test]
fn a_batch_records_each_reading_as_its_meter_would() {
	run(|| {
		two_metered();
		let readings = batch(vec![
			relayed(METER_A, reading(START_PERIOD - 1, 400, 100)),
			relayed(METER_B, reading(START_PERIOD - 1, 700, 0)),
		]);

		let validity = validate_from(GATEWAY, &readings, TransactionSource::External)
			.expect("both readings are acceptable");
		assert_eq!(validity.priority, ReadingPriority::get() * 2);
		assert_eq!(validity.provides.len(), 2);
		assert_eq!(
			validity.provides[0],
			("MeterReading", (METER_A, START_PERIOD - 1)).encode(),
			"the tag a meter's own reading provides"
		);

		assert_ok!(Prosumer::submit_readings(RuntimeOrigin::signed(GATEWAY), readings));

		let alice = PeriodEnergy { period: START_PERIOD - 1, imported_wh: 400, exported_wh: 100 };
		let bob = PeriodEnergy { period: START_PERIOD - 1, imported_wh: 700, exported_wh: 0 };
		assert_eq!(Prosumer::period_energy(&ALICE, START_PERIOD - 1), Some(alice));
		assert_eq!(Prosumer::period_energy(&BOB, START_PERIOD - 1), Some(bob));
		assert_eq!(readings_seen(), vec![(ALICE, 1, alice), (BOB, 2, bob)]);
		assert_eq!(
			prosumer_events().last(),
			Some(&Event::ReadingsRelayed { concentrator: GATEWAY, accepted: 2, refused: 0 })
		);
	});
}

#[test]
fn a_reading_that_fails_is_skipped_with_its_reason_and_the_rest_recorded() {
	run(|| {
		two_metered();
		let forged = RelayedReading {
			meter: METER_B,
			reading: reading(START_PERIOD - 1, 700, 0),
			// Signed by another key.
			signature: meter_signature(METER_C, &reading(START_PERIOD - 1, 700, 0)),
		};
		let other_chain = RelayedReading {
			meter: METER_B,
			reading: reading(START_PERIOD - 1, 700, 0),
			signature: TestSignature(
				METER_B,
				relayed_reading_message(&[7u8; 32], &reading(START_PERIOD - 1, 700, 0)),
			),
		};
		let readings = batch(vec![
			forged,
			relayed(METER_A, reading(START_PERIOD - 1, 400, 100)),
			// Alice's meter again: only the first of a batch counts.
			relayed(METER_A, reading(START_PERIOD - 2, 300, 100)),
			// Too much for Bob's 5 kW connection in a quarter hour since binding.
			relayed(METER_C, reading(START_PERIOD - 1, 1, 0)),
		]);
		let other = batch(vec![other_chain]);

		let validity = validate_from(GATEWAY, &readings, TransactionSource::External)
			.expect("one reading is acceptable");
		assert_eq!(validity.provides, vec![("MeterReading", (METER_A, START_PERIOD - 1)).encode()]);
		assert_eq!(validity.priority, ReadingPriority::get());
		assert_eq!(
			validate_from(GATEWAY, &other, TransactionSource::External),
			Err(InvalidTransaction::Custom(code(Error::BadReadingSignature)).into()),
			"a signature for another chain's genesis"
		);

		let info = batch_call(&readings).get_dispatch_info();
		let post = Prosumer::submit_readings(RuntimeOrigin::signed(GATEWAY), readings)
			.expect("the batch stands");
		assert_eq!(info.pays_fee, Pays::No);
		// The ledger's part is charged for the one reading recorded.
		assert_eq!(
			post,
			PostDispatchInfo {
				actual_weight: Some(Prosumer::submit_readings_weight(4, 1, 1)),
				pays_fee: Pays::Yes,
			}
		);
		assert_eq!(
			Prosumer::submit_readings_weight(4, 1, 1),
			<() as crate::WeightInfo>::submit_readings(4) + Weight::from_parts(HOOK_WEIGHT, 0)
		);
		assert!(Prosumer::submit_readings_weight(4, 1, 1).ref_time() < info.call_weight.ref_time());

		assert_eq!(
			prosumer_events()[prosumer_events().len() - 5..],
			[
				refused(METER_B, START_PERIOD - 1, Error::BadReadingSignature),
				Event::ReadingRecorded {
					participant: ALICE,
					meter: METER_A,
					energy: PeriodEnergy {
						period: START_PERIOD - 1,
						imported_wh: 400,
						exported_wh: 100
					},
				},
				refused(METER_A, START_PERIOD - 2, Error::MeterTwiceInBatch),
				refused(METER_C, START_PERIOD - 1, Error::UnknownMeter),
				Event::ReadingsRelayed { concentrator: GATEWAY, accepted: 1, refused: 3 },
			]
		);
		assert_eq!(Prosumer::period_energy(&BOB, START_PERIOD - 1), None);
		assert_eq!(readings_seen().len(), 1);
	});
}

#[test]
fn a_batch_with_no_acceptable_reading_is_refused_in_the_pool_with_the_first_reason() {
	run(|| {
		two_metered();
		let readings = batch(vec![
			relayed(METER_A, reading(START_PERIOD, 400, 100)),
			relayed(METER_B, reading(START_PERIOD - 1, 1_000_000, 0)),
		]);
		assert_eq!(
			validate_from(GATEWAY, &readings, TransactionSource::External),
			Err(InvalidTransaction::Custom(ReadingRejection::PeriodNotEnded.code()).into())
		);
		// In a block, the call judges the readings itself: it records nothing here.
		assert!(validate_from(GATEWAY, &readings, TransactionSource::InBlock).is_ok());
		assert_ok!(Prosumer::submit_readings(RuntimeOrigin::signed(GATEWAY), readings));
		assert!(readings_seen().is_empty());
		assert_eq!(Prosumer::period_energy(&BOB, START_PERIOD - 1), None);
		assert_eq!(
			prosumer_events().last(),
			Some(&Event::ReadingsRelayed { concentrator: GATEWAY, accepted: 0, refused: 2 })
		);
		assert!(prosumer_events().contains(&refused(
			METER_B,
			START_PERIOD - 1,
			Error::ImplausibleImport
		)));
	});
}

#[test]
fn only_a_registered_concentrator_relays_and_not_an_empty_batch() {
	run(|| {
		two_metered();
		let readings = batch(vec![relayed(METER_A, reading(START_PERIOD - 1, 400, 100))]);
		assert_eq!(
			validate_from(CHARLIE, &readings, TransactionSource::External),
			Err(InvalidTransaction::Custom(code(Error::NotConcentrator)).into())
		);
		assert_noop!(
			Prosumer::submit_readings(RuntimeOrigin::signed(CHARLIE), readings.clone()),
			Error::<Test>::NotConcentrator
		);
		// A meter cannot relay its own reading either.
		assert_noop!(
			Prosumer::submit_readings(RuntimeOrigin::signed(METER_A), readings),
			Error::<Test>::NotConcentrator
		);
		assert_noop!(
			Prosumer::submit_readings(RuntimeOrigin::signed(GATEWAY), batch(vec![])),
			Error::<Test>::EmptyBatch
		);
		assert_eq!(
			validate_from(GATEWAY, &batch(vec![]), TransactionSource::External),
			Err(InvalidTransaction::Custom(code(Error::EmptyBatch)).into())
		);
	});
}

#[test]
fn the_operator_adds_and_removes_concentrators() {
	run(|| {
		assert_eq!(System::providers(&GATEWAY), 1, "the genesis concentrator exists");
		assert_noop!(
			Prosumer::add_concentrator(RuntimeOrigin::signed(ALICE), CHARLIE),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Prosumer::add_concentrator(RuntimeOrigin::root(), GATEWAY),
			Error::<Test>::AlreadyConcentrator
		);
		assert_ok!(Prosumer::add_concentrator(RuntimeOrigin::root(), PAUPER));
		assert_eq!(System::providers(&PAUPER), 1, "a concentrator needs no funds");
		assert!(Concentrators::<Test>::contains_key(PAUPER));

		assert_noop!(
			Prosumer::remove_concentrator(RuntimeOrigin::signed(PAUPER), PAUPER),
			DispatchError::BadOrigin
		);
		assert_ok!(Prosumer::remove_concentrator(RuntimeOrigin::root(), PAUPER));
		assert_eq!(System::providers(&PAUPER), 0);
		assert_noop!(
			Prosumer::remove_concentrator(RuntimeOrigin::root(), PAUPER),
			Error::<Test>::NotConcentrator
		);
		assert_eq!(
			prosumer_events(),
			vec![
				Event::ConcentratorAdded { concentrator: PAUPER },
				Event::ConcentratorRemoved { concentrator: PAUPER },
			]
		);
	});
}

#[test]
fn a_relayed_reading_signs_the_context_the_genesis_hash_and_the_reading() {
	let reading = reading(0x0102_0304, 0x1122, 0x3344);
	let message = relayed_reading_message(&[0xAAu8; 32], &reading);
	let mut expected = b"emr1".to_vec();
	expected.extend([0xAA; 32]);
	expected.extend([0x04, 0x03, 0x02, 0x01]);
	expected.extend(0x1122u64.to_le_bytes());
	expected.extend(0x3344u64.to_le_bytes());
	assert_eq!(message, expected);
	assert_eq!(message.len(), 56);
}

#[test]
fn a_removed_concentrator_with_consumers_keeps_its_provider_reference() {
	run(|| {
		assert_ok!(Prosumer::add_concentrator(RuntimeOrigin::root(), PAUPER));
		// Something else made the account a consumer (a hold, say) while it had no funds.
		assert_ok!(System::inc_consumers(&PAUPER));
		assert_ok!(Prosumer::remove_concentrator(RuntimeOrigin::root(), PAUPER));
		assert!(!Concentrators::<Test>::contains_key(PAUPER));
		assert_eq!(System::providers(&PAUPER), 1, "the account is not left without a provider");
		assert!(System::account_exists(&PAUPER));
	});
}
