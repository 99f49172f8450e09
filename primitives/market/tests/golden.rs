//! Hand-worked cases for each mechanism.

use energy_market::{
	double_auction::{clear_mcafee, clear_uniform, traded_ids},
	losses::LineParameters,
	metrics::{evaluate, Weights},
	zone::{clear_zone_market, Grid},
	MarketError, Order, Side,
};

/// 1 kWh, so prices per kWh are also the money amounts.
const KWH: u64 = 1000;

fn bid(id: u64, price: u64) -> Order {
	Order { id, side: Side::Bid, zone: 0, quantity: KWH, limit_price: price }
}
fn offer(id: u64, price: u64) -> Order {
	Order { id, side: Side::Offer, zone: 0, quantity: KWH, limit_price: price }
}

#[test]
fn mcafee_buyers_9_8_sellers_3_4_trade_once_buyer_pays_8_seller_gets_4() {
	let book = [bid(1, 9), bid(2, 8), offer(3, 3), offer(4, 4)];
	let c = clear_mcafee(&book, None).unwrap();
	assert_eq!(traded_ids(&c), vec![(1, 3)]);
	assert_eq!(c.reduced_prices, Some((8, 4)));
	assert_eq!((c.trades[0].buyer_pays, c.trades[0].seller_receives), (8, 4));
}

#[test]
fn mcafee_buyers_9_4_sellers_3_8_trade_once_at_6() {
	let book = [bid(1, 9), bid(2, 4), offer(3, 3), offer(4, 8)];
	let c = clear_mcafee(&book, None).unwrap();
	assert_eq!(traded_ids(&c), vec![(1, 3)]);
	assert_eq!(c.clearing_price, Some(6));
	assert_eq!((c.trades[0].buyer_pays, c.trades[0].seller_receives), (6, 6));
}

#[test]
fn uniform_k_rule_prices_between_the_marginal_offer_and_bid() {
	let book = [bid(1, 9), bid(2, 8), offer(3, 3), offer(4, 4)];
	for (k, price) in [(0, 4), (500_000, 6), (1_000_000, 8), (250_000, 5)] {
		let c = clear_uniform(&book, k, None).unwrap();
		assert_eq!(traded_ids(&c), vec![(1, 3), (2, 4)], "k = {k}");
		assert_eq!(c.clearing_price, Some(price), "k = {k}");
	}
	assert_eq!(clear_uniform(&book, 1_000_001, None), Err(MarketError::KOutOfRange(1_000_001)));
}

#[test]
fn uniform_partial_fill_leaves_the_residual_unmatched() {
	// 3 kWh wanted at 10, 1 kWh offered at 5 and 2 kWh at 12: only 1 kWh can trade.
	let book = [
		Order { id: 1, side: Side::Bid, zone: 0, quantity: 3 * KWH, limit_price: 10 },
		Order { id: 2, side: Side::Offer, zone: 0, quantity: KWH, limit_price: 5 },
		Order { id: 3, side: Side::Offer, zone: 0, quantity: 2 * KWH, limit_price: 12 },
	];
	let c = clear_uniform(&book, 500_000, None).unwrap();
	assert_eq!(c.trades.len(), 1);
	assert_eq!((c.trades[0].sold, c.clearing_price), (KWH, Some(7)));
}

#[test]
fn empty_and_one_sided_books_clear_to_nothing() {
	assert!(clear_uniform(&[], 500_000, None).unwrap().trades.is_empty());
	assert!(clear_mcafee(&[bid(1, 5)], None).unwrap().trades.is_empty());
	assert!(clear_uniform(&[offer(1, 5), offer(2, 6)], 0, None).unwrap().trades.is_empty());
	let grid =
		Grid::linear(2, 1000, 0, 5000, 10 * KWH, LineParameters::MEDIUM_VOLTAGE_ALUMINIUM).unwrap();
	assert!(clear_zone_market(&[bid(1, 5)], &grid).unwrap().is_empty());
}

