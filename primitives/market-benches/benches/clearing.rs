//! Clearing time from 1 000 to 1 000 000 orders, for each mechanism.
//!
//! `cargo bench -p energy-market-benches --bench clearing`. Books: half bids, half offers, 10 zones
//! 5 km apart (20 km reach), quantities 10–50 kWh, prices 0.20–0.55 per kWh, from a fixed
//! xorshift stream so every run clears the same books. docs/benchmarks.md records the
//! figures and the growth from one size to the next.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use energy_market::{
	double_auction::{clear_mcafee, clear_uniform},
	losses::LineParameters,
	zone::{clear_zone_market, Grid},
	Order, Side,
};
use std::{hint::black_box, time::Duration};

fn book(n: usize) -> Vec<Order> {
	let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
	let mut next = move |range: u64| {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		state % range
	};
	(0..n)
		.map(|i| Order {
			id: i as u64,
			side: if i % 2 == 0 { Side::Bid } else { Side::Offer },
			zone: next(10) as u16,
			quantity: 10_000 + next(40_001),
			limit_price: 200_000 + next(350_001),
		})
		.collect()
}

fn clearing(c: &mut Criterion) {
	let grid =
		Grid::linear(10, 5_000, 1_000, 20_000, u64::MAX, LineParameters::MEDIUM_VOLTAGE_ALUMINIUM)
			.expect("valid grid");
	let mut group = c.benchmark_group("clearing");
	group
		.sample_size(10)
		.warm_up_time(Duration::from_millis(500))
		.measurement_time(Duration::from_secs(3));
	for n in [1_000usize, 10_000, 100_000, 1_000_000] {
		let orders = book(n);
		group.throughput(Throughput::Elements(n as u64));
		group.bench_with_input(BenchmarkId::new("uniform", n), &orders, |b, o| {
			b.iter(|| clear_uniform(black_box(o), 500_000, Some(&grid)))
		});
		group.bench_with_input(BenchmarkId::new("mcafee", n), &orders, |b, o| {
			b.iter(|| clear_mcafee(black_box(o), Some(&grid)))
		});
		group.bench_with_input(BenchmarkId::new("zone", n), &orders, |b, o| {
			b.iter(|| clear_zone_market(black_box(o), &grid))
		});
	}
	group.finish();
}

criterion_group!(benches, clearing);
criterion_main!(benches);
