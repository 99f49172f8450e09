// The seeded randomness: reproducible for a seed and label, different across labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng, hash32, valueNoise, normalCdf, mulberry32 } from '../lib/prng.mjs';

test('a seed and label always give the same numbers; another label other ones', () => {
  const a = rng(1, 'meter/x');
  const b = rng(1, 'meter/x');
  const c = rng(1, 'meter/y');
  const d = rng(2, 'meter/x');
  const draw = (r) => Array.from({ length: 5 }, () => r.next());
  const first = draw(a);
  assert.deepEqual(first, draw(b));
  assert.notDeepEqual(first, draw(c));
  assert.notDeepEqual(first, draw(d));
  assert.notEqual(hash32('meter/1'), hash32('meter/2'));
});

test('uniform numbers lie in [0, 1) and average about a half; normals about 0 and 1', () => {
  const next = mulberry32(42);
  const r = rng('s', 'normals');
  let sum = 0;
  let sumN = 0;
  let sumN2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
    const z = r.normal();
    sumN += z;
    sumN2 += z * z;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  assert.ok(Math.abs(sumN / n) < 0.03);
  assert.ok(Math.abs(sumN2 / n - 1) < 0.05);
});

test('value noise is smooth from period to period and independent far apart', () => {
  // Noise with 1-hour knots, sampled every 12 s: neighbours differ little.
  let maxStep = 0;
  for (let t = 0; t < 86400; t += 12) {
    maxStep = Math.max(maxStep, Math.abs(valueNoise(7, 'w', t + 12, 3600) - valueNoise(7, 'w', t, 3600)));
  }
  assert.ok(maxStep < 0.1, `largest change between 12-s periods: ${maxStep}`);
  // At a knot the value is the knot's own; it does not depend on evaluation order.
  assert.equal(valueNoise(7, 'w', 7200, 3600), valueNoise(7, 'w', 7200, 3600));
  // Far apart, correlation is near zero.
  let sxy = 0;
  const n = 2000;
  for (let k = 0; k < n; k++) sxy += valueNoise(3, 'c', k * 86400, 3600) * valueNoise(3, 'c', k * 86400 + 43200, 3600);
  assert.ok(Math.abs(sxy / n) < 0.1);
});

test('the normal CDF is right to 1e-6', () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-6);
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.1586553) < 1e-6);
});
