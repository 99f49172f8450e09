// The simulated participants: for participant i, a role, a zone and capacities drawn from the
// seed. Used to write them into a chain spec's genesis; the runner reads the profiles back
// from the chain (the chain is the truth), so it needs nothing from here.

import { rng } from './prng.mjs';

/** A GRID is 10^12 planck (runtime/src/lib.rs `UNIT`). */
export const UNIT = 10n ** 12n;
/** Held from each participant while registered (runtime/src/configs/market.rs). */
export const PARTICIPANT_DEPOSIT = 10n * UNIT;
/** The native token's existential deposit (runtime/src/lib.rs, a thousandth of a GRID). */
export const EXISTENTIAL_DEPOSIT = UNIT / 1000n;
/**
 * What each simulated participant is given at genesis: the deposit, the existential deposit,
 * and plenty for imbalance charges at settlement (a household short of EGM pays 0.50 GRID per
 * kWh; 1,000 GRID is months of a household's consumption).
 */
export const DEFAULT_ENDOWMENT = 1000n * UNIT;

/** Household connections (W): three-phase 16 A, 25 A, 35 A and 63 A main fuses at 230 V. */
const CONNECTIONS_W = [11_000, 17_300, 24_200, 43_500];

/**
 * The mix of roles: about 60 % consumers, 30 % prosumers (rooftop PV), 10 % producers
 * (solar plants), drawn per participant.
 */
export function roleFor(r) {
  const x = r.next();
  if (x < 0.6) return 'Consumer';
  if (x < 0.9) return 'Prosumer';
  return 'Producer';
}

/**
 * The profile of participant `index` (the runtime's `Profile`, in its JSON form):
 * - Consumer: no generation; a connection of 11, 17.3 or 24.2 kW (small businesses 43.5 kW).
 * - Prosumer: rooftop PV of 3–12 kWp (whole 100 W), behind a connection at least as large.
 * - Producer: a solar plant of 30–750 kWp (log-uniform, whole kW), connected at its size.
 * Zones go round the grid's zones (participant i in zone i mod zones), so every zone gets
 * its share of each role on average.
 */
export function participantProfile(seed, index, zones = 1) {
  const r = rng(seed, `participant/${index}`);
  const role = roleFor(r);
  const zone = index % Math.max(1, zones);
  const pickConnection = (atLeast) => {
    const options = CONNECTIONS_W.filter((w) => w >= atLeast);
    // Households mostly have the smaller fuses; take the smallest fitting one 70 % of the time.
    return r.next() < 0.7 ? options[0] : r.pick(options);
  };
  switch (role) {
    case 'Consumer':
      return { role, zone, generationCapacityW: 0, connectionCapacityW: pickConnection(0) };
    case 'Prosumer': {
      const pv = Math.round(r.uniform(3_000, 12_000) / 100) * 100;
      return { role, zone, generationCapacityW: pv, connectionCapacityW: pickConnection(pv) };
    }
    default: {
      const kwp = Math.round(Math.exp(r.uniform(Math.log(30), Math.log(750))));
      return { role, zone, generationCapacityW: kwp * 1000, connectionCapacityW: kwp * 1000 };
    }
  }
}
