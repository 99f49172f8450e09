// The hand-encoded signed reading, relayed batch and order: SCALE layout and signatures
// that verify over the payloads the runtime checks. (At run time, makeReadingSigner and makeOrderSigner
// also compare them byte for byte with polkadot-js's encoding on the live chain's metadata;
// the e2e tests meter-sim and market-scale run that.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sr25519Verify, signatureVerify, blake2AsU8a } from '@polkadot/util-crypto';
import { u8aToHex, u8aConcat } from '@polkadot/util';
import { TypeRegistry } from '@polkadot/types';
import { cryptoWaitReady, uriKey, deriveKeys, deriveConcentrators } from '../lib/keys.mjs';
import {
  readingFormat, signReading, encodeReadingCall, orderFormat, encodeOrderCall, signOrder,
  relayFormat, readingMessage, signMeterReading, encodeRelayedReading, decodeRelayedReading,
  relayReading, encodeRelayCall, signRelayBatch, encodeMeterReading,
  READING_MESSAGE_BYTES, RELAYED_READING_BYTES,
} from '../lib/extrinsic.mjs';

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
    prosumer: { submitReading: { callIndex: Uint8Array.of(20, 8) }, submitReadings: { callIndex: Uint8Array.of(20, 9) } },
    doubleAuction: { placeOrder: { callIndex: Uint8Array.of(22, 0) } },
  },
  consts: { prosumer: { maxReadingsPerBatch: { toNumber: () => 500 } } },
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

// ------------------------------------------------------------------ relayed readings

const GENESIS = new Uint8Array(32).fill(0xab);
const READING = { period: 0x01020304, counters: { importedWh: 2 ** 40 + 5, exportedWh: 7 } };
// SCALE(MeterReading): period u32 LE, imported u64 LE, exported u64 LE.
const READING_HEX = '04030201' + '0500000000010000' + '0700000000000000';

test('a meter signs "emr1" ‖ genesis hash ‖ SCALE(MeterReading): 56 bytes, raw sr25519', () => {
  assert.equal(u8aToHex(encodeMeterReading(READING)), '0x' + READING_HEX);
  const message = readingMessage(GENESIS, READING);
  assert.equal(message.length, 56);
  assert.equal(READING_MESSAGE_BYTES, 56);
  assert.equal(u8aToHex(message), '0x' + '656d7231' + 'ab'.repeat(32) + READING_HEX);
  assert.throws(() => readingMessage(new Uint8Array(31), READING), /32 bytes/);
  // The vector of pallet-prosumer's test a_relayed_reading_signs_the_context_the_genesis_hash_and_the_reading.
  assert.equal(
    u8aToHex(readingMessage(new Uint8Array(32).fill(0xaa), { period: 0x01020304, counters: { importedWh: 0x1122, exportedWh: 0x3344 } })),
    '0x656d7231' + 'aa'.repeat(32) + '04030201' + '2211000000000000' + '4433000000000000',
  );

  const meter = deriveKeys(1, { participants: false })[0].meter.pair;
  const signature = signMeterReading(GENESIS, meter, READING);
  assert.equal(signature.length, 64);
  // Verified as the runtime does: raw message, the meter's public key, sr25519.
  const verdict = signatureVerify(message, signature, meter.publicKey);
  assert.ok(verdict.isValid);
  assert.equal(verdict.crypto, 'sr25519');
  // Not over anything else: another period, another chain, the <Bytes>-wrapped message.
  assert.equal(signatureVerify(readingMessage(GENESIS, { ...READING, period: 1 }), signature, meter.publicKey).isValid, false);
  assert.equal(signatureVerify(readingMessage(new Uint8Array(32), READING), signature, meter.publicKey).isValid, false);
  // signatureVerify also accepts a signature of the <Bytes>-wrapped message (what wallets
  // sign); the runtime's sr25519 check does not, so the signature must be of the raw bytes.
  assert.ok(sr25519Verify(message, signature, meter.publicKey));
  assert.equal(sr25519Verify(u8aConcat('<Bytes>', message, '</Bytes>'), signature, meter.publicKey), false);
});

test('a RelayedReading is meter key (32) ‖ MeterReading (20) ‖ signature (64): 116 bytes', () => {
  const format = relayFormat(fakeApi);
  assert.deepEqual(format.callIndex, Uint8Array.of(20, 9));
  assert.deepEqual(format.genesisHash, GENESIS);
  assert.equal(format.maxReadings, 500);

  const meter = uriKey('//Dave//meter').pair;
  const entry = relayReading(format, meter, READING);
  assert.equal(entry.length, 116);
  assert.equal(RELAYED_READING_BYTES, 116);
  assert.deepEqual(entry.subarray(0, 32), meter.publicKey);
  assert.equal(u8aToHex(entry.subarray(32, 52)), '0x' + READING_HEX);
  assert.ok(signatureVerify(readingMessage(GENESIS, READING), entry.subarray(52), meter.publicKey).isValid);

  const signature = new Uint8Array(64).map((_, i) => i);
  const handmade = encodeRelayedReading({ meter: new Uint8Array(32).fill(0x11), reading: READING, signature });
  assert.equal(u8aToHex(handmade), '0x' + '11'.repeat(32) + READING_HEX + u8aToHex(signature).slice(2));
  assert.deepEqual(decodeRelayedReading(handmade), { meter: new Uint8Array(32).fill(0x11), reading: READING, signature });
  assert.throws(() => encodeRelayedReading({ meter: new Uint8Array(33), reading: READING, signature }), /32 bytes/);
  assert.throws(() => encodeRelayedReading({ meter: new Uint8Array(32), reading: READING, signature: new Uint8Array(65) }), /64 bytes/);
});

