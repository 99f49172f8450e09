//! Unit tests of the zone pairs' own lines. Every test ends by checking the invariants.

use crate::{mock::*, *};
use energy_market::{
	losses::{LineParameters, MAX_CROSS_SECTION_MM2, MAX_LINE_LENGTH_M, MAX_RESISTIVITY_POHM_M},
	zone::{clear_zone_market, PairLine},
	Order, Side,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

/// A thinner line at half the voltage of the rules' (50 mm² aluminium at 10 kV), carrying
/// at most 20 kWh per quarter hour.
fn own() -> LineData {
	LineData {
		resistivity_pohm_m: 28_200,
		cross_section_mm2: 50,
		voltage_v: 10_000,
		capacity_wh: 20_000,
	}
}

/// [`own`] as the market crate sees it, with the mock's 900-second periods.
fn own_pair() -> PairLine {
	PairLine {
		line: LineParameters {
			resistivity_pohm_m: 28_200,
			cross_section_mm2: 50,
			voltage_v: 10_000,
			period_s: 900,
		},
		capacity_wh: 20_000,
	}
}

/// The pair `(a, b)` of the grid in force, as the clearing sees it.
fn pair_in_force(a: ZoneIndex, b: ZoneIndex) -> PairLine {
	let grid = <ZoneMarket as ZoneGrid>::grid().expect("a grid");
	grid.pair(a, b).expect("a pair of the grid")
}

/// The rules' line as the market crate sees it, with the rules' capacity.
fn default_pair() -> PairLine {
	PairLine { line: rules().line_parameters(900), capacity_wh: rules().line_capacity_wh }
}

#[test]
fn a_line_is_set_both_ways_and_cleared() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		assert_ok!(ZoneMarket::set_line(RuntimeOrigin::root(), 2, 0, 3_000, own()));
		assert_eq!(Lines::<Test>::get((0, 2)), Some(own()));
		assert_eq!(Lines::<Test>::count(), 1);
		let distances = Distances::<Test>::get();
		assert_eq!((distances[0][2], distances[2][0]), (3_000, 3_000));
		assert_eq!(pair_in_force(0, 2), own_pair());
		assert_eq!(pair_in_force(2, 0), own_pair());
		// The other pairs keep the rules' line.
		assert_eq!(pair_in_force(0, 1), default_pair());
		assert_eq!(pair_in_force(1, 2), default_pair());
		ZoneMarket::do_try_state().unwrap();

		// Setting it again replaces it.
		let copper = LineData { resistivity_pohm_m: 16_800, ..own() };
		assert_ok!(ZoneMarket::set_line(RuntimeOrigin::root(), 0, 2, 3_000, copper));
		assert_eq!(Lines::<Test>::get((0, 2)), Some(copper));
		assert_eq!(Lines::<Test>::count(), 1);

		assert_ok!(ZoneMarket::clear_line(RuntimeOrigin::root(), 2, 0));
		assert_eq!(Lines::<Test>::get((0, 2)), None);
		assert_eq!(Lines::<Test>::count(), 0);
		// The length stays; the line is the rules' again.
		assert_eq!(Distances::<Test>::get()[0][2], 3_000);
		assert_eq!(pair_in_force(0, 2), default_pair());
		assert_eq!(
			events(),
			vec![
				Event::LineSet { a: 0, b: 2, length_m: 3_000, line: own() },
				Event::LineSet { a: 0, b: 2, length_m: 3_000, line: copper },
				Event::LineCleared { a: 0, b: 2 },
			]
		);
		ZoneMarket::do_try_state().unwrap();
	});
}

