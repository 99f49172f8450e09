//! Placing and cancelling orders, choosing the mechanism, and the pallet's invariants. Every
//! `do_*` function checks everything first and writes last, so a refused call changes nothing.

use crate::{pallet::*, types::*, ParticipantRegistry, TradedEnergy, ZoneGrid};
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
	sp_runtime::traits::Zero,
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

	/// Insert `period` into a sorted list unless it is there.
	pub(crate) fn insert_period(
		periods: &mut PeriodsOf<T>,
		period: PeriodIndex,
	) -> Result<(), Error<T>> {
		match periods.binary_search(&period) {
			Ok(_) => Ok(()),
			Err(at) => periods.try_insert(at, period).map_err(|_| Error::<T>::TooManyOpenBooks),
		}
	}

	/// Remove `period` from a sorted list if it is there.
	pub(crate) fn remove_period(periods: &mut PeriodsOf<T>, period: PeriodIndex) {
		if let Ok(at) = periods.binary_search(&period) {
			periods.remove(at);
		}
	}

	pub(crate) fn do_place_order(
		who: T::AccountId,
		side: Side,
		period: PeriodIndex,
		energy_wh: WattHours,
		price_per_kwh: Price,
	) -> DispatchResult {
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
		let zone = u16::try_from(profile.zone).map_err(|_| Error::<T>::ZoneNotInGrid)?;
		if T::Grid::has_grid() {
			ensure!(T::Grid::contains(profile.zone), Error::<T>::ZoneNotInGrid);
		}

		// The owner's other open orders on the same side of the same period, and what its
		// orders on that side have already been filled with, count against its capacity: an
		// offer that filled cannot be placed again beyond what the generator can make.
		let mut own = OpenOrdersOf::<T>::get(&who);
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
		if !escrow.is_zero() {
			let spendable =
				T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite);
			ensure!(spendable >= escrow, Error::<T>::InsufficientBalanceForEscrow);
		}

		let id = NextOrderId::<T>::get();
		let next_id = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let mut book = Books::<T>::get(period);
		book.try_push(id).map_err(|_| Error::<T>::BookFull)?;
		own.try_push(id).map_err(|_| Error::<T>::TooManyOpenOrders)?;
		let mut open_books = OpenBooks::<T>::get();
		Self::insert_period(&mut open_books, period)?;
		let mut pending = PendingClearing::<T>::get();
		Self::insert_period(&mut pending, period)?;

		// Checks done; write.
		if !escrow.is_zero() {
			T::Currency::hold(&HoldReason::BidEscrow.into(), &who, escrow)
				.map_err(|_| Error::<T>::InsufficientBalanceForEscrow)?;
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
		};
		Orders::<T>::insert(id, order);
		Books::<T>::insert(period, book);
		OpenOrdersOf::<T>::insert(&who, own);
		OpenBooks::<T>::put(open_books);
		PendingClearing::<T>::put(pending);
		NextOrderId::<T>::put(next_id);
		Self::deposit_event(Event::OrderPlaced {
			order: id,
			owner: who,
			side,
			period,
			energy_wh,
			price_per_kwh,
			escrow,
		});
		Ok(())
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

	/// Remove an open order from every list, drop its period's book if it was the last
	/// order, and release its escrow. Returns the escrow released.
	pub(crate) fn remove_order(
		id: OrderId,
		order: &OrderOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let released = Self::release_escrow(&order.owner, order.escrow)?;
		Orders::<T>::remove(id);
		Self::unlist(&order.owner, id);
		Self::remove_from_book(order.period, |other| other == id);
		Ok(released)
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

	/// Remove the orders `gone` selects from `period`'s book, and the book itself (from the
	/// open and pending lists too) when nothing is left in it.
	pub(crate) fn remove_from_book(period: PeriodIndex, gone: impl Fn(OrderId) -> bool) {
		let mut book = Books::<T>::get(period);
		book.retain(|id| !gone(*id));
		if book.is_empty() {
			Books::<T>::remove(period);
			OpenBooks::<T>::mutate(|periods| Self::remove_period(periods, period));
			PendingClearing::<T>::mutate(|periods| Self::remove_period(periods, period));
		} else {
			Books::<T>::insert(period, book);
		}
	}

	/// Release `amount` of `who`'s bid escrow.
	pub(crate) fn release_escrow(
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		if amount.is_zero() {
			return Ok(amount);
		}
		T::Currency::release(&HoldReason::BidEscrow.into(), who, amount, Precision::Exact).map_err(
			|error| {
				defensive!("an open bid's escrow is held");
				error
			},
		)
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

	/// The invariants: every open order is in its book and its owner's list and nowhere
	/// else; a bid's escrow is the cost of what is left of it; each account's held escrow is
	/// the sum of its bids'; the period lists are sorted and agree with the books.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use polkadot_sdk::{
			frame_support::traits::fungible::InspectHold, sp_runtime::traits::Saturating,
		};
		let mut escrow_of: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut orders = 0usize;
		for (id, order) in Orders::<T>::iter() {
			orders += 1;
			ensure!(order.remaining_wh > 0, "an open order has energy left");
			ensure!(order.remaining_wh <= order.energy_wh, "an order never grows");
			ensure!(Books::<T>::get(order.period).contains(&id), "an order is in its book");
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
			let sum = escrow_of.entry(order.owner.clone()).or_insert_with(Zero::zero);
			*sum = sum.saturating_add(order.escrow);
		}
		for (who, escrow) in &escrow_of {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::BidEscrow.into(), who) == *escrow,
				"held escrow equals the escrow of the account's open bids"
			);
		}
		let mut in_books = 0usize;
		for (period, book) in Books::<T>::iter() {
			ensure!(!book.is_empty(), "an empty book is removed");
			ensure!(OpenBooks::<T>::get().binary_search(&period).is_ok(), "a book is listed");
			for id in book.iter() {
				let order = Orders::<T>::get(id).ok_or("a book lists open orders only")?;
				ensure!(order.period == period, "an order is in its own period's book");
			}
			in_books += book.len();
		}
		ensure!(in_books == orders, "every order is in exactly one book");
		let listed: usize = OpenOrdersOf::<T>::iter_values().map(|own| own.len()).sum();
		ensure!(listed == orders, "every order is in exactly one owner's list");
		let open = OpenBooks::<T>::get();
		ensure!(open.windows(2).all(|w| w[0] < w[1]), "open books are sorted");
		ensure!(open.iter().all(|period| Books::<T>::contains_key(period)), "a listed book exists");
		let pending = PendingClearing::<T>::get();
		ensure!(pending.windows(2).all(|w| w[0] < w[1]), "pending books are sorted");
		ensure!(
			pending.iter().all(|period| open.binary_search(period).is_ok()),
			"a book pending clearing is open"
		);
		ensure!(MarketMechanism::<T>::get().is_valid(), "the mechanism is valid");
		Ok(())
	}
}
