// Market orders of the simulated participants, and the same book as `energy-sim clear`
// input (tools/simulator, README "Simulator"), so that a test can compare the chain's
// clearing of a book with the simulator's. Pure functions of the seed, the profiles and the
// chain's parameters; nothing here talks to a node.

import { rng } from './prng.mjs';
import { energyBoundWh } from './profiles.mjs';
import { UNIT } from './population.mjs';

/** Price granularity of the orders: 0.0001 GRID per kWh. */
const PRICE_STEP = UNIT / 10_000n;

/**
 * One order of participant `index` (its `profile`, the runtime's JSON form) for a delivery
 * period of `periodSeconds`, drawn from `seed`: `{ side, energyWh, pricePerKwh }`.
 * - Side: a consumer bids, a producer offers, a prosumer does either (even odds).
 * - Energy: a share of what its connection (bid) or generation capacity (offer) moves in a
 *   period (`energyBoundWh`, the chain's capacity rule), never below the chain's smallest
 *   order (`minOrderPowerW` over the period, at least 1 Wh) nor above the capacity. Bids
 *   ask for 5–50 % of the connection; prosumers offer 20–80 % of their PV; producers
 *   5–25 % of their plant, so that supply and demand are of the same size and the book
 *   clears about half its orders.
 * - Price: 0.20 to 0.40 GRID per kWh on both sides (in steps of 0.0001 GRID), so bids and
 *   offers overlap around 0.30.
 */
export function participantOrder(seed, index, profile, { periodSeconds, minOrderPowerW }) {
  const r = rng(seed, `order/${index}`);
  let side;
  if (profile.role === 'Consumer') side = 'Bid';
  else if (profile.role === 'Producer') side = 'Offer';
  else side = r.next() < 0.5 ? 'Bid' : 'Offer';
  const watts = side === 'Bid' ? profile.connectionCapacityW : profile.generationCapacityW;
  const capacityWh = energyBoundWh(watts, periodSeconds);
  const minWh = Math.max(1, energyBoundWh(minOrderPowerW, periodSeconds));
  if (capacityWh < minWh) {
    throw new Error(`participant ${index} (${profile.role}) cannot place a ${side} of at least ${minWh} Wh`);
  }
  const [lo, hi] = side === 'Bid' ? [0.05, 0.5] : profile.role === 'Producer' ? [0.05, 0.25] : [0.2, 0.8];
  const energyWh = Math.min(capacityWh, Math.max(minWh, Math.floor(r.uniform(lo, hi) * capacityWh)));
  const steps = 2000n + BigInt(Math.floor(r.next() * 2001)); // 0.2000 … 0.4000 GRID
  return { side, energyWh, pricePerKwh: steps * PRICE_STEP };
}

/**
 * The `energy-sim clear` mechanism fields of the chain's `doubleAuction.marketMechanism`
 * (its polkadot-js JSON: `{ uniformPrice: { kPpm } }`, `{ mcAfee: null }`,
 * `{ zoneMarket: null }`, or the variant's name).
 */
export function simulatorMechanism(mechanism) {
  const [name, value] = typeof mechanism === 'string' ? [mechanism, null] : Object.entries(mechanism)[0];
  switch (name.toLowerCase()) {
    case 'uniformprice':
      return { mechanism: 'uniform', k_ppm: Number(value.kPpm ?? value.k_ppm) };
    case 'mcafee':
      return { mechanism: 'mcafee' };
    case 'zonemarket':
      return { mechanism: 'zone' };
    default:
      throw new Error(`unknown mechanism ${JSON.stringify(mechanism)}`);
  }
}

/**
 * The `energy-sim clear` "zones" of the chain's grid, or undefined without one:
 * `distancesM` (`zoneMarket.distances`), `rules` (`zoneMarket.rules`, JSON: `{ maxDistanceM,
 * lineCapacityWh, line: { resistivityPohmM, crossSectionMm2, voltageV } }` or null),
 * `lines` (`zoneMarket.lines` entries: `[[a, b], { resistivityPohmM, crossSectionMm2,
 * voltageV, capacityWh }]`) and the delivery-period length the chain's losses use.
 * Integers may be numbers, bigints or decimal strings; they are kept exact (bigints).
 */
export function simulatorZones({ distancesM, rules, lines = [], periodSeconds }) {
  if (!rules) return undefined;
  const int = (value) => BigInt(value);
  return {
    distances_m: distancesM.map((row) => row.map(int)),
    max_distance_m: int(rules.maxDistanceM),
    line_capacity_wh: int(rules.lineCapacityWh),
    line: {
      resistivity_pohm_m: int(rules.line.resistivityPohmM),
      cross_section_mm2: int(rules.line.crossSectionMm2),
      voltage_v: int(rules.line.voltageV),
      period_s: int(periodSeconds),
    },
    // The chain's line lengths are the pairs' entries in the distance matrix: no length_m.
    lines: lines
      .map(([[a, b], line]) => ({
        a: int(a),
        b: int(b),
        resistivity_pohm_m: int(line.resistivityPohmM),
        cross_section_mm2: int(line.crossSectionMm2),
        voltage_v: int(line.voltageV),
        capacity_wh: int(line.capacityWh),
      }))
      .sort((x, y) => (x.a === y.a ? Number(x.b - y.b) : Number(x.a - y.a))),
  };
}

/**
 * `energy-sim clear` input: `orders` as `[{ id, participant, side: 'Bid'|'Offer', zone,
 * energyWh, pricePerKwh }]`, the chain's mechanism (see simulatorMechanism) and zones (see
 * simulatorZones).
 */
export function simulatorInput({ orders, mechanism, zones }) {
  const input = {
    ...simulatorMechanism(mechanism),
    orders: orders.map((o) => ({
      id: BigInt(o.id),
      participant: String(o.participant),
      side: o.side === 'Bid' ? 'bid' : 'offer',
      zone: BigInt(o.zone),
      quantity_wh: BigInt(o.energyWh),
      price_per_kwh: BigInt(o.pricePerKwh),
    })),
  };
  if (zones) input.zones = zones;
  return input;
}

/** JSON text of `value` with bigints written as exact integers (JSON.stringify refuses them). */
export function toExactJson(value) {
  const marks = [];
  const text = JSON.stringify(value, (_, v) => {
    if (typeof v !== 'bigint') return v;
    marks.push(v.toString());
    return `\u0000${marks.length - 1}\u0000`;
  });
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_, i) => marks[Number(i)]);
}
