// Relaying through data concentrators, without a node: the split of readings into batches,
// the decoding of the relay's events, and the runner's per-reading accounting driven step by
// step (round, block, pool refusals, a dropped batch) against a fake pool that decodes what
// it is sent. The runner's direct mode gets the same walk-through, since both share the
// accounting code.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { compactFromU8a, hexToU8a, u8aToHex } from '@polkadot/util';
import { signatureVerify } from '@polkadot/util-crypto';
import { cryptoWaitReady, deriveKeys, deriveConcentrators } from '../lib/keys.mjs';
import {
  relayFormat, relayReading, signRelayBatch, decodeRelayedReading, readingMessage,
  readingFormat, signReadingHex, RELAYED_READING_BYTES,
} from '../lib/extrinsic.mjs';
import { planBatches, Concentrator, concentratorRegistered } from '../lib/relay.mjs';
import { readingsOf } from '../lib/watcher.mjs';
import { MeterRunner, SimMeter } from '../lib/runner.mjs';
import { meterModel } from '../lib/profiles.mjs';
import { makeClock } from '../lib/meter.mjs';
import { RpcError } from '../lib/rpc.mjs';
import { presignRelayedReadings, signRelayedBatches } from '../lib/index.mjs';

before(() => cryptoWaitReady());

const GENESIS = new Uint8Array(32).fill(0xab);
/** What relayFormat and readingFormat read from an ApiPromise (the energy runtime's extensions). */
const formatApi = {
  registry: {
    signedExtensions: ['CheckNonZeroSender', 'CheckSpecVersion', 'CheckTxVersion', 'CheckGenesis',
      'CheckMortality', 'CheckMeterReading', 'CheckNonce', 'CheckWeight', 'ChargeTransactionPayment'],
  },
  runtimeVersion: { specVersion: { toNumber: () => 102 }, transactionVersion: { toNumber: () => 2 } },
  genesisHash: { toU8a: () => GENESIS },
  tx: { prosumer: { submitReading: { callIndex: Uint8Array.of(20, 8) }, submitReadings: { callIndex: Uint8Array.of(20, 9) } } },
  consts: { prosumer: { maxReadingsPerBatch: { toNumber: () => 500 } } },
};

/** Prosumer error names by index, as far as these tests need them (the pallet's order). */
const ERRORS = { 0: 'UnknownMeter', 6: 'PeriodNotAfterLast', 27: 'NotConcentrator', 30: 'BadReadingSignature' };

/** The chain side the runner queries: nonces (set by the test) and error names. */
function fakeChain(nonces) {
  return {
    rpc: { system: { accountNextIndex: async (who) => ({ toNumber: () => nonces.get(who) ?? 0 }) } },
    registry: { findMetaError: ([, code]) => ({ section: 'prosumer', name: ERRORS[code] ?? `E${code}` }) },
    runtimeMetadata: { asLatest: { pallets: [{ name: { toString: () => 'Prosumer' }, index: { toNumber: () => 20 } }] } },
  };
}

/** A signed batch extrinsic back to `{ signer, nonce, entries: [{ meter, reading, signature }] }`. */
function decodeBatch(hex) {
  const bytes = hexToU8a(hex);
  let [at] = compactFromU8a(bytes);
  assert.equal(bytes[at], 0x84);
  const signer = bytes.slice(at + 2, at + 34);
  at += 1 + 33 + 65 + 1; // version, address, signature, immortal era
  const [nonceLength, nonce] = compactFromU8a(bytes.subarray(at));
  at += nonceLength + 1; // nonce, tip
  assert.deepEqual([bytes[at], bytes[at + 1]], [20, 9], 'prosumer.submitReadings');
  at += 2;
  const [countLength, count] = compactFromU8a(bytes.subarray(at));
  at += countLength;
  assert.equal(bytes.length - at, count.toNumber() * RELAYED_READING_BYTES);
  const entries = [];
  for (let i = 0; i < count.toNumber(); i++) {
    entries.push({ raw: bytes.slice(at, at + 116), ...decodeRelayedReading(bytes.subarray(at, at + 116)) });
    at += 116;
  }
  return { signer: u8aToHex(signer), nonce: nonce.toNumber(), entries };
}

