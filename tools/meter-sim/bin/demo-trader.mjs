#!/usr/bin/env node
// demo-trader: the presets' demo participants trade by themselves, so that a development
// chain shows a working market (scripts/run-dev.sh starts it beside the node, the meter
// simulator and the dashboard).
//
//   node tools/meter-sim/bin/demo-trader.mjs [--rpc ws://127.0.0.1:9944] [--accounts Dave,Eve,Ferdie]
//
// Every delivery period (by the best block's clock) it places, for the period `--ahead`
// periods later, one order per account with `doubleAuction.placeOrder`, signed with the
// development keys (//Dave, //Eve, //Ferdie):
//   - a Producer (Ferdie, zone 3) offers what its PV plant is expected to make; when the
//     sun gives little (at night), it offers a few kW's worth anyway, as if from a battery;
//   - a Consumer (Eve, zone 2) bids for its expected load, with a margin;
//   - a Prosumer (Dave, zone 1) offers its expected surplus by day and bids for its
//     expected load by night.
// The expectations are the meter simulator's own profiles (lib/profiles.mjs) for the
// account's meter, with the same seed, so the orders follow the readings that
// `meter-sim run --demo` sends: a household's few Wh per 12-second period, a plant's tens.
// Quantities stay within the declared capacities (capacity × period length). Prices are
// drawn around the grid's retail tariff (energium.gridTariff): offers 65–95 % of it,
// bids 85–125 %, so most periods trade. In its first period, and then now and then
// (`--buy-chance`), a buyer also buys a few Wh of EGM at the tariff (`energium.buyEnergy`). Every draw comes from the seeded
// PRNG of lib/prng.mjs (seed, account, period), so a period's orders are reproducible.
//
// Every open order holds the market's order deposit (doubleAuction.orderDeposit, 1 GRID in
// the runtime) besides a bid's escrow, returned when the order fills, is cancelled, is
// evicted from a full book side or expires. An account has about `--ahead` orders open at
// once (those that did not fill wait for their period to begin), which the development
// accounts easily afford.
//
// It prints one line per period: the orders placed, and what the chain did since the
// last line (trades from doubleAuction.Traded, readings from prosumer.ReadingRecorded,
// settlements from energium events, and the traders' orders evicted from a full book,
// doubleAuction.OrderEvicted, if any). A refused order prints its pallet error
// (`doubleAuction.ExceedsCapacity`, `doubleAuction.InsufficientBalanceForDeposit`, …) and
// the trader goes on. SIGINT or SIGTERM stops it:
// no new orders, the submissions in flight answer (at most 5 s), a summary, exit 0.

import { parseArgs } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { connectApi } from '../lib/chain.mjs';
import { rng } from '../lib/prng.mjs';
import { meterModel, periodEnergy, sunElevationSine, DEFAULT_SITE } from '../lib/profiles.mjs';
import { makeClock } from '../lib/meter.mjs';
import { uriKey } from '../lib/keys.mjs';

const USAGE = `usage: demo-trader [options]

  --rpc URL           the node's WebSocket RPC                         [ws://127.0.0.1:9944]
  --accounts LIST     development accounts that trade (//Name keys)       [Dave,Eve,Ferdie]
  --ahead N           order for the period N periods after the current one
                                                   [3 for periods under a minute, else 1]
  --scale F           multiply the profiles' quantities (still capped by capacity)        [1]
  --buy-chance P      chance per period that a buyer also buys EGM at the tariff       [0.1]
  --seed S            seed of the draws, and of the meter profiles (as meter-sim's)       [1]
  --periods K         stop after K periods                                         [forever]
  --wait SECONDS      how long to wait for the node to answer                           [120]
`;

