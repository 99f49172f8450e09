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
//!
//! The clearing (pallet-double-auction) reads the grid through [`ZoneGrid`]: the zone market
//! matches within it, and every mechanism deducts line losses from it. A change applies from
//! the next clearing on, without a restart.
//!
//! Every grid stored has passed `energy_market::zone::Grid::validate`: square, symmetric,
//! non-empty, and lines with a non-zero cross-section and voltage.

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
	}

	/// The grid at genesis; no grid when `distances_m` is empty.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The distance matrix, metres.
		pub distances_m: Vec<Vec<u32>>,
		/// The trading rules; required when `distances_m` is not empty.
		pub rules: Option<TradingRules>,
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.distances_m.is_empty() {
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
		/// between them (metres, symmetric) and the trading rules. Applies from the next
		/// clearing; open orders in zones the new grid lacks are left out of clearings.
		///
		/// Origin: the operator. Emits `GridSet`. Weight: `set_grid(MaxZones)`, benchmarked:
		/// the work grows with the square of the zones, which a fit linear in the zones
		/// could underestimate for a mid-sized grid, so the largest grid is always charged.
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
		/// the distance inside a zone).
		///
		/// Origin: the operator. Emits `DistanceSet`. Weight: `set_distance`, benchmarked
		/// with the largest grid.
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
	}
}
