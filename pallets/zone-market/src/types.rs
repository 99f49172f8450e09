//! Types of the zone data.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{Deserialize, Serialize};
use scale_info::TypeInfo;

/// Index of a zone in the grid: zones are numbered `0..zone_count`, and a participant's
/// zone code (pallet-prosumer) is its index here.
pub type ZoneIndex = u16;

/// Electrical parameters of the lines between zones (the paper's equations (8)–(10)).
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
pub struct LineSpec {
	/// Resistivity of the conductor, pico-ohm metres (copper ≈ 16 800, aluminium ≈ 28 200).
	pub resistivity_pohm_m: u64,
	/// Cross-section of one phase conductor, mm². Never zero.
	pub cross_section_mm2: u32,
	/// Nominal line-to-line voltage, V. Never zero.
	pub voltage_v: u32,
}

/// How far and how much energy may be traded between zones, and over what lines.
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
pub struct TradingRules {
	/// Zones further apart than this (metres) do not trade in the zone market.
	pub max_distance_m: u32,
	/// Energy the line between two different zones may carry per delivery period, Wh.
	pub line_capacity_wh: u64,
	/// The lines' electrical parameters, from which losses are computed.
	pub line: LineSpec,
}

impl TradingRules {
	/// The market crate's line parameters for delivery periods of `period_s` seconds.
	pub fn line_parameters(&self, period_s: u32) -> energy_market::losses::LineParameters {
		energy_market::losses::LineParameters {
			resistivity_pohm_m: self.line.resistivity_pohm_m,
			cross_section_mm2: self.line.cross_section_mm2,
			voltage_v: self.line.voltage_v,
			period_s,
		}
	}
}

/// The line between two zones, when the operator gives a zone pair its own
/// ([`Pallet::set_line`](crate::Pallet::set_line)): its conductor, voltage and capacity. Its
/// length is the pair's distance. A pair without one uses the trading rules' line and
/// `line_capacity_wh`.
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
pub struct LineData {
	/// Resistivity of the conductor, pico-ohm metres (copper ≈ 16 800, aluminium ≈ 28 200);
	/// at most `energy_market::losses::MAX_RESISTIVITY_POHM_M`.
	pub resistivity_pohm_m: u64,
	/// Cross-section of one phase conductor, mm²; from 1 to
	/// `energy_market::losses::MAX_CROSS_SECTION_MM2`.
	pub cross_section_mm2: u32,
	/// Nominal line-to-line voltage, V; from `energy_market::losses::MIN_VOLTAGE_V` to
	/// `MAX_VOLTAGE_V`.
	pub voltage_v: u32,
	/// Energy the line may carry per delivery period, Wh.
	pub capacity_wh: u64,
}

impl LineData {
	/// The market crate's line parameters for delivery periods of `period_s` seconds.
	pub fn line_parameters(&self, period_s: u32) -> energy_market::losses::LineParameters {
		energy_market::losses::LineParameters {
			resistivity_pohm_m: self.resistivity_pohm_m,
			cross_section_mm2: self.cross_section_mm2,
			voltage_v: self.voltage_v,
			period_s,
		}
	}
}