function fail(message) {
  process.stderr.write(`demo-trader: ${message}\n${USAGE}`);
  process.exit(2);
}
let v;
try {
  ({ values: v } = parseArgs({ options: {
    rpc: { type: 'string' },
    accounts: { type: 'string' },
    ahead: { type: 'string' },
    scale: { type: 'string' },
    'buy-chance': { type: 'string' },
    seed: { type: 'string' },
    periods: { type: 'string' },
    wait: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } }));
} catch (e) {
  fail(e.message);
}
if (v.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const num = (value, name, { min = 0, integer = false } = {}) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) fail(`--${name} must be a ${integer ? 'whole ' : ''}number ≥ ${min}`);
  return n;
};

const rpc = v.rpc ?? 'ws://127.0.0.1:9944';
const names = (v.accounts ?? 'Dave,Eve,Ferdie').split(',').map((s) => s.trim()).filter(Boolean);
const scale = num(v.scale ?? 1, 'scale');
const buyChance = num(v['buy-chance'] ?? 0.1, 'buy-chance');
const seed = v.seed ?? '1';
const maxPeriods = v.periods === undefined ? Infinity : num(v.periods, 'periods', { min: 1, integer: true });
const waitMs = num(v.wait ?? 120, 'wait') * 1000;

const time = () => new Date().toISOString().slice(11, 19);
const log = (line) => process.stdout.write(`${time()} ${line}\n`);
const warn = (line) => process.stderr.write(`${time()} ${line}\n`);

// ---------------------------------------------------------------------------------------
// Connect, and read what the chain says about the period clock, the tariff and the traders.

// SIGINT / SIGTERM: before the trading starts, exit at once; after, stop cleanly (below).
// A second signal exits at once.
let resolveDone = null;
let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (signalled || !resolveDone) process.exit(signalled ? 130 : 0);
    signalled = true;
    resolveDone(signal);
  });
}

await cryptoWaitReady();
let api;
try {
  api = await connectApi(rpc, { timeoutMs: waitMs });
} catch (e) {
  warn(`demo-trader: ${e.message}`);
  process.exit(1);
}

let stopping = false;
api.on('disconnected', () => {
  if (stopping) return;
  warn('demo-trader: lost the connection to the node; stopping');
  process.exit(1);
});

const decimals = api.registry.chainDecimals[0] ?? 12;
const token = api.registry.chainTokens[0] ?? 'GRID';
const UNIT = 10n ** BigInt(decimals);
/** GRID (a float, rounded to 0.001) in the smallest unit. */
const units = (grid) => BigInt(Math.round(grid * 1000)) * UNIT / 1000n;
const grid = (amount) => Number(BigInt(amount) * 1000n / UNIT) / 1000;

const periodSeconds = (await api.query.prosumer.periodLength()).toNumber();
const maxAhead = api.consts.doubleAuction?.maxPeriodsAhead?.toNumber?.() ?? 96;
const ahead = Math.min(
  v.ahead === undefined ? (periodSeconds < 60 ? 3 : 1) : num(v.ahead, 'ahead', { min: 1, integer: true }),
  maxAhead,
);
// What each open order holds besides a bid's escrow (none on a runtime before spec 104).
const orderDeposit = api.consts.doubleAuction?.orderDeposit?.toBigInt?.() ?? 0n;
const tariffOption = await api.query.energium.gridTariff();
const retail = tariffOption.isSome ? tariffOption.unwrap().retailPricePerKwh.toBigInt() : units(0.30);
const retailGrid = grid(retail);
const clock = makeClock({ periodSeconds });
/** The most Wh `watts` move in a period: the chain's bound ⌈W·s/3600⌉, rounded down to be safe. */
const boundWh = (watts) => Math.floor((watts * periodSeconds) / 3600);
// The chain refuses dust: an order below `minOrderPowerW` over a period (at least 1 Wh).
// A runtime without the constant takes 1 Wh.
const minOrderWh = Math.max(1, Math.ceil(((api.consts.doubleAuction.minOrderPowerW?.toNumber() ?? 0) * periodSeconds) / 3600));

