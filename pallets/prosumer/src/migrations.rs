//! Storage migrations of the pallet.

use crate::pallet::{ChainStartPeriod, Config, Pallet};
use polkadot_sdk::frame_support::{
	migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
};

/// Version 0 to 1: [`ChainStartPeriod`] did not exist. On a chain that ran before, the
/// chain's first period is not known any more; the period of the upgrade stands in for it,
/// so a meter bound at genesis that has not reported yet may report from that period on.
pub mod v1 {
	use super::*;

	/// The migration without the version check; use [`MigrateToV1`].
	pub struct InitChainStartPeriod<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InitChainStartPeriod<T> {
		fn on_runtime_upgrade() -> Weight {
			if !ChainStartPeriod::<T>::exists() {
				ChainStartPeriod::<T>::put(Pallet::<T>::current_period());
			}
			// The period length and the clock are read, the start is read and written.
			T::DbWeight::get().reads_writes(3, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(
			_state: alloc::vec::Vec<u8>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			ensure!(ChainStartPeriod::<T>::exists(), "the chain's first period is recorded");
			Ok(())
		}
	}

	/// Records a chain start period on a chain that has none, then sets the storage
	/// version to 1; does nothing on a chain already at version 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		InitChainStartPeriod<T>,
		Pallet<T>,
		<T as polkadot_sdk::frame_system::Config>::DbWeight,
	>;
}
