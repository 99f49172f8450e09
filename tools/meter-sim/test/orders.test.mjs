// Orders of the simulated participants and their `energy-sim clear` input: valid for the
// chain (side, capacity, smallest order, price), reproducible, and the chain's grid and
// mechanism written as the simulator's schema (tools/simulator/src/schema.rs). No node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { participantProfile, UNIT } from '../lib/population.mjs';
import { energyBoundWh } from '../lib/profiles.mjs';
import {
  participantOrder, simulatorMechanism, simulatorZones, simulatorInput, toExactJson,
} from '../lib/orders.mjs';

test('every participant gets an order the chain accepts: its side, within capacity, above the smallest order', () => {
  for (const periodSeconds of [12, 120, 900]) {
    const minWh = Math.max(1, energyBoundWh(60, periodSeconds));
    const sides = {};
    for (let i = 0; i < 3000; i++) {
      const profile = participantProfile(1, i, 4);
      const order = participantOrder(1, i, profile, { periodSeconds, minOrderPowerW: 60 });
      sides[`${profile.role}/${order.side}`] = (sides[`${profile.role}/${order.side}`] ?? 0) + 1;
      if (profile.role === 'Consumer') assert.equal(order.side, 'Bid');
      if (profile.role === 'Producer') assert.equal(order.side, 'Offer');
      const watts = order.side === 'Bid' ? profile.connectionCapacityW : profile.generationCapacityW;
      assert.ok(Number.isInteger(order.energyWh));
      assert.ok(order.energyWh >= minWh, `participant ${i}: ${order.energyWh} Wh below ${minWh}`);
      assert.ok(order.energyWh <= energyBoundWh(watts, periodSeconds), `participant ${i} within capacity`);
      assert.equal(typeof order.pricePerKwh, 'bigint');
      assert.ok(order.pricePerKwh >= UNIT / 5n && order.pricePerKwh <= (2n * UNIT) / 5n, 'between 0.20 and 0.40 per kWh');
    }
    assert.ok(sides['Prosumer/Bid'] > 300 && sides['Prosumer/Offer'] > 300, JSON.stringify(sides));
  }
  // A pure function of seed and index.
  const profile = participantProfile(7, 5, 4);
  assert.deepEqual(participantOrder(7, 5, profile, { periodSeconds: 120, minOrderPowerW: 60 }),
    participantOrder(7, 5, profile, { periodSeconds: 120, minOrderPowerW: 60 }));
});

test('a participant that cannot place the smallest order is an error, not a refused transaction', () => {
  const profile = { role: 'Producer', zone: 0, generationCapacityW: 50, connectionCapacityW: 50 };
  assert.throws(() => participantOrder(1, 0, profile, { periodSeconds: 3600, minOrderPowerW: 60 }), /cannot place/);
});

test('the chain\'s mechanism and grid in the simulator\'s schema', () => {
  assert.deepEqual(simulatorMechanism({ uniformPrice: { kPpm: 500000 } }), { mechanism: 'uniform', k_ppm: 500000 });
  assert.deepEqual(simulatorMechanism({ mcAfee: null }), { mechanism: 'mcafee' });
  assert.deepEqual(simulatorMechanism('ZoneMarket'), { mechanism: 'zone' });
  assert.throws(() => simulatorMechanism({ other: null }), /unknown mechanism/);

  const distancesM = [[100, 500], [500, 100]];
  assert.equal(simulatorZones({ distancesM, rules: null, periodSeconds: 120 }), undefined);
  const zones = simulatorZones({
    distancesM,
    rules: { maxDistanceM: 1000, lineCapacityWh: 2n ** 64n - 1n, line: { resistivityPohmM: 28200, crossSectionMm2: 150, voltageV: 400 } },
    lines: [[[0, 1], { resistivityPohmM: '16800', crossSectionMm2: 240, voltageV: 20000, capacityWh: 50000 }]],
    periodSeconds: 120,
  });
  const input = simulatorInput({
    orders: [
      { id: 0, participant: 'A', side: 'Bid', zone: 0, energyWh: 10, pricePerKwh: 300_000_000_000n },
      { id: 1, participant: 'B', side: 'Offer', zone: 1, energyWh: 12, pricePerKwh: 200_000_000_000n },
    ],
    mechanism: { uniformPrice: { kPpm: 500000 } },
    zones,
  });
  // Exact integers, u64::MAX included; the field names of schema.rs.
  assert.equal(toExactJson(input), JSON.stringify({
    mechanism: 'uniform',
    k_ppm: 500000,
    orders: [
      { id: 0, participant: 'A', side: 'bid', zone: 0, quantity_wh: 10, price_per_kwh: 300000000000 },
      { id: 1, participant: 'B', side: 'offer', zone: 1, quantity_wh: 12, price_per_kwh: 200000000000 },
    ],
    zones: {
      distances_m: [[100, 500], [500, 100]],
      max_distance_m: 1000,
      line_capacity_wh: 'U64MAX',
      line: { resistivity_pohm_m: 28200, cross_section_mm2: 150, voltage_v: 400, period_s: 120 },
      lines: [{ a: 0, b: 1, resistivity_pohm_m: 16800, cross_section_mm2: 240, voltage_v: 20000, capacity_wh: 50000 }],
    },
  }).replace('"U64MAX"', '18446744073709551615'));
});
