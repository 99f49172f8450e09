// Realistic, seeded energy profiles of one smart meter: household load by time of day,
// weekday and season, and PV generation following the sun with correlated cloud noise.
// Every function here is pure (see prng.mjs), so a period's energy is a function of the
// seed, the meter and the simulated time alone. The formulas and their sources are in
// README.md ("Profiles").

import { rng, valueNoise, normalCdf } from './prng.mjs';

const DEG = Math.PI / 180;
const DAY = 86400;

/** Default site: Munich, 48.1°N 11.6°E (the papers' setting is a German low-voltage grid). */
export const DEFAULT_SITE = Object.freeze({ latitude: 48.1, longitude: 11.6 });

/** Mean household consumption, kWh per year (Germany: about 3,000–4,000 for a family home). */
export const MEAN_ANNUAL_KWH = 3500;

/** Day of the year, 1 (1 January) to 366, of a Unix time (UTC). */
export function dayOfYear(unixSeconds) {
  const date = new Date(unixSeconds * 1000);
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.floor((date.getTime() - start) / (DAY * 1000)) + 1;
}

/**
 * Sine of the sun's elevation at `unixSeconds` (UTC) seen from `latitude`/`longitude`
 * (degrees): Cooper's declination, the equation of time (Spencer's short form), the hour
 * angle from local solar time. Negative at night.
 */
export function sunElevationSine(unixSeconds, { latitude, longitude } = DEFAULT_SITE) {
  const n = dayOfYear(unixSeconds);
  const declination = 23.44 * DEG * Math.sin(2 * Math.PI * (284 + n) / 365);
  const b = 2 * Math.PI * (n - 81) / 364;
  const equationOfTimeMin = 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
  const utcHours = ((unixSeconds % DAY) + DAY) % DAY / 3600;
  const solarHours = utcHours + longitude / 15 + equationOfTimeMin / 60;
  const hourAngle = 15 * DEG * (solarHours - 12);
  const phi = latitude * DEG;
  return Math.sin(phi) * Math.sin(declination)
    + Math.cos(phi) * Math.cos(declination) * Math.cos(hourAngle);
}

/** Clear-sky global horizontal irradiance, W/m² (Haurwitz 1945): 1098·sin h·e^(−0.057/sin h). */
export function clearSkyIrradiance(elevationSine) {
  if (elevationSine <= 0.01) return 0; // below (or skimming) the horizon
  return 1098 * elevationSine * Math.exp(-0.057 / elevationSine);
}

/**
 * Cloud cover (0 clear … 1 overcast) at a time: the standard normal CDF of a seasonal mean
 * (cloudier in winter: mean cover 0.77 in January, 0.58 in July) plus three layers of smooth noise — the region's weather (6-hour
 * knots, shared by every meter), the zone's (1 hour, shared within a zone) and the meter's
 * own passing clouds (15 minutes). Periods close in time therefore see nearly the same
 * cover; meters in one zone see similar covers.
 */
export function cloudCover(seed, zone, meterLabel, unixSeconds) {
  const n = dayOfYear(unixSeconds);
  const seasonal = 0.6 + 0.35 * Math.cos(2 * Math.PI * (n - 15) / 365);
  const z = seasonal
    + 0.7 * valueNoise(seed, 'weather', unixSeconds, 6 * 3600)
    + 0.5 * valueNoise(seed, `weather/zone/${zone}`, unixSeconds, 3600)
    + 0.3 * valueNoise(seed, `clouds/${meterLabel}`, unixSeconds, 900);
  return normalCdf(z);
}

/** Share of clear-sky irradiance that gets through cloud cover N (Kasten & Czeplak 1980). */
export function cloudTransmission(cover) {
  return 1 - 0.75 * Math.pow(cover, 3.4);
}

/**
 * BDEW's dynamization factor of the German standard household load profile H0: a
 * fourth-degree polynomial of the day of the year, 1.24 in January, 0.80 in July, mean 1.
 */
export function seasonFactor(day) {
  return -3.92e-10 * day ** 4 + 3.2e-7 * day ** 3 - 7.02e-5 * day ** 2 + 2.1e-3 * day + 1.24;
}

/** exp(−d²/2σ²) with d the distance between two hours of the day, around midnight. */
function bump(hour, center, sigma) {
  let d = Math.abs(hour - center) % 24;
  if (d > 12) d = 24 - d;
  return Math.exp(-(d * d) / (2 * sigma * sigma));
}

/** Un-normalized daily shape of a household's load: night base, morning, noon, evening. */
function rawShape(hour, weekend) {
  return weekend
    ? 0.35 + 0.45 * bump(hour, 9.5, 1.5) + 0.5 * bump(hour, 13, 1.8) + 0.95 * bump(hour, 19.5, 1.8)
    : 0.35 + 0.55 * bump(hour, 7.25, 1.0) + 0.3 * bump(hour, 12.5, 1.5) + 1.0 * bump(hour, 19.5, 1.7);
}

/** Mean of the raw shape over a day, so that the normalized shape averages to 1. */
const SHAPE_MEAN = [false, true].map((weekend) => {
  let sum = 0;
  for (let minute = 0; minute < 1440; minute++) sum += rawShape(minute / 60, weekend);
  return sum / 1440;
});

