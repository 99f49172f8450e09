// The profiles: deterministic for a seed, within the declared capacities, PV following the
// sun (nothing at night, more in summer), household load with its peaks and its winter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  meterModel,
  periodEnergy,
  pvPower,
  loadPower,
  loadShape,
  seasonFactor,
  sunElevationSine,
  clearSkyIrradiance,
  energyBoundWh,
  dayOfYear,
} from '../lib/profiles.mjs';
import { makeClock } from '../lib/meter.mjs';

const at = (iso) => Date.parse(iso) / 1000;
const prosumer = (label = 'a', seed = 1) => meterModel({
  seed, label, role: 'Prosumer', zone: 1, generationW: 5000, connectionW: 15000,
});

/** Energy over a day of quarter hours starting at `iso`. */
function day(model, iso, periodSeconds = 900) {
  const clock = makeClock({ periodSeconds });
  const first = Math.floor(at(iso) / periodSeconds);
  const total = { loadWh: 0, pvWh: 0, importWh: 0, exportWh: 0 };
  for (let p = first; p < first + 86400 / periodSeconds; p++) {
    const e = periodEnergy(model, clock.interval(p));
    for (const k of Object.keys(total)) total[k] += e[k];
  }
  return total;
}

test('the energy bound equals energy-primitives energy_bound_wh', () => {
  // The Rust unit test's cases (primitives/energy/src/types.rs).
  assert.equal(energyBoundWh(4_000, 900, 1), 1_000);
  assert.equal(energyBoundWh(3_000, 900, 2), 1_500);
  assert.equal(energyBoundWh(1, 900, 1), 1);
  assert.equal(energyBoundWh(0, 900, 7), 0);
  assert.equal(energyBoundWh(10_000, 12, 1), 34); // 33.3 Wh rounded up (energium e2e)
});

test('a meter model and its energies are a function of seed and label alone', () => {
  const clock = makeClock({ periodSeconds: 900 });
  const p = Math.floor(at('2026-06-21T10:00:00Z') / 900);
  assert.deepEqual(prosumer('m1'), prosumer('m1'));
  assert.deepEqual(periodEnergy(prosumer('m1'), clock.interval(p)), periodEnergy(prosumer('m1'), clock.interval(p)));
  assert.notDeepEqual(prosumer('m1'), prosumer('m2'), 'each meter has its own scale');
  assert.notDeepEqual(prosumer('m1', 1), prosumer('m1', 2), 'another seed, another draw');
});

test('the sun: below the horizon at night, higher at a summer noon than a winter noon', () => {
  // Munich, solar noon about 11:15 UTC.
  assert.ok(sunElevationSine(at('2026-06-21T23:00:00Z')) < 0);
  assert.ok(sunElevationSine(at('2026-12-21T17:00:00Z')) < 0);
  const summer = Math.asin(sunElevationSine(at('2026-06-21T11:15:00Z'))) * 180 / Math.PI;
  const winter = Math.asin(sunElevationSine(at('2026-12-21T11:15:00Z'))) * 180 / Math.PI;
  assert.ok(Math.abs(summer - (90 - 48.1 + 23.44)) < 1, `summer noon elevation ${summer}`);
  assert.ok(Math.abs(winter - (90 - 48.1 - 23.44)) < 1, `winter noon elevation ${winter}`);
  assert.ok(clearSkyIrradiance(Math.sin(summer * Math.PI / 180)) > 900);
  assert.equal(clearSkyIrradiance(-0.2), 0);
});

test('PV is zero at night and yields more in summer than in winter', () => {
  const m = prosumer();
  for (const iso of ['2026-06-21T00:00:00Z', '2026-06-21T21:30:00Z', '2026-12-21T16:30:00Z', '2026-12-21T05:00:00Z']) {
    assert.equal(pvPower(m, at(iso)), 0, iso);
  }
  // Over a week, whatever the clouds do.
  let summer = 0;
  let winter = 0;
  for (let d = 0; d < 7; d++) {
    summer += day(m, new Date(at('2026-06-15T00:00:00Z') * 1000 + d * 864e5).toISOString()).pvWh;
    winter += day(m, new Date(at('2026-12-15T00:00:00Z') * 1000 + d * 864e5).toISOString()).pvWh;
  }
  assert.ok(summer > 2.5 * winter, `summer ${summer} Wh, winter ${winter} Wh`);
  // A 5 kWp array makes roughly 10–35 kWh on a June day in Bavaria.
  assert.ok(summer / 7 > 8000 && summer / 7 < 40000, `mean June day ${summer / 7} Wh`);
});

