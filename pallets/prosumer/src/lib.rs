//! # Prosumer pallet
//!
//! The registry of the energy market's participants and of their smart meters.
//!
//! - A participant registers with a [`Profile`] (role, zone, capacities) and a deposit held
//!   from its balance. The operator ([`Config::OperatorOrigin`], the consortium in our
//!   runtime) approves or suspends it. A zone change needs approval again; role and
//!   capacities change at once. A participant deregisters, and gets its deposit back, when it
//!   has no open order and no unsettled period ([`ParticipantActivity`]).
//! - The operator binds one meter key (an account of the meter's own) to a participant,
//!   revokes it, or rotates it for a new one. A key is bound at most once in its life.
//! - The meter signs [`MeterReading`]s: a delivery period and its cumulative import and
//!   export counters. [`CheckMeterReading`], a transaction extension the runtime must include,
//!   refuses an invalid reading during transaction validation, so it never enters the pool or
//!   a block, and valid readings pay no fee. A reading is refused when the key is unknown or
//!   revoked, the participant is not approved, the period has not ended or is too old or not
//!   later than the last one, a counter goes backwards, or an increase exceeds what the
//!   declared capacity could move in the elapsed periods ([`ReadingRejection`]).
//! - The energy of each period (counter differences) is kept for the last
//!   [`Config::MaxPeriodsRetained`] periods per participant and offered to the market pallets
//!   through [`MeteredEnergy`] and [`ParticipantRegistry`].
//!
//! Calls check their origin here and delegate to the `do_*` functions in `functions.rs`,
//! which check everything first and write last.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

pub use pallet::*;

mod extension;
mod functions;
mod impls;
pub mod migrations;
pub mod traits;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use extension::CheckMeterReading;
pub use traits::{
	MeteredEnergy, OnMeterReading, OnParticipantSuspended, ParticipantActivity, ParticipantRegistry,
};

/// The chain's delivery-period length ([`PeriodLength`]) as a `Get`, for the other pallets'
/// configs.
pub struct PeriodLengthOf<T>(core::marker::PhantomData<T>);
impl<T: Config> polkadot_sdk::frame_support::traits::Get<u32> for PeriodLengthOf<T> {
	fn get() -> u32 {
		PeriodLength::<T>::get()
	}
}
pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

