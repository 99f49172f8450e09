//! Properties every clearing must have, checked on many random books.

use energy_market::{
	double_auction::{clear_mcafee, clear_uniform},
	invariants::{check_trades, check_zone_trades},
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

/// Zones of the test grid lie along one feeder this far apart...
const SPACING_M: u32 = 2_000;
/// ...and energy traded inside a zone travels this far.
const INTRA_ZONE_M: u32 = 300;

fn grid(max_distance_m: u32, capacity_wh: u64) -> Grid {
	let line = LineParameters {
		resistivity_pohm_m: 28_200,
		cross_section_mm2: 35,
		voltage_v: 400,
		period_s: 900,
	};
	Grid::linear(ZONES, SPACING_M, INTRA_ZONE_M, max_distance_m, capacity_wh, line).unwrap()
}

/// The line length between two zones of [`grid`], worked out here rather than asked of the
/// grid.
fn distance_m(a: u16, b: u16) -> u32 {
	if a == b {
		INTRA_ZONE_M
	} else {
		u32::from(a.abs_diff(b)) * SPACING_M
	}
}

/// Independent reference for the losses: the physics of docs/market.md and the paper's
/// equations (8)–(10) step by step, in floating point, instead of the code's rearranged
/// integer closed form. The period's mean power is `P = E/T`, the phase current
/// `I = P/(√3·U)` (the √3 really computed and squared here), the three phases dissipate
/// `3·I²·R` with `R = ρL/A`, for the length of the period.
fn physical_loss_wh(line: &LineParameters, energy_wh: u64, length_m: u32) -> f64 {
	let period_s = f64::from(line.period_s);
	let power_w = energy_wh as f64 * 3_600.0 / period_s; // Wh over T seconds, in W
	let current_a = power_w / (3f64.sqrt() * f64::from(line.voltage_v));
	let resistance_ohm = line.resistivity_pohm_m as f64 * 1e-12 * f64::from(length_m)
		/ (f64::from(line.cross_section_mm2) * 1e-6);
	let lost_w = 3.0 * current_a * current_a * resistance_ohm;
	lost_w * period_s / 3_600.0 // J, in Wh
}

/// Whether `lost` (whole Wh) is the physical loss of `energy_wh` over `length_m` rounded
/// to the nearest Wh, or all of the energy when the physical loss reaches it.
fn is_the_physical_loss(line: &LineParameters, energy_wh: u64, length_m: u32, lost: u64) -> bool {
	let exact = physical_loss_wh(line, energy_wh, length_m);
	if exact >= energy_wh as f64 {
		lost == energy_wh
	} else {
		// Half a Wh of rounding, plus far more than the float error (a few ulps of at most
		// 6 000 000 Wh, under 1e-8 Wh).
		lost <= energy_wh && (lost as f64 - exact).abs() <= 0.5 + 1e-6
	}
}

/// The checks common to every mechanism, written once in `energy_market::invariants` (the
/// fuzzer checks the same).
fn common_invariants(orders: &[Order], trades: &[Trade]) {
	assert_eq!(check_trades(orders, trades), Ok(()), "{trades:?}");
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
		// Limits, budget, over-fill, reach and each line's capacity.
		prop_assert_eq!(check_zone_trades(&orders, &trades, &grid), Ok(()));
		let zone_of: BTreeMap<u64, u16> = orders.iter().map(|o| (o.id, o.zone)).collect();
		for t in &trades {
			let (a, b) = (zone_of[&t.bid], zone_of[&t.offer]);
			let d = distance_m(a, b);
			prop_assert!(d <= max_distance, "within the maximum distance");
			prop_assert_eq!(t.buyer_pays, t.seller_receives);
			prop_assert!(
				is_the_physical_loss(&grid.line, t.sold, d, t.lost),
				"{} Wh over {} m lost {} Wh; physics says {:.3} Wh",
				t.sold, d, t.lost, physical_loss_wh(&grid.line, t.sold, d)
			);
		}
	}

	#[test]
	fn a_pair_line_changes_only_the_losses_of_the_trades_over_that_pair(
		orders in book(), cross_section in 1u32..=300, capacity in 0u64..60_000,
	) {
		let grid = grid(u32::MAX, u64::MAX);
		let own = LineParameters { cross_section_mm2: cross_section, ..grid.line };
		let mut changed = grid.clone();
		changed.set_pair(3, 1, distance_m(1, 3), own, capacity).unwrap();
		let before = clear_uniform(&orders, 500_000, Some(&grid)).unwrap();
		let after = clear_uniform(&orders, 500_000, Some(&changed)).unwrap();
		common_invariants(&orders, &after.trades);
		prop_assert_eq!(before.clearing_price, after.clearing_price);
		prop_assert_eq!(before.trades.len(), after.trades.len());
		let zone_of: BTreeMap<u64, u16> = orders.iter().map(|o| (o.id, o.zone)).collect();
		for (b, a) in before.trades.iter().zip(&after.trades) {
			prop_assert_eq!((b.bid, b.offer, b.sold), (a.bid, a.offer, a.sold));
			let (x, y) = (zone_of[&a.bid], zone_of[&a.offer]);
			if (x.min(y), x.max(y)) == (1, 3) {
				prop_assert_eq!(a.lost, own.loss(a.sold, distance_m(1, 3)).unwrap());
			} else {
				prop_assert_eq!(a, b);
			}
		}
	}

	#[test]
	fn zone_market_respects_each_pair_own_line_and_capacity(
		orders in book(), max_distance in 0u32..9_000, capacity in 1u64..60_000,
		pair_capacity in 0u64..60_000, cross_section in 10u32..=300,
	) {
		let mut grid = grid(max_distance, capacity);
		let own = LineParameters { cross_section_mm2: cross_section, ..grid.line };
		grid.set_pair(1, 2, distance_m(1, 2), own, pair_capacity).unwrap();
		let trades = clear_zone_market(&orders, &grid).unwrap();
		// Reach and each pair's own capacity, read from the grid.
		prop_assert_eq!(check_zone_trades(&orders, &trades, &grid), Ok(()));
		let zone_of: BTreeMap<u64, u16> = orders.iter().map(|o| (o.id, o.zone)).collect();
		let mut over_pair = 0u64;
		for t in &trades {
			let (a, b) = (zone_of[&t.bid], zone_of[&t.offer]);
			let d = distance_m(a, b);
			let line = if (a.min(b), a.max(b)) == (1, 2) {
				over_pair += t.sold;
				own
			} else {
				grid.line
			};
			prop_assert!(
				is_the_physical_loss(&line, t.sold, d, t.lost),
				"{} Wh over {} m lost {} Wh; physics says {:.3} Wh",
				t.sold, d, t.lost, physical_loss_wh(&line, t.sold, d)
			);
		}
		// Worked out here rather than asked of the grid.
		prop_assert!(over_pair <= pair_capacity, "{} Wh over a line of {} Wh", over_pair, pair_capacity);
	}

	#[test]
	fn clearing_ignores_the_order_of_the_book(orders in book(), seed in any::<u64>()) {
		let grid = grid(6_000, 30_000);
		let mut shuffled = orders.clone();
		// A seeded Fisher–Yates shuffle.
		let mut state = seed | 1;
		for i in (1..shuffled.len()).rev() {
			state ^= state << 13; state ^= state >> 7; state ^= state << 17;
			shuffled.swap(i, (state % (i as u64 + 1)) as usize);
		}
		// The reversed book differs from the original whenever it has two orders, which a
		// shuffle need not.
		let reversed: Vec<Order> = orders.iter().rev().copied().collect();
		for other in [&shuffled, &reversed] {
			prop_assert_eq!(clear_uniform(&orders, 400_000, Some(&grid)), clear_uniform(other, 400_000, Some(&grid)));
			prop_assert_eq!(clear_mcafee(&orders, Some(&grid)), clear_mcafee(other, Some(&grid)));
			prop_assert_eq!(clear_zone_market(&orders, &grid), clear_zone_market(other, &grid));
		}
	}

	#[test]
	fn double_auction_losses_follow_distance_and_satisfaction_stays_in_range(orders in book()) {
		let grid = grid(u32::MAX, u64::MAX);
		let c = clear_uniform(&orders, 500_000, Some(&grid)).unwrap();
		common_invariants(&orders, &c.trades);
		let zone_of: BTreeMap<u64, u16> = orders.iter().map(|o| (o.id, o.zone)).collect();
		for t in &c.trades {
			let d = distance_m(zone_of[&t.bid], zone_of[&t.offer]);
			prop_assert!(
				is_the_physical_loss(&grid.line, t.sold, d, t.lost),
				"{} Wh over {} m lost {} Wh; physics says {:.3} Wh",
				t.sold, d, t.lost, physical_loss_wh(&grid.line, t.sold, d)
			);
		}
		let (outcomes, summary) = evaluate(&orders, &c.trades, Weights::EVEN).unwrap();
		prop_assert!(outcomes.iter().all(|o| o.satisfaction <= 1_000_000 && o.obtained <= o.requested));
		prop_assert!(summary.mean_satisfaction <= 1_000_000);
		prop_assert_eq!(summary.sold, summary.delivered + summary.lost);
	}

	#[test]
	fn line_loss_is_the_physical_loss_and_grows_with_energy_and_length(
		energy in 1u64..=5_000_000,
		length in 0u32..=50_000,
		more_energy in 0u64..=1_000_000,
		more_length in 0u32..=10_000,
		resistivity in prop::sample::select(vec![16_800u64, 28_200]),
		cross_section in 10u32..=300,
		voltage in prop::sample::select(vec![230u32, 400, 10_000, 20_000]),
		period in prop::sample::select(vec![900u32, 3_600]),
	) {
		let line = LineParameters {
			resistivity_pohm_m: resistivity,
			cross_section_mm2: cross_section,
			voltage_v: voltage,
			period_s: period,
		};
		let lost = line.loss(energy, length).unwrap();
		prop_assert!(
			is_the_physical_loss(&line, energy, length, lost),
			"{:?}: {} Wh over {} m lost {} Wh; physics says {:.3} Wh",
			line, energy, length, lost, physical_loss_wh(&line, energy, length)
		);
		// More energy over the same line, or the same energy over a longer line, never
		// loses less.
		prop_assert!(line.loss(energy + more_energy, length).unwrap() >= lost);
		prop_assert!(line.loss(energy, length + more_length).unwrap() >= lost);
	}
}
