//! Unit tests of the zone data. Every test ends by checking the invariants.

use crate::{mock::*, *};
use codec::{Decode, Encode};
use energy_market::losses::LineParameters;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

#[test]
fn without_a_grid_no_zone_exists() {
	run(|| {
		assert_eq!(<ZoneMarket as ZoneGrid>::grid(), None);
		assert!(!<ZoneMarket as ZoneGrid>::contains(0));
	});
}

#[test]
fn the_genesis_grid_is_the_grid_in_force() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		let grid = <ZoneMarket as ZoneGrid>::grid().expect("a genesis grid");
		assert_eq!(grid.zone_count(), 3);
		assert_eq!(grid.distance_m(0, 2), Ok(4_000));
		assert_eq!(grid.max_distance_m, 3_000);
		assert_eq!(grid.line_capacity_wh, 500_000);
		assert_eq!(grid.line, LineParameters::MEDIUM_VOLTAGE_ALUMINIUM);
		assert!(<ZoneMarket as ZoneGrid>::contains(2));
		assert!(!<ZoneMarket as ZoneGrid>::contains(3));
		ZoneMarket::do_try_state().unwrap();
	});
}

#[test]
#[should_panic(expected = "the genesis grid is valid")]
fn an_asymmetric_genesis_grid_is_refused() {
	ext_with(vec![vec![0, 1], vec![2, 0]], Some(rules()));
}

#[test]
fn the_operator_sets_a_grid() {
	run(|| {
		assert_ok!(ZoneMarket::set_grid(RuntimeOrigin::root(), bounded(feeder()), rules()));
		assert_eq!(Distances::<Test>::get().len(), 3);
		assert_eq!(Rules::<Test>::get(), Some(rules()));
		assert_eq!(
			events(),
			vec![Event::GridSet { zones: 3, max_distance_m: 3_000, line_capacity_wh: 500_000 }]
		);
		// A second grid replaces the first entirely.
		assert_ok!(ZoneMarket::set_grid(RuntimeOrigin::root(), bounded(vec![vec![50]]), rules()));
		assert_eq!(<ZoneMarket as ZoneGrid>::grid().map(|g| g.zone_count()), Some(1));
		assert!(!<ZoneMarket as ZoneGrid>::contains(1));
	});
}

#[test]
fn only_the_operator_changes_the_grid() {
	run(|| {
		let signed = RuntimeOrigin::signed(1);
		assert_noop!(
			ZoneMarket::set_grid(signed.clone(), bounded(feeder()), rules()),
			DispatchError::BadOrigin
		);
		assert_ok!(ZoneMarket::set_grid(RuntimeOrigin::root(), bounded(feeder()), rules()));
		assert_noop!(ZoneMarket::set_distance(signed.clone(), 0, 1, 1), DispatchError::BadOrigin);
		assert_noop!(ZoneMarket::set_rules(signed, rules()), DispatchError::BadOrigin);
	});
}

#[test]
fn grids_that_are_not_grids_are_refused() {
	run(|| {
		let root = || RuntimeOrigin::root();
		assert_noop!(
			ZoneMarket::set_grid(root(), bounded(vec![]), rules()),
			Error::<Test>::NoZones
		);
		assert_noop!(
			ZoneMarket::set_grid(root(), bounded(vec![vec![0, 1], vec![1]]), rules()),
			Error::<Test>::InvalidDistances
		);
		assert_noop!(
			ZoneMarket::set_grid(root(), bounded(vec![vec![0, 1], vec![2, 0]]), rules()),
			Error::<Test>::InvalidDistances
		);
		let mut no_voltage = rules();
		no_voltage.line.voltage_v = 0;
		assert_noop!(
			ZoneMarket::set_grid(root(), bounded(feeder()), no_voltage),
			Error::<Test>::InvalidLine
		);
		let mut no_conductor = rules();
		no_conductor.line.cross_section_mm2 = 0;
		assert_noop!(
			ZoneMarket::set_grid(root(), bounded(feeder()), no_conductor),
			Error::<Test>::InvalidLine
		);
	});
}

#[test]
fn a_grid_larger_than_max_zones_does_not_decode() {
	let rows = vec![vec![0u32; 5]; 5];
	assert!(MAX_ZONES < 5);
	let encoded = rows.encode();
	assert!(DistanceMatrixOf::<Test>::decode(&mut &encoded[..]).is_err());
	let fits = vec![vec![0u32; 4]; 4].encode();
	assert!(DistanceMatrixOf::<Test>::decode(&mut &fits[..]).is_ok());
}

#[test]
fn a_distance_changes_in_both_directions() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		assert_ok!(ZoneMarket::set_distance(RuntimeOrigin::root(), 2, 0, 2_500));
		let grid = <ZoneMarket as ZoneGrid>::grid().unwrap();
		assert_eq!(grid.distance_m(0, 2), Ok(2_500));
		assert_eq!(grid.distance_m(2, 0), Ok(2_500));
		assert_ok!(ZoneMarket::set_distance(RuntimeOrigin::root(), 1, 1, 0));
		assert_eq!(<ZoneMarket as ZoneGrid>::grid().unwrap().distance_m(1, 1), Ok(0));
		assert_eq!(
			events(),
			vec![
				Event::DistanceSet { a: 2, b: 0, distance_m: 2_500 },
				Event::DistanceSet { a: 1, b: 1, distance_m: 0 }
			]
		);
		assert_noop!(
			ZoneMarket::set_distance(RuntimeOrigin::root(), 0, 3, 1),
			Error::<Test>::UnknownZone
		);
		ZoneMarket::do_try_state().unwrap();
	});
}

#[test]
fn distances_and_rules_need_a_grid() {
	run(|| {
		assert_noop!(
			ZoneMarket::set_distance(RuntimeOrigin::root(), 0, 0, 1),
			Error::<Test>::UnknownZone
		);
		assert_noop!(ZoneMarket::set_rules(RuntimeOrigin::root(), rules()), Error::<Test>::NoZones);
	});
}

#[test]
fn new_rules_change_the_losses_of_the_next_clearing() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		let before = <ZoneMarket as ZoneGrid>::grid().unwrap();
		// 100 kWh over 4 km of 95 mm² aluminium at 20 kV in 15 minutes: 118.7 Wh, by hand.
		assert_eq!(before.line.loss(100_000, 4_000), Ok(119));
		// Copper of twice the cross-section loses (16.8 / 28.2) / 2 as much: 35.4 Wh.
		let copper = TradingRules {
			max_distance_m: 5_000,
			line: LineSpec {
				resistivity_pohm_m: 16_800,
				cross_section_mm2: 190,
				voltage_v: 20_000,
			},
			..rules()
		};
		assert_ok!(ZoneMarket::set_rules(RuntimeOrigin::root(), copper));
		let after = <ZoneMarket as ZoneGrid>::grid().unwrap();
		assert_eq!(after.line.loss(100_000, 4_000), Ok(35));
		assert_eq!(after.max_distance_m, 5_000);
		assert_eq!(events(), vec![Event::RulesSet { rules: copper }]);
		let mut broken = copper;
		broken.line.voltage_v = 0;
		assert_noop!(
			ZoneMarket::set_rules(RuntimeOrigin::root(), broken),
			Error::<Test>::InvalidLine
		);
		ZoneMarket::do_try_state().unwrap();
	});
}
