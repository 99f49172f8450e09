//! The zone market of the paper's Table 3: buyers by descending price take the cheapest
//! offer in their own and nearby zones, within the maximum distance and the line
//! capacity; losses are deducted from the delivered quantity; the buyer pays for what is
//! delivered, at the offer's price (pay-as-offer, as in the paper).
//!
//! Differences from the paper's pseudo-code, each a repair:
//! - "Nearby zones" are those whose distance from the buyer's zone is at most
//!   `max_distance_m`, from the operator's distance matrix. The paper takes zone indices
//!   ±1 and measures distance as an index difference, which has no unit.
//! - Line capacity is energy per delivery period on the line between two different zones,
//!   used up by the trades over that line; trades inside a zone are not limited by it. The
//!   paper compares an offer's *price* with the capacity, which mixes units.
//! - Among reachable zones the single cheapest offer is taken (ties: nearer, then lower
//!   id), repeatedly, until the buyer is served or nothing affordable is reachable. The
//!   paper visits zones in index order and takes the cheapest offer of each, which lets a
//!   dearer offer in a lower-numbered zone win.
//! - As in the paper, the buyer's remaining demand falls by the energy *sold* to it, so
//!   losses are the buyer's shortfall. Its satisfaction therefore counts delivered energy.
//!
//! Cost: `O(n log n + (B + O)·Z)` for `B` bids, `O` offers and `Z` zones reachable from a
//! buyer. Each step either exhausts a bid, an offer or a zone pair's capacity, or rules
//! out a zone for the current bid.

use crate::{
	book::{split_sorted, validate},
	losses::LineParameters,
	MarketError, Order, Price, Trade, Wh, ZoneId,
};
use alloc::{vec, vec::Vec};

/// The grid as the market sees it: zones, the distances between them, the lines' electrical
/// parameters and capacity, and how far energy may be traded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
	zone_count: usize,
	/// Row-major `zone_count × zone_count` line lengths in metres; symmetric. The diagonal
	/// is the typical distance inside a zone, and may be 0.
	distances_m: Vec<u32>,
	/// Zones further apart than this do not trade in the zone market.
	pub max_distance_m: u32,
	/// Energy the line between two different zones can carry per delivery period, Wh.
	/// Trades inside a zone use the local network and are not limited by it.
	pub line_capacity_wh: Wh,
	/// Electrical parameters of the lines.
	pub line: LineParameters,
}

impl Grid {
	/// A grid from an explicit distance matrix (metres).
	pub fn from_matrix(
		distances_m: &[Vec<u32>],
		max_distance_m: u32,
		line_capacity_wh: Wh,
		line: LineParameters,
	) -> Result<Self, MarketError> {
		let n = distances_m.len();
		if n == 0
			|| n > usize::from(ZoneId::MAX) + 1
			|| distances_m.iter().any(|row| row.len() != n)
		{
			return Err(MarketError::InvalidZones);
		}
		let flat: Vec<u32> = distances_m.iter().flatten().copied().collect();
		let grid =
			Grid { zone_count: n, distances_m: flat, max_distance_m, line_capacity_wh, line };
		grid.validate()?;
		Ok(grid)
	}

	/// `zone_count` zones strung along one feeder, `spacing_m` apart; inside a zone energy
	/// travels `intra_zone_m`.
	pub fn linear(
		zone_count: u16,
		spacing_m: u32,
		intra_zone_m: u32,
		max_distance_m: u32,
		line_capacity_wh: Wh,
		line: LineParameters,
	) -> Result<Self, MarketError> {
		let n = usize::from(zone_count);
		let rows: Vec<Vec<u32>> = (0..n)
			.map(|i| {
				(0..n)
					.map(|j| {
						if i == j {
							intra_zone_m
						} else {
							let gap = i.abs_diff(j) as u64 * spacing_m as u64;
							u32::try_from(gap).unwrap_or(u32::MAX)
						}
					})
					.collect()
			})
			.collect();
		Self::from_matrix(&rows, max_distance_m, line_capacity_wh, line)
	}

	/// Number of zones; valid zone ids are `0..zone_count`.
	pub fn zone_count(&self) -> usize {
		self.zone_count
	}

