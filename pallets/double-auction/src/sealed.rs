//! Book modes and sealed orders (commit–reveal), and the final clearing at the gate.
//!
//! A delivery period's book is cleared in one of three modes ([`BookMode`]), chosen by the
//! operator per period or as the default, and frozen when the book gets its first order or
//! commitment:
//! - `Continuous`: cleared whenever it changed (the market as it always was);
//! - `Call`: orders are open, and the book is cleared once, at its gate;
//! - `Sealed`: participants commit to a hash of their order with a deposit, reveal it in the
//!   reveal window, and the book is cleared once, at its gate; an unrevealed commitment
//!   forfeits its deposit (burned).
//!
//! Times, for period `p` starting at `S = p · period`: the gate closes at `G = S − period`
//! (one whole period before delivery, for the final clearing to settle); reveals are
//! accepted in `[G − period / 2, G)`; commitments before that.

use crate::{pallet::*, types::*, ParticipantRegistry, WeightInfo};
use codec::Encode;
use energy_market::Price;
use energy_primitives::{PeriodIndex, WattHours};
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
	sp_runtime::traits::{BlakeTwo256, Hash, Saturating, Zero},
};

/// The domain tag of an order commitment: "energy market commitment, version 1".
pub const COMMITMENT_TAG: [u8; 4] = *b"emc1";

impl<T: Config> Pallet<T> {
	/// The mode `period`'s book is cleared in: the book's own (frozen when it got its first
	/// order or commitment), else the one the operator chose for the period, else the
	/// default.
	pub fn mode_of(period: PeriodIndex) -> BookMode {
		Books::<T>::get(period).map(|book| book.mode).unwrap_or_else(|| Self::mode_for_new(period))
	}

	/// The mode a new book of `period` gets.
	pub(crate) fn mode_for_new(period: PeriodIndex) -> BookMode {
		PeriodModes::<T>::get(period).unwrap_or_else(DefaultBookMode::<T>::get)
	}

	/// When `period`'s gate closes, Unix seconds: one period before it begins.
	pub fn gate_of(period: PeriodIndex) -> u64 {
		let length = u64::from(T::PeriodSeconds::get());
		u64::from(period).saturating_sub(1).saturating_mul(length)
	}

	/// When `period`'s reveal window opens, Unix seconds: half a period before the gate.
	pub fn reveal_opens(period: PeriodIndex) -> u64 {
		Self::gate_of(period).saturating_sub(u64::from(T::PeriodSeconds::get() / 2))
	}

	/// The commitment to an order: `blake2_256(SCALE((b"emc1", who, period, side, energy_wh,
	/// price_per_kwh, salt)))`, the side a byte (bid 0, offer 1).
	pub fn order_commitment(
		who: &T::AccountId,
		period: PeriodIndex,
		side: Side,
		energy_wh: WattHours,
		price_per_kwh: Price,
		salt: &[u8; 32],
	) -> [u8; 32] {
		let side: u8 = match side {
			Side::Bid => 0,
			Side::Offer => 1,
		};
		let preimage = (COMMITMENT_TAG, who, period, side, energy_wh, price_per_kwh, salt).encode();
		BlakeTwo256::hash(&preimage).0
	}

	pub(crate) fn do_set_period_mode(
		period: Option<PeriodIndex>,
		mode: BookMode,
	) -> DispatchResult {
		match period {
			None => DefaultBookMode::<T>::put(mode),
			Some(period) => {
				let now = Self::current_period();
				ensure!(period > now, Error::<T>::DeliveryPeriodClosed);
				ensure!(
					period <= now.saturating_add(T::MaxPeriodsAhead::get()),
					Error::<T>::DeliveryPeriodTooFar
				);
				ensure!(!Books::<T>::contains_key(period), Error::<T>::BookNotEmpty);
				PeriodModes::<T>::insert(period, mode);
			},
		}
		Self::deposit_event(Event::BookModeSet { period, mode });
		Ok(())
	}

