//! Registering, updating, approving, suspending and deregistering participants.

use crate::{mock::*, pallet::*, types::*, ParticipantRegistry};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold},
	sp_runtime::DispatchError,
};

fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::ParticipantDeposit.into(), &who)
}

#[test]
fn register_holds_the_deposit_and_waits_for_approval() {
	run(|| {
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(ALICE), prosumer_profile(7)));
		let participant = Participants::<Test>::get(ALICE).expect("registered");
		assert_eq!(participant.status, ParticipantStatus::PendingApproval);
		assert_eq!(participant.profile, prosumer_profile(7));
		assert_eq!(participant.deposit, DEPOSIT);
		assert_eq!(held(ALICE), DEPOSIT);
		assert_eq!(Balances::free_balance(ALICE), 1_000 - DEPOSIT);
		assert!(!Prosumer::is_approved(&ALICE));
		assert_eq!(
			prosumer_events(),
			vec![Event::ParticipantRegistered {
				who: ALICE,
				profile: prosumer_profile(7),
				deposit: DEPOSIT
			}]
		);
	});
}

#[test]
fn register_refuses_a_second_registration() {
	run(|| {
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(ALICE), prosumer_profile(1)));
		assert_noop!(
			Prosumer::register(RuntimeOrigin::signed(ALICE), consumer_profile(1)),
			Error::<Test>::AlreadyRegistered
		);
	});
}

#[test]
fn register_refuses_profiles_no_participant_could_have() {
	run(|| {
		let cases = [
			(
				Profile { generation_capacity_w: 1, ..consumer_profile(1) },
				Error::<Test>::ConsumerWithGeneration,
			),
			(
				Profile { connection_capacity_w: 0, ..consumer_profile(1) },
				Error::<Test>::NoConnectionCapacity,
			),
			(
				Profile { generation_capacity_w: 0, ..prosumer_profile(1) },
				Error::<Test>::NoGenerationCapacity,
			),
			(
				Profile { connection_capacity_w: 0, ..prosumer_profile(1) },
				Error::<Test>::NoConnectionCapacity,
			),
			(
				Profile { role: Role::Producer, generation_capacity_w: 0, ..prosumer_profile(1) },
				Error::<Test>::NoGenerationCapacity,
			),
			(
				Profile { generation_capacity_w: 1_000_001, ..prosumer_profile(1) },
				Error::<Test>::CapacityTooLarge,
			),
			(
				Profile { connection_capacity_w: 1_000_001, ..prosumer_profile(1) },
				Error::<Test>::CapacityTooLarge,
			),
		];
		for (profile, error) in cases {
			assert_noop!(Prosumer::register(RuntimeOrigin::signed(ALICE), profile), error);
		}
		// A producer may have no connection capacity to import through.
		let producer =
			Profile { role: Role::Producer, connection_capacity_w: 0, ..prosumer_profile(1) };
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(ALICE), producer));
	});
}

#[test]
fn register_refuses_who_cannot_pay_the_deposit() {
	run(|| {
		assert_noop!(
			Prosumer::register(RuntimeOrigin::signed(PAUPER), consumer_profile(1)),
			Error::<Test>::InsufficientBalanceForDeposit
		);
	});
}

#[test]
fn register_refuses_a_meter_key() {
	run(|| {
		metered_alice();
		assert_noop!(
			Prosumer::register(RuntimeOrigin::signed(METER_A), consumer_profile(1)),
			Error::<Test>::AccountIsMeter
		);
	});
}

