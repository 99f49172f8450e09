//! # Zone market pallet
//!
//! The grid as the energy market sees it, set by the operator ([`Config::OperatorOrigin`],
//! the consortium in our runtime):
//!
//! - **Zones** are numbered `0..n`; a participant's zone code is its index here.
//! - **Distances**: a symmetric `n × n` matrix of line lengths in metres. The diagonal is the
//!   typical distance inside a zone.
//! - **Trading rules** ([`TradingRules`]): the maximum distance over which the zone market
//!   trades, the energy a line between two zones may carry per delivery period, and the
//!   lines' electrical parameters, from which losses follow (three-phase I²R with R = ρL/A,
//!   computed by `energy_market::losses`).
//! - **Lines** ([`LineData`]): a zone pair may have its own line, with its own resistivity,
//!   cross-section, voltage and capacity per period (its length is the pair's distance). A
//!   pair without one uses the trading rules' line and capacity, so a grid without lines
//!   means what it always did. A line must pass `energy_market::losses::LineParameters::check`
//!   (no zero cross-section or voltage, nothing absurd), each fault with its own error.
//!   Replacing the grid removes every line.
//!
//! The clearing (pallet-double-auction) reads the grid through [`ZoneGrid`]: the zone market
//! matches within it, and every mechanism deducts line losses from it. A change applies from
//! the next clearing on, without a restart.
//!
//! Every grid stored has passed `energy_market::zone::Grid::validate`: square, symmetric,
//! non-empty, and lines with a non-zero cross-section and voltage. Every line stored joins
//! two different zones of the grid and passes `LineParameters::check` over its length.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

pub use pallet::*;

