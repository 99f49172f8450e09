//! What this pallet offers the participant registry.

use crate::{pallet::*, WeightInfo};
use energy_primitives::{OnParticipantSuspended, ParticipantActivity};
use polkadot_sdk::frame_support::{defensive, traits::Get, weights::Weight};

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

/// A suspended participant's open orders are cancelled as if it had cancelled them itself:
/// each leaves its book and list, its escrow is released, and `OrderCancelled` is emitted.
/// A suspended participant cannot place new ones (the registry no longer approves it).
impl<T: Config> OnParticipantSuspended<T::AccountId> for Pallet<T> {
	fn on_suspended(who: &T::AccountId) -> Weight {
		let open = OpenOrdersOf::<T>::get(who);
		for &id in open.iter() {
			let Some(order) = Orders::<T>::get(id) else {
				defensive!("an account lists its open orders only");
				continue;
			};
			match Self::remove_order(id, &order) {
				Ok(released) => Self::deposit_event(Event::OrderCancelled {
					order: id,
					owner: who.clone(),
					remaining_wh: order.remaining_wh,
					released,
				}),
				Err(_) => {
					defensive!("an open bid's escrow is held");
				},
			}
		}
		// Commitments are released, not forfeited: the suspension is not the owner's choice.
		let commits = CommitsOf::<T>::get(who);
		for &(period, commitment) in commits.iter() {
			let Some(deposit) = Commitments::<T>::get(period, (who, commitment)) else {
				defensive!("an account lists its commitments only");
				continue;
			};
			match Self::remove_commitment(who, period, commitment, deposit) {
				Ok(()) => Self::deposit_event(Event::CommitmentReleased {
					period,
					owner: who.clone(),
					commitment,
				}),
				Err(_) => {
					defensive!("a commitment's deposit is held");
				},
			}
		}
		let cancelled = u64::try_from(open.len()).unwrap_or(u64::MAX);
		let released = u64::try_from(commits.len()).unwrap_or(u64::MAX);
		T::DbWeight::get()
			.reads(2)
			.saturating_add(T::WeightInfo::cancel_order().saturating_mul(cancelled))
			.saturating_add(Self::forfeit_weight(1).saturating_mul(released))
	}

	/// One read of the account's list, then a cancellation, at `cancel_order`'s benchmarked
	/// worst case, for each of the most orders an account can have open.
	fn on_suspended_max_weight() -> Weight {
		let most = u64::from(T::MaxOpenOrdersPerAccount::get());
		T::DbWeight::get()
			.reads(2)
			.saturating_add(T::WeightInfo::cancel_order().saturating_mul(most))
			.saturating_add(Self::forfeit_weight(1).saturating_mul(most))
	}
}