const PERIOD = Math.floor(Date.parse('2026-06-21T09:00:00Z') / 1000 / 12);

/**
 * A MeterRunner in relayed mode on fake parts, its send loop held (`looping`) so that the
 * test drives each step. `answer(batch, i)` is the pool's answer to the i-th extrinsic.
 */
function relayRunner({ meters = 5, concentrators = 2, maxPerBatch = 2, answer, nonces = new Map() }) {
  const runner = new MeterRunner({ concentrators, maxPending: 100 });
  const format = relayFormat(formatApi);
  const signer = {
    maxReadings: format.maxReadings,
    entry: (pair, reading) => relayReading(format, pair, reading),
    sign: (pair, batch, nonce) => u8aToHex(signRelayBatch(format, pair, batch, nonce)),
  };
  const relays = deriveConcentrators(concentrators).map((key, i) => new Concentrator({ index: i, key, nonce: 10 * (i + 1) }));
  runner.relay = { signer, concentrators: relays, maxPerBatch, byAddress: new Map(relays.map((c) => [c.address, c])) };
  useMeters(runner, meters, null);
  runner.meters.forEach((m, k) => { m.concentrator = relays[k % concentrators]; });
  runner.api = fakeChain(nonces);
  const sent = [];
  runner.submitter = {
    submit: async (hexes) => hexes.map((hex) => {
      const batch = decodeBatch(hex);
      sent.push(batch);
      return answer(batch, sent.length - 1);
    }),
  };
  return { runner, sent, relays, nonces };
}

function useMeters(runner, count, nonce) {
  runner.meters = deriveKeys(count, { participants: false }).map((k, i) => new SimMeter({
    index: i,
    key: k.meter,
    record: { meter: { participant: `participant ${i}`, lastPeriod: null, importedWh: 0, exportedWh: 0 } },
    model: meterModel({ seed: 1, label: k.meter.address, role: 'Consumer', zone: 0, generationW: 0, connectionW: 11_000 }),
    firstPeriod: null,
    nonce,
  }));
  runner.byAddress = new Map(runner.meters.map((m) => [m.address, m]));
  runner.clock = makeClock({ periodSeconds: 12 });
  runner.periodSeconds = 12;
  runner.maxDelay = 4;
  runner.chainPeriod = PERIOD + 1;
  runner.bestNumber = 4;
  runner.startInfo = { supported: false, period: null };
  runner.looping = true; // no send loop: the test calls round, sendWaiting, probe…
}

const ok = (batch, i) => ({ hash: `0x${String(i).padStart(64, '0')}` });
const block = (number, { readings = [], refusedReadings = [], relayed = [] } = {}) => ({
  number, hash: `0x${number}`, timestampMs: (PERIOD + 1) * 12000 + 500, readings, refusedReadings, relayed, failed: 0, extrinsics: 3,
});

test('readings are split per concentrator into even batches of at most the limit, each once, in order', () => {
  const items = Array.from({ length: 1203 }, (_, i) => ({ i, c: i % 3 }));
  const queues = planBatches(items, { concentrators: 3, maxPerBatch: 500, concentratorOf: (x) => x.c });
  assert.deepEqual(queues.map((q) => q.map((b) => b.length)), [[401], [401], [401]]);
  const one = planBatches(items.slice(0, 1200), { concentrators: 1, maxPerBatch: 500, concentratorOf: () => 0 });
  assert.deepEqual(one[0].map((b) => b.length), [400, 400, 400]);
  assert.deepEqual(one[0].flat().map((x) => x.i), items.slice(0, 1200).map((x) => x.i));
  const uneven = planBatches(items.slice(0, 7), { concentrators: 2, maxPerBatch: 2, concentratorOf: (x) => x.i % 2 });
  assert.deepEqual(uneven.map((q) => q.map((b) => b.map((x) => x.i))), [[[0, 2], [4, 6]], [[1, 3], [5]]]);
  assert.deepEqual(planBatches([], { concentrators: 2, maxPerBatch: 5, concentratorOf: () => 0 }), [[], []]);
  assert.throws(() => planBatches(items, { concentrators: 0, maxPerBatch: 5, concentratorOf: () => 0 }), /at least one/);
});

