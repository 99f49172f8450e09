//! Orders, trades, and the deterministic order in which mechanisms consider them.

use crate::{Amount, MarketError, Price, Wh};
use alloc::{collections::BTreeSet, vec::Vec};

/// Identifies an order within one book. Ties in price are broken by the lower id first, so
/// the same book always clears the same way.
pub type OrderId = u64;
/// A zone of the grid (the paper's `code_zone`), an index into the zone data.
pub type ZoneId = u16;

/// Whether an order buys or sells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
	/// Buys energy: pays at most `limit_price` per kWh.
	Bid,
	/// Sells energy: takes at least `limit_price` per kWh.
	Offer,
}

/// One bid or offer for a delivery period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
	/// Unique within the book.
	pub id: OrderId,
	/// Buy or sell.
	pub side: Side,
	/// Where the participant is connected.
	pub zone: ZoneId,
	/// Energy to buy or sell, Wh; never zero.
	pub quantity: Wh,
	/// Limit price per kWh: the most a bid pays, the least an offer takes.
	pub limit_price: Price,
}

/// Energy moving from one offer to one bid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trade {
	/// The buying order.
	pub bid: OrderId,
	/// The selling order.
	pub offer: OrderId,
	/// Energy the seller injects, Wh. `sold = delivered + lost`.
	pub sold: Wh,
	/// Energy that reaches the buyer, Wh.
	pub delivered: Wh,
	/// Energy lost on the line, Wh.
	pub lost: Wh,
	/// Price per kWh the buyer pays for delivered energy.
	pub buyer_price: Price,
	/// Price per kWh the seller receives for delivered energy. Equal to `buyer_price` except
	/// under McAfee trade reduction, where the difference goes to the market operator.
	pub seller_price: Price,
	/// What the buyer pays: `cost(delivered, buyer_price)`.
	pub buyer_pays: Amount,
	/// What the seller receives: `cost(delivered, seller_price)`.
	pub seller_receives: Amount,
}

impl Trade {
	/// A trade of `sold` Wh of which `lost` is lost, at the given prices.
	pub(crate) fn new(
		bid: OrderId,
		offer: OrderId,
		sold: Wh,
		lost: Wh,
		buyer_price: Price,
		seller_price: Price,
	) -> Self {
		let lost = lost.min(sold);
		let delivered = sold - lost;
		Trade {
			bid,
			offer,
			sold,
			delivered,
			lost,
			buyer_price,
			seller_price,
			buyer_pays: crate::cost(delivered, buyer_price),
			seller_receives: crate::cost(delivered, seller_price),
		}
	}
}

/// Checks what every mechanism requires of a book: non-zero quantities, unique ids.
pub(crate) fn validate(orders: &[Order]) -> Result<(), MarketError> {
	let mut seen = BTreeSet::new();
	for order in orders {
		if order.quantity == 0 {
			return Err(MarketError::ZeroQuantity(order.id));
		}
		if !seen.insert(order.id) {
			return Err(MarketError::DuplicateOrderId(order.id));
		}
	}
	Ok(())
}

/// An order with what is left of it while a mechanism runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Open {
	pub order: Order,
	pub remaining: Wh,
}

/// Bids by descending limit price, offers by ascending limit price; equal prices by
/// ascending id. `O(n log n)`.
pub(crate) fn split_sorted(orders: &[Order]) -> (Vec<Open>, Vec<Open>) {
	let mut bids: Vec<Open> = Vec::new();
	let mut offers: Vec<Open> = Vec::new();
	for order in orders {
		let open = Open { order: *order, remaining: order.quantity };
		match order.side {
			Side::Bid => bids.push(open),
			Side::Offer => offers.push(open),
		}
	}
	bids.sort_unstable_by(|a, b| {
		b.order.limit_price.cmp(&a.order.limit_price).then(a.order.id.cmp(&b.order.id))
	});
	offers.sort_unstable_by(|a, b| {
		a.order.limit_price.cmp(&b.order.limit_price).then(a.order.id.cmp(&b.order.id))
	});
	(bids, offers)
}
