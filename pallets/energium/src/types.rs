//! Types of the energy ledger.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use energy_market::Price;
use energy_primitives::{PeriodIndex, WattHours, ZoneCode};
use polkadot_sdk::sp_runtime::{Deserialize, Serialize};
use scale_info::TypeInfo;

/// An amount of EGM in its smallest unit: 1 EGM = 1 kWh = 10¹⁸ units, so 1 Wh = 10¹⁵.
pub type EgmUnits = u128;

/// EGM has 18 decimals, as the paper's token: `1 EGM = 1 kWh × 10¹⁸`.
pub const EGM_DECIMALS: u8 = 18;

/// Smallest EGM units in one Wh (10¹⁵: a kWh is 10^`EGM_DECIMALS`). The ledger moves whole
/// Wh only, so every balance is a multiple of it.
pub const EGM_UNITS_PER_WH: EgmUnits = 10u128.pow(EGM_DECIMALS as u32 - 3);

/// The most zones whose data is dropped when a period leaves the zone view: the runtime's
/// grid has 32 zones, and participants' zone codes are the operator's to approve.
pub const ZONES_PRUNED_PER_PERIOD: u32 = 64;

/// A month, counted from January 1970: `year × 12 + month − 1` (UTC).
pub type MonthIndex = u32;

/// The prices the grid operator (the consortium) sells energy at, per kWh in the smallest
/// unit of the chain's currency.
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
pub struct Tariff {
	/// The standing price of energy bought directly from the grid with `buy_energy`.
	pub retail_price_per_kwh: Price,
	/// The price of imbalance energy: consumption not covered by EGM, and energy a seller
	/// sold but did not export (the grid delivered it instead).
	pub imbalance_price_per_kwh: Price,
}

/// One participant's energy account: its EGM balance and lifetime totals.
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
pub struct EnergyAccount<Balance> {
	/// EGM held, in Wh (the balance in EGM units is `balance_wh × 10¹⁵`).
	pub balance_wh: WattHours,
	/// Energy credited: delivered by trades plus bought at the tariff, Wh.
	pub purchased_wh: WattHours,
	/// Energy imported, as metered, Wh.
	pub consumed_wh: WattHours,
	/// Energy imported beyond the EGM held: bought from the grid at the imbalance price, Wh.
	pub shortfall_wh: WattHours,
	/// Energy sold but not exported: covered by the grid at the imbalance price, Wh.
	pub undelivered_wh: WattHours,
	/// Imbalance charges the participant could not pay, owed to the grid operator.
	pub debt: Balance,
	/// Delivery periods with an open (unsettled) ledger entry.
	pub unsettled_periods: u32,
}

/// One participant's energy in one delivery period: what it bought, sold and metered, and,
/// once settled, what its imbalances cost.
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
pub struct PeriodLedger<Balance> {
	/// The delivery period.
	pub period: PeriodIndex,
	/// The participant's zone when the entry was opened.
	pub zone: ZoneCode,
	/// Energy its bids were filled with, Wh (gross: what the sellers inject).
	pub bought_wh: WattHours,
	/// Energy delivered to it by trades net of line losses, credited as EGM, Wh.
	pub received_wh: WattHours,
	/// Energy bought at the grid's retail tariff, credited as EGM, Wh.
	pub tariff_wh: WattHours,
	/// Energy its offers were filled with: what it must export, Wh.
	pub sold_wh: WattHours,
	/// Whether its meter reported the period.
	pub metered: bool,
	/// Energy imported (metered), Wh.
	pub imported_wh: WattHours,
	/// Energy exported (metered), Wh.
	pub exported_wh: WattHours,
	/// EGM debited for the import, Wh.
	pub debited_wh: WattHours,
	/// Import not covered by EGM: `imported − debited`, Wh.
	pub shortfall_wh: WattHours,
	/// Sold but not exported: `sold − exported` when positive, Wh. Set at settlement.
	pub undelivered_wh: WattHours,
	/// Whether the period has been settled.
	pub settled: bool,
	/// Imbalance charge paid at settlement.
	pub charged: Balance,
	/// Imbalance charge that could not be paid and became debt.
	pub unpaid: Balance,
}

impl<Balance: Default> PeriodLedger<Balance> {
	/// An empty entry for `period` in `zone`.
	pub fn new(period: PeriodIndex, zone: ZoneCode) -> Self {
		Self {
			period,
			zone,
			bought_wh: 0,
			received_wh: 0,
			tariff_wh: 0,
			sold_wh: 0,
			metered: false,
			imported_wh: 0,
			exported_wh: 0,
			debited_wh: 0,
			shortfall_wh: 0,
			undelivered_wh: 0,
			settled: false,
			charged: Balance::default(),
			unpaid: Balance::default(),
		}
	}
}

