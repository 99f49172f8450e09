//! Settlement after the readings' window: delivery checked, imbalances charged, debts kept,
//! bounded work per block, the zone view's balance.

use crate::{mock::*, *};
use energy_primitives::ParticipantActivity;
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

/// Imbalance cost of `wh` at the mock's imbalance price.
fn imbalance_cost(wh: u64) -> u64 {
	wh * IMBALANCE / 1_000
}

#[test]
fn nothing_is_settled_before_the_readings_window_closes() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 1_000, 0);
		// The readings of NOW + 1 are accepted up to NOW + 1 + DELAY.
		set_period(NOW + 1 + DELAY);
		next_block();
		assert!(OpenLedger::<Test>::get(NOW + 1, ALICE).is_some());
		assert!(Energium::has_unsettled_periods(&ALICE));
		set_period(NOW + 1 + DELAY + 1);
		next_block();
		assert!(OpenLedger::<Test>::get(NOW + 1, ALICE).is_none());
		assert!(PendingPeriods::<Test>::get().is_empty());
		assert!(!Energium::has_unsettled_periods(&ALICE));
	});
}

#[test]
fn a_seller_with_no_export_reading_pays_for_all_it_sold() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 1_000, 0);
		reading(ALICE, NOW + 1, 1_000, 0);
		settle_through(NOW + 1);
		let charge = imbalance_cost(1_000);
		assert_eq!(free(BOB), FUNDS - charge);
		assert_eq!(free(GRID) - GRID_START, charge);
		let bob = Accounts::<Test>::get(BOB);
		assert_eq!((bob.undelivered_wh, bob.debt, bob.unsettled_periods), (1_000, 0, 0));
		let entry = SettledPeriods::<Test>::get(BOB)[0];
		assert!(entry.settled && !entry.metered);
		assert_eq!((entry.undelivered_wh, entry.charged, entry.unpaid), (1_000, charge, 0));
		assert!(events().contains(&Event::ParticipantSettled {
			who: BOB,
			period: NOW + 1,
			sold_wh: 1_000,
			exported_wh: 0,
			undelivered_wh: 1_000,
			shortfall_wh: 0,
			charged: charge,
			unpaid: 0
		}));
		assert!(events().contains(&Event::PeriodSettled { period: NOW + 1 }));
		// Alice consumed exactly what she bought: nothing to pay.
		assert_eq!(free(ALICE), FUNDS);
	});
}

#[test]
fn a_seller_who_under_delivers_pays_the_difference_and_one_who_over_delivers_nothing() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 1_000, 0);
		trade(NOW + 1, ALICE, CHARLIE, 500, 0);
		reading(BOB, NOW + 1, 0, 700);
		reading(CHARLIE, NOW + 1, 0, 900);
		settle_through(NOW + 1);
		assert_eq!(free(BOB), FUNDS - imbalance_cost(300));
		assert_eq!(Accounts::<Test>::get(BOB).undelivered_wh, 300);
		// The surplus export is the grid's, unpaid: Charlie sold 500 and is charged nothing.
		assert_eq!(free(CHARLIE), FUNDS);
		assert_eq!(Accounts::<Test>::get(CHARLIE).undelivered_wh, 0);
		assert_eq!(SettledPeriods::<Test>::get(CHARLIE)[0].exported_wh, 900);
	});
}

#[test]
fn a_shortfall_is_bought_from_the_grid_at_settlement() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 1_000, 0);
		reading(ALICE, NOW + 1, 1_400, 0);
		reading(BOB, NOW + 1, 0, 1_000);
		settle_through(NOW + 1);
		assert_eq!(free(ALICE), FUNDS - imbalance_cost(400));
		assert_eq!(free(BOB), FUNDS);
		let month = Months::<Test>::get(ALICE)[0];
		assert_eq!(
			(month.purchased_wh, month.consumed_wh, month.shortfall_wh),
			(1_000, 1_400, 400)
		);
		assert_eq!(month.imbalance_charges, imbalance_cost(400));
	});
}

#[test]
fn a_period_with_no_trades_settles_readings_alone() {
	run(|| {
		reading(ALICE, NOW - 1, 200, 0);
		reading(CHARLIE, NOW - 1, 0, 300);
		settle_through(NOW - 1);
		assert_eq!(free(ALICE), FUNDS - imbalance_cost(200));
		assert_eq!(free(CHARLIE), FUNDS, "an export nobody bought costs nothing");
		assert_eq!(SettledPeriods::<Test>::get(CHARLIE)[0].sold_wh, 0);
		assert!(PendingPeriods::<Test>::get().is_empty());
	});
}

