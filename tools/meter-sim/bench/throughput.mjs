#!/usr/bin/env node
// Throughput of the four-validator local network: meter readings per second sustained, with
// finality lag, and in the same run the same figure for `balances.transferKeepAlive` from as
// many accounts. A benchmark that prints figures, not a test: run it with
// scripts/bench-throughput.sh (which builds nothing; it needs the release node).
//
// What it does:
//  1. A chain spec: the `local` preset with N simulated participants and their meters in
//     genesis and `--period-seconds` delivery periods (12 s by default, so that N meters
//     offer N / 12 readings a second: 12,000 meters offer the 1,000 a second).
//  2. The four validators of scripts/local-net.sh on loopback, with its pool settings.
//  3. Readings: after each period ends, every meter's reading for it is sent at once (meters
//     report at the boundary), spread over the four nodes' RPC; signed before the phase so
//     that the client's work does not compete with the nodes'. For `--seconds`.
//  4. Transfers: the same bursts, each participant account sending `transferKeepAlive` once
//     per period to another, for the same time.
//  5. For each phase: the transactions included per second in the best chain over the
//     window (block timestamps), per-block counts and weights, and the finality lag (best
//     minus finalized, in blocks, sampled at every new best block). Then the network stops.
//
// Output: human-readable lines and one `# result: {json}` line per phase.

import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  connectApi, buildSpec, defaultNodeBin, loadSimMeters, makeReadingSigner, makeClock,
  presignReadings, Submitter, periodClock, deriveKeys, keyringPair, cryptoWaitReady,
  prosumerErrorName, classify,
} from '../lib/index.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const { values: opt } = parseArgs({
  options: {
    meters: { type: 'string', default: '12000' },
    'period-seconds': { type: 'string', default: '12' },
    seconds: { type: 'string', default: '60' },
    phases: { type: 'string', default: 'readings,transfers' },
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
 * the timestamp inherent), failed extrinsics, normal-class weight used, and the finality
 * lag when it arrived.
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
        const failed = events.filter(({ event }) => event.section === 'system' && event.method === 'ExtrinsicFailed').length;
        blocks.push({
          number,
          timestampMs: now.toNumber(),
          transactions: block.block.extrinsics.length - 1,
          failed,
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

/** Figures of one phase from the blocks whose timestamps fall in [from, to). */
function summarize(name, blocks, from, to, offered) {
  const inWindow = blocks.filter((b) => b.timestampMs >= from && b.timestampMs < to);
  const included = inWindow.reduce((s, b) => s + b.transactions, 0);
  const failed = inWindow.reduce((s, b) => s + b.failed, 0);
  const seconds = (to - from) / 1000;
  const perBlock = inWindow.map((b) => b.transactions);
  const lags = inWindow.map((b) => b.lag);
  const result = {
    phase: name,
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
  };
  log(`${name}: ${result.includedPerSecond}/s included over ${seconds} s (${included} in ${result.blocks} blocks; ` +
    `offered ${result.offeredPerSecond}/s); per block max ${result.perBlockMax}, mean ${result.perBlockMean}; ` +
    `normal weight max ${result.normalWeightMsMax} ms of 1500; finality lag max ${result.finalityLagMax}, mean ${result.finalityLagMean}; ` +
    `failed ${failed}`);
  console.log(`# result: ${JSON.stringify(result)}`);
  return result;
}

/**
 * Sends `bursts[k]` at the end of period `firstPeriod + k` (one burst a period), spread over
 * the submitters, and returns the count sent and the refusals by reason.
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
    const burst = bursts[k];
    const share = Math.ceil(burst.length / submitters.length);
    const t0 = Date.now();
    const answers = (await Promise.all(submitters.map((s, i) => s.submit(burst.slice(i * share, (i + 1) * share))))).flat();
    for (const a of answers) {
      if (a.hash !== undefined) continue;
      const { reason } = classify(a.error, nameOfCustom);
      refused[reason] = (refused[reason] ?? 0) + 1;
    }
    sent += burst.length;
    log(`  burst ${k + 1}/${bursts.length}: ${burst.length} sent in ${((Date.now() - t0) / 1000).toFixed(1)} s` +
      (Object.keys(refused).length ? `; refused so far ${JSON.stringify(refused)}` : ''));
  }
  return { sent, refused, seconds: (Date.now() - startedAt) / 1000 };
}

async function main() {
  await cryptoWaitReady();
  const periodsInWindow = Math.ceil(WINDOW / P);
  log(`throughput: ${N} meters, ${P}-s periods, ${WINDOW}-s window (${periodsInWindow} bursts a phase), ` +
    `pool ${env.POOL_ARGS ?? '(local-net.sh defaults)'}, in ${dir}`);

  let t = Date.now();
  const { spec } = await buildSpec({ nodeBin, chain: 'local', count: N, periodSeconds: P });
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
  log(`chain spec with ${N} participants and meters: ${((Date.now() - t) / 1000).toFixed(1)} s`);
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
    const { period } = await periodClock(api);
    // The first burst is for the next period to end; sign every burst now.
    const periods = Array.from({ length: periodsInWindow }, (_, k) => period + k);
    t = Date.now();
    const bursts = periods.map((p) => presignReadings({ meters, signer, clock: makeClock({ periodSeconds: P }), periods: [p] }).map((s) => s.hex));
    log(`readings: ${bursts.flat().length} signed in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const from = (period + 1) * P * 1000;
    const sent = await sendBursts(follower, submitters, bursts, period, nameOfCustom);
    const to = from + periodsInWindow * P * 1000;
    while (Date.now() < to + 15000) await sleep(1000); // let the last blocks arrive
    log(`readings refused at submission: ${JSON.stringify(sent.refused)}`);
    results.push(summarize('readings', follower.blocks, from, to, sent.sent));
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
    const from = (first + 1) * P * 1000;
    const sent = await sendBursts(follower, submitters, bursts, first, undefined);
    const to = from + periodsInWindow * P * 1000;
    while (Date.now() < to + 15000) await sleep(1000);
    log(`transfers refused at submission: ${JSON.stringify(sent.refused)}`);
    results.push(summarize('transfers', follower.blocks, from, to, sent.sent));
  }

  follower.stop();
  submitters.forEach((s) => s.close());
  await api.disconnect();
  return results;
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
