// The market at a city district's scale (issue 11): a dev node whose genesis holds 3,000
// participants (a chain spec written by tools/meter-sim's chain-spec code), every one of
// them placing one order for the same delivery period of a `Call` book, which the chain
// clears once at its gate. The chain's trades must equal `energy-sim clear`'s on the same
// book (same order ids, owners, zones, quantities and prices; the chain's mechanism and
// grid), trade for trade: bid, offer, buyer, seller, sold, delivered, lost, both prices,
// both payments. `previewClearing` before the gate must say the same.
//
// It records how many blocks the placing and the clearing took and every block's weight
// (`system.blockWeight`), and prints them as `# market-scale:` lines (and a JSON report in
// its scratch directory) for docs/benchmarks.md. It checks that no block exceeds the
// block's weight, ordinary transactions their 75 %, the hooks of a clearing block a
// quarter of the block (the runtime's bound), and the market's own hook its
// `ClearingBudget`.
//
// Design (wall time is what matters: about 2 minutes):
// - Delivery periods of 60 s (genesis `prosumer.periodSeconds`). The gate of period p is
//   (p − 1)·60 s; the test picks the first period whose gate is at least 40 s away when
//   it starts placing (MARKET_SCALE_PLACING_S; placing measured 18 s), so it waits 40 to
//   100 s for the gate, and the clearing (5 blocks measured) has a whole period before
//   delivery.
// - `setPeriodMode(null, 'Call')` through sudo (the dev preset's Alice): every new book
//   is a call book.
// - Orders are signed by the hand encoder of tools/meter-sim/lib/extrinsic.mjs (checked
//   against polkadot-js on this chain's metadata first; 0.12 ms an order) and sent in
//   JSON-RPC batches over two WebSockets without waiting for inclusion. Blocks are read
//   as they come (events, weight, timestamp), from the first block after submission.
// - The grid energy-sim gets is the chain's: `zoneMarket.distances`, `rules`, `lines`,
//   and the period length (losses depend on it).
//
// MARKET_SCALE_PARTICIPANTS (3000), MARKET_SCALE_PERIOD_S (60), MARKET_SCALE_PLACING_S (40)
// and MARKET_SCALE_SEED (1) change the run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import {
  ROOT, NODE_BIN, ENERGY_SIM, scratchDir, startDevNode, connect, waitFor, submitAndWait, errorName, BlockRecorder,
} from './lib.mjs';

// tools/meter-sim's modules load their own copies of the @polkadot packages (the same
// versions as this directory's); polkadot-js would warn about each second copy.
process.env.POLKADOTJS_DISABLE_ESM_CJS_WARNING ??= '1';

const run = promisify(execFile);
const SIM_DIR = join(ROOT, 'tools', 'meter-sim');
const PARTICIPANTS = Number(process.env.MARKET_SCALE_PARTICIPANTS ?? 3000);
const PERIOD_SECONDS = Number(process.env.MARKET_SCALE_PERIOD_S ?? 60);
const PLACING_SECONDS = Number(process.env.MARKET_SCALE_PLACING_S ?? 40);
const SEED = Number(process.env.MARKET_SCALE_SEED ?? 1);

const started = Date.now();
const timing = (name, since = started) =>
  console.log(`# timing: ${name} = ${((Date.now() - since) / 1000).toFixed(1)} s`);
const figure = (text) => console.log(`# market-scale: ${text}`);
/** Picoseconds of ref time as milliseconds. */
const ms = (ps) => (ps / 1e9).toFixed(1);
const pct = (part, whole) => ((100 * part) / whole).toFixed(1);

let sim; // tools/meter-sim's modules
let dir;
let node;
let api;
let keys;
let added;
let zoneCount;
let recorder;
let submitter;

