#!/usr/bin/env node
// Throughput of the four-validator local network: meter readings per second sustained, with
// finality lag, sent directly (one extrinsic per meter) and relayed by data concentrators
// (batches of up to `MaxReadingsPerBatch` readings), and in the same run the same figure for
// `balances.transferKeepAlive` from as many accounts. A benchmark that prints figures, not a
// test: run it with scripts/bench-throughput.sh (which builds nothing; it needs the release
// node).
//
// What it does:
//  1. A chain spec: the `local` preset with N simulated participants and their meters in
//     genesis and `--period-seconds` delivery periods (12 s by default, so that N meters
//     offer N / 12 readings a second: 12,000 meters offer the issue's 1,000 a second), and,
//     for the `relayed` phase, `--concentrators` C data concentrators. Sessions of
//     `--session-blocks` blocks (genesis `sessionLength.blocksPerSession`; default 600, an
//     hour of 6-s blocks, as a consortium's network would run): `pallet-session` rotates
//     once a session and the rotation block carries no transactions, so the length decides
//     how many of the window's blocks can carry readings. The runtime's test presets
//     rotate every 10 blocks (one block in ten empty); `--session-blocks 10` measures that
//     setting. The spec then has the key in genesis, which needs a runtime with the
//     `SessionLength` pallet.
//  2. The four validators of scripts/local-net.sh on loopback, with its pool settings.
//  3. `readings`: after each period ends, every meter's reading for it is sent at once
//     (meters report at the boundary), spread over the four nodes' RPC; signed before the
//     phase so that the client's work does not compete with the nodes'. For `--seconds`.
//  4. `relayed`: the same, but each meter's signed reading goes to concentrator (meter mod C)
//     and each concentrator sends its meters' readings of the period in batches of at most
//     `--batch-size` B (default 500, the runtime's `MaxReadingsPerBatch`, the most allowed;
//     a concentrator's share of a period is split into batches as even as possible). The meters'
//     signatures are made before the phase; the batches are signed at each burst with the
//     concentrators' nonces read from the node (one signature a batch).
//  5. `transfers`: the same bursts, each participant account sending `transferKeepAlive`
//     once per period to another, for the same time.
//  6. For each phase: the readings (or transfers) included per second in the best chain over
//     the window (block timestamps), per-block counts and weights, and the finality lag (best
//     minus finalized, in blocks, sampled at every new best block). Then the network stops.
//     The window lasts the bursts' periods and opens with the first block that can carry the
//     first burst (the one after the block that ends its period: a burst is sent when that
//     block is seen), so that it counts no block left idle only because the phase had not
//     begun, and closes one block after the last burst's period.
//
// `--phases` chooses the phases (in this order whatever the list's): readings,relayed,transfers.
//
// Output: human-readable lines, one `# result: {json}` line per phase, and a table with a
// row per phase at the end.