#[test]
fn all_equal_prices_trade_everything_at_that_price() {
	let book = [bid(1, 7), bid(2, 7), offer(3, 7), offer(4, 7)];
	// Uniform: both pairs trade at 7.
	let uniform = clear_uniform(&book, 300_000, None).unwrap();
	assert_eq!(traded_ids(&uniform), vec![(1, 3), (2, 4)]);
	assert_eq!(uniform.clearing_price, Some(7));
	// McAfee: no unit is left out, so there is no p0 and the marginal pair is dropped; the
	// other trades at b_k = s_k = 7.
	let mcafee = clear_mcafee(&book, None).unwrap();
	assert_eq!(traded_ids(&mcafee), vec![(1, 3)]);
	assert_eq!(mcafee.reduced_prices, Some((7, 7)));
}

#[test]
fn bad_books_are_refused_with_the_offending_order() {
	let zero = Order { quantity: 0, ..bid(9, 5) };
	assert_eq!(clear_uniform(&[zero], 0, None), Err(MarketError::ZeroQuantity(9)));
	assert_eq!(
		clear_mcafee(&[bid(1, 5), offer(1, 4)], None),
		Err(MarketError::DuplicateOrderId(1))
	);
	let grid =
		Grid::linear(2, 1000, 0, 5000, 10 * KWH, LineParameters::MEDIUM_VOLTAGE_ALUMINIUM).unwrap();
	let far = Order { zone: 5, ..offer(2, 4) };
	assert_eq!(clear_zone_market(&[bid(1, 5), far], &grid), Err(MarketError::UnknownZone(2)));
	assert_eq!(
		Grid::from_matrix(
			&[vec![0, 1], vec![2, 0]],
			5,
			1,
			LineParameters::MEDIUM_VOLTAGE_ALUMINIUM
		),
		Err(MarketError::InvalidZones)
	);
}

#[test]
fn zone_market_prefers_the_cheapest_reachable_offer_and_respects_distance() {
	// Zones 0, 1, 2 on a feeder 5 km apart; trading allowed up to 5 km.
	let grid =
		Grid::linear(3, 5_000, 0, 5_000, 100 * KWH, LineParameters::MEDIUM_VOLTAGE_ALUMINIUM)
			.unwrap();
	let book = [
		Order { id: 1, side: Side::Bid, zone: 0, quantity: 2 * KWH, limit_price: 30 },
		Order { id: 2, side: Side::Offer, zone: 2, quantity: 5 * KWH, limit_price: 1 }, // cheapest, too far
		Order { id: 3, side: Side::Offer, zone: 1, quantity: KWH, limit_price: 10 },
		Order { id: 4, side: Side::Offer, zone: 0, quantity: 5 * KWH, limit_price: 20 },
	];
	let trades = clear_zone_market(&book, &grid).unwrap();
	let pairs: Vec<_> = trades.iter().map(|t| (t.bid, t.offer, t.sold)).collect();
	assert_eq!(pairs, vec![(1, 3, KWH), (1, 4, KWH)]);
	// 1 kWh over 5 km loses a few mWh, which rounds to 0 Wh; inside zone 0 there is no line.
	assert!(trades.iter().all(|t| t.sold == t.delivered + t.lost));
	assert_eq!(trades[0].buyer_price, 10);
	assert_eq!(trades[1].buyer_price, 20);
}

#[test]
fn zone_market_stops_at_line_capacity_and_deducts_losses() {
	// Two zones 10 km apart, capacity 100 kWh per period: 150 kWh wanted from zone 1.
	let grid =
		Grid::linear(2, 10_000, 0, 20_000, 100 * KWH, LineParameters::MEDIUM_VOLTAGE_ALUMINIUM)
			.unwrap();
	let book = [
		Order { id: 1, side: Side::Bid, zone: 0, quantity: 150 * KWH, limit_price: 50 },
		Order { id: 2, side: Side::Offer, zone: 1, quantity: 200 * KWH, limit_price: 20 },
	];
	let trades = clear_zone_market(&book, &grid).unwrap();
	assert_eq!(trades.len(), 1);
	let t = trades[0];
	assert_eq!(t.sold, 100 * KWH);
	assert_eq!(t.lost, 297); // the hand-worked value of losses.rs
	assert_eq!(t.delivered, 100 * KWH - 297);
	assert_eq!(t.buyer_pays, (100 * KWH - 297) as u128 * 20 / 1000);
}

