//! # Energium pallet
//!
//! The energy transaction layer of the paper's zone market: Energium (EGM), a ledger of
//! energy, `1 EGM = 1 kWh` with 18 decimals.
//!
//! - **`creditEnergy`.** Every trade a market settles credits its buyer with the energy
//!   delivered net of losses ([`OnTrade`], called by pallet-double-auction). Only the chain
//!   mints EGM, never a participant, and it cannot be transferred: it is energy delivered
//!   to one connection point.
//! - **`buyEnergy`.** A participant buys energy directly from the grid operator at the
//!   standing retail tariff the consortium sets: `E = M / P`, paid to the grid account.
//! - **`debitEnergy`.** Each accepted meter reading ([`OnMeterReading`], from
//!   pallet-prosumer) debits the import from the participant's EGM. Consumption beyond the
//!   EGM held is not refused (the lights stay on): the shortfall is imbalance, bought from
//!   the grid at the imbalance price at settlement.
//! - **Settlement.** After a delivery period's readings' acceptance window has closed
//!   ([`Config::SettlementDelay`] periods after its end), `on_initialize` settles it, at most
//!   [`Config::MaxSettlementsPerBlock`] participants per block: a seller that exported less
//!   than it sold pays the difference at the imbalance price, and so does a consumer for its
//!   shortfall; what cannot be paid is recorded as debt. The entry then moves to the
//!   participant's history and its month.
//! - **Views.** `getBuyerInfo` ([`runtime_api::EnergiumApi`]) and the zone view (per zone
//!   and period: sold, bought, delivered, lost, imported, exported, imbalances).
//!
//! Invariants ([`Pallet::do_try_state`]): EGM issuance equals credited minus debited and
//! the sum of balances; per participant, purchased − consumed + shortfall = balance.
//! Calls check their origin here and delegate to `functions.rs`; the hooks' and the
//! settlement's work is in `ledger.rs` and `settlement.rs`.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

pub use pallet::*;

mod functions;
mod impls;
mod ledger;
pub mod runtime_api;
mod settlement;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use energy_primitives::{
	OnMeterReading, OnTrade, ParticipantActivity, ParticipantRegistry, PeriodIndex, TradedEnergy,
	WattHours, ZoneCode,
};
pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