	pub(crate) fn do_commit_order(
		who: T::AccountId,
		period: PeriodIndex,
		commitment: [u8; 32],
	) -> DispatchResult {
		ensure!(T::Participants::is_approved(&who), Error::<T>::NotApproved);
		let now = Self::current_period();
		ensure!(
			period <= now.saturating_add(T::MaxPeriodsAhead::get()),
			Error::<T>::DeliveryPeriodTooFar
		);
		ensure!(Self::mode_of(period) == BookMode::Sealed, Error::<T>::NotSealed);
		ensure!(
			T::UnixTime::now().as_secs() < Self::reveal_opens(period),
			Error::<T>::CommitClosed
		);
		ensure!(
			!Commitments::<T>::contains_key(period, (&who, commitment)),
			Error::<T>::DuplicateCommitment
		);
		let mut book = Books::<T>::get(period)
			.unwrap_or_else(|| BookState { mode: BookMode::Sealed, ..Default::default() });
		ensure!(
			book.commits < T::MaxOrdersPerSide::get().saturating_mul(2),
			Error::<T>::TooManyCommitments
		);
		let mut own = CommitsOf::<T>::get(&who);
		own.try_push((period, commitment)).map_err(|_| Error::<T>::TooManyCommitments)?;
		let deposit = T::OrderDeposit::get();
		let spendable =
			T::Currency::reducible_balance(&who, Preservation::Preserve, Fortitude::Polite);
		ensure!(spendable >= deposit, Error::<T>::InsufficientBalanceForDeposit);
		let mut open_books = OpenBooks::<T>::get();
		let new_book = Self::insert_period(&mut open_books, period)?;

		if !deposit.is_zero() {
			T::Currency::hold(&HoldReason::OrderDeposit.into(), &who, deposit)
				.map_err(|_| Error::<T>::InsufficientBalanceForDeposit)?;
		}
		Commitments::<T>::insert(period, (&who, commitment), deposit);
		CommitsOf::<T>::insert(&who, own);
		book.commits.saturating_inc();
		if new_book {
			OpenBooks::<T>::put(open_books);
		}
		Books::<T>::insert(period, book);
		Self::deposit_event(Event::OrderCommitted { period, owner: who, commitment, deposit });
		Ok(())
	}

	pub(crate) fn do_reveal_order(
		who: T::AccountId,
		period: PeriodIndex,
		side: Side,
		energy_wh: WattHours,
		price_per_kwh: Price,
		salt: [u8; 32],
	) -> Result<Option<Placed>, DispatchError> {
		ensure!(Self::mode_of(period) == BookMode::Sealed, Error::<T>::NotSealed);
		let now = T::UnixTime::now().as_secs();
		ensure!(
			now >= Self::reveal_opens(period) && now < Self::gate_of(period),
			Error::<T>::NotRevealTime
		);
		let commitment =
			Self::order_commitment(&who, period, side, energy_wh, price_per_kwh, &salt);
		let deposit = Commitments::<T>::get(period, (&who, commitment))
			.ok_or(Error::<T>::UnknownCommitment)?;
		// The commitment goes first: its deposit is released before the order's is held.
		Self::remove_commitment(&who, period, commitment, deposit)?;
		match Self::place(who.clone(), side, period, energy_wh, price_per_kwh, true) {
			Ok(placed) => {
				Self::deposit_event(Event::OrderRevealed { period, owner: who, commitment });
				Ok(Some(placed))
			},
			// Crowded out by better orders: not the owner's fault, so the deposit stays
			// released.
			Err(error) if error == Error::<T>::BookFull.into() => {
				Self::deposit_event(Event::RevealCrowdedOut { period, owner: who, commitment });
				Ok(None)
			},
			// Any other refusal is the owner's (capacity, funds, dust): the call fails and
			// changes nothing, so the commitment stays to be forfeited.
			Err(error) => Err(error),
		}
	}