const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 ?? 42 });
const traders = [];
for (const name of names) {
  const pair = keyring.addFromUri(`//${name}`);
  const record = await api.query.prosumer.participants(pair.address);
  if (record.isNone) {
    warn(`demo-trader: ${name} is not a registered participant; skipped`);
    continue;
  }
  const p = record.unwrap();
  const status = p.status.toString();
  if (status !== 'Approved') {
    warn(`demo-trader: ${name} is ${status}, not Approved; skipped`);
    continue;
  }
  const profile = {
    role: p.profile.role.toString(),
    zone: p.profile.zone.toNumber(),
    generationW: p.profile.generationCapacityW.toNumber(),
    connectionW: p.profile.connectionCapacityW.toNumber(),
  };
  // The meter simulator labels a meter's profile with the meter key's address.
  const meter = p.meter.isSome ? p.meter.unwrap().toString() : uriKey(`//${name}//meter`).address;
  traders.push({
    name,
    pair,
    ...profile,
    offerBound: boundWh(profile.generationW),
    bidBound: boundWh(profile.connectionW),
    model: meterModel({ seed, label: meter, ...profile, site: DEFAULT_SITE }),
    queue: Promise.resolve(),
    nonce: null,
  });
}
if (traders.length === 0) {
  warn('demo-trader: no approved participant to trade for');
  await api.disconnect();
  process.exit(1);
}
log(
  `demo-trader: ${(await api.rpc.system.chain()).toString()}, ${periodSeconds}-s periods, orders ${ahead} ahead,` +
  ` tariff ${retailGrid} ${token}/kWh, ${grid(orderDeposit)} ${token} deposit per open order; ` +
  traders.map((t) => `${t.name} ${t.role} zone ${t.zone} (offers ≤ ${t.offerBound} Wh, bids ≤ ${t.bidBound} Wh)`).join(', '),
);

// ---------------------------------------------------------------------------------------
// What to order: the meter's expected energy for the target period, from its profile.

const clamp = (x, lo, hi) => Math.min(Math.max(x, lo), hi);

