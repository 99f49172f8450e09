//! Storage migrations of the pallet.

use crate::pallet::{BlocksPerSession, Config};
use polkadot_sdk::{
	frame_support::{pallet_prelude::*, traits::OnRuntimeUpgrade},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::traits::One,
};

/// For a chain that ran before this pallet: stores `Blocks`, the session length it ran with,
/// so that the upgrade does not change it to [`Config::DefaultBlocksPerSession`]. A chain
/// that started with the pallet has [`BlocksPerSession`] from its genesis, and is left alone;
/// so is a chain that ran this migration before. Not versioned: for a pallet added by an
/// upgrade, FRAME writes the in-code storage version before any migration runs, so a version
/// check could not tell an old chain from a new one; the stored value does. It costs a read
/// per upgrade while it stays in the runtime's list.
pub struct InitBlocksPerSession<T, Blocks>(core::marker::PhantomData<(T, Blocks)>);

impl<T: Config, Blocks: Get<BlockNumberFor<T>>> OnRuntimeUpgrade
	for InitBlocksPerSession<T, Blocks>
{
	fn on_runtime_upgrade() -> Weight {
		if BlocksPerSession::<T>::exists() {
			return T::DbWeight::get().reads(1);
		}
		BlocksPerSession::<T>::put(Blocks::get().max(One::one()));
		T::DbWeight::get().reads_writes(1, 1)
	}

	/// The stored length, if there is one.
	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, polkadot_sdk::sp_runtime::TryRuntimeError> {
		Ok(BlocksPerSession::<T>::exists().then(BlocksPerSession::<T>::get).encode())
	}

	/// A stored length is kept; a missing one is now `Blocks`.
	#[cfg(feature = "try-runtime")]
	fn post_upgrade(
		state: alloc::vec::Vec<u8>,
	) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let before = Option::<BlockNumberFor<T>>::decode(&mut &state[..])
			.map_err(|_| "the pre-upgrade state decodes")?;
		ensure!(BlocksPerSession::<T>::exists(), "the session length is stored");
		let expected = before.unwrap_or_else(|| Blocks::get().max(One::one()));
		ensure!(BlocksPerSession::<T>::get() == expected, "the session length is kept");
		Ok(())
	}
}
