//! Placing and cancelling orders: escrow, capacity, periods, zones and bounds.

use crate::{mock::*, *};
use energy_primitives::{ParticipantActivity, Role};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, dispatch::DispatchResult},
	sp_runtime::DispatchError,
};

fn place(who: u64, side: Side, period: PeriodIndex, energy_wh: u64, price: u64) -> DispatchResult {
	DoubleAuction::place_order(RuntimeOrigin::signed(who), side, period, energy_wh, price)
		.map(|_| ())
		.map_err(|e| e.error)
}

#[test]
fn a_bid_holds_its_worst_case_cost() {
	run(|| {
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 2_000, 300));
		// 2 kWh at 300 per kWh.
		assert_eq!(escrow(BOB), 600);
		assert_eq!(deposits(BOB), DEPOSIT);
		assert_eq!(free(BOB), FUNDS - 600 - DEPOSIT);
		let order = Orders::<Test>::get(0).unwrap();
		assert_eq!((order.remaining_wh, order.escrow, order.zone), (2_000, 600, 0));
		assert_eq!(order.deposit, DEPOSIT);
		assert_eq!(book(NOW + 1), vec![0]);
		assert_eq!(Books::<Test>::get(NOW + 1).map(|b| (b.bids, b.offers)), Some((1, 0)));
		assert_eq!(OpenOrdersOf::<Test>::get(BOB).to_vec(), vec![0]);
		assert_eq!(OpenBooks::<Test>::get().to_vec(), vec![NOW + 1]);
		assert_eq!(PendingClearing::<Test>::get().to_vec(), vec![NOW + 1]);
		assert_eq!(
			events(),
			vec![Event::OrderPlaced {
				order: 0,
				owner: BOB,
				side: Side::Bid,
				period: NOW + 1,
				energy_wh: 2_000,
				price_per_kwh: 300,
				escrow: 600,
				deposit: DEPOSIT,
			}]
		);
	});
}

#[test]
fn an_offer_holds_nothing_and_is_bounded_by_generation_capacity() {
	run(|| {
		// Alice's 4 kW make 1 kWh in a quarter hour.
		assert_ok!(place(ALICE, Side::Offer, NOW + 1, 600, 100));
		assert_eq!((escrow(ALICE), deposits(ALICE)), (0, DEPOSIT));
		assert_noop!(place(ALICE, Side::Offer, NOW + 1, 401, 100), Error::<Test>::ExceedsCapacity);
		assert_ok!(place(ALICE, Side::Offer, NOW + 1, 400, 100));
		// Another period has its own capacity.
		assert_ok!(place(ALICE, Side::Offer, NOW + 2, 1_000, 100));
	});
}

#[test]
fn bids_are_bounded_by_connection_capacity_and_roles_follow() {
	run(|| {
		// Bob's 8 kW connection imports 2 kWh in a quarter hour.
		assert_noop!(place(BOB, Side::Bid, NOW + 1, 2_001, 1), Error::<Test>::ExceedsCapacity);
		// A consumer has nothing to sell; a producer without a connection cannot buy.
		assert_noop!(place(BOB, Side::Offer, NOW + 1, 1, 1), Error::<Test>::ExceedsCapacity);
		assert_noop!(place(CHARLIE, Side::Bid, NOW + 1, 1, 1), Error::<Test>::ExceedsCapacity);
	});
}

