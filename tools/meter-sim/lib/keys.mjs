// Deterministic keys: participant i is `<phrase>//participant//<i>` and its meter
// `<phrase>//meter//<i>` (sr25519), data concentrator j (which relays meters' readings in
// batches) `<phrase>//concentrator//<j>`, on the well-known development phrase unless another is
// given. The chain-spec command and the runner derive the same keys from the same phrase, so
// they agree without any key file. Never use the development phrase on a chain that matters.
//
// Speed matters for 10,000 meters: the phrase's mini secret (PBKDF2, 2,048 rounds) is
// computed once, the `//meter` step once, and only the last junction per key, with the
// WebAssembly sr25519 of @polkadot/wasm-crypto (about 0.1 ms; @polkadot/util-crypto 14's
// sr25519 is pure JavaScript, 2.5 times slower to derive and 6 times slower to sign). A
// unit test checks the keys equal `keyring.addFromUri(phrase + path)`.

import { Keyring, DEV_PHRASE } from '@polkadot/keyring';
import {
  cryptoWaitReady,
  encodeAddress,
  keyExtractPath,
  mnemonicToMiniSecret,
} from '@polkadot/util-crypto';
import {
  sr25519KeypairFromSeed,
  sr25519DeriveKeypairHard,
  sr25519DeriveKeypairSoft,
} from '@polkadot/wasm-crypto';

export { DEV_PHRASE, cryptoWaitReady };

/** SS58 prefix of the chain's addresses (the generic Substrate one). */
export const SS58_PREFIX = 42;

/** A 96-byte wasm keypair (secret 64 ‖ public 32) as `{ publicKey, secretKey }`. */
const split = (keypair) => ({ secretKey: keypair.slice(0, 64), publicKey: keypair.slice(64) });
const join = ({ secretKey, publicKey }) => {
  const keypair = new Uint8Array(96);
  keypair.set(secretKey, 0);
  keypair.set(publicKey, 64);
  return keypair;
};

function junctionsOf(path) {
  const { parts, path: junctions } = keyExtractPath(path);
  if (parts === null || parts.join('') !== path) throw new Error(`bad derivation path ${path}`);
  return junctions;
}

function deriveFrom(keypair, junctions) {
  for (const j of junctions) {
    keypair = j.isHard
      ? sr25519DeriveKeypairHard(keypair, j.chainCode)
      : sr25519DeriveKeypairSoft(keypair, j.chainCode);
  }
  return keypair;
}

const cache = new Map();

/** The keypair of `<phrase><prefix>` (prefix '' = the phrase's root), cached. */
function prefixKeypair(prefix, phrase) {
  const id = `${phrase}\u0000${prefix}`;
  let keypair = cache.get(id);
  if (!keypair) {
    if (prefix === '') {
      const seed = /^0x[0-9a-fA-F]{64}$/.test(phrase)
        ? Uint8Array.from(Buffer.from(phrase.slice(2), 'hex'))
        : mnemonicToMiniSecret(phrase);
      keypair = sr25519KeypairFromSeed(seed);
    } else {
      keypair = deriveFrom(prefixKeypair('', phrase), junctionsOf(prefix));
    }
    cache.set(id, keypair);
  }
  return keypair;
}

/**
 * The sr25519 pair `{ publicKey, secretKey }` of `<phrase><path>`, path like `//meter//3`.
 * `phrase` is a BIP-39 phrase or a 0x-prefixed 32-byte hex seed.
 */
export function derivePair(path, phrase = DEV_PHRASE) {
  const [, prefix, last] = /^(.*?)(\/\/?[^/]+)$/.exec(path) ?? [];
  if (last === undefined) throw new Error(`bad derivation path ${path}`);
  return split(deriveFrom(prefixKeypair(prefix, phrase), junctionsOf(last)));
}

/** Path of meter `i`. */
export const meterPath = (i) => `//meter//${i}`;
/** Path of participant `i`. */
export const participantPath = (i) => `//participant//${i}`;
/** Path of data concentrator `j`. */
export const concentratorPath = (j) => `//concentrator//${j}`;

/** SS58 address of a public key. */
export const address = (publicKey) => encodeAddress(publicKey, SS58_PREFIX);

/**
 * Keys of participants and meters `first … first + count − 1`:
 * `[{ index, participant: {address, pair, uri}, meter: {address, pair, uri} }]`.
 * Pass `participants: false` or `meters: false` when only one side is needed.
 * Call `cryptoWaitReady()` first (the sr25519 code is WebAssembly).
 */
export function deriveKeys(count, { phrase = DEV_PHRASE, first = 0, participants = true, meters = true } = {}) {
  const key = (uri) => {
    const pair = derivePair(uri, phrase);
    return { uri, pair, address: address(pair.publicKey) };
  };
  const out = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = first + k;
    out[k] = {
      index: i,
      participant: participants ? key(participantPath(i)) : undefined,
      meter: meters ? key(meterPath(i)) : undefined,
    };
  }
  return out;
}

/**
 * Keys of data concentrators `first … first + count − 1`: `[{ index, uri, pair, address }]`.
 * Call `cryptoWaitReady()` first.
 */
export function deriveConcentrators(count, { phrase = DEV_PHRASE, first = 0 } = {}) {
  return Array.from({ length: count }, (_, k) => ({ index: first + k, ...uriKey(concentratorPath(first + k), phrase) }));
}

/** A key of any secret URI on the phrase, e.g. `//Dave//meter` for the demo meters. */
export function uriKey(uri, phrase = DEV_PHRASE) {
  const pair = derivePair(uri, phrase);
  return { uri, pair, address: address(pair.publicKey) };
}

/** A polkadot-js KeyringPair (for `tx.sign`) of a raw sr25519 pair. */
export function keyringPair(pair) {
  return new Keyring({ type: 'sr25519', ss58Format: SS58_PREFIX }).addFromPair(pair);
}

/** The 96-byte keypair the WebAssembly signer takes. */
export const wasmKeypair = join;
