//! Clearing over several blocks within the budget: settlement in chunks, trades voided when
//! their orders left, books closed in chunks.

use crate::{mock::*, *};
use polkadot_sdk::frame_support::{
	assert_ok,
	traits::Get,
	weights::{RuntimeDbWeight, Weight},
};

fn place(who: u64, side: Side, period: PeriodIndex, energy_wh: u64, price: u64) {
	assert_ok!(DoubleAuction::place_order(
		RuntimeOrigin::signed(who),
		side,
		period,
		energy_wh,
		price
	));
}

fn db() -> RuntimeDbWeight {
	<<Test as polkadot_sdk::frame_system::Config>::DbWeight as Get<RuntimeDbWeight>>::get()
}

/// Three bids and three offers that cross into five trades.
fn crossing_book() {
	place(BOB, Side::Bid, NOW + 1, 500, 400); // 0
	place(DAVE, Side::Bid, NOW + 1, 500, 350); // 1
	place(ALICE, Side::Bid, NOW + 1, 500, 300); // 2
	place(CHARLIE, Side::Offer, NOW + 1, 300, 100); // 3
	place(CHARLIE, Side::Offer, NOW + 1, 400, 150); // 4
	place(CHARLIE, Side::Offer, NOW + 1, 600, 200); // 5
}

/// The trades a one-shot clearing of `period`'s current book makes, as `mock::trades` shows
/// them.
fn one_shot(period: PeriodIndex) -> Vec<(OrderId, OrderId, u64, u64, u64, u64, u64)> {
	let mechanism = MarketMechanism::<Test>::get();
	DoubleAuction::match_orders(DoubleAuction::book_orders(period), mechanism, None)
		.unwrap()
		.iter()
		.map(|t| (t.bid, t.offer, t.sold, t.delivered, t.lost, t.buyer_price, t.seller_price))
		.collect()
}

fn cleared() -> usize {
	events().iter().filter(|event| matches!(event, Event::BookCleared { .. })).count()
}

#[test]
fn a_clearing_too_large_for_one_block_settles_a_chunk_a_block_within_the_budget() {
	run(|| {
		crossing_book();
		let expected = one_shot(NOW + 1);
		assert_eq!(expected.len(), 5, "the book makes five trades");
		// Room for the determination and one trade in the first block, one trade after.
		let determine = DoubleAuction::determination_weight(MarketMechanism::<Test>::get(), 6);
		let first =
			db().reads(7).saturating_add(determine).saturating_add(DoubleAuction::settle_weight(1));
		let later = db().reads(4).saturating_add(DoubleAuction::settle_weight(1));
		Budget::set(first);
		assert_eq!(next_block(), first);
		assert_eq!(trades(), expected[..1].to_vec());
		Budget::set(later);
		for settled in 2..=5 {
			assert_eq!(cleared(), 0, "the book is cleared once, when its last trade settles");
			assert!(Settlement::<Test>::get().is_some());
			assert_eq!(next_block(), later);
			assert_eq!(trades(), expected[..settled].to_vec());
		}
		// The same trades as one clearing in one block, announced once.
		assert_eq!(cleared(), 1);
		assert!(Settlement::<Test>::get().is_none());
		assert!(PendingTrades::<Test>::iter().next().is_none());
		assert!(matches!(
			events().last(),
			Some(Event::BookCleared { orders: 6, trades: 5, sold_wh: 1_300, .. })
		));
		// A block with nothing left to do reads only what tells it so: the four reads of
		// every block, and the next period's book (its orders are left).
		assert_eq!(next_block(), db().reads(5));
	});
}

