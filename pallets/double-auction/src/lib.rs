//! # Double auction pallet
//!
//! The energy market's order book and its clearing.
//!
//! - **Orders.** An approved participant (pallet-prosumer's [`ParticipantRegistry`]) places a
//!   bid or an offer for a future delivery period: energy in Wh and a limit price per kWh.
//!   Every order holds a deposit ([`Config::OrderDeposit`]) while it is open, and a bid also
//!   its worst-case cost (`energy × limit`). The energy of a participant's bids (offers) for
//!   one period, open or already filled ([`TradedEnergy`]), may not exceed what its
//!   connection (generation) capacity moves in a period. A price of zero and dust are
//!   refused.
//! - **The book.** Each side of a period's book holds at most [`Config::MaxOrdersPerSide`]
//!   orders, kept sorted by competitiveness in [`BookIndex`]. When a side is full, an order
//!   that ranks strictly above its least competitive order evicts it (refunded in full);
//!   otherwise it is refused with `BookFull`. Filling a book so that others cannot trade thus
//!   costs a deposit per order and orders that keep beating the newcomers, and they trade.
//! - **Clearing.** `on_initialize` determines the trades of the earliest delivery period
//!   whose book changed since it was last cleared. The mechanism is the consortium's choice
//!   ([`Mechanism`]): a uniform-price double auction with the k-rule, McAfee's trade
//!   reduction, or the zone market. The logic is `energy_market`'s; losses come from the
//!   grid of pallet-zone-market ([`ZoneGrid`]). Partly filled orders stay in the book.
//! - **Settlement.** The trades are settled in bounded chunks, over as many blocks as they
//!   take ([`Settlement`], [`PendingTrades`]), each trade all or nothing: it moves
//!   `cost(delivered, seller_price)` from the buyer's escrow to the seller, burns what the
//!   buyer pays above that (McAfee's surplus), and releases the escrow the bid no longer
//!   needs. `sold = delivered + lost`, and every price lies between the offer's and the
//!   bid's limits. The energy ledger is told of each trade ([`OnTrade`]). A trade whose order
//!   left the book meanwhile is voided (`TradeVoided`).
//! - **Expiry.** When a delivery period begins, its book closes: the orders left are removed
//!   and their escrow and deposits released, a bounded number a block.
//!
//! Work in `on_initialize` stays within [`Config::ClearingBudget`]: each step (settling
//! trades, closing orders, determining a book) is weighed from the benchmarks at its real
//! size before it runs, and runs only if it fits. Calls check their origin here and delegate
//! to the `do_*` functions in `functions.rs` (orders) and `clearing.rs` (clearing,
//! settlement, expiry), which check everything first and write last.

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

pub use pallet::*;

mod clearing;
mod functions;
mod impls;
pub mod runtime_api;
mod sealed;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use energy_primitives::{
	OnTrade, ParticipantRegistry, PeriodIndex, TradedEnergy, WattHours, ZoneGrid,
};
pub use types::*;
pub use weights::WeightInfo;

extern crate alloc;

