//! Weights for `pallet_zone_market`. Placeholder until `scripts/bench-pallet.sh
//! pallet_zone_market` generates this file from the benchmarks.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weights of the calls of `pallet_zone_market`.
pub trait WeightInfo {
	/// Weight of `set_grid`.
	fn set_grid(z: u32, ) -> Weight;
	/// Weight of `set_distance`.
	fn set_distance() -> Weight;
	/// Weight of `set_rules`.
	fn set_rules() -> Weight;
}

/// Weights measured on the reference machine, with ParityDB's read and write costs.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn set_grid(_z: u32, ) -> Weight { Weight::zero() }
	fn set_distance() -> Weight { Weight::zero() }
	fn set_rules() -> Weight { Weight::zero() }
}

/// For tests: the same figures, with RocksDB's costs.
impl WeightInfo for () {
	fn set_grid(_z: u32, ) -> Weight { Weight::zero() }
	fn set_distance() -> Weight { Weight::zero() }
	fn set_rules() -> Weight { Weight::zero() }
}