import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  connectApi, buildSpec, defaultNodeBin, loadSimMeters, makeReadingSigner, makeClock,
  presignReadings, Submitter, periodClock, deriveKeys, keyringPair, cryptoWaitReady,
  prosumerErrorName, classify, openRelay, presignRelayedReadings, signRelayedBatches, nextNonces,
} from '../lib/index.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { values: opt } = parseArgs({
  options: {
    meters: { type: 'string', default: '12000' },
    'period-seconds': { type: 'string', default: '12' },
    seconds: { type: 'string', default: '60' },
    phases: { type: 'string', default: 'readings,relayed,transfers' },
    concentrators: { type: 'string', default: '4' },
    'session-blocks': { type: 'string', default: '600' },
    'batch-size': { type: 'string', default: '500' },
    dir: { type: 'string' },
    'rpc-base': { type: 'string', default: '29944' },
    'p2p-base': { type: 'string', default: '40333' },
    'prom-base': { type: 'string', default: '29615' },
    'pool-args': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(opt.meters);
const P = Number(opt['period-seconds']);
const WINDOW = Number(opt.seconds);
const phases = opt.phases.split(',');
const PHASES = ['readings', 'relayed', 'transfers'];
for (const p of phases) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}: choose among ${PHASES.join(', ')}`);
const C = Number(opt.concentrators);
if (phases.includes('relayed') && !(Number.isInteger(C) && C >= 1)) throw new Error('--concentrators must be at least 1 for the relayed phase');
const SESSION_BLOCKS = Number(opt['session-blocks']);
if (!(Number.isInteger(SESSION_BLOCKS) && SESSION_BLOCKS >= 1)) throw new Error('--session-blocks must be a positive whole number');
// The runtime's `MaxReadingsPerBatch`: a larger batch is refused (and openRelay keeps the
// chain's own limit if it is lower).
const MAX_READINGS_PER_BATCH = 500;
const BATCH = Number(opt['batch-size']);
if (!(Number.isInteger(BATCH) && BATCH >= 1 && BATCH <= MAX_READINGS_PER_BATCH)) {
  throw new Error(`--batch-size must be a whole number from 1 to ${MAX_READINGS_PER_BATCH} (MaxReadingsPerBatch)`);
}
const nodeBin = defaultNodeBin();
const dir = opt.dir ?? mkdtempSync(join(tmpdir(), 'energy-throughput-'));
mkdirSync(dir, { recursive: true });
const rpcBase = Number(opt['rpc-base']);
const urls = [0, 1, 2, 3].map((i) => `ws://127.0.0.1:${rpcBase + i}`);

const env = {
  ...process.env,
  NODE_BIN: nodeBin,
  NET_DIR: join(dir, 'net'),
  RPC_BASE: String(rpcBase),
  P2P_BASE: opt['p2p-base'],
  PROM_BASE: opt['prom-base'],
  ...(opt['pool-args'] !== undefined ? { POOL_ARGS: opt['pool-args'] } : {}),
};
const net = (command) => execFileSync('bash', [join(ROOT, 'scripts', 'local-net.sh'), command], { env }).toString();

