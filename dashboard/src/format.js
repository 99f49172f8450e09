// Formatting of the chain's numbers for people, and a tiny HTML helper.
//
// Units on chain (docs/trading.md, docs/energium.md):
// - energy in whole Wh; EGM is 1 EGM = 1 kWh, so the ledger's Wh are milli-EGM;
// - prices in the smallest GRID unit per kWh (GRID has 12 decimals, read from the chain);
// - GRID amounts in the smallest unit.

/** Escapes text for HTML. Everything that comes from the chain goes through it. */
export function esc(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** An integer with thousands separators: 1234567 → "1,234,567". */
export function int(n) {
  return BigInt(n ?? 0).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Energy in Wh, switching to kWh from 10 kWh on. */
export function wh(n) {
  const v = Number(n ?? 0);
  if (Math.abs(v) >= 10_000) return `${(v / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kWh`;
  return `${int(v)} Wh`;
}

/** EGM from the ledger's Wh: 1 EGM = 1 kWh, so 25 Wh is 0.025 EGM. */
export function egmFromWh(n) {
  const v = BigInt(n ?? 0);
  const whole = v / 1000n;
  const frac = (v % 1000n).toString().padStart(3, '0');
  return `${int(whole)}.${frac} EGM`;
}

/** A fixed-point amount `units / 10^decimals` with at most `shown` decimals. */
export function fixed(units, decimals, shown = 4) {
  let v = BigInt(units ?? 0);
  const negative = v < 0n;
  if (negative) v = -v;
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  let frac = (v % base).toString().padStart(decimals, '0').slice(0, shown).replace(/0+$/, '');
  return `${negative ? '-' : ''}${int(whole)}${frac ? `.${frac}` : ''}`;
}

/** Parses a decimal string ("0.40") into `decimals`-fixed-point units, or throws. */
export function parseFixed(text, decimals) {
  const m = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(String(text));
  if (!m) throw new Error(`not a non-negative decimal number: "${text}"`);
  const frac = (m[2] || '');
  if (frac.length > decimals) throw new Error(`at most ${decimals} decimals: "${text}"`);
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}

/** A short account address: 5GrwvaEF…utQY. */
export function short(address) {
  const s = String(address);
  return s.length > 16 ? `${s.slice(0, 8)}…${s.slice(-4)}` : s;
}

/** The UTC wall-clock time a delivery period starts, HH:MM:SS. */
export function periodTime(period, seconds) {
  const d = new Date(Number(period) * Number(seconds) * 1000);
  return d.toISOString().slice(11, 19);
}

/** The UTC calendar month of the ledger's month index: months since January 1970. */
export function monthName(index) {
  const year = 1970 + Math.floor(Number(index) / 12);
  const month = Number(index) % 12;
  return `${year}-${String(month + 1).padStart(2, '0')}`;
}
