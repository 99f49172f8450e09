//! Benchmarks of the calls and of the clearing's steps, each in its worst case:
//! - `place_order`: the caller's list full of orders on the same side and period (each read
//!   for the capacity check) and the side of the book full, so that the order evicts one;
//! - `cancel_order`: the book's last order, so that the book goes too;
//! - `determine_*`: a book of `n` orders in which every order trades, under each mechanism
//!   (the zone market on the largest grid, searching every zone for each trade);
//! - `settle_trades`: trades that each fill both their orders, with McAfee's surplus burned,
//!   escrow released and both deposits returned;
//! - `expire_orders`: bids that release escrow and a deposit each.
//!
//! Large books are written straight into storage ([`seed`]) with the holds a placement would
//! make, so that a benchmark of 10 000 orders sets up in seconds.

use super::*;
use energy_market::Price;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
	},
	frame_system::RawOrigin,
	sp_runtime::traits::{Saturating, Zero},
};

/// A period well after the Unix epoch (the year 2027 in quarter hours).
const NOW: PeriodIndex = 1_900_000;
/// The delivery period the benchmarks' orders are for.
const DELIVERY: PeriodIndex = NOW + 1;
/// Energy unit of the clearing benchmarks' orders, Wh.
const Q: WattHours = 1_000;

fn set_period<T: Config>(period: PeriodIndex) {
	let millis =
		u64::from(period).saturating_mul(u64::from(T::PeriodSeconds::get())).saturating_mul(1_000);
	T::BenchmarkHelper::set_unix_time_ms(millis);
}

/// A funded account (not registered).
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	// A thousand bids of the benchmarks' largest cost (2 kWh at 1 000 000 per kWh), little
	// enough that thousands of accounts do not overflow a 64-bit total issuance (the mock's).
	// The deposits of as many orders as the account may have open, and one more.
	let deposits = T::OrderDeposit::get()
		.saturating_mul(T::MaxOpenOrdersPerAccount::get().saturating_add(1).into());
	let funds = Pallet::<T>::cost(2_000_000, 1_000_000)
		.unwrap_or_else(|_| 1_000_000u32.into())
		.saturating_add(deposits)
		.saturating_add(T::Currency::minimum_balance());
	T::Currency::set_balance(&who, funds);
	who
}

/// An approved, funded participant in zone 0 with the largest capacities.
fn trader<T: Config>(index: u32) -> T::AccountId {
	let who = funded::<T>("trader", index);
	T::BenchmarkHelper::approved_participant(&who, 0);
	// Registering held a participant deposit from those funds: fund again.
	funded::<T>("trader", index)
}

fn place<T: Config>(
	who: &T::AccountId,
	side: Side,
	period: PeriodIndex,
	energy: WattHours,
	price: Price,
) -> Result<(), BenchmarkError> {
	Pallet::<T>::do_place_order(who.clone(), side, period, energy, price)
		.map(|_| ())
		.map_err(|_| BenchmarkError::Stop("placing a benchmark order failed"))
}

/// Write an order into `DELIVERY`'s book as a placement would, holding its escrow and
/// deposit, without the placement's checks, each of its own owner. Returns the order's id.
fn seed<T: Config>(side: Side, energy: WattHours, price: Price) -> Result<OrderId, BenchmarkError> {
	let id = NextOrderId::<T>::get();
	// One owner an order: settling or closing each then touches its own account, holds and
	// list, the worst case.
	let owner_index = u32::try_from(id).unwrap_or(u32::MAX);
	let owner: T::AccountId = account("seeded", owner_index, 0);
	if T::Currency::balance(&owner).is_zero() {
		funded::<T>("seeded", owner_index);
	}
	let escrow = match side {
		Side::Bid => Pallet::<T>::cost(energy, price).map_err(|_| BenchmarkError::Weightless)?,
		Side::Offer => 0u32.into(),
	};
	let deposit = T::OrderDeposit::get();
	if !escrow.is_zero() {
		T::Currency::hold(&HoldReason::BidEscrow.into(), &owner, escrow)
			.map_err(|_| BenchmarkError::Stop("the seeded owner holds the escrow"))?;
	}
	T::Currency::hold(&HoldReason::OrderDeposit.into(), &owner, deposit)
		.map_err(|_| BenchmarkError::Stop("the seeded owner holds the deposit"))?;
	let order = Order {
		owner: owner.clone(),
		side,
		period: DELIVERY,
		zone: 0,
		energy_wh: energy,
		remaining_wh: energy,
		price_per_kwh: price,
		escrow,
		deposit,
	};
	Orders::<T>::insert(id, order);
	BookIndex::<T>::insert(
		(DELIVERY, side, rank_key(side, price, id)),
		BookEntry { remaining_wh: energy, zone: 0 },
	);
	let mut book = Books::<T>::get(DELIVERY).unwrap_or_default();
	let count = book.side_mut(side);
	*count = count.saturating_add(1);
	Books::<T>::insert(DELIVERY, book);
	OpenOrdersOf::<T>::try_mutate(&owner, |own| own.try_push(id))
		.map_err(|_| BenchmarkError::Stop("a seeded owner's list has room"))?;
	OpenBooks::<T>::mutate(|periods| Pallet::<T>::insert_period(periods, DELIVERY))
		.map_err(|_| BenchmarkError::Stop("the book is listed"))?;
	PendingClearing::<T>::mutate(|periods| Pallet::<T>::insert_period(periods, DELIVERY))
		.map_err(|_| BenchmarkError::Stop("the book is pending"))?;
	NextOrderId::<T>::put(id.saturating_add(1));
	Ok(id)
}

