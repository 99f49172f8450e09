// A simulated meter's registers: cumulative import and export counters in whole Wh that
// only grow, fed with the energy of the profiles (profiles.mjs), and the chain's
// plausibility bound respected by construction.
//
// The true energy is accumulated as a float; a counter is its floor. The increase of a
// counter over a span of periods is then at most ⌈true energy⌉, and the true energy is at
// most capacity × time (the powers are clipped to the capacities), so a reading never
// exceeds the chain's bound ⌈W · s · k / 3600⌉. The bound is still applied as a safety net.

import { periodEnergy, energyBoundWh } from './profiles.mjs';

/**
 * The longest span of periods a reading accumulates energy for. A meter that was offline
 * longer than a day (96 quarter hours) reports only the last day's energy in its next
 * reading; the simulator does not integrate weeks of profile to catch up.
 */
export const MAX_SPAN_PERIODS = 96;

/**
 * Maps a chain period to simulated time. Without a warp, a period is simulated at its own
 * wall-clock time: period `p` covers Unix seconds `[p·L, (p+1)·L)`. With `warp` F, it covers
 * `[p·L·F + offset, (p+1)·L·F + offset)` of simulated time: on a 12-second chain, F = 75
 * makes every period a simulated quarter hour, so a day passes in 96 periods (19 minutes).
 */
export function makeClock({ periodSeconds, warp = 1, offset = 0 }) {
  if (!(periodSeconds > 0)) throw new Error('periodSeconds must be positive');
  if (!(warp > 0)) throw new Error('warp must be positive');
  return {
    periodSeconds,
    warp,
    offset,
    /** The simulated interval of chain period `period`. */
    interval: (period) => ({
      simStart: period * periodSeconds * warp + offset,
      simSeconds: periodSeconds * warp,
      chainSeconds: periodSeconds,
    }),
    /** Simulated Unix time of the start of `period`. */
    simTime: (period) => period * periodSeconds * warp + offset,
  };
}

/**
 * A meter's state as the chain knows it: `lastPeriod` (the last period its counters account
 * for, or null for a meter bound at genesis that has not reported yet) and the counters.
 * `firstPeriod` is the earliest period a first reading may account for (the chain's first
 * period, when the runtime records it), or null if the runtime lets a first reading span
 * one period only.
 */
export function meterState({ lastPeriod = null, importedWh = 0, exportedWh = 0, firstPeriod = null } = {}) {
  return {
    lastPeriod,
    firstPeriod,
    importedWh: Number(importedWh),
    exportedWh: Number(exportedWh),
    // The fractions of a Wh measured but not yet on the registers.
    importFrac: 0,
    exportFrac: 0,
  };
}

/**
 * The reading of `period`: the energy of the periods since the state's last period (at
 * most MAX_SPAN_PERIODS) added to the registers. Pure: returns the reading, the energy it
 * reports (the counters' increases, what the chain records) and the state after it, which
 * the caller adopts only if the reading goes through.
 */
export function nextReading(state, model, clock, period) {
  const since = state.lastPeriod ?? ((state.firstPeriod ?? period) - 1);
  if (period <= since) {
    throw new Error(`period ${period} is not after the meter's last period ${since}`);
  }
  const from = Math.max(since + 1, period - MAX_SPAN_PERIODS + 1);
  let importWh = 0;
  let exportWh = 0;
  for (let p = from; p <= period; p++) {
    const energy = periodEnergy(model, clock.interval(p));
    importWh += energy.importWh;
    exportWh += energy.exportWh;
  }
  // The chain's view of the periods the increase may span, and its bound.
  const span = period - since;
  const importBound = energyBoundWh(model.connectionW, clock.periodSeconds, span);
  const exportBound = energyBoundWh(model.generationW, clock.periodSeconds, span);

  const importTotal = state.importFrac + importWh;
  const exportTotal = state.exportFrac + exportWh;
  let importDelta = Math.floor(importTotal);
  let exportDelta = Math.floor(exportTotal);
  let importFrac = importTotal - importDelta;
  let exportFrac = exportTotal - exportDelta;
  if (importDelta > importBound) [importDelta, importFrac] = [importBound, 0];
  if (exportDelta > exportBound) [exportDelta, exportFrac] = [exportBound, 0];

  const next = {
    ...state,
    lastPeriod: period,
    importedWh: state.importedWh + importDelta,
    exportedWh: state.exportedWh + exportDelta,
    importFrac,
    exportFrac,
  };
  return {
    reading: { period, counters: { importedWh: next.importedWh, exportedWh: next.exportedWh } },
    energy: { period, importedWh: importDelta, exportedWh: exportDelta },
    next,
  };
}