#[test]
fn line_losses_agree_with_pandapower_to_the_wh() {
	// The cases of tools/compare/losses_vs_pandapower.py, with its measured results from
	// docs/market.md: our loss in Wh, and pandapower's like-for-like AC load flow of the same
	// resistive line in tenths of a Wh (a reference computed outside this code).
	// (energy Wh, length m, resistivity pΩ·m, cross-section mm², voltage V, period s,
	//  ours Wh, pandapower 0.1 Wh)
	let cases: [(u64, u32, u64, u32, u32, u32, u64, u64); 7] = [
		(100_000, 10_000, 28_200, 95, 20_000, 900, 297, 2_968),
		(1_000_000, 10_000, 28_200, 95, 20_000, 900, 29_684, 296_842),
		(5_000_000, 20_000, 28_200, 95, 20_000, 3_600, 371_053, 3_710_526),
		(30_000, 8_000, 28_200, 95, 20_000, 3_600, 5, 53),
		(50_000, 500, 16_800, 150, 400, 3_600, 875, 8_750),
		(20_000, 2_000, 28_200, 240, 400, 900, 2_350, 23_500),
		(2_000_000, 30_000, 16_800, 240, 10_000, 900, 336_000, 3_360_000),
	];
	for (energy, length, rho, area, volts, period, ours, pandapower_dwh) in cases {
		let line = LineParameters {
			resistivity_pohm_m: rho,
			cross_section_mm2: area,
			voltage_v: volts,
			period_s: period,
		};
		assert_eq!(line.loss(energy, length), Ok(ours), "{energy} Wh over {length} m, {line:?}");
		// Rounding to the Wh moves ours at most 0.5 Wh from the load flow's value, and
		// pandapower's figure, to 0.1 Wh, is within 0.05 Wh of it.
		assert!(
			(ours * 10).abs_diff(pandapower_dwh) <= 5,
			"{energy} Wh over {length} m: ours {ours} Wh, pandapower {pandapower_dwh} dWh"
		);
	}
}

#[test]
fn trades_inside_a_zone_are_not_limited_by_the_lines_between_zones() {
	let grid =
		Grid::linear(2, 10_000, 0, 20_000, KWH, LineParameters::MEDIUM_VOLTAGE_ALUMINIUM).unwrap();
	let book = [
		Order { id: 1, side: Side::Bid, zone: 1, quantity: 50 * KWH, limit_price: 50 },
		Order { id: 2, side: Side::Offer, zone: 1, quantity: 40 * KWH, limit_price: 30 },
		Order { id: 3, side: Side::Offer, zone: 0, quantity: 40 * KWH, limit_price: 20 },
	];
	let trades = clear_zone_market(&book, &grid).unwrap();
	let pairs: Vec<_> = trades.iter().map(|t| (t.offer, t.sold)).collect();
	// The cheaper offer across the line is capped at the line's 1 kWh; the rest comes from
	// inside the zone, uncapped.
	assert_eq!(pairs, vec![(3, KWH), (2, 40 * KWH)]);
}

#[test]
fn satisfaction_is_bounded_and_zero_without_trade() {
	let book = [bid(1, 10), bid(2, 1), offer(3, 4)];
	let c = clear_uniform(&book, 500_000, None).unwrap();
	let (outcomes, summary) = evaluate(&book, &c.trades, Weights::EVEN).unwrap();
	// Bid 1 gets its kWh at 7: quantity term 1, price term (10 − 7)/10 = 0.3 → S = 0.65.
	assert_eq!(outcomes[0].satisfaction, 650_000);
	// Bid 2 gets nothing: S = 0, not a division by zero.
	assert_eq!(outcomes[1].satisfaction, 0);
	// The seller sells all at 7 against a limit of 4: 0.5·1 + 0.5·(3/7).
	assert_eq!(outcomes[2].satisfaction, 500_000 + 214_285);
	assert_eq!(summary.average_purchase_price, Some(7));
	assert_eq!(summary.welfare, 10 - 4);
	assert_eq!(
		evaluate(&book, &c.trades, Weights { quantity: 1, price: 1 }).map(|_| ()),
		Err(MarketError::InvalidWeights)
	);
}
