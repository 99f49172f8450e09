// Seeded, reproducible randomness. Nothing in the simulator calls Math.random: every random
// number is a pure function of the seed and of a "label" saying what it is for (a meter, a
// zone's weather at a given hour, ...). That makes the profiles stateless: the energy of a
// period does not depend on which periods were simulated before it, so a restarted simulator
// produces the same numbers, and any period can be evaluated on its own.

/**
 * 32-bit FNV-1a hash of a string, then a murmur3 finalizer (FNV alone mixes the last
 * characters poorly, and labels often differ only there: "meter/1", "meter/2").
 */
export function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** murmur3's 32-bit finalizer: a bijection that spreads every input bit over the output. */
export function fmix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger, public domain): a tiny 32-bit generator, good enough for
 * simulation noise. Returns a function giving floats in [0, 1).
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generator with helpers, seeded from `seed` (a string or number) and a label. */
export function rng(seed, label = '') {
  const next = mulberry32(hash32(`${seed}\u0000${label}`));
  return {
    /** Uniform in [0, 1). */
    next,
    /** Uniform in [lo, hi). */
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    /** Standard normal (Box–Muller; one of the pair is thrown away, for simplicity). */
    normal: () => {
      const u = 1 - next(); // (0, 1], so the log is finite
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    /** An element of `items`. */
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** One standard-normal number for `label`: a pure function of seed and label. */
export function normalAt(seed, label) {
  return rng(seed, label).normal();
}

/**
 * Smooth "value noise" in time: independent standard-normal values at knots every
 * `spacing` seconds (a pure function of seed, label and knot index), joined by a cosine
 * interpolation. Neighbouring periods therefore see nearly the same value, periods far
 * apart (many `spacing`s) independent ones. Variance is a bit below 1 between knots;
 * callers treat it as "about standard normal".
 */
export function valueNoise(seed, label, t, spacing) {
  const x = t / spacing;
  const k = Math.floor(x);
  const f = x - k;
  const a = normalAt(seed, `${label}@${k}`);
  const b = normalAt(seed, `${label}@${k + 1}`);
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return a * (1 - w) + b * w;
}

/** Standard normal cumulative distribution (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z) {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
    + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}
