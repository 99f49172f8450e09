// Fault tolerance of the four-validator local consortium (scripts/local-net.sh, real node
// processes on loopback). GRANDPA needs more than two thirds of the voters, so it tolerates
// one faulty validator of four:
// - one validator crashes (SIGKILL): the others keep producing and finalizing; restarted, it
//   catches up and agrees on the finalized chain;
// - two crash: finality stalls while the remaining two still author blocks; one comes back:
//   finality resumes, no finalized block is reverted, finalized transactions are still there;
// - all four crash and restart from their databases: the chain resumes where it was.
// The timings observed are printed (`# timing:`) and written to
// $E2E_DIR/fault-tolerance-timings.json; docs/consortium.md records a run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import {
  localNetwork, connect, waitFor, finalizedNumber, submitAndFinalize, sleep,
} from './lib.mjs';

const NAMES = ['alice', 'bob', 'charlie', 'dave'];
const UNIT = 10n ** 12n;
let net;
const apis = [null, null, null, null];
const timings = {};
let alice;
/** Block number → hash of every block seen finalized, to check nothing is ever reverted. */
const finalizedSeen = new Map();
/** Transfers seen finalized: recipient → amount. */
const finalizedTransfers = new Map();

async function up(nodes) {
  net.run('start', nodes);
  await Promise.all(nodes.map(async (i) => {
    apis[i] = await connect(net.url(i), 90000);
  }));
}

async function crash(nodes) {
  await Promise.all(nodes.map(async (i) => {
    await apis[i]?.disconnect().catch(() => {});
    apis[i] = null;
  }));
  net.run('kill', nodes);
}

const live = () => apis.filter(Boolean);
const seconds = (since) => Number(((Date.now() - since) / 1000).toFixed(1));
const best = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();

function record(name, value) {
  timings[name] = value;
  console.log(`# timing: ${name} = ${value}`);
}

/** Remembers the hashes of the finalized blocks up to `api`'s finalized head. */
async function rememberFinalized(api) {
  const head = await finalizedNumber(api);
  for (let n = 1; n <= head; n++) {
    if (!finalizedSeen.has(n)) finalizedSeen.set(n, (await api.rpc.chain.getBlockHash(n)).toHex());
  }
  return head;
}

/** Every block ever seen finalized is still the block at its height on `api`. */
async function assertNothingReverted(api, label) {
  const highest = Math.max(...finalizedSeen.keys());
  await waitFor(`${label} to have imported #${highest}`, async () => (await best(api)) >= highest, 120000, 250);
  for (const [n, hash] of finalizedSeen) {
    assert.equal((await api.rpc.chain.getBlockHash(n)).toHex(), hash, `${label}: block #${n} was reverted`);
  }
}

/** Every transfer seen finalized is in `api`'s finalized state. */
async function assertTransfersKept(api, label) {
  const at = await api.at(await api.rpc.chain.getFinalizedHead());
  for (const [recipient, amount] of finalizedTransfers) {
    assert.equal((await at.query.system.account(recipient)).data.free.toBigInt(), amount, `${label}: transfer to ${recipient}`);
  }
}

async function transfer(api, amount) {
  const recipient = new Keyring({ type: 'sr25519' }).addFromMnemonic(mnemonicGenerate()).address;
  const result = await submitAndFinalize(api, api.tx.balances.transferKeepAlive(recipient, amount), alice);
  finalizedTransfers.set(recipient, amount);
  return result;
}

/** Waits until all live nodes have the same block at the lowest of their finalized heights. */
async function waitForAgreement(timeoutMs) {
  await waitFor('all live nodes to agree on the finalized chain', async () => {
    const numbers = await Promise.all(live().map(finalizedNumber));
    const common = Math.min(...numbers);
    const hashes = await Promise.all(live().map(async (api) => (await api.rpc.chain.getBlockHash(common)).toHex()));
    return new Set(hashes).size === 1 && common;
  }, timeoutMs, 500);
}

before(async () => {
  await cryptoWaitReady();
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  net = await localNetwork('fault-tolerance');
  await up([0, 1, 2, 3]);
  await waitFor('all four nodes to finalize #3', async () =>
    (await Promise.all(live().map(finalizedNumber))).every((n) => n >= 3), 120000, 1000);
});

