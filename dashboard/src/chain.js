// The page's one connection to a node: @polkadot/api over WebSocket, the heads it follows,
// what the runtime offers (pallets and runtime APIs, from the metadata), and a log of the
// market's events, which is where trades and clearing prices live (the double auction keeps
// no trade history in storage: a trade is a `doubleAuction.Traded` event).
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/** The development accounts the page can sign with (their keys are public knowledge). */
export const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/** Sections whose events the page keeps: the market and the energy ledger. */
const LOGGED_SECTIONS = new Set(['doubleAuction', 'energium']);

export class Chain {
  constructor(url) {
    this.url = url;
    this.api = null;
    this.best = 0;
    this.finalized = 0;
    /** Listeners called with the block number on every new best block. */
    this.onBlock = [];
    /** Events of the logged sections, by block number: [{ block, section, method, event }]. */
    this.eventsByBlock = new Map();
    /** How far back the log reaches (a node prunes older states: 256 blocks by default). */
    this.historyFrom = null;
    /** address → name, for the dev accounts, their meters and the grid's account. */
    this.names = new Map();
    this.devPairs = new Map();
  }

  /**
   * Connects and learns the runtime. Until the node answers, the provider retries every
   * 2.5 s and `onStatus('error')` reports each failed attempt; a node started later is
   * picked up without reloading the page.
   */
  async connect({ onStatus = () => {} } = {}) {
    await cryptoWaitReady();
    const provider = new WsProvider(this.url, 2500);
    provider.on('error', () => onStatus('error'));
    provider.on('disconnected', () => onStatus('disconnected'));
    provider.on('connected', () => onStatus('connected'));
    const api = await ApiPromise.create({ provider, noInitWarn: true });
    this.api = api;
    this.decimals = api.registry.chainDecimals[0] ?? 12;
    this.token = api.registry.chainTokens[0] ?? 'UNIT';
    this.chainName = (await api.rpc.system.chain()).toString();
    this.nodeVersion = (await api.rpc.system.version()).toString();

    // Names for addresses the page can recognise.
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
    for (const name of DEV_NAMES) {
      const pair = keyring.addFromUri(`//${name}`);
      this.devPairs.set(name, pair);
      this.names.set(pair.address, name);
      this.names.set(keyring.addFromUri(`//${name}//meter`).address, `${name}'s meter`);
    }
    if (api.consts.energium?.gridAccount) this.names.set(api.consts.energium.gridAccount.toString(), 'grid operator');
    return this;
  }

  /** Whether the runtime has storage item `section.item` (e.g. 'doubleAuction', 'orders'). */
  hasQuery(section, item) {
    return Boolean(this.api.query[section]?.[item]);
  }

  /** Whether the runtime has the runtime API method `api.method` (e.g. 'energiumApi', 'buyerInfo'). */
  hasCall(api, method) {
    return Boolean(this.api.call[api]?.[method]);
  }

  /** A name for an address: a dev account's name, or the address shortened. */
  name(address) {
    const s = address.toString();
    return this.names.get(s) ?? `${s.slice(0, 8)}…${s.slice(-4)}`;
  }

  /**
   * Follows best and finalized heads, logging each new best block's market events, after
   * reading back `historyBlocks` blocks of events.
   */
  async follow(historyBlocks) {
    const api = this.api;
    const head = await api.rpc.chain.getHeader();
    this.best = head.number.toNumber();
    await this.scanHistory(this.best, historyBlocks);
    await api.rpc.chain.subscribeFinalizedHeads((h) => {
      this.finalized = h.number.toNumber();
    });
    await api.rpc.chain.subscribeNewHeads(async (h) => {
      const number = h.number.toNumber();
      try {
        await this.logEvents(number, h.hash);
      } catch (e) {
        console.warn(`events of block ${number}:`, e);
      }
      this.best = Math.max(this.best, number);
      for (const listener of this.onBlock) listener(number);
    });
  }

  /** Reads the market events of up to `count` blocks before `to`, newest first, until a pruned state stops it. */
  async scanHistory(to, count) {
    const from = Math.max(1, to - count + 1);
    this.historyFrom = to + 1;
    const BATCH = 16;
    for (let top = to; top >= from; top -= BATCH) {
      const numbers = [];
      for (let n = top; n > top - BATCH && n >= from; n--) numbers.push(n);
      const results = await Promise.allSettled(numbers.map(async (n) => {
        const hash = await this.api.rpc.chain.getBlockHash(n);
        await this.logEvents(n, hash);
      }));
      const firstFailure = results.findIndex((r) => r.status === 'rejected');
      if (firstFailure !== -1) {
        // Older states are pruned on this node: the log starts after the failed block.
        this.historyFrom = numbers[firstFailure] + 1;
        return;
      }
      this.historyFrom = numbers[numbers.length - 1];
    }
  }

  async logEvents(number, hash) {
    const records = await this.api.query.system.events.at(hash);
    const kept = [];
    for (const { event } of records) {
      if (LOGGED_SECTIONS.has(event.section)) kept.push({ block: number, section: event.section, method: event.method, event });
    }
    // A re-organisation replaces the block's events with those of the new best block.
    this.eventsByBlock.set(number, kept);
  }

  /** The logged events `section.method` (or any of a list of methods), oldest first, in block order. */
  events(section, method) {
    const methods = new Set(Array.isArray(method) ? method : [method]);
    const out = [];
    for (const block of [...this.eventsByBlock.keys()].sort((a, b) => a - b)) {
      for (const e of this.eventsByBlock.get(block)) {
        if (e.section === section && methods.has(e.method)) out.push(e);
      }
    }
    return out;
  }

  /** The current delivery period and its length: from the runtime API, or the clock and the registry's period length. */
  async currentPeriod() {
    if (this.hasCall('energiumApi', 'currentPeriod')) {
      const [period, seconds] = await this.api.call.energiumApi.currentPeriod();
      return { period: period.toNumber(), seconds: seconds.toNumber() };
    }
    const seconds = this.hasQuery('prosumer', 'periodLength')
      ? (await this.api.query.prosumer.periodLength()).toNumber()
      : 900;
    const now = (await this.api.query.timestamp.now()).toNumber();
    return { period: Math.floor(now / 1000 / seconds), seconds };
  }
}
