//! `creditEnergy` and `debitEnergy`: what trades and meter readings write to the ledger.

use crate::{pallet::*, types::*};
use energy_primitives::{PeriodEnergy, PeriodIndex, TradeRecord, WattHours, ZoneCode};
use polkadot_sdk::{frame_support::defensive, sp_runtime::traits::Saturating};

impl<T: Config> Pallet<T> {
	/// Whether an entry for `(period, who)` can be opened: it exists, or the period is
	/// queued, or the queue has room.
	pub(crate) fn can_open_entry(period: PeriodIndex, who: &T::AccountId) -> bool {
		OpenLedger::<T>::contains_key(period, who) || {
			let pending = PendingPeriods::<T>::get();
			pending.binary_search(&period).is_ok() || !pending.is_full()
		}
	}

	/// Apply `change` to `who`'s open entry for `period`, opening it (and queueing the period
	/// for settlement) if there is none.
	pub(crate) fn update_entry(
		period: PeriodIndex,
		who: &T::AccountId,
		zone: ZoneCode,
		change: impl FnOnce(&mut PeriodLedgerOf<T>),
	) {
		let mut entry = match OpenLedger::<T>::get(period, who) {
			Some(entry) => entry,
			None => {
				PendingPeriods::<T>::mutate(|pending| {
					if let Err(at) = pending.binary_search(&period) {
						if pending.try_insert(at, period).is_err() {
							defensive!("the pending queue has room for every period in play");
						}
					}
				});
				Accounts::<T>::mutate(who, |account| account.unsettled_periods.saturating_inc());
				PeriodLedger::new(period, zone)
			},
		};
		change(&mut entry);
		OpenLedger::<T>::insert(period, who, entry);
	}

	/// Mint `energy_wh` of EGM to `who` (`creditEnergy`). Returns the new balance.
	pub(crate) fn credit(who: &T::AccountId, energy_wh: WattHours) -> WattHours {
		TotalIssuanceWh::<T>::mutate(|total| total.saturating_accrue(u128::from(energy_wh)));
		TotalCreditedWh::<T>::mutate(|total| total.saturating_accrue(u128::from(energy_wh)));
		Accounts::<T>::mutate(who, |account| {
			account.balance_wh.saturating_accrue(energy_wh);
			account.purchased_wh.saturating_accrue(energy_wh);
			account.balance_wh
		})
	}

	/// A market settled `trade`: credit the buyer with the energy delivered, and record what
	/// each side bought and sold for the period, and the zones' traded energy and losses.
	pub(crate) fn record_trade(trade: &TradeRecord<T::AccountId>) {
		let period = trade.period;
		Self::update_entry(period, &trade.buyer, trade.buyer_zone, |entry| {
			entry.bought_wh.saturating_accrue(trade.sold_wh);
			entry.received_wh.saturating_accrue(trade.delivered_wh);
		});
		Self::update_entry(period, &trade.seller, trade.seller_zone, |entry| {
			entry.sold_wh.saturating_accrue(trade.sold_wh);
		});
		ZoneLedger::<T>::mutate(period, trade.seller_zone, |zone| {
			zone.sold_wh.saturating_accrue(trade.sold_wh);
			zone.lost_wh.saturating_accrue(trade.lost_wh);
		});
		ZoneLedger::<T>::mutate(period, trade.buyer_zone, |zone| {
			zone.bought_wh.saturating_accrue(trade.sold_wh);
			zone.delivered_wh.saturating_accrue(trade.delivered_wh);
		});
		let balance_wh = Self::credit(&trade.buyer, trade.delivered_wh);
		Self::deposit_event(Event::EnergyCredited {
			who: trade.buyer.clone(),
			period,
			energy_wh: trade.delivered_wh,
			balance_wh,
		});
	}

	/// A meter reading was accepted (`debitEnergy`): debit the import from EGM as far as it
	/// goes, record the rest as shortfall, and record the export for the delivery check.
	pub(crate) fn record_reading(who: &T::AccountId, zone: ZoneCode, energy: &PeriodEnergy) {
		let period = energy.period;
		// A meter that saw nothing, for a period the participant did not trade in, leaves
		// nothing to settle: it opens no entry, so an idle participant can leave.
		if energy.imported_wh == 0
			&& energy.exported_wh == 0
			&& !OpenLedger::<T>::contains_key(period, who)
		{
			return;
		}
		let (debited_wh, balance_wh) = Accounts::<T>::mutate(who, |account| {
			let debited = account.balance_wh.min(energy.imported_wh);
			account.balance_wh.saturating_reduce(debited);
			account.consumed_wh.saturating_accrue(energy.imported_wh);
			account.shortfall_wh.saturating_accrue(energy.imported_wh.saturating_sub(debited));
			(debited, account.balance_wh)
		});
		let shortfall_wh = energy.imported_wh.saturating_sub(debited_wh);
		TotalIssuanceWh::<T>::mutate(|total| total.saturating_reduce(u128::from(debited_wh)));
		TotalDebitedWh::<T>::mutate(|total| total.saturating_accrue(u128::from(debited_wh)));
		Self::update_entry(period, who, zone, |entry| {
			entry.metered = true;
			entry.imported_wh.saturating_accrue(energy.imported_wh);
			entry.exported_wh.saturating_accrue(energy.exported_wh);
			entry.debited_wh.saturating_accrue(debited_wh);
			entry.shortfall_wh.saturating_accrue(shortfall_wh);
		});
		ZoneLedger::<T>::mutate(period, zone, |zone| {
			zone.imported_wh.saturating_accrue(energy.imported_wh);
			zone.exported_wh.saturating_accrue(energy.exported_wh);
			zone.debited_wh.saturating_accrue(debited_wh);
			zone.shortfall_wh.saturating_accrue(shortfall_wh);
		});
		Self::deposit_event(Event::EnergyDebited {
			who: who.clone(),
			period,
			consumed_wh: energy.imported_wh,
			debited_wh,
			shortfall_wh,
			balance_wh,
		});
	}
}