#[test]
fn only_approved_participants_trade() {
	run(|| {
		assert_noop!(place(EVE, Side::Bid, NOW + 1, 100, 100), Error::<Test>::NotApproved);
		assert_noop!(place(77, Side::Bid, NOW + 1, 100, 100), Error::<Test>::NotApproved);
		assert_noop!(
			DoubleAuction::place_order(RuntimeOrigin::root(), Side::Bid, NOW + 1, 100, 100),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn orders_are_for_a_future_period_within_reach() {
	run(|| {
		assert_noop!(place(BOB, Side::Bid, NOW, 100, 100), Error::<Test>::DeliveryPeriodClosed);
		assert_noop!(place(BOB, Side::Bid, NOW - 1, 100, 100), Error::<Test>::DeliveryPeriodClosed);
		assert_noop!(
			place(BOB, Side::Bid, NOW + AHEAD + 1, 100, 100),
			Error::<Test>::DeliveryPeriodTooFar
		);
		assert_ok!(place(BOB, Side::Bid, NOW + AHEAD, 100, 100));
		assert_noop!(place(BOB, Side::Bid, NOW + 1, 0, 100), Error::<Test>::ZeroEnergy);
	});
}

#[test]
fn a_bid_needs_funds_for_its_escrow() {
	run(|| {
		// 1 kWh at 300 costs 300; the pauper has 10.
		assert_noop!(
			place(PAUPER, Side::Bid, NOW + 1, 1_000, 300),
			Error::<Test>::InsufficientBalanceForEscrow
		);
		// 5 Wh at 1 costs nothing (rounded down), but the deposit of 10 leaves the pauper
		// below its existential deposit.
		assert_noop!(
			place(PAUPER, Side::Bid, NOW + 1, 5, 1),
			Error::<Test>::InsufficientBalanceForDeposit
		);
		// A bid whose cost does not fit the balance type is refused, not wrapped.
		assert_noop!(place(BOB, Side::Bid, NOW + 1, 2_000, u64::MAX), Error::<Test>::Overflow);
	});
}

#[test]
fn books_accounts_and_periods_are_bounded() {
	run(|| {
		for _ in 0..MAX_OWN {
			assert_ok!(place(ALICE, Side::Bid, NOW + 1, 10, 1));
		}
		assert_noop!(place(ALICE, Side::Offer, NOW + 2, 10, 1), Error::<Test>::TooManyOpenOrders);
		// Alice's three bids fill the bid side; an equal bid does not get in, and offers have a
		// side of their own.
		assert_noop!(place(DAVE, Side::Bid, NOW + 1, 10, 1), Error::<Test>::BookFull);
		assert_ok!(place(CHARLIE, Side::Offer, NOW + 1, 10, 1));
	});
}

#[test]
fn open_books_are_bounded_while_begun_periods_wait_to_close() {
	run(|| {
		let traders = [ALICE, BOB, DAVE];
		// Without blocks, no book closes while the clock moves on.
		for (i, period) in (NOW + 1..=NOW + 6).enumerate() {
			set_period(period - 1);
			assert_ok!(place(traders[i % 3], Side::Bid, period, 10, 1));
		}
		set_period(NOW + 6);
		assert_noop!(place(BOB, Side::Bid, NOW + 7, 10, 1), Error::<Test>::TooManyOpenBooks);
	});
}

#[test]
fn a_grid_admits_only_its_zones() {
	run(|| {
		set_participant(42, Role::Consumer, 5, 0, 8_000, true);
		let _ =
			<Balances as polkadot_sdk::frame_support::traits::fungible::Mutate<u64>>::set_balance(
				&42, FUNDS,
			);
		// Without a grid, zones are not checked.
		assert_ok!(place(42, Side::Bid, NOW + 1, 100, 100));
		set_grid(Some(feeder()));
		assert_noop!(place(42, Side::Bid, NOW + 1, 100, 100), Error::<Test>::ZoneNotInGrid);
		assert_ok!(place(DAVE, Side::Bid, NOW + 1, 100, 100));
	});
}

#[test]
fn cancelling_releases_the_escrow_and_empties_the_book() {
	run(|| {
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 1_000, 300));
		assert!(<DoubleAuction as ParticipantActivity<u64>>::has_open_orders(&BOB));
		assert_noop!(
			DoubleAuction::cancel_order(RuntimeOrigin::signed(ALICE), 0),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			DoubleAuction::cancel_order(RuntimeOrigin::signed(BOB), 1),
			Error::<Test>::UnknownOrder
		);
		assert_ok!(DoubleAuction::cancel_order(RuntimeOrigin::signed(BOB), 0));
		assert_eq!((escrow(BOB), deposits(BOB), free(BOB)), (0, 0, FUNDS));
		assert!(!<DoubleAuction as ParticipantActivity<u64>>::has_open_orders(&BOB));
		assert!(!Books::<Test>::contains_key(NOW + 1));
		assert!(OpenBooks::<Test>::get().is_empty());
		assert!(PendingClearing::<Test>::get().is_empty());
		assert_eq!(
			events().last(),
			Some(&Event::OrderCancelled {
				order: 0,
				owner: BOB,
				remaining_wh: 1_000,
				released: 300 + DEPOSIT
			})
		);
		// Ids are not reused.
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 1_000, 300));
		assert!(Orders::<Test>::contains_key(1));
	});
}

