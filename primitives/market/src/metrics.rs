//! What a clearing achieved: volume, welfare, losses, prices, and each order's satisfaction.
//!
//! # Satisfaction
//! `S = Wq · (Qf / Qi) + Wp · price_term`, with `Wq + Wp = 1`, both terms in `[0, 1]`, so
//! `S ∈ [0, 1]`:
//! - `Qi` is the energy the order asked for or offered. `Qf` is the energy a buyer
//!   received (delivered, net of losses), or the energy a seller sold.
//! - `price_term` is the share of the limit price the participant kept as surplus.
//!   For a buyer it is `(limit − paid) / limit`, where `paid` is the average price per
//!   delivered kWh. For a seller it is `(received − limit) / received`, where `received`
//!   is the average per kWh *sold*, so that energy lost on the way counts against the
//!   seller. The term is 0 when nothing traded.
//!
//! The paper reports average satisfactions of 1e+16 to 1e+33 from the same formula. With
//! `Qf ≤ Qi` and any price ratio that stays near 1, that cannot happen. It must come from
//! the price ratio `Pf/Pi` being evaluated with a denominator near zero: a price
//! "actually paid" computed as accumulated cost over a delivered quantity that
//! floating-point subtraction left at a residue such as 1e-17, or over a zero cost. One such
//! participant dominates the mean, which is why the values jump by orders of magnitude
//! between neighbouring rows rather than trending. Our repair: the price term is bounded by
//! construction, it is 0 when nothing traded, and all arithmetic is exact integer
//! arithmetic on Wh and price units, so there is no residue.

use crate::{Amount, MarketError, Order, OrderId, Ppm, Price, Side, Trade, Wh, PPM_ONE};
use alloc::{collections::BTreeMap, vec::Vec};

/// Weights of the two terms of satisfaction, in ppm; they must add up to `1_000_000`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weights {
	/// Weight of the quantity term.
	pub quantity: Ppm,
	/// Weight of the price term.
	pub price: Ppm,
}

impl Weights {
	/// The paper's `Wq = Wp = 0.5`.
	pub const EVEN: Weights = Weights { quantity: 500_000, price: 500_000 };

	fn validate(&self) -> Result<(), MarketError> {
		if self.quantity as u64 + self.price as u64 != PPM_ONE as u64 {
			return Err(MarketError::InvalidWeights);
		}
		Ok(())
	}
}

/// How one order fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderOutcome {
	/// The order.
	pub id: OrderId,
	/// Bid or offer.
	pub side: Side,
	/// `Qi`: energy asked for or offered, Wh.
	pub requested: Wh,
	/// `Qf`: energy received (buyer, delivered) or sold (seller), Wh.
	pub obtained: Wh,
	/// Money paid (buyer) or received (seller).
	pub money: Amount,
	/// Average price per kWh of `obtained`, if anything traded.
	pub average_price: Option<Price>,
	/// `Qf / Qi`, ppm.
	pub quantity_term: Ppm,
	/// Surplus share, ppm (see the module documentation).
	pub price_term: Ppm,
	/// `S`, ppm.
	pub satisfaction: Ppm,
}

/// Totals over a clearing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Summary {
	/// Number of trades.
	pub trades: u64,
	/// Energy sold, Wh.
	pub sold: Wh,
	/// Energy delivered, Wh.
	pub delivered: Wh,
	/// Energy lost, Wh.
	pub lost: Wh,
	/// Paid by buyers.
	pub buyers_paid: Amount,
	/// Received by sellers (less than `buyers_paid` only under McAfee trade reduction).
	pub sellers_received: Amount,
	/// Gains from trade: what buyers' delivered energy is worth to them at their limits,
	/// minus what sellers' sold energy is worth to them at theirs, in money units. Losses
	/// lower it.
	pub welfare: i128,
	/// Average price paid per delivered kWh, if anything was delivered.
	pub average_purchase_price: Option<Price>,
	/// Mean satisfaction over all orders, ppm (0 for an empty book).
	pub mean_satisfaction: Ppm,
	/// Mean satisfaction over bids only, ppm.
	pub mean_buyer_satisfaction: Ppm,
}

