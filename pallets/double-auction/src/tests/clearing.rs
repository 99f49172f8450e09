//! Clearing in `on_initialize`, settlement, and closing books when delivery begins.

use crate::{mock::*, *};
use polkadot_sdk::frame_support::{
	assert_ok,
	traits::{fungible::MutateHold, tokens::Precision, Get},
	weights::{RuntimeDbWeight, Weight},
};

fn place(who: u64, side: Side, period: PeriodIndex, energy_wh: u64, price: u64) {
	assert_ok!(DoubleAuction::place_order(
		RuntimeOrigin::signed(who),
		side,
		period,
		energy_wh,
		price
	));
}

/// Bob's bid (400) takes 1 kWh of Charlie's 1.5 kWh offer (200), Dave's bid (300) the
/// remaining 0.5 kWh. The marginal bid is 300 and the marginal offer 200: with k = ½ the
/// price is 250. Dave paid 125 and keeps 0.5 kWh at 300 (150) in escrow.
fn assert_the_three_order_book_cleared_at_250() {
	assert_eq!(trades(), vec![(0, 2, 1_000, 1_000, 0, 250, 250), (1, 2, 500, 500, 0, 250, 250)]);
	assert_eq!((free(BOB), escrow(BOB), deposits(BOB)), (FUNDS - 250, 0, 0));
	assert_eq!((free(DAVE), escrow(DAVE)), (FUNDS - 125 - 150 - DEPOSIT, 150));
	assert_eq!(deposits(DAVE), DEPOSIT, "Dave's bid is still open");
	assert_eq!((free(CHARLIE), deposits(CHARLIE)), (FUNDS + 375, 0));
}

#[test]
fn the_next_block_clears_at_a_uniform_price_and_settles() {
	run(|| {
		place(BOB, Side::Bid, NOW + 1, 1_000, 400); // 0
		place(DAVE, Side::Bid, NOW + 1, 1_000, 300); // 1
		place(CHARLIE, Side::Offer, NOW + 1, 1_500, 200); // 2
		assert!(trades().is_empty(), "nothing clears before the next block");
		next_block();
		assert_the_three_order_book_cleared_at_250();
		assert!(!Orders::<Test>::contains_key(0) && !Orders::<Test>::contains_key(2));
		assert_eq!(Orders::<Test>::get(1).map(|o| (o.remaining_wh, o.escrow)), Some((500, 150)));
		assert_eq!(book(NOW + 1), vec![1]);
		assert!(PendingClearing::<Test>::get().is_empty());
		assert_eq!(
			events().last(),
			Some(&Event::BookCleared {
				period: NOW + 1,
				mechanism: Mechanism::default(),
				orders: 3,
				trades: 2,
				sold_wh: 1_500,
				lost_wh: 0
			})
		);
		// An unchanged book is not cleared again.
		let before = events().len();
		next_block();
		assert_eq!(events().len(), before);
	});
}

#[test]
fn books_clear_one_per_block_earliest_first() {
	run(|| {
		place(BOB, Side::Bid, NOW + 2, 1_000, 300);
		place(ALICE, Side::Offer, NOW + 2, 1_000, 100);
		place(DAVE, Side::Bid, NOW + 1, 1_000, 300);
		place(CHARLIE, Side::Offer, NOW + 1, 1_000, 100);
		next_block();
		assert_eq!(trades(), vec![(2, 3, 1_000, 1_000, 0, 200, 200)]);
		next_block();
		assert_eq!(trades().len(), 2);
		assert!(Orders::<Test>::iter().next().is_none());
		assert!(OpenBooks::<Test>::get().is_empty());
	});
}

#[test]
fn losses_are_deducted_from_what_the_buyer_receives_and_pays_for() {
	run(|| {
		set_grid(Some(weak_feeder()));
		place(DAVE, Side::Bid, NOW + 1, 1_000, 300); // zone 1
		place(CHARLIE, Side::Offer, NOW + 1, 1_000, 100); // zone 2, 500 m away
		next_block();
		// 1 kWh over 500 m of 16 mm² aluminium at 400 V in 15 minutes: 4 kW, 5.77 A per
		// phase, 0.881 Ω, 88.1 W lost for a quarter hour: 22.0 Wh.
		assert_eq!(trades(), vec![(0, 1, 1_000, 978, 22, 200, 200)]);
		// Dave pays for the 978 Wh delivered: 195.6, rounded down.
		assert_eq!((free(DAVE), escrow(DAVE)), (FUNDS - 195, 0));
		assert_eq!((deposits(DAVE), deposits(CHARLIE)), (0, 0), "filled orders return deposits");
		assert_eq!(free(CHARLIE), FUNDS + 195);
		let sold_is_delivered_plus_lost = trades().iter().all(|t| t.2 == t.3 + t.4);
		assert!(sold_is_delivered_plus_lost);
	});
}

