//! Participants and meters at genesis; the pallet's constants.

use crate::{mock::*, pallet::*, types::*, ParticipantRegistry};
use polkadot_sdk::frame_support::{traits::fungible::InspectHold, traits::Hooks};

#[test]
fn genesis_registers_approves_and_meters_participants() {
	ext_with(
		vec![(ALICE, prosumer_profile(1)), (BOB, consumer_profile(2))],
		vec![(ALICE, METER_A)],
	)
	.execute_with(|| {
		assert!(Prosumer::is_approved(&ALICE));
		assert!(Prosumer::is_approved(&BOB));
		assert_eq!(Prosumer::profile(&BOB), Some(consumer_profile(2)));
		assert_eq!(Participants::<Test>::get(ALICE).unwrap().meter, Some(METER_A));
		assert_eq!(Participants::<Test>::get(BOB).unwrap().meter, None);
		let meter = Meters::<Test>::get(METER_A).unwrap();
		assert_eq!(meter.participant, ALICE);
		assert_eq!(meter.status, MeterStatus::Active);
		assert_eq!(meter.last_period, None);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::ParticipantDeposit.into(), &BOB),
			DEPOSIT
		);
		// The meter's account exists without funds, so it can sign with a nonce.
		assert!(System::account_exists(&METER_A));
		Prosumer::do_try_state().unwrap();
	});
}

#[test]
#[should_panic(expected = "genesis meters are fresh keys")]
fn genesis_refuses_a_meter_of_a_stranger() {
	ext_with(vec![], vec![(CHARLIE, METER_A)]);
}

#[test]
fn integrity_test_passes_for_the_mock() {
	run(|| <Prosumer as Hooks<u64>>::integrity_test());
}

#[test]
fn genesis_may_choose_a_shorter_delivery_period() {
	use polkadot_sdk::sp_runtime::BuildStorage;
	let mut storage =
		polkadot_sdk::frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> {
		participants: vec![],
		meters: vec![],
		period_seconds: 12,
		concentrators: vec![],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	polkadot_sdk::sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(Prosumer::period_seconds(), 12);
		assert_eq!(
			<crate::PeriodLengthOf<Test> as polkadot_sdk::frame_support::traits::Get<u32>>::get(),
			12
		);
		Timestamp::set_timestamp(120_000);
		assert_eq!(Prosumer::current_period(), 10, "two minutes are ten 12-second periods");
	});
	// Without a choice, the configured length.
	run(|| assert_eq!(Prosumer::period_seconds(), PERIOD_SECONDS));
}
