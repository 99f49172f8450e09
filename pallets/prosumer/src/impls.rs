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
		// Until the meter's first reading, its counters are those of its commissioning, not
		// of a reading: the history's last period then is earlier, or there is none.
		let period = meter.last_period?;
		(Pallet::<T>::last_metered_period(who) == Some(period))
			.then_some(MeterReading { period, counters: meter.counters })
	}
}
