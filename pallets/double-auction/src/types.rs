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

/// When a book is cleared, chosen by the consortium per delivery period or as the default.
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
	Default,
)]
pub enum BookMode {
	/// Open orders, cleared whenever the book changed: the market as it always was.
	#[default]
	Continuous,
	/// Open orders, cleared once when the gate closes, one period before delivery.
	Call,
	/// Sealed orders: a hash of each order is committed with a deposit, the order revealed
	/// in the half period before the gate, and the book cleared once at the gate. An
	/// unrevealed commitment forfeits its deposit.
	Sealed,
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
	/// The order deposit held from the owner while the order is open (`OrderDeposit` when
	/// placed), returned when it fills, is cancelled, evicted or expires.
	pub deposit: Balance,
}

/// Where an order sits in its side of the book: big-endian, so that the storage's key order
/// (ascending) runs from the least competitive order to the most. A bid's key is
/// `price ‖ (u64::MAX − id)`, an offer's `(u64::MAX − price) ‖ (u64::MAX − id)`: a dearer bid
/// and a cheaper offer rank higher, and at one price the older order (lower id) ranks higher.
pub type RankKey = [u8; 16];

/// The rank key of an order.
pub fn rank_key(side: Side, price_per_kwh: Price, id: OrderId) -> RankKey {
	let price = match side {
		Side::Bid => price_per_kwh,
		Side::Offer => u64::MAX - price_per_kwh,
	};
	let mut key = [0u8; 16];
	key[..8].copy_from_slice(&price.to_be_bytes());
	key[8..].copy_from_slice(&(u64::MAX - id).to_be_bytes());
	key
}

/// The limit price and the order id a rank key stands for.
pub fn decode_rank_key(side: Side, key: &RankKey) -> (Price, OrderId) {
	let mut price = [0u8; 8];
	price.copy_from_slice(&key[..8]);
	let mut id = [0u8; 8];
	id.copy_from_slice(&key[8..]);
	let price = u64::from_be_bytes(price);
	let price = match side {
		Side::Bid => price,
		Side::Offer => u64::MAX - price,
	};
	(price, u64::MAX - u64::from_be_bytes(id))
}

/// What the book index keeps of an order besides its rank: all the clearing reads of it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct BookEntry {
	/// Energy not traded yet, Wh (as the order's `remaining_wh`).
	pub remaining_wh: WattHours,
	/// The owner's zone when the order was placed.
	pub zone: u16,
}

/// A delivery period's book: how many orders each side holds, its commitments, whether its
/// final clearing ran, and what its closing has done so far (a large book closes over
/// several blocks).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default)]
pub struct BookState<Balance> {
	/// Open bids.
	pub bids: u32,
	/// Open offers.
	pub offers: u32,
	/// When the book is cleared, frozen when it got its first order or commitment.
	pub mode: BookMode,
	/// Sealed orders committed and not revealed yet.
	pub commits: u32,
	/// A call or sealed book's one clearing, at its gate, has run.
	pub finalized: bool,
	/// Orders removed so far by the book's closing.
	pub expired: u32,
	/// Escrow and deposits released so far by the book's closing.
	pub released: Balance,
}

impl<Balance> BookState<Balance> {
	/// Orders open in the book.
	pub fn orders(&self) -> u32 {
		self.bids.saturating_add(self.offers)
	}
	/// No open order and no commitment: the book is removed.
	pub fn is_empty(&self) -> bool {
		self.orders() == 0 && self.commits == 0
	}
	/// Open orders on `side`.
	pub fn side(&self, side: Side) -> u32 {
		match side {
			Side::Bid => self.bids,
			Side::Offer => self.offers,
		}
	}
	/// The counter of `side`.
	pub fn side_mut(&mut self, side: Side) -> &mut u32 {
		match side {
			Side::Bid => &mut self.bids,
			Side::Offer => &mut self.offers,
		}
	}
}

/// A trade the clearing determined and settlement has yet to carry out: `energy_market`'s
/// trade, as stored between blocks.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct PendingTrade {
	/// The bid.
	pub bid: OrderId,
	/// The offer.
	pub offer: OrderId,
	/// Energy the seller injects, Wh.
	pub sold_wh: WattHours,
	/// Energy that reaches the buyer, Wh.
	pub delivered_wh: WattHours,
	/// Energy lost on the line, Wh.
	pub lost_wh: WattHours,
	/// Price per delivered kWh the buyer pays.
	pub buyer_price: Price,
	/// Price per delivered kWh the seller receives.
	pub seller_price: Price,
	/// What the buyer pays.
	pub buyer_pays: u128,
	/// What the seller receives.
	pub seller_receives: u128,
}

impl From<&energy_market::Trade> for PendingTrade {
	fn from(trade: &energy_market::Trade) -> Self {
		PendingTrade {
			bid: trade.bid,
			offer: trade.offer,
			sold_wh: trade.sold,
			delivered_wh: trade.delivered,
			lost_wh: trade.lost,
			buyer_price: trade.buyer_price,
			seller_price: trade.seller_price,
			buyer_pays: trade.buyer_pays,
			seller_receives: trade.seller_receives,
		}
	}
}

/// A clearing whose trades are being settled, a bounded number a block.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Clearing {
	/// The delivery period.
	pub period: PeriodIndex,
	/// The mechanism that determined the trades.
	pub mechanism: Mechanism,
	/// Orders that took part.
	pub orders: u32,
	/// Trades determined.
	pub trades: u32,
	/// Trades dealt with so far (settled or voided): the cursor into the pages.
	pub next: u32,
	/// Trades settled so far.
	pub settled: u32,
	/// Energy sold so far, Wh.
	pub sold_wh: WattHours,
	/// Energy lost so far, Wh.
	pub lost_wh: WattHours,
}

/// Why a determined trade was not settled.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum VoidReason {
	/// One of its orders left the book (cancelled, evicted, or its owner suspended) between
	/// the determination and the settlement.
	OrderGone,
	/// One of its orders has less energy left than the trade needs (defensive).
	NotEnoughLeft,
	/// Moving the funds failed; nothing of this trade changed (defensive).
	SettlementFailed,
}

/// What clearing a period's book as it stands now would do: the answer of the runtime API
/// `DoubleAuctionApi::preview_clearing`, which writes nothing.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ClearingPreview {
	/// The delivery period.
	pub period: PeriodIndex,
	/// The mechanism in force, which the clearing would use.
	pub mechanism: Mechanism,
	/// Orders in the book that would take part (those in zones the grid lacks are left
	/// out).
	pub orders: u32,
	/// The trades, in the order the clearing would settle them, with their prices and
	/// payments.
	pub trades: alloc::vec::Vec<PendingTrade>,
	/// Energy the sellers would sell, Wh.
	pub sold_wh: WattHours,
	/// Energy the lines would lose, Wh.
	pub lost_wh: WattHours,
	/// A clearing of this period is being settled now: its trades not yet settled are
	/// still in the orders' remaining energy, so this preview counts them again.
	pub settling: bool,
}

/// Why there is no preview.
#[derive(Encode, Decode, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum PreviewError {
	/// The period has no open orders.
	NoBook,
	/// The zone market is in force and there is no grid.
	NoGrid,
	/// The market logic refused the book (defensive).
	InvalidBook,
	/// An amount outside the supported range.
	Overflow,
}

/// What a placement did that its weight depends on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Placed {
	/// The owner's open orders before it (each read for the capacity check).
	pub own_orders: u32,
	/// Whether it evicted the least competitive order of a full side.
	pub evicted: bool,
}
