// The meter's registers: they only grow, each reading stays within the chain's bound over
// the periods it spans, nothing measured is lost to rounding, and a restart from the chain's
// counters continues where the chain is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meterModel, periodEnergy, energyBoundWh } from '../lib/profiles.mjs';
import { makeClock, meterState, nextReading, MAX_SPAN_PERIODS } from '../lib/meter.mjs';

const model = (label, overrides = {}) => meterModel({
  seed: 5, label, role: 'Prosumer', zone: 2, generationW: 6000, connectionW: 11000, ...overrides,
});
const start = Math.floor(Date.parse('2026-03-20T00:00:00Z') / 1000);

test('a warp maps chain periods to simulated time; without one a period is its own time', () => {
  const plain = makeClock({ periodSeconds: 900 });
  assert.deepEqual(plain.interval(10), { simStart: 9000, simSeconds: 900, chainSeconds: 900 });
  const fast = makeClock({ periodSeconds: 12, warp: 75 });
  assert.deepEqual(fast.interval(96), { simStart: 96 * 900, simSeconds: 900, chainSeconds: 12 });
  assert.equal(fast.simTime(96) - fast.simTime(0), 86400, '96 periods of 12 s are a simulated day');
  assert.equal(makeClock({ periodSeconds: 12, offset: 5 }).simTime(1), 17);
});

for (const [periodSeconds, warp] of [[900, 1], [12, 1], [12, 75]]) {
  test(`registers only grow and every reading is within the bound (${periodSeconds}-s periods, warp ${warp})`, () => {
    const clock = makeClock({ periodSeconds, warp });
    for (const m of [model('a'), model('b', { role: 'Consumer', generationW: 0 }), model('c', { role: 'Producer', connectionW: 6000 })]) {
      const first = Math.floor(start / (periodSeconds * warp));
      let state = meterState({ lastPeriod: first - 1 });
      let trueImport = 0;
      let trueExport = 0;
      for (let p = first; p < first + 192; p++) {
        const { reading, energy, next } = nextReading(state, m, clock, p);
        const e = periodEnergy(m, clock.interval(p));
        trueImport += e.importWh;
        trueExport += e.exportWh;
        assert.equal(reading.period, p);
        assert.ok(energy.importedWh >= 0 && energy.exportedWh >= 0);
        assert.equal(reading.counters.importedWh, state.importedWh + energy.importedWh);
        assert.equal(reading.counters.exportedWh, state.exportedWh + energy.exportedWh);
        assert.ok(energy.importedWh <= energyBoundWh(m.connectionW, periodSeconds, 1));
        assert.ok(energy.exportedWh <= energyBoundWh(m.generationW, periodSeconds, 1));
        assert.ok(Number.isInteger(reading.counters.importedWh) && Number.isInteger(reading.counters.exportedWh));
        state = next;
      }
      // Whole Wh on the registers, the fractions carried: nothing lost but the last fraction.
      assert.equal(state.importedWh, Math.floor(trueImport + 1e-9));
      assert.equal(state.exportedWh, Math.floor(trueExport + 1e-9));
    }
  });
}

test('a reading after skipped periods carries their energy, within the bound of the span', () => {
  const clock = makeClock({ periodSeconds: 900 });
  const m = model('gap');
  const first = Math.floor(Date.parse('2026-06-21T08:00:00Z') / 1000 / 900);
  const state = meterState({ lastPeriod: first - 1, importedWh: 1000, exportedWh: 2000 });
  const { energy, reading } = nextReading(state, m, clock, first + 3);
  let expected = 0;
  for (let p = first; p <= first + 3; p++) expected += periodEnergy(m, clock.interval(p)).exportWh;
  assert.equal(energy.exportedWh, Math.floor(expected));
  assert.ok(energy.exportedWh > energyBoundWh(m.generationW, 900, 1), 'more than one period could hold');
  assert.ok(energy.exportedWh <= energyBoundWh(m.generationW, 900, 4));
  assert.equal(reading.counters.exportedWh, 2000 + energy.exportedWh);
  // Offline longer than MAX_SPAN_PERIODS: only the last day is integrated.
  const far = nextReading(state, m, clock, first + 10 * MAX_SPAN_PERIODS);
  assert.ok(far.energy.importedWh + far.energy.exportedWh > 0);
});

test('a first reading spans from the chain start when the runtime records it, else one period', () => {
  const clock = makeClock({ periodSeconds: 12 });
  const m = model('first', { role: 'Consumer', generationW: 0 });
  const chainStartPeriod = Math.floor(start / 12);
  const p = chainStartPeriod + 20;
  const spanned = nextReading(meterState({ firstPeriod: chainStartPeriod }), m, clock, p);
  const single = nextReading(meterState(), m, clock, p);
  let all = 0;
  for (let q = chainStartPeriod; q <= p; q++) all += periodEnergy(m, clock.interval(q)).importWh;
  assert.equal(spanned.energy.importedWh, Math.floor(all));
  assert.equal(single.energy.importedWh, Math.floor(periodEnergy(m, clock.interval(p)).importWh));
  assert.throws(() => nextReading(meterState({ firstPeriod: p + 1 }), m, clock, p), /not after/);
  assert.throws(() => nextReading(meterState({ lastPeriod: p }), m, clock, p), /not after/);
});

test('restarting from the chain\'s counters gives readings that continue them', () => {
  const clock = makeClock({ periodSeconds: 900 });
  const m = model('resume');
  const p = Math.floor(start / 900) + 40;
  const onChain = { lastPeriod: p - 1, importedWh: 123456, exportedWh: 789 };
  const { reading } = nextReading(meterState(onChain), m, clock, p);
  assert.ok(reading.counters.importedWh >= onChain.importedWh);
  assert.ok(reading.counters.exportedWh >= onChain.exportedWh);
  // The same state and period always give the same reading (the simulator is stateless).
  assert.deepEqual(nextReading(meterState(onChain), m, clock, p).reading, reading);
});

test('the bound clips as a safety net', () => {
  const clock = makeClock({ periodSeconds: 12 });
  // A model whose state claims a large fraction pending: the increase is clipped to the bound.
  const m = model('clip', { role: 'Consumer', generationW: 0, connectionW: 300 });
  const state = { ...meterState({ lastPeriod: 99 }), importFrac: 50 };
  const { energy, next } = nextReading(state, m, clock, 100);
  assert.equal(energy.importedWh, energyBoundWh(300, 12, 1));
  assert.equal(next.importFrac, 0);
});