test('whether a concentrator is registered is read from a map, a plain list, or left unknown', async () => {
  const map = Object.assign(async () => {}, {
    creator: { meta: { type: { isPlain: false } } },
    multi: async (who) => who.map((a) => ({ isSome: a === 'A' })),
  });
  assert.deepEqual(await concentratorRegistered({ query: { prosumer: { concentrators: map } } }, ['A', 'B']), [true, false]);
  const plain = Object.assign(async () => [{ toString: () => 'B' }], { creator: { meta: { type: { isPlain: true } } } });
  assert.deepEqual(await concentratorRegistered({ query: { prosumer: { concentrators: plain } } }, ['A', 'B']), [false, true]);
  assert.deepEqual(await concentratorRegistered({ query: { prosumer: {} } }, ['A']), [null]);
});

test('the watcher decodes ReadingRecorded, ReadingRefused (error named from metadata) and ReadingsRelayed', () => {
  const v = (x) => ({ toString: () => String(x), toNumber: () => x });
  const moduleError = { isModule: true, asModule: { index: v(20), error: Uint8Array.of(30, 0, 0, 0) }, type: 'Module' };
  const records = [
    { event: { section: 'prosumer', method: 'ReadingRecorded', data: Object.assign([v('P'), v('M1'), { period: v(7), importedWh: v(5), exportedWh: v(0) }]) } },
    { event: { section: 'prosumer', method: 'ReadingRefused', data: { concentrator: v('C'), meter: v('M2'), period: v(7), error: moduleError } } },
    { event: { section: 'prosumer', method: 'ReadingRefused', data: { concentrator: v('C'), meter: v('M3'), period: v(7), error: { isModule: false, type: 'BadOrigin' } } } },
    { event: { section: 'prosumer', method: 'ReadingsRelayed', data: { concentrator: v('C'), accepted: v(1), refused: v(2) } } },
    { event: { section: 'system', method: 'ExtrinsicFailed', data: {} } },
  ];
  const api = { registry: { findMetaError: (e) => ({ section: 'prosumer', name: ERRORS[e.error[0]] }) } };
  assert.deepEqual(readingsOf(api, records), {
    readings: [{ participant: 'P', meter: 'M1', period: 7, importedWh: 5, exportedWh: 0 }],
    refusedReadings: [
      { concentrator: 'C', meter: 'M2', period: 7, error: 'BadReadingSignature' },
      { concentrator: 'C', meter: 'M3', period: 7, error: 'BadOrigin' },
    ],
    relayed: [{ concentrator: 'C', accepted: 1, refused: 2 }],
    failed: 1,
  });
});

