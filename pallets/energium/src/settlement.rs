//! Settlement of delivery periods whose readings' window has closed: bounded work per block.

use crate::{pallet::*, types::*, WeightInfo};
use alloc::vec::Vec;
use energy_primitives::PeriodIndex;
use polkadot_sdk::{
	frame_support::{
		defensive,
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::{Fortitude, Preservation},
		},
	},
	sp_runtime::traits::{Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// Whether `period`'s readings' window has closed, so that it may be settled: the
	/// window is `SettlementDelay` periods after the period's end, and `on_initialize` sees
	/// the previous block's time, never ahead of the time readings are judged by.
	pub fn is_due(period: PeriodIndex, now: PeriodIndex) -> bool {
		now > period.saturating_add(T::SettlementDelay::get())
	}

	/// The most `on_initialize` can use: a full settlement step.
	pub fn worst_case_block_weight() -> Weight {
		T::WeightInfo::settle(T::MaxSettlementsPerBlock::get()).max(T::WeightInfo::settle_idle())
	}

	/// Settle up to `MaxSettlementsPerBlock` participants of the earliest queued period, if
	/// it is due and a tariff prices its imbalances; drop the period from the queue once it
	/// has no entry left. One period per block at most, so that the work is what the
	/// `settle` benchmark measured (a period lasts many blocks, so settlement keeps up).
	/// Returns the weight used.
	pub(crate) fn do_settle_due() -> Weight {
		let now = Self::current_period();
		let Some(period) = PendingPeriods::<T>::get().first().copied() else {
			return T::WeightInfo::settle_idle();
		};
		// Without a tariff, imbalances could not be charged: wait for the operator's.
		let Some(tariff) = GridTariff::<T>::get() else {
			return T::WeightInfo::settle_idle();
		};
		if !Self::is_due(period, now) {
			return T::WeightInfo::settle_idle();
		}
		let budget = T::MaxSettlementsPerBlock::get() as usize;
		// Collect first, then write: never change a map while iterating it. One entry more
		// than the budget tells whether the period is done.
		let mut batch: Vec<(T::AccountId, PeriodLedgerOf<T>)> =
			OpenLedger::<T>::iter_prefix(period).take(budget.saturating_add(1)).collect();
		let more = batch.len() > budget;
		batch.truncate(budget);
		let settled = batch.len() as u32;
		for (who, entry) in batch {
			Self::settle_participant(&who, entry, tariff.imbalance_price_per_kwh);
		}
		if !more {
			PendingPeriods::<T>::mutate(|queue| {
				if let Ok(at) = queue.binary_search(&period) {
					queue.remove(at);
				}
			});
			Self::keep_zone_view(period);
			Self::deposit_event(Event::PeriodSettled { period });
		}
		T::WeightInfo::settle(settled.max(1))
	}

	/// Add a settled period to the zone view's list; when the list is full, drop the oldest
	/// period's zone data (at most [`ZONES_PRUNED_PER_PERIOD`] zones). Every period with zone
	/// data has ledger entries, so it passes through here: nothing is left behind.
	fn keep_zone_view(settled: PeriodIndex) {
		ZoneViewPeriods::<T>::mutate(|kept| {
			if kept.is_full() {
				let oldest = kept.remove(0);
				let _ = ZoneLedger::<T>::clear_prefix(oldest, ZONES_PRUNED_PER_PERIOD, None);
			}
			if kept.try_push(settled).is_err() {
				defensive!("a slot was freed in the zone view's list");
			}
		});
	}

	/// Settle one participant's period: charge its imbalance (import not covered by EGM,
	/// energy sold but not exported) at the imbalance price, as far as it can pay; record the
	/// rest as debt; move the entry to its history and month.
	pub(crate) fn settle_participant(
		who: &T::AccountId,
		mut entry: PeriodLedgerOf<T>,
		imbalance_price_per_kwh: energy_market::Price,
	) {
		let period = entry.period;
		OpenLedger::<T>::remove(period, who);
		let undelivered_wh = entry.sold_wh.saturating_sub(entry.exported_wh);
		let imbalance_wh = entry.shortfall_wh.saturating_add(undelivered_wh);
		let charge = Self::cost(imbalance_wh, imbalance_price_per_kwh).unwrap_or_else(|_| {
			defensive!("an imbalance charge fits the balance type");
			Zero::zero()
		});
		let spendable =
			T::Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite);
		let mut charged = charge.min(spendable);
		if !charged.is_zero()
			&& T::Currency::transfer(who, &T::GridAccount::get(), charged, Preservation::Preserve)
				.is_err()
		{
			defensive!("a reducible balance can be transferred");
			charged = Zero::zero();
		}
		let unpaid = charge.saturating_sub(charged);

		entry.undelivered_wh = undelivered_wh;
		entry.charged = charged;
		entry.unpaid = unpaid;
		entry.settled = true;
		Accounts::<T>::mutate(who, |account| {
			account.undelivered_wh.saturating_accrue(undelivered_wh);
			account.debt.saturating_accrue(unpaid);
			if account.unsettled_periods == 0 {
				defensive!("an open entry is counted");
			}
			account.unsettled_periods.saturating_dec();
		});
		ZoneLedger::<T>::mutate(period, entry.zone, |zone| {
			zone.undelivered_wh.saturating_accrue(undelivered_wh);
			zone.settled_participants.saturating_inc();
		});
		Self::file_settled(who, entry);
		Self::deposit_event(Event::ParticipantSettled {
			who: who.clone(),
			period,
			sold_wh: entry.sold_wh,
			exported_wh: entry.exported_wh,
			undelivered_wh,
			shortfall_wh: entry.shortfall_wh,
			charged,
			unpaid,
		});
	}

	/// Keep a settled entry in the participant's history and add it to its month, dropping
	/// the oldest when full.
	fn file_settled(who: &T::AccountId, entry: PeriodLedgerOf<T>) {
		SettledPeriods::<T>::mutate(who, |history| {
			let at = history.partition_point(|other| other.period < entry.period);
			insert_keeping_latest(history, at, entry);
		});
		let start = u64::from(entry.period).saturating_mul(u64::from(T::PeriodSeconds::get()));
		let month = month_of(start);
		Months::<T>::mutate(who, |months| {
			let at = months.partition_point(|other| other.month < month);
			if months.get(at).map_or(true, |other| other.month != month) {
				let fresh = MonthLedger {
					month,
					purchased_wh: 0,
					consumed_wh: 0,
					sold_wh: 0,
					exported_wh: 0,
					shortfall_wh: 0,
					undelivered_wh: 0,
					imbalance_charges: Zero::zero(),
				};
				insert_keeping_latest(months, at, fresh);
			}
			if let Some(total) = months.iter_mut().find(|other| other.month == month) {
				total
					.purchased_wh
					.saturating_accrue(entry.received_wh.saturating_add(entry.tariff_wh));
				total.consumed_wh.saturating_accrue(entry.imported_wh);
				total.sold_wh.saturating_accrue(entry.sold_wh);
				total.exported_wh.saturating_accrue(entry.exported_wh);
				total.shortfall_wh.saturating_accrue(entry.shortfall_wh);
				total.undelivered_wh.saturating_accrue(entry.undelivered_wh);
				total
					.imbalance_charges
					.saturating_accrue(entry.charged.saturating_add(entry.unpaid));
			}
		});
	}
}

/// Insert `value` at `at` in a list sorted oldest first; when the list is full, drop the
/// oldest to make room (or `value` itself, when it would be the oldest).
fn insert_keeping_latest<V, S: Get<u32>>(list: &mut BoundedVec<V, S>, at: usize, value: V) {
	if !list.is_full() {
		let _ = list.try_insert(at, value);
	} else if at > 0 {
		list.remove(0);
		let _ = list.try_insert(at - 1, value);
	}
}
