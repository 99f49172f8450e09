//! Book modes: sealed orders (commit–reveal) and call books, cleared once at the gate.

use crate::{mock::*, *};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, dispatch::DispatchResult},
	sp_runtime::DispatchError,
};

/// The book the tests seal: two periods ahead, so that its gate (one period before it) is
/// ahead too.
const P: PeriodIndex = NOW + 2;

fn secs(at: u64) {
	Timestamp::set_timestamp(at * 1_000);
}

fn commit(who: u64, side: Side, energy_wh: u64, price: u64, salt: u8) -> DispatchResult {
	let commitment = DoubleAuction::order_commitment(&who, P, side, energy_wh, price, &[salt; 32]);
	DoubleAuction::commit_order(RuntimeOrigin::signed(who), P, commitment)
}

fn reveal(who: u64, side: Side, energy_wh: u64, price: u64, salt: u8) -> DispatchResult {
	DoubleAuction::reveal_order(RuntimeOrigin::signed(who), P, side, energy_wh, price, [salt; 32])
}

fn seal(period: PeriodIndex) {
	assert_ok!(DoubleAuction::set_period_mode(
		RuntimeOrigin::root(),
		Some(period),
		BookMode::Sealed
	));
}

#[test]
fn the_commitment_is_blake2_of_the_tagged_order_as_documented() {
	run(|| {
		let salt = [0xab; 32];
		// The preimage byte by byte, as docs/trading.md gives it: the tag, the account
		// (a u64 in the mock, 32 bytes in the runtime), the period (u32), the side (one byte),
		// the energy and the price (u64 each), all little-endian, then the salt.
		let mut preimage = b"emc1".to_vec();
		preimage.extend_from_slice(&BOB.to_le_bytes());
		preimage.extend_from_slice(&P.to_le_bytes());
		preimage.push(1);
		preimage.extend_from_slice(&1_500u64.to_le_bytes());
		preimage.extend_from_slice(&200u64.to_le_bytes());
		preimage.extend_from_slice(&salt);
		assert_eq!(preimage.len(), 4 + 8 + 4 + 1 + 8 + 8 + 32);
		assert_eq!(
			DoubleAuction::order_commitment(&BOB, P, Side::Offer, 1_500, 200, &salt),
			polkadot_sdk::sp_io::hashing::blake2_256(&preimage)
		);
		// Each field matters.
		let base = DoubleAuction::order_commitment(&BOB, P, Side::Offer, 1_500, 200, &salt);
		assert_ne!(
			base,
			DoubleAuction::order_commitment(&ALICE, P, Side::Offer, 1_500, 200, &salt)
		);
		assert_ne!(
			base,
			DoubleAuction::order_commitment(&BOB, P + 1, Side::Offer, 1_500, 200, &salt)
		);
		assert_ne!(base, DoubleAuction::order_commitment(&BOB, P, Side::Bid, 1_500, 200, &salt));
		assert_ne!(
			base,
			DoubleAuction::order_commitment(&BOB, P, Side::Offer, 1_500, 201, &[0; 32])
		);
		let _ = (1u8, 2u8).encode();
	});
}

