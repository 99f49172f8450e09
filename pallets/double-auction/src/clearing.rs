//! The work of `on_initialize`: settling the clearing in progress, closing the books of
//! delivery periods that have begun, and determining the trades of a book that changed.
//!
//! A block spends at most [`Config::ClearingBudget`] on them. Each step is weighed from the
//! benchmarks at its real size before it runs (how many trades are left, how many orders a
//! book holds) and runs only as far as it fits; what is left waits for the next block. The
//! steps come in that order so that a clearing under way finishes before its orders can
//! change much, and a begun period's orders stop holding funds soon.

use crate::{pallet::*, types::*, OnTrade, WeightInfo, ZoneGrid};
use alloc::vec::Vec;
use energy_market::{
	double_auction::{clear_mcafee, clear_uniform},
	zone::clear_zone_market,
	MarketError, Trade,
};
use energy_primitives::PeriodIndex;
use polkadot_sdk::{
	frame_support::{
		defensive,
		pallet_prelude::*,
		storage::with_storage_layer,
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
		},
	},
	sp_runtime::traits::{Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// Settle, close and determine as far as the budget allows. Returns the weight used.
	pub(crate) fn do_on_initialize() -> Weight {
		let budget = T::ClearingBudget::get();
		let now = Self::current_period();
		// The clock, the clearing in progress, the open books and the pending list.
		let mut used = T::DbWeight::get().reads(4);
		if !Self::settle_within(budget, &mut used) {
			return used;
		}
		if let Some(&first) = OpenBooks::<T>::get().first() {
			if first <= now && !Self::close_within(first, budget, &mut used) {
				return used;
			}
		}
		// The one clearing of a call or sealed book whose gate closed, then its first trades.
		if !Self::finalize_within(budget, &mut used) || !Self::settle_within(budget, &mut used) {
			return used;
		}
		let next = PendingClearing::<T>::get().iter().copied().find(|period| *period > now);
		if let Some(period) = next {
			// The book's size and the mechanism, if there is room to look.
			let look = T::DbWeight::get().reads(2);
			if !used.saturating_add(look).all_lte(budget) {
				return used;
			}
			used.saturating_accrue(look);
			let book = Books::<T>::get(period);
			// Only continuous books are cleared as they change (a mechanism change lists every
			// open book): a call or sealed book waits for its gate.
			if book.as_ref().map_or(true, |book| book.mode != BookMode::Continuous) {
				used.saturating_accrue(T::DbWeight::get().writes(1));
				PendingClearing::<T>::mutate(|periods| Self::remove_period(periods, period));
				return used;
			}
			let orders = book.map_or(0, |book| book.orders());
			let mechanism = MarketMechanism::<T>::get();
			let cost = Self::determination_weight(mechanism, orders);
			if used.saturating_add(cost).all_lte(budget) {
				used.saturating_accrue(cost);
				Self::determine(period, mechanism);
				Self::settle_within(budget, &mut used);
			}
		}
		used
	}

	/// The weight of determining a book of `orders` orders with `mechanism`, writing its
	/// trades included.
	pub fn determination_weight(mechanism: Mechanism, orders: u32) -> Weight {
		match mechanism {
			Mechanism::UniformPrice { .. } => T::WeightInfo::determine_uniform(orders),
			Mechanism::McAfee => T::WeightInfo::determine_mcafee(orders),
			Mechanism::ZoneMarket => T::WeightInfo::determine_zone(orders),
		}
	}

	/// The heaviest determination: a full book under the costliest mechanism, with the
	/// reads that lead to it.
	pub fn worst_determination_weight() -> Weight {
		let full = T::MaxOrdersPerSide::get().saturating_mul(2);
		[Mechanism::UniformPrice { k_ppm: 0 }, Mechanism::McAfee, Mechanism::ZoneMarket]
			.into_iter()
			.map(|mechanism| Self::determination_weight(mechanism, full))
			.fold(Weight::zero(), |worst, weight| worst.max(weight))
			.saturating_add(T::DbWeight::get().reads_writes(7, 1))
	}

	/// The weight of settling `trades` trades, the energy ledger's hook included.
	pub fn settle_weight(trades: u32) -> Weight {
		T::WeightInfo::settle_trades(trades)
			.saturating_add(T::OnTrade::on_trade_weight().saturating_mul(u64::from(trades)))
	}

	/// The weight of closing `orders` orders of a begun period's book.
	pub fn expire_weight(orders: u32) -> Weight {
		T::WeightInfo::expire_orders(orders)
	}

	/// The most `on_initialize` can use: its budget, or the four reads every block makes if
	/// the budget is smaller (every other step looks only if its reads fit).
	pub fn worst_case_block_weight() -> Weight {
		T::ClearingBudget::get().max(T::DbWeight::get().reads(4))
	}

	/// The largest `n ≤ max` for which `weight(n)` fits in `available` (weights grow with n).
	pub(crate) fn fit(available: Weight, max: u32, weight: impl Fn(u32) -> Weight) -> u32 {
		if max == 0 || !weight(1).all_lte(available) {
			return 0;
		}
		let (mut fits, mut too_many) = (1u32, max.saturating_add(1));
		while too_many.saturating_sub(fits) > 1 {
			let mid = fits.saturating_add(too_many.saturating_sub(fits) / 2);
			if weight(mid).all_lte(available) {
				fits = mid;
			} else {
				too_many = mid;
			}
		}
		fits
	}

	/// Settle as many of the clearing in progress's trades as fit in the budget. Returns
	/// whether no clearing is left in progress.
	pub(crate) fn settle_within(budget: Weight, used: &mut Weight) -> bool {
		let Some(mut clearing) = Settlement::<T>::get() else { return true };
		let left = clearing.trades.saturating_sub(clearing.next);
		let count = Self::fit(budget.saturating_sub(*used), left, Self::settle_weight);
		if count == 0 {
			return false;
		}
		used.saturating_accrue(Self::settle_weight(count));
		let mut page: Option<(u32, TradePage)> = None;
		for _ in 0..count {
			let index = clearing.next;
			let number = index / TRADES_PER_PAGE;
			if page.as_ref().map(|(n, _)| *n) != Some(number) {
				page = PendingTrades::<T>::get(number).map(|trades| (number, trades));
			}
			let trade = page
				.as_ref()
				.and_then(|(_, trades)| trades.get((index % TRADES_PER_PAGE) as usize).copied());
			clearing.next.saturating_inc();
			let last_of_page =
				clearing.next % TRADES_PER_PAGE == 0 || clearing.next == clearing.trades;
			if last_of_page {
				PendingTrades::<T>::remove(number);
			}
			let Some(trade) = trade else {
				defensive!("a clearing's pages hold all its trades");
				continue;
			};
			match Self::settle_trade(clearing.period, &trade) {
				Ok(()) => {
					clearing.settled.saturating_inc();
					clearing.sold_wh.saturating_accrue(trade.sold_wh);
					clearing.lost_wh.saturating_accrue(trade.lost_wh);
				},
				Err(reason) => Self::deposit_event(Event::TradeVoided {
					period: clearing.period,
					bid: trade.bid,
					offer: trade.offer,
					reason,
				}),
			}
		}
		if clearing.next < clearing.trades {
			Settlement::<T>::put(clearing);
			return false;
		}
		Settlement::<T>::kill();
		// Voided trades may leave orders of a continuous book that cross: clear it again.
		if clearing.settled < clearing.trades
			&& Books::<T>::get(clearing.period)
				.is_some_and(|book| book.mode == BookMode::Continuous)
		{
			PendingClearing::<T>::mutate(|periods| {
				if Self::insert_period(periods, clearing.period).is_err() {
					defensive!("a book pending clearing is open, and open books fit the list");
				}
			});
		}
		Self::deposit_event(Event::BookCleared {
			period: clearing.period,
			mechanism: clearing.mechanism,
			orders: clearing.orders,
			trades: clearing.settled,
			sold_wh: clearing.sold_wh,
			lost_wh: clearing.lost_wh,
		});
		true
	}

	/// Close as much of `period`'s book as fits in the budget: remove its orders and release
	/// their escrow and deposits. Returns whether the book is gone.
	pub(crate) fn close_within(period: PeriodIndex, budget: Weight, used: &mut Weight) -> bool {
		let Some(mut book) = Books::<T>::get(period) else {
			defensive!("an open book exists");
			Self::drop_book(period);
			return true;
		};
		let count = Self::fit(budget.saturating_sub(*used), book.orders(), Self::expire_weight);
		if count == 0 {
			return false;
		}
		used.saturating_accrue(Self::expire_weight(count));
		let batch: Vec<_> = BookIndex::<T>::iter_prefix((period,))
			.take(count as usize)
			.map(|(key, _)| key)
			.collect();
		for (side, key) in batch {
			BookIndex::<T>::remove((period, side, key));
			let counter = book.side_mut(side);
			*counter = counter.saturating_sub(1);
			book.expired.saturating_inc();
			let (_, id) = decode_rank_key(side, &key);
			let Some(order) = Orders::<T>::take(id) else {
				defensive!("the book index lists open orders only");
				continue;
			};
			match Self::release_holds(&order) {
				Ok(amount) => book.released.saturating_accrue(amount),
				Err(_) => {
					defensive!("an expiring order's escrow and deposit are held");
				},
			}
			Self::unlist(&order.owner, id);
		}
		if book.orders() > 0 && BookIndex::<T>::iter_prefix((period,)).next().is_some() {
			Books::<T>::insert(period, book);
			return false;
		}
		// Commitments left when a book closes were never judged at a gate (the chain did not
		// reach it in time): their owners get their deposits back.
		if book.commits > 0 {
			let left = budget.saturating_sub(*used);
			let count = Self::fit(left, book.commits, Self::forfeit_weight);
			if count == 0 {
				Books::<T>::insert(period, book);
				return false;
			}
			used.saturating_accrue(Self::forfeit_weight(count));
			let batch: Vec<_> =
				Commitments::<T>::iter_prefix(period).take(count as usize).collect();
			for ((who, commitment), deposit) in batch {
				if Self::release(HoldReason::OrderDeposit, &who, deposit).is_err() {
					defensive!("a commitment's deposit is held");
				}
				Self::unlist_commitment(&who, period, commitment);
				book.commits.saturating_dec();
				book.released.saturating_accrue(deposit);
				Self::deposit_event(Event::CommitmentReleased { period, owner: who, commitment });
			}
			if book.commits > 0 {
				Books::<T>::insert(period, book);
				return false;
			}
		}
		Self::drop_book(period);
		PeriodModes::<T>::remove(period);
		Self::deposit_event(Event::BookClosed {
			period,
			expired: book.expired,
			released: book.released,
		});
		true
	}

	/// The open orders of `period`, as the market logic takes them.
	pub fn book_orders(period: PeriodIndex) -> Vec<energy_market::Order> {
		[Side::Bid, Side::Offer]
			.into_iter()
			.flat_map(|side| {
				BookIndex::<T>::iter_prefix((period, side)).map(move |(key, entry)| {
					let (limit_price, id) = decode_rank_key(side, &key);
					energy_market::Order {
						id,
						side: side.into(),
						zone: entry.zone,
						quantity: entry.remaining_wh,
						limit_price,
					}
				})
			})
			.collect()
	}

	/// The trades `mechanism` makes of `book` over `grid`. Orders in zones the grid lacks
	/// are left out.
	pub fn match_orders(
		book: Vec<energy_market::Order>,
		mechanism: Mechanism,
		grid: Option<&energy_market::zone::Grid>,
	) -> Result<Vec<Trade>, Error<T>> {
		let book: Vec<energy_market::Order> =
			book.into_iter().filter(|order| Self::in_grid(order, grid)).collect();
		let trades = match mechanism {
			Mechanism::UniformPrice { k_ppm } => {
				clear_uniform(&book, k_ppm, grid).map(|clearing| clearing.trades)
			},
			Mechanism::McAfee => clear_mcafee(&book, grid).map(|clearing| clearing.trades),
			Mechanism::ZoneMarket => match grid {
				Some(grid) => clear_zone_market(&book, grid),
				None => return Err(Error::<T>::NoGrid),
			},
		};
		trades.map_err(|error| match error {
			MarketError::Overflow => Error::<T>::Overflow,
			_ => Error::<T>::InvalidBook,
		})
	}

	/// Whether an order takes part in a clearing over `grid`: its zone is one of the grid's
	/// (any zone without a grid).
	fn in_grid(order: &energy_market::Order, grid: Option<&energy_market::zone::Grid>) -> bool {
		grid.map_or(true, |g| usize::from(order.zone) < g.zone_count())
	}

	/// What clearing `period`'s book as it stands would do, with the mechanism and grid in
	/// force. Writes nothing.
	pub fn preview_clearing(period: PeriodIndex) -> Result<ClearingPreview, PreviewError> {
		let book = Self::book_orders(period);
		if book.is_empty() {
			return Err(PreviewError::NoBook);
		}
		let mechanism = MarketMechanism::<T>::get();
		let grid = T::Grid::grid();
		let orders = book.iter().filter(|order| Self::in_grid(order, grid.as_ref())).count();
		let trades =
			Self::match_orders(book, mechanism, grid.as_ref()).map_err(|error| match error {
				Error::<T>::NoGrid => PreviewError::NoGrid,
				Error::<T>::Overflow => PreviewError::Overflow,
				_ => PreviewError::InvalidBook,
			})?;
		let trades: Vec<PendingTrade> = trades.iter().map(PendingTrade::from).collect();
		Ok(ClearingPreview {
			period,
			mechanism,
			orders: u32::try_from(orders).map_err(|_| PreviewError::Overflow)?,
			sold_wh: trades.iter().fold(0, |sum, t| sum.saturating_add(t.sold_wh)),
			lost_wh: trades.iter().fold(0, |sum, t| sum.saturating_add(t.lost_wh)),
			trades,
			settling: Settlement::<T>::get().is_some_and(|clearing| clearing.period == period),
		})
	}

	/// Determine the trades of `period`'s book with `mechanism` and put them up for
	/// settlement. A book the market logic refuses changes nothing (`ClearingFailed`).
	pub(crate) fn determine(period: PeriodIndex, mechanism: Mechanism) {
		PendingClearing::<T>::mutate(|periods| Self::remove_period(periods, period));
		let book = Self::book_orders(period);
		let orders = u32::try_from(book.len()).unwrap_or(u32::MAX);
		let grid = T::Grid::grid();
		let trades = match Self::match_orders(book, mechanism, grid.as_ref()) {
			Ok(trades) => trades,
			Err(error) => {
				Self::deposit_event(Event::ClearingFailed { period, error: error.into() });
				return;
			},
		};
		let Ok(count) = u32::try_from(trades.len()) else {
			Self::deposit_event(Event::ClearingFailed {
				period,
				error: Error::<T>::Overflow.into(),
			});
			return;
		};
		for (number, chunk) in trades.chunks(TRADES_PER_PAGE as usize).enumerate() {
			let page: TradePage =
				BoundedVec::truncate_from(chunk.iter().map(PendingTrade::from).collect());
			PendingTrades::<T>::insert(number as u32, page);
		}
		let clearing = Clearing {
			period,
			mechanism,
			orders,
			trades: count,
			next: 0,
			settled: 0,
			sold_wh: 0,
			lost_wh: 0,
		};
		if count == 0 {
			Self::deposit_event(Event::BookCleared {
				period,
				mechanism,
				orders,
				trades: 0,
				sold_wh: 0,
				lost_wh: 0,
			});
		} else {
			Settlement::<T>::put(clearing);
		}
	}

	/// Settle one trade, all or nothing: pay from the buyer's escrow, update both orders,
	/// remove those filled (releasing their deposits), tell the ledger. A trade whose orders
	/// changed since it was determined is voided and changes nothing.
	pub(crate) fn settle_trade(
		period: PeriodIndex,
		trade: &PendingTrade,
	) -> Result<(), VoidReason> {
		let bid = Orders::<T>::get(trade.bid).ok_or(VoidReason::OrderGone)?;
		let offer = Orders::<T>::get(trade.offer).ok_or(VoidReason::OrderGone)?;
		let bid_left =
			bid.remaining_wh.checked_sub(trade.sold_wh).ok_or(VoidReason::NotEnoughLeft)?;
		let offer_left =
			offer.remaining_wh.checked_sub(trade.sold_wh).ok_or(VoidReason::NotEnoughLeft)?;
		with_storage_layer(|| {
			Self::pay(trade, &bid, &offer, bid_left, offer_left)?;
			T::OnTrade::on_trade(&energy_primitives::TradeRecord {
				period,
				buyer: bid.owner.clone(),
				buyer_zone: u32::from(bid.zone),
				seller: offer.owner.clone(),
				seller_zone: u32::from(offer.zone),
				sold_wh: trade.sold_wh,
				delivered_wh: trade.delivered_wh,
				lost_wh: trade.lost_wh,
			});
			Ok::<(), DispatchError>(())
		})
		.map_err(|_| VoidReason::SettlementFailed)
	}

	/// Move a trade's funds and write its orders back. Any error leaves storage to the
	/// caller's layer to roll back.
	fn pay(
		trade: &PendingTrade,
		bid: &OrderOf<T>,
		offer: &OrderOf<T>,
		bid_left: energy_primitives::WattHours,
		offer_left: energy_primitives::WattHours,
	) -> Result<(), DispatchError> {
		let paid = BalanceOf::<T>::try_from(trade.buyer_pays).map_err(|_| Error::<T>::Overflow)?;
		let received =
			BalanceOf::<T>::try_from(trade.seller_receives).map_err(|_| Error::<T>::Overflow)?;
		let surplus = paid.checked_sub(&received).ok_or(Error::<T>::SettlementFailed)?;
		let escrow_left = Self::cost(bid_left, bid.price_per_kwh)?;
		// The price is at most the bid's limit, so the escrow covers the payment and the
		// rest of the bid.
		let to_release = bid
			.escrow
			.checked_sub(&paid)
			.and_then(|rest| rest.checked_sub(&escrow_left))
			.ok_or(Error::<T>::SettlementFailed)?;

		let reason = HoldReason::BidEscrow.into();
		if !received.is_zero() {
			if bid.owner == offer.owner {
				T::Currency::release(&reason, &bid.owner, received, Precision::Exact)?;
			} else {
				T::Currency::transfer_on_hold(
					&reason,
					&bid.owner,
					&offer.owner,
					received,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Polite,
				)?;
			}
		}
		if !surplus.is_zero() {
			T::Currency::burn_held(
				&reason,
				&bid.owner,
				surplus,
				Precision::Exact,
				Fortitude::Force,
			)?;
		}
		if !to_release.is_zero() {
			T::Currency::release(&reason, &bid.owner, to_release, Precision::Exact)?;
		}
		let mut filled_bid = bid.clone();
		filled_bid.remaining_wh = bid_left;
		filled_bid.escrow = escrow_left;
		Self::write_back(trade.bid, filled_bid)?;
		let mut filled_offer = offer.clone();
		filled_offer.remaining_wh = offer_left;
		Self::write_back(trade.offer, filled_offer)?;

		Self::deposit_event(Event::Traded {
			period: bid.period,
			bid: trade.bid,
			offer: trade.offer,
			buyer: bid.owner.clone(),
			seller: offer.owner.clone(),
			sold_wh: trade.sold_wh,
			delivered_wh: trade.delivered_wh,
			lost_wh: trade.lost_wh,
			buyer_price: trade.buyer_price,
			seller_price: trade.seller_price,
			paid,
			received,
		});
		Ok(())
	}

	/// Store an order after a trade, or remove it (releasing its deposit) when it filled.
	fn write_back(id: OrderId, order: OrderOf<T>) -> Result<(), DispatchError> {
		if order.remaining_wh == 0 {
			Self::remove_order(id, &order)?;
		} else {
			let key = rank_key(order.side, order.price_per_kwh, id);
			BookIndex::<T>::insert(
				(order.period, order.side, key),
				BookEntry { remaining_wh: order.remaining_wh, zone: order.zone },
			);
			Orders::<T>::insert(id, order);
		}
		Ok(())
	}
}
