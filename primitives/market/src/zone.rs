//! The zone market of the paper's Table 3: buyers by descending price take the cheapest
//! offer in their own and nearby zones, within the maximum distance and the line
//! capacity; losses are deducted from the delivered quantity; the buyer pays for what is
//! delivered, at the offer's price (pay-as-offer, as in the paper).
//!
//! Differences from the paper's pseudo-code, each a repair:
//! - "Nearby zones" are those whose distance from the buyer's zone is at most
//!   `max_distance_m`, from the operator's distance matrix. The paper takes zone indices
//!   ±1 and measures distance as an index difference, which has no unit.
//! - Line capacity is energy per delivery period on the line between two different zones
//!   (each pair's own, see [`Grid::set_pair`]), used up by the trades over that line;
//!   losses follow from that pair's own line too. Trades inside a zone are not limited by
//!   it. The paper compares an offer's *price* with the capacity, which mixes units.
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

/// The line between two zones: its electrical parameters and what it may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PairLine {
	/// Electrical parameters of the line, from which its losses follow.
	pub line: LineParameters,
	/// Energy the line may carry per delivery period, Wh. Trades inside a zone use the
	/// local network and are not limited by it.
	pub capacity_wh: Wh,
}

/// The grid as the market sees it: zones, the distances between them, each zone pair's
/// line (electrical parameters and capacity), and how far energy may be traded.
///
/// Every pair starts with the grid's default [`line`](Self::line) and
/// [`line_capacity_wh`](Self::line_capacity_wh); [`Grid::set_pair`] gives one pair its own.
/// The clearing reads a pair's figures through [`Grid::loss`], [`Grid::capacity_wh`] and
/// [`Grid::reachable`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
	zone_count: usize,
	/// Row-major `zone_count × zone_count` line lengths in metres; symmetric. The diagonal
	/// is the typical distance inside a zone, and may be 0.
	distances_m: Vec<u32>,
	/// Row-major `zone_count × zone_count` lines; symmetric. The diagonal is the local
	/// network inside a zone: its line gives the losses there, its capacity is not used.
	pairs: Vec<PairLine>,
	/// Zones further apart than this do not trade in the zone market.
	pub max_distance_m: u32,
	/// The default capacity: what the line between two different zones carries per
	/// delivery period, Wh, unless [`Grid::set_pair`] gave the pair its own. Every pair was
	/// given this value when the grid was built; changing the field afterwards changes no
	/// pair. Trades inside a zone use the local network and are not limited by it.
	pub line_capacity_wh: Wh,
	/// The default electrical parameters of the lines, as for
	/// [`line_capacity_wh`](Self::line_capacity_wh).
	pub line: LineParameters,
}

