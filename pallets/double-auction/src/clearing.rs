//! The work of `on_initialize`: closing the books of delivery periods that have begun,
//! clearing a book with the mechanism in force, and settling its trades.

use crate::{pallet::*, types::*, OnTrade, WeightInfo, ZoneGrid};
use alloc::{collections::btree_map::BTreeMap, vec::Vec};
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
	/// Close the earliest book whose delivery period has begun, then clear the earliest
	/// changed book of a period still ahead. Returns the weight used.
	pub(crate) fn do_on_initialize() -> Weight {
		let now = Self::current_period();
		// The clock, the open books and the pending list.
		let mut weight = T::DbWeight::get().reads(3);
		if let Some(&first) = OpenBooks::<T>::get().first() {
			if first <= now {
				let orders = Self::close_book(first);
				weight.saturating_accrue(T::WeightInfo::close_book(orders));
			}
		}
		let next = PendingClearing::<T>::get().iter().copied().find(|period| *period > now);
		if let Some(period) = next {
			let outcome = Self::clear_book(period, MarketMechanism::<T>::get());
			weight.saturating_accrue(Self::clearing_weight(outcome.orders, outcome.trades));
		}
		weight
	}

	/// The weight of clearing `orders` orders into `trades` trades. The benchmark's books
	/// make `orders − 1` trades; a book that makes more (the zone market splits trades at
	/// line capacity) is charged as a larger book.
	pub fn clearing_weight(orders: u32, trades: u32) -> Weight {
		T::WeightInfo::clear_book(orders.max(trades.saturating_add(1)))
			.saturating_add(T::OnTrade::on_trade_weight().saturating_mul(u64::from(trades)))
	}

	/// The most `on_initialize` can use: a full book closed and a full book cleared, each
	/// of its orders trading twice.
	pub fn worst_case_block_weight() -> Weight {
		let max = T::MaxOrdersPerPeriod::get();
		T::DbWeight::get()
			.reads(3)
			.saturating_add(T::WeightInfo::close_book(max))
			.saturating_add(Self::clearing_weight(max, max.saturating_mul(2)))
	}

	/// Remove a book whose delivery period has begun, releasing its bids' escrow. Returns
	/// how many orders it held.
	pub(crate) fn close_book(period: PeriodIndex) -> u32 {
		let book = Books::<T>::take(period);
		let mut released: BalanceOf<T> = Zero::zero();
		for id in book.iter() {
			let Some(order) = Orders::<T>::take(id) else {
				defensive!("a book lists open orders only");
				continue;
			};
			match Self::release_escrow(&order.owner, order.escrow) {
				Ok(amount) => released.saturating_accrue(amount),
				Err(_) => {
					defensive!("an expiring bid's escrow is held");
				},
			}
			Self::unlist(&order.owner, *id);
		}
		OpenBooks::<T>::mutate(|periods| Self::remove_period(periods, period));
		PendingClearing::<T>::mutate(|periods| Self::remove_period(periods, period));
		let expired = book.len() as u32;
		Self::deposit_event(Event::BookClosed { period, expired, released });
		expired
	}

	/// The trades `mechanism` makes of `orders` over `grid`. Orders in zones the grid lacks
	/// are left out.
	pub fn match_orders(
		orders: &[(OrderId, OrderOf<T>)],
		mechanism: Mechanism,
		grid: Option<&energy_market::zone::Grid>,
	) -> Result<Vec<Trade>, Error<T>> {
		let book: Vec<energy_market::Order> = orders
			.iter()
			.filter(|(_, order)| grid.map_or(true, |g| usize::from(order.zone) < g.zone_count()))
			.map(|(id, order)| energy_market::Order {
				id: *id,
				side: order.side.into(),
				zone: order.zone,
				quantity: order.remaining_wh,
				limit_price: order.price_per_kwh,
			})
			.collect();
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

	/// Clear the book of `period` with `mechanism` and settle its trades, all or nothing.
	pub(crate) fn clear_book(period: PeriodIndex, mechanism: Mechanism) -> ClearingOutcome {
		PendingClearing::<T>::mutate(|periods| Self::remove_period(periods, period));
		let orders: Vec<(OrderId, OrderOf<T>)> = Books::<T>::get(period)
			.iter()
			.filter_map(|id| Orders::<T>::get(id).map(|order| (*id, order)))
			.collect();
		let count = orders.len() as u32;
		let grid = T::Grid::grid();
		let result = Self::match_orders(&orders, mechanism, grid.as_ref())
			.map_err(DispatchError::from)
			.and_then(|trades| with_storage_layer(|| Self::settle(period, orders, &trades)));
		match result {
			Ok(mut outcome) => {
				outcome.orders = count;
				Self::deposit_event(Event::BookCleared {
					period,
					mechanism,
					orders: count,
					trades: outcome.trades,
					sold_wh: outcome.sold_wh,
					lost_wh: outcome.lost_wh,
				});
				outcome
			},
			Err(error) => {
				Self::deposit_event(Event::ClearingFailed { period, error });
				ClearingOutcome { orders: count, ..Default::default() }
			},
		}
	}

	/// Pay for each trade from the buyer's escrow, update the orders, and remove those
	/// filled. Any error leaves storage as it was (the caller's storage layer).
	fn settle(
		period: PeriodIndex,
		orders: Vec<(OrderId, OrderOf<T>)>,
		trades: &[Trade],
	) -> Result<ClearingOutcome, DispatchError> {
		let mut open: BTreeMap<OrderId, OrderOf<T>> = orders.into_iter().collect();
		let mut outcome = ClearingOutcome::default();
		for trade in trades {
			let bid = open.get(&trade.bid).cloned().ok_or(Error::<T>::InvalidBook)?;
			let offer = open.get(&trade.offer).cloned().ok_or(Error::<T>::InvalidBook)?;
			let paid =
				BalanceOf::<T>::try_from(trade.buyer_pays).map_err(|_| Error::<T>::Overflow)?;
			let received = BalanceOf::<T>::try_from(trade.seller_receives)
				.map_err(|_| Error::<T>::Overflow)?;
			let surplus = paid.checked_sub(&received).ok_or(Error::<T>::SettlementFailed)?;
			let bid_left =
				bid.remaining_wh.checked_sub(trade.sold).ok_or(Error::<T>::InvalidBook)?;
			let offer_left =
				offer.remaining_wh.checked_sub(trade.sold).ok_or(Error::<T>::InvalidBook)?;
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
			if let Some(order) = open.get_mut(&trade.bid) {
				order.remaining_wh = bid_left;
				order.escrow = escrow_left;
			}
			if let Some(order) = open.get_mut(&trade.offer) {
				order.remaining_wh = offer_left;
			}
			T::OnTrade::on_trade(&energy_primitives::TradeRecord {
				period,
				buyer: bid.owner.clone(),
				buyer_zone: u32::from(bid.zone),
				seller: offer.owner.clone(),
				seller_zone: u32::from(offer.zone),
				sold_wh: trade.sold,
				delivered_wh: trade.delivered,
				lost_wh: trade.lost,
			});
			outcome.trades.saturating_inc();
			outcome.sold_wh.saturating_accrue(trade.sold);
			outcome.lost_wh.saturating_accrue(trade.lost);
			Self::deposit_event(Event::Traded {
				period,
				bid: trade.bid,
				offer: trade.offer,
				buyer: bid.owner,
				seller: offer.owner,
				sold_wh: trade.sold,
				delivered_wh: trade.delivered,
				lost_wh: trade.lost,
				buyer_price: trade.buyer_price,
				seller_price: trade.seller_price,
				paid,
				received,
			});
		}

		// Write back what traded; remove what filled.
		let traded: Vec<OrderId> =
			trades.iter().flat_map(|trade| [trade.bid, trade.offer]).collect();
		let mut filled = alloc::collections::BTreeSet::new();
		for id in traded {
			let Some(order) = open.remove(&id) else { continue };
			if order.remaining_wh == 0 {
				Orders::<T>::remove(id);
				Self::unlist(&order.owner, id);
				filled.insert(id);
			} else {
				Orders::<T>::insert(id, order);
			}
		}
		if !filled.is_empty() {
			Self::remove_from_book(period, |id| filled.contains(&id));
		}
		Ok(outcome)
	}
}
