//! The pallets whose weights this runtime benchmarks (`--features runtime-benchmarks`).

use crate::*;
use alloc::{string::String, vec::Vec};
use polkadot_sdk::{
	frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkList},
	frame_support::traits::StorageInfo,
	frame_system_benchmarking::Pallet as SystemBench,
};

frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_collective, Consortium]
	[pallet_membership, ConsortiumMembership]
	[pallet_membership, ValidatorSet]
	[pallet_sudo, Sudo]
	[pallet_prosumer, Prosumer]
	[pallet_zone_market, ZoneMarket]
	[pallet_double_auction, DoubleAuction]
	[pallet_energium, Energium]
);

impl frame_system_benchmarking::Config for Runtime {}

/// The benchmarks this runtime offers, for `benchmark pallet --list`.
pub fn metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	use polkadot_sdk::frame_support::traits::StorageInfoTrait;
	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

/// Runs the benchmarks `config` selects.
pub fn dispatch(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	use polkadot_sdk::frame_support::traits::WhitelistedStorageKeys;

	let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
