//! A test runtime with this pallet alone.

use crate::{self as pallet_session_length};
use polkadot_sdk::{
	frame_support::{derive_impl, traits::ConstU64},
	frame_system,
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
};

type Block = frame_system::mocking::MockBlock<Test>;

#[polkadot_sdk::frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeTask
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type SessionLength = pallet_session_length;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type DbWeight = polkadot_sdk::frame_support::weights::constants::ParityDbWeight;
}

/// The mock's default: an hour of six-second blocks.
pub const DEFAULT_BLOCKS: u64 = 600;

impl pallet_session_length::Config for Test {
	type DefaultBlocksPerSession = ConstU64<DEFAULT_BLOCKS>;
}

/// State built from a genesis that sets `blocks_per_session`.
pub fn new_test_ext(blocks_per_session: Option<u64>) -> TestExternalities {
	RuntimeGenesisConfig {
		system: Default::default(),
		session_length: pallet_session_length::GenesisConfig { blocks_per_session },
	}
	.build_storage()
	.expect("the mock's genesis builds")
	.into()
}
