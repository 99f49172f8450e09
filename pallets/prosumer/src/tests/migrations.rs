//! Storage migrations.

use crate::{migrations::v1::MigrateToV1, mock::*, pallet::*};
use polkadot_sdk::frame_support::{
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
	weights::Weight,
};

#[test]
fn v1_records_the_upgrade_period_as_the_chain_start_once() {
	run(|| {
		// A chain from before version 1: no start period, storage at version 0.
		StorageVersion::new(0).put::<Prosumer>();
		assert_eq!(ChainStartPeriod::<Test>::get(), None);

		set_period(START_PERIOD + 7);
		assert!(MigrateToV1::<Test>::on_runtime_upgrade() != Weight::zero());
		assert_eq!(ChainStartPeriod::<Test>::get(), Some(START_PERIOD + 7));
		assert_eq!(Prosumer::on_chain_storage_version(), StorageVersion::new(1));

		// At version 1 it does nothing.
		set_period(START_PERIOD + 9);
		MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(ChainStartPeriod::<Test>::get(), Some(START_PERIOD + 7));
	});
}

#[test]
fn the_pallet_declares_storage_version_1() {
	assert_eq!(Prosumer::in_code_storage_version(), StorageVersion::new(1));
}
