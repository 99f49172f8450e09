// The hand-encoded signed reading and order: SCALE layout and a signature that verifies
// over the payload the runtime checks. (At run time, makeReadingSigner and makeOrderSigner
// also compare them byte for byte with polkadot-js's encoding on the live chain's metadata;
// the e2e tests meter-sim and market-scale run that.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sr25519Verify } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, uriKey } from '../lib/keys.mjs';
import { readingFormat, signReading, encodeReadingCall, orderFormat, encodeOrderCall, signOrder } from '../lib/extrinsic.mjs';

before(() => cryptoWaitReady());

/** Just what readingFormat reads from an ApiPromise (the energy runtime's extensions). */
const fakeApi = {
  registry: {
    signedExtensions: ['CheckNonZeroSender', 'CheckSpecVersion', 'CheckTxVersion', 'CheckGenesis',
      'CheckMortality', 'CheckMeterReading', 'CheckNonce', 'CheckWeight', 'ChargeTransactionPayment'],
  },
  runtimeVersion: { specVersion: { toNumber: () => 102 }, transactionVersion: { toNumber: () => 2 } },
  genesisHash: { toU8a: () => new Uint8Array(32).fill(0xab) },
  tx: {
    prosumer: { submitReading: { callIndex: Uint8Array.of(20, 8) } },
    doubleAuction: { placeOrder: { callIndex: Uint8Array.of(22, 0) } },
  },
};

test('the call and the signed extrinsic have the SCALE layout of a v4 signed extrinsic', () => {
  const format = readingFormat(fakeApi);
  const reading = { period: 0x01020304, counters: { importedWh: 2 ** 40 + 5, exportedWh: 7 } };
  const call = encodeReadingCall(format, reading);
  assert.equal(u8aToHex(call), '0x1408' + '04030201' + '0500000000010000' + '0700000000000000');

  const meter = uriKey('//Dave//meter').pair;
  const xt = signReading(format, meter, reading, 300);
  // Body: 0x84, 33-byte address, 65-byte signature, 4 bytes of extra, 22-byte call = 125,
  // whose compact length takes 2 bytes (≥ 64): 0xf5 0x01.
  assert.equal(xt.length, 2 + 125);
  assert.deepEqual([...xt.subarray(0, 4)], [0xf5, 0x01, 0x84, 0x00]);
  assert.deepEqual(xt.subarray(4, 36), meter.publicKey);
  assert.equal(xt[36], 0x01, 'MultiSignature::Sr25519');
  const signature = xt.subarray(37, 101);
  // extra: immortal era, compact(300) = 0xb1 0x04, compact(tip 0).
  assert.equal(u8aToHex(xt.subarray(101, 105)), '0x00b10400');
  assert.deepEqual(xt.subarray(105), call);

  const implicit = [...new Uint8Array([102, 0, 0, 0, 2, 0, 0, 0]), ...new Uint8Array(32).fill(0xab), ...new Uint8Array(32).fill(0xab)];
  const payload = Uint8Array.from([...call, 0x00, 0xb1, 0x04, 0x00, ...implicit]);
  assert.ok(sr25519Verify(payload, signature, meter.publicKey));
});

test('an unknown transaction extension is refused rather than encoded wrongly', () => {
  const api = { ...fakeApi, registry: { signedExtensions: [...fakeApi.registry.signedExtensions, 'CheckSomethingNew'] } };
  assert.throws(() => readingFormat(api), /CheckSomethingNew/);
});

test('a placeOrder call and its signed extrinsic have the SCALE layout of the runtime', () => {
  const format = orderFormat(fakeApi);
  const order = { side: 'Offer', period: 0x01020304, energyWh: 2 ** 40 + 5, pricePerKwh: 300_000_000_000 };
  const call = encodeOrderCall(format, order);
  // 22 0: pallet and call index; 01: Side::Offer; period; energy; 3e11 = 0x45d964b800.
  assert.equal(u8aToHex(call), '0x1600' + '01' + '04030201' + '0500000000010000' + '00b864d945000000');
  assert.equal(u8aToHex(encodeOrderCall(format, { ...order, side: 'Bid' })).slice(0, 8), '0x160000');
  assert.throws(() => encodeOrderCall(format, { ...order, side: 'bid' }), /unknown side/);

  const participant = uriKey('//participant//0').pair;
  const xt = signOrder(format, participant, order, 0);
  // Body: 0x84, 33-byte address, 65-byte signature, 3 bytes of extra, 23-byte call = 125.
  assert.equal(xt.length, 2 + 125);
  assert.deepEqual([...xt.subarray(0, 4)], [0xf5, 0x01, 0x84, 0x00]);
  assert.deepEqual(xt.subarray(4, 36), participant.publicKey);
  assert.equal(xt[36], 0x01, 'MultiSignature::Sr25519');
  // extra: immortal era, compact(nonce 0), compact(tip 0).
  assert.equal(u8aToHex(xt.subarray(101, 104)), '0x000000');
  assert.deepEqual(xt.subarray(104), call);

  const implicit = [...new Uint8Array([102, 0, 0, 0, 2, 0, 0, 0]), ...new Uint8Array(32).fill(0xab), ...new Uint8Array(32).fill(0xab)];
  const payload = Uint8Array.from([...call, 0x00, 0x00, 0x00, ...implicit]);
  assert.ok(sr25519Verify(payload, xt.subarray(37, 101), participant.publicKey));
});