#[test]
fn the_zone_market_respects_distance_and_line_capacity_at_the_offer_price() {
	run(|| {
		set_grid(Some(feeder()));
		assert_ok!(DoubleAuction::set_mechanism(RuntimeOrigin::root(), Mechanism::ZoneMarket));
		place(BOB, Side::Bid, NOW + 1, 1_000, 400); // 0: zone 0, 4 km from Charlie
		place(DAVE, Side::Bid, NOW + 1, 2_000, 300); // 1: zone 1, 2 km from Charlie
		place(CHARLIE, Side::Offer, NOW + 1, 5_000, 100); // 2: zone 2
		next_block();
		// Bob is out of reach; Dave gets what the 1.5 kWh line carries, at the offer's price.
		assert_eq!(trades(), vec![(1, 2, 1_500, 1_500, 0, 100, 100)]);
		assert_eq!(free(CHARLIE), FUNDS + 150 - DEPOSIT);
		assert_eq!(Orders::<Test>::get(1).map(|o| o.remaining_wh), Some(500));
		assert_eq!(Orders::<Test>::get(0).map(|o| o.remaining_wh), Some(1_000));
		assert_eq!(Orders::<Test>::get(2).map(|o| o.remaining_wh), Some(3_500));
	});
}

#[test]
fn mcafee_drops_the_marginal_trade_and_burns_the_spread() {
	run(|| {
		place(BOB, Side::Bid, NOW + 1, 1_000, 400); // 0
		place(DAVE, Side::Bid, NOW + 1, 1_000, 300); // 1
		place(ALICE, Side::Offer, NOW + 1, 1_000, 100); // 2
		place(CHARLIE, Side::Offer, NOW + 1, 1_000, 200); // 3
		assert_ok!(DoubleAuction::set_mechanism(RuntimeOrigin::root(), Mechanism::McAfee));
		let issuance = Balances::total_issuance();
		next_block();
		// No order is left out to price at, so the marginal pair (Dave, Charlie) is dropped:
		// Bob pays Dave's 300, Alice receives Charlie's 200.
		assert_eq!(trades(), vec![(0, 2, 1_000, 1_000, 0, 300, 200)]);
		assert_eq!((free(BOB), escrow(BOB)), (FUNDS - 300, 0));
		assert_eq!(free(ALICE), FUNDS + 200);
		assert_eq!(Balances::total_issuance(), issuance - 100);
		assert!(matches!(events().last(), Some(Event::BookCleared { trades: 1, .. })));
		assert!(Orders::<Test>::contains_key(1) && Orders::<Test>::contains_key(3));
	});
}

#[test]
fn a_prosumer_matched_with_itself_pays_itself() {
	run(|| {
		place(ALICE, Side::Bid, NOW + 1, 1_000, 300);
		place(ALICE, Side::Offer, NOW + 1, 1_000, 100);
		next_block();
		assert_eq!(trades(), vec![(0, 1, 1_000, 1_000, 0, 200, 200)]);
		assert_eq!((free(ALICE), escrow(ALICE)), (FUNDS, 0));
	});
}

#[test]
fn orders_in_zones_the_grid_lacks_are_left_out() {
	run(|| {
		place(BOB, Side::Bid, NOW + 1, 1_000, 300);
		place(CHARLIE, Side::Offer, NOW + 1, 1_000, 100); // zone 2
													// A two-zone grid, set after the orders were placed.
		set_grid(Some(
			energy_market::zone::Grid::from_matrix(
				&[vec![0, 100], vec![100, 0]],
				1_000,
				10_000,
				energy_market::losses::LineParameters::MEDIUM_VOLTAGE_ALUMINIUM,
			)
			.unwrap(),
		));
		next_block();
		assert!(trades().is_empty());
		assert!(matches!(events().last(), Some(Event::BookCleared { orders: 2, trades: 0, .. })));
		assert_eq!(Orders::<Test>::iter().count(), 2);
	});
}