	/// Remove a commitment, releasing its deposit.
	pub(crate) fn remove_commitment(
		who: &T::AccountId,
		period: PeriodIndex,
		commitment: [u8; 32],
		deposit: BalanceOf<T>,
	) -> DispatchResult {
		Self::release(HoldReason::OrderDeposit, who, deposit)?;
		Self::forget_commitment(who, period, commitment);
		Ok(())
	}

	/// Take a commitment out of storage and its owner's list (not its book's count).
	pub(crate) fn unlist_commitment(who: &T::AccountId, period: PeriodIndex, commitment: [u8; 32]) {
		Commitments::<T>::remove(period, (who, commitment));
		CommitsOf::<T>::mutate_exists(who, |own| {
			if let Some(list) = own {
				list.retain(|entry| *entry != (period, commitment));
				if list.is_empty() {
					*own = None;
				}
			}
		});
	}

	/// Take a commitment out of storage, its owner's list and its book's count.
	fn forget_commitment(who: &T::AccountId, period: PeriodIndex, commitment: [u8; 32]) {
		Self::unlist_commitment(who, period, commitment);
		if let Some(mut book) = Books::<T>::get(period) {
			book.commits.saturating_dec();
			if book.is_empty() {
				Self::drop_book(period);
			} else {
				Books::<T>::insert(period, book);
			}
		}
	}

	/// The final clearing of a call or sealed book whose gate closed (the period that begins
	/// next): forfeit unrevealed commitments, then determine it once and start settling.
	/// Returns whether nothing is left to do for it.
	pub(crate) fn finalize_within(budget: Weight, used: &mut Weight) -> bool {
		let next = Self::current_period().saturating_add(1);
		if OpenBooks::<T>::get().binary_search(&next).is_err() {
			return true;
		}
		// The book (which holds its mode), if there is room to look.
		let look = T::DbWeight::get().reads(1);
		if !used.saturating_add(look).all_lte(budget) {
			return false;
		}
		used.saturating_accrue(look);
		let Some(mut book) = Books::<T>::get(next) else { return true };
		if book.mode == BookMode::Continuous || book.finalized {
			return true;
		}
		if T::UnixTime::now().as_secs() < Self::gate_of(next) {
			return true;
		}
		if book.commits > 0 {
			let count = Self::fit(budget.saturating_sub(*used), book.commits, Self::forfeit_weight);
			if count == 0 {
				return false;
			}
			used.saturating_accrue(Self::forfeit_weight(count));
			let batch: alloc::vec::Vec<_> =
				Commitments::<T>::iter_prefix(next).take(count as usize).collect();
			for ((who, commitment), deposit) in batch {
				let burned = T::Currency::burn_held(
					&HoldReason::OrderDeposit.into(),
					&who,
					deposit,
					Precision::BestEffort,
					Fortitude::Force,
				)
				.unwrap_or_else(|_| {
					defensive!("a commitment's deposit is held");
					Zero::zero()
				});
				Self::forget_commitment(&who, next, commitment);
				Self::deposit_event(Event::CommitmentForfeited {
					period: next,
					owner: who,
					commitment,
					burned,
				});
			}
			match Books::<T>::get(next) {
				Some(after) if after.commits > 0 => return false,
				Some(after) => book = after,
				None => return true,
			}
		}
		let mechanism = MarketMechanism::<T>::get();
		let cost = Self::determination_weight(mechanism, book.orders())
			.saturating_add(T::DbWeight::get().writes(1));
		if !used.saturating_add(cost).all_lte(budget) {
			return false;
		}
		used.saturating_accrue(cost);
		book.finalized = true;
		Books::<T>::insert(next, book);
		Self::determine(next, mechanism);
		true
	}

	/// The weight of forfeiting `commitments` unrevealed commitments.
	pub fn forfeit_weight(commitments: u32) -> Weight {
		T::WeightInfo::forfeit_commitments(commitments)
	}
}
