//! The mechanism, chosen by the operator.

use crate::{mock::*, *};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

#[test]
fn the_default_is_a_uniform_price_halfway() {
	run(|| {
		assert_eq!(MarketMechanism::<Test>::get(), Mechanism::UniformPrice { k_ppm: 500_000 });
	});
}

#[test]
fn only_the_operator_chooses_a_valid_mechanism() {
	run(|| {
		assert_noop!(
			DoubleAuction::set_mechanism(RuntimeOrigin::signed(ALICE), Mechanism::McAfee),
			DispatchError::BadOrigin
		);
		assert_noop!(
			DoubleAuction::set_mechanism(
				RuntimeOrigin::root(),
				Mechanism::UniformPrice { k_ppm: 1_000_001 }
			),
			Error::<Test>::InvalidMechanism
		);
		assert_noop!(
			DoubleAuction::set_mechanism(RuntimeOrigin::root(), Mechanism::ZoneMarket),
			Error::<Test>::NoGrid
		);
		assert_ok!(DoubleAuction::set_mechanism(
			RuntimeOrigin::root(),
			Mechanism::UniformPrice { k_ppm: 0 }
		));
		assert_eq!(
			events(),
			vec![Event::MechanismSet { mechanism: Mechanism::UniformPrice { k_ppm: 0 } }]
		);
	});
}

#[test]
fn a_new_mechanism_clears_every_open_book_again() {
	run(|| {
		let place = |who, side, energy, price| {
			assert_ok!(DoubleAuction::place_order(
				RuntimeOrigin::signed(who),
				side,
				NOW + 1,
				energy,
				price
			));
		};
		assert_ok!(DoubleAuction::set_mechanism(RuntimeOrigin::root(), Mechanism::McAfee));
		place(BOB, Side::Bid, 1_000, 300);
		place(CHARLIE, Side::Offer, 1_000, 100);
		next_block();
		// Trade reduction drops the only pair.
		assert!(trades().is_empty());
		assert!(PendingClearing::<Test>::get().is_empty());
		// With k = 0 the uniform auction trades it at the offer's price.
		assert_ok!(DoubleAuction::set_mechanism(
			RuntimeOrigin::root(),
			Mechanism::UniformPrice { k_ppm: 0 }
		));
		assert_eq!(PendingClearing::<Test>::get().to_vec(), vec![NOW + 1]);
		next_block();
		assert_eq!(trades(), vec![(0, 1, 1_000, 1_000, 0, 100, 100)]);
		assert_eq!(free(BOB), FUNDS - 100);
	});
}