/// One participant's settled periods of a calendar month, added up (the paper's monthly view
/// of purchases against consumption, its Figure 10(e)).
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
pub struct MonthLedger<Balance> {
	/// The month: `year × 12 + month − 1`, UTC.
	pub month: MonthIndex,
	/// Energy credited (trades and tariff), Wh.
	pub purchased_wh: WattHours,
	/// Energy imported, Wh.
	pub consumed_wh: WattHours,
	/// Energy sold, Wh.
	pub sold_wh: WattHours,
	/// Energy exported, Wh.
	pub exported_wh: WattHours,
	/// Import bought from the grid at the imbalance price, Wh.
	pub shortfall_wh: WattHours,
	/// Sold but not exported, Wh.
	pub undelivered_wh: WattHours,
	/// Imbalance charges (paid and unpaid).
	pub imbalance_charges: Balance,
}

/// The energy of one zone in one delivery period: the operator's balance view. Trades count
/// in the seller's zone (sold, lost) and the buyer's (bought, delivered); meter data and
/// imbalances in the participant's.
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
pub struct ZoneEnergy {
	/// Supply traded: energy sellers in the zone sold, Wh.
	pub sold_wh: WattHours,
	/// Demand traded: energy buyers in the zone bought (gross), Wh.
	pub bought_wh: WattHours,
	/// Energy delivered to buyers in the zone, Wh.
	pub delivered_wh: WattHours,
	/// Energy lost on lines from sellers in the zone, Wh.
	pub lost_wh: WattHours,
	/// Energy the grid sold at the retail tariff to participants in the zone, Wh.
	pub tariff_wh: WattHours,
	/// Energy imported (consumed), metered, Wh.
	pub imported_wh: WattHours,
	/// Energy exported (injected), metered, Wh.
	pub exported_wh: WattHours,
	/// Consumption covered by EGM, Wh.
	pub debited_wh: WattHours,
	/// Consumption not covered by EGM (imbalance bought from the grid), Wh.
	pub shortfall_wh: WattHours,
	/// Energy sold but not exported (imbalance the grid covered), Wh. Known at settlement.
	pub undelivered_wh: WattHours,
	/// Participants of the zone settled for the period.
	pub settled_participants: u32,
}

/// What `getBuyerInfo` answers: a participant's EGM, totals, and ledger.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct BuyerInfo<Balance> {
	/// EGM held, Wh.
	pub balance_wh: WattHours,
	/// EGM held, in EGM's smallest unit (18 decimals).
	pub balance_egm: EgmUnits,
	/// Energy credited in total (trades and tariff), Wh.
	pub purchased_wh: WattHours,
	/// Energy consumed in total, Wh.
	pub consumed_wh: WattHours,
	/// Consumption bought from the grid at the imbalance price, Wh.
	pub shortfall_wh: WattHours,
	/// Energy sold but not delivered, Wh.
	pub undelivered_wh: WattHours,
	/// Owed to the grid operator.
	pub debt: Balance,
	/// Periods not settled yet, earliest first.
	pub open_periods: alloc::vec::Vec<PeriodLedger<Balance>>,
	/// Settled periods still kept, earliest first.
	pub settled_periods: alloc::vec::Vec<PeriodLedger<Balance>>,
	/// Settled months still kept, earliest first.
	pub months: alloc::vec::Vec<MonthLedger<Balance>>,
}

/// The month (`year × 12 + month − 1`, UTC) that `unix_seconds` falls in. Integer civil
/// calendar (proleptic Gregorian), valid for every `u64` second count.
pub fn month_of(unix_seconds: u64) -> MonthIndex {
	// Days since 1970-01-01 shifted to start on 0000-03-01 (H. Hinnant's civil_from_days).
	let days = unix_seconds / 86_400 + 719_468;
	let era = days / 146_097;
	let day_of_era = days % 146_097;
	let year_of_era =
		(day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
	let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	let month_from_march = (5 * day_of_year + 2) / 153; // 0 = March … 11 = February
	let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
	let year = year_of_era + era * 400 + u64::from(month <= 2);
	let index = year.saturating_sub(1970).saturating_mul(12).saturating_add(month - 1);
	MonthIndex::try_from(index).unwrap_or(MonthIndex::MAX)
}

/// `energy_wh` in EGM's smallest unit.
pub fn egm_units(energy_wh: WattHours) -> EgmUnits {
	EgmUnits::from(energy_wh).saturating_mul(EGM_UNITS_PER_WH)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn months_follow_the_calendar() {
		assert_eq!(month_of(0), 0, "January 1970");
		assert_eq!(month_of(31 * 86_400 - 1), 0);
		assert_eq!(month_of(31 * 86_400), 1, "1 February 1970");
		// 2024-02-29 23:59:59 UTC (leap day) and 2024-03-01 00:00:00.
		assert_eq!(month_of(1_709_251_199), 54 * 12 + 1);
		assert_eq!(month_of(1_709_251_200), 54 * 12 + 2);
		// 2026-11-25 and 2026-12-31 23:59:59, 2027-01-01.
		assert_eq!(month_of(1_795_564_800), 56 * 12 + 10);
		assert_eq!(month_of(1_798_761_599), 56 * 12 + 11);
		assert_eq!(month_of(1_798_761_600), 57 * 12);
	}

	#[test]
	fn one_wh_is_ten_to_the_fifteen_units() {
		assert_eq!(egm_units(1_000), 10u128.pow(18), "1 kWh is 1 EGM");
		assert_eq!(egm_units(u64::MAX), u128::from(u64::MAX) * EGM_UNITS_PER_WH);
	}
}
