//! `creditEnergy`, `buyEnergy`, `debitEnergy` and the tariff.

use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

#[test]
fn a_trade_credits_the_buyer_with_the_energy_delivered() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 1_000, 12);
		let alice = Accounts::<Test>::get(ALICE);
		assert_eq!((alice.balance_wh, alice.purchased_wh, alice.unsettled_periods), (988, 988, 1));
		assert_eq!(Accounts::<Test>::get(BOB).balance_wh, 0, "the seller gets money, not EGM");
		assert_eq!(TotalIssuanceWh::<Test>::get(), 988);
		let entry = OpenLedger::<Test>::get(NOW + 1, ALICE).unwrap();
		assert_eq!((entry.bought_wh, entry.received_wh), (1_000, 988));
		assert_eq!(OpenLedger::<Test>::get(NOW + 1, BOB).unwrap().sold_wh, 1_000);
		assert_eq!(PendingPeriods::<Test>::get().to_vec(), vec![NOW + 1]);
		// The zones: sold and lost in Bob's, bought and delivered in Alice's.
		let bob_zone = ZoneLedger::<Test>::get(NOW + 1, 1);
		assert_eq!((bob_zone.sold_wh, bob_zone.lost_wh), (1_000, 12));
		let alice_zone = ZoneLedger::<Test>::get(NOW + 1, 0);
		assert_eq!((alice_zone.bought_wh, alice_zone.delivered_wh), (1_000, 988));
		// What the order book counts against capacity.
		assert_eq!(Energium::traded(&ALICE, NOW + 1).bought_wh, 1_000);
		assert_eq!(Energium::traded(&BOB, NOW + 1).sold_wh, 1_000);
		assert_eq!(
			events(),
			vec![Event::EnergyCredited {
				who: ALICE,
				period: NOW + 1,
				energy_wh: 988,
				balance_wh: 988
			}]
		);
	});
}

#[test]
fn a_reading_debits_the_import_and_records_the_shortfall() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 1_000, 0);
		reading(ALICE, NOW + 1, 1_300, 0);
		let alice = Accounts::<Test>::get(ALICE);
		assert_eq!((alice.balance_wh, alice.consumed_wh, alice.shortfall_wh), (0, 1_300, 300));
		let entry = OpenLedger::<Test>::get(NOW + 1, ALICE).unwrap();
		assert_eq!((entry.imported_wh, entry.debited_wh, entry.shortfall_wh), (1_300, 1_000, 300));
		assert_eq!(TotalIssuanceWh::<Test>::get(), 0);
		assert_eq!(TotalDebitedWh::<Test>::get(), 1_000);
		assert_eq!(
			events().last(),
			Some(&Event::EnergyDebited {
				who: ALICE,
				period: NOW + 1,
				consumed_wh: 1_300,
				debited_wh: 1_000,
				shortfall_wh: 300,
				balance_wh: 0
			})
		);
	});
}

#[test]
fn a_reading_for_an_account_with_no_egm_works() {
	run(|| {
		reading(ALICE, NOW - 1, 500, 0);
		let alice = Accounts::<Test>::get(ALICE);
		assert_eq!((alice.balance_wh, alice.consumed_wh, alice.shortfall_wh), (0, 500, 500));
		assert_eq!(TotalIssuanceWh::<Test>::get(), 0);
		assert_eq!(OpenLedger::<Test>::get(NOW - 1, ALICE).unwrap().debited_wh, 0);
	});
}

#[test]
fn a_buyer_who_under_consumes_keeps_its_egm() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 1_000, 0);
		reading(ALICE, NOW + 1, 400, 0);
		assert_eq!(Accounts::<Test>::get(ALICE).balance_wh, 600);
		reading(ALICE, NOW + 2, 500, 0);
		assert_eq!(Accounts::<Test>::get(ALICE).balance_wh, 100, "EGM carries over periods");
		assert_eq!(Accounts::<Test>::get(ALICE).shortfall_wh, 0);
	});
}

