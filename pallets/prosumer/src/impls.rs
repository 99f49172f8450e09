//! What the pallet offers the market pallets.

use crate::{pallet::*, traits::*, types::*};

impl<T: Config> ParticipantRegistry<T::AccountId> for Pallet<T> {
	fn profile(who: &T::AccountId) -> Option<Profile> {
		Participants::<T>::get(who).map(|participant| participant.profile)
	}

	fn is_approved(who: &T::AccountId) -> bool {
		Participants::<T>::get(who)
			.is_some_and(|participant| participant.status == ParticipantStatus::Approved)
	}
}

impl<T: Config> MeteredEnergy<T::AccountId> for Pallet<T> {
	fn period_energy(who: &T::AccountId, period: PeriodIndex) -> Option<PeriodEnergy> {
		let history = EnergyHistory::<T>::get(who);
		history
			.binary_search_by_key(&period, |energy| energy.period)
			.ok()
			.and_then(|index| history.get(index).copied())
	}

	fn last_reading(who: &T::AccountId) -> Option<MeterReading> {
		let key = Participants::<T>::get(who)?.meter?;
		let meter = Meters::<T>::get(key)?;
		meter.last_period.map(|period| MeterReading { period, counters: meter.counters })
	}
}
