//! Double auctions over the whole book, ignoring where participants are.
//!
//! Both mechanisms first find the efficient allocation: bids by descending price, offers
//! by ascending price (ties by id), matched greedily with partial fills while the bid's
//! limit is at least the offer's. That trades the largest volume at which demand still
//! meets supply, in `O(n log n)`. They differ in pricing:
//!
//! - [`clear_uniform`]: every trade at one price `p = s* + k·(b* − s*)`, where `b*` and `s*`
//!   are the limits of the marginal (last matched) bid and offer. Budget-balanced.
//! - [`clear_mcafee`]: McAfee's trade reduction. See its documentation for how it is
//!   generalised from unit to divisible quantities.
//!
//! Losses are physical, so a double auction still loses energy when it pairs distant
//! participants. With a [`Grid`](crate::zone::Grid), each trade's loss follows from the
//! line between the two zones: its length and that pair's own parameters. The double
//! auction itself considers neither distance nor line capacity, which is the paper's
//! baseline.

use crate::{
	book::{split_sorted, validate, Open},
	zone::Grid,
	MarketError, Order, OrderId, Ppm, Price, Trade, Wh, PPM_ONE,
};
use alloc::vec::Vec;

/// The result of clearing one book.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Clearing {
	/// The trades, in matching order.
	pub trades: Vec<Trade>,
	/// The uniform clearing price, if a uniform price was set (uniform auction, or McAfee
	/// without trade reduction).
	pub clearing_price: Option<Price>,
	/// Under McAfee trade reduction: the price buyers pay and the price sellers receive.
	pub reduced_prices: Option<(Price, Price)>,
}

/// A matched quantity between a bid and an offer, before pricing and losses.
#[derive(Clone, Copy, Debug)]
struct Pair {
	bid: Open,
	offer: Open,
	quantity: Wh,
}

/// The efficient matching, plus the limit prices of the first unmatched unit on each side.
fn efficient_pairs(orders: &[Order]) -> (Vec<Pair>, Option<Price>, Option<Price>) {
	let (mut bids, mut offers) = split_sorted(orders);
	let (mut i, mut j) = (0usize, 0usize);
	let mut pairs = Vec::new();
	while i < bids.len() && j < offers.len() {
		let (bid, offer) = (bids[i], offers[j]);
		if bid.order.limit_price < offer.order.limit_price {
			break;
		}
		let quantity = bid.remaining.min(offer.remaining);
		pairs.push(Pair { bid, offer, quantity });
		bids[i].remaining -= quantity;
		offers[j].remaining -= quantity;
		if bids[i].remaining == 0 {
			i += 1;
		}
		if offers[j].remaining == 0 {
			j += 1;
		}
	}
	let next_bid = bids.get(i).map(|b| b.order.limit_price);
	let next_offer = offers.get(j).map(|o| o.order.limit_price);
	(pairs, next_bid, next_offer)
}

/// The trades of `pairs`, buyers paying `buyer_price` and sellers receiving `seller_price`
/// per delivered kWh, each losing what the line between its two zones loses.
fn priced(
	pairs: &[Pair],
	grid: Option<&Grid>,
	buyer_price: Price,
	seller_price: Price,
) -> Result<Vec<Trade>, MarketError> {
	pairs
		.iter()
		.map(|p| {
			let lost = loss_of(grid, p)?;
			Ok(Trade::new(
				p.bid.order.id,
				p.offer.order.id,
				p.quantity,
				lost,
				buyer_price,
				seller_price,
			))
		})
		.collect()
}

fn loss_of(grid: Option<&Grid>, pair: &Pair) -> Result<Wh, MarketError> {
	match grid {
		None => Ok(0),
		Some(grid) => grid.loss(pair.bid.order.zone, pair.offer.order.zone, pair.quantity),
	}
}

fn check_zones(orders: &[Order], grid: Option<&Grid>) -> Result<(), MarketError> {
	if let Some(grid) = grid {
		grid.validate()?;
		for order in orders {
			if usize::from(order.zone) >= grid.zone_count() {
				return Err(MarketError::UnknownZone(order.id));
			}
		}
	}
	Ok(())
}

