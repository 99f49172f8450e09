//! Binding, revoking and rotating meter keys.

use crate::{mock::*, pallet::*, types::*, MeteredEnergy};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

fn reading(period: PeriodIndex, imported_wh: u64, exported_wh: u64) -> MeterReading {
	MeterReading { period, counters: MeterCounters { imported_wh, exported_wh } }
}

#[test]
fn bind_meter_records_an_active_key_that_exists_without_funds() {
	run(|| {
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(ALICE), prosumer_profile(1)));
		assert!(!System::account_exists(&METER_A));
		let counters = MeterCounters { imported_wh: 12_345, exported_wh: 678 };
		assert_ok!(Prosumer::bind_meter(RuntimeOrigin::root(), ALICE, METER_A, counters));

		assert_eq!(Participants::<Test>::get(ALICE).unwrap().meter, Some(METER_A));
		assert_eq!(
			Meters::<Test>::get(METER_A),
			Some(Meter {
				participant: ALICE,
				status: MeterStatus::Active,
				// Read off the meter in the current period: it accounts for the ones before.
				last_period: Some(START_PERIOD - 1),
				counters
			})
		);
		assert!(System::account_exists(&METER_A));
		assert_eq!(Balances::free_balance(METER_A), 0);
		assert_eq!(
			prosumer_events().last(),
			Some(&Event::MeterBound { participant: ALICE, meter: METER_A, counters })
		);
	});
}

#[test]
fn bind_meter_refuses_bad_requests() {
	run(|| {
		metered_alice();
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(BOB), consumer_profile(1)));
		let zero = MeterCounters::default();
		assert_noop!(
			Prosumer::bind_meter(RuntimeOrigin::signed(ALICE), BOB, METER_B, zero),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Prosumer::bind_meter(RuntimeOrigin::root(), CHARLIE, METER_B, zero),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			Prosumer::bind_meter(RuntimeOrigin::root(), ALICE, METER_B, zero),
			Error::<Test>::ParticipantHasMeter
		);
		// A key bound to Alice cannot also be Bob's.
		assert_noop!(
			Prosumer::bind_meter(RuntimeOrigin::root(), BOB, METER_A, zero),
			Error::<Test>::MeterKeyAlreadyUsed
		);
		assert_noop!(
			Prosumer::bind_meter(RuntimeOrigin::root(), BOB, ALICE, zero),
			Error::<Test>::MeterKeyIsParticipant
		);
		assert_noop!(
			Prosumer::bind_meter(RuntimeOrigin::root(), BOB, BOB, zero),
			Error::<Test>::MeterKeyIsParticipant
		);
	});
}

#[test]
fn revoke_meter_stops_the_key_for_good() {
	run(|| {
		metered_alice();
		assert_noop!(
			Prosumer::revoke_meter(RuntimeOrigin::signed(ALICE), ALICE),
			DispatchError::BadOrigin
		);
		assert_ok!(Prosumer::revoke_meter(RuntimeOrigin::root(), ALICE));
		assert_eq!(Participants::<Test>::get(ALICE).unwrap().meter, None);
		assert_eq!(Meters::<Test>::get(METER_A).unwrap().status, MeterStatus::Revoked);
		assert_eq!(
			prosumer_events().last(),
			Some(&Event::MeterRevoked { participant: ALICE, meter: METER_A })
		);
		assert_noop!(Prosumer::revoke_meter(RuntimeOrigin::root(), ALICE), Error::<Test>::NoMeter);
		assert_noop!(
			Prosumer::revoke_meter(RuntimeOrigin::root(), CHARLIE),
			Error::<Test>::NotRegistered
		);
		// Revoked keys are never bound again, to anyone.
		assert_noop!(
			Prosumer::bind_meter(RuntimeOrigin::root(), ALICE, METER_A, MeterCounters::default()),
			Error::<Test>::MeterKeyAlreadyUsed
		);
		// A fresh key may replace it, and continues after the last metered period.
		assert_ok!(Prosumer::bind_meter(
			RuntimeOrigin::root(),
			ALICE,
			METER_B,
			MeterCounters::default()
		));
	});
}

#[test]
fn rotate_meter_revokes_the_old_key_and_continues_after_the_last_period() {
	run(|| {
		metered_alice();
		set_period(START_PERIOD + 1);
		assert_ok!(Prosumer::submit_reading(
			RuntimeOrigin::signed(METER_A),
			reading(START_PERIOD, 100, 20)
		));

		let fresh = MeterCounters { imported_wh: 7, exported_wh: 0 };
		assert_noop!(
			Prosumer::rotate_meter(RuntimeOrigin::signed(ALICE), ALICE, METER_B, fresh),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Prosumer::rotate_meter(RuntimeOrigin::root(), ALICE, METER_A, fresh),
			Error::<Test>::MeterKeyAlreadyUsed
		);
		assert_ok!(Prosumer::rotate_meter(RuntimeOrigin::root(), ALICE, METER_B, fresh));
		assert_eq!(Meters::<Test>::get(METER_A).unwrap().status, MeterStatus::Revoked);
		let new_meter = Meters::<Test>::get(METER_B).unwrap();
		assert_eq!(new_meter.status, MeterStatus::Active);
		assert_eq!(new_meter.last_period, Some(START_PERIOD));
		assert_eq!(new_meter.counters, fresh);
		assert_eq!(
			prosumer_events().last(),
			Some(&Event::MeterRotated {
				participant: ALICE,
				old_meter: METER_A,
				new_meter: METER_B,
				counters: fresh
			})
		);

		// The old key is refused; the new one must move past the last period, from its own
		// commissioning counters.
		set_period(START_PERIOD + 2);
		assert_noop!(
			Prosumer::submit_reading(
				RuntimeOrigin::signed(METER_A),
				reading(START_PERIOD + 1, 200, 20)
			),
			Error::<Test>::MeterRevoked
		);
		assert_noop!(
			Prosumer::submit_reading(RuntimeOrigin::signed(METER_B), reading(START_PERIOD, 10, 0)),
			Error::<Test>::PeriodNotAfterLast
		);
		assert_ok!(Prosumer::submit_reading(
			RuntimeOrigin::signed(METER_B),
			reading(START_PERIOD + 1, 10, 0)
		));
		assert_eq!(
			Prosumer::period_energy(&ALICE, START_PERIOD + 1),
			Some(PeriodEnergy { period: START_PERIOD + 1, imported_wh: 3, exported_wh: 0 })
		);
	});
}

#[test]
fn rotate_meter_needs_a_meter_and_a_fresh_key() {
	run(|| {
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(BOB), consumer_profile(1)));
		let zero = MeterCounters::default();
		assert_noop!(
			Prosumer::rotate_meter(RuntimeOrigin::root(), BOB, METER_B, zero),
			Error::<Test>::NoMeter
		);
		assert_noop!(
			Prosumer::rotate_meter(RuntimeOrigin::root(), CHARLIE, METER_B, zero),
			Error::<Test>::NotRegistered
		);
		metered_alice();
		assert_noop!(
			Prosumer::rotate_meter(RuntimeOrigin::root(), ALICE, BOB, zero),
			Error::<Test>::MeterKeyIsParticipant
		);
		assert_ok!(Prosumer::bind_meter(RuntimeOrigin::root(), BOB, METER_C, zero));
		assert_noop!(
			Prosumer::rotate_meter(RuntimeOrigin::root(), ALICE, METER_C, zero),
			Error::<Test>::MeterKeyAlreadyUsed
		);
	});
}