#[test]
fn a_sealed_book_is_cleared_once_at_its_gate_on_the_revealed_orders() {
	run(|| {
		seal(P);
		assert_eq!(DoubleAuction::mode_of(P), BookMode::Sealed);
		assert_noop!(
			DoubleAuction::place_order(RuntimeOrigin::signed(BOB), Side::Bid, P, 1_000, 400)
				.map_err(|e| e.error),
			Error::<Test>::SealedBook
		);
		assert_ok!(commit(BOB, Side::Bid, 1_000, 400, 1));
		assert_ok!(commit(CHARLIE, Side::Offer, 1_500, 200, 2));
		assert_ok!(commit(DAVE, Side::Bid, 1_000, 300, 3)); // never revealed
		assert_noop!(commit(DAVE, Side::Bid, 1_000, 300, 3), Error::<Test>::DuplicateCommitment);
		assert_eq!((deposits(BOB), deposits(DAVE)), (DEPOSIT, DEPOSIT));
		// Nobody sees a price before the reveal window, and nothing clears.
		assert_noop!(reveal(BOB, Side::Bid, 1_000, 400, 1), Error::<Test>::NotRevealTime);
		next_block();
		assert!(trades().is_empty());

		secs(DoubleAuction::reveal_opens(P));
		assert_noop!(commit(ALICE, Side::Bid, 100, 400, 4), Error::<Test>::CommitClosed);
		// A wrong salt, or someone else's order, matches nothing.
		assert_noop!(reveal(BOB, Side::Bid, 1_000, 400, 9), Error::<Test>::UnknownCommitment);
		assert_noop!(reveal(ALICE, Side::Bid, 1_000, 400, 1), Error::<Test>::UnknownCommitment);
		assert_ok!(reveal(BOB, Side::Bid, 1_000, 400, 1));
		assert_ok!(reveal(CHARLIE, Side::Offer, 1_500, 200, 2));
		// The commitment's deposit became the order's; Bob's bid holds its escrow.
		assert_eq!((deposits(BOB), escrow(BOB)), (DEPOSIT, 400));
		assert!(events().contains(&Event::OrderRevealed {
			period: P,
			owner: BOB,
			commitment: DoubleAuction::order_commitment(&BOB, P, Side::Bid, 1_000, 400, &[1; 32]),
		}));
		// Revealed orders wait for the gate.
		next_block();
		assert!(trades().is_empty());

		secs(DoubleAuction::gate_of(P));
		assert_noop!(reveal(DAVE, Side::Bid, 1_000, 300, 3), Error::<Test>::NotRevealTime);
		let issuance = Balances::total_issuance();
		next_block();
		// Dave's deposit is burned; Bob and Charlie trade at the uniform price.
		assert_eq!(Balances::total_issuance(), issuance - DEPOSIT);
		assert_eq!((free(DAVE), deposits(DAVE)), (FUNDS - DEPOSIT, 0));
		assert!(events()
			.iter()
			.any(|e| matches!(e, Event::CommitmentForfeited { owner: DAVE, burned: DEPOSIT, .. })));
		assert_eq!(trades(), vec![(0, 1, 1_000, 1_000, 0, 300, 300)]);
		assert!(Books::<Test>::get(P).is_some_and(|book| book.finalized && book.commits == 0));
		// Cleared once: no second clearing of the same book.
		let before = events().len();
		next_block();
		assert_eq!(events().len(), before);
	});
}

#[test]
fn a_call_book_takes_orders_until_its_gate_and_is_cleared_once() {
	run(|| {
		assert_ok!(DoubleAuction::set_period_mode(RuntimeOrigin::root(), None, BookMode::Call));
		let place = |who, side, energy, price| {
			DoubleAuction::place_order(RuntimeOrigin::signed(who), side, P, energy, price)
				.map(|_| ())
				.map_err(|e| e.error)
		};
		assert_ok!(place(BOB, Side::Bid, 1_000, 400));
		assert_ok!(place(CHARLIE, Side::Offer, 600, 100));
		next_block();
		assert!(trades().is_empty(), "a call book does not clear as orders come");
		assert_ok!(place(DAVE, Side::Bid, 1_000, 300));
		assert_ok!(place(CHARLIE, Side::Offer, 600, 250));
		// The book's mode was frozen with its first order.
		assert_ok!(DoubleAuction::set_period_mode(
			RuntimeOrigin::root(),
			None,
			BookMode::Continuous
		));
		assert_eq!(DoubleAuction::mode_of(P), BookMode::Call);
		assert_noop!(
			DoubleAuction::set_period_mode(RuntimeOrigin::root(), Some(P), BookMode::Sealed),
			Error::<Test>::BookNotEmpty
		);
		next_block();
		assert!(trades().is_empty());
		// The one clearing at the gate is the one-shot clearing of the whole book.
		let expected: Vec<_> =
			DoubleAuction::match_orders(DoubleAuction::book_orders(P), Mechanism::default(), None)
				.unwrap()
				.iter()
				.map(|t| {
					(t.bid, t.offer, t.sold, t.delivered, t.lost, t.buyer_price, t.seller_price)
				})
				.collect();
		set_period(NOW + 1);
		assert_noop!(place(ALICE, Side::Offer, 100, 100), Error::<Test>::GateClosed);
		next_block();
		assert_eq!(trades(), expected);
		assert!(expected.len() >= 2);
	});
}

