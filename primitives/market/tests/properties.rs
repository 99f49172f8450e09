//! Properties every clearing must have, checked on many random books.

use energy_market::{
	double_auction::{clear_mcafee, clear_uniform},
	losses::LineParameters,
	metrics::{evaluate, Weights},
	zone::{clear_zone_market, Grid},
	Order, Side, Trade,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

const ZONES: u16 = 5;

fn book() -> impl Strategy<Value = Vec<Order>> {
	prop::collection::vec((any::<bool>(), 0..ZONES, 1u64..=40, 1u64..=30), 0..40).prop_map(|raw| {
		raw.into_iter()
			.enumerate()
			.map(|(i, (is_bid, zone, quantity, price))| Order {
				id: i as u64,
				side: if is_bid { Side::Bid } else { Side::Offer },
				zone,
				// Whole kWh with a random remainder, so losses are not always zero.
				quantity: quantity * 1000 + (i as u64 * 37) % 1000,
				limit_price: price * 10,
			})
			.collect()
	})
}

fn grid(max_distance_m: u32, capacity_wh: u64) -> Grid {
	let line = LineParameters {
		resistivity_pohm_m: 28_200,
		cross_section_mm2: 35,
		voltage_v: 400,
		period_s: 900,
	};
	Grid::linear(ZONES, 2_000, 300, max_distance_m, capacity_wh, line).unwrap()
}

/// The checks common to every mechanism.
fn common_invariants(orders: &[Order], trades: &[Trade]) {
	let by_id: BTreeMap<u64, &Order> = orders.iter().map(|o| (o.id, o)).collect();
	let mut used: BTreeMap<u64, u64> = BTreeMap::new();
	for t in trades {
		let (bid, offer) = (by_id[&t.bid], by_id[&t.offer]);
		assert_eq!((bid.side, offer.side), (Side::Bid, Side::Offer));
		assert_eq!(t.sold, t.delivered + t.lost, "sold = delivered + lost");
		assert!(t.sold > 0);
		assert!(t.buyer_price <= bid.limit_price, "no trade above a bid's limit");
		assert!(t.seller_price >= offer.limit_price, "no trade below an offer's limit");
		assert!(
			t.buyer_pays >= t.seller_receives,
			"the market never pays out more than it takes in"
		);
		*used.entry(t.bid).or_default() += t.sold;
		*used.entry(t.offer).or_default() += t.sold;
	}
	for (id, total) in used {
		assert!(total <= by_id[&id].quantity, "order {id} over-filled");
	}
}

/// Independent reference: expand the book into single-Wh units, sort each side, and count
/// the units where the i-th best bid still pays at least the i-th best offer.
fn efficient_volume_by_units(orders: &[Order]) -> (u64, i128) {
	let mut bids: Vec<u64> = Vec::new();
	let mut offers: Vec<u64> = Vec::new();
	for o in orders {
		let units = std::iter::repeat(o.limit_price).take(o.quantity as usize);
		match o.side {
			Side::Bid => bids.extend(units),
			Side::Offer => offers.extend(units),
		}
	}
	bids.sort_unstable_by(|a, b| b.cmp(a));
	offers.sort_unstable();
	let mut volume = 0;
	let mut surplus = 0i128;
	for (b, s) in bids.iter().zip(&offers) {
		if b < s {
			break;
		}
		volume += 1;
		surplus += *b as i128 - *s as i128;
	}
	(volume, surplus)
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(400))]

	#[test]
	fn uniform_auction_trades_the_efficient_volume_and_balances(orders in book(), k in 0u32..=1_000_000) {
		let c = clear_uniform(&orders, k, None).unwrap();
		common_invariants(&orders, &c.trades);
		let volume: u64 = c.trades.iter().map(|t| t.sold).sum();
		let surplus: i128 = c.trades.iter().map(|t| {
			let bid = orders.iter().find(|o| o.id == t.bid).unwrap();
			let offer = orders.iter().find(|o| o.id == t.offer).unwrap();
			t.sold as i128 * (bid.limit_price as i128 - offer.limit_price as i128)
		}).sum();
		let (reference_volume, reference_surplus) = efficient_volume_by_units(&orders);
		prop_assert_eq!(volume, reference_volume);
		prop_assert_eq!(surplus, reference_surplus, "maximal gains from trade");
		for t in &c.trades {
			prop_assert_eq!(t.buyer_pays, t.seller_receives, "budget balance");
			prop_assert_eq!(Some(t.buyer_price), c.clearing_price, "one uniform price");
		}
	}

	#[test]
	fn mcafee_drops_at_most_one_trade(orders in book()) {
		let efficient = clear_uniform(&orders, 500_000, None).unwrap();
		let c = clear_mcafee(&orders, None).unwrap();
		common_invariants(&orders, &c.trades);
		prop_assert!(c.trades.len() + 1 >= efficient.trades.len());
		prop_assert!(c.trades.len() <= efficient.trades.len());
		// What McAfee keeps is exactly the efficient matching, less at most its last pair.
		for (kept, full) in c.trades.iter().zip(&efficient.trades) {
			prop_assert_eq!((kept.bid, kept.offer, kept.sold), (full.bid, full.offer, full.sold));
		}
	}

	#[test]
	fn zone_market_respects_distance_capacity_and_limits(
		orders in book(), max_distance in 0u32..9_000, capacity in 1u64..60_000,
	) {
		let grid = grid(max_distance, capacity);
		let trades = clear_zone_market(&orders, &grid).unwrap();
		common_invariants(&orders, &trades);
		let zone_of: BTreeMap<u64, u16> = orders.iter().map(|o| (o.id, o.zone)).collect();
		let mut per_pair: BTreeMap<(u16, u16), u64> = BTreeMap::new();
		for t in &trades {
			let (a, b) = (zone_of[&t.bid], zone_of[&t.offer]);
			prop_assert!(grid.distance_m(a, b).unwrap() <= max_distance, "within the maximum distance");
			prop_assert_eq!(t.buyer_pays, t.seller_receives);
			if a != b {
				*per_pair.entry((a.min(b), a.max(b))).or_default() += t.sold;
			}
		}
		for (pair, used) in per_pair {
			prop_assert!(used <= capacity, "line {:?} carries {} > {}", pair, used, capacity);
			prop_assert!(pair.0 != pair.1);
		}
	}

	#[test]
	fn clearing_is_deterministic_and_ignores_the_order_of_the_book(orders in book(), seed in any::<u64>()) {
		let grid = grid(6_000, 30_000);
		let mut shuffled = orders.clone();
		// A seeded Fisher–Yates shuffle.
		let mut state = seed | 1;
		for i in (1..shuffled.len()).rev() {
			state ^= state << 13; state ^= state >> 7; state ^= state << 17;
			shuffled.swap(i, (state % (i as u64 + 1)) as usize);
		}
		prop_assert_eq!(clear_uniform(&orders, 400_000, Some(&grid)), clear_uniform(&shuffled, 400_000, Some(&grid)));
		prop_assert_eq!(clear_mcafee(&orders, Some(&grid)), clear_mcafee(&shuffled, Some(&grid)));
		prop_assert_eq!(clear_zone_market(&orders, &grid), clear_zone_market(&shuffled, &grid));
		prop_assert_eq!(clear_zone_market(&orders, &grid), clear_zone_market(&orders, &grid));
	}

	#[test]
	fn double_auction_losses_follow_distance_and_satisfaction_stays_in_range(orders in book()) {
		let grid = grid(u32::MAX, u64::MAX);
		let c = clear_uniform(&orders, 500_000, Some(&grid)).unwrap();
		common_invariants(&orders, &c.trades);
		let zone_of: BTreeMap<u64, u16> = orders.iter().map(|o| (o.id, o.zone)).collect();
		for t in &c.trades {
			let d = grid.distance_m(zone_of[&t.bid], zone_of[&t.offer]).unwrap();
			prop_assert_eq!(t.lost, grid.line.loss(t.sold, d).unwrap());
		}
		let (outcomes, summary) = evaluate(&orders, &c.trades, Weights::EVEN).unwrap();
		prop_assert!(outcomes.iter().all(|o| o.satisfaction <= 1_000_000 && o.obtained <= o.requested));
		prop_assert!(summary.mean_satisfaction <= 1_000_000);
		prop_assert_eq!(summary.sold, summary.delivered + summary.lost);
	}
}