#[test]
fn each_bad_line_is_refused_with_its_own_error_and_changes_nothing() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		let root = || RuntimeOrigin::root();
		// A line to keep, so that refusals are seen not to touch it.
		assert_ok!(ZoneMarket::set_line(root(), 0, 1, 2_000, own()));
		let cases = [
			(0, 3, 1_000, own(), Error::<Test>::UnknownZone),
			(3, 0, 1_000, own(), Error::<Test>::UnknownZone),
			(1, 1, 1_000, own(), Error::<Test>::SameZone),
			(
				0,
				2,
				1_000,
				LineData { cross_section_mm2: 0, ..own() },
				Error::<Test>::ZeroCrossSection,
			),
			(0, 2, 1_000, LineData { voltage_v: 0, ..own() }, Error::<Test>::ZeroVoltage),
			(
				0,
				2,
				1_000,
				LineData { resistivity_pohm_m: MAX_RESISTIVITY_POHM_M + 1, ..own() },
				Error::<Test>::ResistivityOutOfRange,
			),
			(
				0,
				2,
				1_000,
				LineData { cross_section_mm2: MAX_CROSS_SECTION_MM2 + 1, ..own() },
				Error::<Test>::CrossSectionOutOfRange,
			),
			(0, 2, 1_000, LineData { voltage_v: 99, ..own() }, Error::<Test>::VoltageOutOfRange),
			(
				0,
				2,
				1_000,
				LineData { voltage_v: 500_001, ..own() },
				Error::<Test>::VoltageOutOfRange,
			),
			(0, 2, MAX_LINE_LENGTH_M + 1, own(), Error::<Test>::LineTooLong),
			// Replacing a line is checked as well.
			(1, 0, MAX_LINE_LENGTH_M + 1, own(), Error::<Test>::LineTooLong),
		];
		for (a, b, length_m, line, error) in cases {
			assert_noop!(ZoneMarket::set_line(root(), a, b, length_m, line), error);
		}
		assert_noop!(ZoneMarket::clear_line(root(), 0, 3), Error::<Test>::UnknownZone);
		assert_noop!(ZoneMarket::clear_line(root(), 2, 2), Error::<Test>::SameZone);
		assert_noop!(ZoneMarket::clear_line(root(), 2, 1), Error::<Test>::NoLine);
		ZoneMarket::do_try_state().unwrap();
	});
}

#[test]
fn lines_need_a_grid_and_the_operator() {
	run(|| {
		let line = own();
		assert_noop!(
			ZoneMarket::set_line(RuntimeOrigin::root(), 0, 1, 1_000, line),
			Error::<Test>::UnknownZone
		);
		assert_noop!(
			ZoneMarket::clear_line(RuntimeOrigin::root(), 0, 1),
			Error::<Test>::UnknownZone
		);
		assert_ok!(ZoneMarket::set_grid(RuntimeOrigin::root(), bounded(feeder()), rules()));
		let signed = RuntimeOrigin::signed(1);
		assert_noop!(
			ZoneMarket::set_line(signed.clone(), 0, 1, 1_000, line),
			DispatchError::BadOrigin
		);
		assert_ok!(ZoneMarket::set_line(RuntimeOrigin::root(), 0, 1, 1_000, line));
		assert_noop!(ZoneMarket::clear_line(signed, 0, 1), DispatchError::BadOrigin);
	});
}

#[test]
fn the_clearing_uses_the_pair_own_losses_and_capacity() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		// 100 kWh wanted in zone 0 from zone 1, 2 km away.
		let book = [
			Order { id: 1, side: Side::Bid, zone: 0, quantity: 100_000, limit_price: 50 },
			Order { id: 2, side: Side::Offer, zone: 1, quantity: 100_000, limit_price: 10 },
		];
		let before = <ZoneMarket as ZoneGrid>::grid().unwrap();
		// 100 kWh over 2 km of 95 mm² aluminium at 20 kV in 15 minutes: 59.4 Wh, by hand.
		assert_eq!(before.loss(0, 1, 100_000), Ok(59));
		let trades = clear_zone_market(&book, &before).unwrap();
		assert_eq!(
			trades.iter().map(|t| (t.sold, t.lost)).collect::<Vec<_>>(),
			vec![(100_000, 59)]
		);

		assert_ok!(ZoneMarket::set_line(RuntimeOrigin::root(), 1, 0, 2_000, own()));
		let after = <ZoneMarket as ZoneGrid>::grid().unwrap();
		// 50 mm² at 10 kV: (95 / 50) · 2² = 7.6 times the loss, 451.2 Wh.
		assert_eq!(after.loss(0, 1, 100_000), Ok(451));
		// The pair without a line loses as before.
		assert_eq!(after.loss(1, 2, 100_000), before.loss(1, 2, 100_000));
		assert_eq!(after.capacity_wh(0, 1), Ok(20_000));
		assert_eq!(after.capacity_wh(1, 2), Ok(500_000));
		// The line carries 20 kWh at most, which lose 18.0 Wh.
		let trades = clear_zone_market(&book, &after).unwrap();
		assert_eq!(trades.iter().map(|t| (t.sold, t.lost)).collect::<Vec<_>>(), vec![(20_000, 18)]);
		ZoneMarket::do_try_state().unwrap();
	});
}

