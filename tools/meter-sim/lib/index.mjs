// The meter simulator as a library, for scripts such as a throughput benchmark:
//
//   import { connectApi, loadSimMeters, makeReadingSigner, makeClock, presignReadings,
//            Submitter, blast, BlockWatcher } from '../tools/meter-sim/lib/index.mjs';
//   const api = await connectApi('ws://127.0.0.1:9944');
//   const { meters } = await loadSimMeters(api, { meters: 10000 });
//   const signer = makeReadingSigner(api, meters[0].key.pair);
//   const { period, seconds } = await periodClock(api);
//   const clock = makeClock({ periodSeconds: seconds });
//   const signed = presignReadings({ meters, signer, clock, periods: [period - 1] });
//   const submitter = await new Submitter('ws://127.0.0.1:9944', { connections: 4 }).open();
//   const result = await blast(submitter, signed.map((s) => s.hex));   // { seconds, perSecond, accepted, refused }
//   // Inclusion per block: new BlockWatcher(api, { onBest: (b) => b.readings.length, ... }).start()
//
// A reading is valid only for an ended period at most `MaxReadingDelay` (4) periods old,
// later than the meter's last one, with a nonce in sequence; presignReadings produces such
// readings for consecutive periods of every meter (nonces counted per meter).
//
// Relayed through data concentrators instead (the chain spec needs them: buildSpec({
// concentrators: C })):
//   const relay = await openRelay(api, { count: 4, sampleMeterPair: meters[0].key.pair });
//   const readings = presignRelayedReadings({ meters, relay, clock, periods: [period - 1] });
//   const batches = signRelayedBatches({ relay, readings });   // uses and advances each concentrator's nonce
//   await blast(submitter, batches.map((b) => b.hex));   // one extrinsic per batch

export * from './prng.mjs';
export * from './profiles.mjs';
export * from './meter.mjs';
export * from './keys.mjs';
export * from './population.mjs';
export * from './chainspec.mjs';
export * from './chain.mjs';
export * from './extrinsic.mjs';
export * from './orders.mjs';
export * from './rpc.mjs';
export * from './refusal.mjs';
export * from './watcher.mjs';
export * from './runner.mjs';
export * from './relay.mjs';

import { nextReading } from './meter.mjs';
import { classify } from './refusal.mjs';
import { planBatches } from './relay.mjs';

/**
 * Walks the readings of `periods` (ascending) for every meter, as if every reading were
 * accepted: calls `each({ meter, index, period, nonce, reading, energy })` for each, period
 * by period, and advances each meter's state and nonce (in place unless `commit: false`).
 */
function walkReadings({ meters, clock, periods, commit = true }, each) {
  const states = meters.map((m) => ({ state: m.state, nonce: m.nonce }));
  for (const period of periods) {
    meters.forEach((m, i) => {
      const s = states[i];
      if (s.state.lastPeriod !== null ? period <= s.state.lastPeriod : (m.firstPeriod !== null && period < m.firstPeriod)) return;
      const { reading, energy, next } = nextReading(s.state, m.model, clock, period);
      each({ meter: m, index: i, period, nonce: s.nonce, reading, energy });
      s.state = next;
      if (s.nonce !== null) s.nonce += 1;
    });
  }
  if (commit) {
    meters.forEach((m, i) => {
      m.state = states[i].state;
      m.nonce = states[i].nonce;
    });
  }
}

/**
 * Signs the readings of `periods` (ascending) for every meter, advancing each meter's state
 * and nonce as if every reading were accepted. Returns `[{ meter, period, nonce, hex,
 * energy }]`, period by period (all meters' readings of the first period, then the next):
 * the order to submit them in. The meters' `state` and `nonce` are advanced in place
 * (`commit: false` leaves them).
 */
export function presignReadings({ meters, signer, clock, periods, commit = true }) {
  const out = [];
  walkReadings({ meters, clock, periods, commit }, ({ meter, period, nonce, reading, energy }) => {
    out.push({ meter, period, nonce, hex: signer.sign(meter.key.pair, reading, nonce), energy });
  });
  return out;
}

/**
 * The relayed counterpart, first half: every meter signs its readings of `periods` for
 * relaying (no nonce, so far ahead is fine), meter k's for concentrator k mod C of `relay`
 * (openRelay). Returns `[{ meter, concentrator, period, entry, energy }]` period by period
 * (`concentrator` is the index in `relay.concentrators`); the meters' state is advanced as
 * presignReadings does.
 */
export function presignRelayedReadings({ meters, relay, clock, periods, commit = true }) {
  const out = [];
  const count = relay.concentrators.length;
  walkReadings({ meters, clock, periods, commit }, ({ meter, index, period, reading, energy }) => {
    out.push({ meter, concentrator: index % count, period, entry: relay.signer.entry(meter.key.pair, reading), energy });
  });
  return out;
}

/**
 * Second half: packs relayed readings (from presignRelayedReadings) into batches of at most
 * `relay.maxPerBatch` per concentrator and signs each with its concentrator's next nonce
 * (`concentrator.nonce`, advanced in place). Cheap (one signature a batch), so it can be done
 * just before sending, with nonces fresh from the chain. Returns `[{ concentrator, nonce,
 * readings, hex }]`, concentrator by concentrator, each one's batches in nonce order.
 */
export function signRelayedBatches({ relay, readings }) {
  const { concentrators, maxPerBatch, signer } = relay;
  const queues = planBatches(readings, { concentrators: concentrators.length, maxPerBatch, concentratorOf: (r) => r.concentrator });
  const out = [];
  queues.forEach((batches, c) => {
    const concentrator = concentrators[c];
    for (const batch of batches) {
      const nonce = concentrator.nonce++;
      const entries = batch.map((r) => r.entry);
      // sr25519 signatures are randomized: signing again gives another extrinsic (and hash)
      // with the same nonce, which a pool that banned the first one's hash still takes.
      const resign = () => signer.sign(concentrator.key.pair, entries, nonce);
      out.push({ concentrator, nonce, readings: batch.length, hex: resign(), resign });
    }
  });
  return out;
}

/**
 * Submits signed extrinsics as fast as the submitter goes, and reports the time and the
 * node's answers: `{ count, seconds, perSecond, accepted, refused: { reason: n }, errors }`
 * (`errors[i]` is the verdict of extrinsic i, or undefined if the pool took it).
 * `nameOfCustom(code)` names custom errors (see chain.mjs prosumerErrorName).
 */
export async function blast(submitter, hexes, { nameOfCustom = undefined } = {}) {
  const t0 = process.hrtime.bigint();
  const answers = await submitter.submit(hexes);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const refused = {};
  const errors = new Array(hexes.length);
  let accepted = 0;
  answers.forEach((answer, i) => {
    if (answer.hash !== undefined) {
      accepted += 1;
      return;
    }
    const verdict = classify(answer.error, nameOfCustom);
    errors[i] = verdict;
    refused[verdict.reason] = (refused[verdict.reason] ?? 0) + 1;
  });
  return { count: hexes.length, seconds, perSecond: hexes.length / seconds, accepted, refused, errors };
}
