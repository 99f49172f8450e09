//! Placeholder until `scripts/bench-pallet.sh pallet_energium` regenerates this file.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]

use core::marker::PhantomData;
use polkadot_sdk::frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weights of the calls (and transaction extension) of `pallet_energium`.
pub trait WeightInfo {
	/// Weight of `buy_energy`.
	fn buy_energy() -> Weight;
	/// Weight of `pay_debt`.
	fn pay_debt() -> Weight;
	/// Weight of `set_tariff`.
	fn set_tariff() -> Weight;
	/// Weight of `on_trade`.
	fn on_trade() -> Weight;
	/// Weight of `on_reading`.
	fn on_reading() -> Weight;
	/// Weight of `settle`.
	fn settle(n: u32, ) -> Weight;
	/// Weight of `settle_idle`.
	fn settle_idle() -> Weight;
}

/// Measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn buy_energy() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn pay_debt() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn set_tariff() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn on_trade() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn on_reading() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
	fn settle(n: u32, ) -> Weight { Weight::from_parts(1_000_000_000, 10_000).saturating_mul(n.into()) }
	fn settle_idle() -> Weight { Weight::from_parts(1_000_000_000, 10_000) }
}

impl WeightInfo for () {
	fn buy_energy() -> Weight { Weight::zero() }
	fn pay_debt() -> Weight { Weight::zero() }
	fn set_tariff() -> Weight { Weight::zero() }
	fn on_trade() -> Weight { Weight::zero() }
	fn on_reading() -> Weight { Weight::zero() }
	fn settle(_n: u32, ) -> Weight { Weight::zero() }
	fn settle_idle() -> Weight { Weight::zero() }
}
