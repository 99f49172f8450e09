//! The JSON the simulator reads and writes. Documented in the README ("Simulator"); keep
//! it stable: other tools check our results through it.

use serde::{Deserialize, Serialize};

/// Input of `energy-sim clear`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookInput {
	/// `uniform`, `mcafee` or `zone`.
	pub mechanism: Mechanism,
	/// k of the uniform auction, ppm (0 = marginal offer's price, 1 000 000 = marginal bid's).
	#[serde(default = "half")]
	pub k_ppm: u32,
	/// The orders.
	pub orders: Vec<OrderInput>,
	/// The grid; required by `zone`, optional for the double auctions (then no losses).
	#[serde(default)]
	pub zones: Option<ZonesInput>,
	/// Satisfaction weights, ppm, adding up to 1 000 000.
	#[serde(default)]
	pub weights_ppm: Option<WeightsInput>,
}

fn half() -> u32 {
	500_000
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
	Uniform,
	Mcafee,
	Zone,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SideInput {
	Bid,
	Offer,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
	/// Unique order id.
	pub id: u64,
	/// Who placed it (any string); satisfaction is also reported per participant.
	pub participant: String,
	pub side: SideInput,
	/// Zone index, `0..zone count`.
	#[serde(default)]
	pub zone: u16,
	/// Energy, Wh, at least 1.
	pub quantity_wh: u64,
	/// Limit price per kWh in the smallest currency unit (the examples use micro-units).
	pub price_per_kwh: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZonesInput {
	/// Either an explicit symmetric matrix of line lengths (m)…
	#[serde(default)]
	pub distances_m: Option<Vec<Vec<u32>>>,
	/// …or zones strung along one feeder.
	#[serde(default)]
	pub linear: Option<LinearZones>,
	/// Zones further apart do not trade in the zone market.
	pub max_distance_m: u32,
	/// Energy each zone pair's line carries per period, Wh, unless `lines` gives the pair
	/// its own.
	pub line_capacity_wh: u64,
	/// Electrical parameters of the lines, unless `lines` gives a pair its own.
	pub line: LineInput,
	/// Optional: zone pairs with a line of their own (as the chain's `zoneMarket.setLine`).
	/// Absent or empty, every pair has `line` and `line_capacity_wh`, as before this field.
	#[serde(default)]
	pub lines: Vec<PairLineInput>,
}

/// The line of one zone pair, for both directions. Its losses use the book's `period_s`
/// (from `line`). It must pass the market crate's `LineParameters::check`: a non-zero
/// cross-section (at most 5 000 mm²) and voltage (100 V to 500 kV), a resistivity of at
/// most 1 000 000 pΩ·m, and a length of at most 200 km.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairLineInput {
	/// One zone.
	pub a: u16,
	/// The other zone, different from `a`.
	pub b: u16,
	/// The line's length, m; the distance from `distances_m` or `linear` when absent.
	#[serde(default)]
	pub length_m: Option<u32>,
	/// Resistivity of the conductor, pΩ·m.
	pub resistivity_pohm_m: u64,
	/// Cross-section of one phase conductor, mm².
	pub cross_section_mm2: u32,
	/// Nominal line-to-line voltage, V.
	pub voltage_v: u32,
	/// Energy the line carries per period, Wh.
	pub capacity_wh: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearZones {
	pub count: u16,
	pub spacing_m: u32,
	#[serde(default)]
	pub intra_zone_m: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
	pub resistivity_pohm_m: u64,
	pub cross_section_mm2: u32,
	pub voltage_v: u32,
	pub period_s: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsInput {
	pub quantity: u32,
	pub price: u32,
}

/// Output of `energy-sim clear`.
#[derive(Debug, Serialize)]
pub struct ClearingOutput {
	pub mechanism: Mechanism,
	/// The uniform price per kWh, when one was set.
	pub clearing_price_per_kwh: Option<u64>,
	/// Under McAfee trade reduction: what buyers pay and sellers receive per kWh.
	pub reduced_prices_per_kwh: Option<ReducedPrices>,
	pub trades: Vec<TradeOutput>,
	pub summary: SummaryOutput,
	pub orders: Vec<OrderOutput>,
	pub participants: Vec<ParticipantOutput>,
}

#[derive(Debug, Serialize)]
pub struct ReducedPrices {
	pub buyer: u64,
	pub seller: u64,
}

#[derive(Debug, Serialize)]
pub struct TradeOutput {
	pub bid: u64,
	pub offer: u64,
	pub buyer: String,
	pub seller: String,
	pub sold_wh: u64,
	pub delivered_wh: u64,
	pub lost_wh: u64,
	pub buyer_price_per_kwh: u64,
	pub seller_price_per_kwh: u64,
	/// Money, as a decimal string (may exceed 2^53).
	pub buyer_pays: String,
	pub seller_receives: String,
}

#[derive(Debug, Serialize)]
pub struct SummaryOutput {
	pub trades: u64,
	pub sold_wh: u64,
	pub delivered_wh: u64,
	pub lost_wh: u64,
	pub buyers_paid: String,
	pub sellers_received: String,
	pub welfare: String,
	pub average_purchase_price_per_kwh: Option<u64>,
	pub mean_satisfaction_ppm: u32,
	pub mean_buyer_satisfaction_ppm: u32,
}

#[derive(Debug, Serialize)]
pub struct OrderOutput {
	pub id: u64,
	pub participant: String,
	pub side: SideInput,
	pub requested_wh: u64,
	pub obtained_wh: u64,
	pub money: String,
	pub average_price_per_kwh: Option<u64>,
	pub quantity_term_ppm: u32,
	pub price_term_ppm: u32,
	pub satisfaction_ppm: u32,
}

#[derive(Debug, Serialize)]
pub struct ParticipantOutput {
	pub participant: String,
	/// Mean satisfaction over the participant's orders, ppm.
	pub satisfaction_ppm: u32,
	pub orders: Vec<u64>,
}
