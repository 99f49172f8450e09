//! `energy-sim clear`: one order book in, its clearing out, through energy-market.

use crate::schema::*;
use energy_market::{
	double_auction::{clear_mcafee, clear_uniform},
	losses::{
		LineFault, LineParameters, MAX_CROSS_SECTION_MM2, MAX_LINE_LENGTH_M,
		MAX_RESISTIVITY_POHM_M, MAX_VOLTAGE_V, MIN_VOLTAGE_V,
	},
	metrics::{evaluate, Weights},
	zone::{clear_zone_market, Grid},
	MarketError, Order, Side,
};
use std::collections::{BTreeMap, BTreeSet};

/// Clears a parsed book. Errors are messages for a person.
pub fn clear(input: &BookInput) -> Result<ClearingOutput, String> {
	let orders: Vec<Order> = input
		.orders
		.iter()
		.map(|o| Order {
			id: o.id,
			side: match o.side {
				SideInput::Bid => Side::Bid,
				SideInput::Offer => Side::Offer,
			},
			zone: o.zone,
			quantity: o.quantity_wh,
			limit_price: o.price_per_kwh,
		})
		.collect();
	let grid = input.zones.as_ref().map(grid_of).transpose()?;
	let weights = match &input.weights_ppm {
		Some(w) => Weights { quantity: w.quantity, price: w.price },
		None => Weights::EVEN,
	};

	let (trades, clearing_price, reduced) = match input.mechanism {
		Mechanism::Uniform => {
			let c = clear_uniform(&orders, input.k_ppm, grid.as_ref())
				.map_err(|e| explain(e, input))?;
			(c.trades, c.clearing_price, c.reduced_prices)
		},
		Mechanism::Mcafee => {
			let c = clear_mcafee(&orders, grid.as_ref()).map_err(|e| explain(e, input))?;
			(c.trades, c.clearing_price, c.reduced_prices)
		},
		Mechanism::Zone => {
			let grid = grid.as_ref().ok_or("the zone mechanism needs \"zones\"")?;
			(clear_zone_market(&orders, grid).map_err(|e| explain(e, input))?, None, None)
		},
	};
	let (outcomes, summary) = evaluate(&orders, &trades, weights).map_err(|e| explain(e, input))?;

	let owner: BTreeMap<u64, &str> =
		input.orders.iter().map(|o| (o.id, o.participant.as_str())).collect();
	let name = |id: u64| owner.get(&id).copied().unwrap_or_default().to_string();
	let mut per_participant: BTreeMap<String, (u64, u64, Vec<u64>)> = BTreeMap::new();
	for (outcome, input_order) in outcomes.iter().zip(&input.orders) {
		let entry = per_participant.entry(input_order.participant.clone()).or_default();
		entry.0 += u64::from(outcome.satisfaction);
		entry.1 += 1;
		entry.2.push(outcome.id);
	}

	Ok(ClearingOutput {
		mechanism: input.mechanism,
		clearing_price_per_kwh: clearing_price,
		reduced_prices_per_kwh: reduced.map(|(buyer, seller)| ReducedPrices { buyer, seller }),
		trades: trades
			.iter()
			.map(|t| TradeOutput {
				bid: t.bid,
				offer: t.offer,
				buyer: name(t.bid),
				seller: name(t.offer),
				sold_wh: t.sold,
				delivered_wh: t.delivered,
				lost_wh: t.lost,
				buyer_price_per_kwh: t.buyer_price,
				seller_price_per_kwh: t.seller_price,
				buyer_pays: t.buyer_pays.to_string(),
				seller_receives: t.seller_receives.to_string(),
			})
			.collect(),
		summary: SummaryOutput {
			trades: summary.trades,
			sold_wh: summary.sold,
			delivered_wh: summary.delivered,
			lost_wh: summary.lost,
			buyers_paid: summary.buyers_paid.to_string(),
			sellers_received: summary.sellers_received.to_string(),
			welfare: summary.welfare.to_string(),
			average_purchase_price_per_kwh: summary.average_purchase_price,
			mean_satisfaction_ppm: summary.mean_satisfaction,
			mean_buyer_satisfaction_ppm: summary.mean_buyer_satisfaction,
		},
		orders: outcomes
			.iter()
			.zip(&input.orders)
			.map(|(o, i)| OrderOutput {
				id: o.id,
				participant: i.participant.clone(),
				side: i.side,
				requested_wh: o.requested,
				obtained_wh: o.obtained,
				money: o.money.to_string(),
				average_price_per_kwh: o.average_price,
				quantity_term_ppm: o.quantity_term,
				price_term_ppm: o.price_term,
				satisfaction_ppm: o.satisfaction,
			})
			.collect(),
		participants: per_participant
			.into_iter()
			.map(|(participant, (sum, count, orders))| ParticipantOutput {
				participant,
				satisfaction_ppm: (sum / count.max(1)) as u32,
				orders,
			})
			.collect(),
	})
}