#[test]
fn a_book_that_cannot_clear_changes_nothing() {
	run(|| {
		set_grid(Some(feeder()));
		assert_ok!(DoubleAuction::set_mechanism(RuntimeOrigin::root(), Mechanism::ZoneMarket));
		place(DAVE, Side::Bid, NOW + 1, 1_000, 300);
		place(CHARLIE, Side::Offer, NOW + 1, 1_000, 100);
		// The grid disappears under the zone market.
		set_grid(None);
		next_block();
		assert!(trades().is_empty());
		assert_eq!(
			events().last(),
			Some(&Event::ClearingFailed { period: NOW + 1, error: Error::<Test>::NoGrid.into() })
		);
		assert_eq!(escrow(DAVE), 300);
		assert_eq!(Orders::<Test>::iter().count(), 2);
	});
}

#[test]
fn a_book_closes_when_its_delivery_period_begins() {
	run(|| {
		place(BOB, Side::Bid, NOW + 1, 1_000, 300);
		place(DAVE, Side::Bid, NOW + 1, 500, 300);
		place(DAVE, Side::Bid, NOW + 2, 500, 300);
		next_block();
		assert_eq!(escrow(BOB), 300);
		set_period(NOW + 1);
		next_block();
		assert_eq!((free(BOB), escrow(BOB), deposits(BOB)), (FUNDS, 0, 0));
		assert_eq!((escrow(DAVE), deposits(DAVE)), (150, DEPOSIT));
		assert!(events().contains(&Event::BookClosed {
			period: NOW + 1,
			expired: 2,
			released: 450 + 2 * DEPOSIT
		}));
		assert!(!Books::<Test>::contains_key(NOW + 1));
		assert_eq!(OpenBooks::<Test>::get().to_vec(), vec![NOW + 2]);
		assert_eq!(OpenOrdersOf::<Test>::get(DAVE).len(), 1);
		assert!(OpenOrdersOf::<Test>::get(BOB).is_empty());
	});
}

#[test]
fn a_trade_that_cannot_be_paid_is_voided_and_changes_nothing_while_the_others_settle() {
	run(|| {
		place(BOB, Side::Bid, NOW + 1, 1_000, 400); // 0: 400 in escrow
		place(DAVE, Side::Bid, NOW + 1, 1_000, 300); // 1: 300 in escrow
		place(CHARLIE, Side::Offer, NOW + 1, 1_500, 200); // 2
													// Dave's escrow is released behind the pallet's back. Bob's trade comes first and
													// settles in full; Dave's, second, cannot be paid from a hold that is not there.
		let reason: RuntimeHoldReason = HoldReason::BidEscrow.into();
		assert_ok!(<Balances as MutateHold<u64>>::release(&reason, &DAVE, 300, Precision::Exact));
		let dave = || {
			(
				free(DAVE),
				escrow(DAVE),
				deposits(DAVE),
				Orders::<Test>::get(1),
				MockLedger::traded(&DAVE, NOW + 1),
				OpenOrdersOf::<Test>::get(DAVE),
			)
		};
		let before = dave();
		let issuance = Balances::total_issuance();
		let events_before = events().len();

		next_block();
		// Dave's trade changed nothing of his: funds, order, the ledger, his list.
		assert_eq!(dave(), before);
		assert_eq!(hook_calls(), vec![(BOB, CHARLIE, 1_000)], "the ledger heard of Bob only");
		// Bob's trade stands, and Charlie's offer keeps what Dave did not buy.
		assert_eq!((free(BOB), escrow(BOB), deposits(BOB)), (FUNDS - 250, 0, 0));
		assert_eq!(free(CHARLIE), FUNDS + 250 - DEPOSIT);
		assert_eq!(Orders::<Test>::get(2).map(|o| o.remaining_wh), Some(500));
		assert_eq!(Balances::total_issuance(), issuance);
		let new_events: Vec<_> = events().into_iter().skip(events_before).collect();
		assert!(
			matches!(
				new_events.as_slice(),
				[
					Event::Traded { bid: 0, offer: 2, sold_wh: 1_000, .. },
					Event::TradeVoided {
						bid: 1,
						offer: 2,
						reason: VoidReason::SettlementFailed,
						..
					},
					Event::BookCleared { orders: 3, trades: 1, sold_wh: 1_000, .. },
				]
			),
			"{new_events:?}"
		);
		// Voided trades may leave orders that cross: the book is cleared again.
		assert_eq!(PendingClearing::<Test>::get().to_vec(), vec![NOW + 1]);

		// With the escrow back, the rest clears as it would have.
		assert_ok!(<Balances as MutateHold<u64>>::hold(&reason, &DAVE, 300));
		assert_ok!(DoubleAuction::set_mechanism(RuntimeOrigin::root(), Mechanism::default()));
		next_block();
		assert_eq!(MockLedger::traded(&DAVE, NOW + 1).bought_wh, 500);
		assert_eq!(MockLedger::traded(&CHARLIE, NOW + 1).sold_wh, 1_500);
		assert!(Orders::<Test>::get(2).is_none());
	});
}