before(async () => {
  if (!existsSync(join(SIM_DIR, 'node_modules', '@polkadot', 'wasm-crypto'))) {
    throw new Error('tools/meter-sim has no node_modules: run scripts/setup.sh (npm ci in tools/meter-sim)');
  }
  if (!existsSync(ENERGY_SIM)) {
    throw new Error(`no simulator at ${ENERGY_SIM}: cargo build --release -p energy-sim (scripts/test.sh builds it), or set ENERGY_SIM`);
  }
  // tools/meter-sim's own modules, not its index: that would load a second @polkadot/api.
  const lib = (name) => import(new URL(`../../tools/meter-sim/lib/${name}.mjs`, import.meta.url));
  sim = Object.assign({}, ...(await Promise.all(['keys', 'chainspec', 'extrinsic', 'rpc', 'orders'].map(lib))));
  await Promise.all([sim.cryptoWaitReady(), cryptoWaitReady()]);

  dir = scratchDir('market-scale');
  const t0 = Date.now();
  keys = sim.deriveKeys(PARTICIPANTS);
  const built = await sim.buildSpec({
    nodeBin: NODE_BIN, chain: 'dev', count: PARTICIPANTS, seed: SEED, periodSeconds: PERIOD_SECONDS, keys,
  });
  added = built.added;
  zoneCount = sim.zoneCount(built.spec);
  const specPath = join(dir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(built.spec));
  timing(`chain_spec_${PARTICIPANTS}_participants`, t0);

  node = await startDevNode('market-scale', specPath);
  api = await connect(node.url, 120000);
  // No need to wait for a block: the sudo call goes into the first one, and the period is
  // chosen by the wall clock (the next blocks' timestamps).
  timing('node_rpc_up', node.startedAt);
});

after(async () => {
  recorder?.stop();
  submitter?.close();
  await api?.disconnect();
  await node?.stop();
});

/** A trade as comparable strings: the chain's Traded event, energy-sim's output, a preview. */
const tradeRow = (t) => [t.bid, t.offer, t.buyer, t.seller, t.sold, t.delivered, t.lost, t.buyerPrice, t.sellerPrice, t.paid, t.received]
  .map((v) => (v === undefined ? '-' : String(v))).join(' ');
const fromEvent = (t) => ({
  bid: t.bid, offer: t.offer, buyer: t.buyer, seller: t.seller, sold: t.soldWh, delivered: t.deliveredWh,
  lost: t.lostWh, buyerPrice: t.buyerPrice, sellerPrice: t.sellerPrice, paid: t.paid, received: t.received,
});
const fromSimulator = (t) => ({
  bid: t.bid, offer: t.offer, buyer: t.buyer, seller: t.seller, sold: t.sold_wh, delivered: t.delivered_wh,
  lost: t.lost_wh, buyerPrice: t.buyer_price_per_kwh, sellerPrice: t.seller_price_per_kwh,
  paid: t.buyer_pays, received: t.seller_receives,
});
const fromPreview = (t) => ({
  bid: t.bid.toString(), offer: t.offer.toString(), sold: t.soldWh.toString(), delivered: t.deliveredWh.toString(),
  lost: t.lostWh.toString(), buyerPrice: t.buyerPrice.toString(), sellerPrice: t.sellerPrice.toString(),
  paid: t.buyerPays.toString(), received: t.sellerReceives.toString(),
});

/** Asserts two lists of trades are equal trade for trade, naming the first difference. */
function assertSameTrades(actual, expected, what) {
  const a = actual.map(tradeRow);
  const e = expected.map(tradeRow);
  const first = e.findIndex((row, i) => row !== a[i]);
  const at = first === -1 ? Math.min(a.length, e.length) : first;
  assert.ok(first === -1 && a.length === e.length,
    `${what}: ${a.length} trades against energy-sim's ${e.length}; first difference at trade ${at}:\n` +
    `  chain      ${a[at] ?? '(none)'}\n  energy-sim ${e[at] ?? '(none)'}\n` +
    '  (bid offer buyer seller sold delivered lost buyerPrice sellerPrice paid received)');
}

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : undefined;
};

