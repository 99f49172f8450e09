// Signed `prosumer.submitReading`, `prosumer.submitReadings` (a data concentrator's batch)
// and `doubleAuction.placeOrder` extrinsics, fast.
// polkadot-js's `tx.sign` takes about 1.1 ms per transaction on this machine (type
// registry, payload objects); a reading is a fixed 22-byte call and an order a 23-byte one,
// so this module encodes the extrinsic by hand and only the sr25519 signature costs
// anything: about 0.12 ms with @polkadot/wasm-crypto's WebAssembly (the pure-JavaScript
// sr25519 of @polkadot/util-crypto 14 takes 0.77 ms). A self-check against polkadot-js at
// start (`makeReadingSigner`, `makeOrderSigner`) refuses to run if the runtime's
// transaction format differs from what is encoded here (an unknown transaction extension,
// another call layout).
//
// Layout (extrinsic format version 4, signed; all integers little-endian, SCALE):
//   compact(length) ‖ 0x84 ‖ MultiAddress::Id (0x00 ‖ public key) ‖ MultiSignature::Sr25519
//   (0x01 ‖ 64-byte signature) ‖ extra ‖ call
//   call  = pallet index ‖ call index ‖ the arguments:
//           reading: MeterReading = period u32 ‖ importedWh u64 ‖ exportedWh u64 (20 bytes)
//           batch:   compact(n) ‖ n × RelayedReading, each meter public key (32) ‖
//                    MeterReading (20) ‖ the meter's sr25519 signature (64) = 116 bytes
//           order:   side u8 (Bid 0, Offer 1) ‖ period u32 ‖ energyWh u64 ‖ pricePerKwh u64
//   extra = each transaction extension's explicit data, in the runtime's order: immortal era
//           (0x00), compact nonce, compact tip (0); the others carry none
//   signed payload = call ‖ extra ‖ implicit data (spec version u32, transaction version u32,
//           genesis hash, and the era's birth block: the genesis hash for an immortal era)
// All are immortal (no recent block hash needed, so they can be signed far ahead): the
// chain refuses a reading once `MaxReadingDelay` periods old and an order once its period's
// book has closed, and the nonce prevents replays.
//
// A relayed reading is signed by the meter itself, raw sr25519 (no <Bytes> wrapping) over
//   message = "emr1" (4 ASCII bytes) ‖ genesis hash (32) ‖ MeterReading (20) = 56 bytes,
// and the batch extrinsic by the concentrator like any other. The meter's signature names
// no nonce: the chain refuses a period not after the meter's last one, which is what stops
// a replay, so a reading signed once can be relayed again in another batch after a drop.

import { compactToU8a, u8aToHex } from '@polkadot/util';
import { sr25519Verify, blake2AsU8a } from '@polkadot/util-crypto';
import { sr25519Sign } from '@polkadot/wasm-crypto';
import { keyringPair } from './keys.mjs';

/** Extensions that carry no explicit and no implicit data (known to polkadot-js or ours). */
const EMPTY_EXTENSIONS = new Set(['CheckNonZeroSender', 'CheckWeight', 'CheckMeterReading', 'StorageWeightReclaim', 'WeightReclaim']);

function u32le(n) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function u64le(n) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

