//! What the pallet offers the other pallets and the runtime API.

use crate::{pallet::*, types::*, WeightInfo};
use alloc::vec::Vec;
use energy_primitives::{
	OnMeterReading, OnTrade, ParticipantActivity, PeriodEnergy, PeriodIndex, TradeRecord,
	TradedEnergy, TradedWh, ZoneCode,
};
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	sp_runtime::traits::Zero,
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