function log(line) {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/**
 * Follows the best chain on `api`: per block, its number, timestamp, extrinsic count (less
 * the timestamp inherent), readings recorded and refused and batches relayed (events),
 * failed extrinsics, normal-class weight used, and the finality lag when it arrived.
 */
function followBlocks(api) {
  const blocks = [];
  let finalized = 0;
  let queue = Promise.resolve();
  const unsubs = [];
  let bestTimestamp = 0;
  const start = async () => {
    unsubs.push(await api.query.timestamp.now((now) => { bestTimestamp = Math.max(bestTimestamp, now.toNumber()); }));
    unsubs.push(await api.rpc.chain.subscribeFinalizedHeads((h) => { finalized = h.number.toNumber(); }));
    unsubs.push(await api.rpc.chain.subscribeNewHeads((header) => {
      const number = header.number.toNumber();
      const lag = number - finalized;
      queue = queue.then(async () => {
        const hash = header.hash;
        const [block, now, weight, events] = await Promise.all([
          api.rpc.chain.getBlock(hash),
          api.query.timestamp.now.at(hash),
          api.query.system.blockWeight.at(hash),
          api.query.system.events.at(hash),
        ]);
        const count = (section, method) => events.filter(({ event }) => event.section === section && event.method === method).length;
        blocks.push({
          number,
          timestampMs: now.toNumber(),
          transactions: block.block.extrinsics.length - 1,
          readings: count('prosumer', 'ReadingRecorded'),
          readingsRefused: count('prosumer', 'ReadingRefused'),
          batches: count('prosumer', 'ReadingsRelayed'),
          failed: count('system', 'ExtrinsicFailed'),
          normalRefTimeMs: weight.normal.refTime.toBigInt() / 1_000_000_000n,
          lengthBytes: block.block.toU8a().length,
          lag,
        });
      }).catch((e) => log(`block ${number}: ${e.message}`));
    }));
  };
  const bestTimestampMs = () => bestTimestamp;
  return { blocks, start, stop: () => unsubs.forEach((u) => u()), finalizedNow: () => finalized, bestTimestampMs };
}

/** Says so if the first burst's period ended before the burst was ready. */
function warnIfLate(periodEnd) {
  if (Date.now() > periodEnd) log(`warning: signing ended ${((Date.now() - periodEnd) / 1000).toFixed(1)} s after the first burst's period ended; the window's first blocks count as idle`);
}

/**
 * Figures of one phase from the blocks whose timestamps fall in [from, to). `unit` is what
 * is counted as included: `transactions` (a direct reading or a transfer is one) or
 * `readings` (ReadingRecorded events: a relayed batch holds many).
 */
function summarize(name, blocks, from, to, offered, unit = 'transactions') {
  const inWindow = blocks.filter((b) => b.timestampMs >= from && b.timestampMs < to);
  const sum = (key) => inWindow.reduce((s, b) => s + b[key], 0);
  const included = sum(unit);
  const failed = sum('failed');
  const seconds = (to - from) / 1000;
  const perBlock = inWindow.map((b) => b[unit]);
  const lags = inWindow.map((b) => b.lag);
  const result = {
    phase: name,
    unit,
    seconds,
    blocks: inWindow.length,
    offeredPerSecond: Math.round(offered / seconds),
    includedPerSecond: Math.round(included / seconds),
    included,
    failed,
    perBlockMax: Math.max(0, ...perBlock),
    perBlockMean: perBlock.length ? Math.round(included / perBlock.length) : 0,
    normalWeightMsMax: Number(inWindow.reduce((m, b) => (b.normalRefTimeMs > m ? b.normalRefTimeMs : m), 0n)),
    blockBytesMax: Math.max(0, ...inWindow.map((b) => b.lengthBytes)),
    finalityLagMax: Math.max(0, ...lags),
    finalityLagMean: lags.length ? +(lags.reduce((a, b) => a + b, 0) / lags.length).toFixed(2) : 0,
    transactions: sum('transactions'),
    readingsRecorded: sum('readings'),
    readingsRefusedInBlock: sum('readingsRefused'),
    batchesRelayed: sum('batches'),
  };
  log(`${name}: ${result.includedPerSecond} ${unit}/s included over ${seconds} s (${included} in ${result.blocks} blocks; ` +
    `offered ${result.offeredPerSecond}/s); per block max ${result.perBlockMax}, mean ${result.perBlockMean}; ` +
    `normal weight max ${result.normalWeightMsMax} ms of 1500; finality lag max ${result.finalityLagMax}, mean ${result.finalityLagMean}; ` +
    `failed ${failed}`);
  console.log(`# result: ${JSON.stringify(result)}`);
  return result;
}

/**
 * Sends `bursts[k]` at the end of period `firstPeriod + k` (one burst a period), spread over
 * the submitters, and returns the count sent and the refusals by reason. A burst is a list
 * of signed extrinsics (0x-hex), or a function that makes it when it is due (`{ hexes,
 * count }`: relayed batches, signed with fresh nonces, `count` readings in all).
 */
async function sendBursts(follower, submitters, bursts, firstPeriod, nameOfCustom) {
  const refused = {};
  let sent = 0;
  const startedAt = Date.now();
  for (let k = 0; k < bursts.length; k++) {
    // The pool judges a reading by the best block's clock, which is the timestamp of the
    // block's slot: a reading sent when the period ends by the wall clock is refused as
    // `PeriodNotEnded` until the first block of the next period. Meters wait for that block.
    const end = (firstPeriod + k + 1) * P * 1000;
    while (follower.bestTimestampMs() < end) await sleep(100);
    // ... on every node: give the block a second to reach the three others.
    await sleep(1000);
    const made = typeof bursts[k] === 'function' ? await bursts[k]() : { hexes: bursts[k], count: bursts[k].length };
    const burst = made.hexes;
    const t0 = Date.now();
    // Keep a JSON-RPC message of large batches within the node's request size (15 MiB).
    const longest = Math.max(1, ...burst.map((hex) => hex.length));
    const batchSize = Math.max(1, Math.min(256, Math.floor((8 << 20) / longest)));
    let answers;
    if (made.routes) {
      // Relayed batches go to their concentrator's node. A batch the node refuses because
      // its period has not ended there yet (the boundary block is still on its way) keeps
      // its nonce and is sent again a second later, signed anew (the pool bans the hash of
      // what it refused), up to five times.
      const send = async (items) => (await Promise.all(submitters.map(async (s, n) => {
        const mine = items.filter((it) => it.route === n);
        const got = await s.submit(mine.map((it) => it.hex), { batchSize });
        return got.map((answer, j) => ({ answer, item: mine[j] }));
      }))).flat();
      let pending = burst.map((hex, i) => ({ hex, route: made.routes[i], resign: made.resigns[i] }));
      answers = [];
      for (let attempt = 0; pending.length > 0; attempt++) {
        const got = await send(pending);
        const retry = attempt < 5
          ? got.filter(({ answer }) => answer.hash === undefined && classify(answer.error, nameOfCustom).reason === 'PeriodNotEnded')
          : [];
        answers.push(...got.filter((g) => !retry.includes(g)).map(({ answer }) => answer));
        pending = retry.map(({ item }) => ({ ...item, hex: item.resign() }));
        if (pending.length > 0) await sleep(1000);
      }
    } else {
      // Contiguous shares over the nodes.
      const share = Math.ceil(burst.length / submitters.length);
      answers = (await Promise.all(submitters.map((s, i) => s.submit(burst.slice(i * share, (i + 1) * share), { batchSize })))).flat();
    }
    for (const a of answers) {
      if (a.hash !== undefined) continue;
      const { reason } = classify(a.error, nameOfCustom);
      refused[reason] = (refused[reason] ?? 0) + 1;
    }
    sent += made.count;
    log(`  burst ${k + 1}/${bursts.length}: ${made.count} sent${made.count !== burst.length ? ` in ${burst.length} extrinsics` : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s` +
      (Object.keys(refused).length ? `; refused so far ${JSON.stringify(refused)}` : ''));
  }
  return { sent, refused, seconds: (Date.now() - startedAt) / 1000 };
}

/** The runtime's block time (`MILLI_SECS_PER_BLOCK`). */
const BLOCK_MS = 6000;

async function main() {
  await cryptoWaitReady();
  const periodsInWindow = Math.ceil(WINDOW / P);
  /**
   * The window of a phase whose first burst is for `firstPeriod`: from the block after the
   * one that ends that period (the first that can carry the burst), for the bursts' periods.
   */
  const windowAfter = (firstPeriod) => {
    const from = (firstPeriod + 1) * P * 1000 + BLOCK_MS;
    return { from, to: from + periodsInWindow * P * 1000 };
  };
  log(`throughput: ${N} meters, ${P}-s periods, ${WINDOW}-s window (${periodsInWindow} bursts a phase), ` +
    `phases ${PHASES.filter((p) => phases.includes(p)).join(', ')}` +
    `${phases.includes('relayed') ? ` (relayed via ${C} concentrators)` : ''}, ` +
    `sessions of ${SESSION_BLOCKS} blocks, relayed batches of at most ${BATCH} readings, ` +
    `pool ${env.POOL_ARGS ?? '(local-net.sh defaults)'}, in ${dir}`);

  let t = Date.now();
  // Concentrators only when relaying: a runtime without them refuses the genesis key.
  const relays = phases.includes('relayed') ? C : 0;
  const { spec } = await buildSpec({
    nodeBin, chain: 'local', count: N, periodSeconds: P, sessionBlocks: SESSION_BLOCKS, concentrators: relays,
  });
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
  log(`chain spec with ${N} participants and meters${relays ? ` and ${relays} concentrators` : ''}, ` +
    `sessions of ${SESSION_BLOCKS} blocks: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  env.CHAIN = specPath;

  t = Date.now();
  process.stdout.write(net('start'));
  const api = await connectApi(urls[0], { timeoutMs: 600000 });
  while ((await api.rpc.chain.getFinalizedHead().then((h) => api.rpc.chain.getHeader(h))).number.toNumber() < 1) await sleep(1000);
  log(`network up and finalizing: ${((Date.now() - t) / 1000).toFixed(1)} s after start`);

  const follower = followBlocks(api);
  await follower.start();
  const submitters = await Promise.all(urls.map((u) => new Submitter(u, { connections: 1, batchSize: 256, inFlight: 4 }).open()));
  const nameOfCustom = (code) => prosumerErrorName(api, code);
  const results = [];

  if (phases.includes('readings')) {
    const { meters, skipped } = await loadSimMeters(api, { meters: N });
    if (skipped.length) log(`${skipped.length} meters unusable: ${JSON.stringify(skipped.slice(0, 3))}`);
    const signer = makeReadingSigner(api, meters[0].key.pair);
    // The first burst is for the period after the next: signing every burst (about 9 s for
    // 60,000) must be done before it ends, or the window would open on idle blocks.
    const period = (await periodClock(api)).period + 1;
    const periods = Array.from({ length: periodsInWindow }, (_, k) => period + k);
    t = Date.now();
    const bursts = periods.map((p) => presignReadings({ meters, signer, clock: makeClock({ periodSeconds: P }), periods: [p] }).map((s) => s.hex));
    log(`readings: ${bursts.flat().length} signed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const { from, to } = windowAfter(period);
    warnIfLate(from - BLOCK_MS);
    const sent = await sendBursts(follower, submitters, bursts, period, nameOfCustom);
    while (Date.now() < to + 15000) await sleep(1000); // let the last blocks arrive
    log(`readings refused at submission: ${JSON.stringify(sent.refused)}`);
    results.push(summarize('readings', follower.blocks, from, to, sent.sent));
  }

  if (phases.includes('relayed')) {
    // Let the backlog clear, so the batches have the blocks to themselves, and read the
    // meters' registers again (the readings phase assumed every reading went in).
    while ((await api.rpc.author.pendingExtrinsics()).length > 0) await sleep(2000);
    const { meters, skipped } = await loadSimMeters(api, { meters: N, nonces: false });
    if (skipped.length) log(`${skipped.length} meters unusable: ${JSON.stringify(skipped.slice(0, 3))}`);
    const relay = await openRelay(api, { count: C, batchReadings: BATCH, sampleMeterPair: meters[0].key.pair, log });
    // As for `readings`: the first burst is for the period after the next.
    const period = (await periodClock(api)).period + 1;
    const periods = Array.from({ length: periodsInWindow }, (_, k) => period + k);
    t = Date.now();
    const readings = presignRelayedReadings({ meters, relay, clock: makeClock({ periodSeconds: P }), periods });
    log(`relayed: ${readings.length} readings signed by their meters in ${((Date.now() - t) / 1000).toFixed(1)} s, ` +
      `${C} concentrators, at most ${relay.maxPerBatch} a batch`);
    // Each concentrator keeps its own nonce chain (read once, now that the pool is empty) and
    // sends every batch to one node, as a real gateway talks to its utility's node: nonces
    // read per burst from a node that has not yet seen the previous burst's batches by gossip
    // collide, and a batch refused on one node leaves a gap that stalls the rest.
    const addresses = relay.concentrators.map((c) => c.address);
    const nonces = await nextNonces(api, addresses);
    relay.concentrators.forEach((c, i) => { c.nonce = nonces[i]; });
    const nodeOf = new Map(relay.concentrators.map((c, i) => [c, i % submitters.length]));
    const bursts = periods.map((p) => async () => {
      const batches = signRelayedBatches({ relay, readings: readings.filter((r) => r.period === p) });
      return {
        hexes: batches.map((b) => b.hex),
        routes: batches.map((b) => nodeOf.get(b.concentrator)),
        resigns: batches.map((b) => b.resign),
        count: batches.reduce((n, b) => n + b.readings, 0),
      };
    });
    const { from, to } = windowAfter(period);
    warnIfLate(from - BLOCK_MS);
    const sent = await sendBursts(follower, submitters, bursts, period, nameOfCustom);
    while (Date.now() < to + 15000) await sleep(1000);
    log(`relayed batches refused at submission: ${JSON.stringify(sent.refused)}`);
    results.push(summarize('relayed', follower.blocks, from, to, sent.sent, 'readings'));
  }

  if (phases.includes('transfers')) {
    // Let the readings' backlog clear, so the transfers have the blocks to themselves.
    while ((await api.rpc.author.pendingExtrinsics()).length > 0) await sleep(2000);
    const keys = deriveKeys(N, { meters: false });
    const pairs = keys.map((k) => keyringPair(k.participant.pair));
    const nonces = await Promise.all(pairs.map((p) => api.rpc.system.accountNextIndex(p.address).then((n) => n.toNumber())));
    const { period } = await periodClock(api);
    const start = period + 1; // one period of slack for signing
    t = Date.now();
    const bursts = [];
    for (let k = 0; k < periodsInWindow; k++) {
      const burst = [];
      for (let i = 0; i < N; i++) {
        const tx = api.tx.balances.transferKeepAlive(pairs[(i + 1) % N].address, 1_000_000_000n);
        tx.sign(pairs[i], {
          blockHash: api.genesisHash, genesisHash: api.genesisHash, era: 0, nonce: nonces[i] + k,
          runtimeVersion: api.runtimeVersion, signedExtensions: api.registry.signedExtensions,
        });
        burst.push(tx.toHex());
        // polkadot-js signs in about a millisecond: yield now and then, so that the block
        // follower's RPC answers are read meanwhile.
        if (i % 500 === 499) await new Promise((r) => setImmediate(r));
      }
      bursts.push(burst);
    }
    log(`transfers: ${N * periodsInWindow} signed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const { period: now } = await periodClock(api);
    const first = Math.max(start, now);
    const { from, to } = windowAfter(first);
    const sent = await sendBursts(follower, submitters, bursts, first, undefined);
    while (Date.now() < to + 15000) await sleep(1000);
    log(`transfers refused at submission: ${JSON.stringify(sent.refused)}`);
    results.push(summarize('transfers', follower.blocks, from, to, sent.sent));
  }

  follower.stop();
  submitters.forEach((s) => s.close());
  await api.disconnect();
  printTable(results);
  return results;
}

/** One row per phase, the figures side by side. */
function printTable(results) {
  const columns = [
    ['phase', (r) => r.phase],
    ['counted', (r) => r.unit],
    ['offered/s', (r) => r.offeredPerSecond],
    ['included/s', (r) => r.includedPerSecond],
    ['per block max', (r) => r.perBlockMax],
    ['per block mean', (r) => r.perBlockMean],
    ['transactions', (r) => r.transactions],
    ['normal weight max (ms)', (r) => r.normalWeightMsMax],
    ['finality lag max', (r) => r.finalityLagMax],
    ['finality lag mean', (r) => r.finalityLagMean],
    ['failed', (r) => r.failed],
  ];
  const rows = [columns.map(([name]) => name), ...results.map((r) => columns.map(([, get]) => String(get(r))))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(rows[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  if (!opt.keep) {
    try { net('stop'); } catch (e) { console.error(e.message); }
  }
  log(`logs in ${join(dir, 'net', 'logs')}`);
}
process.exit(failed ? 1 : 0);
