//! Types of the order book.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_market::{Ppm, Price, PPM_ONE};
use energy_primitives::{PeriodIndex, WattHours};
use polkadot_sdk::sp_runtime::{Deserialize, Serialize};
use scale_info::TypeInfo;

/// Identifies an order for its whole life; never reused.
pub type OrderId = u64;

/// Buy or sell.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum Side {
	/// Buys energy, paying at most its limit price per kWh. Escrows its worst-case cost.
	Bid,
	/// Sells energy, taking at least its limit price per kWh. Bounded by the seller's
	/// generation capacity over the delivery period.
	Offer,
}

impl From<Side> for energy_market::Side {
	fn from(side: Side) -> Self {
		match side {
			Side::Bid => energy_market::Side::Bid,
			Side::Offer => energy_market::Side::Offer,
		}
	}
}

/// How a book is cleared, chosen by the consortium.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Serialize,
	Deserialize,
)]
#[serde(crate = "polkadot_sdk::sp_runtime::serde", rename_all = "camelCase")]
pub enum Mechanism {
	/// Uniform-price double auction at the crossing of the supply and demand curves. Every
	/// trade is priced at `s* + k·(b* − s*)`, `b*` and `s*` the marginal bid's and offer's
	/// limits, `k` in parts per million (500 000: halfway). Zones are ignored in matching;
	/// losses follow from the grid when there is one.
	UniformPrice {
		/// The k of the k-pricing rule, parts per million, at most 1 000 000.
		k_ppm: Ppm,
	},
	/// McAfee's trade reduction: the truthful variant. The marginal trade may be dropped;
	/// buyers then pay the marginal bid's limit and sellers receive the marginal offer's,
	/// and the difference is burned (the consortium has no treasury).
	McAfee,
	/// The zone market (the paper's Table 3): buyers by descending price take the cheapest
	/// offer within the grid's maximum distance and line capacity, pay-as-offer, losses
	/// deducted from the energy delivered. Needs a grid.
	ZoneMarket,
}

impl Default for Mechanism {
	fn default() -> Self {
		Mechanism::UniformPrice { k_ppm: PPM_ONE / 2 }
	}
}

impl Mechanism {
	/// Whether the mechanism's parameters are in range.
	pub fn is_valid(&self) -> bool {
		match self {
			Mechanism::UniformPrice { k_ppm } => *k_ppm <= PPM_ONE,
			Mechanism::McAfee | Mechanism::ZoneMarket => true,
		}
	}
}

/// An open bid or offer. It stays in its delivery period's book, partly filled or not, until
/// it is filled, cancelled, or the delivery period begins.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Order<AccountId, Balance> {
	/// The participant who placed it.
	pub owner: AccountId,
	/// Bid or offer.
	pub side: Side,
	/// The delivery period the energy is for.
	pub period: PeriodIndex,
	/// The owner's zone when the order was placed.
	pub zone: u16,
	/// Energy asked for or offered when placed, Wh.
	pub energy_wh: WattHours,
	/// Energy not traded yet, Wh; never zero while the order is open.
	pub remaining_wh: WattHours,
	/// Limit price per kWh, in the smallest currency unit: the most a bid pays, the least an
	/// offer takes.
	pub price_per_kwh: Price,
	/// Funds held from the owner for the rest of a bid: `cost(remaining_wh, price_per_kwh)`.
	/// Zero for an offer.
	pub escrow: Balance,
}

/// What one clearing did, for its event and its weight.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ClearingOutcome {
	/// Orders in the book that took part.
	pub orders: u32,
	/// Trades settled.
	pub trades: u32,
	/// Energy the sellers sold, Wh.
	pub sold_wh: WattHours,
	/// Energy lost on the lines, Wh.
	pub lost_wh: WattHours,
}