after(async () => {
  await Promise.all(live().map((api) => api.disconnect().catch(() => {})));
  net?.run('stop');
  if (net) writeFileSync(join(net.dir, '..', 'fault-tolerance-timings.json'), JSON.stringify(timings, null, 2));
});

test('one validator crashes: the rest produce and finalize; restarted, it catches up', async () => {
  await crash([3]);
  const since = Date.now();
  const f0 = await finalizedNumber(apis[0]);
  await waitFor('three more finalized blocks without Dave', async () =>
    (await finalizedNumber(apis[0])) >= f0 + 3, 90000, 500);
  record('one_down_three_blocks_finalized_s', seconds(since));
  await transfer(apis[1], 3n * UNIT);
  const target = await rememberFinalized(apis[0]);

  const restart = Date.now();
  await up([3]);
  await waitFor('Dave to finalize what the others had finalized', async () =>
    (await finalizedNumber(apis[3])) >= target, 120000, 250);
  record('restarted_node_caught_up_s', seconds(restart));
  await waitForAgreement(60000);
  await assertNothingReverted(apis[3], 'dave');
  await assertTransfersKept(apis[3], 'dave');
});

test('two validators crash: finality stalls while blocks are authored; one back, it resumes', async () => {
  await transfer(apis[0], 5n * UNIT);
  await rememberFinalized(apis[0]);
  await crash([2, 3]);
  // A GRANDPA round already under way may still complete: let it settle, then watch.
  await sleep(12000);
  const stalledAt = await finalizedNumber(apis[0]);
  const bestBefore = await best(apis[0]);
  await sleep(36000);
  const stalledNow = await finalizedNumber(apis[0]);
  const bestNow = await best(apis[0]);
  console.log(`# two down: finalized #${stalledAt} -> #${stalledNow}, best #${bestBefore} -> #${bestNow}`);
  assert.equal(stalledNow, stalledAt, 'nothing is finalized with two of four validators down');
  assert.ok(bestNow > bestBefore, 'the remaining two still author blocks');
  record('two_down_blocks_authored_in_36s', bestNow - bestBefore);
  record('two_down_unfinalized_blocks', bestNow - stalledNow);

  const restart = Date.now();
  await up([2]);
  await waitFor('finality to resume', async () => (await finalizedNumber(apis[0])) > stalledNow, 120000, 250);
  record('finality_resumed_after_restart_s', seconds(restart));
  await waitFor('the stalled blocks to be finalized', async () =>
    (await finalizedNumber(apis[0])) >= bestNow, 120000, 250);
  record('stalled_blocks_finalized_after_restart_s', seconds(restart));

  for (const i of [0, 1, 2]) {
    await assertNothingReverted(apis[i], NAMES[i]);
    await assertTransfersKept(apis[i], NAMES[i]);
  }
  await up([3]);
  await waitForAgreement(120000);
});

test('all four crash and restart from their databases: the chain resumes where it was', async () => {
  await transfer(apis[2], 11n * UNIT);
  const finalizedBefore = await rememberFinalized(apis[0]);
  const bestBefore = await best(apis[0]);
  await crash([0, 1, 2, 3]);

  const restart = Date.now();
  await up([0, 1, 2, 3]);
  const resumedAt = await Promise.all(live().map(finalizedNumber));
  console.log(`# after restart, finalized heads: ${resumedAt.join(', ')} (was #${finalizedBefore})`);
  // A crash may lose a node's last few finality notes, never a finalized block.
  for (const i of [0, 1, 2, 3]) {
    await assertNothingReverted(apis[i], NAMES[i]);
  }
  await waitFor('a block beyond the old best to be finalized', async () =>
    (await finalizedNumber(apis[0])) > bestBefore, 180000, 250);
  record('full_restart_to_new_finalized_block_s', seconds(restart));
  await waitForAgreement(60000);
  for (const i of [0, 1, 2, 3]) await assertTransfersKept(apis[i], NAMES[i]);
});