/// What the benchmarks need of the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Make the runtime's Unix time `millis` milliseconds.
	fn set_unix_time_ms(millis: u64);
	/// Make `who` an approved participant in `zone`.
	fn approved_participant(who: &AccountId, zone: ZoneCode);
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use polkadot_sdk::{
		frame_support::{
			pallet_prelude::*,
			traits::{fungible::Mutate, UnixTime},
		},
		frame_system::pallet_prelude::*,
	};

	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> =
		<<T as Config>::Currency as polkadot_sdk::frame_support::traits::fungible::Inspect<
			<T as polkadot_sdk::frame_system::Config>::AccountId,
		>>::Balance;
	/// A period ledger entry of this runtime.
	pub type PeriodLedgerOf<T> = PeriodLedger<BalanceOf<T>>;
	/// A month ledger entry of this runtime.
	pub type MonthLedgerOf<T> = MonthLedger<BalanceOf<T>>;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The chain's currency: what the tariff and imbalances are paid in.
		type Currency: Mutate<Self::AccountId>;
		/// Who sets the tariff: the grid operator (the consortium in our runtime).
		type OperatorOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The grid operator's settlement account: it receives tariff purchases and
		/// imbalance charges. Genesis must endow it with the existential deposit, so that
		/// payments of any size reach it (`try_state` checks it).
		#[pallet::constant]
		type GridAccount: Get<Self::AccountId>;
		/// The participant registry: who may buy, and in what zone.
		type Participants: ParticipantRegistry<Self::AccountId>;
		/// The chain's clock, which says what delivery period it is.
		type UnixTime: UnixTime;
		/// Length of a delivery period, seconds (pallet-prosumer's).
		#[pallet::constant]
		type PeriodSeconds: Get<u32>;
		/// The readings' acceptance window: how many periods after its end a period's
		/// readings are still accepted (pallet-prosumer's `MaxReadingDelay`). A period is
		/// settled once this many periods have passed since its end.
		#[pallet::constant]
		type SettlementDelay: Get<u32>;
		/// The most participants settled per block: the bound on the settlement's work.
		#[pallet::constant]
		type MaxSettlementsPerBlock: Get<u32>;
		/// The most delivery periods with unsettled entries at once: orders' periods ahead,
		/// the readings' window, and a settlement backlog.
		#[pallet::constant]
		type MaxPendingPeriods: Get<u32>;
		/// Settled periods kept per participant (older ones stay in the events).
		#[pallet::constant]
		type MaxPeriodsRetained: Get<u32>;
		/// Months kept per participant.
		#[pallet::constant]
		type MaxMonthsRetained: Get<u32>;
		/// Weights of the calls, the hooks and the settlement, from the benchmarks.
		type WeightInfo: WeightInfo;
		/// Sets up what the benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Each participant's EGM balance and totals.
	#[pallet::storage]
	pub type Accounts<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, EnergyAccount<BalanceOf<T>>, ValueQuery>;

	/// EGM in existence, Wh: credited minus debited.
	#[pallet::storage]
	pub type TotalIssuanceWh<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// EGM ever credited (trades and tariff), Wh.
	#[pallet::storage]
	pub type TotalCreditedWh<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// EGM ever debited (consumption), Wh.
	#[pallet::storage]
	pub type TotalDebitedWh<T: Config> = StorageValue<_, u128, ValueQuery>;

	/// The grid operator's prices; none until the operator sets them.
	#[pallet::storage]
	pub type GridTariff<T: Config> = StorageValue<_, Tariff, OptionQuery>;

	/// Unsettled ledger entries, by delivery period and participant.
	#[pallet::storage]
	pub type OpenLedger<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		PeriodIndex,
		Blake2_128Concat,
		T::AccountId,
		PeriodLedgerOf<T>,
		OptionQuery,
	>;

	/// Delivery periods with unsettled entries, earliest first: the settlement's queue.
	#[pallet::storage]
	pub type PendingPeriods<T: Config> =
		StorageValue<_, BoundedVec<PeriodIndex, T::MaxPendingPeriods>, ValueQuery>;

	/// Each participant's settled periods, earliest first (the last `MaxPeriodsRetained`).
	#[pallet::storage]
	pub type SettledPeriods<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<PeriodLedgerOf<T>, T::MaxPeriodsRetained>,
		ValueQuery,
	>;

	/// Each participant's settled months, earliest first (the last `MaxMonthsRetained`).
	#[pallet::storage]
	pub type Months<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<MonthLedgerOf<T>, T::MaxMonthsRetained>,
		ValueQuery,
	>;

	/// The energy of each zone per delivery period (the operator's balance view). Kept for
	/// the last `MaxPeriodsRetained` settled periods ([`ZoneViewPeriods`]).
	#[pallet::storage]
	pub type ZoneLedger<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		PeriodIndex,
		Twox64Concat,
		ZoneCode,
		ZoneEnergy,
		ValueQuery,
	>;

	/// The settled periods whose zone view is kept, earliest first; when full, the oldest
	/// period's zone data is dropped as another is added.
	#[pallet::storage]
	pub type ZoneViewPeriods<T: Config> =
		StorageValue<_, BoundedVec<PeriodIndex, T::MaxPeriodsRetained>, ValueQuery>;

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// EGM was credited for energy bought (`creditEnergy`).
		EnergyCredited {
			/// The buyer.
			who: T::AccountId,
			/// The delivery period.
			period: PeriodIndex,
			/// Energy credited, Wh (EGM × 1000).
			energy_wh: WattHours,
			/// The buyer's EGM balance now, Wh.
			balance_wh: WattHours,
		},
		/// A participant bought energy at the grid's retail tariff (`buyEnergy`).
		EnergyPurchased {
			/// The buyer.
			who: T::AccountId,
			/// The delivery period it counts in.
			period: PeriodIndex,
			/// What it paid the grid account.
			paid: BalanceOf<T>,
			/// The retail price per kWh applied.
			price_per_kwh: energy_market::Price,
			/// Energy bought, Wh.
			energy_wh: WattHours,
		},
		/// A meter reading's import was debited from EGM (`debitEnergy`).
		EnergyDebited {
			/// The participant.
			who: T::AccountId,
			/// The delivery period of the reading.
			period: PeriodIndex,
			/// Energy imported, Wh.
			consumed_wh: WattHours,
			/// EGM debited, Wh.
			debited_wh: WattHours,
			/// Import not covered by EGM, charged at the imbalance price at settlement, Wh.
			shortfall_wh: WattHours,
			/// EGM left, Wh.
			balance_wh: WattHours,
		},
		/// A participant's delivery period was settled.
		ParticipantSettled {
			/// The participant.
			who: T::AccountId,
			/// The delivery period.
			period: PeriodIndex,
			/// Energy sold, Wh.
			sold_wh: WattHours,
			/// Energy exported, Wh.
			exported_wh: WattHours,
			/// Sold but not exported, Wh.
			undelivered_wh: WattHours,
			/// Import not covered by EGM, Wh.
			shortfall_wh: WattHours,
			/// Imbalance charge paid to the grid account.
			charged: BalanceOf<T>,
			/// Imbalance charge that could not be paid and was added to the debt.
			unpaid: BalanceOf<T>,
		},
		/// Every participant of a delivery period has been settled.
		PeriodSettled {
			/// The delivery period.
			period: PeriodIndex,
		},
		/// A participant paid off (part of) its debt.
		DebtPaid {
			/// The participant.
			who: T::AccountId,
			/// Amount paid to the grid account.
			amount: BalanceOf<T>,
			/// Debt left.
			remaining: BalanceOf<T>,
		},
		/// The operator set the tariff.
		TariffSet {
			/// The tariff in force.
			tariff: Tariff,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The caller is not an approved participant.
		NotApproved,
		/// The operator has set no tariff yet.
		NoTariff,
		/// A price of zero: energy is never free.
		ZeroPrice,
		/// The amount buys less than one Wh at the tariff.
		PurchaseTooSmall,
		/// The caller cannot pay the amount.
		InsufficientBalance,
		/// An amount does not fit the balance type.
		Overflow,
		/// The caller owes nothing.
		NoDebt,
		/// Payment of zero.
		ZeroAmount,
		/// `MaxPendingPeriods` periods are already waiting for settlement.
		TooManyPendingPeriods,
	}

	/// The tariff at genesis.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The grid operator's prices, if set at genesis.
		pub tariff: Option<Tariff>,
		#[serde(skip)]
		#[doc(hidden)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if let Some(tariff) = self.tariff {
				// A chain cannot start from an invalid genesis: refuse it loudly.
				assert!(
					tariff.retail_price_per_kwh > 0 && tariff.imbalance_price_per_kwh > 0,
					"genesis tariff prices are positive"
				);
				GridTariff::<T>::put(tariff);
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Settle up to `MaxSettlementsPerBlock` participants of the earliest due period.
		/// Returns the weight of what was done, from the benchmarks.
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			Self::do_settle_due()
		}

		fn integrity_test() {
			assert!(T::PeriodSeconds::get() > 0, "a delivery period lasts at least a second");
			assert!(T::MaxSettlementsPerBlock::get() > 0, "settlement makes progress");
			assert!(T::MaxPendingPeriods::get() > T::SettlementDelay::get(), "room to settle");
			assert!(T::MaxPeriodsRetained::get() > 0, "at least one settled period is kept");
			assert!(T::MaxMonthsRetained::get() > 0, "at least one month is kept");
			let worst = Self::worst_case_block_weight();
			let max_block = T::BlockWeights::get().max_block;
			assert!(
				worst.all_lte(max_block / 4),
				"a full settlement step ({worst}) must fit in a quarter block ({max_block})"
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
		/// Buy energy from the grid at the retail tariff (`buyEnergy`): `amount` buys
		/// `E = amount / price` kWh, rounded down to the Wh, and only the cost of those Wh
		/// (rounded up, never above `amount`) is paid to the grid account. The energy is credited as EGM and counts in the current
		/// delivery period.
		///
		/// Origin: signed by an approved participant. Emits `EnergyPurchased` and
		/// `EnergyCredited`. Weight: `buy_energy`, benchmarked.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::buy_energy())]
		pub fn buy_energy(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_buy_energy(who, amount)
		}

		/// Pay off up to `amount` of the caller's settlement debt to the grid account.
		///
		/// Origin: signed. Emits `DebtPaid`. Weight: `pay_debt`, benchmarked.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::pay_debt())]
		pub fn pay_debt(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_pay_debt(who, amount)
		}

		/// Set the grid's retail and imbalance prices, from the next purchase and the next
		/// settlement on.
		///
		/// Origin: `OperatorOrigin`. Emits `TariffSet`. Weight: `set_tariff`, benchmarked.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_tariff())]
		pub fn set_tariff(origin: OriginFor<T>, tariff: Tariff) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_set_tariff(tariff)
		}
	}
}