/** The orders (and maybe a tariff purchase) of `trader` for delivery period `target`. */
function plan(trader, target, first = false) {
  const r = rng(seed, `demo-trader/${trader.name}/${target}`);
  const interval = clock.interval(target);
  const e = periodEnergy(trader.model, interval);
  const middle = interval.simStart + interval.simSeconds / 2;
  const daylight = sunElevationSine(middle, trader.model.site) > 0.05;
  const perPeriod = (watts) => (watts * periodSeconds) / 3600;
  const offerPrice = retailGrid * r.uniform(0.65, 0.95);
  const bidPrice = retailGrid * r.uniform(0.85, 1.25);
  const out = {};
  const bid = (wh) => {
    const energy = clamp(Math.ceil(wh * scale), minOrderWh, trader.bidBound);
    if (trader.bidBound >= minOrderWh) out.order = { side: 'Bid', energy, price: bidPrice };
  };
  const offer = (wh) => {
    const energy = clamp(Math.round(wh * scale), minOrderWh, trader.offerBound);
    if (trader.offerBound >= minOrderWh) out.order = { side: 'Offer', energy, price: offerPrice };
  };
  if (trader.role === 'Producer') {
    const pv = e.pvWh * r.uniform(0.85, 1.0);
    // Too little sun: a few kW from storage, so that the night still trades.
    offer(Math.max(pv, perPeriod(r.uniform(2000, 4000))));
  } else if (trader.role === 'Consumer') {
    bid(e.loadWh * r.uniform(1.1, 1.5));
  } else if (daylight) {
    offer(Math.max(e.exportWh * r.uniform(0.9, 1.1), 1));
  } else {
    bid(e.importWh * r.uniform(1.1, 1.5));
  }
  // Now and then (and in the trader's first period) a buyer tops up its EGM at the tariff.
  if (out.order?.side === 'Bid' && (r.next() < buyChance || first)) {
    const wh = Math.max(1, Math.round(perPeriod(r.uniform(1500, 6000)) * scale));
    out.purchase = { wh, amount: (BigInt(wh) * retail) / 1000n };
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Sending: one account's transactions in order, each once the pool took the one before.
// The nonce is counted here: polkadot-js caches `system_accountNextIndex` for a moment, so
// two transactions of one account in quick succession would get the same nonce from it.
// The node's next index (counting the pool) still wins when it is ahead, e.g. after the
// dashboard signed for the same account.

const stats = { placed: 0, purchases: 0, refused: 0, trades: 0, soldWh: 0, lostWh: 0, readings: 0, settledPeriods: 0, settledParticipants: 0 };
const since = { trades: 0, soldWh: 0, lostWh: 0, paid: 0n, deliveredWh: 0, readings: 0, settled: [], purchases: 0, evicted: 0 };
const inFlight = new Set();

function errorName(dispatchError) {
  if (dispatchError.isModule) {
    try {
      const { section, name } = api.registry.findMetaError(dispatchError.asModule);
      return `${section}.${name}`;
    } catch { /* fall through */ }
  }
  return dispatchError.toString();
}

function send(trader, tx, what) {
  const job = trader.queue.then(async () => {
    const next = (await api.rpc.system.accountNextIndex(trader.pair.address)).toNumber();
    trader.nonce = Math.max(trader.nonce ?? 0, next);
  }).then(() => new Promise((accepted) => {
    const nonce = trader.nonce;
    let unsub = null;
    let done = false;
    const finish = () => {
      done = true;
      if (unsub) unsub();
    };
    const outcome = new Promise((settled) => {
      tx.signAndSend(trader.pair, { nonce }, ({ status, dispatchError }) => {
        if (done) return;
        if (status.isInBlock || status.isFinalized) {
          if (dispatchError) {
            stats.refused += 1;
            warn(`refused: ${trader.name} ${what}: ${errorName(dispatchError)}`);
          }
          finish();
          settled();
        } else if (status.isDropped || status.isInvalid || status.isUsurped) {
          stats.refused += 1;
          warn(`refused: ${trader.name} ${what}: the pool let it go (${status.type})`);
          trader.nonce = null; // ask the node again
          finish();
          settled();
        }
      }).then(
        (u) => {
          trader.nonce = nonce + 1;
          unsub = u;
          if (done) u();
          accepted();
        },
        (e) => {
          // The node refused it before the pool (1010 invalid, 1012 future nonce, …).
          stats.refused += 1;
          warn(`refused: ${trader.name} ${what}: ${e.message}`);
          trader.nonce = null;
          done = true;
          accepted();
          settled();
        },
      );
    });
    inFlight.add(outcome);
    outcome.then(() => inFlight.delete(outcome));
  }));
  trader.queue = job.catch(() => {});
  return job;
}

function placeAll(period, first) {
  const target = period + ahead;
  const parts = [];
  for (const trader of traders) {
    const { order, purchase } = plan(trader, target, first);
    if (order) {
      const what = `${order.side.toLowerCase()} ${order.energy} Wh @ ${order.price.toFixed(3)} for period ${target}`;
      parts.push(`${trader.name} ${order.side.toLowerCase()} ${order.energy} Wh @ ${order.price.toFixed(3)}`);
      stats.placed += 1;
      send(trader, api.tx.doubleAuction.placeOrder(order.side, target, order.energy, units(order.price)), what);
    }
    if (purchase) {
      parts.push(`${trader.name} buys ${purchase.wh} Wh at the tariff`);
      stats.purchases += 1;
      send(trader, api.tx.energium.buyEnergy(purchase.amount), `buyEnergy ${purchase.wh} Wh`);
    }
  }
  return `orders for ${target}: ${parts.join(', ') || 'none'}`;
}

// ---------------------------------------------------------------------------------------
// Watching: every new best block's events, and its clock.

function take(events) {
  for (const { event } of events) {
    const { section, method } = event;
    if (section === 'doubleAuction' && method === 'Traded') {
      const d = event.data.toJSON();
      since.trades += 1;
      since.soldWh += d[5];
      since.deliveredWh += d[6];
      since.lostWh += d[7];
      since.paid += BigInt(d[10]);
    } else if (section === 'doubleAuction' && method === 'OrderEvicted') {
      // A full side of a book took a more competitive order in place of one of ours.
      if (traders.some((t) => t.pair.address === event.data[1].toString())) since.evicted += 1;
    } else if (section === 'prosumer' && method === 'ReadingRecorded') {
      since.readings += 1;
    } else if (section === 'energium' && method === 'PeriodSettled') {
      since.settled.push(event.data[0].toNumber());
    } else if (section === 'energium' && method === 'ParticipantSettled') {
      stats.settledParticipants += 1;
    } else if (section === 'energium' && method === 'EnergyPurchased') {
      since.purchases += 1;
    }
  }
}

function summarizeSince() {
  const price = since.deliveredWh > 0 ? grid((since.paid * 1000n) / BigInt(since.deliveredWh)) : null;
  const trades = since.trades
    ? `${since.trades} trade${since.trades > 1 ? 's' : ''} ${since.soldWh} Wh (${since.lostWh} lost) @ ${price?.toFixed(3)}`
    : '0 trades';
  const settled = since.settled.length ? `period ${since.settled.join(', ')} settled` : 'nothing settled';
  const evicted = since.evicted ? `, ${since.evicted} of our orders evicted` : '';
  const out = `${trades}${evicted}, ${since.readings} readings, ${settled}`;
  stats.trades += since.trades;
  stats.soldWh += since.soldWh;
  stats.lostWh += since.lostWh;
  stats.readings += since.readings;
  stats.settledPeriods += since.settled.length;
  Object.assign(since, { trades: 0, soldWh: 0, lostWh: 0, paid: 0n, deliveredWh: 0, readings: 0, settled: [], purchases: 0, evicted: 0 });
  return out;
}

let lastPeriod = null;
let periodsDone = 0;
let work = Promise.resolve();
const done = new Promise((r) => { resolveDone = r; });

async function onHead(header) {
  if (stopping) return;
  const at = await api.at(header.hash);
  const [now, events] = await Promise.all([at.query.timestamp.now(), at.query.system.events()]);
  take(events);
  const ms = now.toNumber();
  if (ms === 0) return; // genesis: no clock yet
  const period = Math.floor(ms / 1000 / periodSeconds);
  if (lastPeriod !== null && period <= lastPeriod) return;
  const first = lastPeriod === null;
  lastPeriod = period;
  const orders = placeAll(period, first);
  const seen = summarizeSince();
  log(`#${header.number.toNumber()} period ${period} | ${orders} | ${first ? 'started' : `since the last period: ${seen}`}`);
  periodsDone += 1;
  if (periodsDone >= maxPeriods) resolveDone('periods');
}

const unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => {
  work = work.then(() => onHead(header)).catch((e) => warn(`demo-trader: block #${header.number}: ${e.message}`));
});

// ---------------------------------------------------------------------------------------
// Stopping: no new orders; the submissions in flight answer; a summary.

const reason = await done;
stopping = true;
unsubscribe();
await work;
// Let the submissions in flight answer, but not for long.
await Promise.race([Promise.all([...inFlight]), new Promise((r) => setTimeout(r, 5000))]);
summarizeSince();
log(
  `demo-trader: stopped (${reason}) after ${periodsDone} periods: ${stats.placed} orders and ${stats.purchases} purchases sent,` +
  ` ${stats.refused} refused; seen ${stats.trades} trades (${stats.soldWh} Wh sold, ${stats.lostWh} lost),` +
  ` ${stats.readings} readings, ${stats.settledPeriods} periods settled`,
);
await api.disconnect().catch(() => {});
process.exit(0);
