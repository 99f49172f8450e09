//! The calls' logic and the pallet's invariants. Every `do_*` function checks everything
//! first and writes last, so a refused call changes nothing.

use crate::{pallet::*, types::*, ParticipantRegistry};
use energy_primitives::{period_at, PeriodIndex, WattHours};
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::{Fortitude, Preservation},
			UnixTime,
		},
	},
	sp_runtime::traits::{Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// The delivery period the chain's clock is in.
	pub fn current_period() -> PeriodIndex {
		period_at(T::UnixTime::now().as_secs(), T::PeriodSeconds::get())
	}

	/// `energy_wh` at `price_per_kwh`, rounded down, as a balance.
	pub fn cost(
		energy_wh: WattHours,
		price_per_kwh: energy_market::Price,
	) -> Result<BalanceOf<T>, Error<T>> {
		BalanceOf::<T>::try_from(energy_market::cost(energy_wh, price_per_kwh))
			.map_err(|_| Error::<T>::Overflow)
	}

	/// What `amount` buys at `price_per_kwh`: whole Wh, rounded down (`E = M / P`).
	pub fn energy_for(
		amount: BalanceOf<T>,
		price_per_kwh: energy_market::Price,
	) -> Result<WattHours, Error<T>> {
		ensure!(price_per_kwh > 0, Error::<T>::ZeroPrice);
		let amount: u128 = amount.try_into().map_err(|_| Error::<T>::Overflow)?;
		let energy = amount.saturating_mul(1_000) / u128::from(price_per_kwh);
		WattHours::try_from(energy).map_err(|_| Error::<T>::Overflow)
	}

	pub(crate) fn do_buy_energy(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(T::Participants::is_approved(&who), Error::<T>::NotApproved);
		let profile = T::Participants::profile(&who).ok_or(Error::<T>::NotApproved)?;
		let tariff = GridTariff::<T>::get().ok_or(Error::<T>::NoTariff)?;
		let price = tariff.retail_price_per_kwh;
		let energy_wh = Self::energy_for(amount, price)?;
		ensure!(energy_wh > 0, Error::<T>::PurchaseTooSmall);
		// The cost of whole Wh, rounded up: never above `amount`, since the energy was
		// rounded down.
		let paid = BalanceOf::<T>::try_from(
			u128::from(energy_wh).saturating_mul(u128::from(price)).div_ceil(1_000),
		)
		.map_err(|_| Error::<T>::Overflow)?;
		let spendable =
			T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite);
		ensure!(spendable >= paid, Error::<T>::InsufficientBalance);
		let period = Self::current_period();
		ensure!(Self::can_open_entry(period, &who), Error::<T>::TooManyPendingPeriods);

		// Checks done; write.
		T::Currency::transfer(&who, &T::GridAccount::get(), paid, Preservation::Preserve)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Self::update_entry(period, &who, profile.zone, |entry| {
			entry.tariff_wh.saturating_accrue(energy_wh);
		});
		ZoneLedger::<T>::mutate(period, profile.zone, |zone| {
			zone.tariff_wh.saturating_accrue(energy_wh)
		});
		let balance_wh = Self::credit(&who, energy_wh);
		Self::deposit_event(Event::EnergyPurchased {
			who: who.clone(),
			period,
			paid,
			price_per_kwh: price,
			energy_wh,
		});
		Self::deposit_event(Event::EnergyCredited { who, period, energy_wh, balance_wh });
		Ok(())
	}

	pub(crate) fn do_pay_debt(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut account = Accounts::<T>::get(&who);
		ensure!(!account.debt.is_zero(), Error::<T>::NoDebt);
		let pay = amount.min(account.debt);
		let spendable =
			T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite);
		ensure!(spendable >= pay, Error::<T>::InsufficientBalance);

		T::Currency::transfer(&who, &T::GridAccount::get(), pay, Preservation::Preserve)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		account.debt.saturating_reduce(pay);
		let remaining = account.debt;
		Accounts::<T>::insert(&who, account);
		Self::deposit_event(Event::DebtPaid { who, amount: pay, remaining });
		Ok(())
	}

	pub(crate) fn do_set_tariff(tariff: Tariff) -> DispatchResult {
		ensure!(
			tariff.retail_price_per_kwh > 0 && tariff.imbalance_price_per_kwh > 0,
			Error::<T>::ZeroPrice
		);
		GridTariff::<T>::put(tariff);
		Self::deposit_event(Event::TariffSet { tariff });
		Ok(())
	}

	/// The invariants:
	/// - the grid account holds the existential deposit;
	/// - EGM issuance = credited − debited = the sum of balances;
	/// - per participant, purchased − consumed + shortfall = balance (no balance negative:
	///   balances are unsigned and every debit is capped at the balance);
	/// - each participant's count of unsettled periods is its number of open entries, and
	///   every open entry's period is queued; the queue is sorted;
	/// - per open and settled entry, debited + shortfall = imported;
	/// - settled histories are sorted by period.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		ensure!(
			T::Currency::balance(&T::GridAccount::get()) >= T::Currency::minimum_balance(),
			"the grid account holds the existential deposit, so any payment reaches it"
		);
		let issuance = TotalIssuanceWh::<T>::get();
		ensure!(
			issuance == TotalCreditedWh::<T>::get().saturating_sub(TotalDebitedWh::<T>::get()),
			"EGM issuance equals credited minus debited"
		);
		let mut sum: u128 = 0;
		for (_, account) in Accounts::<T>::iter() {
			sum = sum.saturating_add(u128::from(account.balance_wh));
			ensure!(
				u128::from(account.purchased_wh) + u128::from(account.shortfall_wh)
					== u128::from(account.consumed_wh) + u128::from(account.balance_wh),
				"purchased − consumed + shortfall equals the EGM balance"
			);
		}
		ensure!(sum == issuance, "EGM issuance equals the sum of balances");

		let pending = PendingPeriods::<T>::get();
		ensure!(pending.windows(2).all(|w| w[0] < w[1]), "pending periods are sorted");
		let mut open_of: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (period, who, entry) in OpenLedger::<T>::iter() {
			ensure!(entry.period == period, "an entry is filed under its period");
			ensure!(!entry.settled, "an open entry is unsettled");
			ensure!(pending.binary_search(&period).is_ok(), "an open entry's period is queued");
			ensure!(
				entry.debited_wh.saturating_add(entry.shortfall_wh) == entry.imported_wh,
				"debited plus shortfall equals imported"
			);
			*open_of.entry(who).or_default() += 1;
		}
		for (who, account) in Accounts::<T>::iter() {
			ensure!(
				account.unsettled_periods == open_of.get(&who).copied().unwrap_or(0),
				"unsettled periods counted right"
			);
		}
		for (_, months) in Months::<T>::iter() {
			ensure!(months.windows(2).all(|w| w[0].month < w[1].month), "months are sorted");
		}
		// Per period over the zones: peer energy sold equals bought, and sold = delivered +
		// lost.
		let mut per_period: BTreeMap<PeriodIndex, (u128, u128, u128, u128)> = BTreeMap::new();
		for (period, _, zone) in ZoneLedger::<T>::iter() {
			let sums = per_period.entry(period).or_default();
			sums.0 += u128::from(zone.sold_wh);
			sums.1 += u128::from(zone.bought_wh);
			sums.2 += u128::from(zone.delivered_wh);
			sums.3 += u128::from(zone.lost_wh);
		}
		for (sold, bought, delivered, lost) in per_period.values() {
			ensure!(sold == bought, "peer energy sold equals energy bought");
			ensure!(*sold == delivered + lost, "sold = delivered + lost");
		}
		for (_, history) in SettledPeriods::<T>::iter() {
			ensure!(
				history.windows(2).all(|w| w[0].period < w[1].period),
				"settled periods are sorted"
			);
			ensure!(
				history.iter().all(|entry| entry.settled
					&& entry.debited_wh.saturating_add(entry.shortfall_wh) == entry.imported_wh),
				"settled entries are settled and balanced"
			);
		}
		Ok(())
	}
}
