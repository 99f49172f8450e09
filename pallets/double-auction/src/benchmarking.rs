//! Benchmarks of the calls and of the clearing, each in its worst case: full books and
//! lists, the largest grid, and (for the clearing) the zone market, which searches every
//! reachable zone for each trade, on a book in which every order trades.

use super::*;
use energy_market::Price;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate},
	},
	frame_system::RawOrigin,
	sp_runtime::traits::Saturating,
};

/// A period well after the Unix epoch (the year 2027 in quarter hours).
const NOW: PeriodIndex = 1_900_000;
/// The delivery period the benchmarks' orders are for.
const DELIVERY: PeriodIndex = NOW + 1;
/// Energy unit of the clearing benchmark's orders, Wh.
const Q: WattHours = 1_000;

fn set_period<T: Config>(period: PeriodIndex) {
	let millis =
		u64::from(period).saturating_mul(u64::from(T::PeriodSeconds::get())).saturating_mul(1_000);
	T::BenchmarkHelper::set_unix_time_ms(millis);
}

/// An approved, funded participant in zone 0 with the largest capacities.
fn trader<T: Config>(index: u32) -> T::AccountId {
	let who: T::AccountId = account("trader", index, 0);
	let funds = Pallet::<T>::cost(1_000_000_000, 1_000_000_000_000)
		.unwrap_or_else(|_| 1_000_000u32.into())
		.saturating_add(T::Currency::minimum_balance());
	T::Currency::set_balance(&who, funds);
	T::BenchmarkHelper::approved_participant(&who, 0);
	who
}

fn place<T: Config>(
	who: &T::AccountId,
	side: Side,
	energy: WattHours,
	price: Price,
) -> Result<(), BenchmarkError> {
	Pallet::<T>::do_place_order(who.clone(), side, DELIVERY, energy, price)
		.map_err(|_| BenchmarkError::Stop("placing a benchmark order failed"))
}

/// Fill the delivery period's book with `count` small bids of other traders, numbered from
/// `first`, each trader holding as many orders as it may.
fn fill_book<T: Config>(first: u32, count: u32) -> Result<(), BenchmarkError> {
	let per_trader = T::MaxOpenOrdersPerAccount::get();
	let mut placed = 0;
	let mut index = first;
	while placed < count {
		let who = trader::<T>(index);
		for _ in 0..per_trader.min(count - placed) {
			place::<T>(&who, Side::Bid, Pallet::<T>::min_order_wh(), 1)?;
			placed += 1;
		}
		index += 1;
	}
	Ok(())
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
		place::<T>(&trader::<T>(i), Side::Bid, 2 * Q, 1_000_000 - u64::from(i))?;
	}
	for j in 0..offers {
		let energy = if j == 0 || j + 1 == offers { Q } else { 2 * Q };
		place::<T>(&trader::<T>(bids + j), Side::Offer, energy, 1_000 + u64::from(j))?;
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn place_order() -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		T::BenchmarkHelper::set_largest_grid();
		let caller = trader::<T>(u32::MAX);
		// The caller's other orders are on the same side of the same period, so each is read
		// for the capacity check; the rest of the book is other traders'.
		let own = T::MaxOpenOrdersPerAccount::get().saturating_sub(1);
		for _ in 0..own {
			place::<T>(&caller, Side::Bid, Pallet::<T>::min_order_wh(), 1)?;
		}
		fill_book::<T>(0, T::MaxOrdersPerPeriod::get().saturating_sub(own + 1))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), Side::Bid, DELIVERY, 1_000, 300);

		assert_eq!(Books::<T>::get(DELIVERY).len() as u32, T::MaxOrdersPerPeriod::get());
		assert!(OpenOrdersOf::<T>::get(&caller).is_full());
		Ok(())
	}

	#[benchmark]
	fn cancel_order() -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		fill_book::<T>(0, T::MaxOrdersPerPeriod::get().saturating_sub(1))?;
		let caller = trader::<T>(u32::MAX);
		place::<T>(&caller, Side::Bid, 1_000, 300)?;
		let id = NextOrderId::<T>::get().saturating_sub(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), id);

		assert!(!Orders::<T>::contains_key(id));
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

	/// Closing a book of `n` bids, each from its own trader, each releasing escrow.
	#[benchmark]
	fn close_book(n: Linear<1, { T::MaxOrdersPerPeriod::get() }>) -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		for i in 0..n {
			place::<T>(&trader::<T>(i), Side::Bid, 1_000, 300)?;
		}
		set_period::<T>(DELIVERY);
		let closed;

		#[block]
		{
			closed = Pallet::<T>::close_book(DELIVERY);
		}

		assert_eq!(closed, n);
		assert!(Orders::<T>::iter().next().is_none());
		Ok(())
	}

	/// Clearing a book of `n` orders into `n − 1` trades under the zone market on the
	/// largest grid, each trade settled (the benchmark's weight is charged for `trades + 1`
	/// orders when a book makes more trades than orders).
	#[benchmark]
	fn clear_book(n: Linear<2, { T::MaxOrdersPerPeriod::get() }>) -> Result<(), BenchmarkError> {
		set_period::<T>(NOW);
		T::BenchmarkHelper::set_largest_grid();
		Pallet::<T>::do_set_mechanism(Mechanism::ZoneMarket)
			.map_err(|_| BenchmarkError::Stop("the zone market needs the helper's grid"))?;
		crossing_book::<T>(n)?;
		let outcome;

		#[block]
		{
			outcome = Pallet::<T>::clear_book(DELIVERY, Mechanism::ZoneMarket);
		}

		assert_eq!(outcome.orders, n);
		assert!(outcome.trades < n && outcome.trades + 2 >= n, "every order but one trades");
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