	/// Checks the matrix is square and symmetric and the line parameters are sound.
	pub fn validate(&self) -> Result<(), MarketError> {
		self.line.validate()?;
		let n = self.zone_count;
		if n == 0 || self.distances_m.len() != n * n {
			return Err(MarketError::InvalidZones);
		}
		for i in 0..n {
			for j in 0..i {
				if self.distances_m[i * n + j] != self.distances_m[j * n + i] {
					return Err(MarketError::InvalidZones);
				}
			}
		}
		Ok(())
	}

	/// Line length between two zones, metres.
	pub fn distance_m(&self, a: ZoneId, b: ZoneId) -> Result<u32, MarketError> {
		let (a, b) = (usize::from(a), usize::from(b));
		if a >= self.zone_count || b >= self.zone_count {
			return Err(MarketError::InvalidZones);
		}
		Ok(self.distances_m[a * self.zone_count + b])
	}

	fn pair_index(&self, a: usize, b: usize) -> usize {
		let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
		lo * self.zone_count + hi
	}
}

/// Clears `orders` in the zone market of `grid`.
pub fn clear_zone_market(orders: &[Order], grid: &Grid) -> Result<Vec<Trade>, MarketError> {
	validate(orders)?;
	grid.validate()?;
	let zones = grid.zone_count();
	for order in orders {
		if usize::from(order.zone) >= zones {
			return Err(MarketError::UnknownZone(order.id));
		}
	}
	let (bids, mut offers) = split_sorted(orders);

	// Offers of each zone, cheapest first (they are already sorted), and a cursor past the
	// exhausted ones. Exhausted offers never come back, so cursors only move forward.
	let mut by_zone: Vec<Vec<usize>> = vec![Vec::new(); zones];
	for (index, offer) in offers.iter().enumerate() {
		by_zone[usize::from(offer.order.zone)].push(index);
	}
	let mut cursor = vec![0usize; zones];
	let reachable: Vec<Vec<usize>> = (0..zones)
		.map(|from| {
			(0..zones)
				.filter(|&to| grid.distances_m[from * zones + to] <= grid.max_distance_m)
				.collect()
		})
		.collect();
	let mut capacity = vec![grid.line_capacity_wh; zones * zones];
	let mut ruled_out = vec![false; zones];
	let mut trades = Vec::new();

	for bid in &bids {
		let from = usize::from(bid.order.zone);
		for &z in &reachable[from] {
			ruled_out[z] = false;
		}
		let mut remaining = bid.remaining;
		while remaining > 0 {
			// The cheapest affordable offer over all reachable zones with capacity left.
			let mut best: Option<(Price, u32, u64, usize, usize)> = None;
			for &z in &reachable[from] {
				if ruled_out[z] || (z != from && capacity[grid.pair_index(from, z)] == 0) {
					continue;
				}
				let list = &by_zone[z];
				while cursor[z] < list.len() && offers[list[cursor[z]]].remaining == 0 {
					cursor[z] += 1;
				}
				let Some(&index) = list.get(cursor[z]) else { continue };
				let offer = &offers[index].order;
				if offer.limit_price > bid.order.limit_price {
					continue;
				}
				let key =
					(offer.limit_price, grid.distances_m[from * zones + z], offer.id, z, index);
				if best.map_or(true, |b| (key.0, key.1, key.2) < (b.0, b.1, b.2)) {
					best = Some(key);
				}
			}
			let Some((price, distance, _, zone, index)) = best else { break };
			let pair = grid.pair_index(from, zone);
			let line_left = if zone == from { Wh::MAX } else { capacity[pair] };
			let quantity = remaining.min(offers[index].remaining).min(line_left);
			let lost = grid.line.loss(quantity, distance)?;
			if lost >= quantity {
				// This line cannot deliver anything of such a trade; look elsewhere.
				ruled_out[zone] = true;
				continue;
			}
			trades.push(Trade::new(
				bid.order.id,
				offers[index].order.id,
				quantity,
				lost,
				price,
				price,
			));
			remaining -= quantity;
			offers[index].remaining -= quantity;
			if zone != from {
				capacity[pair] -= quantity;
			}
		}
	}
	Ok(trades)
}