mod functions;
pub mod traits;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use traits::ZoneGrid;
pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use polkadot_sdk::{
		frame_support::{self, pallet_prelude::*},
		frame_system::pallet_prelude::*,
	};

	/// The distance matrix: one row per zone, one line length (metres) per zone in a row.
	pub type DistanceMatrixOf<T> =
		BoundedVec<BoundedVec<u32, <T as Config>::MaxZones>, <T as Config>::MaxZones>;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may change the zone data: the grid operator (the consortium in our runtime).
		type OperatorOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Length of a delivery period, seconds: the time over which traded energy flows, which
		/// sets the current and so the losses.
		#[pallet::constant]
		type PeriodSeconds: Get<u32>;
		/// The most zones a grid may have. The distance matrix holds its square.
		#[pallet::constant]
		type MaxZones: Get<u32>;
		/// Weights of the calls, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Line lengths between zones (metres), row `a`, column `b`; symmetric. Empty while there
	/// is no grid.
	#[pallet::storage]
	pub type Distances<T: Config> = StorageValue<_, DistanceMatrixOf<T>, ValueQuery>;

	/// The trading rules and line parameters. `None` while there is no grid.
	#[pallet::storage]
	pub type Rules<T: Config> = StorageValue<_, TradingRules, OptionQuery>;

	/// The zone pairs with a line of their own, keyed by the pair with the lower zone first
	/// (`a < b`), both zones of the grid. The line's length is the pair's entry in
	/// [`Distances`]. A pair without an entry uses [`Rules`]' line and capacity. At most one
	/// entry per pair of different zones (`MaxZones · (MaxZones − 1) / 2`); replacing the grid
	/// removes them all.
	#[pallet::storage]
	pub type Lines<T: Config> =
		CountedStorageMap<_, Twox64Concat, (ZoneIndex, ZoneIndex), LineData, OptionQuery>;

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The operator replaced the whole grid.
		GridSet {
			/// Number of zones, numbered from 0.
			zones: u32,
			/// The zone market's maximum trading distance, metres.
			max_distance_m: u32,
			/// What a line between two zones may carry per delivery period, Wh.
			line_capacity_wh: u64,
		},
		/// The operator changed the line length between two zones (both directions).
		DistanceSet {
			/// One zone.
			a: ZoneIndex,
			/// The other zone (equal to `a` for the distance inside a zone).
			b: ZoneIndex,
			/// The new line length, metres.
			distance_m: u32,
		},
		/// The operator changed the trading rules and line parameters.
		RulesSet {
			/// The rules in force from the next clearing.
			rules: TradingRules,
		},
		/// A zone pair's own line was set (both directions), in force from the next clearing.
		LineSet {
			/// The lower zone of the pair.
			a: ZoneIndex,
			/// The higher zone of the pair.
			b: ZoneIndex,
			/// The line's length, metres: the pair's new distance.
			length_m: u32,
			/// The line's conductor, voltage and capacity per period.
			line: LineData,
		},
		/// A zone pair's own line was removed: from the next clearing the pair uses the
		/// trading rules' line and capacity, over the same distance.
		LineCleared {
			/// The lower zone of the pair.
			a: ZoneIndex,
			/// The higher zone of the pair.
			b: ZoneIndex,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// A grid needs at least one zone.
		NoZones,
		/// The distance matrix is not square or not symmetric.
		InvalidDistances,
		/// A line has a zero cross-section or voltage.
		InvalidLine,
		/// The zone is not in the grid.
		UnknownZone,
		/// A line joins two different zones; inside a zone the trading rules' line applies.
		SameZone,
		/// A line's conductor has a zero cross-section.
		ZeroCrossSection,
		/// A line has a zero voltage.
		ZeroVoltage,
		/// A line's resistivity is above `energy_market::losses::MAX_RESISTIVITY_POHM_M`
		/// (1 000 000 pΩ·m).
		ResistivityOutOfRange,
		/// A line's cross-section is above `energy_market::losses::MAX_CROSS_SECTION_MM2`
		/// (5 000 mm²).
		CrossSectionOutOfRange,
		/// A line's voltage is outside `MIN_VOLTAGE_V..=MAX_VOLTAGE_V` of
		/// `energy_market::losses` (100 V to 500 kV).
		VoltageOutOfRange,
		/// A line is longer than `energy_market::losses::MAX_LINE_LENGTH_M` (200 km): set by
		/// `set_line`, or by `set_distance` on a pair that has a line.
		LineTooLong,
		/// The zone pair has no line of its own.
		NoLine,
	}

	/// The grid at genesis; no grid when `distances_m` is empty.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The distance matrix, metres.
		pub distances_m: Vec<Vec<u32>>,
		/// The trading rules; required when `distances_m` is not empty.
		pub rules: Option<TradingRules>,
		/// Zone pairs with a line of their own: `(a, b, length_m, line)`, as `set_line` takes
		/// them. Optional (none by default); needs a grid.
		#[serde(default, skip_serializing_if = "Vec::is_empty")]
		pub lines: Vec<(ZoneIndex, ZoneIndex, u32, LineData)>,
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.distances_m.is_empty() {
				assert!(self.lines.is_empty(), "genesis lines need a genesis grid");
				return;
			}
			// A chain cannot start from an invalid genesis: refuse it loudly, as FRAME does.
			let rows: Vec<BoundedVec<u32, T::MaxZones>> = self
				.distances_m
				.iter()
				.map(|row| {
					row.clone().try_into().expect("a genesis row has at most MaxZones zones")
				})
				.collect();
			let matrix: DistanceMatrixOf<T> =
				rows.try_into().expect("a genesis grid has at most MaxZones zones");
			let rules = self.rules.expect("a genesis grid has trading rules");
			Pallet::<T>::do_set_grid(matrix, rules).expect("the genesis grid is valid");
			for &(a, b, length_m, line) in &self.lines {
				Pallet::<T>::do_set_line(a, b, length_m, line).expect("a genesis line is valid");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::PeriodSeconds::get() > 0, "a delivery period lasts at least a second");
			assert!(T::MaxZones::get() > 0, "a grid has at least one zone");
			assert!(
				T::MaxZones::get() <= u32::from(ZoneIndex::MAX) + 1,
				"zones are indexed by ZoneIndex"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Replace the whole grid: the zones (one per row of `distances_m`), the line lengths
		/// between them (metres, symmetric) and the trading rules. Every zone pair's own line
		/// ([`Lines`]) is removed. Applies from the next clearing; open orders in zones the
		/// new grid lacks are left out of clearings.
		///
		/// Origin: the operator. Emits `GridSet`. Weight: `set_grid(MaxZones)`, benchmarked:
		/// the work grows with the square of the zones, which a fit linear in the zones
		/// could underestimate for a mid-sized grid, so the largest grid is always charged,
		/// with every pair's line to remove.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_grid(T::MaxZones::get()))]
		pub fn set_grid(
			origin: OriginFor<T>,
			distances_m: DistanceMatrixOf<T>,
			rules: TradingRules,
		) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_set_grid(distances_m, rules)
		}

		/// Set the line length between zones `a` and `b`, in both directions (`a == b` sets
		/// the distance inside a zone). When the pair has a line of its own, it must pass its
		/// check at the new length (`LineTooLong`).
		///
		/// Origin: the operator. Emits `DistanceSet`. Weight: `set_distance`, benchmarked
		/// with the largest grid and a line on the pair.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_distance())]
		pub fn set_distance(
			origin: OriginFor<T>,
			a: ZoneIndex,
			b: ZoneIndex,
			distance_m: u32,
		) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_set_distance(a, b, distance_m)
		}

		/// Replace the trading rules and line parameters of the grid in force.
		///
		/// Origin: the operator. Emits `RulesSet`. Weight: `set_rules`, benchmarked with the
		/// largest grid (the grid is validated again).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_rules())]
		pub fn set_rules(origin: OriginFor<T>, rules: TradingRules) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_set_rules(rules)
		}

		/// Give zones `a` and `b` a line of their own, in both directions: `length_m` becomes
		/// their distance, and their trades' losses and capacity per period follow from
		/// `line` instead of the trading rules. Replaces the pair's line if it had one.
		/// Applies from the next clearing.
		///
		/// The zones must be two different zones of the grid (`UnknownZone`, `SameZone`), and
		/// the line must make sense over `length_m`: `ZeroCrossSection`, `ZeroVoltage`,
		/// `ResistivityOutOfRange`, `CrossSectionOutOfRange`, `VoltageOutOfRange`,
		/// `LineTooLong` (the bounds are `energy_market::losses`' constants).
		///
		/// Origin: the operator. Emits `LineSet`. Weight: `set_line`, benchmarked with the
		/// largest grid and a pair without a line.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_line())]
		pub fn set_line(
			origin: OriginFor<T>,
			a: ZoneIndex,
			b: ZoneIndex,
			length_m: u32,
			line: LineData,
		) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_set_line(a, b, length_m, line)
		}

		/// Remove the line of its own of zones `a` and `b`: from the next clearing the pair
		/// uses the trading rules' line and capacity, over the same distance.
		///
		/// Errors: `UnknownZone`, `SameZone`, `NoLine` when the pair has no line.
		///
		/// Origin: the operator. Emits `LineCleared`. Weight: `clear_line`, benchmarked with
		/// the largest grid.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::clear_line())]
		pub fn clear_line(origin: OriginFor<T>, a: ZoneIndex, b: ZoneIndex) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_clear_line(a, b)
		}
	}
}