/// Uniform-price (pay-as-clear) double auction with the k-rule.
///
/// `k` in parts per million: 0 prices at the marginal offer (sellers' side), 1 000 000 at
/// the marginal bid (buyers' side), 500 000 halfway. The price is rounded down to an integer
/// and always lies in `[s*, b*]`, so no trade is above a bid's limit or below an offer's.
pub fn clear_uniform(
	orders: &[Order],
	k: Ppm,
	grid: Option<&Grid>,
) -> Result<Clearing, MarketError> {
	if k > PPM_ONE {
		return Err(MarketError::KOutOfRange(k));
	}
	validate(orders)?;
	check_zones(orders, grid)?;
	let (pairs, _, _) = efficient_pairs(orders);
	let Some(marginal) = pairs.last() else { return Ok(Clearing::default()) };
	let (b, s) = (marginal.bid.order.limit_price, marginal.offer.order.limit_price);
	let spread = (b - s) as u128 * k as u128 / PPM_ONE as u128;
	// spread ≤ b − s, so the sum is at most b and fits.
	let price = s + spread as Price;
	let trades = priced(&pairs, grid, price, price)?;
	Ok(Clearing { trades, clearing_price: Some(price), reduced_prices: None })
}

/// McAfee's trade reduction double auction, generalised to divisible quantities.
///
/// With unit orders (McAfee 1992): let `b₁ ≥ … ≥ b_k` and `s₁ ≤ … ≤ s_k` trade efficiently,
/// and `b_{k+1}`, `s_{k+1}` be the best excluded bid and offer. If
/// `p₀ = (b_{k+1} + s_{k+1}) / 2` lies in `[s_k, b_k]`, all `k` pairs trade at `p₀`.
/// Otherwise the `k`-th pair is dropped, and the other `k − 1` trade with buyers paying
/// `b_k` and sellers receiving `s_k`. The surplus `(b_k − s_k)` per kWh goes to the market
/// operator.
///
/// Generalisation (ours): "pairs" are the matched (bid, offer, quantity) segments of the
/// efficient divisible matching above. `b_k`, `s_k` are the limits of the last segment.
/// `b_{k+1}`, `s_{k+1}` are the limits of the first unit left unmatched on each side, which
/// is the marginal order itself when it was only partly filled. Trade reduction drops the
/// whole last segment, so at most one trade is lost. With one-unit orders this is exactly
/// McAfee's rule. With divisible orders it is not fully truthful (no budget-balanced
/// multi-unit double auction is); a participant whose order is not the marginal one cannot
/// influence the price it pays.
pub fn clear_mcafee(orders: &[Order], grid: Option<&Grid>) -> Result<Clearing, MarketError> {
	validate(orders)?;
	check_zones(orders, grid)?;
	let (mut pairs, next_bid, next_offer) = efficient_pairs(orders);
	let Some(marginal) = pairs.last().copied() else { return Ok(Clearing::default()) };
	let (b_k, s_k) = (marginal.bid.order.limit_price, marginal.offer.order.limit_price);
	if let (Some(b_next), Some(s_next)) = (next_bid, next_offer) {
		let p0 = ((b_next as u128 + s_next as u128) / 2) as Price;
		if s_k <= p0 && p0 <= b_k {
			let trades = priced(&pairs, grid, p0, p0)?;
			return Ok(Clearing { trades, clearing_price: Some(p0), reduced_prices: None });
		}
	}
	pairs.pop();
	let trades = priced(&pairs, grid, b_k, s_k)?;
	Ok(Clearing { trades, clearing_price: None, reduced_prices: Some((b_k, s_k)) })
}

/// The orders' ids that traded, for tests and reports.
pub fn traded_ids(clearing: &Clearing) -> Vec<(OrderId, OrderId)> {
	clearing.trades.iter().map(|t| (t.bid, t.offer)).collect()
}