/// Sets the chain's clock, and signs as a meter, in benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Signature> {
	/// Make the runtime's Unix time `millis` milliseconds.
	fn set_unix_time_ms(millis: u64);
	/// The `index`th meter key of the kind a concentrator relays, and its signature of
	/// `message`; `None` if the benchmark cannot sign (no keystore).
	fn sign_as_meter(index: u32, message: &[u8]) -> Option<(AccountId, Signature)>;
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use polkadot_sdk::{
		frame_support::{
			self,
			pallet_prelude::*,
			traits::{
				fungible::{Inspect, Mutate, MutateHold},
				UnixTime,
			},
		},
		frame_system::{self, pallet_prelude::*},
		sp_runtime::{
			traits::{IdentifyAccount, One, Verify},
			transaction_validity::TransactionPriority,
		},
	};

	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// The record of a registered participant.
	pub type ParticipantOf<T> = Participant<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

	/// A reading relayed by a data concentrator, with the runtime's meter signature.
	pub type RelayedReadingOf<T> =
		RelayedReading<<T as frame_system::Config>::AccountId, <T as Config>::MeterSignature>;

	/// A batch of relayed readings.
	pub type ReadingBatchOf<T> =
		BoundedVec<RelayedReadingOf<T>, <T as Config>::MaxReadingsPerBatch>;

	/// The retained per-period energy of one participant, oldest first.
	pub type EnergyHistoryOf<T> = BoundedVec<PeriodEnergy, <T as Config>::MaxPeriodsRetained>;

	/// The storage layout's version. 1: [`ChainStartPeriod`] (see [`crate::migrations`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency participants' deposits are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The runtime's hold reasons, of which this pallet's [`HoldReason`] is one.
		type RuntimeHoldReason: From<HoldReason>;

		/// Deposit held from a participant while it is registered.
		#[pallet::constant]
		type ParticipantDeposit: Get<BalanceOf<Self>>;

		/// Who approves and suspends participants and binds, revokes and rotates meters: the
		/// grid operator's authority (the consortium in our runtime).
		type OperatorOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The chain's clock, from which the current delivery period follows.
		type UnixTime: UnixTime;

		/// Length of a delivery period in seconds (900 for quarter hours), unless the genesis
		/// config chose another ([`PeriodLength`]).
		#[pallet::constant]
		type PeriodSeconds: Get<u32>;

		/// How many periods after its end a period's reading is still accepted. A meter that
		/// was offline longer reports its counters in a later period instead; nothing is lost,
		/// because the counters are cumulative.
		#[pallet::constant]
		type MaxReadingDelay: Get<u32>;

		/// How many periods of energy are kept per participant (oldest dropped first).
		#[pallet::constant]
		type MaxPeriodsRetained: Get<u32>;

		/// The largest generation or connection capacity a profile may declare (W).
		#[pallet::constant]
		type MaxCapacityW: Get<Watts>;

		/// Transaction-pool priority of a valid meter reading.
		#[pallet::constant]
		type ReadingPriority: Get<TransactionPriority>;

		/// Whether a participant still has open orders or unsettled periods.
		type Activity: ParticipantActivity<Self::AccountId>;

		/// Told of every accepted reading: the energy ledger debits consumption from it.
		type OnReading: OnMeterReading<Self::AccountId>;

		/// Told of every suspension: the market cancels the participant's open orders.
		type OnSuspend: OnParticipantSuspended<Self::AccountId>;

		/// Weights of the calls, from this pallet's benchmarks.
		type WeightInfo: WeightInfo;

		/// The signature a meter gives a reading that a data concentrator relays
		/// ([`RelayedReading`]), verified against the meter's key.
		type MeterSignature: Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>>
			+ Parameter;

		/// The most readings one `submit_readings` batch carries.
		#[pallet::constant]
		type MaxReadingsPerBatch: Get<u32>;

		/// Sets the clock and signs as a meter in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId, Self::MeterSignature>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a registered participant.
		#[codec(index = 0)]
		ParticipantDeposit,
	}

	/// Registered participants, by account (their anonymous market identity).
	#[pallet::storage]
	pub type Participants<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ParticipantOf<T>, OptionQuery>;

	/// Every meter key ever bound, active or revoked, with its last accepted reading. Keys are
	/// never removed, so a revoked key can never be bound again.
	#[pallet::storage]
	pub type Meters<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Meter<T::AccountId>, OptionQuery>;

	/// Energy imported and exported per delivery period, per participant: the last
	/// `MaxPeriodsRetained` metered periods, oldest first, periods strictly increasing.
	#[pallet::storage]
	pub type EnergyHistory<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, EnergyHistoryOf<T>, ValueQuery>;

	/// Data concentrators: accounts the operator lets relay batches of meter readings
	/// (`submit_readings`), each reading signed by its own meter. A concentrator cannot forge
	/// a reading, only carry it; being registered is what lets its batches in the pool
	/// without a fee. Each holds a provider reference while registered, so it needs no funds.
	#[pallet::storage]
	pub type Concentrators<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// Length of a delivery period in seconds: `PeriodSeconds`, unless the genesis config set
	/// another (a demo or test chain with short periods). Fixed for the chain's life, since
	/// periods are numbered from the Unix epoch in units of it; every pallet reads it through
	/// [`PeriodLengthOf`].
	#[pallet::storage]
	pub type PeriodLength<T: Config> = StorageValue<_, u32, ValueQuery, T::PeriodSeconds>;

	/// The delivery period of the chain's first block, written at the end of block 1: the
	/// first reading of a meter bound at genesis may span the periods since. (A chain that
	/// ran before this item existed gets the period of its upgrade.)
	#[pallet::storage]
	pub type ChainStartPeriod<T: Config> = StorageValue<_, PeriodIndex, OptionQuery>;

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A participant registered and waits for approval.
		ParticipantRegistered {
			/// The participant.
			who: T::AccountId,
			/// What it declared.
			profile: Profile,
			/// The deposit held from it.
			deposit: BalanceOf<T>,
		},
		/// A participant changed its role or capacities.
		ProfileUpdated {
			/// The participant.
			who: T::AccountId,
			/// The profile now in force.
			profile: Profile,
		},
		/// A participant asked to move to another zone; the operator must approve it.
		ZoneChangeRequested {
			/// The participant.
			who: T::AccountId,
			/// The zone it asked for.
			zone: ZoneCode,
		},
		/// The operator approved a participant (or its zone change, or its reinstatement).
		ParticipantApproved {
			/// The participant.
			who: T::AccountId,
			/// Its zone from now on.
			zone: ZoneCode,
		},
		/// The operator suspended a participant.
		ParticipantSuspended {
			/// The participant.
			who: T::AccountId,
		},
		/// A participant left; its deposit was released and its meter revoked.
		ParticipantDeregistered {
			/// The former participant.
			who: T::AccountId,
			/// The deposit released to it.
			deposit: BalanceOf<T>,
		},
		/// The operator bound a meter key to a participant.
		MeterBound {
			/// The participant.
			participant: T::AccountId,
			/// The meter's key.
			meter: T::AccountId,
			/// The counters read off the meter when it was commissioned.
			counters: MeterCounters,
		},
		/// The operator revoked a participant's meter key.
		MeterRevoked {
			/// The participant.
			participant: T::AccountId,
			/// The revoked key.
			meter: T::AccountId,
		},
		/// The operator replaced a participant's meter key with a new one.
		MeterRotated {
			/// The participant.
			participant: T::AccountId,
			/// The key revoked.
			old_meter: T::AccountId,
			/// The key bound.
			new_meter: T::AccountId,
			/// The new meter's counters at commissioning.
			counters: MeterCounters,
		},
		/// A meter reading was accepted.
		ReadingRecorded {
			/// The participant the meter measures.
			participant: T::AccountId,
			/// The meter's key.
			meter: T::AccountId,
			/// The energy of the period: the increases of the counters since the last reading.
			energy: PeriodEnergy,
		},
		/// A reading in a concentrator's batch was refused; the rest of the batch stands.
		ReadingRefused {
			/// The concentrator that relayed it.
			concentrator: T::AccountId,
			/// The meter key it names.
			meter: T::AccountId,
			/// The period it names.
			period: PeriodIndex,
			/// Why: one of this pallet's errors (a reading's refusal, `BadReadingSignature`
			/// or `MeterTwiceInBatch`).
			error: DispatchError,
		},
		/// A concentrator's batch was processed.
		ReadingsRelayed {
			/// The concentrator.
			concentrator: T::AccountId,
			/// Readings recorded (each also emitted `ReadingRecorded`).
			accepted: u32,
			/// Readings refused (each also emitted `ReadingRefused`).
			refused: u32,
		},
		/// The operator registered a data concentrator.
		ConcentratorAdded {
			/// The concentrator's account.
			concentrator: T::AccountId,
		},
		/// The operator removed a data concentrator.
		ConcentratorRemoved {
			/// The concentrator's account.
			concentrator: T::AccountId,
		},
	}

	/// Errors of the pallet. The first eleven are the reasons a meter reading is refused, in
	/// the order (and with the indices) of [`ReadingRejection`]: a refused reading transaction
	/// carries the same index as `InvalidTransaction::Custom`.
	#[pallet::error]
	pub enum Error<T> {
		/// The signing key is not a bound meter.
		UnknownMeter,
		/// The signing key was revoked or rotated out.
		MeterRevoked,
		/// The meter's participant is suspended.
		ParticipantSuspended,
		/// The meter's participant has not been approved.
		ParticipantNotApproved,
		/// The reading's period has not ended yet.
		PeriodNotEnded,
		/// The reading's period ended more than `MaxReadingDelay` periods ago.
		ReadingTooOld,
		/// The reading's period is not later than the meter's last accepted one.
		PeriodNotAfterLast,
		/// The import counter is below the last accepted one.
		ImportCounterWentBackwards,
		/// The export counter is below the last accepted one.
		ExportCounterWentBackwards,
		/// The import increase exceeds what the connection capacity allows in the periods
		/// since the last reading.
		ImplausibleImport,
		/// The export increase exceeds what the generation capacity allows in the periods
		/// since the last reading.
		ImplausibleExport,
		/// The account is already a registered participant.
		AlreadyRegistered,
		/// The account is not a registered participant.
		NotRegistered,
		/// The account is a meter key, which cannot be a participant.
		AccountIsMeter,
		/// A consumer declared a generation capacity; consumers have none.
		ConsumerWithGeneration,
		/// A producer or prosumer declared no generation capacity.
		NoGenerationCapacity,
		/// A consumer or prosumer declared no connection capacity to import through.
		NoConnectionCapacity,
		/// A declared capacity exceeds `MaxCapacityW`.
		CapacityTooLarge,
		/// The account cannot afford the deposit.
		InsufficientBalanceForDeposit,
		/// The participant still has open orders.
		HasOpenOrders,
		/// A period the participant traded in is not settled yet.
		HasUnsettledPeriods,
		/// The participant is already approved and has no zone change pending.
		AlreadyApproved,
		/// The participant is already suspended.
		AlreadySuspended,
		/// The participant already has a meter; rotate it instead.
		ParticipantHasMeter,
		/// The participant has no meter.
		NoMeter,
		/// The key is, or was, bound to a meter; keys are bound once.
		MeterKeyAlreadyUsed,
		/// The key is a registered participant's account, which cannot be a meter key.
		MeterKeyIsParticipant,
		/// The account is not a registered data concentrator.
		NotConcentrator,
		/// The account is already a registered data concentrator.
		AlreadyConcentrator,
		/// A batch of relayed readings carries none.
		EmptyBatch,
		/// A relayed reading's signature is not its meter's.
		BadReadingSignature,
		/// A batch carries a second reading of the same meter; only the first counts.
		MeterTwiceInBatch,
	}

	impl<T: Config> From<ReadingRejection> for Error<T> {
		fn from(rejection: ReadingRejection) -> Self {
			match rejection {
				ReadingRejection::UnknownMeter => Error::UnknownMeter,
				ReadingRejection::MeterRevoked => Error::MeterRevoked,
				ReadingRejection::ParticipantSuspended => Error::ParticipantSuspended,
				ReadingRejection::ParticipantNotApproved => Error::ParticipantNotApproved,
				ReadingRejection::PeriodNotEnded => Error::PeriodNotEnded,
				ReadingRejection::ReadingTooOld => Error::ReadingTooOld,
				ReadingRejection::PeriodNotAfterLast => Error::PeriodNotAfterLast,
				ReadingRejection::ImportCounterWentBackwards => Error::ImportCounterWentBackwards,
				ReadingRejection::ExportCounterWentBackwards => Error::ExportCounterWentBackwards,
				ReadingRejection::ImplausibleImport => Error::ImplausibleImport,
				ReadingRejection::ImplausibleExport => Error::ImplausibleExport,
			}
		}
	}

	/// Participants and meters present at genesis (demo and test networks).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Participants registered and approved at genesis, their deposits held.
		pub participants: Vec<(T::AccountId, Profile)>,
		/// Meter keys bound at genesis: `(participant, meter key)`, commissioned at zero.
		pub meters: Vec<(T::AccountId, T::AccountId)>,
		/// Length of a delivery period in seconds; `0` keeps `PeriodSeconds`.
		pub period_seconds: u32,
		/// Data concentrators registered at genesis.
		pub concentrators: Vec<T::AccountId>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// A chain cannot start from an invalid genesis, and genesis has no caller to
			// return an error to: like every FRAME pallet, refuse it loudly.
			if self.period_seconds > 0 {
				PeriodLength::<T>::put(self.period_seconds);
			}
			for (who, profile) in &self.participants {
				Pallet::<T>::do_register(who.clone(), *profile)
					.expect("genesis participants are valid and can pay the deposit");
				Pallet::<T>::do_approve(who.clone()).expect("a genesis participant is registered");
			}
			for (participant, meter) in &self.meters {
				Pallet::<T>::do_bind_meter(
					participant.clone(),
					meter.clone(),
					MeterCounters::default(),
				)
				.expect("genesis meters are fresh keys of registered participants");
			}
			for concentrator in &self.concentrators {
				Pallet::<T>::do_add_concentrator(concentrator.clone())
					.expect("genesis concentrators are listed once");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::PeriodSeconds::get() > 0, "a delivery period lasts at least a second");
			assert!(T::MaxReadingDelay::get() > 0, "a reading must be accepted after its period");
			assert!(T::MaxPeriodsRetained::get() > 0, "at least one period of energy is kept");
			assert!(T::MaxCapacityW::get() > 0, "some capacity must be declarable");
			assert!(T::MaxReadingsPerBatch::get() > 0, "a batch carries at least one reading");
		}

		/// Charges, in block 1 only, what `on_finalize` does then: it reads whether
		/// [`ChainStartPeriod`] is set, the clock and the period length, and writes it.
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			if n.is_one() {
				T::DbWeight::get().reads_writes(3, 1)
			} else {
				Weight::zero()
			}
		}

		/// Records the chain's first delivery period at the end of block 1, when the block's
		/// timestamp is set.
		fn on_finalize(n: BlockNumberFor<T>) {
			if n.is_one() && !ChainStartPeriod::<T>::exists() {
				ChainStartPeriod::<T>::put(Self::current_period());
			}
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
		/// Register the caller as a participant with `profile`, holding `ParticipantDeposit`
		/// from its free balance. It may trade once the operator approves it.
		///
		/// Origin: signed by the participant. Emits `ParticipantRegistered`.
		/// Weight: `register`, benchmarked.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(origin: OriginFor<T>, profile: Profile) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(who, profile)
		}

		/// Change the caller's profile. Role and capacities apply at once; a new zone waits
		/// for the operator's approval (unless the participant was never approved).
		///
		/// Origin: signed by the participant. Emits `ProfileUpdated`, and
		/// `ZoneChangeRequested` when the zone changes. Weight: `update_profile`, benchmarked.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_profile())]
		pub fn update_profile(origin: OriginFor<T>, profile: Profile) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_profile(who, profile)
		}

		/// Leave the market: release the deposit, revoke the meter and drop the energy
		/// history. Refused while the participant has open orders or unsettled periods.
		///
		/// Origin: signed by the participant. Emits `ParticipantDeregistered`.
		/// Weight: `deregister`, benchmarked.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::deregister())]
		pub fn deregister(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister(who)
		}

		/// Approve a participant: a new one, a pending zone change, or a suspended one's
		/// return.
		///
		/// Origin: `OperatorOrigin`. Emits `ParticipantApproved`. Weight: `approve`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::approve())]
		pub fn approve(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_approve(who)
		}

		/// Suspend a participant: its meter's readings are refused until it is approved again,
		/// and the market is told (`OnSuspend`), which cancels its open orders.
		///
		/// Origin: `OperatorOrigin`. Emits `ParticipantSuspended`, and the market's events.
		/// Weight: `suspend` plus the most the market's hook can weigh.
		#[pallet::call_index(4)]
		#[pallet::weight(
			T::WeightInfo::suspend().saturating_add(T::OnSuspend::on_suspended_max_weight())
		)]
		pub fn suspend(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_suspend(who)
		}

		/// Bind the meter key `meter` to `participant`, with the counters read off the meter
		/// at commissioning. The key must never have been bound and must not be a participant.
		///
		/// Origin: `OperatorOrigin`. Emits `MeterBound`. Weight: `bind_meter`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::bind_meter())]
		pub fn bind_meter(
			origin: OriginFor<T>,
			participant: T::AccountId,
			meter: T::AccountId,
			counters: MeterCounters,
		) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_bind_meter(participant, meter, counters)
		}

		/// Revoke `participant`'s meter key for good.
		///
		/// Origin: `OperatorOrigin`. Emits `MeterRevoked`. Weight: `revoke_meter`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::revoke_meter())]
		pub fn revoke_meter(origin: OriginFor<T>, participant: T::AccountId) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_revoke_meter(participant)
		}

		/// Replace `participant`'s meter key with `new_meter` (a meter exchange or a key
		/// rotation): the old key is revoked, the new one continues after the last accepted
		/// period.
		///
		/// Origin: `OperatorOrigin`. Emits `MeterRotated`. Weight: `rotate_meter`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::rotate_meter())]
		pub fn rotate_meter(
			origin: OriginFor<T>,
			participant: T::AccountId,
			new_meter: T::AccountId,
			counters: MeterCounters,
		) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_rotate_meter(participant, new_meter, counters)
		}

		/// Submit a meter reading: the counters at the end of `reading.period`.
		///
		/// Origin: signed by a bound meter key. Free of fees: [`CheckMeterReading`] refuses
		/// invalid readings during transaction validation, so only valid ones reach a block.
		/// Emits `ReadingRecorded`, and tells [`Config::OnReading`] (the energy ledger debits the
		/// import). Weight: `submit_reading`, benchmarked with a full history, plus the hook's.
		#[pallet::call_index(8)]
		#[pallet::weight((
			T::WeightInfo::submit_reading().saturating_add(T::OnReading::on_reading_weight()),
			DispatchClass::Normal,
			Pays::No
		))]
		pub fn submit_reading(origin: OriginFor<T>, reading: MeterReading) -> DispatchResult {
			let meter = ensure_signed(origin)?;
			Self::do_submit_reading(meter, reading)
		}

		/// Relay a batch of meter readings, each signed by its own meter
		/// ([`relayed_reading_message`]): a data concentrator (gateway) collects its meters'
		/// readings and submits them in one transaction, which saves each reading the
		/// transaction's own overhead.
		///
		/// Every reading gets the checks a reading submitted by its meter gets, plus its
		/// signature; one that fails is skipped with `ReadingRefused` and the rest are
		/// recorded. In the pool, [`CheckMeterReading`] refuses a batch from an account that
		/// is not a concentrator, or with no acceptable reading.
		///
		/// Origin: signed by a registered concentrator ([`Concentrators`]). Free of fees.
		/// Emits `ReadingRecorded` or `ReadingRefused` per reading, then `ReadingsRelayed`;
		/// the ledger's events per recorded reading. Weight: `submit_readings(n)` plus the
		/// ledger's `on_readings_weight(n, n)` (every reading in a zone and period of its
		/// own); the ledger's part is refunded down to the readings recorded and the zones and
		/// periods they share.
		#[pallet::call_index(9)]
		#[pallet::weight({
			let n = readings.len() as u32;
			(Pallet::<T>::submit_readings_weight(n, n, n), DispatchClass::Normal, Pays::No)
		})]
		pub fn submit_readings(
			origin: OriginFor<T>,
			readings: ReadingBatchOf<T>,
		) -> DispatchResultWithPostInfo {
			let concentrator = ensure_signed(origin)?;
			Self::do_submit_readings(concentrator, readings)
		}

		/// Register `concentrator` as a data concentrator, which may relay batches of meter
		/// readings without a fee.
		///
		/// Origin: `OperatorOrigin`. Emits `ConcentratorAdded`. Weight: `add_concentrator`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::add_concentrator())]
		pub fn add_concentrator(
			origin: OriginFor<T>,
			concentrator: T::AccountId,
		) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_add_concentrator(concentrator)
		}

		/// Remove the data concentrator `concentrator`; its batches are refused from now on.
		///
		/// Origin: `OperatorOrigin`. Emits `ConcentratorRemoved`. Weight: `remove_concentrator`.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::remove_concentrator())]
		pub fn remove_concentrator(
			origin: OriginFor<T>,
			concentrator: T::AccountId,
		) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_remove_concentrator(concentrator)
		}
	}
}