test('household load: evening peak above the night base, more in winter, a year near the drawn consumption', () => {
  assert.ok(loadShape(19.5) > 1.6 && loadShape(3) < 0.6, 'peak and base of the daily shape');
  assert.ok(loadShape(7.25) > loadShape(3) * 1.5, 'morning peak');
  // The shape averages to 1 over a day.
  let sum = 0;
  for (let minute = 0; minute < 1440; minute++) sum += loadShape(minute / 60);
  assert.ok(Math.abs(sum / 1440 - 1) < 1e-9);
  assert.ok(Math.abs(seasonFactor(1) - 1.24) < 0.01 && Math.abs(seasonFactor(182) - 0.8) < 0.02);
  let year = 0;
  for (let d = 1; d <= 365; d++) year += seasonFactor(d);
  assert.ok(Math.abs(year / 365 - 1) < 0.02, `mean season factor ${year / 365}`);

  const m = meterModel({ seed: 1, label: 'c', role: 'Consumer', connectionW: 11000 });
  const winterDay = day(m, '2026-01-14T00:00:00Z').loadWh;
  const summerDay = day(m, '2026-07-15T00:00:00Z').loadWh;
  assert.ok(winterDay > 1.2 * summerDay, `winter ${winterDay} Wh, summer ${summerDay} Wh`);
  // A year sampled every 5th day, scaled: within 15 % of the drawn annual consumption.
  let sampled = 0;
  for (let d = 0; d < 365; d += 5) sampled += day(m, new Date(Date.UTC(2026, 0, 1 + d)).toISOString()).loadWh;
  const annual = sampled * 5 / 1000;
  assert.ok(Math.abs(annual / m.annualKwh - 1) < 0.15, `simulated ${annual} kWh, drawn ${m.annualKwh} kWh`);
  assert.ok(loadPower(m, at('2026-01-14T18:30:00Z')) > loadPower(m, at('2026-01-14T02:30:00Z')));
});

test('roles: a consumer only imports, a producer only exports, a prosumer nets within the period', () => {
  const clock = makeClock({ periodSeconds: 900 });
  const consumer = meterModel({ seed: 1, label: 'c', role: 'Consumer', connectionW: 11000 });
  const producer = meterModel({ seed: 1, label: 'p', role: 'Producer', generationW: 50000, connectionW: 50000 });
  const both = prosumer();
  const first = Math.floor(at('2026-05-01T00:00:00Z') / 900);
  let producerExport = 0;
  for (let p = first; p < first + 96; p++) {
    const c = periodEnergy(consumer, clock.interval(p));
    const g = periodEnergy(producer, clock.interval(p));
    const b = periodEnergy(both, clock.interval(p));
    assert.equal(c.exportWh, 0);
    assert.ok(c.importWh > 0);
    assert.equal(g.importWh, 0);
    producerExport += g.exportWh;
    assert.ok(b.importWh === 0 || b.exportWh === 0, 'never both in one period');
    assert.ok(Math.abs((b.importWh - b.exportWh) - (b.loadWh - b.pvWh)) < 1e-9);
  }
  assert.ok(producerExport > 0);
  assert.equal(dayOfYear(at('2026-02-01T12:00:00Z')), 32);
});

test('energy never exceeds what the declared capacity allows in a period, even when clipped', () => {
  // Small capacities, so that clipping is exercised: a 300 W connection, a 200 W array.
  const models = [];
  for (let i = 0; i < 20; i++) {
    models.push(meterModel({ seed: 9, label: `tiny${i}`, role: 'Prosumer', generationW: 200, connectionW: 300 }));
    models.push(meterModel({ seed: 9, label: `big${i}`, role: 'Prosumer', generationW: 12000, connectionW: 11000 }));
    models.push(meterModel({ seed: 9, label: `plant${i}`, role: 'Producer', generationW: 30000, connectionW: 30000 }));
  }
  for (const periodSeconds of [12, 900]) {
    const clock = makeClock({ periodSeconds, warp: periodSeconds === 12 ? 75 : 1 });
    const first = Math.floor(at('2026-06-21T00:00:00Z') / (periodSeconds * clock.warp));
    for (const m of models) {
      for (let p = first; p < first + 96; p += 1) {
        const e = periodEnergy(m, clock.interval(p));
        assert.ok(e.importWh <= m.connectionW * periodSeconds / 3600 + 1e-9);
        assert.ok(e.exportWh <= m.generationW * periodSeconds / 3600 + 1e-9);
      }
    }
  }
});
