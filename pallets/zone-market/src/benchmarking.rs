//! Benchmarks of the calls, each with the largest grid (`MaxZones` zones): validating a grid
//! reads and checks its whole matrix.

use super::*;
use alloc::vec::Vec;
use polkadot_sdk::{frame_benchmarking::v2::*, frame_support::pallet_prelude::*};

fn rules() -> TradingRules {
	TradingRules {
		max_distance_m: 5_000,
		line_capacity_wh: 1_000_000,
		line: LineSpec { resistivity_pohm_m: 28_200, cross_section_mm2: 95, voltage_v: 20_000 },
	}
}

/// `zones` zones along a feeder, 1 km apart.
fn matrix<T: Config>(zones: u32) -> DistanceMatrixOf<T> {
	let rows: Vec<BoundedVec<u32, T::MaxZones>> = (0..zones)
		.map(|i| {
			let row: Vec<u32> =
				(0..zones).map(|j| i.abs_diff(j).saturating_mul(1_000).max(100)).collect();
			BoundedVec::truncate_from(row)
		})
		.collect();
	BoundedVec::truncate_from(rows)
}

fn operator<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::OperatorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_grid(z: Linear<1, { T::MaxZones::get() }>) -> Result<(), BenchmarkError> {
		// Replacing the largest grid.
		Pallet::<T>::do_set_grid(matrix::<T>(T::MaxZones::get()), rules())?;
		let origin = operator::<T>()?;
		let distances = matrix::<T>(z);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, distances, rules());

		assert_eq!(Distances::<T>::decode_len(), Some(z as usize));
		Ok(())
	}

	#[benchmark]
	fn set_distance() -> Result<(), BenchmarkError> {
		let zones = T::MaxZones::get();
		Pallet::<T>::do_set_grid(matrix::<T>(zones), rules())?;
		let origin = operator::<T>()?;
		let last = (zones - 1) as ZoneIndex;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0, last, 42);

		assert_eq!(Distances::<T>::get()[usize::from(last)][0], 42);
		Ok(())
	}

	#[benchmark]
	fn set_rules() -> Result<(), BenchmarkError> {
		Pallet::<T>::do_set_grid(matrix::<T>(T::MaxZones::get()), rules())?;
		let origin = operator::<T>()?;
		let new_rules = TradingRules { max_distance_m: 7_000, ..rules() };

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, new_rules);

		assert_eq!(Rules::<T>::get(), Some(new_rules));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
