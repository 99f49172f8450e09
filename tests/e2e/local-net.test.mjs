// The four-validator local consortium, started by scripts/local-net.sh on random loopback
// ports: every node imports and finalizes, they agree on the finalized chain, each is
// connected to exactly the three nodes the consortium admitted, and a transfer submitted
// to one node is finalized on all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import {
  NODE_BIN, scratchDir, freePort, localNetwork, connect, waitFor, finalizedNumber,
  submitAndFinalize, stopProcess, sleep,
} from './lib.mjs';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';

const NAMES = ['alice', 'bob', 'charlie', 'dave'];
// The peer ids the `local` preset admits (runtime/src/genesis_config_presets.rs).
const ADMITTED = [
  '12D3KooWJu1Q4KwPCVjjErrokuvfA2p2fHHQiJXSwaMP2s7poEax',
  '12D3KooWH22T2CBkd6vWRuS7Ky9LoUyChY4pVz4i5JmaLi4dnkv7',
  '12D3KooWActRwEeVBwRc75PpBVsFY1qNjn5vh17n2R1e7eojQ63b',
  '12D3KooWLKy4AEEimFFDMgS9B1hU5imhofWwgumrQruLZmmVYqGu',
];

let net;
let apis = [];
let startedAt;

before(async () => {
  await cryptoWaitReady();
  net = await localNetwork('local-net');
  startedAt = Date.now();
  console.log(net.run('start').trim().split('\n').map((l) => `# ${l}`).join('\n'));
  apis = await Promise.all(NAMES.map((_, i) => connect(net.url(i), 90000)));
});

after(async () => {
  await Promise.all(apis.map((api) => api.disconnect().catch(() => {})));
  net?.run('stop');
});

test('each node runs under the peer id the consortium admitted', async () => {
  const ids = await Promise.all(apis.map(async (api) => (await api.rpc.system.localPeerId()).toString()));
  assert.deepEqual(ids, ADMITTED);
  const wellKnown = await apis[0].query.nodeAuthorization.wellKnownNodes();
  assert.equal(wellKnown.size, 4);
});

test('every node imports and finalizes, connected to the three others', async () => {
  await waitFor('all four nodes to finalize block #3', async () => {
    const numbers = await Promise.all(apis.map(finalizedNumber));
    return numbers.every((n) => n >= 3);
  }, 120000, 1000);
  console.log(`# local net: all four finalized #3 ${((Date.now() - startedAt) / 1000).toFixed(1)} s after start`);
  await waitFor('every node to have three peers', async () => {
    const peers = await Promise.all(apis.map(async (api) => (await api.rpc.system.health()).peers.toNumber()));
    return peers.every((p) => p === 3);
  }, 60000, 1000);
  const authors = await apis[0].query.aura.authorities();
  assert.equal(authors.length, 4, 'four Aura authorities');
  assert.equal((await apis[0].query.sudo.key()).isNone, true, 'no sudo in the local preset');
});

test('all nodes report the same finalized chain', async () => {
  const numbers = await Promise.all(apis.map(finalizedNumber));
  const common = Math.min(...numbers);
  const hashes = await Promise.all(apis.map(async (api) => (await api.rpc.chain.getBlockHash(common)).toHex()));
  assert.equal(new Set(hashes).size, 1, `finalized #${common}: ${hashes.join(' ')}`);

  // Wait for the heads to meet, then compare the finalized heads themselves.
  await waitFor('identical finalized heads on all nodes', async () => {
    const heads = await Promise.all(apis.map(async (api) => (await api.rpc.chain.getFinalizedHead()).toHex()));
    return new Set(heads).size === 1;
  }, 60000, 300);
});

test('a transfer submitted to Charlie\'s node is finalized on all four', async () => {
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const recipient = new Keyring({ type: 'sr25519' }).addFromMnemonic(mnemonicGenerate());
  const amount = 7n * 10n ** 12n;
  const charlie = apis[2];
  const { blockHash } = await submitAndFinalize(
    charlie, charlie.tx.balances.transferKeepAlive(recipient.address, amount), alice);

  await Promise.all(apis.map((api, i) => waitFor(`${NAMES[i]} to finalize the transfer`, async () => {
    const head = await api.rpc.chain.getFinalizedHead();
    const at = await api.at(head);
    return (await at.query.system.account(recipient.address)).data.free.toBigInt() === amount;
  }, 60000, 500)));
  const inBlock = await Promise.all(apis.map(async (api) => (await api.rpc.chain.getHeader(blockHash)).number.toNumber()));
  assert.equal(new Set(inBlock).size, 1, 'every node has the same block at that hash');
});

test('a node the consortium has not admitted cannot peer or sync', async () => {
  const dir = scratchDir('outsider');
  const [rpcPort, p2pPort] = [await freePort(), await freePort()];
  const log = openSync(join(dir, 'node.log'), 'a');
  // A full node with a fresh random node key, pointed straight at Alice's node.
  const outsider = spawn(NODE_BIN, [
    '--chain', 'local', '--base-path', join(dir, 'db'), '--name', 'outsider',
    '--rpc-port', String(rpcPort), '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--bootnodes', `/ip4/127.0.0.1/tcp/${net.p2pBase}/p2p/${ADMITTED[0]}`,
    '--allow-private-ip', '--no-mdns', '--no-telemetry',
  ], { stdio: ['ignore', log, log] });
  try {
    const api = await connect(`ws://127.0.0.1:${rpcPort}`, 60000);
    try {
      // Give it several block times to connect and sync, as an admitted node would.
      await sleep(20000);
      const health = await api.rpc.system.health();
      const best = (await api.rpc.chain.getHeader()).number.toNumber();
      const consortiumBest = (await apis[0].rpc.chain.getHeader()).number.toNumber();
      console.log(`# outsider: ${health.peers.toNumber()} peers, best #${best}; consortium at #${consortiumBest}`);
      assert.equal(health.peers.toNumber(), 0, 'no consortium node accepts it as a peer');
      assert.equal(best, 0, 'it imported no block');
      assert.ok(consortiumBest > 3, 'while the consortium kept producing blocks');
    } finally {
      await api.disconnect();
    }
  } finally {
    await stopProcess(outsider);
  }
  // The admitted nodes still see each other.
  const peers = await Promise.all(apis.map(async (api) => (await api.rpc.system.health()).peers.toNumber()));
  assert.deepEqual(peers, [3, 3, 3, 3]);
});
