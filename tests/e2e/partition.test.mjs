// Network partitions of the four-validator local consortium. Each validator runs in a
// Linux network namespace of its own (scripts/netns-net.sh); their libp2p traffic goes
// over veths to bridges in a hub namespace, and a partition moves bridge ports so that
// each side has a bridge of its own (no packet crosses; the connections are not closed).
// The test client reaches each node's RPC over a separate point-to-point link. GRANDPA
// needs three of the four votes:
// - a 2–2 split stalls finality on both sides while each still authors blocks; no block
//   finalized before or during the split is ever reverted; healed, finality resumes past
//   the pre-split height on all four;
// - a 3–1 split: the three keep finalizing, the lone node's finalized block stays put
//   while it authors a fork of its own; healed, it drops its fork and catches up.
// Needs root (skipped with a message otherwise; E2E_REQUIRE_NETNS=1 makes that a
// failure). Timings are printed (`# timing:`) and written to
// $E2E_DIR/partition-timings.json; docs/consortium.md records runs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { netnsNetwork, netnsUnavailable, connect, waitFor } from './lib.mjs';

const NAMES = ['alice', 'bob', 'charlie', 'dave'];
const ALL = [0, 1, 2, 3];

const skip = netnsUnavailable();
if (skip) {
  if (process.env.E2E_REQUIRE_NETNS) throw new Error(`partition tests cannot run: ${skip}`);
  console.log(`# partition tests skipped: ${skip}`);
}

let net;
const apis = [];
const timings = {};
/** Block number → hash of every block any node was seen to have finalized. */
const finalized = new Map();
/** Per node, the highest block number whose finalized hash has been recorded. */
const recordedUpTo = [0, 0, 0, 0];

const seconds = (since) => Number(((Date.now() - since) / 1000).toFixed(1));
const names = (nodes) => nodes.map((i) => NAMES[i]).join('+');

function record(name, value) {
  timings[name] = value;
  console.log(`# timing: ${name} = ${value}`);
}

/** Best and finalized block numbers of node i. */
async function status(i) {
  const api = apis[i];
  const [head, finalizedHash] = await Promise.all([api.rpc.chain.getHeader(), api.rpc.chain.getFinalizedHead()]);
  const fin = (await api.rpc.chain.getHeader(finalizedHash)).number.toNumber();
  return { best: head.number.toNumber(), fin };
}

const statusAll = () => Promise.all(ALL.map(status));

/**
 * Records the hash of every block node i has finalized, up to its finalized head `fin`;
 * fails at once if a height was finalized with two different hashes anywhere.
 */
async function recordFinalized(i, fin) {
  for (let n = recordedUpTo[i] + 1; n <= fin; n++) {
    const hash = (await apis[i].rpc.chain.getBlockHash(n)).toHex();
    const known = finalized.get(n);
    assert.ok(!known || known === hash, `#${n} finalized as ${known} and, on ${NAMES[i]}, as ${hash}`);
    finalized.set(n, hash);
    recordedUpTo[i] = n;
  }
}

/** Status of all four nodes, recording what each has finalized. */
async function observe() {
  const s = await statusAll();
  await Promise.all(ALL.map((i) => recordFinalized(i, s[i].fin)));
  return s;
}

/** waitFor, except that a failed assertion inside `check` fails at once. */
const watch = (what, check, timeoutMs, intervalMs) =>
  waitFor(what, check, timeoutMs, intervalMs, { failOnAssertion: true });

const fmt = (s) => s.map((x, i) => `${NAMES[i]} #${x.fin}/#${x.best}`).join(', ');

/** Every block ever seen finalized on any node is still at its height on node i. */
async function assertNothingReverted(i) {
  const highest = Math.max(...finalized.keys());
  await waitFor(`${NAMES[i]} to have imported #${highest}`, async () =>
    (await status(i)).best >= highest, 60000, 250);
  for (const [n, hash] of finalized) {
    assert.equal((await apis[i].rpc.chain.getBlockHash(n)).toHex(), hash,
      `${NAMES[i]}: finalized block #${n} was reverted`);
  }
}

/** Waits until the four nodes have the same finalized head. */
async function waitForAgreement(timeoutMs) {
  await waitFor('all four nodes to agree on the finalized head', async () => {
    const heads = await Promise.all(apis.map(async (api) => (await api.rpc.chain.getFinalizedHead()).toHex()));
    return new Set(heads).size === 1;
  }, timeoutMs, 250);
}

/**
 * Splits the network into `groups` and returns the highest block any node has once the
 * split is in place: a block finalized during the split needs votes from both sides (or,
 * for the lone node, from the majority), so it must be at most that high.
 */
async function split(...groups) {
  net.split(...groups);
  const s = await observe();
  console.log(`# split ${groups.map(names).join(' | ')}: ${fmt(s)}`);
  return { at: Date.now(), status: s, bound: Math.max(...s.map((x) => x.best)) };
}

