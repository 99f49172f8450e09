//! Benchmarks of the calls, the two hooks and the settlement step, each at its worst case:
//! a new ledger entry inserted into an almost full settlement queue, and settled
//! participants whose history and months are full.

use crate::{pallet::*, types::*, BenchmarkHelper, PeriodIndex};
use alloc::vec::Vec;
use energy_primitives::{PeriodEnergy, TradeRecord, ZoneCode};
use frame_benchmarking::v2::*;
use polkadot_sdk::{
	frame_benchmarking,
	frame_support::{
		traits::{fungible::Mutate, Get},
		BoundedVec,
	},
	frame_system::RawOrigin,
	sp_runtime::traits::Bounded,
};

/// The period the benchmarks' clock stands in (November 2026 with quarter hours).
const NOW: PeriodIndex = 1_995_000;

fn set_period<T: Config>(period: PeriodIndex) {
	let millis =
		u64::from(period).saturating_mul(u64::from(T::PeriodSeconds::get())).saturating_mul(1_000);
	T::BenchmarkHelper::set_unix_time_ms(millis);
}

/// The grid account as genesis leaves it: holding the existential deposit.
fn grid_account<T: Config>() {
	use polkadot_sdk::frame_support::traits::fungible::Inspect;
	T::Currency::set_balance(&T::GridAccount::get(), T::Currency::minimum_balance());
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

fn tariff() -> Tariff {
	Tariff { retail_price_per_kwh: 300_000, imbalance_price_per_kwh: 500_000 }
}

/// `n` participants holding 500 Wh each, for a batch of readings.
fn batch_readers<T: Config>(n: u32) -> Vec<T::AccountId> {
	(0..n)
		.map(|i| {
			let who = account::<T::AccountId>("consumer", i, 0);
			Pallet::<T>::credit(&who, 500);
			who
		})
		.collect()
}

/// What each reading of a benchmarked batch measured: 1,000 Wh imported in the last period.
fn batch_energy() -> PeriodEnergy {
	PeriodEnergy { period: NOW - 1, imported_wh: 1_000, exported_wh: 0 }
}

/// Fill the settlement queue with far-future periods, leaving one slot.
fn fill_queue<T: Config>() {
	let room = T::MaxPendingPeriods::get().saturating_sub(1);
	let periods: Vec<PeriodIndex> = (0..room).map(|i| NOW + 1_000 + i).collect();
	PendingPeriods::<T>::put(BoundedVec::truncate_from(periods));
}

/// Give `who` a full history and full months, all before `period`.
fn fill_history<T: Config>(who: &T::AccountId, period: PeriodIndex) {
	let kept = T::MaxPeriodsRetained::get();
	let mut history = Vec::new();
	for i in 0..kept {
		let mut entry = PeriodLedger::new(period - kept - 10 + i, 0);
		entry.settled = true;
		history.push(entry);
	}
	SettledPeriods::<T>::insert(who, BoundedVec::truncate_from(history));
	let month = month_of(u64::from(period) * u64::from(T::PeriodSeconds::get()));
	let months = T::MaxMonthsRetained::get();
	let old: Vec<MonthLedgerOf<T>> = (0..months)
		.map(|i| MonthLedger {
			month: month - months - 1 + i,
			purchased_wh: 1,
			consumed_wh: 1,
			sold_wh: 1,
			exported_wh: 1,
			shortfall_wh: 1,
			undelivered_wh: 1,
			imbalance_charges: 1u32.into(),
		})
		.collect();
	Months::<T>::insert(who, BoundedVec::truncate_from(old));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn buy_energy() {
		set_period::<T>(NOW);
		grid_account::<T>();
		let who = funded::<T>("buyer", 0);
		T::BenchmarkHelper::approved_participant(&who, 0);
		GridTariff::<T>::put(tariff());
		fill_queue::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 10_000_000u32.into());

		assert!(Accounts::<T>::get(&who).balance_wh > 0);
	}

	#[benchmark]
	fn pay_debt() {
		grid_account::<T>();
		let who = funded::<T>("debtor", 0);
		Accounts::<T>::mutate(&who, |account| account.debt = 1_000_000u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 500_000u32.into());

		assert_eq!(Accounts::<T>::get(&who).debt, 500_000u32.into());
	}

	#[benchmark]
	fn set_tariff() {
		#[extrinsic_call]
		_(RawOrigin::Root, tariff());

		assert_eq!(GridTariff::<T>::get(), Some(tariff()));
	}

	#[benchmark]
	fn on_trade() {
		set_period::<T>(NOW);
		fill_queue::<T>();
		let trade = TradeRecord {
			period: NOW + 1,
			buyer: account::<T::AccountId>("buyer", 0, 0),
			buyer_zone: 0,
			seller: account::<T::AccountId>("seller", 0, 0),
			seller_zone: 1,
			sold_wh: 1_000,
			delivered_wh: 990,
			lost_wh: 10,
		};

		#[block]
		{
			Pallet::<T>::record_trade(&trade);
		}

		assert_eq!(Accounts::<T>::get(&trade.buyer).balance_wh, 990);
	}

	#[benchmark]
	fn on_reading() {
		set_period::<T>(NOW);
		fill_queue::<T>();
		let who = account::<T::AccountId>("consumer", 0, 0);
		Pallet::<T>::credit(&who, 500);
		let energy = PeriodEnergy { period: NOW - 1, imported_wh: 1_000, exported_wh: 0 };

		#[block]
		{
			Pallet::<T>::record_reading(&who, 0, &energy);
		}

		assert_eq!(Accounts::<T>::get(&who).shortfall_wh, 500);
	}

	/// A concentrator's batch of `n` readings of one period, each of its own participant in
	/// a zone of its own (the worst case, what a batch is charged): each debits part of a
	/// balance, opens a ledger entry and a zone's view; the first queues the period. The
	/// readings' hooks run in one transaction, so the totals and the queue are written once.
	#[benchmark]
	fn on_readings(n: Linear<1, 500>) {
		set_period::<T>(NOW);
		fill_queue::<T>();
		let readers = batch_readers::<T>(n);

		#[block]
		{
			for (zone, who) in readers.iter().enumerate() {
				Pallet::<T>::record_reading(who, zone as ZoneCode, &batch_energy());
			}
		}

		for who in &readers {
			assert_eq!(Accounts::<T>::get(who).shortfall_wh, 500);
		}
		assert_eq!(ZoneLedger::<T>::iter_prefix(NOW - 1).count() as u32, n);
	}

	/// The same batch with every reading in one zone (the best case): a batch in `z` zones
	/// is charged between the two, in proportion.
	#[benchmark]
	fn on_readings_in_one_zone(n: Linear<1, 500>) {
		set_period::<T>(NOW);
		fill_queue::<T>();
		let readers = batch_readers::<T>(n);

		#[block]
		{
			for who in &readers {
				Pallet::<T>::record_reading(who, 0, &batch_energy());
			}
		}

		for who in &readers {
			assert_eq!(Accounts::<T>::get(who).shortfall_wh, 500);
		}
		assert_eq!(ZoneLedger::<T>::iter_prefix(NOW - 1).count(), 1);
	}

	/// `n` participants of one due period, each short on both sides (a charge to pay), each
	/// with a full history and full months; the period completes and the oldest kept zone
	/// view is dropped.
	#[benchmark]
	fn settle(n: Linear<1, { T::MaxSettlementsPerBlock::get() }>) {
		set_period::<T>(NOW);
		grid_account::<T>();
		GridTariff::<T>::put(tariff());
		let period = NOW - 1;
		for i in 0..n {
			let who = funded::<T>("participant", i);
			fill_history::<T>(&who, period);
			Pallet::<T>::update_entry(period, &who, 0, |entry| {
				entry.sold_wh = 1_000;
				entry.metered = true;
				entry.imported_wh = 1_000;
				entry.shortfall_wh = 1_000;
			});
			Accounts::<T>::mutate(&who, |account| {
				account.consumed_wh = 1_000;
				account.shortfall_wh = 1_000;
			});
		}
		// The zone view's list is full, and its oldest period holds the most zones pruned.
		let kept = T::MaxPeriodsRetained::get();
		let old: Vec<PeriodIndex> = (0..kept).map(|i| period - kept - 1 + i).collect();
		for zone in 0..ZONES_PRUNED_PER_PERIOD {
			ZoneLedger::<T>::insert(old[0], zone, ZoneEnergy::default());
		}
		ZoneViewPeriods::<T>::put(BoundedVec::truncate_from(old));
		set_period::<T>(NOW + T::SettlementDelay::get() + 1);

		#[block]
		{
			Pallet::<T>::do_settle_due();
		}

		assert_eq!(OpenLedger::<T>::iter_prefix(period).count(), 0);
		assert!(PendingPeriods::<T>::get().is_empty());
	}

	/// Nothing due: a full queue whose first period is still in its readings' window.
	#[benchmark]
	fn settle_idle() {
		set_period::<T>(NOW);
		GridTariff::<T>::put(tariff());
		let pending: Vec<PeriodIndex> =
			(0..T::MaxPendingPeriods::get()).map(|i| NOW - 1 + i).collect();
		PendingPeriods::<T>::put(BoundedVec::truncate_from(pending));

		#[block]
		{
			Pallet::<T>::do_settle_due();
		}

		assert_eq!(PendingPeriods::<T>::get().len() as u32, T::MaxPendingPeriods::get());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
