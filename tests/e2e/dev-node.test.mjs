// A development node: it produces and finalizes blocks, a signed transfer is included and
// finalized, and malformed or badly signed extrinsics are refused while the chain goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { startDevNode, connect, waitFor, finalizedNumber, submitAndFinalize } from './lib.mjs';

const UNIT = 10n ** 12n;
let node;
let api;
let alice;

before(async () => {
  await cryptoWaitReady();
  alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  node = await startDevNode('dev');
  api = await connect(node.url);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('the development chain finalizes blocks within 30 s of start', async () => {
  await waitFor('a finalized block', async () => (await finalizedNumber(api)) >= 1, 30000, 250);
  const seconds = (Date.now() - node.startedAt) / 1000;
  console.log(`# dev node: first block finalized ${seconds.toFixed(1)} s after start`);
  assert.ok(seconds <= 30, `took ${seconds} s`);
  // The finalized block is the best chain's block at its height: finality and block
  // production agree on one chain. (best >= finalized alone holds by construction.)
  const finalizedHash = await api.rpc.chain.getFinalizedHead();
  const finalized = (await api.rpc.chain.getHeader(finalizedHash)).number.toNumber();
  assert.equal((await api.rpc.chain.getBlockHash(finalized)).toHex(), finalizedHash.toHex());
});

test('metadata decodes in @polkadot/api without custom types', async () => {
  assert.equal(api.runtimeVersion.specName.toString(), 'energy-consortium');
  for (const [pallet, call] of [
    ['balances', 'transferKeepAlive'],
    ['consortium', 'propose'],
    ['consortiumMembership', 'addMember'],
    ['validatorSet', 'addMember'],
    ['session', 'setKeys'],
    ['nodeAuthorization', 'addWellKnownNode'],
    ['sudo', 'sudo'],
  ]) {
    assert.equal(typeof api.tx[pallet]?.[call], 'function', `${pallet}.${call} is callable`);
  }
  const props = await api.rpc.system.properties();
  assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'GRID');
  assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 12);
  const validators = await api.query.validatorSet.members();
  assert.deepEqual(validators.map(String), [alice.address]);
  assert.equal((await api.query.sudo.key()).unwrap().toString(), alice.address);
});

test('a balances transfer signed by Alice is included and finalized', async () => {
  const recipient = new Keyring({ type: 'sr25519' }).addFromMnemonic(mnemonicGenerate());
  const amount = 5n * UNIT;
  const aliceBefore = (await api.query.system.account(alice.address)).data.free.toBigInt();

  const { blockHash, events } = await submitAndFinalize(
    api, api.tx.balances.transferKeepAlive(recipient.address, amount), alice);

  const names = events.map(({ event }) => `${event.section}.${event.method}`);
  assert.ok(names.includes('system.ExtrinsicSuccess'), names.join(', '));
  const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
  assert.ok(transfer, 'a balances.Transfer event');
  assert.equal(transfer.event.data.from.toString(), alice.address);
  assert.equal(transfer.event.data.to.toString(), recipient.address);
  assert.equal(transfer.event.data.amount.toBigInt(), amount);

  const at = await api.at(blockHash);
  assert.equal((await at.query.system.account(recipient.address)).data.free.toBigInt(), amount);
  const fee = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event))
    .event.data.actualFee.toBigInt();
  assert.ok(fee > 0n, 'a fee was charged');
  const aliceAfter = (await at.query.system.account(alice.address)).data.free.toBigInt();
  assert.equal(aliceBefore - aliceAfter, amount + fee);
});

test('a malformed extrinsic and one with a bad signature are refused; the chain goes on', async () => {
  const nonceBefore = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  const finalizedBefore = await finalizedNumber(api);

  // Raw JSON-RPC, so that the node (not the client library) judges the bytes.
  const raw = new WsProvider(node.url);
  await raw.isReady;
  const submitRaw = (hex) => raw.send('author_submitExtrinsic', [hex]);

  // Length-prefixed garbage: not an extrinsic of this runtime.
  await assert.rejects(
    submitRaw('0x10deadbeef'),
    (e) => { console.log(`# malformed: ${e.message}`); return /decod|invalid|verification|could not/i.test(e.message); },
  );

  // A correctly encoded transfer whose signature does not match its payload.
  const tx = api.tx.balances.transferKeepAlive(alice.address, UNIT);
  await tx.signAsync(alice, { nonce: nonceBefore });
  const bytes = hexToU8a(tx.toHex());
  const signature = tx.signature.toU8a();
  const at = findSubarray(bytes, signature);
  assert.ok(at > 0, 'signature found in the encoded extrinsic');
  bytes[at + 10] ^= 0xff;
  await assert.rejects(
    submitRaw(u8aToHex(bytes)),
    (e) => { console.log(`# bad signature: ${e.message}`); return /bad signature|1010/i.test(e.message); },
  );

  await raw.disconnect();

  // Nothing was consumed, and blocks keep being finalized.
  assert.equal((await api.rpc.system.accountNextIndex(alice.address)).toNumber(), nonceBefore);
  await waitFor('finality to advance', async () => (await finalizedNumber(api)) >= finalizedBefore + 2, 30000);
});

function findSubarray(haystack, needle) {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