function concat(parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The pieces of a signed extrinsic that depend only on the chain (extension order,
 * versions, genesis), learned from a connected `api`. Add `callIndex` for one call.
 */
export function txFormat(api) {
  const extensions = api.registry.signedExtensions;
  const before = [];
  const after = [];
  const implicit = [];
  let seenNonce = false;
  const genesis = api.genesisHash.toU8a();
  for (const name of extensions) {
    const extra = seenNonce ? after : before;
    switch (name) {
      case 'CheckSpecVersion':
        implicit.push(u32le(api.runtimeVersion.specVersion.toNumber()));
        break;
      case 'CheckTxVersion':
        implicit.push(u32le(api.runtimeVersion.transactionVersion.toNumber()));
        break;
      case 'CheckGenesis':
        implicit.push(genesis);
        break;
      case 'CheckMortality':
      case 'CheckEra':
        extra.push(Uint8Array.of(0)); // immortal
        implicit.push(genesis);
        break;
      case 'CheckNonce':
        seenNonce = true;
        break;
      case 'ChargeTransactionPayment':
        extra.push(Uint8Array.of(0)); // compact(0): no tip
        break;
      case 'CheckMetadataHash':
        extra.push(Uint8Array.of(0)); // mode: disabled
        implicit.push(Uint8Array.of(0)); // Option::None
        break;
      default:
        if (!EMPTY_EXTENSIONS.has(name)) {
          throw new Error(`transaction extension ${name} is not known to the fast extrinsic encoder`);
        }
    }
  }
  if (!seenNonce) throw new Error('the runtime has no CheckNonce extension');
  return {
    extraBeforeNonce: concat(before),
    extraAfterNonce: concat(after),
    implicit: concat(implicit),
  };
}

/**
 * The pieces of a reading's extrinsic that depend only on the chain (call index, extension
 * order, versions, genesis), learned from a connected `api`.
 */
export function readingFormat(api) {
  return { ...txFormat(api), callIndex: Uint8Array.from(api.tx.prosumer.submitReading.callIndex) };
}

/** The same for `doubleAuction.placeOrder`. */
export function orderFormat(api) {
  return { ...txFormat(api), callIndex: Uint8Array.from(api.tx.doubleAuction.placeOrder.callIndex) };
}

/** SCALE of a `MeterReading`: period u32 ‖ importedWh u64 ‖ exportedWh u64 (20 bytes). */
export function encodeMeterReading({ period, counters: { importedWh, exportedWh } }) {
  return concat([u32le(period), u64le(importedWh), u64le(exportedWh)]);
}

/** The encoded call `prosumer.submitReading({ period, counters })`. */
export function encodeReadingCall(format, reading) {
  return concat([format.callIndex, encodeMeterReading(reading)]);
}

/**
 * The signed extrinsic (bytes) of the encoded `call` by `pair` ({publicKey, secretKey})
 * with `nonce`, in the chain's `format` (`txFormat`).
 */
export function signCall(format, pair, call, nonce) {
  const extra = concat([format.extraBeforeNonce, compactToU8a(nonce), format.extraAfterNonce]);
  let payload = concat([call, extra, format.implicit]);
  if (payload.length > 256) payload = blake2AsU8a(payload, 256);
  const signature = sr25519Sign(pair.publicKey, pair.secretKey, payload);
  const body = concat([
    Uint8Array.of(0x84), // signed, format version 4
    Uint8Array.of(0x00), pair.publicKey, // MultiAddress::Id
    Uint8Array.of(0x01), signature, // MultiSignature::Sr25519
    extra,
    call,
  ]);
  return concat([compactToU8a(body.length), body]);
}

/**
 * The signed extrinsic (bytes) of `reading` by the meter `pair` ({publicKey, secretKey})
 * with `nonce`.
 */
export function signReading(format, pair, reading, nonce) {
  return signCall(format, pair, encodeReadingCall(format, reading), nonce);
}

/** The same, as 0x-hex for `author_submitExtrinsic`. */
export function signReadingHex(format, pair, reading, nonce) {
  return u8aToHex(signReading(format, pair, reading, nonce));
}

/**
 * Checks that `fast` (the hand-signed extrinsic of `call` with `nonce`) equals polkadot-js's
 * signing of `tx` (the same call) with the same nonce, all bytes but the randomized sr25519
 * signature, which is verified instead. Throws if they differ.
 */
function selfCheck(api, format, samplePair, { tx, call, nonce, fast, what }) {
  tx.sign(keyringPair(samplePair), {
    blockHash: api.genesisHash,
    genesisHash: api.genesisHash,
    era: 0,
    nonce,
    runtimeVersion: api.runtimeVersion,
    signedExtensions: api.registry.signedExtensions,
  });
  const reference = tx.toU8a();
  // The signature sits after compact(length), 0x84, the 33-byte address and the 0x01 tag.
  const lengthBytes = compactToU8a(reference.length - compactToU8a(reference.length).length).length;
  const sigAt = lengthBytes + 1 + 33 + 1;
  const strip = (bytes) => concat([bytes.subarray(0, sigAt), bytes.subarray(sigAt + 64)]);
  if (fast.length !== reference.length || u8aToHex(strip(fast)) !== u8aToHex(strip(reference))) {
    throw new Error(`the fast ${what} encoding differs from polkadot-js's:\n fast ${u8aToHex(fast)}\n pjs  ${u8aToHex(reference)}`);
  }
  const extra = concat([format.extraBeforeNonce, compactToU8a(nonce), format.extraAfterNonce]);
  const payload = concat([call, extra, format.implicit]);
  if (!sr25519Verify(payload.length > 256 ? blake2AsU8a(payload, 256) : payload, fast.subarray(sigAt, sigAt + 64), samplePair.publicKey)) {
    throw new Error(`the fast ${what} signature does not verify`);
  }
}

/**
 * A signer for readings on the chain `api` is connected to, after checking that the fast
 * encoding equals what polkadot-js produces for the same reading (all bytes but the
 * randomized sr25519 signature, which is verified instead). Throws if they differ.
 */
export function makeReadingSigner(api, samplePair) {
  const format = readingFormat(api);
  const reading = { period: 123456, counters: { importedWh: 4_000_000_001, exportedWh: 7 } };
  const nonce = 300; // a two-byte compact
  selfCheck(api, format, samplePair, {
    tx: api.tx.prosumer.submitReading(reading),
    call: encodeReadingCall(format, reading),
    nonce,
    fast: signReading(format, samplePair, reading, nonce),
    what: 'reading',
  });
  return {
    format,
    /** 0x-hex of the signed reading. */
    sign: (pair, reading, nonce) => signReadingHex(format, pair, reading, nonce),
  };
}

/** Sides of an order as the runtime's `Side` enum encodes them. */
const SIDES = Object.freeze({ Bid: 0, Offer: 1 });

/**
 * The encoded call `doubleAuction.placeOrder(side, period, energyWh, pricePerKwh)`: side
 * `'Bid'` or `'Offer'`, period u32, energy u64 (Wh), price u64 (smallest unit per kWh).
 */
export function encodeOrderCall(format, { side, period, energyWh, pricePerKwh }) {
  const sideByte = SIDES[side];
  if (sideByte === undefined) throw new Error(`unknown side ${side}`);
  return concat([format.callIndex, Uint8Array.of(sideByte), u32le(period), u64le(energyWh), u64le(pricePerKwh)]);
}

/** The signed `placeOrder` extrinsic (bytes) of `order` by `pair` with `nonce`. */
export function signOrder(format, pair, order, nonce) {
  return signCall(format, pair, encodeOrderCall(format, order), nonce);
}

/**
 * A signer for `placeOrder` on the chain `api` is connected to, after the same self-check
 * against polkadot-js as `makeReadingSigner` (an offer with a price above 2^32, a bid).
 */
export function makeOrderSigner(api, samplePair) {
  const format = orderFormat(api);
  const samples = [
    { side: 'Offer', period: 1_234_567, energyWh: 4_000_000_001, pricePerKwh: 300_000_000_000, nonce: 300 },
    { side: 'Bid', period: 7, energyWh: 15, pricePerKwh: 1, nonce: 0 },
  ];
  for (const { nonce, ...order } of samples) {
    selfCheck(api, format, samplePair, {
      tx: api.tx.doubleAuction.placeOrder(order.side, order.period, order.energyWh, order.pricePerKwh),
      call: encodeOrderCall(format, order),
      nonce,
      fast: signOrder(format, samplePair, order, nonce),
      what: 'order',
    });
  }
  return {
    format,
    /** 0x-hex of the signed order. */
    sign: (pair, order, nonce) => u8aToHex(signOrder(format, pair, order, nonce)),
  };
}

// ------------------------------------------------------------------ relayed readings

/** The domain tag in front of what a meter signs for relaying (4 ASCII bytes). */
export const READING_MESSAGE_TAG = 'emr1';
const TAG_BYTES = new TextEncoder().encode(READING_MESSAGE_TAG);
/** Bytes of a SCALE `MeterReading`, of the message a meter signs, and of a `RelayedReading`. */
export const METER_READING_BYTES = 20;
export const READING_MESSAGE_BYTES = 4 + 32 + METER_READING_BYTES;
export const RELAYED_READING_BYTES = 32 + METER_READING_BYTES + 64;

/**
 * What a meter signs so that a concentrator can relay its reading:
 * `emr1` ‖ genesis hash ‖ SCALE(MeterReading), 56 bytes. The genesis hash keeps a reading
 * signed for one chain from being relayed on another.
 */
export function readingMessage(genesisHash, reading) {
  if (genesisHash.length !== 32) throw new Error('the genesis hash has 32 bytes');
  return concat([TAG_BYTES, genesisHash, encodeMeterReading(reading)]);
}

/** The meter's raw sr25519 signature (64 bytes) of `reading` on the chain of `genesisHash`. */
export function signMeterReading(genesisHash, pair, reading) {
  return sr25519Sign(pair.publicKey, pair.secretKey, readingMessage(genesisHash, reading));
}

/**
 * SCALE of a `RelayedReading`: meter (AccountId32, the meter's sr25519 public key) ‖
 * MeterReading ‖ signature (64 bytes), 116 bytes.
 */
export function encodeRelayedReading({ meter, reading, signature }) {
  if (meter.length !== 32) throw new Error('a meter key has 32 bytes');
  if (signature.length !== 64) throw new Error('a meter signature has 64 bytes');
  return concat([meter, encodeMeterReading(reading), signature]);
}

/** The inverse, for checks and reports: `{ meter, reading, signature }` of a 116-byte entry. */
export function decodeRelayedReading(entry) {
  if (entry.length !== RELAYED_READING_BYTES) throw new Error(`a relayed reading has ${RELAYED_READING_BYTES} bytes`);
  const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
  return {
    meter: entry.slice(0, 32),
    reading: {
      period: view.getUint32(32, true),
      counters: { importedWh: Number(view.getBigUint64(36, true)), exportedWh: Number(view.getBigUint64(44, true)) },
    },
    signature: entry.slice(52, 116),
  };
}

/** The relayed entry (116 bytes) of `reading`, signed by the meter `pair`. */
export function relayReading(format, pair, reading) {
  return encodeRelayedReading({ meter: pair.publicKey, reading, signature: signMeterReading(format.genesisHash, pair, reading) });
}

/**
 * The pieces of a concentrator's batch extrinsic that depend only on the chain: those of
 * `txFormat`, the call index of `prosumer.submitReadings`, the genesis hash the meters sign
 * and the most readings a batch may carry (`prosumer.maxReadingsPerBatch`).
 */
export function relayFormat(api) {
  const call = api.tx.prosumer?.submitReadings;
  const max = api.consts.prosumer?.maxReadingsPerBatch;
  if (!call || !max) {
    throw new Error('the runtime has no prosumer.submitReadings (data concentrators): relay with a runtime that has it, or leave out --concentrators');
  }
  return {
    ...txFormat(api),
    callIndex: Uint8Array.from(call.callIndex),
    genesisHash: api.genesisHash.toU8a(),
    maxReadings: max.toNumber(),
  };
}

/** The encoded call `prosumer.submitReadings(entries)` (entries: 116-byte RelayedReadings). */
export function encodeRelayCall(format, entries) {
  if (entries.length === 0) throw new Error('an empty batch'); // the chain refuses it (EmptyBatch)
  if (format.maxReadings !== undefined && entries.length > format.maxReadings) {
    throw new Error(`a batch of ${entries.length} readings exceeds the chain's ${format.maxReadings}`);
  }
  return concat([format.callIndex, compactToU8a(entries.length), ...entries]);
}

/** The signed `submitReadings` extrinsic (bytes) of `entries` by the concentrator `pair`. */
export function signRelayBatch(format, pair, entries, nonce) {
  return signCall(format, pair, encodeRelayCall(format, entries), nonce);
}

/**
 * A signer of relayed readings for the chain `api` is connected to: `entry(meterPair,
 * reading)` signs a reading as its meter (116 bytes) and `sign(concentratorPair, entries,
 * nonce)` the batch (0x-hex). Checked first against polkadot-js as `makeReadingSigner` is,
 * with a batch of one entry and one of 65 (a two-byte compact length): the call's layout
 * (field order, 64-byte signature, no enum around it) must be the runtime's. Each sample
 * meter signature is verified over its 56-byte message too.
 */
export function makeRelaySigner(api, sampleMeterPair, sampleConcentratorPair) {
  const format = relayFormat(api);
  const readings = [
    { period: 123456, counters: { importedWh: 4_000_000_001, exportedWh: 7 } },
    ...Array.from({ length: 64 }, (_, i) => ({ period: 1000 + i, counters: { importedWh: i, exportedWh: 2 ** 33 + i } })),
  ];
  const entries = readings.map((r) => relayReading(format, sampleMeterPair, r));
  for (const [i, e] of entries.entries()) {
    if (!sr25519Verify(readingMessage(format.genesisHash, readings[i]), e.subarray(52), sampleMeterPair.publicKey)) {
      throw new Error('a meter\'s reading signature does not verify');
    }
  }
  for (const batch of [entries.slice(0, 1), entries]) {
    const nonce = 300;
    let tx;
    try {
      tx = api.tx.prosumer.submitReadings(batch.map((e) => {
        const { meter, reading, signature } = decodeRelayedReading(e);
        return { meter: u8aToHex(meter), reading, signature: u8aToHex(signature) };
      }));
    } catch (e) {
      throw new Error(`the runtime's prosumer.submitReadings is not (meter, reading, signature) entries as the fast encoder writes them: ${e.message}`);
    }
    selfCheck(api, format, sampleConcentratorPair, {
      tx,
      call: encodeRelayCall(format, batch),
      nonce,
      fast: signRelayBatch(format, sampleConcentratorPair, batch, nonce),
      what: 'relayed batch',
    });
  }
  return {
    format,
    maxReadings: format.maxReadings,
    /** The meter's signed entry (116 bytes). */
    entry: (meterPair, reading) => relayReading(format, meterPair, reading),
    /** 0x-hex of the concentrator's signed batch. */
    sign: (pair, batch, nonce) => u8aToHex(signRelayBatch(format, pair, batch, nonce)),
  };
}