test('relayed: batches per concentrator with their own nonces; accounting per reading through block, refusal and drop', async () => {
  // Concentrator 1's first batch is refused for priority (retried), every other is taken.
  const { runner, sent, relays, nonces } = relayRunner({
    answer: (batch, i) => (i === 1
      ? { error: new RpcError({ code: 1014, message: 'Priority is too low: (105 vs 105)', data: 'The transaction has too low priority to replace another transaction already in the pool.' }) }
      : ok(batch, i)),
  });
  const [m0, m1, m2, m3, m4] = runner.meters;
  const [c0, c1] = relays;

  // 1. The round: meters 0, 2, 4 go to concentrator 0 (batches of 2 and 1), 1 and 3 to
  // concentrator 1. One batch per concentrator a wave: c0's second batch waits for its first.
  const due = await runner.round(PERIOD);
  assert.equal(due, 5);
  assert.deepEqual(sent.map((b) => [b.signer, b.nonce, b.entries.map((e) => u8aToHex(e.meter))]), [
    [u8aToHex(c0.key.pair.publicKey), 10, [m0, m2].map((m) => u8aToHex(m.key.pair.publicKey))],
    [u8aToHex(c1.key.pair.publicKey), 20, [m1, m3].map((m) => u8aToHex(m.key.pair.publicKey))],
    [u8aToHex(c0.key.pair.publicKey), 11, [u8aToHex(m4.key.pair.publicKey)]],
  ]);
  for (const { entries } of sent) {
    for (const e of entries) {
      assert.equal(e.reading.period, PERIOD);
      assert.ok(signatureVerify(readingMessage(GENESIS, e.reading), e.signature, e.meter).isValid, 'the meter signed its own reading');
    }
  }
  assert.equal(c0.nonce, 12, 'two batches taken');
  assert.equal(c1.nonce, 20, 'a refused batch leaves no gap');
  assert.equal(runner.inPool, 3, 'readings in the pool, not batches');
  assert.equal(runner.stats.sent, 3);
  assert.deepEqual(runner.stats.batches.refused, { TooLowPriority: 1 });
  assert.equal(runner.stats.batches.sent, 2);
  assert.deepEqual([m1.waiting.reason, m3.waiting.reason], ['TooLowPriority', 'TooLowPriority']);
  assert.deepEqual(runner.lastRound, { ...runner.lastRound, readings: 5, accepted: 3, batches: 2 });
  const entry0 = m0.sent.get(PERIOD);
  assert.deepEqual({ nonce: entry0.nonce, concentrator: entry0.concentrator, status: entry0.status }, { nonce: 10, concentrator: c0.address, status: 'pool' });
  assert.equal(Object.keys(JSON.parse(JSON.stringify(entry0))).includes('batch'), false, 'reports carry no batch object');

  // 2. A block: meter 0 recorded, meter 2 refused by the block (bad signature). Meter 4's
  // batch is in no block.
  runner.onBest(block(5, {
    readings: [{ participant: m0.participant, meter: m0.address, period: PERIOD, ...pick(entry0.energy) }],
    refusedReadings: [{ concentrator: c0.address, meter: m2.address, period: PERIOD, error: 'BadReadingSignature' }],
    relayed: [{ concentrator: c0.address, accepted: 1, refused: 1 }, { concentrator: 'someone else', accepted: 9, refused: 0 }],
  }));
  assert.equal(runner.stats.included, 1);
  assert.equal(entry0.status, 'included');
  assert.equal(runner.stats.refusedInBlock, 1);
  assert.deepEqual(runner.stats.refused, { BadReadingSignature: 1 });
  assert.deepEqual(m2.refused, [{ period: PERIOD, reason: 'BadReadingSignature', message: 'refused in block #5' }]);
  assert.equal(m2.state.lastPeriod, null, 'the refused reading\'s registers stay: the next one carries its energy');
  assert.equal(m2.inPool, null);
  assert.equal(m2.sent.size, 0);
  assert.equal(runner.stats.sent, 2);
  assert.equal(runner.inPool, 1);
  assert.deepEqual(pick(runner.stats.batches, ['included', 'readingsAccepted', 'readingsRefused']), { included: 1, readingsAccepted: 1, readingsRefused: 1 });
  assert.deepEqual([...c0.pool].map((b) => b.nonce), [11], 'the batch seen in the block is no longer awaited');

  // 3. The waiting readings go again, with their meters' signatures as they were.
  const firstTry = sent[1].entries.map((e) => u8aToHex(e.raw));
  await runner.sendWaiting();
  assert.equal(sent.length, 4);
  assert.deepEqual([sent[3].signer, sent[3].nonce], [u8aToHex(c1.key.pair.publicKey), 20]);
  assert.deepEqual(sent[3].entries.map((e) => u8aToHex(e.raw)), firstTry);
  assert.deepEqual(runner.stats.retries, { TooLowPriority: 2 });
  assert.equal(c1.nonce, 21);
  assert.equal(runner.inPool, 3);

  // 4. The next period: concentrator 0's next nonce is 11 again, so its batch 11 left the
  // pool without a block; concentrator 1's is 21 (its batch 20 is in the pool).
  runner.chainPeriod = PERIOD + 2;
  nonces.set(c0.address, 11);
  nonces.set(c1.address, 21);
  const m4Entry = u8aToHex(sent[2].entries[0].raw);
  await runner.probeRelay();
  assert.equal(runner.stats.dropped, 1);
  assert.equal(runner.stats.batches.dropped, 1);
  assert.equal(m4.waiting.reason, 'Dropped');
  assert.equal(m4.state.lastPeriod, null, 'registers back to before the dropped reading');
  assert.equal(c0.nonce, 11, 'the concentrator goes on from the pool\'s next nonce');
  assert.equal(runner.inPool, 2);
  assert.equal(runner.stats.sent, 3);
  await runner.probeRelay(); // once per period: nothing more
  assert.equal(runner.stats.dropped, 1);

  await runner.sendWaiting();
  assert.deepEqual([sent[4].signer, sent[4].nonce], [u8aToHex(c0.key.pair.publicKey), 11]);
  assert.deepEqual(sent[4].entries.map((e) => u8aToHex(e.raw)), [m4Entry], 'the same signed reading in a new batch');
  assert.equal(runner.inPool, 3);
  assert.equal(runner.stats.sent, 4);

  // 5. Both batches in a block, then finalized: every reading sent is accounted for.
  const recorded = [m1, m3, m4].map((m) => ({ participant: m.participant, meter: m.address, period: PERIOD, ...pick(m.sent.get(PERIOD).energy) }));
  runner.onBest(block(6, { readings: recorded, relayed: [{ concentrator: c0.address, accepted: 1, refused: 0 }, { concentrator: c1.address, accepted: 2, refused: 0 }] }));
  runner.onFinalized(block(5, { readings: [{ participant: m0.participant, meter: m0.address, period: PERIOD, ...pick(entry0.energy) }] }));
  runner.onFinalized(block(6, { readings: recorded }));
  assert.equal(runner.inPool, 0);
  assert.equal([...c0.pool, ...c1.pool].length, 0);
  const s = runner.summary();
  assert.deepEqual(pick(s, ['mode', 'concentrators', 'sent', 'included', 'finalized', 'refusedTotal', 'refusedInBlock', 'dropped', 'pending', 'mismatched']),
    { mode: 'relayed', concentrators: 2, sent: 4, included: 4, finalized: 4, refusedTotal: 1, refusedInBlock: 1, dropped: 1, pending: 0, mismatched: 0 });
  assert.deepEqual(pick(s.batches, ['sent', 'included', 'dropped', 'largest', 'readingsLimit']), { sent: 4, included: 3, dropped: 1, largest: 2, readingsLimit: 2 });
  assert.ok(runner.settled());
});