#[test]
fn a_debt_that_cannot_be_paid_is_recorded_and_blocks_leaving_until_paid() {
	run(|| {
		// The pauper (2 units, 1 spendable) consumes 10 kWh with no EGM.
		reading(PAUPER, NOW - 1, 10_000, 0);
		settle_through(NOW - 1);
		let charge = imbalance_cost(10_000);
		let account = Accounts::<Test>::get(PAUPER);
		assert_eq!(account.debt, charge - 1);
		assert_eq!(free(PAUPER), 1, "the existential deposit is left");
		let entry = SettledPeriods::<Test>::get(PAUPER)[0];
		assert_eq!((entry.charged, entry.unpaid), (1, charge - 1));
		assert!(Energium::has_unsettled_periods(&PAUPER), "a debtor cannot deregister");

		assert_noop!(Energium::pay_debt(RuntimeOrigin::signed(ALICE), 10), Error::<Test>::NoDebt);
		assert_noop!(
			Energium::pay_debt(RuntimeOrigin::signed(PAUPER), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Energium::pay_debt(RuntimeOrigin::signed(PAUPER), 100),
			Error::<Test>::InsufficientBalance
		);
		// Funds arrive; paying more than owed pays what is owed.
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), PAUPER, 100_000));
		assert_ok!(Energium::pay_debt(RuntimeOrigin::signed(PAUPER), 1_000_000));
		assert_eq!(Accounts::<Test>::get(PAUPER).debt, 0);
		assert_eq!(free(GRID) - GRID_START, charge);
		assert!(events().contains(&Event::DebtPaid {
			who: PAUPER,
			amount: charge - 1,
			remaining: 0
		}));
		assert!(!Energium::has_unsettled_periods(&PAUPER));
	});
}

#[test]
fn a_participant_may_leave_once_settled() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 500, 0);
		reading(ALICE, NOW + 1, 500, 0);
		reading(BOB, NOW + 1, 0, 500);
		assert!(Energium::has_unsettled_periods(&ALICE) && Energium::has_unsettled_periods(&BOB));
		settle_through(NOW + 1);
		assert!(!Energium::has_unsettled_periods(&ALICE) && !Energium::has_unsettled_periods(&BOB));
		assert!(!Energium::has_open_orders(&ALICE));
		// Its ledger outlives its registration: history is kept.
		assert_eq!(SettledPeriods::<Test>::get(ALICE).len(), 1);
	});
}

#[test]
fn settlement_is_bounded_per_block_and_resumes_where_it_stopped() {
	run(|| {
		// Five participants in one period, two settled per block.
		for who in [ALICE, BOB, CHARLIE, EVE, PAUPER] {
			reading(who, NOW - 1, 0, 1);
		}
		set_period(NOW - 1 + DELAY + 1);
		let settled = || OpenLedger::<Test>::iter_prefix(NOW - 1).count();
		next_block();
		assert_eq!(settled(), 3);
		next_block();
		assert_eq!(settled(), 1);
		assert!(!PendingPeriods::<Test>::get().is_empty());
		assert!(!events().contains(&Event::PeriodSettled { period: NOW - 1 }));
		next_block();
		assert_eq!(settled(), 0);
		assert!(PendingPeriods::<Test>::get().is_empty());
		assert!(events().contains(&Event::PeriodSettled { period: NOW - 1 }));
		assert_eq!(
			events().iter().filter(|e| matches!(e, Event::ParticipantSettled { .. })).count(),
			5
		);
	});
}

#[test]
fn history_and_months_keep_the_latest() {
	run(|| {
		// KEPT + 1 periods a month apart (2 976 quarter hours ≈ 31 days).
		let month = 2_976;
		for i in 0..=KEPT {
			reading(ALICE, NOW + i * month, 10, 0);
		}
		settle_through(NOW + KEPT * month);
		let history = SettledPeriods::<Test>::get(ALICE);
		assert_eq!(history.len() as u32, KEPT);
		assert_eq!(history[0].period, NOW + month, "the oldest was dropped");
		let months = Months::<Test>::get(ALICE);
		assert_eq!(months.len() as u32, MONTHS);
		assert!(months[0].month < months[1].month);
	});
}