#[test]
fn each_step_is_charged_from_the_benchmarks_at_its_real_size() {
	// The mock has real database weights (RocksDbWeight) and a trade hook that weighs
	// something, so that every part of the charge shows; the runtime's test checks the
	// benchmarked figures.
	run(|| {
		let db =
			<<Test as polkadot_sdk::frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get();
		let reads = db.reads(4);
		assert!(reads.ref_time() > 0, "the mock's database reads weigh something");
		// Nothing to do: the clock, the clearing in progress, the open books and the pending
		// list are read.
		assert_eq!(next_block(), reads);
		// Three orders that make two trades: the book's size and the mechanism read, the
		// benchmarked determination of three orders, two settlements, the ledger's hook twice.
		place(BOB, Side::Bid, NOW + 1, 1_000, 400);
		place(DAVE, Side::Bid, NOW + 1, 1_000, 300);
		place(CHARLIE, Side::Offer, NOW + 1, 1_500, 200);
		let busy = next_block();
		assert_eq!(trades().len(), 2);
		let hook = |calls: u64| Weight::from_parts(calls * ON_TRADE_WEIGHT, 0);
		let determine = <() as WeightInfo>::determine_uniform(3);
		let settle = <() as WeightInfo>::settle_trades(2).saturating_add(hook(2));
		assert_eq!(DoubleAuction::settle_weight(2), settle);
		assert_eq!(
			busy,
			// The next period's book read (a call or sealed book at its gate?), and the size
			// of this one and the mechanism.
			reads.saturating_add(db.reads(3)).saturating_add(determine).saturating_add(settle)
		);
		// Each mechanism is charged its own benchmark.
		assert_eq!(
			DoubleAuction::determination_weight(Mechanism::ZoneMarket, 7),
			<() as WeightInfo>::determine_zone(7)
		);
		assert_eq!(
			DoubleAuction::determination_weight(Mechanism::McAfee, 7),
			<() as WeightInfo>::determine_mcafee(7)
		);
		// Closing Dave's remaining bid: one expiry.
		set_period(NOW + 1);
		assert_eq!(next_block(), reads.saturating_add(<() as WeightInfo>::expire_orders(1)));
		// The hook never exceeds its budget and the reads that lead to it.
		assert!(busy.all_lte(DoubleAuction::worst_case_block_weight()));
	});
}

#[test]
fn a_preview_shows_the_next_clearing_and_writes_nothing() {
	run(|| {
		assert_eq!(DoubleAuction::preview_clearing(NOW + 1), Err(PreviewError::NoBook));
		set_grid(Some(weak_feeder()));
		place(BOB, Side::Bid, NOW + 1, 1_000, 400); // zone 0
		place(DAVE, Side::Bid, NOW + 1, 1_000, 300); // zone 1
		place(CHARLIE, Side::Offer, NOW + 1, 1_500, 200); // zone 2
		let root = polkadot_sdk::sp_io::storage::root(polkadot_sdk::sp_runtime::StateVersion::V1);
		let preview = DoubleAuction::preview_clearing(NOW + 1).unwrap();
		assert_eq!(
			polkadot_sdk::sp_io::storage::root(polkadot_sdk::sp_runtime::StateVersion::V1),
			root,
			"the preview wrote nothing"
		);
		assert_eq!(
			(preview.orders, preview.mechanism, preview.settling),
			(3, Mechanism::default(), false)
		);
		next_block();
		let previewed: Vec<_> = preview
			.trades
			.iter()
			.map(|t| {
				(
					t.bid,
					t.offer,
					t.sold_wh,
					t.delivered_wh,
					t.lost_wh,
					t.buyer_price,
					t.seller_price,
				)
			})
			.collect();
		assert_eq!(previewed, trades(), "the clearing made the previewed trades");
		assert!(preview.lost_wh > 0, "losses on the weak feeder are previewed too");
		assert!(matches!(
			events().last(),
			Some(Event::BookCleared { sold_wh, lost_wh, .. })
				if *sold_wh == preview.sold_wh && *lost_wh == preview.lost_wh
		));
		// The zone market without a grid has nothing to preview.
		assert_ok!(DoubleAuction::set_mechanism(RuntimeOrigin::root(), Mechanism::ZoneMarket));
		set_grid(None);
		assert_eq!(DoubleAuction::preview_clearing(NOW + 1), Err(PreviewError::NoGrid));
	});
}
