// What the simulator reads from the chain: the connection, the period clock, meter and
// participant records, nonces, and the names of refusal reasons from the metadata.

import { ApiPromise, WsProvider } from '@polkadot/api';

/**
 * polkadot-js does not know the runtime's `CheckMeterReading` transaction extension; it
 * carries no data (docs/participants.md), which is what declaring it empty says. Without
 * this, polkadot-js logs a warning and assumes the same.
 */
export const SIGNED_EXTENSIONS = Object.freeze({ CheckMeterReading: { extrinsic: {}, payload: {} } });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects @polkadot/api to `url`, retrying until the node answers or `timeoutMs` passes. */
export async function connectApi(url, { timeoutMs = 60000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    const provider = new WsProvider(url, false);
    try {
      await provider.connect();
      const opened = Date.now();
      while (!provider.isConnected) {
        if (Date.now() - opened > 3000) throw new Error(`no connection to ${url}`);
        await sleep(50);
      }
      return await ApiPromise.create({
        provider,
        noInitWarn: true,
        throwOnConnect: true,
        signedExtensions: SIGNED_EXTENSIONS,
      });
    } catch (e) {
      lastError = e;
      await provider.disconnect().catch(() => {});
      await sleep(500);
    }
  }
  throw new Error(`could not connect to ${url} within ${timeoutMs} ms: ${lastError?.message}`);
}

/**
 * The chain's delivery-period length in seconds and its current period (by the best block's
 * clock): `energiumApi.currentPeriod()`, or, on a runtime without it, `prosumer.periodLength`
 * and `timestamp.now`.
 */
export async function periodClock(api, at = undefined) {
  try {
    const call = at ? (await api.at(at)).call : api.call;
    const [period, seconds] = (await call.energiumApi.currentPeriod()).map((n) => n.toNumber());
    return { period, seconds };
  } catch {
    const query = at ? (await api.at(at)).query : api.query;
    const seconds = (await query.prosumer.periodLength()).toNumber();
    const nowMs = (await query.timestamp.now()).toNumber();
    return { period: Math.floor(nowMs / 1000 / seconds), seconds };
  }
}

/**
 * The chain's first period (`prosumer.chainStartPeriod`), from which a meter bound at
 * genesis counts its first reading: `{ supported: false }` on a runtime without the item
 * (its first reading may then span one period only), else `{ supported: true, period }`
 * (`period` null until block 1 wrote it).
 */
export async function chainStart(api) {
  if (!api.query.prosumer.chainStartPeriod) return { supported: false, period: null };
  const value = await api.query.prosumer.chainStartPeriod();
  return { supported: true, period: value.isSome ? value.unwrap().toNumber() : null };
}

/** Index of the prosumer pallet in the metadata. */
export function prosumerPalletIndex(api) {
  const pallet = api.runtimeMetadata.asLatest.pallets.find((p) => p.name.toString() === 'Prosumer');
  if (!pallet) throw new Error('the runtime has no Prosumer pallet');
  return pallet.index.toNumber();
}

/**
 * The name of the prosumer pallet's error `code`: a refused reading's
 * `Custom error: <code>` is the index of the pallet error of the same name.
 */
export function prosumerErrorName(api, code) {
  try {
    return api.registry.findMetaError(new Uint8Array([prosumerPalletIndex(api), code])).name;
  } catch {
    return `Custom(${code})`;
  }
}

/**
 * The name of a DispatchError (e.g. a relayed reading's `ReadingRefused.error`): a prosumer
 * pallet error by its bare name, as `prosumerErrorName` names the pool's refusals
 * (`ImplausibleImport`, `BadReadingSignature`), another pallet's as `section.Name`, and any
 * other kind by its kind (`BadOrigin`, `Token`, …).
 */
export function dispatchErrorName(api, error) {
  if (error?.isModule) {
    try {
      const { section, name } = api.registry.findMetaError(error.asModule);
      return section === 'prosumer' ? name : `${section}.${name}`;
    } catch {
      return `Module(${error.asModule.index.toNumber()})`;
    }
  }
  return error?.type ?? String(error);
}

/** `items` in chunks of `size`. */
function chunks(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The chain's records of meter keys and their participants:
 * `[{ meter: {…} | null, participant: {…} | null }]`, one per address, with plain numbers.
 */
export async function meterRecords(api, addresses, { chunk = 1000 } = {}) {
  const out = [];
  for (const part of chunks(addresses, chunk)) {
    const meters = await api.query.prosumer.meters.multi(part);
    const owners = meters.map((m) => (m.isSome ? m.unwrap().participant.toString() : null));
    const known = owners.filter(Boolean);
    const participants = known.length ? await api.query.prosumer.participants.multi(known) : [];
    const byOwner = new Map(known.map((who, i) => [who, participants[i]]));
    meters.forEach((m, i) => {
      if (m.isNone) {
        out.push({ meter: null, participant: null });
        return;
      }
      const record = m.unwrap();
      const p = byOwner.get(owners[i]);
      out.push({
        meter: {
          participant: owners[i],
          status: record.status.toString(),
          lastPeriod: record.lastPeriod.isSome ? record.lastPeriod.unwrap().toNumber() : null,
          importedWh: record.counters.importedWh.toNumber(),
          exportedWh: record.counters.exportedWh.toNumber(),
        },
        participant: p && p.isSome ? (() => {
          const r = p.unwrap();
          return {
            address: owners[i],
            status: r.status.toString(),
            role: r.profile.role.toString(),
            zone: r.profile.zone.toNumber(),
            generationW: r.profile.generationCapacityW.toNumber(),
            connectionW: r.profile.connectionCapacityW.toNumber(),
            meter: r.meter.isSome ? r.meter.unwrap().toString() : null,
          };
        })() : null,
      });
    });
  }
  return out;
}

/** The next nonce of each address, counting the pool (`system_accountNextIndex`). */
export async function nextNonces(api, addresses, { concurrency = 256 } = {}) {
  const out = new Array(addresses.length);
  let next = 0;
  const worker = async () => {
    while (next < addresses.length) {
      const i = next++;
      out[i] = (await api.rpc.system.accountNextIndex(addresses[i])).toNumber();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, addresses.length) }, worker));
  return out;
}
