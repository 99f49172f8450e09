//! The pallet's logic. Every `do_*` function checks everything first and writes last.

use crate::{pallet::*, types::*, ZoneGrid};
use alloc::vec::Vec;
use energy_market::{zone::Grid, MarketError};
use polkadot_sdk::frame_support::{defensive, pallet_prelude::*};

impl<T: Config> Pallet<T> {
	/// The market crate's view of `distances_m` and `rules`, or why they are not a grid.
	pub(crate) fn build_grid(
		distances_m: &[BoundedVec<u32, T::MaxZones>],
		rules: &TradingRules,
	) -> Result<Grid, Error<T>> {
		ensure!(!distances_m.is_empty(), Error::<T>::NoZones);
		let rows: Vec<Vec<u32>> = distances_m.iter().map(|row| row.to_vec()).collect();
		Grid::from_matrix(
			&rows,
			rules.max_distance_m,
			rules.line_capacity_wh,
			rules.line_parameters(T::PeriodSeconds::get()),
		)
		.map_err(|error| match error {
			MarketError::InvalidLine => Error::<T>::InvalidLine,
			_ => Error::<T>::InvalidDistances,
		})
	}

	/// Replace the whole grid.
	pub(crate) fn do_set_grid(
		distances_m: DistanceMatrixOf<T>,
		rules: TradingRules,
	) -> DispatchResult {
		Self::build_grid(&distances_m, &rules)?;
		let zones = distances_m.len() as u32;
		Distances::<T>::put(distances_m);
		Rules::<T>::put(rules);
		Self::deposit_event(Event::GridSet {
			zones,
			max_distance_m: rules.max_distance_m,
			line_capacity_wh: rules.line_capacity_wh,
		});
		Ok(())
	}

	/// Set the line length between zones `a` and `b` (both directions).
	pub(crate) fn do_set_distance(a: ZoneIndex, b: ZoneIndex, distance_m: u32) -> DispatchResult {
		let mut distances = Distances::<T>::get();
		let zones = distances.len();
		let (i, j) = (usize::from(a), usize::from(b));
		ensure!(i < zones && j < zones, Error::<T>::UnknownZone);
		for (row, column) in [(i, j), (j, i)] {
			match distances.get_mut(row).and_then(|r| r.get_mut(column)) {
				Some(cell) => *cell = distance_m,
				None => {
					defensive!("a stored distance matrix is square");
					return Err(Error::<T>::InvalidDistances.into());
				},
			}
		}
		Distances::<T>::put(distances);
		Self::deposit_event(Event::DistanceSet { a, b, distance_m });
		Ok(())
	}

	/// Replace the trading rules and line parameters of the grid in force.
	pub(crate) fn do_set_rules(rules: TradingRules) -> DispatchResult {
		let distances = Distances::<T>::get();
		ensure!(!distances.is_empty(), Error::<T>::NoZones);
		Self::build_grid(&distances, &rules)?;
		Rules::<T>::put(rules);
		Self::deposit_event(Event::RulesSet { rules });
		Ok(())
	}

	/// The invariants: a grid is either absent or complete and valid.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		let distances = Distances::<T>::get();
		match Rules::<T>::get() {
			None => ensure!(distances.is_empty(), "distances without trading rules"),
			Some(rules) => {
				ensure!(
					Self::build_grid(&distances, &rules).is_ok(),
					"the stored grid is not a valid grid"
				);
			},
		}
		Ok(())
	}
}

impl<T: Config> ZoneGrid for Pallet<T> {
	fn grid() -> Option<Grid> {
		let rules = Rules::<T>::get()?;
		let distances = Distances::<T>::get();
		match Self::build_grid(&distances, &rules) {
			Ok(grid) => Some(grid),
			Err(_) => {
				defensive!("the stored grid was validated when it was set");
				None
			},
		}
	}

	fn has_grid() -> bool {
		Rules::<T>::exists()
	}

	fn contains(zone: u32) -> bool {
		Self::has_grid() && (zone as usize) < Distances::<T>::decode_len().unwrap_or(0)
	}
}