/// What the benchmarks need of the runtime: a clock, participants and a grid.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Make the runtime's Unix time `millis` milliseconds.
	fn set_unix_time_ms(millis: u64);
	/// Make `who` an approved participant in `zone` with the largest capacities.
	fn approved_participant(who: &AccountId, zone: u32);
	/// Put the largest grid the runtime allows in force, every zone within trading distance
	/// of every other and no line capacity limit, so that the zone market searches them all.
	fn set_largest_grid();
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use energy_market::Price;
	use polkadot_sdk::{
		frame_support::{
			pallet_prelude::*,
			traits::fungible::{Mutate, MutateHold},
			traits::UnixTime,
		},
		frame_system::pallet_prelude::*,
	};

	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> =
		<<T as Config>::Currency as polkadot_sdk::frame_support::traits::fungible::Inspect<
			<T as polkadot_sdk::frame_system::Config>::AccountId,
		>>::Balance;
	/// An order of this runtime.
	pub type OrderOf<T> = Order<<T as polkadot_sdk::frame_system::Config>::AccountId, BalanceOf<T>>;
	/// The state of one delivery period's book.
	pub type BookStateOf<T> = BookState<BalanceOf<T>>;
	/// Trades kept in one storage page while a clearing settles.
	pub const TRADES_PER_PAGE: u32 = 256;
	/// One page of determined trades.
	pub type TradePage = BoundedVec<PendingTrade, ConstU32<TRADES_PER_PAGE>>;
	/// Delivery periods, earliest first.
	pub type PeriodsOf<T> = BoundedVec<PeriodIndex, <T as Config>::MaxOpenBooks>;

	/// Version 1: books are sorted indexes ([`BookIndex`]) with per-side counters
	/// ([`Books`]), orders hold a deposit, and clearings settle over several blocks. It ships
	/// onto chains with no open orders (no chain ran version 0 with orders; see docs).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why funds are held.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The worst-case cost of an open bid.
		BidEscrow,
		/// The deposit of an open order.
		OrderDeposit,
	}

	/// Configuration of the pallet.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency bids escrow and trades are paid in.
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;
		/// Who may change the mechanism: the market operator (the consortium in our runtime).
		type OperatorOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The participant registry: who may trade, in what zone, with what capacities.
		type Participants: ParticipantRegistry<Self::AccountId>;
		/// The grid: zones, distances, line capacity and losses.
		type Grid: ZoneGrid;
		/// Told of every settled trade: the energy ledger credits the buyer (`creditEnergy`).
		type OnTrade: OnTrade<Self::AccountId>;
		/// What each participant has already traded per period: filled orders count against
		/// its capacity as much as open ones.
		type Traded: TradedEnergy<Self::AccountId>;
		/// The chain's clock, which says what delivery period it is.
		type UnixTime: UnixTime;
		/// Length of a delivery period, seconds (the same as pallet-prosumer's).
		#[pallet::constant]
		type PeriodSeconds: Get<u32>;
		/// How many delivery periods ahead orders may be placed.
		#[pallet::constant]
		type MaxPeriodsAhead: Get<u32>;
		/// The most delivery periods with open orders at once (at least `MaxPeriodsAhead`, with
		/// room for periods that have begun but whose books are not closed yet).
		#[pallet::constant]
		type MaxOpenBooks: Get<u32>;
		/// The most orders on one side of a delivery period's book: a book holds twice this.
		/// Per side, so that a side filled with uncompetitive orders never leaves the other
		/// side without a way in. Bounds one determination's work.
		#[pallet::constant]
		type MaxOrdersPerSide: Get<u32>;
		/// Held from the owner while an order is open; returned when it fills, is cancelled,
		/// evicted or expires. What makes filling a book cost something.
		#[pallet::constant]
		type OrderDeposit: Get<BalanceOf<Self>>;
		/// The most weight `on_initialize` spends on the market in one block: determining,
		/// settling and closing books. Every step is weighed before it runs and runs only if
		/// it fits; `integrity_test` checks a full book's determination fits alone.
		#[pallet::constant]
		type ClearingBudget: Get<Weight>;
		/// The most open orders of one account, over all periods.
		#[pallet::constant]
		type MaxOpenOrdersPerAccount: Get<u32>;
		/// The least average power an order may stand for over its delivery period. Smaller
		/// orders are dust: they would fill a book for nothing. The smallest order is this
		/// power over one period ([`Pallet::min_order_wh`]), and at least 1 Wh.
		#[pallet::constant]
		type MinOrderPowerW: Get<energy_primitives::Watts>;
		/// Weights of the calls and of the clearing, from the benchmarks.
		type WeightInfo: WeightInfo;
		/// Sets up what the benchmarks need.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The mechanism the next clearing uses.
	#[pallet::storage]
	pub type MarketMechanism<T: Config> = StorageValue<_, Mechanism, ValueQuery>;

	/// Open orders by id.
	#[pallet::storage]
	pub type Orders<T: Config> = StorageMap<_, Twox64Concat, OrderId, OrderOf<T>, OptionQuery>;

	/// The book of each delivery period that has open orders: its size per side, and its
	/// closing's progress.
	#[pallet::storage]
	pub type Books<T: Config> =
		StorageMap<_, Twox64Concat, PeriodIndex, BookStateOf<T>, OptionQuery>;

	/// The open orders of each delivery period and side, by [`RankKey`]: iterating a side
	/// yields its least competitive order first. Holds what the clearing needs of each order,
	/// so that determining a book reads nothing else.
	#[pallet::storage]
	pub type BookIndex<T: Config> = StorageNMap<
		_,
		(NMapKey<Twox64Concat, PeriodIndex>, NMapKey<Identity, Side>, NMapKey<Identity, RankKey>),
		BookEntry,
		OptionQuery,
	>;

	/// The mode of books whose period has none of its own (see [`BookMode`]).
	#[pallet::storage]
	pub type DefaultBookMode<T: Config> = StorageValue<_, BookMode, ValueQuery>;

	/// The mode of a delivery period's book: set by the operator, or frozen from the default
	/// when the book gets its first order or commitment.
	#[pallet::storage]
	pub type PeriodModes<T: Config> =
		StorageMap<_, Twox64Concat, PeriodIndex, BookMode, OptionQuery>;

	/// Sealed orders committed and not revealed, by period, owner and commitment: the
	/// deposit held.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		PeriodIndex,
		Blake2_128Concat,
		(T::AccountId, [u8; 32]),
		BalanceOf<T>,
		OptionQuery,
	>;

	/// The commitments of each account, `(period, commitment)`.
	#[pallet::storage]
	pub type CommitsOf<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<(PeriodIndex, [u8; 32]), T::MaxOpenOrdersPerAccount>,
		ValueQuery,
	>;

	/// The clearing being settled, if any: one at a time, a bounded number of trades a block.
	#[pallet::storage]
	pub type Settlement<T: Config> = StorageValue<_, Clearing, OptionQuery>;

	/// The trades of the clearing being settled, [`TRADES_PER_PAGE`] a page, in the order the
	/// mechanism made them. Removed as they are settled.
	#[pallet::storage]
	pub type PendingTrades<T: Config> = StorageMap<_, Twox64Concat, u32, TradePage, OptionQuery>;

	/// The open orders of each account.
	#[pallet::storage]
	pub type OpenOrdersOf<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<OrderId, T::MaxOpenOrdersPerAccount>,
		ValueQuery,
	>;

	/// Delivery periods that have a book, earliest first.
	#[pallet::storage]
	pub type OpenBooks<T: Config> = StorageValue<_, PeriodsOf<T>, ValueQuery>;

	/// Delivery periods whose book changed since it was last cleared, earliest first.
	#[pallet::storage]
	pub type PendingClearing<T: Config> = StorageValue<_, PeriodsOf<T>, ValueQuery>;

	/// The id the next order gets.
	#[pallet::storage]
	pub type NextOrderId<T: Config> = StorageValue<_, OrderId, ValueQuery>;

	/// Events of the pallet.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A participant placed an order.
		OrderPlaced {
			/// The new order's id.
			order: OrderId,
			/// Its owner.
			owner: T::AccountId,
			/// Bid or offer.
			side: Side,
			/// The delivery period.
			period: PeriodIndex,
			/// Energy asked for or offered, Wh.
			energy_wh: WattHours,
			/// Limit price per kWh.
			price_per_kwh: Price,
			/// Funds held (bids only).
			escrow: BalanceOf<T>,
			/// The order deposit held.
			deposit: BalanceOf<T>,
		},
		/// A full side of a book took a more competitive order: its least competitive order
		/// was removed, and its escrow and deposit released.
		OrderEvicted {
			/// The order removed.
			order: OrderId,
			/// Its owner.
			owner: T::AccountId,
			/// The order that took its place.
			by: OrderId,
			/// Energy that had not traded, Wh.
			remaining_wh: WattHours,
			/// Escrow and deposit released.
			released: BalanceOf<T>,
		},
		/// A trade the clearing determined was not settled; nothing of it changed.
		TradeVoided {
			/// The delivery period.
			period: PeriodIndex,
			/// The bid.
			bid: OrderId,
			/// The offer.
			offer: OrderId,
			/// Why.
			reason: VoidReason,
		},
		/// An order was cancelled, by its owner or because the consortium suspended the owner;
		/// its deposit and a bid's escrow were released.
		OrderCancelled {
			/// The order.
			order: OrderId,
			/// Its owner.
			owner: T::AccountId,
			/// Energy that had not traded, Wh.
			remaining_wh: WattHours,
			/// Escrow and deposit released.
			released: BalanceOf<T>,
		},
		/// A bid and an offer traded, and the trade was settled.
		Traded {
			/// The delivery period.
			period: PeriodIndex,
			/// The bid.
			bid: OrderId,
			/// The offer.
			offer: OrderId,
			/// The bid's owner.
			buyer: T::AccountId,
			/// The offer's owner.
			seller: T::AccountId,
			/// Energy the seller injects, Wh: `delivered + lost`.
			sold_wh: WattHours,
			/// Energy that reaches the buyer, Wh.
			delivered_wh: WattHours,
			/// Energy lost on the line, Wh.
			lost_wh: WattHours,
			/// What the buyer paid per delivered kWh.
			buyer_price: Price,
			/// What the seller received per delivered kWh.
			seller_price: Price,
			/// What the buyer paid.
			paid: BalanceOf<T>,
			/// What the seller received (less than `paid` only under McAfee's reduction;
			/// the difference is burned).
			received: BalanceOf<T>,
		},
		/// A delivery period's book was cleared: its trades were determined, then settled
		/// (over several blocks for a large book).
		BookCleared {
			/// The delivery period.
			period: PeriodIndex,
			/// The mechanism used.
			mechanism: Mechanism,
			/// Orders that took part.
			orders: u32,
			/// Trades settled (those voided are not counted).
			trades: u32,
			/// Energy sold, Wh.
			sold_wh: WattHours,
			/// Energy lost on the lines, Wh.
			lost_wh: WattHours,
		},
		/// A book could not be cleared; nothing changed. Its orders stay open.
		ClearingFailed {
			/// The delivery period.
			period: PeriodIndex,
			/// Why: the pallet's `InvalidBook` or `Overflow` when the market logic refused the
			/// book, otherwise the error settlement met.
			error: DispatchError,
		},
		/// A delivery period began: its book closed, its orders were removed and their
		/// escrow and deposits released (over several blocks for a large book).
		BookClosed {
			/// The delivery period.
			period: PeriodIndex,
			/// Orders that expired with energy left.
			expired: u32,
			/// Escrow and deposits released to their owners.
			released: BalanceOf<T>,
		},
		/// The operator chose when a period's book (or, with no period, every book without a
		/// mode of its own) is cleared.
		BookModeSet {
			/// The delivery period, or none for the default.
			period: Option<PeriodIndex>,
			/// The mode.
			mode: BookMode,
		},
		/// A participant committed to a sealed order.
		OrderCommitted {
			/// The delivery period.
			period: PeriodIndex,
			/// Who committed.
			owner: T::AccountId,
			/// The commitment (`DoubleAuctionApi::order_commitment`).
			commitment: [u8; 32],
			/// The deposit held until the order is revealed.
			deposit: BalanceOf<T>,
		},
		/// A sealed order was revealed and placed (`OrderPlaced` follows with its id); the
		/// commitment's deposit was released.
		OrderRevealed {
			/// The delivery period.
			period: PeriodIndex,
			/// Its owner.
			owner: T::AccountId,
			/// The commitment it matched.
			commitment: [u8; 32],
		},
		/// A revealed order found its side full of better orders: it was not placed, and the
		/// commitment's deposit was released.
		RevealCrowdedOut {
			/// The delivery period.
			period: PeriodIndex,
			/// Its owner.
			owner: T::AccountId,
			/// The commitment it matched.
			commitment: [u8; 32],
		},
		/// A commitment was not revealed by the gate: its deposit was burned.
		CommitmentForfeited {
			/// The delivery period.
			period: PeriodIndex,
			/// Who committed.
			owner: T::AccountId,
			/// The commitment.
			commitment: [u8; 32],
			/// The deposit burned.
			burned: BalanceOf<T>,
		},
		/// A commitment was dropped through no fault of its owner (a suspension, or a book
		/// closed before its gate was processed): its deposit was released.
		CommitmentReleased {
			/// The delivery period.
			period: PeriodIndex,
			/// Who committed.
			owner: T::AccountId,
			/// The commitment.
			commitment: [u8; 32],
		},
		/// The operator changed the mechanism; every open book will be cleared with it.
		MechanismSet {
			/// The mechanism in force.
			mechanism: Mechanism,
		},
	}

	/// Errors of the pallet.
	#[pallet::error]
	pub enum Error<T> {
		/// The caller is not an approved participant.
		NotApproved,
		/// An order for no energy.
		ZeroEnergy,
		/// The delivery period has begun (or passed): its book is closed.
		DeliveryPeriodClosed,
		/// The delivery period is more than `MaxPeriodsAhead` periods away.
		DeliveryPeriodTooFar,
		/// The owner's bids (offers) for the period, open or filled, would exceed what its
		/// connection (generation) capacity moves in a period.
		ExceedsCapacity,
		/// The participant's zone is not in the grid.
		ZoneNotInGrid,
		/// The order's side of the period's book holds `MaxOrdersPerSide` orders, and the order
		/// does not rank strictly above the least competitive of them.
		BookFull,
		/// The account has `MaxOpenOrdersPerAccount` open orders.
		TooManyOpenOrders,
		/// `MaxOpenBooks` periods already have books.
		TooManyOpenBooks,
		/// The account cannot afford the bid's escrow.
		InsufficientBalanceForEscrow,
		/// No open order has this id.
		UnknownOrder,
		/// The order belongs to someone else.
		NotOwner,
		/// The mechanism's `k` is above 1 000 000 ppm.
		InvalidMechanism,
		/// The zone market needs a grid, and there is none.
		NoGrid,
		/// An amount does not fit the balance type, or a book is outside the supported range.
		Overflow,
		/// The market logic refused the book (defensive: placing orders prevents it).
		InvalidBook,
		/// Moving funds failed during settlement (defensive: escrow covers every trade).
		SettlementFailed,
		/// An order for less energy than the smallest order (`MinOrderPowerW` over a period).
		BelowMinimumEnergy,
		/// An order at a price of zero.
		ZeroPrice,
		/// The account cannot afford the order deposit (with a bid's escrow).
		InsufficientBalanceForDeposit,
		/// The period's mode cannot change: its book has orders or commitments.
		BookNotEmpty,
		/// Commitments and reveals are for sealed books only.
		NotSealed,
		/// The period's book is sealed: commit to an order, then reveal it.
		SealedBook,
		/// The reveal window has opened: no more commitments for this period.
		CommitClosed,
		/// The account already made this commitment for this period.
		DuplicateCommitment,
		/// The period's book or the account holds the most commitments allowed.
		TooManyCommitments,
		/// Outside the period's reveal window (half a period before its gate).
		NotRevealTime,
		/// No commitment of the caller's for this period matches the revealed order.
		UnknownCommitment,
		/// The gate of this call or sealed book has closed (one period before delivery).
		GateClosed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Settle the clearing in progress, close books whose delivery period has begun, and
		/// determine the earliest book that changed, as far as [`Config::ClearingBudget`]
		/// allows. Returns the weight of what was done, from the benchmarks.
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			Self::do_on_initialize()
		}

		fn integrity_test() {
			assert!(T::PeriodSeconds::get() > 0, "a delivery period lasts at least a second");
			assert!(T::MaxPeriodsAhead::get() > 0, "orders may be placed at least a period ahead");
			assert!(
				T::MaxOpenBooks::get() > T::MaxPeriodsAhead::get(),
				"every period orders may be placed for can have a book, with room for one closing"
			);
			assert!(T::MaxOrdersPerSide::get() > 0, "a book holds at least a bid and an offer");
			assert!(T::MaxOpenOrdersPerAccount::get() > 0, "an account may have an open order");
			assert!(MarketMechanism::<T>::get().is_valid(), "the default mechanism is valid");
			let budget = T::ClearingBudget::get();
			let max_block = T::BlockWeights::get().max_block;
			assert!(
				budget.all_lte(max_block / 4),
				"the clearing budget ({budget}) fits in a quarter of a block ({max_block})"
			);
			let determine = Self::worst_determination_weight();
			assert!(
				determine.all_lte(budget),
				"a full book's determination ({determine}) fits in the budget ({budget})"
			);
			let one_step = Self::settle_weight(1).max(Self::expire_weight(1));
			assert!(
				determine.saturating_add(one_step).all_lte(budget),
				"after a full determination a trade can still settle in the budget"
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
		/// Place a bid or offer for `period`: `energy_wh` at a limit of `price_per_kwh`. The
		/// order holds `OrderDeposit`, and a bid `energy_wh × price_per_kwh / 1000`, from the
		/// caller until it trades, expires or is cancelled. If its side of the book is full,
		/// it evicts the least competitive order there if it ranks strictly above it. The
		/// book is cleared from the next block on.
		///
		/// Origin: signed by an approved participant. Emits `OrderPlaced`, and
		/// `OrderEvicted` when it takes a full side's last place.
		/// Weight: `place_order(o, e)`, benchmarked by the caller's open orders `o` (each read
		/// for the capacity check) and whether it evicted an order (`e`), plus the ledger's
		/// `traded` query. Charged for a full list and an eviction; what was not done is
		/// refunded.
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::place_order_weight(T::MaxOpenOrdersPerAccount::get(), true))]
		pub fn place_order(
			origin: OriginFor<T>,
			side: Side,
			period: PeriodIndex,
			energy_wh: WattHours,
			price_per_kwh: Price,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let placed = Self::do_place_order(who, side, period, energy_wh, price_per_kwh)?;
			Ok(Some(Self::place_order_weight(placed.own_orders, placed.evicted)).into())
		}

		/// Cancel an open order (what is left of it), releasing its deposit and a bid's escrow.
		/// A trade determined for it and not yet settled is voided.
		///
		/// Origin: signed by the order's owner. Emits `OrderCancelled`.
		/// Weight: `cancel_order`, benchmarked with the order the last of its book.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel_order())]
		pub fn cancel_order(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_order(who, order)
		}

		/// Commit to a sealed order for `period`: `commitment` is the hash of the order and a
		/// salt (`DoubleAuctionApi::order_commitment`, docs/trading.md). Holds `OrderDeposit`
		/// until it is revealed; forfeited (burned) if it is not by the gate.
		///
		/// Origin: signed by an approved participant. Emits `OrderCommitted`.
		/// Weight: `commit_order`, benchmarked.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::commit_order())]
		pub fn commit_order(
			origin: OriginFor<T>,
			period: PeriodIndex,
			commitment: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_order(who, period, commitment)
		}

		/// Reveal a sealed order in its period's reveal window: the order and the salt whose
		/// hash the caller committed. The commitment's deposit is released and the order placed
		/// as `placeOrder` would (deposit, escrow, capacity, eviction). If its side is full of
		/// better orders it is not placed (`RevealCrowdedOut`).
		///
		/// Origin: signed by the committer. Emits `OrderRevealed` and `OrderPlaced`, or
		/// `RevealCrowdedOut`. Weight: `reveal_order`, benchmarked with an eviction and the
		/// caller's list full.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::reveal_order().saturating_add(T::Traded::traded_weight()))]
		pub fn reveal_order(
			origin: OriginFor<T>,
			period: PeriodIndex,
			side: Side,
			energy_wh: WattHours,
			price_per_kwh: Price,
			salt: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal_order(who, period, side, energy_wh, price_per_kwh, salt).map(|_| ())
		}

		/// Choose when `period`'s book is cleared (continuously, once at the gate, or sealed),
		/// or with no period the default for books without a mode of their own. A period's
		/// mode is refused once its book has an order or a commitment (`BookNotEmpty`).
		///
		/// Origin: the operator. Emits `BookModeSet`. Weight: `set_period_mode`, benchmarked.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_period_mode())]
		pub fn set_period_mode(
			origin: OriginFor<T>,
			period: Option<PeriodIndex>,
			mode: BookMode,
		) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_set_period_mode(period, mode)
		}

		/// Choose how books are cleared, from the next clearing on; every open book is cleared
		/// again with it.
		///
		/// Origin: the operator. Emits `MechanismSet`. Weight: `set_mechanism`, benchmarked.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_mechanism())]
		pub fn set_mechanism(origin: OriginFor<T>, mechanism: Mechanism) -> DispatchResult {
			T::OperatorOrigin::ensure_origin(origin)?;
			Self::do_set_mechanism(mechanism)
		}
	}
}
