//! The session length from genesis, its default, and the guard against zero.

use crate::{mock::*, *};
use polkadot_sdk::frame_support::traits::{Get, Hooks};

#[test]
fn genesis_without_a_length_gets_the_default() {
	new_test_ext(None).execute_with(|| {
		assert_eq!(BlocksPerSession::<Test>::get(), DEFAULT_BLOCKS);
		assert_eq!(SessionPeriod::<Test>::get(), DEFAULT_BLOCKS);
	});
}

#[test]
fn genesis_sets_the_length() {
	new_test_ext(Some(10)).execute_with(|| {
		assert_eq!(BlocksPerSession::<Test>::get(), 10);
		assert_eq!(SessionPeriod::<Test>::get(), 10);
	});
}

#[test]
#[should_panic(expected = "a session lasts at least one block")]
fn genesis_refuses_zero() {
	new_test_ext(Some(0));
}

#[test]
fn a_zero_written_by_root_counts_as_one_block() {
	new_test_ext(Some(10)).execute_with(|| {
		BlocksPerSession::<Test>::put(0);
		assert_eq!(SessionPeriod::<Test>::get(), 1);
	});
}

#[test]
fn every_block_is_charged_the_read_of_the_length() {
	new_test_ext(Some(10)).execute_with(|| {
		let db = <Test as polkadot_sdk::frame_system::Config>::DbWeight::get();
		assert_eq!(SessionLength::on_initialize(1), db.reads(1));
		assert!(!SessionLength::on_initialize(1).is_zero());
	});
}

#[test]
fn genesis_stores_even_the_default() {
	new_test_ext(None).execute_with(|| {
		assert!(BlocksPerSession::<Test>::exists());
	});
}

mod migration {
	use super::*;
	use crate::migrations::InitBlocksPerSession;
	use polkadot_sdk::frame_support::traits::{ConstU64, OnRuntimeUpgrade};

	type KeepTenBlocks = InitBlocksPerSession<Test, ConstU64<10>>;

	#[test]
	fn a_chain_from_before_the_pallet_keeps_its_length() {
		new_test_ext(None).execute_with(|| {
			BlocksPerSession::<Test>::kill();
			assert_eq!(SessionPeriod::<Test>::get(), DEFAULT_BLOCKS);
			KeepTenBlocks::on_runtime_upgrade();
			assert_eq!(BlocksPerSession::<Test>::get(), 10);
			assert_eq!(SessionPeriod::<Test>::get(), 10);
		});
	}

	#[test]
	fn a_chain_with_a_length_is_left_alone() {
		new_test_ext(Some(600)).execute_with(|| {
			KeepTenBlocks::on_runtime_upgrade();
			assert_eq!(BlocksPerSession::<Test>::get(), 600);
			BlocksPerSession::<Test>::put(30);
			KeepTenBlocks::on_runtime_upgrade();
			assert_eq!(BlocksPerSession::<Test>::get(), 30);
		});
	}
}