test('relayed: a batch the pool refuses refuses each reading with its reason; a stale nonce re-reads the concentrator\'s', async () => {
  const custom = new RpcError({ code: 1010, message: 'Invalid Transaction', data: 'Custom error: 27' });
  const stale = new RpcError({ code: 1010, message: 'Invalid Transaction', data: 'Transaction is outdated' });
  const { runner, sent, relays, nonces } = relayRunner({
    meters: 4,
    concentrators: 1,
    answer: (batch, i) => [{ error: custom }, { error: stale }][i] ?? ok(batch, i),
  });
  const [c0] = relays;
  const [m0, m1, m2, m3] = runner.meters;
  await runner.round(PERIOD);
  assert.deepEqual(sent.map((b) => [b.nonce, b.entries.length]), [[10, 2], [10, 2]], 'the refused nonce is used again');
  assert.deepEqual(runner.stats.refused, { NotConcentrator: 2 });
  assert.deepEqual([m0, m1].map((m) => [m.refused[0].reason, m.state.lastPeriod, m.waiting]), [['NotConcentrator', null, null], ['NotConcentrator', null, null]]);
  assert.deepEqual([m2.waiting.reason, m3.waiting.reason], ['Stale', 'Stale'], 'the readings are not at fault');
  assert.ok(c0.needsResync);
  assert.deepEqual(runner.stats.batches.refused, { NotConcentrator: 1, Stale: 1 });
  assert.equal(runner.stats.sent, 0);
  assert.equal(runner.inPool, 0);

  nonces.set(c0.address, 42);
  await runner.sendWaiting();
  assert.deepEqual(sent.map((b) => b.nonce), [10, 10, 42]);
  assert.equal(c0.nonce, 43);
  assert.equal(runner.stats.sent, 2);
  assert.deepEqual(runner.stats.retries, { Stale: 2 });
});