fn grid_of(zones: &ZonesInput) -> Result<Grid, String> {
	let line = LineParameters {
		resistivity_pohm_m: zones.line.resistivity_pohm_m,
		cross_section_mm2: zones.line.cross_section_mm2,
		voltage_v: zones.line.voltage_v,
		period_s: zones.line.period_s,
	};
	let grid = match (&zones.distances_m, &zones.linear) {
		(Some(matrix), None) => {
			Grid::from_matrix(matrix, zones.max_distance_m, zones.line_capacity_wh, line)
		},
		(None, Some(l)) => Grid::linear(
			l.count,
			l.spacing_m,
			l.intra_zone_m,
			zones.max_distance_m,
			zones.line_capacity_wh,
			line,
		),
		_ => return Err("\"zones\" needs exactly one of \"distances_m\" and \"linear\"".into()),
	};
	let mut grid = grid.map_err(|e| match e {
		MarketError::InvalidLine => {
			"line parameters need a non-zero cross-section, voltage and period".to_string()
		},
		_ => "the distance matrix must be non-empty, square and symmetric".to_string(),
	})?;
	let mut seen = BTreeSet::new();
	for (i, pair) in zones.lines.iter().enumerate() {
		let at = |message: String| format!("zones.lines[{i}] ({}, {}): {message}", pair.a, pair.b);
		let zone_count = grid.zone_count();
		for zone in [pair.a, pair.b] {
			if usize::from(zone) >= zone_count {
				return Err(at(format!("zone {zone} is not in the zone data")));
			}
		}
		if pair.a == pair.b {
			return Err(at("a line joins two different zones".into()));
		}
		if !seen.insert((pair.a.min(pair.b), pair.a.max(pair.b))) {
			return Err(at("the pair already has a line".into()));
		}
		let length_m = match pair.length_m {
			Some(length_m) => length_m,
			None => grid.distance_m(pair.a, pair.b).map_err(|_| at("no distance".into()))?,
		};
		let own = LineParameters {
			resistivity_pohm_m: pair.resistivity_pohm_m,
			cross_section_mm2: pair.cross_section_mm2,
			voltage_v: pair.voltage_v,
			period_s: zones.line.period_s,
		};
		own.check(length_m).map_err(|fault| at(line_fault(fault, length_m)))?;
		grid.set_pair(pair.a, pair.b, length_m, own, pair.capacity_wh)
			.map_err(|e| at(format!("refused ({e:?})")))?;
	}
	Ok(grid)
}

/// What is wrong with a zone pair's line, for a person.
fn line_fault(fault: LineFault, length_m: u32) -> String {
	match fault {
		LineFault::ZeroCrossSection => "cross_section_mm2 must not be 0".into(),
		LineFault::ZeroVoltage => "voltage_v must not be 0".into(),
		LineFault::ZeroPeriod => "line.period_s must not be 0".into(),
		LineFault::ResistivityOutOfRange => {
			format!("resistivity_pohm_m must be at most {MAX_RESISTIVITY_POHM_M}")
		},
		LineFault::CrossSectionOutOfRange => {
			format!("cross_section_mm2 must be at most {MAX_CROSS_SECTION_MM2}")
		},
		LineFault::VoltageOutOfRange => {
			format!("voltage_v must be between {MIN_VOLTAGE_V} and {MAX_VOLTAGE_V}")
		},
		LineFault::LineTooLong => {
			format!("the line is {length_m} m long, more than {MAX_LINE_LENGTH_M}")
		},
	}
}

fn explain(error: MarketError, input: &BookInput) -> String {
	match error {
		MarketError::ZeroQuantity(id) => format!("order {id}: quantity_wh must be at least 1"),
		MarketError::UnknownZone(id) => {
			let zone = input.orders.iter().find(|o| o.id == id).map(|o| o.zone).unwrap_or_default();
			format!("order {id}: zone {zone} is not in the zone data")
		},
		MarketError::DuplicateOrderId(id) => format!("order id {id} appears more than once"),
		MarketError::UnknownOrder(id) => {
			format!("a trade names order {id}, which is not in the book")
		},
		MarketError::KOutOfRange(k) => format!("k_ppm must be at most 1000000, got {k}"),
		MarketError::InvalidLine => {
			"line parameters need a non-zero cross-section, voltage and period".into()
		},
		MarketError::InvalidZones => "the zone data is inconsistent".into(),
		MarketError::InvalidWeights => {
			"weights_ppm.quantity + weights_ppm.price must be 1000000".into()
		},
		MarketError::Overflow => {
			"the book is outside the supported range (arithmetic overflow)".into()
		},
	}
}
