// Helpers for the end-to-end tests: real `energy-node` processes on loopback ports and the
// @polkadot/api client (the library polkadot-js apps is built on) talking to them.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGET =
  process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'energy-consortium', 'target');
export const NODE_BIN = process.env.NODE_BIN || join(TARGET, 'release', 'energy-node');
/**
 * The market simulator (tools/simulator), built with the node by `scripts/test.sh` (the
 * workspace's test build includes its binary); $ENERGY_SIM overrides. Tests that need it
 * check that it exists.
 */
export const ENERGY_SIM = process.env.ENERGY_SIM || join(TARGET, 'release', 'energy-sim');

if (!existsSync(NODE_BIN)) {
  throw new Error(`no node binary at ${NODE_BIN}: run cargo build --release -p energy-node`);
}

/** A directory for one test's databases and logs, kept after the run for inspection. */
export function scratchDir(name) {
  const base = process.env.E2E_DIR || join(tmpdir(), 'energy-e2e');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${name}-`));
}

/** A TCP port nothing listens on right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** `count` consecutive free ports starting at a random base, for the multi-node scripts. */
export async function freePortRange(count) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const probes = await Promise.all(
      Array.from({ length: count }, (_, i) => isFree(base + i)),
    );
    if (probes.every(Boolean)) return base;
  }
  throw new Error('no free port range found');
}

function isFree(port) {
  return new Promise((res) => {
    const server = createServer();
    server.once('error', () => res(false));
    server.listen(port, '127.0.0.1', () => server.close(() => res(true)));
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns a truthy value or `timeoutMs` passes. Errors thrown by
 * `check` are retried; with `failOnAssertion`, a failed `node:assert` assertion fails at
 * once instead.
 */
export async function waitFor(what, check, timeoutMs, intervalMs = 500, { failOnAssertion = false } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      if (failOnAssertion && e?.code === 'ERR_ASSERTION') throw e;
      lastError = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` +
    (lastError ? ` (last error: ${lastError.message})` : ''));
}

/**
 * Starts `energy-node --dev` with its own temporary database and loopback ports; `chain`
 * picks another development preset (`dev-fast`: 12-second delivery periods).
 */
export async function startDevNode(name = 'dev', chain = undefined) {
  const dir = scratchDir(name);
  const [rpcPort, p2pPort, promPort] = [await freePort(), await freePort(), await freePort()];
  const log = openSync(join(dir, 'node.log'), 'a');
  const startedAt = Date.now();
  const proc = spawn(NODE_BIN, [
    '--dev',
    ...(chain ? ['--chain', chain] : []),
    '--base-path', join(dir, 'db'),
    '--rpc-port', String(rpcPort),
    '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--prometheus-port', String(promPort),
    '--no-mdns',
    '--no-telemetry',
  ], { stdio: ['ignore', log, log] });
  proc.once('exit', (code, signal) => {
    if (!proc.stopping) console.error(`# node in ${dir} exited (code ${code}, signal ${signal}); see node.log`);
  });
  return {
    proc,
    dir,
    startedAt,
    url: `ws://127.0.0.1:${rpcPort}`,
    prometheus: `http://127.0.0.1:${promPort}/metrics`,
    stop: () => stopProcess(proc),
  };
}

export function stopProcess(proc) {
  proc.stopping = true;
  return new Promise((res) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return res();
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    proc.once('exit', () => {
      clearTimeout(timer);
      res();
    });
    proc.kill('SIGTERM');
  });
}

/** Connects once the node's RPC server answers. */
export async function connect(url, timeoutMs = 60000) {
  return waitFor(`RPC at ${url}`, async () => {
    const provider = new WsProvider(url, false);
    try {
      await provider.connect();
      await waitFor('socket open', () => provider.isConnected, 3000, 100);
      return await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
    } catch (e) {
      await provider.disconnect().catch(() => {});
      throw e;
    }
  }, timeoutMs, 500);
}

export async function finalizedNumber(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  const header = await api.rpc.chain.getHeader(hash);
  return header.number.toNumber();
}