#[test]
fn the_zone_view_balances_on_a_settled_period() {
	run(|| {
		// Alice (zone 0) buys from Bob (zone 1) with a loss and from Charlie (zone 0).
		trade(NOW + 1, ALICE, BOB, 1_000, 20);
		trade(NOW + 1, ALICE, CHARLIE, 400, 0);
		reading(ALICE, NOW + 1, 1_500, 0);
		reading(BOB, NOW + 1, 0, 900);
		reading(CHARLIE, NOW + 1, 50, 400);
		settle_through(NOW + 1);
		let zones = Energium::zone_energy(NOW + 1);
		assert_eq!(zones.iter().map(|(zone, _)| *zone).collect::<Vec<_>>(), vec![0, 1]);
		let sum = |f: fn(&ZoneEnergy) -> u64| zones.iter().map(|(_, z)| f(z)).sum::<u64>();
		// Peer-to-peer energy sold equals energy bought (eq. 5–7), and sold = delivered + lost.
		assert_eq!(sum(|z| z.sold_wh), sum(|z| z.bought_wh));
		assert_eq!(sum(|z| z.sold_wh), sum(|z| z.delivered_wh) + sum(|z| z.lost_wh));
		// Consumption is covered by EGM or bought from the grid.
		assert_eq!(sum(|z| z.imported_wh), sum(|z| z.debited_wh) + sum(|z| z.shortfall_wh));
		// Eq. 4: what consumers take (peer + grid) equals what sellers and the grid supply.
		// Energy sellers did not export was supplied by the grid.
		assert_eq!(sum(|z| z.undelivered_wh), 100);
		assert_eq!(sum(|z| u64::from(z.settled_participants)), 3);
		// Each zone's own figures.
		let zone0 = zones[0].1;
		assert_eq!((zone0.bought_wh, zone0.delivered_wh, zone0.sold_wh), (1_400, 1_380, 400));
		assert_eq!((zone0.imported_wh, zone0.debited_wh, zone0.shortfall_wh), (1_550, 1_380, 170));
		let zone1 = zones[1].1;
		assert_eq!((zone1.sold_wh, zone1.lost_wh, zone1.exported_wh), (1_000, 20, 900));
		// The buyer's ledger: purchased − consumed + shortfall = balance.
		let info = Energium::buyer_info(&ALICE);
		assert_eq!((info.purchased_wh, info.consumed_wh, info.shortfall_wh), (1_380, 1_500, 120));
		assert_eq!(info.balance_wh, 0);
		assert_eq!(info.settled_periods.len(), 1);
		assert!(info.open_periods.is_empty());
	});
}

#[test]
fn buyer_info_shows_open_periods_before_settlement() {
	run(|| {
		trade(NOW + 1, ALICE, BOB, 1_000, 0);
		trade(NOW + 2, ALICE, BOB, 500, 0);
		let info = Energium::buyer_info(&ALICE);
		assert_eq!(info.balance_wh, 1_500);
		assert_eq!(info.balance_egm, 1_500 * EGM_UNITS_PER_WH);
		assert_eq!(
			info.open_periods.iter().map(|e| e.period).collect::<Vec<_>>(),
			vec![NOW + 1, NOW + 2]
		);
		assert!(info.settled_periods.is_empty());
	});
}

#[test]
fn the_worst_settlement_step_fits_a_quarter_block() {
	use polkadot_sdk::frame_support::traits::Get;
	let worst = Energium::worst_case_block_weight();
	let max = <<Test as polkadot_sdk::frame_system::Config>::BlockWeights as Get<
		polkadot_sdk::frame_system::limits::BlockWeights,
	>>::get()
	.max_block;
	assert!(worst.all_lte(max / 4));
}

#[test]
fn an_empty_reading_opens_nothing_to_settle() {
	run(|| {
		reading(ALICE, NOW - 1, 0, 0);
		assert!(OpenLedger::<Test>::get(NOW - 1, ALICE).is_none());
		assert!(!Energium::has_unsettled_periods(&ALICE), "an idle participant may leave");
		// In a period it traded in, it is recorded: the seller's delivery is checked.
		trade(NOW + 1, ALICE, BOB, 100, 0);
		reading(BOB, NOW + 1, 0, 0);
		assert!(OpenLedger::<Test>::get(NOW + 1, BOB).unwrap().metered);
	});
}

#[test]
fn without_a_tariff_settlement_waits_for_one() {
	run(|| {
		reading(ALICE, NOW - 1, 200, 0);
		GridTariff::<Test>::kill();
		settle_through(NOW - 1);
		assert!(OpenLedger::<Test>::get(NOW - 1, ALICE).is_some(), "the imbalance is not lost");
		assert_ok!(Energium::set_tariff(
			RuntimeOrigin::root(),
			Tariff { retail_price_per_kwh: RETAIL, imbalance_price_per_kwh: IMBALANCE }
		));
		next_block();
		assert!(OpenLedger::<Test>::get(NOW - 1, ALICE).is_none());
		assert_eq!(free(ALICE), FUNDS - imbalance_cost(200));
	});
}

#[test]
fn the_zone_view_is_kept_for_the_latest_settled_periods() {
	run(|| {
		for i in 0..=KEPT {
			reading(ALICE, NOW + i, 10, 0);
		}
		settle_through(NOW + KEPT);
		assert_eq!(
			ZoneViewPeriods::<Test>::get().to_vec(),
			(1..=KEPT).map(|i| NOW + i).collect::<Vec<_>>()
		);
		assert!(Energium::zone_energy(NOW).is_empty(), "the oldest period's zones were dropped");
		assert_eq!(Energium::zone_energy(NOW + KEPT)[0].1.imported_wh, 10);
	});
}