test('relayed: at most maxPending readings in the pool, a batch counting as its readings', async () => {
  const { runner, sent } = relayRunner({ meters: 5, concentrators: 1, maxPerBatch: 500, answer: ok });
  runner.o.maxPending = 3;
  await runner.round(PERIOD);
  assert.deepEqual(sent.map((b) => b.entries.length), [3]);
  assert.equal(runner.inPool, 3);
  assert.equal(runner.stats.deferred, 2);
  assert.equal(runner.meters.filter((m) => m.waiting?.reason === 'Deferred').length, 2);
});

test('direct: each meter\'s own extrinsic, nonce per meter; a dropped one is taken back and signed again', async () => {
  const runner = new MeterRunner({ maxPending: 100 });
  useMeters(runner, 3, 7);
  const format = readingFormat(formatApi);
  runner.signer = { sign: (pair, reading, nonce) => signReadingHex(format, pair, reading, nonce) };
  const nonces = new Map();
  runner.api = fakeChain(nonces);
  const sent = [];
  runner.submitter = { submit: async (hexes) => hexes.map((hex, i) => { sent.push(hex); return ok(null, sent.length - 1 + i); }) };
  await runner.round(PERIOD);
  assert.equal(sent.length, 3);
  assert.deepEqual(runner.meters.map((m) => m.nonce), [8, 8, 8]);
  assert.equal(runner.inPool, 3);
  assert.equal(runner.stats.batches.sent, 0);
  runner.chainPeriod = PERIOD + 2;
  runner.meters.forEach((m, i) => nonces.set(m.address, i === 1 ? 7 : 8));
  await runner.probe();
  const m1 = runner.meters[1];
  assert.equal(runner.stats.dropped, 1);
  assert.deepEqual([m1.nonce, m1.state.lastPeriod, m1.waiting.reason, m1.waiting.signed], [7, null, 'Dropped', undefined]);
  await runner.sendWaiting();
  assert.equal(sent.length, 4);
  assert.notEqual(sent[3], sent[1], 'signed afresh');
  assert.equal(m1.nonce, 8);
  assert.equal(runner.summary().mode, 'direct');
});

test('benchmark helpers: meters sign their readings ahead, batches are signed later with consecutive nonces', () => {
  const { runner, relays } = relayRunner({ meters: 5, concentrators: 2, maxPerBatch: 2, answer: ok });
  const readings = presignRelayedReadings({ meters: runner.meters, relay: runner.relay, clock: runner.clock, periods: [PERIOD, PERIOD + 1] });
  assert.equal(readings.length, 10);
  assert.deepEqual(readings.slice(0, 5).map((r) => [r.period, r.concentrator]), [0, 1, 2, 3, 4].map((k) => [PERIOD, k % 2]));
  assert.ok(runner.meters.every((m) => m.state.lastPeriod === PERIOD + 1), 'states advanced');
  const batches = signRelayedBatches({ relay: runner.relay, readings: readings.filter((r) => r.period === PERIOD) });
  assert.deepEqual(batches.map((b) => [b.concentrator.index, b.nonce, b.readings]), [[0, 10, 2], [0, 11, 1], [1, 20, 2]]);
  assert.deepEqual(relays.map((c) => c.nonce), [12, 21]);
  const decoded = decodeBatch(batches[0].hex);
  assert.deepEqual(decoded.entries.map((e) => u8aToHex(e.raw)), readings.slice(0, 3).filter((r) => r.concentrator === 0).slice(0, 2).map((r) => u8aToHex(r.entry)));
});

function pick(object, keys = ['importedWh', 'exportedWh']) {
  return Object.fromEntries(keys.map((k) => [k, object[k]]));
}
