//! `energy-sim sweep`: the paper's zone sweep (Table 7) and population sweep (Table 8),
//! zone market against double auction, over several seeds.
//!
//! Assumptions where the paper is silent (docs/results.md discusses their effect):
//! - Zones lie along one feeder, `ZONE_SPACING_M` apart; energy traded inside a zone
//!   travels `INTRA_ZONE_M`. With the paper's 20 km maximum distance a buyer reaches its
//!   own zone and two on each side.
//! - Lines are 20 kV, 95 mm² aluminium; a delivery period is one hour, so the paper's
//!   "transmission capacity" of 100 kWh (Table 7) or 500 kW (Table 8) is energy per zone
//!   pair per period.
//! - Each participant is a buyer or a seller with equal probability, in a uniformly
//!   drawn zone, with quantity U[10, 50] kWh and limit price U[0.20, 0.55] per kWh
//!   (micro-units here), drawn from a ChaCha8 stream seeded by the seed, so results
//!   are the same on every machine.
//! - "Double auction" is the uniform-price auction with k = ½, which matches regardless of
//!   distance; each of its trades loses energy according to the distance between the two
//!   zones (the zone market's own loss model).

use energy_market::{
	double_auction::clear_uniform,
	losses::LineParameters,
	metrics::{evaluate, Weights},
	zone::{clear_zone_market, Grid},
	Order, Side, Trade,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::{fmt::Write as _, io::Write as _};

/// Distance between neighbouring zones on the feeder.
pub const ZONE_SPACING_M: u32 = 10_000;
/// Distance energy travels inside a zone.
pub const INTRA_ZONE_M: u32 = 1_000;
/// The paper's maximum trading distance.
pub const MAX_DISTANCE_M: u32 = 20_000;
/// 20 kV, 95 mm² aluminium, one-hour periods.
pub const LINE: LineParameters = LineParameters {
	resistivity_pohm_m: 28_200,
	cross_section_mm2: 95,
	voltage_v: 20_000,
	period_s: 3600,
};

/// One row of a table: a grid and a population size.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
	pub zones: u16,
	pub participants: u32,
	pub capacity_wh: u64,
}

/// Table 7: zones 1..30, 500 participants, 100 kWh capacity.
pub fn table7() -> Vec<Scenario> {
	[1, 3, 5, 8, 10, 15, 20, 25, 30]
		.into_iter()
		.map(|zones| Scenario { zones, participants: 500, capacity_wh: 100_000 })
		.collect()
}

/// Table 8: 100..3000 participants in 3 zones, 500 kW capacity (500 kWh per period).
pub fn table8() -> Vec<Scenario> {
	[100, 150, 200, 500, 800, 1000, 1500, 2000, 3000]
		.into_iter()
		.map(|participants| Scenario { zones: 3, participants, capacity_wh: 500_000 })
		.collect()
}

/// The book of one seeded population.
pub fn population(scenario: Scenario, seed: u64) -> Vec<Order> {
	let mut rng = ChaCha8Rng::seed_from_u64(seed);
	(0..scenario.participants)
		.map(|i| Order {
			id: u64::from(i),
			side: if rng.gen_bool(0.5) { Side::Bid } else { Side::Offer },
			zone: rng.gen_range(0..scenario.zones),
			quantity: rng.gen_range(10_000..=50_000),
			limit_price: rng.gen_range(200_000..=550_000),
		})
		.collect()
}

/// What one clearing of one population measured.
#[derive(Clone, Copy, Debug, Default)]
pub struct Measure {
	/// Lost energy as a share of energy sold.
	pub loss_share: f64,
	/// Mean loss per trade, kWh.
	pub loss_per_trade_kwh: f64,
	/// Mean satisfaction over all participants, in [0, 1].
	pub satisfaction: f64,
	/// Average price per delivered kWh, currency units (micro-units / 10⁶).
	pub purchase_price: f64,
	/// Energy delivered, kWh.
	pub delivered_kwh: f64,
	/// Number of trades.
	pub trades: f64,
}

