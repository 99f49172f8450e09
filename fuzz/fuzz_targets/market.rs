//! libFuzzer entry for the market core: an arbitrary book, grid and mechanism are cleared,
//! and the clearing must satisfy `energy_market::invariants` (the same checks as the
//! property tests): no panic, limits, budget, sold = delivered + lost, no over-fill, and for
//! the zone market reach and line capacity. Line losses are also checked to be bounded by
//! the energy carried and never to fall as the line grows longer or carries more.
#![no_main]

use arbitrary::Arbitrary;
use energy_market::{
	double_auction::{clear_mcafee, clear_uniform},
	invariants::{check_trades, check_zone_trades},
	losses::LineParameters,
	zone::{clear_zone_market, Grid},
	MarketError, Order, Side,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Line {
	resistivity_pohm_m: u64,
	cross_section_mm2: u32,
	voltage_v: u32,
	period_s: u32,
}

#[derive(Arbitrary, Debug)]
struct Input {
	mechanism: u8,
	k_ppm: u32,
	with_grid: bool,
	zones: u8,
	spacing_m: u32,
	intra_zone_m: u32,
	max_distance_m: u32,
	line_capacity_wh: u64,
	line: Line,
	orders: Vec<(bool, u8, u64, u64)>,
	probe_energy_wh: u64,
	probe_length_m: u32,
}

fuzz_target!(|input: Input| {
	let line = LineParameters {
		resistivity_pohm_m: input.line.resistivity_pohm_m,
		cross_section_mm2: input.line.cross_section_mm2,
		voltage_v: input.line.voltage_v,
		period_s: input.line.period_s,
	};
	check_losses(&line, input.probe_energy_wh, input.probe_length_m);

	let zones = u16::from(input.zones % 8) + 1;
	let grid = Grid::linear(
		zones,
		input.spacing_m,
		input.intra_zone_m,
		input.max_distance_m,
		input.line_capacity_wh,
		line,
	);
	let orders: Vec<Order> = input
		.orders
		.iter()
		.take(64)
		.enumerate()
		.map(|(i, &(is_bid, zone, quantity, limit_price))| Order {
			id: i as u64,
			side: if is_bid { Side::Bid } else { Side::Offer },
			zone: u16::from(zone) % (zones + 1),
			quantity,
			limit_price,
		})
		.collect();
	let grid = match grid {
		Ok(grid) => grid,
		Err(e) => {
			assert_eq!(e, MarketError::InvalidLine, "a linear grid fails only on its line");
			return;
		},
	};
	let used_grid = input.with_grid.then_some(&grid);
	match input.mechanism % 3 {
		0 =>
			if let Ok(clearing) = clear_uniform(&orders, input.k_ppm, used_grid) {
				let checked = check_trades(&orders, &clearing.trades);
				assert_eq!(checked, Ok(()), "uniform price: {clearing:?}");
				for t in &clearing.trades {
					assert_eq!(Some(t.buyer_price), clearing.clearing_price, "one price for all");
				}
			},
		1 =>
			if let Ok(clearing) = clear_mcafee(&orders, used_grid) {
				assert_eq!(check_trades(&orders, &clearing.trades), Ok(()), "McAfee: {clearing:?}");
			},
		_ =>
			if let Ok(trades) = clear_zone_market(&orders, &grid) {
				assert_eq!(check_zone_trades(&orders, &trades, &grid), Ok(()), "zone: {trades:?}");
			},
	}
});

fn check_losses(line: &LineParameters, energy: u64, length_m: u32) {
	let Ok(lost) = line.loss(energy, length_m) else { return };
	assert!(lost <= energy, "loss {lost} above the energy carried {energy}");
	if let Ok(longer) = line.loss(energy, length_m.saturating_add(1)) {
		assert!(longer >= lost, "a longer line loses less: {longer} < {lost}");
	}
	if let Ok(more) = line.loss(energy.saturating_add(1), length_m) {
		assert!(more >= lost, "carrying more loses less: {more} < {lost}");
	}
}