/// Write a commitment to `DELIVERY`'s sealed book as `commitOrder` would, its deposit held,
/// each of its own owner (forfeiting each then touches its own account, holds and list).
fn seed_commitment<T: Config>(index: u32) -> Result<(), BenchmarkError> {
	let owner: T::AccountId = account("committer", index, 0);
	if T::Currency::balance(&owner).is_zero() {
		funded::<T>("committer", index);
	}
	let deposit = T::OrderDeposit::get();
	T::Currency::hold(&HoldReason::OrderDeposit.into(), &owner, deposit)
		.map_err(|_| BenchmarkError::Stop("the committer holds the deposit"))?;
	let mut commitment = [0u8; 32];
	commitment[..4].copy_from_slice(&index.to_le_bytes());
	Commitments::<T>::insert(DELIVERY, (&owner, commitment), deposit);
	CommitsOf::<T>::try_mutate(&owner, |own| own.try_push((DELIVERY, commitment)))
		.map_err(|_| BenchmarkError::Stop("a committer's list has room"))?;
	let mut book = Books::<T>::get(DELIVERY)
		.unwrap_or_else(|| BookState { mode: BookMode::Sealed, ..Default::default() });
	book.commits = book.commits.saturating_add(1);
	Books::<T>::insert(DELIVERY, book);
	OpenBooks::<T>::mutate(|periods| Pallet::<T>::insert_period(periods, DELIVERY))
		.map_err(|_| BenchmarkError::Stop("the book is listed"))?;
	Ok(())
}

/// Move the clock to `secs` Unix seconds.
fn set_secs<T: Config>(secs: u64) {
	T::BenchmarkHelper::set_unix_time_ms(secs.saturating_mul(1_000));
}

fn operator<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::OperatorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