#[test]
fn buy_energy_divides_the_amount_by_the_tariff() {
	run(|| {
		// 1000 units at 300 per kWh buy 3.333 kWh: 3 333 Wh, costing 999.9 units, paid 1000
		// (rounded up, never above the amount).
		assert_ok!(Energium::buy_energy(RuntimeOrigin::signed(ALICE), 1_000));
		assert_eq!(Accounts::<Test>::get(ALICE).balance_wh, 3_333);
		assert_eq!(free(ALICE), FUNDS - 1_000);
		assert_eq!(free(GRID) - GRID_START, 1_000);
		// 1 001 units buy 3 336 Wh (1 000.8 units): paid 1 001.
		assert_ok!(Energium::buy_energy(RuntimeOrigin::signed(CHARLIE), 1_001));
		assert_eq!(free(CHARLIE), FUNDS - 1_001);
		let entry = OpenLedger::<Test>::get(NOW, ALICE).unwrap();
		assert_eq!(entry.tariff_wh, 3_333);
		assert_eq!(ZoneLedger::<Test>::get(NOW, 0).tariff_wh, 3_333 + 3_336, "both in zone 0");
		assert_eq!(
			events()[..2],
			[
				Event::EnergyPurchased {
					who: ALICE,
					period: NOW,
					paid: 1_000,
					price_per_kwh: RETAIL,
					energy_wh: 3_333
				},
				Event::EnergyCredited {
					who: ALICE,
					period: NOW,
					energy_wh: 3_333,
					balance_wh: 3_333
				},
			]
		);
	});
}

#[test]
fn buy_energy_refuses_bad_input_and_changes_nothing() {
	run(|| {
		// Less than a Wh: 0.3 units buy 1 Wh.
		assert_noop!(
			Energium::buy_energy(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::PurchaseTooSmall
		);
		assert_noop!(
			Energium::buy_energy(RuntimeOrigin::signed(EVE), 1_000),
			Error::<Test>::NotApproved
		);
		assert_noop!(
			Energium::buy_energy(RuntimeOrigin::signed(42), 1_000),
			Error::<Test>::NotApproved
		);
		assert_noop!(
			Energium::buy_energy(RuntimeOrigin::signed(PAUPER), 1_000),
			Error::<Test>::InsufficientBalance
		);
		GridTariff::<Test>::kill();
		assert_noop!(
			Energium::buy_energy(RuntimeOrigin::signed(ALICE), 1_000),
			Error::<Test>::NoTariff
		);
	});
}

#[test]
fn the_tariff_is_the_operators_and_never_zero() {
	run(|| {
		let tariff = Tariff { retail_price_per_kwh: 250, imbalance_price_per_kwh: 0 };
		assert_noop!(Energium::set_tariff(RuntimeOrigin::root(), tariff), Error::<Test>::ZeroPrice);
		let tariff = Tariff { retail_price_per_kwh: 250, imbalance_price_per_kwh: 400 };
		assert_noop!(
			Energium::set_tariff(RuntimeOrigin::signed(ALICE), tariff),
			DispatchError::BadOrigin
		);
		assert_ok!(Energium::set_tariff(RuntimeOrigin::root(), tariff));
		assert_eq!(GridTariff::<Test>::get(), Some(tariff));
		// A zero retail price cannot be in force, and buying at one is refused regardless.
		assert!(matches!(Energium::energy_for(1_000, 0), Err(Error::<Test>::ZeroPrice)));
	});
}

#[test]
fn a_full_settlement_queue_refuses_a_purchase_that_needs_a_new_period() {
	run(|| {
		for i in 0..QUEUE {
			trade(NOW + 1 + i, ALICE, BOB, 10, 0);
		}
		assert_noop!(
			Energium::buy_energy(RuntimeOrigin::signed(CHARLIE), 1_000),
			Error::<Test>::TooManyPendingPeriods
		);
	});
}

#[test]
fn a_batch_of_readings_is_weighed_between_one_zone_and_a_zone_each() {
	use energy_primitives::OnMeterReading;
	use polkadot_sdk::frame_support::weights::Weight;
	let weigh = <Energium as OnMeterReading<u64>>::on_readings_weight;
	let worst = <() as WeightInfo>::on_readings(500);
	let best = <() as WeightInfo>::on_readings_in_one_zone(500);
	assert!(best.ref_time() < worst.ref_time(), "a zone's view is written once per zone");
	assert_eq!(weigh(0, 0), Weight::zero());
	assert_eq!(weigh(500, 500), worst);
	assert_eq!(weigh(500, 900), worst, "never more zones than readings");
	assert_eq!(weigh(500, 1).ref_time(), best.ref_time());
	assert_eq!(weigh(500, 0), weigh(500, 1), "no zone counted still opens one view");
	let mut last = best;
	for zones in [2, 32, 100, 250, 499] {
		let between = weigh(500, zones);
		assert!(between.ref_time() > last.ref_time(), "{zones} zones: {between}");
		assert!(between.ref_time() < worst.ref_time(), "{zones} zones: {between}");
		assert!(between.all_lte(worst), "never above what the batch was charged");
		last = between;
	}
	// Never more than the readings one by one.
	assert!(weigh(500, 500).ref_time() <= <() as WeightInfo>::on_reading().ref_time() * 500);
}
