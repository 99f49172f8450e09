//! Benchmarks of the calls, each with the largest grid (`MaxZones` zones): validating a grid
//! reads and checks its whole matrix. Replacing a grid removes every zone pair's line, so
//! `set_grid` is measured with a line on every pair.

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

/// Copper, 240 mm², 20 kV, 1 MWh per period: passes the check over any distance of
/// [`matrix`] up to 200 km.
fn line() -> LineData {
	LineData {
		resistivity_pohm_m: 16_800,
		cross_section_mm2: 240,
		voltage_v: 20_000,
		capacity_wh: 1_000_000,
	}
}

/// The highest zone of the largest grid, which must have two zones for a line.
fn last_zone<T: Config>() -> Result<ZoneIndex, BenchmarkError> {
	let last = T::MaxZones::get().saturating_sub(1);
	if last == 0 {
		return Err(BenchmarkError::Weightless);
	}
	ZoneIndex::try_from(last).map_err(|_| BenchmarkError::Weightless)
}

/// A line on every pair of different zones of a grid of `zones` zones (written directly:
/// their lengths are those of [`matrix`]).
fn fill_lines<T: Config>(zones: u32) {
	for a in 0..zones {
		for b in a.saturating_add(1)..zones {
			if let (Ok(a), Ok(b)) = (ZoneIndex::try_from(a), ZoneIndex::try_from(b)) {
				Lines::<T>::insert((a, b), line());
			}
		}
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_grid(z: Linear<1, { T::MaxZones::get() }>) -> Result<(), BenchmarkError> {
		// Replacing the largest grid, with a line on every pair.
		let zones = T::MaxZones::get();
		Pallet::<T>::do_set_grid(matrix::<T>(zones), rules())?;
		fill_lines::<T>(zones);
		assert_eq!(Lines::<T>::count(), Pallet::<T>::max_lines());
		let origin = operator::<T>()?;
		let distances = matrix::<T>(z);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, distances, rules());

		assert_eq!(Distances::<T>::decode_len(), Some(z as usize));
		assert_eq!(Lines::<T>::count(), 0);
		Ok(())
	}

	#[benchmark]
	fn set_distance() -> Result<(), BenchmarkError> {
		let zones = T::MaxZones::get();
		Pallet::<T>::do_set_grid(matrix::<T>(zones), rules())?;
		// A line on the pair: its check runs at the new length.
		let last = last_zone::<T>()?;
		Pallet::<T>::do_set_line(0, last, 1_000, line())?;
		let origin = operator::<T>()?;

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

	#[benchmark]
	fn set_line() -> Result<(), BenchmarkError> {
		// A pair without a line yet: the counter grows too.
		Pallet::<T>::do_set_grid(matrix::<T>(T::MaxZones::get()), rules())?;
		let last = last_zone::<T>()?;
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, last, 0, 42_000, line());

		assert_eq!(Lines::<T>::get((0, last)), Some(line()));
		assert_eq!(Distances::<T>::get()[0][usize::from(last)], 42_000);
		Ok(())
	}

	#[benchmark]
	fn clear_line() -> Result<(), BenchmarkError> {
		Pallet::<T>::do_set_grid(matrix::<T>(T::MaxZones::get()), rules())?;
		let last = last_zone::<T>()?;
		Pallet::<T>::do_set_line(0, last, 1_000, line())?;
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, last, 0);

		assert!(!Lines::<T>::contains_key((0, last)));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