#[test]
fn register_requires_a_signed_origin() {
	run(|| {
		assert_noop!(
			Prosumer::register(RuntimeOrigin::root(), consumer_profile(1)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn update_profile_applies_role_and_capacity_but_holds_back_a_zone_change() {
	run(|| {
		metered_alice();
		let wanted = Profile { zone: 5, generation_capacity_w: 4_000, ..prosumer_profile(1) };
		assert_ok!(Prosumer::update_profile(RuntimeOrigin::signed(ALICE), wanted));
		let participant = Participants::<Test>::get(ALICE).unwrap();
		assert_eq!(participant.profile, Profile { zone: 1, ..wanted });
		assert_eq!(participant.requested_zone, Some(5));
		assert_eq!(participant.status, ParticipantStatus::Approved);
		assert!(prosumer_events().ends_with(&[
			Event::ProfileUpdated { who: ALICE, profile: Profile { zone: 1, ..wanted } },
			Event::ZoneChangeRequested { who: ALICE, zone: 5 },
		]));

		assert_ok!(Prosumer::approve(RuntimeOrigin::root(), ALICE));
		let participant = Participants::<Test>::get(ALICE).unwrap();
		assert_eq!(participant.profile, wanted);
		assert_eq!(participant.requested_zone, None);
		assert_eq!(Prosumer::profile(&ALICE), Some(wanted));
	});
}

#[test]
fn update_profile_back_to_the_approved_zone_withdraws_the_request() {
	run(|| {
		metered_alice();
		assert_ok!(Prosumer::update_profile(RuntimeOrigin::signed(ALICE), prosumer_profile(5)));
		assert_ok!(Prosumer::update_profile(RuntimeOrigin::signed(ALICE), prosumer_profile(1)));
		assert_eq!(Participants::<Test>::get(ALICE).unwrap().requested_zone, None);
		assert_noop!(
			Prosumer::approve(RuntimeOrigin::root(), ALICE),
			Error::<Test>::AlreadyApproved
		);
	});
}

#[test]
fn update_profile_of_a_participant_never_approved_applies_the_zone() {
	run(|| {
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(BOB), consumer_profile(1)));
		assert_ok!(Prosumer::update_profile(RuntimeOrigin::signed(BOB), consumer_profile(2)));
		let participant = Participants::<Test>::get(BOB).unwrap();
		assert_eq!(participant.profile.zone, 2);
		assert_eq!(participant.requested_zone, None);
	});
}

#[test]
fn update_profile_refuses_strangers_and_invalid_profiles() {
	run(|| {
		assert_noop!(
			Prosumer::update_profile(RuntimeOrigin::signed(CHARLIE), consumer_profile(1)),
			Error::<Test>::NotRegistered
		);
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(BOB), consumer_profile(1)));
		assert_noop!(
			Prosumer::update_profile(
				RuntimeOrigin::signed(BOB),
				Profile { generation_capacity_w: 10, ..consumer_profile(1) }
			),
			Error::<Test>::ConsumerWithGeneration
		);
	});
}

#[test]
fn approve_and_suspend_are_the_operators_and_change_status() {
	run(|| {
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(BOB), consumer_profile(3)));
		assert_noop!(Prosumer::approve(RuntimeOrigin::signed(BOB), BOB), DispatchError::BadOrigin);
		assert_noop!(Prosumer::suspend(RuntimeOrigin::signed(BOB), BOB), DispatchError::BadOrigin);

		assert_ok!(Prosumer::approve(RuntimeOrigin::root(), BOB));
		assert!(Prosumer::is_approved(&BOB));
		assert_noop!(Prosumer::approve(RuntimeOrigin::root(), BOB), Error::<Test>::AlreadyApproved);

		assert_eq!(suspensions_seen(), Vec::<u64>::new(), "refused calls tell the market nothing");
		assert_ok!(Prosumer::suspend(RuntimeOrigin::root(), BOB));
		assert!(!Prosumer::is_approved(&BOB));
		assert_eq!(Participants::<Test>::get(BOB).unwrap().status, ParticipantStatus::Suspended);
		assert_eq!(suspensions_seen(), vec![BOB], "the market is told, to cancel Bob's orders");
		assert_noop!(
			Prosumer::suspend(RuntimeOrigin::root(), BOB),
			Error::<Test>::AlreadySuspended
		);
		assert_eq!(suspensions_seen(), vec![BOB], "once");

		assert_ok!(Prosumer::approve(RuntimeOrigin::root(), BOB));
		assert!(Prosumer::is_approved(&BOB));
		assert_eq!(
			prosumer_events()[1..],
			[
				Event::ParticipantApproved { who: BOB, zone: 3 },
				Event::ParticipantSuspended { who: BOB },
				Event::ParticipantApproved { who: BOB, zone: 3 },
			]
		);
	});
}

#[test]
fn approve_and_suspend_refuse_strangers() {
	run(|| {
		assert_noop!(
			Prosumer::approve(RuntimeOrigin::root(), CHARLIE),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			Prosumer::suspend(RuntimeOrigin::root(), CHARLIE),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn deregister_releases_the_deposit_revokes_the_meter_and_drops_history() {
	run(|| {
		metered_alice();
		set_period(START_PERIOD + 1);
		assert_ok!(Prosumer::submit_reading(
			RuntimeOrigin::signed(METER_A),
			MeterReading {
				period: START_PERIOD,
				counters: MeterCounters { imported_wh: 10, exported_wh: 5 }
			}
		));
		assert_eq!(EnergyHistory::<Test>::get(ALICE).len(), 1);

		assert_ok!(Prosumer::deregister(RuntimeOrigin::signed(ALICE)));
		assert!(Participants::<Test>::get(ALICE).is_none());
		assert!(EnergyHistory::<Test>::get(ALICE).is_empty());
		assert_eq!(Meters::<Test>::get(METER_A).unwrap().status, MeterStatus::Revoked);
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::free_balance(ALICE), 1_000);
		assert_eq!(
			prosumer_events().last(),
			Some(&Event::ParticipantDeregistered { who: ALICE, deposit: DEPOSIT })
		);
		// The key stays spent, even for Alice if she comes back.
		assert_ok!(Prosumer::register(RuntimeOrigin::signed(ALICE), prosumer_profile(1)));
		assert_noop!(
			Prosumer::bind_meter(RuntimeOrigin::root(), ALICE, METER_A, MeterCounters::default()),
			Error::<Test>::MeterKeyAlreadyUsed
		);
	});
}

#[test]
fn deregister_waits_for_open_orders_and_unsettled_periods() {
	run(|| {
		metered_alice();
		OpenOrders::set(true);
		assert_noop!(
			Prosumer::deregister(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::HasOpenOrders
		);
		OpenOrders::set(false);
		UnsettledPeriods::set(true);
		assert_noop!(
			Prosumer::deregister(RuntimeOrigin::signed(ALICE)),
			Error::<Test>::HasUnsettledPeriods
		);
		UnsettledPeriods::set(false);
		assert_ok!(Prosumer::deregister(RuntimeOrigin::signed(ALICE)));
	});
}

#[test]
fn deregister_refuses_strangers() {
	run(|| {
		assert_noop!(
			Prosumer::deregister(RuntimeOrigin::signed(CHARLIE)),
			Error::<Test>::NotRegistered
		);
	});
}

#[test]
fn suspend_is_charged_the_markets_hook_in_advance() {
	use polkadot_sdk::frame_support::dispatch::GetDispatchInfo;
	let call = crate::Call::<Test>::suspend { who: BOB };
	let own = <() as crate::WeightInfo>::suspend();
	assert_eq!(
		call.get_dispatch_info().call_weight.ref_time(),
		own.ref_time() + SUSPEND_HOOK_WEIGHT
	);
}
