//! Placing and cancelling orders, choosing the mechanism, and the pallet's invariants. Every
//! `do_*` function checks everything first and writes last, so a refused call changes nothing.

use crate::{pallet::*, types::*, ParticipantRegistry, TradedEnergy, WeightInfo, ZoneGrid};
use energy_market::Price;
use energy_primitives::{PeriodIndex, WattHours, Watts};
use polkadot_sdk::{
	frame_support::{
		defensive,
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, MutateHold},
			tokens::{Fortitude, Precision, Preservation},
			UnixTime,
		},
	},
	sp_runtime::traits::{Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// The delivery period the chain's clock is in.
	pub fn current_period() -> PeriodIndex {
		energy_primitives::period_at(T::UnixTime::now().as_secs(), T::PeriodSeconds::get())
	}

	/// The energy `capacity_w` moves in one delivery period, Wh: the rule meter readings are
	/// judged by too ([`energy_primitives::energy_bound_wh`]).
	pub fn energy_per_period(capacity_w: Watts) -> WattHours {
		energy_primitives::energy_bound_wh(capacity_w, T::PeriodSeconds::get(), 1)
	}

	/// The smallest order, Wh: `MinOrderPowerW` over one delivery period, at least 1 Wh.
	pub fn min_order_wh() -> WattHours {
		Self::energy_per_period(T::MinOrderPowerW::get()).max(1)
	}

	/// `energy_wh` at `price_per_kwh`, rounded down, as a balance.
	pub fn cost(energy_wh: WattHours, price_per_kwh: Price) -> Result<BalanceOf<T>, Error<T>> {
		BalanceOf::<T>::try_from(energy_market::cost(energy_wh, price_per_kwh))
			.map_err(|_| Error::<T>::Overflow)
	}

	/// Insert `period` into a sorted list unless it is there. Returns whether it was added.
	pub(crate) fn insert_period(
		periods: &mut PeriodsOf<T>,
		period: PeriodIndex,
	) -> Result<bool, Error<T>> {
		match periods.binary_search(&period) {
			Ok(_) => Ok(false),
			Err(at) => periods
				.try_insert(at, period)
				.map(|()| true)
				.map_err(|_| Error::<T>::TooManyOpenBooks),
		}
	}

	/// Remove `period` from a sorted list if it is there.
	pub(crate) fn remove_period(periods: &mut PeriodsOf<T>, period: PeriodIndex) {
		if let Ok(at) = periods.binary_search(&period) {
			periods.remove(at);
		}
	}

	/// The weight of a placement by an account that had `own_orders` open orders, with an
	/// eviction or not, the ledger's query included.
	pub fn place_order_weight(own_orders: u32, evicted: bool) -> Weight {
		T::WeightInfo::place_order(own_orders, u32::from(evicted))
			.saturating_add(T::Traded::traded_weight())
	}

	pub(crate) fn do_place_order(
		who: T::AccountId,
		side: Side,
		period: PeriodIndex,
		energy_wh: WattHours,
		price_per_kwh: Price,
	) -> Result<Placed, DispatchError> {
		Self::place(who, side, period, energy_wh, price_per_kwh, false)
	}

	/// Place an order, from `placeOrder` or, `revealing`, from a sealed order's reveal.
	pub(crate) fn place(
		who: T::AccountId,
		side: Side,
		period: PeriodIndex,
		energy_wh: WattHours,
		price_per_kwh: Price,
		revealing: bool,
	) -> Result<Placed, DispatchError> {
		ensure!(T::Participants::is_approved(&who), Error::<T>::NotApproved);
		let profile = T::Participants::profile(&who).ok_or(Error::<T>::NotApproved)?;
		ensure!(energy_wh > 0, Error::<T>::ZeroEnergy);
		ensure!(energy_wh >= Self::min_order_wh(), Error::<T>::BelowMinimumEnergy);
		ensure!(price_per_kwh > 0, Error::<T>::ZeroPrice);
		let now = Self::current_period();
		ensure!(period > now, Error::<T>::DeliveryPeriodClosed);
		ensure!(
			period <= now.saturating_add(T::MaxPeriodsAhead::get()),
			Error::<T>::DeliveryPeriodTooFar
		);
		let existing = Books::<T>::get(period);
		let mode = match &existing {
			Some(book) => book.mode,
			None => Self::mode_for_new(period),
		};
		ensure!(mode != BookMode::Sealed || revealing, Error::<T>::SealedBook);
		if mode != BookMode::Continuous {
			ensure!(T::UnixTime::now().as_secs() < Self::gate_of(period), Error::<T>::GateClosed);
		}
		let zone = u16::try_from(profile.zone).map_err(|_| Error::<T>::ZoneNotInGrid)?;
		if T::Grid::has_grid() {
			ensure!(T::Grid::contains(profile.zone), Error::<T>::ZoneNotInGrid);
		}

		// The owner's other open orders on the same side of the same period, and what its
		// orders on that side have already been filled with, count against its capacity: an
		// offer that filled cannot be placed again beyond what the generator can make.
		let mut own = OpenOrdersOf::<T>::get(&who);
		let own_orders = own.len() as u32;
		let traded = T::Traded::traded(&who, period);
		let filled = match side {
			Side::Bid => traded.bought_wh,
			Side::Offer => traded.sold_wh,
		};
		let committed = own
			.iter()
			.filter_map(Orders::<T>::get)
			.filter(|order| order.side == side && order.period == period)
			.fold(filled, |sum, order| sum.saturating_add(order.remaining_wh));
		let capacity_w = match side {
			Side::Bid => profile.connection_capacity_w,
			Side::Offer => profile.generation_capacity_w,
		};
		ensure!(
			committed.saturating_add(energy_wh) <= Self::energy_per_period(capacity_w),
			Error::<T>::ExceedsCapacity
		);

		let escrow = match side {
			Side::Bid => Self::cost(energy_wh, price_per_kwh)?,
			Side::Offer => Zero::zero(),
		};
		let deposit = T::OrderDeposit::get();
		let spendable =
			T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite);
		ensure!(spendable >= escrow, Error::<T>::InsufficientBalanceForEscrow);
		ensure!(
			spendable.saturating_sub(escrow) >= deposit,
			Error::<T>::InsufficientBalanceForDeposit
		);

		let id = NextOrderId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let key = rank_key(side, price_per_kwh, id);
		let mut book = existing.unwrap_or_else(|| BookState { mode, ..Default::default() });
		// A full side takes the order only in place of its least competitive one.
		let evicted = if book.side(side) >= T::MaxOrdersPerSide::get() {
			let (worst_key, _) =
				BookIndex::<T>::iter_prefix((period, side)).next().ok_or(Error::<T>::BookFull)?;
			ensure!(key > worst_key, Error::<T>::BookFull);
			let (_, worst_id) = decode_rank_key(side, &worst_key);
			let worst = Orders::<T>::get(worst_id).ok_or_else(|| {
				defensive!("the book index lists open orders only");
				Error::<T>::BookFull
			})?;
			Some((worst_id, worst))
		} else {
			None
		};
		// The evicted order may be the owner's own: it leaves the owner's list first.
		let own_evicted = evicted.as_ref().is_some_and(|(_, worst)| worst.owner == who);
		let own_after = own.len().saturating_sub(usize::from(own_evicted));
		ensure!(
			own_after < T::MaxOpenOrdersPerAccount::get() as usize,
			Error::<T>::TooManyOpenOrders
		);
		// The period lists are written only when they change.
		let mut open_books = OpenBooks::<T>::get();
		let new_book = Self::insert_period(&mut open_books, period)?;
		// Only a continuous book is cleared when it changes.
		let mut pending = PendingClearing::<T>::get();
		let newly_pending =
			mode == BookMode::Continuous && Self::insert_period(&mut pending, period)?;

		// Checks done; write. The eviction first, so that its refund and the new order's
		// holds do not depend on each other.
		let evicting = evicted.is_some();
		if let Some((worst_id, worst)) = evicted {
			let released = Self::remove_order(worst_id, &worst)?;
			Self::deposit_event(Event::OrderEvicted {
				order: worst_id,
				owner: worst.owner,
				by: id,
				remaining_wh: worst.remaining_wh,
				released,
			});
			// A full side is never the book's last order, so the book is still there.
			book = Books::<T>::get(period).unwrap_or_default();
			if own_evicted {
				own = OpenOrdersOf::<T>::get(&who);
			}
		}
		own.try_push(id).map_err(|_| Error::<T>::TooManyOpenOrders)?;
		if !escrow.is_zero() {
			T::Currency::hold(&HoldReason::BidEscrow.into(), &who, escrow)
				.map_err(|_| Error::<T>::InsufficientBalanceForEscrow)?;
		}
		if !deposit.is_zero() {
			T::Currency::hold(&HoldReason::OrderDeposit.into(), &who, deposit)
				.map_err(|_| Error::<T>::InsufficientBalanceForDeposit)?;
		}
		let order = Order {
			owner: who.clone(),
			side,
			period,
			zone,
			energy_wh,
			remaining_wh: energy_wh,
			price_per_kwh,
			escrow,
			deposit,
		};
		Orders::<T>::insert(id, order);
		BookIndex::<T>::insert((period, side, key), BookEntry { remaining_wh: energy_wh, zone });
		let count = book.side_mut(side);
		*count = count.saturating_add(1);
		Books::<T>::insert(period, book);
		OpenOrdersOf::<T>::insert(&who, own);
		// An eviction may have taken the book's last order on its side and its lists with
		// it; the lists computed before it hold the period.
		if new_book || evicting {
			OpenBooks::<T>::put(open_books);
		}
		if newly_pending || (evicting && mode == BookMode::Continuous) {
			PendingClearing::<T>::put(pending);
		}
		NextOrderId::<T>::put(next_id);
		Self::deposit_event(Event::OrderPlaced {
			order: id,
			owner: who,
			side,
			period,
			energy_wh,
			price_per_kwh,
			escrow,
			deposit,
		});
		Ok(Placed { own_orders, evicted: evicting })
	}

	pub(crate) fn do_cancel_order(who: T::AccountId, id: OrderId) -> DispatchResult {
		let order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(order.owner == who, Error::<T>::NotOwner);
		let released = Self::remove_order(id, &order)?;
		Self::deposit_event(Event::OrderCancelled {
			order: id,
			owner: who,
			remaining_wh: order.remaining_wh,
			released,
		});
		Ok(())
	}

	/// Remove an open order from every list and its book, drop the book if it was its last
	/// order, and release its escrow and deposit. Returns what was released.
	pub(crate) fn remove_order(
		id: OrderId,
		order: &OrderOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let released = Self::release_holds(order)?;
		Orders::<T>::remove(id);
		Self::unlist(&order.owner, id);
		Self::unindex(id, order);
		Ok(released)
	}

	/// Release what an open order holds: a bid's escrow and the deposit.
	pub(crate) fn release_holds(order: &OrderOf<T>) -> Result<BalanceOf<T>, DispatchError> {
		let escrow = Self::release(HoldReason::BidEscrow, &order.owner, order.escrow)?;
		let deposit = Self::release(HoldReason::OrderDeposit, &order.owner, order.deposit)?;
		Ok(escrow.saturating_add(deposit))
	}

	/// Take `id` off its owner's list of open orders.
	pub(crate) fn unlist(owner: &T::AccountId, id: OrderId) {
		OpenOrdersOf::<T>::mutate_exists(owner, |own| {
			if let Some(list) = own {
				list.retain(|other| *other != id);
				if list.is_empty() {
					*own = None;
				}
			}
		});
	}

	/// Take an order out of its book's index and count, and remove the book (from the open
	/// and pending lists too) when nothing is left in it.
	pub(crate) fn unindex(id: OrderId, order: &OrderOf<T>) {
		BookIndex::<T>::remove((
			order.period,
			order.side,
			rank_key(order.side, order.price_per_kwh, id),
		));
		let Some(mut book) = Books::<T>::get(order.period) else {
			defensive!("an open order's book exists");
			return;
		};
		let count = book.side_mut(order.side);
		*count = count.saturating_sub(1);
		if book.is_empty() {
			Self::drop_book(order.period);
		} else {
			Books::<T>::insert(order.period, book);
		}
	}

	/// Forget an empty book.
	pub(crate) fn drop_book(period: PeriodIndex) {
		Books::<T>::remove(period);
		OpenBooks::<T>::mutate(|periods| Self::remove_period(periods, period));
		PendingClearing::<T>::mutate(|periods| Self::remove_period(periods, period));
	}

	/// Release `amount` of `who`'s funds held for `reason`.
	pub(crate) fn release(
		reason: HoldReason,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		if amount.is_zero() {
			return Ok(amount);
		}
		T::Currency::release(&reason.into(), who, amount, Precision::Exact).map_err(|error| {
			defensive!("an open order's escrow and deposit are held");
			error
		})
	}

	pub(crate) fn do_set_mechanism(mechanism: Mechanism) -> DispatchResult {
		ensure!(mechanism.is_valid(), Error::<T>::InvalidMechanism);
		if mechanism == Mechanism::ZoneMarket {
			ensure!(T::Grid::has_grid(), Error::<T>::NoGrid);
		}
		MarketMechanism::<T>::put(mechanism);
		// Every open book may clear differently now.
		PendingClearing::<T>::put(OpenBooks::<T>::get());
		Self::deposit_event(Event::MechanismSet { mechanism });
		Ok(())
	}

	/// The invariants: every open order is in its book's index (with its remaining energy
	/// and zone) and its owner's list and nowhere else; the books count their sides; a bid's
	/// escrow is the cost of what is left of it; each account's held escrow and deposits are
	/// the sums of its orders'; the period lists are sorted and agree with the books; a
	/// clearing in progress has its pages.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use polkadot_sdk::frame_support::traits::fungible::InspectHold;
		let mut held_of: BTreeMap<T::AccountId, (BalanceOf<T>, BalanceOf<T>)> = BTreeMap::new();
		let mut counts: BTreeMap<PeriodIndex, (u32, u32)> = BTreeMap::new();
		let mut orders = 0usize;
		for (id, order) in Orders::<T>::iter() {
			orders += 1;
			ensure!(order.remaining_wh > 0, "an open order has energy left");
			ensure!(order.remaining_wh <= order.energy_wh, "an order never grows");
			let key = rank_key(order.side, order.price_per_kwh, id);
			let entry = BookIndex::<T>::get((order.period, order.side, key))
				.ok_or("an order is in its book's index")?;
			ensure!(
				entry == BookEntry { remaining_wh: order.remaining_wh, zone: order.zone },
				"the index holds the order's remaining energy and zone"
			);
			ensure!(
				OpenOrdersOf::<T>::get(&order.owner).contains(&id),
				"an order is in its owner's list"
			);
			let expected = match order.side {
				Side::Bid => Self::cost(order.remaining_wh, order.price_per_kwh)
					.map_err(|_| "a bid's cost fits the balance type")?,
				Side::Offer => Zero::zero(),
			};
			ensure!(order.escrow == expected, "a bid escrows the cost of what is left");
			let held = held_of.entry(order.owner.clone()).or_insert_with(Default::default);
			held.0 = held.0.saturating_add(order.escrow);
			held.1 = held.1.saturating_add(order.deposit);
			let count = counts.entry(order.period).or_default();
			match order.side {
				Side::Bid => count.0 += 1,
				Side::Offer => count.1 += 1,
			}
		}
		let mut commits: BTreeMap<PeriodIndex, u32> = BTreeMap::new();
		let mut committed = 0usize;
		for (period, (who, commitment), deposit) in Commitments::<T>::iter() {
			committed += 1;
			ensure!(
				CommitsOf::<T>::get(&who).contains(&(period, commitment)),
				"a commitment is in its owner's list"
			);
			let held = held_of.entry(who).or_insert_with(Default::default);
			held.1 = held.1.saturating_add(deposit);
			*commits.entry(period).or_default() += 1;
		}
		let listed_commits: usize = CommitsOf::<T>::iter_values().map(|own| own.len()).sum();
		ensure!(listed_commits == committed, "every commitment is in exactly one owner's list");
		for (who, (escrow, deposit)) in &held_of {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::BidEscrow.into(), who) == *escrow,
				"held escrow equals the escrow of the account's open bids"
			);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::OrderDeposit.into(), who) == *deposit,
				"held deposits equal the deposits of the account's open orders"
			);
		}
		let indexed = BookIndex::<T>::iter_keys().count();
		ensure!(indexed == orders, "the index lists every open order once and nothing else");
		let open = OpenBooks::<T>::get();
		let mut books = 0usize;
		for (period, book) in Books::<T>::iter() {
			books += 1;
			ensure!(!book.is_empty(), "an empty book is removed");
			ensure!(
				book.commits == commits.get(&period).copied().unwrap_or_default(),
				"a book counts its commitments"
			);
			ensure!(open.binary_search(&period).is_ok(), "a book is listed");
			let (bids, offers) = counts.get(&period).copied().unwrap_or_default();
			ensure!(book.bids == bids && book.offers == offers, "a book counts its orders");
			ensure!(
				book.bids <= T::MaxOrdersPerSide::get()
					&& book.offers <= T::MaxOrdersPerSide::get(),
				"a side holds at most MaxOrdersPerSide orders"
			);
		}
		let mut periods: alloc::collections::BTreeSet<PeriodIndex> =
			counts.keys().copied().collect();
		periods.extend(commits.keys().copied());
		ensure!(books == periods.len(), "every order's and commitment's period has a book");
		let listed: usize = OpenOrdersOf::<T>::iter_values().map(|own| own.len()).sum();
		ensure!(listed == orders, "every order is in exactly one owner's list");
		ensure!(open.windows(2).all(|w| w[0] < w[1]), "open books are sorted");
		ensure!(open.iter().all(|period| Books::<T>::contains_key(period)), "a listed book exists");
		let pending = PendingClearing::<T>::get();
		ensure!(pending.windows(2).all(|w| w[0] < w[1]), "pending books are sorted");
		ensure!(
			pending.iter().all(|period| open.binary_search(period).is_ok()),
			"a book pending clearing is open"
		);
		match Settlement::<T>::get() {
			Some(clearing) => {
				ensure!(clearing.next < clearing.trades, "a finished clearing is removed");
				ensure!(clearing.settled <= clearing.next, "settled trades were dealt with");
				let pages = clearing.trades.div_ceil(TRADES_PER_PAGE);
				let first = clearing.next / TRADES_PER_PAGE;
				for page in first..pages {
					ensure!(PendingTrades::<T>::contains_key(page), "a page left to settle exists");
				}
				ensure!(
					PendingTrades::<T>::iter_keys().all(|page| page >= first && page < pages),
					"only pages left to settle are kept"
				);
			},
			None => ensure!(
				PendingTrades::<T>::iter_keys().next().is_none(),
				"no trades are kept without a clearing"
			),
		}
		ensure!(MarketMechanism::<T>::get().is_valid(), "the mechanism is valid");
		Ok(())
	}
}
