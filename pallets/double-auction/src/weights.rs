//! Weights for `pallet_double_auction`. Placeholder until `scripts/bench-pallet.sh
//! pallet_double_auction` generates this file from the benchmarks.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weights of the calls and hooks of `pallet_double_auction`.
pub trait WeightInfo {
	/// Weight of `place_order`.
	fn place_order() -> Weight;
	/// Weight of `cancel_order`.
	fn cancel_order() -> Weight;
	/// Weight of `set_mechanism`.
	fn set_mechanism() -> Weight;
	/// Weight of `close_book`.
	fn close_book(n: u32, ) -> Weight;
	/// Weight of `clear_book`.
	fn clear_book(n: u32, ) -> Weight;
}

/// Weights measured on the reference machine, with ParityDB's read and write costs.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn place_order() -> Weight { Weight::zero() }
	fn cancel_order() -> Weight { Weight::zero() }
	fn set_mechanism() -> Weight { Weight::zero() }
	fn close_book(_n: u32, ) -> Weight { Weight::zero() }
	fn clear_book(_n: u32, ) -> Weight { Weight::zero() }
}

impl WeightInfo for () {
	fn place_order() -> Weight { Weight::zero() }
	fn cancel_order() -> Weight { Weight::zero() }
	fn set_mechanism() -> Weight { Weight::zero() }
	fn close_book(_n: u32, ) -> Weight { Weight::zero() }
	fn clear_book(_n: u32, ) -> Weight { Weight::zero() }
}