#[test]
fn a_reveal_crowded_out_by_better_orders_gets_its_deposit_back() {
	run(|| {
		seal(P);
		assert_ok!(commit(ALICE, Side::Bid, 100, 500, 1));
		assert_ok!(commit(BOB, Side::Bid, 100, 500, 2));
		assert_ok!(commit(BOB, Side::Bid, 100, 500, 3));
		assert_ok!(commit(DAVE, Side::Bid, 100, 100, 4));
		secs(DoubleAuction::reveal_opens(P));
		assert_ok!(reveal(ALICE, Side::Bid, 100, 500, 1));
		assert_ok!(reveal(BOB, Side::Bid, 100, 500, 2));
		assert_ok!(reveal(BOB, Side::Bid, 100, 500, 3));
		assert_ok!(reveal(DAVE, Side::Bid, 100, 100, 4));
		assert!(matches!(events().last(), Some(Event::RevealCrowdedOut { owner: DAVE, .. })));
		assert_eq!((free(DAVE), deposits(DAVE), escrow(DAVE)), (FUNDS, 0, 0));
		assert_eq!(Books::<Test>::get(P).map(|b| (b.bids, b.commits)), Some((3, 0)));
	});
}

#[test]
fn a_suspension_releases_commitments_and_modes_are_the_operators() {
	use energy_primitives::OnParticipantSuspended;
	run(|| {
		assert_noop!(
			DoubleAuction::set_period_mode(RuntimeOrigin::signed(ALICE), Some(P), BookMode::Sealed),
			DispatchError::BadOrigin
		);
		assert_noop!(
			DoubleAuction::set_period_mode(RuntimeOrigin::root(), Some(NOW), BookMode::Sealed),
			Error::<Test>::DeliveryPeriodClosed
		);
		assert_noop!(
			DoubleAuction::commit_order(RuntimeOrigin::signed(BOB), P, [1; 32]),
			Error::<Test>::NotSealed
		);
		seal(P);
		assert_ok!(commit(BOB, Side::Bid, 1_000, 400, 1));
		assert_noop!(
			DoubleAuction::commit_order(RuntimeOrigin::signed(EVE), P, [1; 32]),
			Error::<Test>::NotApproved
		);
		<DoubleAuction as OnParticipantSuspended<u64>>::on_suspended(&BOB);
		assert_eq!((free(BOB), deposits(BOB)), (FUNDS, 0));
		assert!(Commitments::<Test>::iter().next().is_none());
		assert!(!Books::<Test>::contains_key(P), "the book had nothing else");
		assert!(matches!(events().last(), Some(Event::CommitmentReleased { owner: BOB, .. })));
	});
}

#[test]
fn a_mechanism_change_does_not_clear_a_call_book_before_its_gate() {
	run(|| {
		assert_ok!(DoubleAuction::set_period_mode(RuntimeOrigin::root(), Some(P), BookMode::Call));
		assert_ok!(DoubleAuction::place_order(
			RuntimeOrigin::signed(BOB),
			Side::Bid,
			P,
			1_000,
			400
		)
		.map_err(|e| e.error));
		assert_ok!(DoubleAuction::place_order(
			RuntimeOrigin::signed(CHARLIE),
			Side::Offer,
			P,
			1_000,
			100
		)
		.map_err(|e| e.error));
		// Setting the mechanism lists every open book as changed; the call book is dropped
		// from the list, not cleared.
		assert_ok!(DoubleAuction::set_mechanism(
			RuntimeOrigin::root(),
			Mechanism::UniformPrice { k_ppm: 0 }
		));
		assert_eq!(PendingClearing::<Test>::get().to_vec(), vec![P]);
		next_block();
		assert!(trades().is_empty());
		assert!(PendingClearing::<Test>::get().is_empty());
		set_period(NOW + 1);
		next_block();
		assert_eq!(trades().len(), 1, "cleared at its gate");
	});
}
