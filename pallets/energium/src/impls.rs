//! What the pallet offers the other pallets and the runtime API.

use crate::{pallet::*, types::*, WeightInfo};
use alloc::vec::Vec;
use energy_primitives::{
	OnMeterReading, OnTrade, ParticipantActivity, PeriodEnergy, PeriodIndex, TradeRecord,
	TradedEnergy, TradedWh, ZoneCode,
};
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	sp_runtime::{traits::Zero, Perbill},
};

/// `creditEnergy`: every settled trade credits its buyer.
impl<T: Config> OnTrade<T::AccountId> for Pallet<T> {
	fn on_trade(trade: &TradeRecord<T::AccountId>) {
		Self::record_trade(trade)
	}
	fn on_trade_weight() -> Weight {
		T::WeightInfo::on_trade()
	}
}

/// `debitEnergy`: every accepted reading debits the import.
impl<T: Config> OnMeterReading<T::AccountId> for Pallet<T> {
	fn on_reading(participant: &T::AccountId, zone: ZoneCode, energy: &PeriodEnergy) {
		Self::record_reading(participant, zone, energy)
	}
	fn on_reading_weight() -> Weight {
		T::WeightInfo::on_reading()
	}
	fn on_readings_weight(readings: u32, zone_periods: u32) -> Weight {
		if readings == 0 {
			return Weight::zero();
		}
		// Benchmarked at both ends: every reading in a zone of its own, and all in one zone.
		// In between, each further (zone, period) adds its share of the difference.
		let worst = T::WeightInfo::on_readings(readings);
		if zone_periods >= readings {
			return worst;
		}
		let best = T::WeightInfo::on_readings_in_one_zone(readings);
		let share = Perbill::from_rational(zone_periods.saturating_sub(1), readings - 1);
		// Per dimension, never above the worst case (what the batch was charged): the proof
		// sizes' bases differ, so "best" is not below "worst" in every dimension.
		let between = |best: u64, worst: u64| {
			best.saturating_add(share.mul_ceil(worst.saturating_sub(best))).min(worst)
		};
		Weight::from_parts(
			between(best.ref_time(), worst.ref_time()),
			between(best.proof_size(), worst.proof_size()),
		)
	}
}

/// What a participant's orders were filled with, per period, while the period is unsettled
/// (orders are placed only for periods ahead, which are never settled).
impl<T: Config> TradedEnergy<T::AccountId> for Pallet<T> {
	fn traded(who: &T::AccountId, period: PeriodIndex) -> TradedWh {
		OpenLedger::<T>::get(period, who)
			.map(|entry| TradedWh { bought_wh: entry.bought_wh, sold_wh: entry.sold_wh })
			.unwrap_or_default()
	}
	fn traded_weight() -> Weight {
		// One read of an open ledger entry.
		T::DbWeight::get().reads(1)
	}
}

/// A participant with an unsettled period, or a debt, may not deregister.
impl<T: Config> ParticipantActivity<T::AccountId> for Pallet<T> {
	fn has_open_orders(_: &T::AccountId) -> bool {
		false
	}
	fn has_unsettled_periods(who: &T::AccountId) -> bool {
		let account = Accounts::<T>::get(who);
		account.unsettled_periods > 0 || !account.debt.is_zero()
	}
}

impl<T: Config> Pallet<T> {
	/// `getBuyerInfo`: `who`'s EGM, totals, open and settled periods, and months.
	pub fn buyer_info(who: &T::AccountId) -> BuyerInfo<BalanceOf<T>> {
		let account = Accounts::<T>::get(who);
		let open_periods = PendingPeriods::<T>::get()
			.iter()
			.filter_map(|period| OpenLedger::<T>::get(period, who))
			.collect();
		BuyerInfo {
			balance_wh: account.balance_wh,
			balance_egm: egm_units(account.balance_wh),
			purchased_wh: account.purchased_wh,
			consumed_wh: account.consumed_wh,
			shortfall_wh: account.shortfall_wh,
			undelivered_wh: account.undelivered_wh,
			debt: account.debt,
			open_periods,
			settled_periods: SettledPeriods::<T>::get(who).into_inner(),
			months: Months::<T>::get(who).into_inner(),
		}
	}

	/// The zone view of `period`: each zone's energy, by zone code.
	pub fn zone_energy(period: PeriodIndex) -> Vec<(ZoneCode, ZoneEnergy)> {
		let mut zones: Vec<(ZoneCode, ZoneEnergy)> = ZoneLedger::<T>::iter_prefix(period).collect();
		zones.sort_by_key(|(zone, _)| *zone);
		zones
	}
}