fn ratio_ppm(part: u128, whole: u128) -> Ppm {
	if whole == 0 {
		return 0;
	}
	(part.min(whole) * PPM_ONE as u128 / whole) as Ppm
}

fn average_price(money: Amount, energy: Wh) -> Option<Price> {
	if energy == 0 {
		return None;
	}
	Some(u64::try_from(money * 1000 / energy as u128).unwrap_or(u64::MAX))
}

/// Each order's outcome and the totals, for `orders` cleared into `trades`.
pub fn evaluate(
	orders: &[Order],
	trades: &[Trade],
	weights: Weights,
) -> Result<(Vec<OrderOutcome>, Summary), MarketError> {
	weights.validate()?;
	let by_id: BTreeMap<OrderId, &Order> = orders.iter().map(|o| (o.id, o)).collect();
	// (energy obtained, money paid or received) per order id.
	let mut tally: BTreeMap<OrderId, (Wh, Amount)> = BTreeMap::new();
	let mut summary = Summary::default();
	for t in trades {
		let bid = by_id.get(&t.bid).ok_or(MarketError::UnknownOrder(t.bid))?;
		let offer = by_id.get(&t.offer).ok_or(MarketError::UnknownOrder(t.offer))?;
		let b = tally.entry(t.bid).or_default();
		b.0 = b.0.saturating_add(t.delivered);
		b.1 = b.1.saturating_add(t.buyer_pays);
		let s = tally.entry(t.offer).or_default();
		s.0 = s.0.saturating_add(t.sold);
		s.1 = s.1.saturating_add(t.seller_receives);
		summary.trades += 1;
		summary.sold = summary.sold.saturating_add(t.sold);
		summary.delivered = summary.delivered.saturating_add(t.delivered);
		summary.lost = summary.lost.saturating_add(t.lost);
		summary.buyers_paid = summary.buyers_paid.saturating_add(t.buyer_pays);
		summary.sellers_received = summary.sellers_received.saturating_add(t.seller_receives);
		let value = crate::cost(t.delivered, bid.limit_price) as i128;
		let cost = crate::cost(t.sold, offer.limit_price) as i128;
		summary.welfare = summary.welfare.saturating_add(value - cost);
	}
	summary.average_purchase_price = average_price(summary.buyers_paid, summary.delivered);

	let mut outcomes = Vec::with_capacity(orders.len());
	let (mut total, mut buyers_total, mut buyers) = (0u128, 0u128, 0u128);
	for order in orders {
		let (obtained, money) = tally.get(&order.id).copied().unwrap_or_default();
		let avg = average_price(money, obtained);
		let quantity_term = ratio_ppm(obtained as u128, order.quantity as u128);
		let price_term = match (order.side, avg) {
			(_, None) => 0,
			(Side::Bid, Some(paid)) => {
				ratio_ppm(order.limit_price.saturating_sub(paid) as u128, order.limit_price as u128)
			},
			(Side::Offer, Some(received)) => {
				ratio_ppm(received.saturating_sub(order.limit_price) as u128, received as u128)
			},
		};
		let satisfaction = ((quantity_term as u128 * weights.quantity as u128
			+ price_term as u128 * weights.price as u128)
			/ PPM_ONE as u128) as Ppm;
		total += satisfaction as u128;
		if order.side == Side::Bid {
			buyers_total += satisfaction as u128;
			buyers += 1;
		}
		outcomes.push(OrderOutcome {
			id: order.id,
			side: order.side,
			requested: order.quantity,
			obtained,
			money,
			average_price: avg,
			quantity_term,
			price_term,
			satisfaction,
		});
	}
	if !orders.is_empty() {
		summary.mean_satisfaction = (total / orders.len() as u128) as Ppm;
	}
	if buyers > 0 {
		summary.mean_buyer_satisfaction = (buyers_total / buyers) as Ppm;
	}
	Ok((outcomes, summary))
}