test(`${PARTICIPANTS} participants place orders for one period; the chain clears them as energy-sim does`, { timeout: 15 * 60_000 }, async () => {
  // --- The chain's parameters.
  const [, periodSeconds] = (await api.call.energiumApi.currentPeriod()).map((n) => n.toNumber());
  assert.equal(periodSeconds, PERIOD_SECONDS, 'the spec set the delivery-period length');
  const minOrderPowerW = api.consts.doubleAuction.minOrderPowerW.toNumber();
  const budget = Number(api.consts.doubleAuction.clearingBudget.refTime.toBigInt());
  const blockWeights = api.consts.system.blockWeights;
  const maxBlock = Number(blockWeights.maxBlock.refTime.toBigInt());
  const baseBlock = Number(blockWeights.baseBlock.refTime.toBigInt());
  const maxNormal = Number(blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt());
  const roles = {};
  for (const { profile } of added) roles[profile.role] = (roles[profile.role] ?? 0) + 1;

  // --- Every book a call book: cleared once, at its gate.
  const t0 = Date.now();
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const { events: sudoEvents } = await submitAndWait(api,
    api.tx.sudo.sudo(api.tx.doubleAuction.setPeriodMode(null, 'Call')), alice);
  const sudid = sudoEvents.find(({ event }) => api.events.sudo.Sudid.is(event))?.event.data.sudoResult;
  assert.ok(sudid?.isOk, `setPeriodMode through sudo: ${sudid?.isErr ? errorName(sudid.asErr) : 'no Sudid event'}`);
  assert.equal((await api.query.doubleAuction.defaultBookMode()).type, 'Call');
  timing('set_call_mode', t0);

  // --- One order per participant for the first period whose gate is PLACING_SECONDS away.
  const t1 = Date.now();
  const signer = sim.makeOrderSigner(api, keys[0].participant.pair);
  const period = Math.ceil((Date.now() / 1000 + PLACING_SECONDS) / periodSeconds) + 1;
  const gateMs = (period - 1) * periodSeconds * 1000;
  const intended = added.map(({ index, participant, profile }) => ({
    index, participant, profile, ...sim.participantOrder(SEED, index, profile, { periodSeconds, minOrderPowerW }),
  }));
  const byOwner = new Map(intended.map((o) => [o.participant, o]));
  assert.equal(byOwner.size, PARTICIPANTS, 'one participant per key');
  const signed = intended.map((o, i) => {
    assert.equal(keys[i].participant.address, o.participant);
    return signer.sign(keys[i].participant.pair, { side: o.side, period, energyWh: o.energyWh, pricePerKwh: o.pricePerKwh }, 0);
  });
  const bids = intended.filter((o) => o.side === 'Bid').length;
  timing(`sign_${PARTICIPANTS}_orders`, t1);
  figure(`participants = ${PARTICIPANTS} (${roles.Consumer ?? 0} consumers, ${roles.Prosumer ?? 0} prosumers, ` +
    `${roles.Producer ?? 0} producers in ${zoneCount} zones); ` +
    `${bids} bids, ${PARTICIPANTS - bids} offers for period ${period}; ${periodSeconds}-s periods; ` +
    `gate ${((gateMs - Date.now()) / 1000).toFixed(0)} s after signing`);

  recorder = new BlockRecorder(api);
  await recorder.start();
  submitter = await new sim.Submitter(node.url, { connections: 2, batchSize: 64, inFlight: 4 }).open();
  const t2 = Date.now();
  const answers = await submitter.submit(signed);
  const submitSeconds = (Date.now() - t2) / 1000;
  const refused = answers.flatMap((a, i) => (a.error ? [`participant ${i}: ${a.error.message}`] : []));
  assert.equal(refused.length, 0, `the pool refused ${refused.length} orders, e.g. ${refused.slice(0, 3).join('; ')}`);
  timing(`submit_${PARTICIPANTS}_orders`, t2);

  // --- Every order in a block before the gate.
  try {
    await waitFor('every order placed or failed', () => {
      recorder.check();
      return recorder.placed(period).length + recorder.failed().length >= PARTICIPANTS;
    }, Math.max(0, gateMs - Date.now()) + 60000, 250);
  } catch (e) {
    const pending = (await api.rpc.author.pendingExtrinsics()).length;
    throw new Error(`${e.message}: ${recorder.placed(period).length} placed, ${recorder.failed().length} failed, ${pending} in the pool`);
  }
  const failures = {};
  for (const name of recorder.failed()) failures[name] = (failures[name] ?? 0) + 1;
  assert.deepEqual(failures, {}, 'no order failed');
  const placed = recorder.placed(period);
  assert.equal(placed.length, PARTICIPANTS);
  for (const o of placed) {
    const want = byOwner.get(o.owner);
    assert.ok(want, `an order of ${o.owner}, not a participant of the test`);
    assert.deepEqual([o.side, o.energyWh, o.pricePerKwh], [want.side, want.energyWh, want.pricePerKwh], `order of participant ${want.index}`);
  }
  assert.equal(new Set(placed.map((o) => o.owner)).size, PARTICIPANTS, 'one order each');
  const placingBlocks = recorder.blocks.filter((b) => b.placed.length > 0);
  const firstPlacing = placingBlocks[0];
  const lastPlacing = placingBlocks.at(-1);
  assert.ok(lastPlacing.timestampMs < gateMs, 'placed before the gate');
  const placingSeconds = (lastPlacing.timestampMs - t2) / 1000;
  timing('orders_in_blocks', t2);
  const placingRange = recorder.blocks.filter((b) => b.number >= firstPlacing.number && b.number <= lastPlacing.number);
  figure(`placing = ${placingBlocks.length} blocks with orders (#${firstPlacing.number}–#${lastPlacing.number}` +
    `${placingRange.length > placingBlocks.length ? `, ${placingRange.length} blocks in all` : ''}); orders per block ` +
    `${placingBlocks.map((b) => b.placed.length).join('/')}; ${placingSeconds.toFixed(1)} s from the first submission ` +
    `to the last order's block (submission took ${submitSeconds.toFixed(1)} s)`);

  // The book: every order, frozen as a call book.
  const book = (await api.query.doubleAuction.books(period)).unwrap();
  assert.equal(book.mode.type, 'Call');
  assert.deepEqual([book.bids.toNumber(), book.offers.toNumber()], [bids, PARTICIPANTS - bids]);

  // --- energy-sim on the same book, while the gate is still ahead.
  const t3 = Date.now();
  const at = await api.at(lastPlacing.hash);
  const [mechanism, distances, rules, lines, registered] = await Promise.all([
    at.query.doubleAuction.marketMechanism(),
    at.query.zoneMarket.distances(),
    at.query.zoneMarket.rules(),
    at.query.zoneMarket.lines.entries(),
    at.query.prosumer.participants.multi(placed.map((o) => o.owner)),
  ]);
  const zones = sim.simulatorZones({
    distancesM: distances.map((row) => row.map((d) => d.toNumber())),
    rules: rules.isSome
      ? (({ maxDistanceM, lineCapacityWh, line }) => ({
        maxDistanceM: maxDistanceM.toBigInt(),
        lineCapacityWh: lineCapacityWh.toBigInt(),
        line: {
          resistivityPohmM: line.resistivityPohmM.toBigInt(),
          crossSectionMm2: line.crossSectionMm2.toBigInt(),
          voltageV: line.voltageV.toBigInt(),
        },
      }))(rules.unwrap())
      : null,
    lines: lines.map(([key, value]) => {
      const line = value.isSome ? value.unwrap() : value;
      return [key.args[0].map((z) => z.toNumber()), {
        resistivityPohmM: line.resistivityPohmM.toBigInt(),
        crossSectionMm2: line.crossSectionMm2.toBigInt(),
        voltageV: line.voltageV.toBigInt(),
        capacityWh: line.capacityWh.toBigInt(),
      }];
    }),
    periodSeconds,
  });
  const orders = placed.map((o, i) => {
    // The zone the chain holds for the owner: the one the spec gave it.
    const zone = registered[i].unwrap().profile.zone.toNumber();
    assert.equal(zone, byOwner.get(o.owner).profile.zone, `zone of ${o.owner}`);
    return { id: o.order, participant: o.owner, side: o.side, zone, energyWh: o.energyWh, pricePerKwh: o.pricePerKwh };
  });
  const input = sim.simulatorInput({ orders, mechanism: mechanism.toJSON(), zones });
  const inputPath = join(dir, 'book.json');
  const outputPath = join(dir, 'energy-sim.json');
  writeFileSync(inputPath, sim.toExactJson(input));
  await run(ENERGY_SIM, ['clear', '--input', inputPath, '--output', outputPath], { timeout: 60000 });
  const expected = JSON.parse(readFileSync(outputPath, 'utf8'));
  const expectedTrades = expected.trades.map(fromSimulator);
  assert.ok(expectedTrades.length > 0, 'the book crosses');
  timing('energy_sim_clear', t3);

  // The chain's own dry run before the gate says the same (no buyer and seller in it).
  const preview = await at.call.doubleAuctionApi.previewClearing(period);
  assert.ok(preview.isOk, `previewClearing: ${preview.isErr ? preview.asErr.type : ''}`);
  assert.equal(preview.asOk.orders.toNumber(), PARTICIPANTS);
  // Checked at the end, so that a difference here does not hide the clearing's figures.
  let previewDiffers;
  try {
    assertSameTrades(preview.asOk.trades.map(fromPreview),
      expectedTrades.map(({ buyer, seller, ...t }) => t), 'previewClearing before the gate');
  } catch (e) {
    previewDiffers = e;
  }
  timing('preview_clearing', t3);

  // --- The gate: the book is cleared once, over as many blocks as its trades take.
  const t4 = Date.now();
  let clearedBlock;
  try {
    clearedBlock = await waitFor(`BookCleared for period ${period}`, () => {
      recorder.check();
      return recorder.cleared(period);
    }, Math.max(0, gateMs - Date.now()) + 240000, 250);
  } catch (e) {
    const traded = recorder.blocks.reduce((n, b) => n + b.traded.length, 0);
    throw new Error(`${e.message}: ${traded} of ${expectedTrades.length} trades settled`);
  }
  recorder.stop();
  await recorder.queue;
  recorder.check();
  timing('gate_to_book_cleared', Math.max(t4, gateMs));
  await recorder.verify();

  const window = recorder.blocks.filter((b) => b.number >= firstPlacing.number && b.number <= clearedBlock.number);
  // The clearing starts in the block after the first one stamped at or past the gate:
  // `on_initialize` sees the parent's timestamp (pallet-timestamp sets the block's own in
  // its inherent, after the hooks), while orders see their own block's.
  const stampedIndex = window.findIndex((b) => b.timestampMs >= gateMs);
  assert.ok(stampedIndex >= 0 && stampedIndex + 1 < window.length, 'blocks past the gate');
  const gateBlock = window[stampedIndex + 1];
  const traded = window.flatMap((b) => b.traded);
  const tradedBlocks = window.filter((b) => b.traded.length > 0);
  const [cleared] = clearedBlock.cleared.filter((c) => c.period === period);

  // --- Blocks and weights, printed before they are checked. A block that rotates the
  // session reserves the whole block as mandatory weight (pallet-session) and carries no
  // transactions: that reservation is not work, so it is left out of the figures.
  const rows = window.map((b) => {
    const reserved = b.newSession ? maxBlock : 0;
    const total = b.normal + b.operational + b.mandatory;
    return { ...b, reserved, total, work: total - reserved, hooks: b.mandatory - reserved - baseBlock };
  });
  const gateIndex = rows.findIndex((b) => b.number === gateBlock.number);
  const beforeGate = rows.slice(0, gateIndex).filter((b) => !b.newSession);
  const clearing = rows.slice(gateIndex);
  // What the hooks take in a block where the market has nothing to do (placing and waiting
  // blocks): the other pallets' share, and the market's four reads.
  const baseline = median(beforeGate.map((b) => b.hooks)) ?? 0;
  const heaviest = (list) => list.reduce((h, b) => (b.work > h.work ? b : h), list[0]);
  const describe = (b) => `#${b.number}: ${ms(b.work)} ms of ${ms(maxBlock)} ms (${pct(b.work, maxBlock)} %): ` +
    `normal ${ms(b.normal)}, mandatory ${ms(b.mandatory - b.reserved)} ms` +
    `${b.placed.length ? `, ${b.placed.length} orders` : ''}${b.traded.length ? `, ${b.traded.length} trades` : ''}`;
  const placingRows = rows.filter((b) => b.number <= lastPlacing.number);
  const heaviestClearing = heaviest(clearing);
  const sessions = rows.filter((b) => b.newSession).map((b) => `#${b.number}`);
  figure(`clearing = ${clearing.length} blocks (#${gateBlock.number}, the first whose hooks see the gate passed, to #${clearedBlock.number}, BookCleared); ` +
    `${traded.length} trades (${tradedBlocks.map((b) => b.traded.length).join('/')} per block), ` +
    `${cleared.soldWh} Wh sold, ${cleared.lostWh} Wh lost, ${expected.clearing_price_per_kwh ?? '-'} per kWh`);
  figure(`heaviest block = ${describe(heaviest(rows))}`);
  figure(`heaviest placing block = ${describe(heaviest(placingRows))}`);
  figure(`heaviest clearing block = ${describe(heaviestClearing)}; the market's hook ~${ms(heaviestClearing.hooks - baseline)} ms ` +
    `of its ${ms(budget)} ms budget (other hooks ~${ms(baseline)} ms, block base ${ms(baseBlock)} ms)`);
  if (sessions.length) figure(`session-rotation blocks (their whole-block reservation not counted): ${sessions.join(', ')}`);
  for (const b of rows.filter((r) => r.placed.length || r.number >= gateBlock.number)) {
    figure(`  block #${b.number}${b.newSession ? ' (session rotation)' : ''}: ${b.placed.length} orders, ${b.traded.length} trades, ` +
      `${b.extrinsics} extrinsics; normal ${ms(b.normal)} ms, mandatory ${ms(b.mandatory - b.reserved)} ms, ` +
      `${pct(b.work, maxBlock)} % of the block`);
  }
  writeFileSync(join(dir, 'market-scale.json'), JSON.stringify({
    participants: PARTICIPANTS, periodSeconds, period, gateMs, bids, offers: PARTICIPANTS - bids,
    trades: traded.length, expectedTrades: expectedTrades.length, soldWh: cleared.soldWh, lostWh: cleared.lostWh,
    maxBlock, maxNormal, baseBlock, budget, baseline, submitSeconds, placingSeconds,
    blocks: rows.map(({ placed: p, traded: t, cleared: c, ...b }) => ({ ...b, orders: p.length, trades: t.length, cleared: c.length > 0 })),
  }, null, 1));

  // --- Cleared once, at the gate; nothing voided or failed.
  for (const b of window) {
    assert.deepEqual(b.voided, [], `no trade voided in #${b.number}`);
    assert.deepEqual(b.clearingFailed, [], `no failed clearing in #${b.number}`);
    if (b.number < gateBlock.number) assert.equal(b.traded.length, 0, `no trade before the gate (#${b.number})`);
  }
  assert.equal(tradedBlocks[0]?.number, gateBlock.number, 'the book is determined and starts settling in the first block past its gate');
  assert.ok(window[stampedIndex].placed.every((o) => o.period !== period), 'no order placed at or after the gate');

  // --- The chain's trades are energy-sim's, trade for trade, in settlement order.
  assert.ok(traded.every((t) => t.period === period));
  assertSameTrades(traded.map(fromEvent), expectedTrades, 'the Traded events');
  assert.deepEqual(
    [cleared.orders, cleared.trades, cleared.soldWh, cleared.lostWh],
    [PARTICIPANTS, expectedTrades.length, String(expected.summary.sold_wh), String(expected.summary.lost_wh)],
    'BookCleared: orders, trades, energy sold and lost',
  );
  if (previewDiffers) throw previewDiffers;
  figure(`energy-sim clear on the same book: ${expectedTrades.length} trades, equal trade for trade; previewClearing before the gate: equal`);

  // --- Weights: no block over the block's weight, ordinary transactions within their
  // share; in the clearing's blocks, the hooks within a quarter of the block (the runtime's
  // bound) and the market's own hook within its budget (1 % of the block allowed for the
  // other hooks' drift from their baseline).
  for (const b of rows) {
    assert.ok(b.work <= maxBlock, `#${b.number}: ${ms(b.work)} ms of weight, more than the block's ${ms(maxBlock)} ms`);
    assert.ok(b.normal <= maxNormal, `#${b.number}: ordinary transactions ${ms(b.normal)} ms, more than ${ms(maxNormal)} ms`);
  }
  for (const b of clearing) {
    assert.ok(b.hooks <= maxBlock / 4,
      `#${b.number}: hooks ${ms(b.hooks)} ms, more than a quarter of the block (${ms(maxBlock / 4)} ms)`);
    assert.ok(b.hooks - baseline <= budget + maxBlock / 100,
      `#${b.number}: the market's hook ~${ms(b.hooks - baseline)} ms, more than its budget ${ms(budget)} ms`);
  }
  timing('market_scale_total');
});