impl Grid {
	/// A grid from an explicit distance matrix (metres), every pair with `line` and
	/// `line_capacity_wh`.
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
		let pairs = vec![PairLine { line, capacity_wh: line_capacity_wh }; flat.len()];
		let grid = Grid {
			zone_count: n,
			distances_m: flat,
			pairs,
			max_distance_m,
			line_capacity_wh,
			line,
		};
		grid.validate()?;
		Ok(grid)
	}

	/// `zone_count` zones strung along one feeder, `spacing_m` apart; inside a zone energy
	/// travels `intra_zone_m`. Every pair has `line` and `line_capacity_wh`.
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

	/// Checks the matrices are square and symmetric and the lines are sound: the default
	/// line and every pair's pass [`LineParameters::validate`] (a pair set by
	/// [`Grid::set_pair`] also passed the stricter [`LineParameters::check`]).
	pub fn validate(&self) -> Result<(), MarketError> {
		self.line.validate()?;
		let n = self.zone_count;
		if n == 0 || self.distances_m.len() != n * n || self.pairs.len() != n * n {
			return Err(MarketError::InvalidZones);
		}
		for i in 0..n {
			for j in 0..i {
				if self.distances_m[i * n + j] != self.distances_m[j * n + i]
					|| self.pairs[i * n + j] != self.pairs[j * n + i]
				{
					return Err(MarketError::InvalidZones);
				}
			}
		}
		for pair in &self.pairs {
			pair.line.validate()?;
		}
		Ok(())
	}

	/// Line length between two zones, metres.
	pub fn distance_m(&self, a: ZoneId, b: ZoneId) -> Result<u32, MarketError> {
		let cell = self.cell(usize::from(a), usize::from(b))?;
		self.distances_m.get(cell).copied().ok_or(MarketError::InvalidZones)
	}

	/// The line between two zones (the same both ways). For `a == b`, the local network.
	pub fn pair(&self, a: ZoneId, b: ZoneId) -> Result<PairLine, MarketError> {
		let cell = self.cell(usize::from(a), usize::from(b))?;
		self.pairs.get(cell).copied().ok_or(MarketError::InvalidZones)
	}

	/// Energy that may be traded from zone `a` to zone `b` per delivery period, Wh: the
	/// capacity of their line, or `Wh::MAX` inside a zone, where no line limits trades.
	pub fn capacity_wh(&self, a: ZoneId, b: ZoneId) -> Result<Wh, MarketError> {
		let pair = self.pair(a, b)?;
		Ok(if a == b { Wh::MAX } else { pair.capacity_wh })
	}

	/// Whether the zone market trades between zones `a` and `b`: both are zones of the grid,
	/// and they are at most `max_distance_m` apart.
	pub fn reachable(&self, a: ZoneId, b: ZoneId) -> bool {
		self.reachable_at(usize::from(a), usize::from(b))
	}

	/// Energy lost when `energy` Wh flow between zones `a` and `b` in one period, over their
	/// line's length with its own parameters.
	pub fn loss(&self, a: ZoneId, b: ZoneId, energy: Wh) -> Result<Wh, MarketError> {
		self.loss_at(usize::from(a), usize::from(b), energy)
	}

	/// Gives the line between zones `a` and `b` (both directions) its own length,
	/// electrical parameters and capacity per period. The zones must be two different zones
	/// of the grid ([`MarketError::InvalidZones`]), and the line must pass
	/// [`LineParameters::check`] over `length_m` ([`MarketError::InvalidLine`]; call `check`
	/// first for the reason). Nothing changes on error.
	pub fn set_pair(
		&mut self,
		a: ZoneId,
		b: ZoneId,
		length_m: u32,
		line: LineParameters,
		capacity_wh: Wh,
	) -> Result<(), MarketError> {
		let ab = self.cell(usize::from(a), usize::from(b))?;
		let ba = self.cell(usize::from(b), usize::from(a))?;
		if a == b {
			return Err(MarketError::InvalidZones);
		}
		line.check(length_m)?;
		let last = ab.max(ba);
		if last >= self.distances_m.len() || last >= self.pairs.len() {
			return Err(MarketError::InvalidZones);
		}
		let pair = PairLine { line, capacity_wh };
		for cell in [ab, ba] {
			if let Some(distance) = self.distances_m.get_mut(cell) {
				*distance = length_m;
			}
			if let Some(stored) = self.pairs.get_mut(cell) {
				*stored = pair;
			}
		}
		Ok(())
	}

	/// The index of `(a, b)` in the row-major matrices, if both are zones of the grid.
	fn cell(&self, a: usize, b: usize) -> Result<usize, MarketError> {
		if a >= self.zone_count || b >= self.zone_count {
			return Err(MarketError::InvalidZones);
		}
		Ok(a * self.zone_count + b)
	}

	fn reachable_at(&self, a: usize, b: usize) -> bool {
		self.cell(a, b)
			.ok()
			.and_then(|cell| self.distances_m.get(cell))
			.is_some_and(|&distance| distance <= self.max_distance_m)
	}

	fn loss_at(&self, a: usize, b: usize, energy: Wh) -> Result<Wh, MarketError> {
		let cell = self.cell(a, b)?;
		match (self.distances_m.get(cell), self.pairs.get(cell)) {
			(Some(&distance), Some(pair)) => pair.line.loss(energy, distance),
			_ => Err(MarketError::InvalidZones),
		}
	}

	/// One index for both directions of a pair, into a `zone_count × zone_count` vector.
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
		.map(|from| (0..zones).filter(|&to| grid.reachable_at(from, to)).collect())
		.collect();
	// What each pair's line may still carry, indexed by `pair_index`: each pair's own
	// capacity (the matrix is symmetric, so either direction's figure will do).
	let mut capacity: Vec<Wh> = grid.pairs.iter().map(|pair| pair.capacity_wh).collect();
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
			let Some((price, _, _, zone, index)) = best else { break };
			let pair = grid.pair_index(from, zone);
			let line_left = if zone == from { Wh::MAX } else { capacity[pair] };
			let quantity = remaining.min(offers[index].remaining).min(line_left);
			let lost = grid.loss_at(from, zone, quantity)?;
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

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		double_auction::clear_uniform,
		invariants::check_zone_trades,
		losses::{LineParameters, MAX_LINE_LENGTH_M},
		Side,
	};

	const KWH: Wh = 1_000;
	const LINE: LineParameters = LineParameters::MEDIUM_VOLTAGE_ALUMINIUM;

	fn order(id: u64, side: Side, zone: ZoneId, quantity: Wh, limit_price: Price) -> Order {
		Order { id, side, zone, quantity, limit_price }
	}

	/// Zones 0 and 2 each buy 100 kWh from zone 1, 10 km away on either side: each trade
	/// loses the hand-worked 297 Wh of losses.rs over the default line.
	fn both_sides_of_zone_1() -> [Order; 4] {
		[
			order(1, Side::Bid, 0, 100 * KWH, 50),
			order(2, Side::Bid, 2, 100 * KWH, 40),
			order(3, Side::Offer, 1, 100 * KWH, 10),
			order(4, Side::Offer, 1, 100 * KWH, 20),
		]
	}

	#[test]
	fn pairs_set_to_the_defaults_change_nothing() -> Result<(), MarketError> {
		let grid = Grid::linear(3, 10_000, 0, 20_000, 100 * KWH, LINE)?;
		let mut explicit = grid.clone();
		for (a, b) in [(0, 1), (0, 2), (2, 1)] {
			explicit.set_pair(a, b, grid.distance_m(a, b)?, LINE, 100 * KWH)?;
		}
		assert_eq!(explicit, grid);
		let book = both_sides_of_zone_1();
		let zone = clear_zone_market(&book, &explicit)?;
		assert_eq!(zone, clear_zone_market(&book, &grid)?);
		assert_eq!(zone.iter().map(|t| t.lost).collect::<Vec<_>>(), vec![297, 297]);
		assert_eq!(
			clear_uniform(&book, 500_000, Some(&explicit))?,
			clear_uniform(&book, 500_000, Some(&grid))?
		);
		Ok(())
	}

	#[test]
	fn a_thinner_line_changes_only_the_losses_over_its_own_pair() -> Result<(), MarketError> {
		let grid = Grid::linear(3, 10_000, 0, 20_000, 100 * KWH, LINE)?;
		let mut thin = grid.clone();
		// A fifth of the cross-section loses five times as much: 1 484.2 Wh, by hand.
		let fifth = LineParameters { cross_section_mm2: 19, ..LINE };
		thin.set_pair(1, 0, 10_000, fifth, 100 * KWH)?;
		let book = both_sides_of_zone_1();
		let before = clear_uniform(&book, 500_000, Some(&grid))?;
		let after = clear_uniform(&book, 500_000, Some(&thin))?;
		assert_eq!(before.clearing_price, after.clearing_price);
		let matched = |c: &crate::double_auction::Clearing| -> Vec<(u64, u64, Wh)> {
			c.trades.iter().map(|t| (t.bid, t.offer, t.sold)).collect()
		};
		assert_eq!(matched(&before), matched(&after));
		// Bid 1 (zone 0) buys over the thin pair; bid 2 (zone 2) over the other, unchanged.
		assert_eq!((before.trades[0].lost, after.trades[0].lost), (297, 1_484));
		assert_eq!(after.trades[1], before.trades[1]);
		// The zone market deducts the pair's own losses too.
		let zone = clear_zone_market(&book, &thin)?;
		assert_eq!(
			zone.iter().map(|t| (t.bid, t.lost)).collect::<Vec<_>>(),
			vec![(1, 1_484), (2, 297)]
		);
		assert_eq!(thin.loss(0, 1, 100 * KWH), Ok(1_484));
		assert_eq!(thin.loss(1, 2, 100 * KWH), Ok(297));
		Ok(())
	}

	#[test]
	fn a_smaller_capacity_limits_only_its_own_pair() -> Result<(), MarketError> {
		// Zones 0 and 1 are 1 km apart; zone 2 is too far from both to trade with them.
		let rows = [vec![0, 1_000, 6_000], vec![1_000, 0, 5_000], vec![6_000, 5_000, 0]];
		let grid = Grid::from_matrix(&rows, 1_000, 100 * KWH, LINE)?;
		let book = [
			order(1, Side::Bid, 0, 50 * KWH, 50),
			order(2, Side::Offer, 1, 50 * KWH, 10),
			order(3, Side::Bid, 2, 50 * KWH, 40),
			order(4, Side::Offer, 2, 50 * KWH, 20),
		];
		let sold = |trades: &[Trade]| -> Vec<(u64, u64, Wh)> {
			trades.iter().map(|t| (t.bid, t.offer, t.sold)).collect()
		};
		let before = clear_zone_market(&book, &grid)?;
		assert_eq!(sold(&before), vec![(1, 2, 50 * KWH), (3, 4, 50 * KWH)]);
		let mut narrow = grid.clone();
		narrow.set_pair(0, 1, 1_000, LINE, 20 * KWH)?;
		assert_eq!(narrow.capacity_wh(1, 0), Ok(20 * KWH));
		assert_eq!(narrow.capacity_wh(1, 2), Ok(100 * KWH));
		assert_eq!(narrow.capacity_wh(2, 2), Ok(Wh::MAX));
		let after = clear_zone_market(&book, &narrow)?;
		assert_eq!(sold(&after), vec![(1, 2, 20 * KWH), (3, 4, 50 * KWH)]);
		assert_eq!(after[1], before[1]);
		assert_eq!(check_zone_trades(&book, &after, &narrow), Ok(()));
		// The default capacity would have allowed the trade the narrow pair refuses.
		assert!(check_zone_trades(&book, &before, &narrow).is_err());
		// A pair no trade uses changes nothing, even closed.
		let mut closed = grid.clone();
		closed.set_pair(1, 2, 5_000, LINE, 0)?;
		assert_eq!(clear_zone_market(&book, &closed)?, before);
		Ok(())
	}

	#[test]
	fn a_pair_is_the_same_both_ways() -> Result<(), MarketError> {
		let mut grid = Grid::linear(3, 2_000, 100, 5_000, 10 * KWH, LINE)?;
		let copper = LineParameters { resistivity_pohm_m: 16_800, cross_section_mm2: 240, ..LINE };
		grid.set_pair(2, 0, 3_500, copper, 7 * KWH)?;
		assert_eq!(grid.validate(), Ok(()));
		assert_eq!(grid.distance_m(0, 2), Ok(3_500));
		assert_eq!(grid.distance_m(2, 0), Ok(3_500));
		assert_eq!(grid.pair(0, 2), grid.pair(2, 0));
		assert_eq!(grid.pair(0, 2)?, PairLine { line: copper, capacity_wh: 7 * KWH });
		assert_eq!(grid.loss(0, 2, 9 * KWH), grid.loss(2, 0, 9 * KWH));
		assert_eq!(grid.loss(0, 2, 9 * KWH), copper.loss(9 * KWH, 3_500));
		// The other pairs and the zones themselves keep the defaults.
		assert_eq!(grid.pair(0, 1)?, PairLine { line: LINE, capacity_wh: 10 * KWH });
		assert_eq!(grid.pair(2, 2)?, PairLine { line: LINE, capacity_wh: 10 * KWH });
		assert_eq!(grid.distance_m(1, 2), Ok(2_000));
		assert!(grid.reachable(0, 2) && grid.reachable(2, 0));
		assert!(!grid.reachable(0, 3));
		Ok(())
	}

	#[test]
	fn bad_pairs_are_refused_and_change_nothing() -> Result<(), MarketError> {
		let mut grid = Grid::linear(3, 2_000, 100, 5_000, 10 * KWH, LINE)?;
		let before = grid.clone();
		let no_conductor = LineParameters { cross_section_mm2: 0, ..LINE };
		let no_voltage = LineParameters { voltage_v: 0, ..LINE };
		let absurd = LineParameters { resistivity_pohm_m: u64::MAX, ..LINE };
		let cases = [
			(0, 3, 1_000, LINE, MarketError::InvalidZones),
			(3, 0, 1_000, LINE, MarketError::InvalidZones),
			(1, 1, 1_000, LINE, MarketError::InvalidZones),
			(0, 1, 1_000, no_conductor, MarketError::InvalidLine),
			(0, 1, 1_000, no_voltage, MarketError::InvalidLine),
			(0, 1, 1_000, absurd, MarketError::InvalidLine),
			(0, 1, MAX_LINE_LENGTH_M + 1, LINE, MarketError::InvalidLine),
		];
		for (a, b, length_m, line, error) in cases {
			assert_eq!(grid.set_pair(a, b, length_m, line, KWH), Err(error), "({a}, {b}) {line:?}");
			assert_eq!(grid, before);
		}
		Ok(())
	}
}