#[test]
fn a_trade_whose_order_left_the_book_during_settlement_is_voided() {
	run(|| {
		crossing_book();
		let expected = one_shot(NOW + 1);
		let determine = DoubleAuction::determination_weight(MarketMechanism::<Test>::get(), 6);
		Budget::set(
			db().reads(7).saturating_add(determine).saturating_add(DoubleAuction::settle_weight(1)),
		);
		next_block();
		assert_eq!(trades().len(), 1);
		// Dave cancels his bid while its trades wait; his escrow and deposit come back.
		assert_ok!(DoubleAuction::cancel_order(RuntimeOrigin::signed(DAVE), 1));
		assert_eq!((free(DAVE), escrow(DAVE), deposits(DAVE)), (FUNDS, 0, 0));
		// Room for the four trades left, voided ones included, and nothing else.
		Budget::set(db().reads(4).saturating_add(DoubleAuction::settle_weight(4)));
		next_block();
		let daves: Vec<_> = expected.iter().filter(|t| t.0 == 1).collect();
		assert!(!daves.is_empty());
		let others: Vec<_> = expected.iter().filter(|t| t.0 != 1).cloned().collect();
		assert_eq!(trades(), others, "every other trade settles as determined");
		let voided: Vec<_> = events()
			.into_iter()
			.filter_map(|event| match event {
				Event::TradeVoided { bid, offer, reason, .. } => Some((bid, offer, reason)),
				_ => None,
			})
			.collect();
		assert_eq!(
			voided,
			daves.iter().map(|t| (t.0, t.1, VoidReason::OrderGone)).collect::<Vec<_>>()
		);
		assert_eq!(MockLedger::traded(&DAVE, NOW + 1).bought_wh, 0);
		assert!(
			matches!(events().last(), Some(Event::BookCleared { trades, .. }) if *trades == others.len() as u32)
		);
		// Voided trades may leave orders that cross: the book is cleared again, and the offer
		// Dave did not take goes to Alice's bid.
		assert_eq!(PendingClearing::<Test>::get().to_vec(), vec![NOW + 1]);
		Budget::set(Weight::from_parts(200_000_000_000, u64::MAX / 8));
		next_block();
		assert!(trades()[others.len()..].iter().all(|t| t.0 == 2), "{:?}", trades());
		assert!(trades().len() > others.len());
	});
}

#[test]
fn a_determination_waits_for_a_block_with_room_for_it() {
	run(|| {
		crossing_book();
		// Room for the reads only: nothing is determined, and the book stays pending.
		Budget::set(db().reads(7));
		assert_eq!(next_block(), db().reads(7));
		// Less room than the reads that size the book: they are not even made.
		Budget::set(db().reads(6));
		assert_eq!(next_block(), db().reads(5));
		assert!(trades().is_empty() && Settlement::<Test>::get().is_none());
		assert_eq!(PendingClearing::<Test>::get().to_vec(), vec![NOW + 1]);
		Budget::set(Weight::from_parts(200_000_000_000, u64::MAX / 8));
		next_block();
		assert_eq!(trades().len(), 5);
	});
}

#[test]
fn a_large_book_closes_a_chunk_a_block_and_releases_everything() {
	run(|| {
		// Three bids and three offers that do not cross.
		place(BOB, Side::Bid, NOW + 1, 1_000, 100);
		place(DAVE, Side::Bid, NOW + 1, 1_000, 100);
		place(ALICE, Side::Bid, NOW + 1, 1_000, 100);
		place(CHARLIE, Side::Offer, NOW + 1, 1_000, 900);
		place(CHARLIE, Side::Offer, NOW + 1, 1_000, 900);
		place(ALICE, Side::Offer, NOW + 1, 500, 900);
		next_block();
		assert!(trades().is_empty());
		set_period(NOW + 1);
		let per_block = db().reads(4).saturating_add(DoubleAuction::expire_weight(2));
		Budget::set(per_block);
		for left in [4, 2] {
			assert_eq!(next_block(), per_block);
			assert_eq!(Books::<Test>::get(NOW + 1).map(|b| b.orders()), Some(left));
			assert!(!events().iter().any(|e| matches!(e, Event::BookClosed { .. })));
		}
		assert_eq!(next_block(), per_block);
		assert_eq!(
			events().last(),
			Some(&Event::BookClosed { period: NOW + 1, expired: 6, released: 300 + 6 * DEPOSIT })
		);
		for who in [ALICE, BOB, CHARLIE, DAVE] {
			assert_eq!((free(who), escrow(who), deposits(who)), (FUNDS, 0, 0));
		}
		assert!(OpenBooks::<Test>::get().is_empty());
	});
}