/**
 * Signs and submits `tx`, resolving once its block is finalized with the block hash and
 * the extrinsic's events; rejects on a dispatch error or an invalid transaction.
 */
export function submitAndFinalize(api, tx, signer) {
  return submitAndWait(api, tx, signer, 'finalized');
}

/**
 * Signs and submits `tx`, resolving once its block is in the best chain (`until` =
 * 'inBlock') or finalized ('finalized'), with the block hash and the extrinsic's events;
 * rejects on a dispatch error or an invalid transaction.
 */
export function submitAndWait(api, tx, signer, until = 'inBlock') {
  return new Promise((res, reject) => {
    let unsub = () => {};
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        unsub();
        const message = dispatchError.isModule ? errorName(dispatchError) : dispatchError.toString();
        reject(new Error(`dispatch failed: ${message}`));
      } else if (until === 'inBlock' && status.isInBlock) {
        unsub();
        res({ blockHash: status.asInBlock.toHex(), events });
      } else if (status.isFinalized) {
        unsub();
        res({ blockHash: status.asFinalized.toHex(), events });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsub();
        reject(new Error(`transaction ${status.type}`));
      }
    }).then((u) => { unsub = u; }, reject);
  });
}

/**
 * What `address` has on hold in the double auction for `reason`: 'OrderDeposit' (every open
 * order's deposit, `doubleAuction.orderDeposit`) or 'BidEscrow' (an open bid's worst-case
 * cost), from `balances.holds` at the best block, or at `at` (an `api.at(hash)`).
 */
export async function marketHold(api, address, reason, at = api) {
  const holds = await at.query.balances.holds(address);
  return holds
    .filter(({ id }) => id.isDoubleAuction && id.asDoubleAuction.type === reason)
    .reduce((sum, { amount }) => sum + amount.toBigInt(), 0n);
}

/**
 * A four-validator `local` network of its own, run by scripts/local-net.sh: a scratch
 * directory and free port ranges. `net.run(command, nodes)` runs `start`, `stop` or `kill`
 * for the given node indices (0 alice, 1 bob, 2 charlie, 3 dave). `netns` (from
 * netnsNetwork below) puts each node in a network namespace of its own: its p2p address
 * there (HOSTS), the namespaces (NETNS) and the addresses its RPC is reached at
 * (RPC_HOSTS), all space-separated in node order as scripts/local-net.sh takes them.
 */
export async function localNetwork(name, { periodSeconds, netns } = {}) {
  const [p2p, rpc, prom] = [await freePortRange(4), await freePortRange(4), await freePortRange(4)];
  const dir = scratchDir(name);
  const env = { NET_DIR: dir, P2P_BASE: String(p2p), RPC_BASE: String(rpc), PROM_BASE: String(prom) };
  if (periodSeconds) env.CHAIN = localSpecWithPeriods(dir, periodSeconds);
  const rpcHosts = ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1'];
  if (netns) {
    Object.assign(env, { NETNS: netns.NETNS, HOSTS: netns.HOSTS, RPC_HOSTS: netns.RPC_HOSTS });
    rpcHosts.splice(0, 4, ...netns.RPC_HOSTS.split(' '));
  }
  return {
    dir,
    p2pBase: p2p,
    rpcBase: rpc,
    url: (i) => `ws://${rpcHosts[i]}:${rpc + i}`,
    run: (command, nodes = [0, 1, 2, 3]) => execFileSync('bash', [join(ROOT, 'scripts', 'local-net.sh'), command], {
      env: { ...process.env, ...env, NODE_BIN, NODES: nodes.join(' ') },
    }).toString(),
  };
}

const NETNS_SCRIPT = join(ROOT, 'scripts', 'netns-net.sh');

/**
 * Why the four validators cannot be put in network namespaces here (not root, no `ip
 * netns`, namespaces not permitted), or null when they can. Creates and deletes a probe
 * namespace.
 */
