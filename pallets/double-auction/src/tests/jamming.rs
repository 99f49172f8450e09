//! A book no one can jam: deposits, per-side caps and eviction.

use crate::{mock::*, *};
use polkadot_sdk::frame_support::{
	assert_noop, assert_ok,
	dispatch::{DispatchResult, GetDispatchInfo},
	traits::Get,
};

fn place(who: u64, side: Side, period: PeriodIndex, energy_wh: u64, price: u64) -> DispatchResult {
	DoubleAuction::place_order(RuntimeOrigin::signed(who), side, period, energy_wh, price)
		.map(|_| ())
		.map_err(|e| e.error)
}

#[test]
fn a_full_side_takes_a_more_competitive_order_in_place_of_its_least_competitive() {
	run(|| {
		assert_ok!(place(ALICE, Side::Bid, NOW + 1, 1_000, 50)); // 0
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 1_000, 50)); // 1: newest at the lowest price
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 1_000, 70)); // 2
		assert_eq!(escrow(BOB), 50 + 70);
		// The side is full. An equal bid ranks below the older ones: refused.
		assert_noop!(place(DAVE, Side::Bid, NOW + 1, 1_000, 50), Error::<Test>::BookFull);
		// A dearer bid takes the place of the least competitive: Bob's newer bid at 50.
		assert_ok!(place(DAVE, Side::Bid, NOW + 1, 1_000, 60)); // 3
		assert_eq!(book(NOW + 1), vec![0, 2, 3]);
		assert!(events().contains(&Event::OrderEvicted {
			order: 1,
			owner: BOB,
			by: 3,
			remaining_wh: 1_000,
			released: 50 + DEPOSIT,
		}));
		// Bob got the evicted bid's escrow and deposit back, and keeps his other bid.
		assert_eq!((escrow(BOB), deposits(BOB)), (70, DEPOSIT));
		assert_eq!(free(BOB), FUNDS - 70 - DEPOSIT);
		assert_eq!(OpenOrdersOf::<Test>::get(BOB).to_vec(), vec![2]);
		// Now Alice's bid at 50 is the least competitive; offers have a side of their own.
		assert_noop!(place(BOB, Side::Bid, NOW + 1, 1_000, 50), Error::<Test>::BookFull);
		assert_ok!(place(CHARLIE, Side::Offer, NOW + 1, 1_000, 500));
		let state = Books::<Test>::get(NOW + 1).unwrap();
		assert_eq!((state.bids, state.offers), (3, 1));
	});
}

#[test]
fn offers_are_evicted_from_the_dearest_and_an_owner_may_evict_its_own() {
	run(|| {
		assert_ok!(place(CHARLIE, Side::Offer, NOW + 1, 1_000, 300)); // 0
		assert_ok!(place(CHARLIE, Side::Offer, NOW + 1, 1_000, 900)); // 1: the dearest
		assert_ok!(place(ALICE, Side::Offer, NOW + 1, 500, 400)); // 2
		assert_noop!(place(ALICE, Side::Offer, NOW + 1, 100, 900), Error::<Test>::BookFull);
		// Charlie's cheaper offer replaces his own dearest; his list never overflows.
		assert_ok!(place(CHARLIE, Side::Offer, NOW + 1, 1_000, 350)); // 3
		assert_eq!(book(NOW + 1), vec![0, 2, 3]);
		assert_eq!(OpenOrdersOf::<Test>::get(CHARLIE).to_vec(), vec![0, 3]);
		assert_eq!(deposits(CHARLIE), 2 * DEPOSIT);
	});
}

#[test]
fn a_handful_of_accounts_cannot_lock_others_out_of_a_period() {
	run(|| {
		// Cheap jamming: Alice and Bob fill the bid side with the lowest bids, Charlie the
		// offer side with absurd prices. Each order holds a deposit.
		assert_ok!(place(ALICE, Side::Bid, NOW + 1, 1, 1));
		assert_ok!(place(ALICE, Side::Bid, NOW + 1, 1, 1));
		assert_ok!(place(BOB, Side::Bid, NOW + 1, 1, 1));
		for _ in 0..MAX_PER_SIDE {
			assert_ok!(place(CHARLIE, Side::Offer, NOW + 1, 1, 1_000_000));
		}
		assert_eq!(deposits(ALICE) + deposits(BOB) + deposits(CHARLIE), 6 * DEPOSIT);
		// A real buyer and a real seller still get in, each evicting a jamming order...
		assert_ok!(place(DAVE, Side::Bid, NOW + 1, 1_000, 300));
		assert_ok!(place(ALICE, Side::Offer, NOW + 1, 1_000, 200));
		let evicted =
			events().iter().filter(|event| matches!(event, Event::OrderEvicted { .. })).count();
		assert_eq!(evicted, 2);
		// ...and trade in the next block.
		next_block();
		assert_eq!(trades(), vec![(6, 7, 1_000, 1_000, 0, 250, 250)]);

		// Expensive jamming: bids that outbid every newcomer. They cannot be evicted, but
		// they are the first to buy: an offer at any price they accept fills them and frees
		// the side.
		assert_ok!(place(BOB, Side::Bid, NOW + 2, 500, 10_000));
		assert_ok!(place(BOB, Side::Bid, NOW + 2, 500, 10_000));
		assert_ok!(place(DAVE, Side::Bid, NOW + 2, 500, 10_000));
		assert_noop!(place(ALICE, Side::Bid, NOW + 2, 100, 9_999), Error::<Test>::BookFull);
		assert_ok!(place(CHARLIE, Side::Offer, NOW + 2, 1_500, 100));
		next_block();
		next_block();
		assert_eq!(Books::<Test>::get(NOW + 2), None, "every jamming bid bought");
		// Bob paid for what he bought: 1 kWh at the uniform price 5 050.
		assert_eq!(free(BOB), FUNDS - 5_050);
		assert_ok!(place(ALICE, Side::Bid, NOW + 2, 100, 9_999));
	});
}

#[test]
fn a_placement_is_charged_for_a_full_list_and_an_eviction_and_refunded_what_it_did_not_do() {
	run(|| {
		let charged = |who: u64, price: u64| {
			DoubleAuction::place_order(RuntimeOrigin::signed(who), Side::Bid, NOW + 1, 1_000, price)
				.unwrap()
				.actual_weight
		};
		let most = <Test as Config>::MaxOpenOrdersPerAccount::get();
		let info = Call::<Test>::place_order {
			side: Side::Bid,
			period: NOW + 1,
			energy_wh: 1_000,
			price_per_kwh: 50,
		}
		.get_dispatch_info();
		assert_eq!(info.call_weight, DoubleAuction::place_order_weight(most, true));
		assert_eq!(charged(ALICE, 50), Some(DoubleAuction::place_order_weight(0, false)));
		assert_eq!(charged(ALICE, 50), Some(DoubleAuction::place_order_weight(1, false)));
		assert_eq!(charged(BOB, 50), Some(DoubleAuction::place_order_weight(0, false)));
		// The side is full: Dave's dearer bid evicts.
		assert_eq!(charged(DAVE, 60), Some(DoubleAuction::place_order_weight(0, true)));
		assert!(
			DoubleAuction::place_order_weight(0, false).ref_time()
				< DoubleAuction::place_order_weight(0, true).ref_time(),
			"an eviction costs more"
		);
	});
}
