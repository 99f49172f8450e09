//! The market logic of the energy consortium, written once and used by the pallets, the
//! simulator and the benchmarks alike.
//!
//! Plain `no_std` + `alloc` Rust with no Substrate dependency, and integer arithmetic only:
//! the runtime has no floats, and the simulator must give bit-identical results.
//!
//! # Units
//! - Energy: [`Wh`] (watt-hours, `u64`).
//! - Price: [`Price`], the smallest currency unit per kWh (`u64`). With the chain's 12-decimal
//!   `GRID`, 0.30 GRID/kWh is `300_000_000_000`; the simulator uses micro-units.
//! - Money: [`Amount`] (`u128`): `energy_wh * price / 1000`, rounded down.
//! - Ratios: [`Ppm`], parts per million (`u32`, `1_000_000` = 1).
//!
//! # Mechanisms
//! - [`double_auction::clear_uniform`]: uniform price (pay-as-clear) at the crossing of the
//!   demand and supply curves, price set by a k-rule between the marginal offer and bid.
//! - [`double_auction::clear_mcafee`]: McAfee's trade reduction, the truthful variant.
//! - [`zone::clear_zone_market`]: the zone market of the paper's Table 3.
//!
//! Every mechanism returns [`Trade`]s in which `sold = delivered + lost`, and the buyer pays
//! for what is delivered. Losses come from [`losses::LineParameters`] (three-phase I²R),
//! those of the line between the two zones: every zone pair of a [`zone::Grid`] has its own
//! line and capacity, by default the grid's.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(clippy::float_arithmetic, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

pub mod book;
pub mod double_auction;
pub mod invariants;
pub mod losses;
pub mod metrics;
pub mod zone;

pub use book::{Order, OrderId, Side, Trade, ZoneId};

/// Energy in watt-hours.
pub type Wh = u64;
/// Price: smallest currency units per kWh.
pub type Price = u64;
/// An amount of money in the smallest currency unit.
pub type Amount = u128;
/// A ratio in parts per million (`1_000_000` is 1).
pub type Ppm = u32;
/// One, in parts per million.
pub const PPM_ONE: Ppm = 1_000_000;

/// The cost of `energy` at `price` per kWh, rounded down.
pub fn cost(energy: Wh, price: Price) -> Amount {
	// u64 * u64 always fits in u128.
	(energy as u128) * (price as u128) / 1000
}

/// Why a book could not be cleared. Nothing is partly cleared on error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarketError {
	/// An order asks for or offers zero energy.
	ZeroQuantity(OrderId),
	/// An order names a zone the zone data does not have.
	UnknownZone(OrderId),
	/// A trade names an order that is not in the book.
	UnknownOrder(OrderId),
	/// Two orders have the same id.
	DuplicateOrderId(OrderId),
	/// `k` is above one (`1_000_000` ppm).
	KOutOfRange(Ppm),
	/// Line parameters that make no physical sense (zero voltage, cross-section or period),
	/// or, for a line set for one zone pair, that fail
	/// [`LineParameters::check`](losses::LineParameters::check), which names the fault.
	InvalidLine,
	/// The zone data is inconsistent (distance matrix not square, or not symmetric), or
	/// names a zone it does not have, or a line from a zone to itself.
	InvalidZones,
	/// The two satisfaction weights do not add up to one.
	InvalidWeights,
	/// An intermediate quantity overflowed; the book is outside the supported range.
	Overflow,
}