/**
 * The household load shape at an hour of the day (0–24, local time), averaging 1 over a
 * day: a night base of about 0.55 of the mean at 3:00, a morning peak (7:15 on weekdays,
 * 1.4 × the mean; 9:30 at weekends), a noon bump and the evening peak at 19:30 (about
 * 2 × the mean on weekdays), after the shape of the BDEW H0 profile.
 */
export function loadShape(hour, weekend = false) {
  return rawShape(hour, weekend) / SHAPE_MEAN[weekend ? 1 : 0];
}

/** Roles of the registry. */
export const ROLES = Object.freeze(['Consumer', 'Producer', 'Prosumer']);

/**
 * A meter's model: what the chain declares about its participant (role, zone, capacities)
 * plus the meter's own scale, drawn from the seed and the meter's label (its address):
 * the household's yearly consumption (log-normal around MEAN_ANNUAL_KWH), how early its
 * day starts, and how much of its declared generation capacity its PV array delivers.
 */
export function meterModel({
  seed,
  label,
  role,
  zone = 0,
  generationW = 0,
  connectionW = 0,
  site = DEFAULT_SITE,
}) {
  if (!ROLES.includes(role)) throw new Error(`unknown role ${role}`);
  const r = rng(seed, `meter/${label}`);
  const hasLoad = role !== 'Producer';
  const hasPv = role !== 'Consumer';
  return {
    seed: String(seed),
    label: String(label),
    role,
    zone,
    generationW,
    connectionW,
    site,
    annualKwh: hasLoad ? MEAN_ANNUAL_KWH * Math.exp(0.35 * r.normal() - 0.06) : 0,
    // Households do not all get up at the same minute: shift the day by up to about ±1 h.
    shiftHours: 0.5 * r.normal(),
    // A PV array's peak output relative to its declared (nameplate) capacity, including
    // the performance ratio (inverter, temperature, soiling).
    pvRatio: hasPv ? r.uniform(0.75, 0.9) : 0,
  };
}

/** Load power (W) at a simulated time, clipped to [0, connection capacity]. */
export function loadPower(model, unixSeconds) {
  if (model.annualKwh === 0) return 0;
  const meanW = (model.annualKwh * 1000) / 8760;
  // Local clock time (UTC+1, the site's winter time; one hour of daylight saving is not
  // worth the complexity here) shifted by the household's habits.
  const localSeconds = unixSeconds + 3600;
  const hour = ((((localSeconds % DAY) + DAY) % DAY) / 3600 - model.shiftHours + 24) % 24;
  const weekday = new Date(localSeconds * 1000).getUTCDay(); // 0 Sunday … 6 Saturday
  const weekend = weekday === 0 || weekday === 6;
  const noise = Math.exp(
    0.25 * valueNoise(model.seed, `load/${model.label}`, unixSeconds, 1800)
    + 0.15 * valueNoise(model.seed, `load-fast/${model.label}`, unixSeconds, 300)
    - 0.04, // keeps the noise's mean near 1
  );
  const watts = meanW * loadShape(hour, weekend) * seasonFactor(dayOfYear(unixSeconds)) * noise;
  return Math.min(Math.max(watts, 0), model.connectionW);
}

/** PV power (W) at a simulated time, clipped to [0, generation capacity]. */
export function pvPower(model, unixSeconds) {
  if (model.pvRatio === 0) return 0;
  const sine = sunElevationSine(unixSeconds, model.site);
  const clear = clearSkyIrradiance(sine);
  if (clear === 0) return 0;
  const cover = cloudCover(model.seed, model.zone, model.label, unixSeconds);
  const watts = model.generationW * model.pvRatio * (clear / 1000) * cloudTransmission(cover);
  return Math.min(Math.max(watts, 0), model.generationW);
}

/** Samples per period for the energy integral (midpoint rule on equal sub-intervals). */
const SAMPLES = 3;

/**
 * Energy of one chain period, in (fractional) Wh. The powers are evaluated at simulated
 * times spread over `[simStart, simStart + simSeconds)`, and their mean is applied over
 * the chain's real period length `chainSeconds` (the two differ only with a time warp), so
 * the energy stays within what the declared capacities allow in a chain period:
 *   Consumer: import = load, export = 0
 *   Producer: import = 0,    export = pv
 *   Prosumer: import = max(load − pv, 0), export = max(pv − load, 0), netted over the period.
 */
export function periodEnergy(model, { simStart, simSeconds, chainSeconds }) {
  let load = 0;
  let pv = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const t = simStart + ((i + 0.5) / SAMPLES) * simSeconds;
    load += loadPower(model, t);
    pv += pvPower(model, t);
  }
  const loadWh = (load / SAMPLES) * chainSeconds / 3600;
  const pvWh = (pv / SAMPLES) * chainSeconds / 3600;
  return {
    loadWh,
    pvWh,
    importWh: Math.max(loadWh - pvWh, 0),
    exportWh: Math.max(pvWh - loadWh, 0),
  };
}

/**
 * The chain's plausibility bound (energy-primitives `energy_bound_wh`): the most energy
 * `watts` can move in `periods` periods of `periodSeconds`, in whole Wh rounded up:
 * ⌈W · s · k / 3600⌉. Exact for every realistic input (below 2^53).
 */
export function energyBoundWh(watts, periodSeconds, periods = 1) {
  const wattSeconds = watts * periodSeconds * periods;
  return Math.ceil(wattSeconds / 3600);
}
