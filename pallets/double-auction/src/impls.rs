//! What this pallet offers the participant registry.

use crate::pallet::*;
use energy_primitives::ParticipantActivity;

/// A participant with an open order may not deregister. Settlement against meter readings
/// is not in this pallet, so no period is ever left unsettled here.
impl<T: Config> ParticipantActivity<T::AccountId> for Pallet<T> {
	fn has_open_orders(who: &T::AccountId) -> bool {
		OpenOrdersOf::<T>::contains_key(who)
	}
	fn has_unsettled_periods(_: &T::AccountId) -> bool {
		false
	}
}
