//! # Session length pallet
//!
//! How many blocks a validator session lasts, set in the chain's genesis
//! ([`GenesisConfig::blocks_per_session`]) and read by `pallet-session` through
//! [`SessionPeriod`] to decide when a session ends.
//!
//! A session's length is a trade-off the consortium makes once per network:
//!
//! - a validator added or removed by the consortium takes effect within two sessions (the
//!   change is queued for one session, then enacted), and new session keys within two as well;
//! - the block that starts a session carries no transactions: `pallet-session` declares a
//!   whole block as the weight of a rotation (docs/hardening.md). With sessions of a minute,
//!   that is every tenth block; with sessions of an hour, one block in 600.
//!
//! Test and demonstration networks (the runtime's presets) use a minute, so that governance
//! can be watched end to end; a chain spec for a consortium's network sets an hour or more,
//! and a genesis that says nothing gets [`Config::DefaultBlocksPerSession`].
//!
//! A chain that ran before this pallet keeps the length it ran with
//! ([`migrations::InitBlocksPerSession`]).
//!
//! There is no call: the length is part of the network's design, fixed at genesis. Root can
//! still write the storage item (`system.setStorage`); `pallet-session`'s periodic rule then
//! ends a session at the next block number divisible by the new length. A zero written that
//! way counts as one block ([`SessionPeriod`]): every block then rotates and is charged whole,
//! so only operational extrinsics (the consortium's votes) fit until Root writes a length.
//!
//! `pallet-session` asks for the length at every block, and charges nothing for it unless
//! the session ends then; this pallet's `on_initialize` charges that read.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

pub use pallet::*;

pub mod migrations;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use polkadot_sdk::{
	frame_support::{pallet_prelude::*, traits::Get},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::traits::{One, Zero},
};

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;

	/// The storage layout's version.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config {
		/// Blocks per session for a genesis that sets none. Must be at least one.
		#[pallet::constant]
		type DefaultBlocksPerSession: Get<BlockNumberFor<Self>>;
	}

	/// Blocks per session; at least one. `pallet-session` ends a session at every block
	/// number divisible by it.
	#[pallet::storage]
	pub type BlocksPerSession<T: Config> =
		StorageValue<_, BlockNumberFor<T>, ValueQuery, T::DefaultBlocksPerSession>;

	/// The chain's session length.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Blocks per session; `None` keeps [`Config::DefaultBlocksPerSession`]. Zero is
		/// refused: the chain would not start.
		pub blocks_per_session: Option<BlockNumberFor<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let blocks = self.blocks_per_session.unwrap_or_else(T::DefaultBlocksPerSession::get);
			assert!(!blocks.is_zero(), "a session lasts at least one block");
			// Stored even when it is the default, so that a chain without it is one that ran
			// before this pallet ([`crate::migrations::InitBlocksPerSession`]).
			BlocksPerSession::<T>::put(blocks);
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// The read of [`BlocksPerSession`] that `pallet-session` makes in every block's
		/// `on_initialize` ([`SessionPeriod`]), which it does not charge unless the session ends.
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().reads(1)
		}

		fn integrity_test() {
			assert!(
				!T::DefaultBlocksPerSession::get().is_zero(),
				"a session lasts at least one block"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			ensure!(!BlocksPerSession::<T>::get().is_zero(), "a session lasts at least one block");
			Ok(())
		}
	}
}

/// The session length for `pallet_session::PeriodicSessions`: [`BlocksPerSession`], never
/// zero (a zero written by Root would make every block's rotation check divide by zero; it
/// counts as one block).
pub struct SessionPeriod<T>(core::marker::PhantomData<T>);

impl<T: Config> Get<BlockNumberFor<T>> for SessionPeriod<T> {
	fn get() -> BlockNumberFor<T> {
		BlocksPerSession::<T>::get().max(One::one())
	}
}