fn measure(orders: &[Order], trades: &[Trade]) -> Result<Measure, String> {
	let (_, s) = evaluate(orders, trades, Weights::EVEN).map_err(|e| format!("{e:?}"))?;
	let sold = s.sold as f64;
	Ok(Measure {
		loss_share: if sold > 0.0 { s.lost as f64 / sold } else { 0.0 },
		loss_per_trade_kwh: if s.trades > 0 {
			s.lost as f64 / 1000.0 / s.trades as f64
		} else {
			0.0
		},
		satisfaction: f64::from(s.mean_satisfaction) / 1e6,
		purchase_price: s.average_purchase_price.map_or(0.0, |p| p as f64 / 1e6),
		delivered_kwh: s.delivered as f64 / 1000.0,
		trades: s.trades as f64,
	})
}

/// Clears one population with both models: (zone market, double auction).
pub fn run_both(scenario: Scenario, seed: u64) -> Result<(Measure, Measure), String> {
	let orders = population(scenario, seed);
	let grid = Grid::linear(
		scenario.zones,
		ZONE_SPACING_M,
		INTRA_ZONE_M,
		MAX_DISTANCE_M,
		scenario.capacity_wh,
		LINE,
	)
	.map_err(|e| format!("{e:?}"))?;
	let zone = clear_zone_market(&orders, &grid).map_err(|e| format!("{e:?}"))?;
	let auction = clear_uniform(&orders, 500_000, Some(&grid)).map_err(|e| format!("{e:?}"))?;
	Ok((measure(&orders, &zone)?, measure(&orders, &auction.trades)?))
}

fn mean_std(values: &[f64]) -> (f64, f64) {
	let n = values.len() as f64;
	let mean = values.iter().sum::<f64>() / n;
	let var = if values.len() > 1 {
		values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
	} else {
		0.0
	};
	(mean, var.sqrt())
}

/// Runs a table over `seeds` seeds and returns its CSV text. Progress goes to stderr.
pub fn run_table(
	name: &str,
	rows: &[Scenario],
	seeds: u64,
	first_seed: u64,
) -> Result<String, String> {
	let mut csv = String::from(
		"table,model,zones,participants,capacity_kwh,seeds,loss_share_mean,loss_share_std,\
		 loss_per_trade_kwh_mean,satisfaction_mean,satisfaction_std,purchase_price_mean,\
		 purchase_price_std,delivered_kwh_mean,trades_mean\n",
	);
	let total = rows.len() as u64 * seeds;
	let mut done = 0u64;
	for scenario in rows {
		let mut results: Vec<(Measure, Measure)> = Vec::new();
		for seed in first_seed..first_seed + seeds {
			results.push(run_both(*scenario, seed)?);
			done += 1;
			progress(name, done, total);
		}
		for (model, pick) in [("zone", 0usize), ("double_auction", 1)] {
			let column = |f: fn(&Measure) -> f64| -> Vec<f64> {
				results.iter().map(|r| f(if pick == 0 { &r.0 } else { &r.1 })).collect()
			};
			let (loss, loss_sd) = mean_std(&column(|m| m.loss_share));
			let (loss_trade, _) = mean_std(&column(|m| m.loss_per_trade_kwh));
			let (sat, sat_sd) = mean_std(&column(|m| m.satisfaction));
			let (price, price_sd) = mean_std(&column(|m| m.purchase_price));
			let (delivered, _) = mean_std(&column(|m| m.delivered_kwh));
			let (trades, _) = mean_std(&column(|m| m.trades));
			let _ = writeln!(
				csv,
				"{name},{model},{},{},{},{seeds},{loss:.6},{loss_sd:.6},{loss_trade:.6},{sat:.6},{sat_sd:.6},\
				 {price:.6},{price_sd:.6},{delivered:.1},{trades:.1}",
				scenario.zones,
				scenario.participants,
				scenario.capacity_wh / 1000,
			);
		}
	}
	eprintln!();
	Ok(csv)
}

fn progress(name: &str, done: u64, total: u64) {
	let width = 30u64;
	let filled = (done * width / total.max(1)) as usize;
	eprint!(
		"\r{name} [{}{}] {done}/{total}",
		"#".repeat(filled),
		" ".repeat(width as usize - filled)
	);
	let _ = std::io::stderr().flush();
}
