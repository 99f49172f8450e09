// Data concentrators: accounts the operator registers that relay many meters' readings in one
// `prosumer.submitReadings` transaction, each reading signed by its own meter key
// (extrinsic.mjs, "relayed readings"). One transaction of up to `MaxReadingsPerBatch` (500)
// readings costs the pool one validation and the block one transaction's overhead, which is
// what raises readings per second over one signed extrinsic per meter.
//
// The simulator gives meter k (in its list) to concentrator k mod C, so each concentrator
// serves a fixed share of the meters, as a real one serves a neighbourhood. A concentrator
// signs its batches with its own nonce chain; a batch it sends must not leave a gap in that
// chain (the batches after a gap would wait in the pool's future queue), so the runner sends
// each concentrator's batches one after the other, all concentrators at once ("waves").

import { deriveConcentrators } from './keys.mjs';
import { makeRelaySigner } from './extrinsic.mjs';
import { nextNonces } from './chain.mjs';

export class Concentrator {
  constructor({ index, key, nonce }) {
    this.index = index;
    this.key = key;
    this.address = key.address;
    this.nonce = nonce; // the next one, counted locally after the chain's
    this.pool = new Set(); // batches the pool took that no block has shown yet
    this.needsResync = false;
  }
}

/**
 * Splits `items` (readings ready to relay) into batches per concentrator:
 * `queues[c]` is the list of concentrator c's batches (arrays of items, in the items' order),
 * each of at most `maxPerBatch` readings and, per concentrator, as even in size as possible
 * (1,200 readings in 400, 400, 400 rather than 500, 500, 200). `concentratorOf(item)` is the
 * index of the item's concentrator.
 */
export function planBatches(items, { concentrators, maxPerBatch, concentratorOf }) {
  if (!(concentrators >= 1) || !(maxPerBatch >= 1)) throw new Error('need at least one concentrator and one reading per batch');
  const shares = Array.from({ length: concentrators }, () => []);
  for (const item of items) shares[concentratorOf(item)].push(item);
  return shares.map((share) => {
    const count = Math.ceil(share.length / maxPerBatch);
    const batches = [];
    let at = 0;
    for (let b = 0; b < count; b++) {
      const size = Math.floor(share.length / count) + (b < share.length % count ? 1 : 0);
      batches.push(share.slice(at, at + size));
      at += size;
    }
    return batches;
  });
}

/**
 * Whether each address is a registered concentrator, if the runtime's storage says so in a
 * way this knows: `prosumer.concentrators` as a map (`who` → `()`, `bool` or anything
 * optional) or as a plain list of accounts; `null` for an address it cannot tell. A hint for
 * the log only: the pool's refusal (`NotConcentrator`) is what counts.
 */
export async function concentratorRegistered(api, addresses) {
  const unknown = addresses.map(() => null);
  const query = api.query.prosumer?.concentrators;
  if (!query) return unknown;
  try {
    if (query.creator?.meta?.type?.isPlain) {
      const list = await query();
      if (typeof list?.map !== 'function') return unknown;
      const registered = new Set(list.map((who) => who.toString()));
      return addresses.map((a) => registered.has(a));
    }
    const values = await query.multi(addresses);
    return values.map((v) => {
      if (typeof v.isSome === 'boolean') return v.isSome;
      if (typeof v.isTrue === 'boolean') return v.isTrue;
      return null;
    });
  } catch {
    return unknown; // a shape this does not know
  }
}

/**
 * The relaying side of a run: `{ signer, concentrators: [Concentrator], byAddress, maxPerBatch }`.
 * Derives `count` concentrator keys on `phrase`, reads their nonces, checks the fast batch
 * encoding against polkadot-js (throws on a runtime without `submitReadings`), and logs the
 * concentrators the chain does not know. `batchReadings` lowers the chain's batch limit.
 */
export async function openRelay(api, { count, phrase = undefined, batchReadings = undefined, sampleMeterPair, log = () => {} }) {
  const keys = deriveConcentrators(count, { phrase });
  const signer = makeRelaySigner(api, sampleMeterPair, keys[0].pair);
  const nonces = await nextNonces(api, keys.map((k) => k.address));
  const concentrators = keys.map((key, i) => new Concentrator({ index: key.index, key, nonce: nonces[i] }));
  const registered = await concentratorRegistered(api, keys.map((k) => k.address));
  const unknown = keys.filter((_, i) => registered[i] === false);
  if (unknown.length) {
    log(`# ${unknown.length} of ${count} concentrators are not registered on the chain (${unknown.slice(0, 3).map((k) => k.uri).join(', ')}…):` +
      ' their batches will be refused as NotConcentrator. Write the spec with chain-spec --concentrators, or register them with prosumer.addConcentrator.');
  }
  const maxPerBatch = Math.min(signer.maxReadings, batchReadings ?? Infinity);
  if (!(maxPerBatch >= 1)) throw new Error('a batch must carry at least one reading');
  return { signer, concentrators, byAddress: new Map(concentrators.map((c) => [c.address, c])), maxPerBatch };
}