test('the submitReadings call is pallet 20, call 9 ‖ compact(n) ‖ the entries, as polkadot-js encodes Vec<RelayedReading>', () => {
  const format = relayFormat(fakeApi);
  const entry = (i) => encodeRelayedReading({
    meter: new Uint8Array(32).fill(i), reading: { period: i, counters: { importedWh: i, exportedWh: 2 * i } }, signature: new Uint8Array(64).fill(i),
  });
  const two = encodeRelayCall(format, [entry(1), entry(2)]);
  assert.equal(u8aToHex(two.subarray(0, 3)), '0x140908'); // compact(2) = 0x08
  assert.equal(two.length, 3 + 2 * 116);
  assert.deepEqual(two.subarray(3, 119), entry(1));
  const full = encodeRelayCall(format, Array.from({ length: 500 }, (_, i) => entry(i % 256)));
  assert.equal(u8aToHex(full.subarray(0, 4)), '0x1409d107'); // compact(500) = 500·4+1 = 0x07d1, two bytes LE
  assert.equal(full.length, 4 + 500 * 116);
  assert.throws(() => encodeRelayCall(format, Array.from({ length: 501 }, () => entry(1))), /exceeds the chain's 500/);
  assert.throws(() => encodeRelayCall(format, []), /empty batch/);

  // The same bytes from polkadot-js's codec, with the runtime's types written out.
  const registry = new TypeRegistry();
  registry.register({
    MeterCounters: { importedWh: 'u64', exportedWh: 'u64' },
    MeterReading: { period: 'u32', counters: 'MeterCounters' },
    RelayedReading: { meter: 'AccountId32', reading: 'MeterReading', signature: '[u8; 64]' },
  });
  const entries = [1, 2, 3].map((i) => decodeRelayedReading(entry(i)));
  const pjs = registry.createType('Vec<RelayedReading>', entries.map(({ meter, reading, signature }) => ({
    meter: u8aToHex(meter), reading, signature: u8aToHex(signature),
  }))).toU8a();
  assert.equal(u8aToHex(encodeRelayCall(format, [1, 2, 3].map(entry)).subarray(2)), u8aToHex(pjs));
});

test('a concentrator\'s batch is an ordinary signed extrinsic whose signature covers the hashed payload', () => {
  const format = relayFormat(fakeApi);
  const meters = deriveKeys(2, { participants: false }).map((k) => k.meter.pair);
  const concentrator = deriveConcentrators(1)[0].pair;
  const entries = meters.map((m, i) => relayReading(format, m, { ...READING, period: READING.period + i }));
  const call = encodeRelayCall(format, entries);
  const xt = signRelayBatch(format, concentrator, entries, 300);
  // Body: 0x84, 33-byte address, 65-byte signature, 4 bytes of extra, 235-byte call = 338,
  // compact(338) = 338·4+1 = 0x0549: 0x49 0x05.
  assert.equal(call.length, 235);
  assert.equal(xt.length, 2 + 338);
  assert.deepEqual([...xt.subarray(0, 4)], [0x49, 0x05, 0x84, 0x00]);
  assert.deepEqual(xt.subarray(4, 36), concentrator.publicKey);
  assert.equal(xt[36], 0x01, 'MultiSignature::Sr25519');
  assert.equal(u8aToHex(xt.subarray(101, 105)), '0x00b10400');
  assert.deepEqual(xt.subarray(105), call);

  // The payload (call ‖ extra ‖ implicit) is 311 bytes, over 256: signed as its blake2-256.
  const implicit = [...new Uint8Array([102, 0, 0, 0, 2, 0, 0, 0]), ...GENESIS, ...GENESIS];
  const payload = Uint8Array.from([...call, 0x00, 0xb1, 0x04, 0x00, ...implicit]);
  assert.equal(payload.length, 311);
  assert.ok(sr25519Verify(blake2AsU8a(payload, 256), xt.subarray(37, 101), concentrator.publicKey));
  // Each meter's own signature still verifies inside the batch.
  entries.forEach((e, i) => {
    const { meter, reading, signature } = decodeRelayedReading(xt.subarray(105 + 3 + 116 * i, 105 + 3 + 116 * (i + 1)));
    assert.ok(signatureVerify(readingMessage(GENESIS, reading), signature, meter).isValid);
    assert.deepEqual(meter, meters[i].publicKey);
  });

  // One entry: call 119 bytes, payload 195 bytes, signed as it is.
  const one = signRelayBatch(format, concentrator, entries.slice(0, 1), 0);
  const oneCall = encodeRelayCall(format, entries.slice(0, 1));
  assert.equal(oneCall.length, 119);
  const onePayload = Uint8Array.from([...oneCall, 0x00, 0x00, 0x00, ...implicit]);
  assert.ok(sr25519Verify(onePayload, one.subarray(37, 101), concentrator.publicKey));
});

test('a runtime without submitReadings is refused with a clear message', () => {
  const api = { ...fakeApi, tx: { prosumer: { submitReading: fakeApi.tx.prosumer.submitReading } }, consts: { prosumer: {} } };
  assert.throws(() => relayFormat(api), /no prosumer.submitReadings/);
});