#[test]
fn replacing_the_grid_removes_every_line() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		assert_ok!(ZoneMarket::set_line(RuntimeOrigin::root(), 0, 1, 2_000, own()));
		assert_ok!(ZoneMarket::set_line(RuntimeOrigin::root(), 1, 2, 2_000, own()));
		assert_eq!(Lines::<Test>::count(), 2);
		assert_ok!(ZoneMarket::set_grid(RuntimeOrigin::root(), bounded(feeder()), rules()));
		assert_eq!(Lines::<Test>::count(), 0);
		assert_eq!(Lines::<Test>::iter().count(), 0);
		assert_eq!(pair_in_force(0, 1), default_pair());
		assert_eq!(pair_in_force(1, 2), default_pair());
		ZoneMarket::do_try_state().unwrap();
	});
}

#[test]
fn a_distance_change_keeps_the_line_within_its_bounds() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		assert_ok!(ZoneMarket::set_line(RuntimeOrigin::root(), 0, 1, 2_000, own()));
		assert_noop!(
			ZoneMarket::set_distance(RuntimeOrigin::root(), 1, 0, MAX_LINE_LENGTH_M + 1),
			Error::<Test>::LineTooLong
		);
		// A pair without a line takes any length, as before lines existed.
		assert_ok!(ZoneMarket::set_distance(RuntimeOrigin::root(), 1, 2, MAX_LINE_LENGTH_M + 1));
		assert_ok!(ZoneMarket::set_distance(RuntimeOrigin::root(), 1, 0, 4_000));
		// Twice the length, twice the loss of the pair's own line: 902.4 Wh.
		let grid = <ZoneMarket as ZoneGrid>::grid().unwrap();
		assert_eq!(grid.loss(0, 1, 100_000), Ok(902));
		assert_eq!(grid.pair(0, 1), Ok(own_pair()));
		ZoneMarket::do_try_state().unwrap();
	});
}

#[test]
fn genesis_lines_are_in_force() {
	ext_with_lines(feeder(), Some(rules()), vec![(1, 0, 2_500, own())]).execute_with(|| {
		assert_eq!(Lines::<Test>::get((0, 1)), Some(own()));
		assert_eq!(Lines::<Test>::count(), 1);
		let grid = <ZoneMarket as ZoneGrid>::grid().unwrap();
		assert_eq!(grid.distance_m(0, 1), Ok(2_500));
		assert_eq!(grid.pair(1, 0), Ok(own_pair()));
		ZoneMarket::do_try_state().unwrap();
	});
}

#[test]
#[should_panic(expected = "a genesis line is valid")]
fn a_bad_genesis_line_is_refused() {
	ext_with_lines(
		feeder(),
		Some(rules()),
		vec![(0, 1, 2_000, LineData { cross_section_mm2: 0, ..own() })],
	);
}

#[test]
#[should_panic(expected = "genesis lines need a genesis grid")]
fn genesis_lines_without_a_grid_are_refused() {
	ext_with_lines(vec![], None, vec![(0, 1, 2_000, own())]);
}

#[test]
fn try_state_catches_lines_that_could_not_have_been_set() {
	ext_with(feeder(), Some(rules())).execute_with(|| {
		// Written directly, bypassing the calls' checks.
		Lines::<Test>::insert((2, 1), own());
		assert!(ZoneMarket::do_try_state().is_err(), "higher zone first");
		Lines::<Test>::remove((2, 1));
		Lines::<Test>::insert((1, 3), own());
		assert!(ZoneMarket::do_try_state().is_err(), "a zone outside the grid");
		Lines::<Test>::remove((1, 3));
		Lines::<Test>::insert((0, 1), LineData { voltage_v: 0, ..own() });
		assert!(ZoneMarket::do_try_state().is_err(), "a line failing its check");
		Lines::<Test>::remove((0, 1));
		ZoneMarket::do_try_state().unwrap();
	});
}