export function netnsUnavailable() {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return 'network namespaces need root (run as root, as CI does)';
  }
  const probe = `ec-${process.pid}-probe`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    return `cannot create a network namespace with \`ip netns add\`: ${String(e.stderr || e.message).trim()}`;
  }
  try {
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  } catch { /* a probe left behind is pruned by name on the next run */ }
  return null;
}

/**
 * The four-validator `local` network with each validator in a network namespace of its
 * own (scripts/netns-net.sh, ID = this process's pid), started by scripts/local-net.sh as
 * localNetwork does. Their libp2p traffic goes over veths to bridges in a hub namespace;
 * `net.split([0, 1], [2, 3])` gives each group a bridge of its own, `net.heal()` joins
 * them again. The test client reaches each node's RPC over a point-to-point veth from the
 * root namespace (`net.url(i)`). `net.destroy()` stops the nodes and deletes the
 * namespaces; it also runs on exit, SIGINT and SIGTERM.
 */
export async function netnsNetwork(name) {
  const id = String(process.pid);
  const netns = (...args) => execFileSync('bash', [NETNS_SCRIPT, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  netns('prune'); // namespaces of earlier runs that died before their cleanup
  const out = netns('up', id);
  const env = Object.fromEntries([...out.matchAll(/^export (\w+)="([^"]*)"$/gm)].map((m) => [m[1], m[2]]));
  let net;
  let destroyed = false;
  const destroy = (how = 'stop') => {
    if (destroyed) return;
    destroyed = true;
    try { net?.run(how); } catch (e) { console.error(`# stopping the nodes: ${e.message}`); }
    try { netns('down', id); } catch (e) { console.error(`# deleting the namespaces: ${e.message}`); }
  };
  const onSignal = (signal) => {
    destroy('kill');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => destroy('kill'));
  try {
    net = await localNetwork(name, { netns: env });
  } catch (e) {
    destroy();
    throw e;
  }
  return {
    ...net,
    id,
    namespaces: env.NETNS.split(' '),
    p2pHosts: env.HOSTS.split(' '),
    split: (...groups) => netns('split', id, ...groups.map((g) => g.join(' '))),
    heal: () => netns('heal', id),
    destroy: () => destroy('stop'),
  };
}

/**
 * The `local` preset's chain spec with `periodSeconds`-long delivery periods, written into
 * `dir`: a test whose meter is bound during the run waits for the binding's period to end
 * before its first reading, which takes up to 15 minutes with the preset's quarter hours.
 */
function localSpecWithPeriods(dir, periodSeconds) {
  const spec = JSON.parse(execFileSync(NODE_BIN, ['build-spec', '--chain', 'local'], {
    stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024,
  }).toString());
  spec.genesis.runtimeGenesis.patch.prosumer.periodSeconds = periodSeconds;
  const path = join(dir, 'local-spec.json');
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

/** The name of a dispatch error: `section.Name` for a module error, else its kind. */
export function errorName(dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = dispatchError.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.type;
}

/**
 * What a block holds for the market tests, from its events (`system.events`), its weight
 * (`system.blockWeight`: ref time per class, picoseconds) and its timestamp: the double
 * auction's events (OrderPlaced, Traded, BookCleared, TradeVoided, ClearingFailed), failed
 * extrinsics by error name, the extrinsic count, and whether a session rotated in it (the
 * session pallet then reserves the whole block as mandatory weight).
 */
export function decodeBlock({ number, hash, records, weight, timestampMs }) {
  const block = {
    number,
    hash,
    timestampMs,
    normal: Number(weight.normal.refTime.toBigInt()),
    operational: Number(weight.operational.refTime.toBigInt()),
    mandatory: Number(weight.mandatory.refTime.toBigInt()),
    extrinsics: 0,
    newSession: false,
    placed: [],
    traded: [],
    cleared: [],
    voided: [],
    clearingFailed: [],
    failed: [],
  };
  for (const { event } of records) {
    const { section, method, data } = event;
    if (section === 'system' && (method === 'ExtrinsicSuccess' || method === 'ExtrinsicFailed')) {
      block.extrinsics += 1;
      if (method === 'ExtrinsicFailed') block.failed.push(errorName(data.dispatchError));
    } else if (section === 'session' && method === 'NewSession') {
      block.newSession = true;
    } else if (section === 'doubleAuction') {
      switch (method) {
        case 'OrderPlaced':
          block.placed.push({
            order: data.order.toNumber(),
            owner: data.owner.toString(),
            side: data.side.type,
            period: data.period.toNumber(),
            energyWh: data.energyWh.toNumber(),
            pricePerKwh: data.pricePerKwh.toBigInt(),
          });
          break;
        case 'Traded':
          block.traded.push({
            period: data.period.toNumber(),
            bid: data.bid.toString(),
            offer: data.offer.toString(),
            buyer: data.buyer.toString(),
            seller: data.seller.toString(),
            soldWh: data.soldWh.toString(),
            deliveredWh: data.deliveredWh.toString(),
            lostWh: data.lostWh.toString(),
            buyerPrice: data.buyerPrice.toString(),
            sellerPrice: data.sellerPrice.toString(),
            paid: data.paid.toString(),
            received: data.received.toString(),
          });
          break;
        case 'BookCleared':
          block.cleared.push({
            period: data.period.toNumber(),
            mechanism: data.mechanism.toJSON(),
            orders: data.orders.toNumber(),
            trades: data.trades.toNumber(),
            soldWh: data.soldWh.toString(),
            lostWh: data.lostWh.toString(),
          });
          break;
        case 'TradeVoided':
          block.voided.push({ period: data.period.toNumber(), bid: data.bid.toString(), offer: data.offer.toString(), reason: data.reason.type });
          break;
        case 'ClearingFailed':
          block.clearingFailed.push({ period: data.period.toNumber(), error: errorName(data.error) });
          break;
        default:
      }
    }
  }
  return block;
}

/**
 * Reads every block from the one after the best block at `start()`, in number order, as
 * `decodeBlock` describes it, as new heads arrive. Blocks are taken by number from the
 * canonical chain (a single-validator dev chain does not fork; `verify()` checks the
 * hashes again at the end).
 */
export class BlockRecorder {
  constructor(api) {
    this.api = api;
    this.blocks = [];
    this.queue = Promise.resolve();
    this.error = undefined;
  }

  async start() {
    this.next = (await this.api.rpc.chain.getHeader()).number.toNumber() + 1;
    this.unsubscribe = await this.api.rpc.chain.subscribeNewHeads((header) => {
      const number = header.number.toNumber();
      this.queue = this.queue.then(() => this.catchUp(number)).catch((e) => { this.error ??= e; });
    });
  }

  stop() {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  async catchUp(upTo) {
    while (this.next <= upTo) {
      this.blocks.push(await this.record(this.next));
      this.next += 1;
    }
  }

  async record(number) {
    const hash = await this.api.rpc.chain.getBlockHash(number);
    const [records, weight, now] = await Promise.all([
      this.api.query.system.events.at(hash),
      this.api.query.system.blockWeight.at(hash),
      this.api.query.timestamp.now.at(hash),
    ]);
    return decodeBlock({ number, hash: hash.toHex(), records, weight, timestampMs: now.toNumber() });
  }

  /** Rethrows an error met while recording. */
  check() {
    if (this.error) throw this.error;
  }

  /** The OrderPlaced events for `period`. */
  placed(period) {
    return this.blocks.flatMap((b) => b.placed.filter((o) => o.period === period));
  }

  /** The error names of every failed extrinsic. */
  failed() {
    return this.blocks.flatMap((b) => b.failed);
  }

  /** The block with `period`'s BookCleared, if recorded. */
  cleared(period) {
    return this.blocks.find((b) => b.cleared.some((c) => c.period === period));
  }

  /** Asserts every recorded block is still the canonical one of its height. */
  async verify() {
    const hashes = await Promise.all(this.blocks.map((b) => this.api.rpc.chain.getBlockHash(b.number)));
    this.blocks.forEach((b, i) => {
      if (hashes[i].toHex() !== b.hash) throw new Error(`block #${b.number} was replaced`);
    });
  }
}