describe('network partitions (network namespaces)', { skip: skip || false }, () => {
  before(async () => {
    net = await netnsNetwork('partition');
    const started = Date.now();
    console.log(net.run('start').trim().split('\n').map((l) => `# ${l}`).join('\n'));
    const connected = await Promise.all(ALL.map((i) => connect(net.url(i), 90000)));
    apis.push(...connected);
    await waitFor('all four nodes to finalize #2', async () =>
      (await statusAll()).every((x) => x.fin >= 2), 120000, 500);
    record('start_to_all_finalized_2_s', seconds(started));
    // The consortium admits peers by peer id, not address: the four connect over the
    // namespaces' p2p links as they do on loopback.
    await waitFor('every node to have its three peers', async () =>
      (await Promise.all(apis.map((api) => api.rpc.system.health()))).every((h) => h.peers.toNumber() === 3),
    60000, 500);
  });

  after(async () => {
    await Promise.all(apis.map((api) => api.disconnect().catch(() => {})));
    net?.destroy();
    if (net) writeFileSync(join(net.dir, '..', 'partition-timings.json'), JSON.stringify(timings, null, 2));
  });

  test('2–2 split: finality stalls, nothing finalized is reverted; healed, it resumes', async () => {
    const preSplit = await observe();
    const preSplitFinalized = Math.max(...preSplit.map((x) => x.fin));
    const { at, bound } = await split([0, 1], [2, 3]);

    // Watch until each side has authored two blocks since any node last finalized one.
    let last = (await observe()).map((x) => ({ ...x }));
    let lastChange = Date.now();
    let s;
    await watch('finality to stall on both sides', async () => {
      s = await observe();
      for (const [i, x] of s.entries()) {
        assert.ok(x.fin <= bound, `${NAMES[i]} finalized #${x.fin}, authored after the split (best was #${bound})`);
        if (x.fin !== last[i].fin) {
          last = s.map((y) => ({ ...y }));
          lastChange = Date.now();
        }
      }
      return s.every((x, i) => x.best >= last[i].best + 2);
    }, 120000, 500);
    const stalled = s.map((x) => x.fin);
    console.log(`# 2–2 stalled: ${fmt(s)}; no finality change for ${seconds(lastChange)} s`);
    record('split_2_2_last_finality_change_after_split_s', Number(((lastChange - at) / 1000).toFixed(1)));
    record('split_2_2_stall_observed_s', seconds(lastChange));
    record('split_2_2_unfinalized_blocks_per_side', [s[0].best - Math.max(stalled[0], stalled[1]),
      s[2].best - Math.max(stalled[2], stalled[3])]);
    // The two sides built different chains past the split.
    const tipA = (await apis[0].rpc.chain.getBlockHash(Math.min(s[0].best, s[2].best))).toHex();
    const tipB = (await apis[2].rpc.chain.getBlockHash(Math.min(s[0].best, s[2].best))).toHex();
    assert.notEqual(tipA, tipB, 'each side authored its own blocks');

    const stalledMax = Math.max(...stalled, preSplitFinalized);
    const healed = Date.now();
    net.heal();
    await watch('finality to resume on all four', async () =>
      (await observe()).every((x) => x.fin > stalledMax), 90000, 250);
    record('split_2_2_heal_to_finality_on_all_s', seconds(healed));
    for (const i of ALL) await assertNothingReverted(i);
    await waitForAgreement(60000);
    console.log(`# 2–2 healed: ${fmt(await observe())}; ${finalized.size} finalized hashes checked on every node`);
  });

  test('3–1 split: the three keep finalizing, the lone node stays put; healed, it catches up', async () => {
    const lone = 3;
    const majority = [0, 1, 2];
    await observe();
    const { at, bound, status: atSplit } = await split(majority, [lone]);

    // The lone node may still complete what was under way; once the three finalize a block
    // authored after the split, its finalized block must not move again.
    let loneFinalized = null;
    let s;
    await watch('the three to finalize three blocks authored after the split', async () => {
      s = await observe();
      assert.ok(s[lone].fin <= bound, `${NAMES[lone]} finalized #${s[lone].fin} alone`);
      if (loneFinalized === null && majority.some((i) => s[i].fin > bound)) {
        loneFinalized = s[lone].fin;
        record('split_3_1_first_new_finalized_s', seconds(at));
      }
      if (loneFinalized !== null) {
        assert.equal(s[lone].fin, loneFinalized, `${NAMES[lone]}'s finalized block moved while cut off`);
      }
      return majority.every((i) => s[i].fin >= bound + 3);
    }, 120000, 500);
    record('split_3_1_three_new_finalized_s', seconds(at));
    console.log(`# 3–1 split after ${seconds(at)} s: ${fmt(s)}`);
    assert.ok(s[lone].best > atSplit[lone].best, `${NAMES[lone]} still authors in its own slots`);
    const loneTip = { n: s[lone].best, hash: (await apis[lone].rpc.chain.getBlockHash(s[lone].best)).toHex() };

    const target = Math.max(...majority.map((i) => s[i].fin));
    const healed = Date.now();
    net.heal();
    await watch(`${NAMES[lone]} to finalize #${target}`, async () =>
      (await observe())[lone].fin >= target, 90000, 250);
    record('split_3_1_heal_to_lone_caught_up_s', seconds(healed));
    for (const i of ALL) await assertNothingReverted(i);
    assert.notEqual((await apis[lone].rpc.chain.getBlockHash(loneTip.n)).toHex(), loneTip.hash,
      `${NAMES[lone]} dropped the blocks it authored alone`);
    await waitForAgreement(60000);
    console.log(`# 3–1 healed: ${fmt(await observe())}; ${finalized.size} finalized hashes checked on every node`);
  });
});