#[test]
fn dust_and_a_zero_price_are_refused() {
	run(|| {
		assert_eq!(DoubleAuction::min_order_wh(), 1, "4 W over 900 s");
		assert_noop!(place(BOB, Side::Bid, NOW + 1, 1_000, 0), Error::<Test>::ZeroPrice);
		assert_noop!(place(ALICE, Side::Offer, NOW + 1, 1_000, 0), Error::<Test>::ZeroPrice);
		assert_noop!(place(BOB, Side::Bid, NOW + 1, 0, 300), Error::<Test>::ZeroEnergy);
		// 60 W over a quarter hour: 15 Wh.
		MinOrderPower::set(60);
		assert_eq!(DoubleAuction::min_order_wh(), 15);
		assert_noop!(place(BOB, Side::Bid, NOW + 1, 14, 300), Error::<Test>::BelowMinimumEnergy);
		assert_noop!(
			place(ALICE, Side::Offer, NOW + 1, 14, 100),
			Error::<Test>::BelowMinimumEnergy
		);
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 15, 1));
		assert_ok!(place(ALICE, Side::Offer, NOW + 1, 15, 1));
		// Under 1 W a period holds less than 1 Wh: the smallest order is still 1 Wh.
		MinOrderPower::set(0);
		assert_eq!(DoubleAuction::min_order_wh(), 1);
	});
}

#[test]
fn a_suspension_cancels_every_open_order_and_releases_the_escrow() {
	use energy_primitives::OnParticipantSuspended;
	use polkadot_sdk::frame_support::traits::Get;
	run(|| {
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 1_000, 300));
		assert_ok!(place(BOB, Side::Bid, NOW + 2, 500, 200));
		assert_ok!(place(ALICE, Side::Offer, NOW + 1, 1_000, 400));
		assert_eq!(escrow(BOB), 400);

		let used = <DoubleAuction as OnParticipantSuspended<u64>>::on_suspended(&BOB);
		assert_eq!((escrow(BOB), deposits(BOB), free(BOB)), (0, 0, FUNDS));
		assert!(!<DoubleAuction as ParticipantActivity<u64>>::has_open_orders(&BOB));
		assert!(!Orders::<Test>::contains_key(0) && !Orders::<Test>::contains_key(1));
		assert!(!Books::<Test>::contains_key(NOW + 2), "Bob's was the book's only order");
		assert_eq!(book(NOW + 1), vec![2], "Alice's offer stays");
		assert_eq!(
			events()[events().len() - 2..],
			[
				Event::OrderCancelled {
					order: 0,
					owner: BOB,
					remaining_wh: 1_000,
					released: 300 + DEPOSIT
				},
				Event::OrderCancelled {
					order: 1,
					owner: BOB,
					remaining_wh: 500,
					released: 100 + DEPOSIT
				},
			]
		);
		// Charged per order cancelled, within the bound the suspending call pays in advance.
		let max = <DoubleAuction as OnParticipantSuspended<u64>>::on_suspended_max_weight();
		let per_order = <() as crate::WeightInfo>::cancel_order();
		let db = <Test as polkadot_sdk::frame_system::Config>::DbWeight::get();
		assert_eq!(used, db.reads(2).saturating_add(per_order.saturating_mul(2)));
		let most: u32 = <Test as Config>::MaxOpenOrdersPerAccount::get();
		let most = u64::from(most);
		let per_commitment = DoubleAuction::forfeit_weight(1);
		assert_eq!(
			max,
			db.reads(2)
				.saturating_add(per_order.saturating_mul(most))
				.saturating_add(per_commitment.saturating_mul(most))
		);
		assert!(used.all_lt(max));

		// Nothing open: nothing to do, one read.
		assert_eq!(<DoubleAuction as OnParticipantSuspended<u64>>::on_suspended(&BOB), db.reads(2));
	});
}

#[test]
fn filled_orders_count_against_capacity_so_an_offer_cannot_refill() {
	run(|| {
		// Alice's 4 kW make 1 kWh a period; Bob buys all of it.
		assert_ok!(place(ALICE, Side::Offer, NOW + 1, 1_000, 100));
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 1_000, 200));
		next_block();
		assert!(Orders::<Test>::get(0).is_none(), "the offer filled");
		assert_eq!(MockLedger::traded(&ALICE, NOW + 1).sold_wh, 1_000);
		// The generator has nothing left to sell in that period, however often it tries.
		assert_noop!(place(ALICE, Side::Offer, NOW + 1, 1, 100), Error::<Test>::ExceedsCapacity);
		// Bob's 2 kWh connection has 1 kWh left to buy.
		assert_noop!(place(BOB, Side::Bid, NOW + 1, 1_001, 200), Error::<Test>::ExceedsCapacity);
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 1_000, 200));
		// Another period is untouched.
		assert_ok!(place(ALICE, Side::Offer, NOW + 2, 1_000, 100));
	});
}
