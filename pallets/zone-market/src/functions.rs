//! The pallet's logic. Every `do_*` function checks everything first and writes last.

use crate::{pallet::*, types::*, ZoneGrid};
use alloc::vec::Vec;
use energy_market::{losses::LineFault, zone::Grid, MarketError};
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

	/// The most lines a grid may have: one per pair of different zones of the largest grid.
	pub fn max_lines() -> u32 {
		let zones = T::MaxZones::get();
		zones.saturating_mul(zones.saturating_sub(1)) / 2
	}

	/// The pallet's error for a line the market crate refuses.
	pub(crate) fn line_error(fault: LineFault) -> Error<T> {
		match fault {
			LineFault::ZeroCrossSection => Error::<T>::ZeroCrossSection,
			LineFault::ZeroVoltage => Error::<T>::ZeroVoltage,
			// The period is the runtime's, never zero (`integrity_test`).
			LineFault::ZeroPeriod => Error::<T>::InvalidLine,
			LineFault::ResistivityOutOfRange => Error::<T>::ResistivityOutOfRange,
			LineFault::CrossSectionOutOfRange => Error::<T>::CrossSectionOutOfRange,
			LineFault::VoltageOutOfRange => Error::<T>::VoltageOutOfRange,
			LineFault::LineTooLong => Error::<T>::LineTooLong,
		}
	}

	/// Checks `line` over `length_m` as the market crate will, with the pallet's errors.
	pub(crate) fn check_line(line: &LineData, length_m: u32) -> Result<(), Error<T>> {
		line.line_parameters(T::PeriodSeconds::get()).check(length_m).map_err(Self::line_error)
	}

	/// The key of the line between zones `a` and `b` of a grid of `zones` zones: the pair with
	/// the lower zone first.
	pub(crate) fn line_key(
		a: ZoneIndex,
		b: ZoneIndex,
		zones: usize,
	) -> Result<(ZoneIndex, ZoneIndex), Error<T>> {
		ensure!(usize::from(a) < zones && usize::from(b) < zones, Error::<T>::UnknownZone);
		ensure!(a != b, Error::<T>::SameZone);
		Ok((a.min(b), a.max(b)))
	}

	/// Sets the length between zones `a` and `b` in both directions of `distances`, in
	/// memory; the caller writes the matrix.
	fn write_distance(
		distances: &mut DistanceMatrixOf<T>,
		a: ZoneIndex,
		b: ZoneIndex,
		distance_m: u32,
	) -> Result<(), Error<T>> {
		let (i, j) = (usize::from(a), usize::from(b));
		for (row, column) in [(i, j), (j, i)] {
			match distances.get_mut(row).and_then(|r| r.get_mut(column)) {
				Some(cell) => *cell = distance_m,
				None => {
					defensive!("a stored distance matrix is square");
					return Err(Error::<T>::InvalidDistances);
				},
			}
		}
		Ok(())
	}

	/// Remove every zone pair's line (at most [`Self::max_lines`]).
	fn remove_all_lines() {
		let removal = Lines::<T>::clear(Self::max_lines(), None);
		if removal.maybe_cursor.is_some() {
			defensive!("no more lines are stored than pairs of zones");
		}
	}

	/// Replace the whole grid, removing every zone pair's line.
	pub(crate) fn do_set_grid(
		distances_m: DistanceMatrixOf<T>,
		rules: TradingRules,
	) -> DispatchResult {
		Self::build_grid(&distances_m, &rules)?;
		let zones = distances_m.len() as u32;
		Distances::<T>::put(distances_m);
		Rules::<T>::put(rules);
		Self::remove_all_lines();
		Self::deposit_event(Event::GridSet {
			zones,
			max_distance_m: rules.max_distance_m,
			line_capacity_wh: rules.line_capacity_wh,
		});
		Ok(())
	}

	/// Set the line length between zones `a` and `b` (both directions). A pair with a line
	/// of its own keeps it, so the line must pass its check at the new length.
	pub(crate) fn do_set_distance(a: ZoneIndex, b: ZoneIndex, distance_m: u32) -> DispatchResult {
		let mut distances = Distances::<T>::get();
		let zones = distances.len();
		ensure!(usize::from(a) < zones && usize::from(b) < zones, Error::<T>::UnknownZone);
		if a != b {
			if let Some(line) = Lines::<T>::get((a.min(b), a.max(b))) {
				Self::check_line(&line, distance_m)?;
			}
		}
		Self::write_distance(&mut distances, a, b, distance_m)?;
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

	/// Give zones `a` and `b` a line of their own (both directions), `length_m` long.
	pub(crate) fn do_set_line(
		a: ZoneIndex,
		b: ZoneIndex,
		length_m: u32,
		line: LineData,
	) -> DispatchResult {
		let mut distances = Distances::<T>::get();
		let key = Self::line_key(a, b, distances.len())?;
		Self::check_line(&line, length_m)?;
		Self::write_distance(&mut distances, a, b, length_m)?;
		Distances::<T>::put(distances);
		Lines::<T>::insert(key, line);
		Self::deposit_event(Event::LineSet { a: key.0, b: key.1, length_m, line });
		Ok(())
	}

	/// Remove the line of its own of zones `a` and `b`; their distance stays.
	pub(crate) fn do_clear_line(a: ZoneIndex, b: ZoneIndex) -> DispatchResult {
		let zones = Distances::<T>::decode_len().unwrap_or(0);
		let key = Self::line_key(a, b, zones)?;
		ensure!(Lines::<T>::contains_key(key), Error::<T>::NoLine);
		Lines::<T>::remove(key);
		Self::deposit_event(Event::LineCleared { a: key.0, b: key.1 });
		Ok(())
	}

	/// The invariants: a grid is either absent or complete and valid; every line joins two
	/// different zones of the grid, lower zone first, and passes its check over the pair's
	/// distance; the lines' counter is their number, at most one per pair.
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
		let mut lines: u32 = 0;
		for ((a, b), line) in Lines::<T>::iter() {
			lines = lines.saturating_add(1);
			ensure!(a < b, "a line's key is not its pair with the lower zone first");
			let length_m = distances
				.get(usize::from(a))
				.and_then(|row| row.get(usize::from(b)))
				.copied()
				.ok_or("a line joins a zone that is not in the grid")?;
			ensure!(
				Self::check_line(&line, length_m).is_ok(),
				"a stored line fails its check over the pair's distance"
			);
		}
		ensure!(lines == Lines::<T>::count(), "the lines' counter is not their number");
		ensure!(lines <= Self::max_lines(), "more lines than pairs of zones");
		Ok(())
	}
}

impl<T: Config> ZoneGrid for Pallet<T> {
	/// The grid of [`Distances`] and [`Rules`], every pair in [`Lines`] with its own line.
	/// Reads every line: at most [`Pallet::max_lines`] entries.
	fn grid() -> Option<Grid> {
		let rules = Rules::<T>::get()?;
		let distances = Distances::<T>::get();
		let mut grid = match Self::build_grid(&distances, &rules) {
			Ok(grid) => grid,
			Err(_) => {
				defensive!("the stored grid was validated when it was set");
				return None;
			},
		};
		let period_s = T::PeriodSeconds::get();
		for ((a, b), line) in Lines::<T>::iter() {
			let applied = grid.distance_m(a, b).and_then(|length_m| {
				grid.set_pair(a, b, length_m, line.line_parameters(period_s), line.capacity_wh)
			});
			if applied.is_err() {
				// The pair keeps the trading rules' line; the rest of the grid stands.
				defensive!("a stored line was checked when it was set");
			}
		}
		Some(grid)
	}

	fn has_grid() -> bool {
		Rules::<T>::exists()
	}

	fn contains(zone: u32) -> bool {
		Self::has_grid() && (zone as usize) < Distances::<T>::decode_len().unwrap_or(0)
	}
}
