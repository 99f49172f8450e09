//! Quantities, profiles and meter data.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{Deserialize, Serialize};
use scale_info::TypeInfo;

/// Code of a grid zone (a feeder or substation area) as the grid operator numbers them.
pub type ZoneCode = u32;

/// Index of a delivery period: period `p` is the interval
/// `[p · PeriodSeconds, (p + 1) · PeriodSeconds)` seconds after the Unix epoch (UTC), so
/// meters, market and settlement agree on it without asking the chain.
pub type PeriodIndex = u32;

/// Energy in watt-hours.
pub type WattHours = u64;

/// Power in watts.
pub type Watts = u32;

/// What a participant does on the market.
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
#[serde(crate = "polkadot_sdk::sp_runtime::serde")]
pub enum Role {
	/// Buys energy only; has no generation.
	Consumer,
	/// Sells energy only.
	Producer,
	/// Both buys and sells: generation behind the meter (rooftop PV, a battery).
	Prosumer,
}

/// What a participant declares when it registers or updates its profile.
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
pub struct Profile {
	/// Consumer, producer or prosumer.
	pub role: Role,
	/// The grid zone the participant's connection point lies in.
	pub zone: ZoneCode,
	/// Peak generation the participant can export (W). Zero for a consumer, positive for a
	/// producer or prosumer. Bounds the energy an export reading may claim per period.
	pub generation_capacity_w: Watts,
	/// Capacity of the grid connection (W): the most the participant can import. Bounds the
	/// energy an import reading may claim per period. A pure producer may declare zero.
	pub connection_capacity_w: Watts,
}

/// Cumulative counters of a meter's registers, as the meter displays them.
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
	Default,
	Debug,
)]
pub struct MeterCounters {
	/// Energy imported from the grid since the meter was made (Wh).
	pub imported_wh: WattHours,
	/// Energy exported to the grid since the meter was made (Wh).
	pub exported_wh: WattHours,
}

/// A reading a meter signs and submits after a delivery period has ended.
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
pub struct MeterReading {
	/// The delivery period the counters close.
	pub period: PeriodIndex,
	/// The counters at the end of the period.
	pub counters: MeterCounters,
}

/// Energy a participant imported and exported in one delivery period, as the differences of
/// its meter's counters. When a meter skips periods, the energy of the skipped ones is
/// counted in the period of the next reading.
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
pub struct PeriodEnergy {
	/// The delivery period.
	pub period: PeriodIndex,
	/// Energy taken from the grid (Wh).
	pub imported_wh: WattHours,
	/// Energy fed into the grid (Wh).
	pub exported_wh: WattHours,
}

/// A trade a market settled, as the energy ledger sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TradeRecord<AccountId> {
	/// The delivery period.
	pub period: PeriodIndex,
	/// Who bought.
	pub buyer: AccountId,
	/// The buyer's zone.
	pub buyer_zone: ZoneCode,
	/// Who sold.
	pub seller: AccountId,
	/// The seller's zone.
	pub seller_zone: ZoneCode,
	/// Energy the seller must inject, Wh: `delivered_wh + lost_wh`. The bid and the offer
	/// both shrink by this much.
	pub sold_wh: WattHours,
	/// Energy that reaches the buyer net of line losses, Wh.
	pub delivered_wh: WattHours,
	/// Energy lost on the line, Wh.
	pub lost_wh: WattHours,
}

/// What one participant bought and sold in one delivery period's trades, Wh, gross of
/// losses (what its bids and offers were filled with).
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
	Default,
	Debug,
)]
pub struct TradedWh {
	/// Energy its bids were filled with.
	pub bought_wh: WattHours,
	/// Energy its offers were filled with.
	pub sold_wh: WattHours,
}

/// The delivery period `unix_seconds` falls in, with periods of `period_seconds`.
/// Saturates at `PeriodIndex::MAX`.
pub fn period_at(unix_seconds: u64, period_seconds: u32) -> PeriodIndex {
	let period = unix_seconds / u64::from(period_seconds.max(1));
	PeriodIndex::try_from(period).unwrap_or(PeriodIndex::MAX)
}

/// The most energy (Wh) a power of `watts` can move in `periods` periods of `period_seconds`
/// each, rounded up. Saturates at `WattHours::MAX`. The one rule for "energy per period":
/// meter plausibility and order capacity both use it.
pub fn energy_bound_wh(watts: Watts, period_seconds: u32, periods: u32) -> WattHours {
	let watt_seconds = u128::from(watts)
		.saturating_mul(u128::from(period_seconds))
		.saturating_mul(u128::from(periods));
	let wh = watt_seconds.div_ceil(3600);
	WattHours::try_from(wh).unwrap_or(WattHours::MAX)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn energy_bound_rounds_up_scales_with_periods_and_saturates() {
		assert_eq!(energy_bound_wh(4_000, 900, 1), 1_000);
		// 3 kW for a quarter hour is 750 Wh; for two quarter hours 1.5 kWh.
		assert_eq!(energy_bound_wh(3_000, 900, 2), 1_500);
		// 1 W for a quarter hour is 0.25 Wh: rounded up to 1.
		assert_eq!(energy_bound_wh(1, 900, 1), 1);
		assert_eq!(energy_bound_wh(0, 900, 7), 0);
		assert_eq!(energy_bound_wh(u32::MAX, u32::MAX, u32::MAX), WattHours::MAX);
	}

	#[test]
	fn periods_count_from_the_epoch() {
		assert_eq!(period_at(0, 900), 0);
		assert_eq!(period_at(899, 900), 0);
		assert_eq!(period_at(900, 900), 1);
		assert_eq!(period_at(u64::MAX, 1), PeriodIndex::MAX);
		assert_eq!(period_at(5, 0), 5, "a zero length counts as one second");
	}
}
