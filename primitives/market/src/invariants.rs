//! What every clearing must satisfy, whatever the mechanism: written once and checked by the
//! property tests, the coverage-guided fuzzer (`fuzz/`) and anyone who wants to audit a
//! clearing.
//!
//! A clearing of `orders` into `trades` must have:
//! - **well-formed trades**: each names a bid and an offer of the book, and sells something;
//! - **conservation**: `sold = delivered + lost` in every trade;
//! - **limits**: no buyer pays above its bid's limit, no seller receives below its offer's;
//! - **budget balance**: in every trade the buyer pays at least what the seller receives,
//!   and each side's amount is the cost of the delivered energy at its price;
//! - **no over-fill**: no order sells or buys more than its quantity;
//! - for the zone market, **reach**: no trade between zones further apart than the maximum
//!   distance, and **capacity**: the energy sold over the line between two different zones
//!   is at most that line's own capacity per period.

use crate::{cost, zone::Grid, Order, OrderId, Side, Trade};
use alloc::collections::BTreeMap;

/// The first invariant a clearing breaks, with the order or trade concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Violation {
	/// A trade names an order that is not in the book.
	UnknownOrder(OrderId),
	/// A trade's bid is not a bid, or its offer not an offer.
	WrongSide(OrderId),
	/// A trade sells nothing.
	EmptyTrade(OrderId, OrderId),
	/// `sold ≠ delivered + lost`.
	EnergyNotConserved(OrderId, OrderId),
	/// The buyer pays above its limit price.
	AboveBidLimit(OrderId),
	/// The seller receives below its limit price.
	BelowOfferLimit(OrderId),
	/// The buyer pays less than the seller receives, or an amount is not the cost of the
	/// delivered energy at the trade's price.
	BudgetBroken(OrderId, OrderId),
	/// An order traded more than its quantity.
	OverFilled(OrderId),
	/// A zone-market trade between zones further apart than the maximum distance.
	OutOfReach(OrderId, OrderId),
	/// More energy was sold over a line between two zones than its capacity.
	LineOverloaded(u16, u16),
}

/// Checks the invariants common to every mechanism.
pub fn check_trades(orders: &[Order], trades: &[Trade]) -> Result<(), Violation> {
	let by_id: BTreeMap<OrderId, &Order> = orders.iter().map(|o| (o.id, o)).collect();
	let mut filled: BTreeMap<OrderId, u128> = BTreeMap::new();
	for t in trades {
		let bid = by_id.get(&t.bid).ok_or(Violation::UnknownOrder(t.bid))?;
		let offer = by_id.get(&t.offer).ok_or(Violation::UnknownOrder(t.offer))?;
		if bid.side != Side::Bid {
			return Err(Violation::WrongSide(t.bid));
		}
		if offer.side != Side::Offer {
			return Err(Violation::WrongSide(t.offer));
		}
		if t.sold == 0 {
			return Err(Violation::EmptyTrade(t.bid, t.offer));
		}
		if t.delivered.checked_add(t.lost) != Some(t.sold) {
			return Err(Violation::EnergyNotConserved(t.bid, t.offer));
		}
		if t.buyer_price > bid.limit_price {
			return Err(Violation::AboveBidLimit(t.bid));
		}
		if t.seller_price < offer.limit_price {
			return Err(Violation::BelowOfferLimit(t.offer));
		}
		if t.buyer_pays < t.seller_receives
			|| t.buyer_pays != cost(t.delivered, t.buyer_price)
			|| t.seller_receives != cost(t.delivered, t.seller_price)
		{
			return Err(Violation::BudgetBroken(t.bid, t.offer));
		}
		for id in [t.bid, t.offer] {
			let used = filled.entry(id).or_default();
			*used += u128::from(t.sold);
			let quantity = by_id.get(&id).map_or(0, |o| o.quantity);
			if *used > u128::from(quantity) {
				return Err(Violation::OverFilled(id));
			}
		}
	}
	Ok(())
}

/// Checks the common invariants, then the zone market's reach and line capacity on `grid`.
pub fn check_zone_trades(orders: &[Order], trades: &[Trade], grid: &Grid) -> Result<(), Violation> {
	check_trades(orders, trades)?;
	let zone_of: BTreeMap<OrderId, u16> = orders.iter().map(|o| (o.id, o.zone)).collect();
	let mut carried: BTreeMap<(u16, u16), u128> = BTreeMap::new();
	for t in trades {
		let (Some(&a), Some(&b)) = (zone_of.get(&t.bid), zone_of.get(&t.offer)) else {
			return Err(Violation::UnknownOrder(t.bid));
		};
		if !grid.reachable(a, b) {
			return Err(Violation::OutOfReach(t.bid, t.offer));
		}
		if a != b {
			let capacity =
				grid.capacity_wh(a, b).map_err(|_| Violation::OutOfReach(t.bid, t.offer))?;
			let line = (a.min(b), a.max(b));
			let used = carried.entry(line).or_default();
			*used += u128::from(t.sold);
			if *used > u128::from(capacity) {
				return Err(Violation::LineOverloaded(line.0, line.1));
			}
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::losses::LineParameters;

	fn order(id: OrderId, side: Side, zone: u16, quantity: u64, limit_price: u64) -> Order {
		Order { id, side, zone, quantity, limit_price }
	}

	fn book() -> [Order; 2] {
		[order(1, Side::Bid, 0, 1_000, 300), order(2, Side::Offer, 1, 1_000, 100)]
	}

	#[test]
	fn a_sound_trade_passes_and_each_broken_field_is_named() {
		let good = Trade::new(1, 2, 1_000, 10, 200, 200);
		assert_eq!(check_trades(&book(), &[good]), Ok(()));
		let cases = [
			(Trade { bid: 9, ..good }, Violation::UnknownOrder(9)),
			(Trade { bid: 2, offer: 1, ..good }, Violation::WrongSide(2)),
			(Trade { lost: 11, ..good }, Violation::EnergyNotConserved(1, 2)),
			(Trade::new(1, 2, 1_000, 0, 301, 301), Violation::AboveBidLimit(1)),
			(Trade::new(1, 2, 1_000, 0, 99, 99), Violation::BelowOfferLimit(2)),
			(Trade { seller_receives: good.buyer_pays + 1, ..good }, Violation::BudgetBroken(1, 2)),
			(Trade::new(1, 2, 1_001, 0, 200, 200), Violation::OverFilled(1)),
		];
		for (trade, violation) in cases {
			assert_eq!(check_trades(&book(), &[trade]), Err(violation), "{trade:?}");
		}
	}

	#[test]
	fn zone_checks_catch_reach_and_capacity() -> Result<(), crate::MarketError> {
		let line = LineParameters::MEDIUM_VOLTAGE_ALUMINIUM;
		let grid = Grid::linear(2, 500, 0, 500, 600, line)?;
		let within = Trade::new(1, 2, 600, 0, 200, 200);
		assert_eq!(check_zone_trades(&book(), &[within], &grid), Ok(()));
		let over = Trade::new(1, 2, 601, 0, 200, 200);
		assert_eq!(
			check_zone_trades(&book(), &[over], &grid),
			Err(Violation::LineOverloaded(0, 1))
		);
		let near = Grid::linear(2, 500, 0, 499, 600, line)?;
		assert_eq!(check_zone_trades(&book(), &[within], &near), Err(Violation::OutOfReach(1, 2)));
		Ok(())
	}
}