/// A book of `n` orders in which every order trades: bids of `2Q` at falling prices and
/// offers of `Q, 2Q, …, 2Q, Q` at rising ones, so that each trade fills exactly one order.
/// With an odd `n` it makes `n − 1` trades, with an even one `n − 2` or `n − 1`.
fn crossing_book<T: Config>(n: u32) -> Result<(), BenchmarkError> {
	let bids = n / 2;
	let offers = n.saturating_sub(bids);
	for i in 0..bids {
		seed::<T>(Side::Bid, 2 * Q, 1_000_000 - u64::from(i))?;
	}
	for j in 0..offers {
		let energy = if j == 0 || j + 1 == offers { Q } else { 2 * Q };
		seed::<T>(Side::Offer, energy, 1_000 + u64::from(j))?;
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Placing a bid by a caller with `o` open orders (each read for the capacity check; they
	/// are for the next period, so that the capacity never refuses), into a full side, so
	/// that it evicts the least competitive bid (`e = 1`), or into a new book, which lists
	/// the period (`e = 0`).
	#[benchmark]
	fn place_order(
		o: Linear<0, { T::MaxOpenOrdersPerAccount::get().saturating_sub(1) }>,
		e: Linear<0, 1>,
	) -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		T::BenchmarkHelper::set_largest_grid();
		let caller = trader::<T>(u32::MAX);
		for _ in 0..o {
			place::<T>(&caller, Side::Bid, DELIVERY + 1, Pallet::<T>::min_order_wh(), 2)?;
		}
		if e == 1 {
			for _ in 0..T::MaxOrdersPerSide::get() {
				seed::<T>(Side::Bid, Pallet::<T>::min_order_wh(), 1)?;
			}
			// The book was cleared since: the placement lists it as pending again.
			PendingClearing::<T>::kill();
		}
		let worst = NextOrderId::<T>::get().saturating_sub(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), Side::Bid, DELIVERY, 1_000, 300);

		let book = Books::<T>::get(DELIVERY).ok_or(BenchmarkError::Stop("the book exists"))?;
		if e == 1 {
			assert!(!Orders::<T>::contains_key(worst), "the least competitive bid was evicted");
			assert_eq!(book.bids, T::MaxOrdersPerSide::get());
		} else {
			assert_eq!(book.bids, 1);
		}
		assert_eq!(OpenOrdersOf::<T>::get(&caller).len() as u32, o + 1);
		Ok(())
	}

	#[benchmark]
	fn cancel_order() -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		let caller = trader::<T>(u32::MAX);
		let own = T::MaxOpenOrdersPerAccount::get().saturating_sub(1);
		for _ in 0..own {
			place::<T>(&caller, Side::Bid, DELIVERY + 1, Pallet::<T>::min_order_wh(), 2)?;
		}
		place::<T>(&caller, Side::Bid, DELIVERY, 1_000, 300)?;
		let id = NextOrderId::<T>::get().saturating_sub(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), id);

		assert!(!Orders::<T>::contains_key(id));
		assert!(!Books::<T>::contains_key(DELIVERY), "the book went with its last order");
		Ok(())
	}

	#[benchmark]
	fn set_mechanism() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::set_largest_grid();
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Mechanism::ZoneMarket);

		assert_eq!(MarketMechanism::<T>::get(), Mechanism::ZoneMarket);
		Ok(())
	}

	/// Determining a crossing book of `n` orders under the uniform price, trades written.
	#[benchmark]
	fn determine_uniform(
		n: Linear<2, { T::MaxOrdersPerSide::get().saturating_mul(2) }>,
	) -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		T::BenchmarkHelper::set_largest_grid();
		crossing_book::<T>(n)?;

		#[block]
		{
			Pallet::<T>::determine(DELIVERY, Mechanism::UniformPrice { k_ppm: 500_000 });
		}

		let clearing = Settlement::<T>::get().ok_or(BenchmarkError::Stop("trades were made"))?;
		assert!(clearing.trades + 2 >= n, "every order but one or two trades");
		Ok(())
	}

	/// Determining a crossing book of `n` orders under McAfee's reduction, trades written.
	#[benchmark]
	fn determine_mcafee(
		n: Linear<2, { T::MaxOrdersPerSide::get().saturating_mul(2) }>,
	) -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		T::BenchmarkHelper::set_largest_grid();
		crossing_book::<T>(n.max(3))?;

		#[block]
		{
			Pallet::<T>::determine(DELIVERY, Mechanism::McAfee);
		}

		let clearing = Settlement::<T>::get().ok_or(BenchmarkError::Stop("trades were made"))?;
		assert!(clearing.trades + 3 >= n, "every order but the reduced trade's trades");
		Ok(())
	}

	/// Determining a crossing book of `n` orders under the zone market on the largest grid,
	/// every zone within reach, trades written.
	#[benchmark]
	fn determine_zone(
		n: Linear<2, { T::MaxOrdersPerSide::get().saturating_mul(2) }>,
	) -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		T::BenchmarkHelper::set_largest_grid();
		crossing_book::<T>(n)?;

		#[block]
		{
			Pallet::<T>::determine(DELIVERY, Mechanism::ZoneMarket);
		}

		let clearing = Settlement::<T>::get().ok_or(BenchmarkError::Stop("trades were made"))?;
		assert!(clearing.trades + 2 >= n, "every order but one or two trades");
		Ok(())
	}

	/// Settling `k` trades, each filling a bid and an offer of their own: the buyer pays
	/// above the seller's price (McAfee's surplus, burned), the rest of the escrow and both
	/// deposits are released, both orders leave the book, and the last takes the book.
	#[benchmark]
	fn settle_trades(k: Linear<1, { 2 * TRADES_PER_PAGE }>) -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		let mut trades = alloc::vec::Vec::new();
		for _ in 0..k {
			let bid = seed::<T>(Side::Bid, Q, 400_000)?;
			let offer = seed::<T>(Side::Offer, Q, 100_000)?;
			trades.push(PendingTrade {
				bid,
				offer,
				sold_wh: Q,
				delivered_wh: Q - 1,
				lost_wh: 1,
				buyer_price: 300_000,
				seller_price: 200_000,
				buyer_pays: energy_market::cost(Q - 1, 300_000),
				seller_receives: energy_market::cost(Q - 1, 200_000),
			});
		}
		for (number, chunk) in trades.chunks(TRADES_PER_PAGE as usize).enumerate() {
			PendingTrades::<T>::insert(number as u32, TradePage::truncate_from(chunk.to_vec()));
		}
		Settlement::<T>::put(Clearing {
			period: DELIVERY,
			mechanism: Mechanism::McAfee,
			orders: 2 * k,
			trades: k,
			next: 0,
			settled: 0,
			sold_wh: 0,
			lost_wh: 0,
		});
		let issuance = T::Currency::total_issuance();
		let mut used = Weight::zero();

		#[block]
		{
			Pallet::<T>::settle_within(Weight::MAX, &mut used);
		}

		assert!(Settlement::<T>::get().is_none(), "every trade settled");
		assert!(Orders::<T>::iter().next().is_none(), "every order filled");
		assert!(T::Currency::total_issuance() < issuance, "the surplus was burned");
		Ok(())
	}

	/// Closing `k` bids of a begun period, each releasing escrow and a deposit.
	#[benchmark]
	fn expire_orders(k: Linear<1, 1_000>) -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		for _ in 0..k {
			seed::<T>(Side::Bid, Q, 300_000)?;
		}
		set_period::<T>(DELIVERY);
		let mut used = Weight::zero();

		#[block]
		{
			Pallet::<T>::close_within(DELIVERY, Weight::MAX, &mut used);
		}

		assert!(Orders::<T>::iter().next().is_none());
		assert!(!Books::<T>::contains_key(DELIVERY));
		Ok(())
	}

	/// Committing, with the caller's list one short of full, to a new sealed book.
	#[benchmark]
	fn commit_order() -> Result<(), BenchmarkError> {
		DefaultBookMode::<T>::put(BookMode::Sealed);
		set_period::<T>(NOW - 1);
		let caller = trader::<T>(u32::MAX);
		for i in 0..T::MaxOpenOrdersPerAccount::get().saturating_sub(1) {
			let mut other = [1u8; 32];
			other[..4].copy_from_slice(&i.to_le_bytes());
			Pallet::<T>::do_commit_order(caller.clone(), DELIVERY + 1, other)
				.map_err(|_| BenchmarkError::Stop("committing failed"))?;
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), DELIVERY, [7u8; 32]);

		assert!(Commitments::<T>::contains_key(DELIVERY, (&caller, [7u8; 32])));
		assert!(CommitsOf::<T>::get(&caller).is_full());
		Ok(())
	}

	/// Revealing into a full side, evicting its least competitive bid, by a caller with a full
	/// list of open orders less one (in a call book for the next period).
	#[benchmark]
	fn reveal_order() -> Result<(), BenchmarkError> {
		T::BenchmarkHelper::set_largest_grid();
		DefaultBookMode::<T>::put(BookMode::Sealed);
		PeriodModes::<T>::insert(DELIVERY + 1, BookMode::Call);
		set_period::<T>(NOW - 1);
		let caller = trader::<T>(u32::MAX);
		for _ in 0..T::MaxOpenOrdersPerAccount::get().saturating_sub(1) {
			place::<T>(&caller, Side::Bid, DELIVERY + 1, Pallet::<T>::min_order_wh(), 2)?;
		}
		let salt = [9u8; 32];
		let commitment =
			Pallet::<T>::order_commitment(&caller, DELIVERY, Side::Bid, 1_000, 300, &salt);
		Pallet::<T>::do_commit_order(caller.clone(), DELIVERY, commitment)
			.map_err(|_| BenchmarkError::Stop("committing failed"))?;
		for _ in 0..T::MaxOrdersPerSide::get() {
			seed::<T>(Side::Bid, Pallet::<T>::min_order_wh(), 1)?;
		}
		let worst = NextOrderId::<T>::get().saturating_sub(1);
		set_secs::<T>(Pallet::<T>::reveal_opens(DELIVERY));

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), DELIVERY, Side::Bid, 1_000, 300, salt);

		assert!(!Orders::<T>::contains_key(worst), "the least competitive bid was evicted");
		assert!(!Commitments::<T>::contains_key(DELIVERY, (&caller, commitment)));
		assert!(OpenOrdersOf::<T>::get(&caller).is_full());
		Ok(())
	}

	#[benchmark]
	fn set_period_mode() -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, Some(DELIVERY), BookMode::Sealed);

		assert_eq!(Pallet::<T>::mode_of(DELIVERY), BookMode::Sealed);
		Ok(())
	}

	/// Forfeiting `k` unrevealed commitments at the gate of a book that has nothing else,
	/// each burning a deposit; the last takes the book.
	#[benchmark]
	fn forfeit_commitments(k: Linear<1, 1_000>) -> Result<(), BenchmarkError> {
		for index in 0..k {
			seed_commitment::<T>(index)?;
		}
		set_period::<T>(NOW);
		let issuance = T::Currency::total_issuance();
		let mut used = Weight::zero();

		#[block]
		{
			Pallet::<T>::finalize_within(Weight::MAX, &mut used);
		}

		assert!(Commitments::<T>::iter().next().is_none());
		assert!(!Books::<T>::contains_key(DELIVERY));
		assert!(T::Currency::total_issuance() < issuance, "the deposits were burned");
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
