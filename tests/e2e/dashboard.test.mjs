// The web dashboard (dashboard/) end to end: a real `dev-fast` node (12-second delivery
// periods), the page built and served by dashboard/serve.mjs, and Debian's `chromium`
// driven headless by puppeteer-core. The page talks to the node itself over WebSocket.
//
// - With no node at the address it is given, the page says so.
// - The operator view shows the demo grid (four zones, their lines) and the demo
//   participants in their zones.
// - Dave's meter reports consumption he had no EGM for, and Dave buys 100 Wh at the tariff:
//   the participant view shows his EGM balance and the shortfall.
// - Dave places a bid from the page (a button click, signed in the page with //Dave); it
//   shows as an open order with its escrow and deposit; Ferdie's offer (via @polkadot/api)
//   clears it, and the page shows the trade with its line loss, the new EGM balance, the
//   zone view and the clearing price. The bid's holds come back when it fills.
// - A second bid placed from the page is cancelled from the page, and its holds come back.
// - Once Dave's consumption period settles, the page shows its imbalance charge and month.
// - The consortium view shows Alice validating, finality keeping up, and the motion Bob
//   opened with Bob's aye and Charlie's nay.
// Screenshots of the three views: dashboard-*.png in the node's scratch directory, or in
// docs/img/ with UPDATE_SCREENSHOTS=1 (how the docs' pictures are made). Timings: `# timing:` lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, statSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import puppeteer from 'puppeteer-core';
import { ROOT, startDevNode, connect, waitFor, submitAndWait, freePort, stopProcess, marketHold } from './lib.mjs';

const DASHBOARD = join(ROOT, 'dashboard');
// Screenshots go beside the node's log, or into the docs with UPDATE_SCREENSHOTS=1.
const shotsDir = () => (process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'img') : node.dir);
const UNIT = 10n ** 12n;
const perKwh = (fraction) => BigInt(Math.round(fraction * 1000)) * UNIT / 1000n;

const started = Date.now();
const timing = (name, since = started) => console.log(`# timing: ${name} = ${((Date.now() - since) / 1000).toFixed(1)} s`);

let node;
let api;
let server;
let browser;
let page;
let base;
let keys;
/** Every energium and doubleAuction event of the best chain, in order. */
const seen = [];
let unsubscribe = () => {};
/** Dave's consumption before the trades, set up while the first test runs. */
let setup;
/** The page's console errors are printed, except while a test expects them. */
let expectConsoleErrors = false;

/** Chromium from $CHROMIUM_BIN or the PATH (Debian's `chromium`; scripts/setup.sh installs it). */
function chromiumPath() {
  if (process.env.CHROMIUM_BIN) return process.env.CHROMIUM_BIN;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`]).toString().trim();
    } catch { /* next */ }
  }
  throw new Error('no chromium on PATH: run scripts/setup.sh (apt-get install chromium)');
}

/** Builds dashboard/dist/ unless it is newer than every source file and the lock file. */
function buildDashboard() {
  const bundle = join(DASHBOARD, 'dist', 'app.js');
  const sources = [join(DASHBOARD, 'package-lock.json'), join(DASHBOARD, 'build.mjs'),
    ...readdirSync(join(DASHBOARD, 'src')).map((f) => join(DASHBOARD, 'src', f))];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newest) return 'up to date';
  execFileSync(join(DASHBOARD, 'build.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
  return 'built';
}

/** Starts dashboard/serve.mjs on a free port; resolves once it listens. */
async function serveDashboard() {
  const port = await freePort();
  const proc = spawn(process.execPath, [join(DASHBOARD, 'serve.mjs'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((res, reject) => {
    proc.stdout.on('data', (chunk) => { if (String(chunk).includes('dashboard: http')) res(); });
    proc.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
  return { proc, url: `http://127.0.0.1:${port}` };
}

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  keys = Object.fromEntries(['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].flatMap((name) => [
    [name, keyring.addFromUri(`//${name}`)],
    [`${name}Meter`, keyring.addFromUri(`//${name}//meter`)],
  ]));
  node = await startDevNode('dashboard', 'dev-fast');
  console.log(`# dashboard: ${buildDashboard()}`);
  server = await serveDashboard();
  base = server.url;
  browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container: no sandbox; no GPU on these machines.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on('pageerror', (e) => console.error(`# page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !expectConsoleErrors) console.error(`# page console: ${m.text()}`); });

  // Fail at once, not after connect's minute of retries, if the node dies at start.
  const died = new Promise((_, reject) => node.proc.once('exit', (code) =>
    reject(new Error(`energy-node exited (code ${code}) at start; see ${node.dir}/node.log`))));
  died.catch(() => {});
  api = await Promise.race([connect(node.url), died]);
  // Blocks with a real timestamp: the chain's clock decides which periods have ended.
  await waitFor('the first block', async () => (await api.rpc.chain.getHeader()).number.toNumber() >= 1, 60000, 250);
  timing('node_and_browser_ready');
  unsubscribe = await api.query.system.events((records) => {
    for (const { event } of records) {
      if (['energium', 'doubleAuction'].includes(event.section)) {
        seen.push({ method: event.method, data: event.data.toJSON() });
      }
    }
  });
  // Dave's meter reports 30 Wh imported in the last period (he has no EGM: all shortfall),
  // then Dave buys 100 Wh at the tariff (0.30 GRID/kWh). Bob opens a consortium motion
  // (threshold 2; its call would change nothing anyway) and votes aye, Charlie nay: it stays
  // open. Runs while the first test does.
  const motion = api.tx.zoneMarket.setDistance(0, 1, 500);
  const proposed = (async () => {
    const { events: proposal } = await submitAndWait(api, api.tx.consortium.propose(2, motion, motion.method.encodedLength), keys.Bob);
    const { proposalIndex, proposalHash } = proposal.find(({ event }) => api.events.consortium.Proposed.is(event)).event.data;
    await Promise.all([
      submitAndWait(api, api.tx.consortium.vote(proposalHash, proposalIndex, true), keys.Bob),
      submitAndWait(api, api.tx.consortium.vote(proposalHash, proposalIndex, false), keys.Charlie),
    ]);
  })();
  proposed.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  setup = (async () => {
    // A meter bound at genesis reports from the chain's first period on (recorded in block 1
    // as prosumer.chainStartPeriod, where the runtime has it): wait until that one has ended.
    const start = api.query.prosumer.chainStartPeriod
      ? await waitFor('the chain start period', async () => {
        const p = await api.query.prosumer.chainStartPeriod();
        return p.isSome ? p.unwrap().toNumber() + 1 : null;
      }, 30000, 250)
      : 0;
    const now = await waitFor('a period after the chain start', async () => {
      const [period] = (await api.call.energiumApi.currentPeriod()).map((n) => n.toNumber());
      return period >= start ? period : null;
    }, 30000, 500);
    const consumed = now - 1;
    await submitAndWait(api, api.tx.prosumer.submitReading({ period: consumed, counters: { importedWh: 30, exportedWh: 0 } }), keys.DaveMeter);
    await submitAndWait(api, api.tx.energium.buyEnergy(perKwh(0.03)), keys.Dave);
    await proposed;
    return { consumed };
  })();
  setup.catch(() => {}); // awaited in the test that needs it
});

after(async () => {
  unsubscribe();
  await browser?.close();
  if (server) await stopProcess(server.proc);
  await api?.disconnect();
  await node?.stop();
  timing('total');
});

const events = (method) => seen.filter((e) => e.method === method).map((e) => e.data);
const text = (selector) => page.$eval(selector, (el) => el.textContent.trim());
/** Waits until the page's text at `selector` satisfies `check` (a string or a RegExp). */
function waitText(selector, check, timeout = 30000) {
  const [source, flags, exact] = check instanceof RegExp ? [check.source, check.flags, null] : [null, null, check];
  return page.waitForFunction((sel, src, fl, ex) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const t = el.textContent.trim();
    return src !== null ? new RegExp(src, fl).test(t) : t === ex;
  }, { timeout, polling: 200 }, selector, source, flags, exact);
}
async function open(view, account = 'Dave') {
  // A fresh load each time (a URL that differs only in its hash would not reload the page).
  await page.goto('about:blank');
  await page.goto(`${base}/?rpc=${encodeURIComponent(node.url)}&account=${account}#${view}`);
  await page.waitForSelector(`#view-${view}[data-loaded]`, { timeout: 30000 });
}
async function shoot(view) {
  mkdirSync(shotsDir(), { recursive: true });
  await page.screenshot({ path: join(shotsDir(), `dashboard-${view}.png`), fullPage: true });
}

test('with no node at its address, the page says so and how to choose one', async () => {
  expectConsoleErrors = true; // the browser logs the refused WebSocket connections
  await page.goto(`${base}/?rpc=ws://127.0.0.1:${await freePort()}`);
  await waitText('#connection', /^cannot reach a node at ws:\/\/127\.0\.0\.1:\d+; retrying…$/, 15000);
  assert.equal(await page.$eval('#unreachable', (el) => el.hidden), false);
  assert.match(await text('#unreachable'), /\?rpc=ws:\/\/host:port/);
  await page.goto('about:blank');
  expectConsoleErrors = false;
});

test('the page reads the node: the grid and the demo participants', async () => {
  const since = Date.now();
  await open('operator');
  timing('page_loaded', since);
  assert.match(await text('#connection'), /Energy Consortium Development/);

  // The demo grid: zones 0..3 along one feeder, 500 m apart; 0 ↔ 3 out of the zone market's reach.
  assert.equal((await page.$$('#grid-svg .zone')).length, 4);
  assert.equal((await page.$$('#grid-svg path.line')).length, 6, 'a line per zone pair');
  assert.equal((await page.$$('#grid-svg path.line.no-reach')).length, 1);
  assert.match(await text('#lines tr[data-line="0-3"]'), /1,500 m\s*no \(too far\)/);
  // Losses of 1 kWh over 500 m in a 12-second period on the 400 V, 150 mm² aluminium line:
  // E²ρL·3600/(A·10⁶·U²·T) = 176.25 Wh.
  assert.match(await text('#lines tr[data-line="1-2"]'), /0\.094 Ω\s*176\.25 Wh/);

  // The demo participants in their zones, from pallet-prosumer.
  const rows = await page.$$eval('#participants tbody tr', (trs) => trs.map((tr) => [...tr.cells].slice(0, 4).map((c) => c.textContent.trim())));
  assert.deepEqual(rows, [
    ['Dave', 'Prosumer', '1', 'Approved'],
    ['Eve', 'Consumer', '2', 'Approved'],
    ['Ferdie', 'Producer', '3', 'Approved'],
  ]);
  assert.match(await text('#grid-svg .zone[data-zone="3"]'), /Ferdie · producer/);
  assert.match(await text('#market-cards'), /UniformPrice \(k = 0\.5\)/);
  assert.match(await text('#market-cards'), /0\.3 GRID\/kWh/);

});

test('an order placed from the page is cleared and shows up with its trade, loss and EGM', async () => {
  const { Dave: dave, Eve: eve, Ferdie: ferdie } = keys;
  const { consumed } = await setup;

  // Dave's EGM: 100 Wh bought at the tariff; the 30 Wh he consumed before are shortfall.
  await open('participant', 'Dave');
  assert.match(await text('#participant-profile'), /Prosumer in zone 1 · Approved/);
  await waitText('#egm-balance', '0.100 EGM');
  assert.match(await text('#imbalance'), /shortfall 30 Wh · undelivered 0 Wh/);
  assert.ok(await page.$(`#ledger tr[data-period="${consumed}"]`), 'the consumption period is in the ledger table');

  // Dave bids from the page: 50 Wh (his 15 kW connection's 12 seconds) at up to 0.40 GRID/kWh.
  const [now] = (await api.call.energiumApi.currentPeriod()).map((n) => n.toNumber());
  const period = now + 4;
  const since = Date.now();
  await page.select('#order-side', 'Bid');
  for (const [field, value] of [['#order-period', period], ['#order-energy', 50], ['#order-price', '0.40']]) {
    await page.$eval(field, (el) => { el.value = ''; });
    await page.type(field, String(value));
  }
  await page.click('#order-submit');
  await waitText('#tx-status', /done, in block/);
  // The bid holds its worst-case cost (50 Wh at 0.40: 0.02 GRID) and the order deposit.
  const orderDeposit = api.consts.doubleAuction.orderDeposit.toBigInt();
  assert.ok(orderDeposit > 0n, 'orders hold a deposit');
  const depositShown = `${Number(orderDeposit) / Number(UNIT)}`.replace('.', '\\.');
  await waitText('#open-orders tbody', new RegExp(`Bid\\s*${period}.*50 Wh\\s*50 Wh\\s*0\\.4 GRID/kWh\\s*0\\.02 GRID\\s*${depositShown} GRID`, 's'));
  const placed = events('OrderPlaced').find((e) => e[1] === dave.address && e[3] === period);
  assert.ok(placed, 'the page signed and submitted doubleAuction.placeOrder as Dave');
  assert.deepEqual([BigInt(placed[6]), BigInt(placed[7])], [perKwh(0.40) * 50n / 1000n, orderDeposit]);
  assert.equal(await marketHold(api, dave.address, 'BidEscrow'), perKwh(0.40) * 50n / 1000n);
  assert.equal(await marketHold(api, dave.address, 'OrderDeposit'), orderDeposit);
  timing('bid_from_page_in_block', since);

  // Ferdie (zone 3, 1 km from Dave's zone 1) offers 50 Wh at 0.10 through @polkadot/api.
  await submitAndWait(api, api.tx.doubleAuction.placeOrder('Offer', period, 50, perKwh(0.10)), ferdie);
  const trade = await waitFor('the trade', () => events('Traded').find((t) => t[0] === period), 30000, 250);
  const [, , , buyer, seller, sold, delivered, lost] = trade;
  assert.deepEqual([buyer, seller, sold], [dave.address, ferdie.address, 50]);
  // 50 Wh in 12 s over 1,000 m of the 400 V line lose 0.88 Wh, rounded to 1.
  assert.equal(lost, 1);
  assert.equal(delivered, 49);

  // The page shows the trade with its loss, the filled order gone, and the EGM credited.
  const row = `#trades tr[data-period="${period}"]`;
  await page.waitForSelector(row, { timeout: 30000 });
  assert.match(await text(row), new RegExp(`${period}\\s*bought from\\s*Ferdie\\s*50 Wh\\s*49 Wh\\s*1 Wh\\s*0\\.25 GRID/kWh`));
  await waitText('#egm-balance', '0.149 EGM');
  await waitText('#open-orders tbody', 'No open orders.');
  // Filled: its deposit and what the trade left of its escrow came back.
  assert.equal(await marketHold(api, dave.address, 'OrderDeposit'), 0n);
  assert.equal(await marketHold(api, dave.address, 'BidEscrow'), 0n);
  timing('bid_from_page_to_trade_on_page', since);

  // A second clearing for the price chart: Eve buys 20 Wh from Ferdie (via @polkadot/api)
  // while Dave places a bid from the page that he then cancels from the page.
  const second = (async () => {
    await Promise.all([
      submitAndWait(api, api.tx.doubleAuction.placeOrder('Bid', period + 1, 20, perKwh(0.45)), eve),
      submitAndWait(api, api.tx.doubleAuction.placeOrder('Offer', period + 1, 20, perKwh(0.20)), ferdie),
    ]);
    return waitFor('the second trade', () => events('Traded').find((t) => t[0] === period + 1), 30000, 250);
  })();
  second.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const cancelSince = Date.now();
  await page.$eval('#order-period', (el) => { el.value = ''; });
  await page.type('#order-period', String(period + 2));
  await page.$eval('#order-energy', (el) => { el.value = ''; });
  await page.type('#order-energy', '10');
  await page.$eval('#order-price', (el) => { el.value = ''; });
  await page.type('#order-price', '0.01');
  await page.click('#order-submit');
  await page.waitForSelector('#open-orders button.cancel', { timeout: 30000 });
  const orderId = await page.$eval('#open-orders button.cancel', (b) => b.dataset.order);
  // The page redraws its tables on every new block, so an element handle taken here may be
  // detached by the time a mouse click reaches it: find and click the button in one step.
  await page.$eval(`#open-orders button.cancel[data-order="${orderId}"]`, (b) => b.click());
  await waitText('#tx-status', new RegExp(`Cancelling order ${orderId}: done`));
  await waitText('#open-orders tbody', 'No open orders.');
  assert.ok(events('OrderCancelled').some((e) => String(e[0]) === orderId && e[1] === dave.address));
  assert.equal((await api.query.doubleAuction.openOrdersOf(dave.address)).length, 0);
  // Cancelled: its deposit and escrow came back.
  assert.equal(await marketHold(api, dave.address, 'OrderDeposit'), 0n);
  assert.equal(await marketHold(api, dave.address, 'BidEscrow'), 0n);
  timing('bid_and_cancel_from_page', cancelSince);
  await second;

  // A book that rests: Eve bids 10 Wh at 0.05 and 15 Wh at 0.08, Ferdie offers 30 Wh at
  // 0.50, far ahead; nothing crosses, so the orders stay open for the operator's view.
  const resting = period + 40;
  await Promise.all([
    (async () => {
      await submitAndWait(api, api.tx.doubleAuction.placeOrder('Bid', resting, 10, perKwh(0.05)), eve);
      await submitAndWait(api, api.tx.doubleAuction.placeOrder('Bid', resting, 15, perKwh(0.08)), eve);
    })(),
    submitAndWait(api, api.tx.doubleAuction.placeOrder('Offer', resting, 30, perKwh(0.50)), ferdie),
  ]);

  // The operator's view: the resting book (counts from doubleAuction.books, energy and best
  // prices from doubleAuction.bookIndex), the zone energy of the traded period and the two
  // clearing prices (uniform price, k = ½: 0.10 + (0.40 − 0.10)/2 = 0.25 and
  // 0.20 + (0.45 − 0.20)/2 = 0.325).
  await open('operator');
  await waitText(`#books tr[data-period="${resting}"]`,
    new RegExp(`^${resting}\\s*2 · 25 Wh\\s*1 · 30 Wh\\s*0\\.08 GRID/kWh\\s*0\\.5 GRID/kWh$`));
  const book = (await api.query.doubleAuction.books(resting)).unwrap();
  assert.deepEqual([book.bids.toNumber(), book.offers.toNumber()], [2, 1]);
  await waitText(`#zone-energy tr[data-period="${period}"][data-zone="3"] .traded`, '50 Wh');
  assert.match(await text(`#zone-energy tr[data-period="${period}"][data-zone="1"]`), /49 Wh\s*0 Wh\s*0 Wh/);
  await waitText(`#clearings tr[data-period="${period + 1}"]`, /0\.325 GRID\/kWh$/);
  assert.match(await text(`#clearings tr[data-period="${period}"]`), /50 Wh\s*1 Wh\s*0\.25 GRID\/kWh$/);
  assert.equal((await page.$$('#prices-svg circle.point')).length, 2);

  // Settlement of Dave's consumption period (after the readings' window of four periods):
  // the page shows the 30 Wh shortfall charged at the imbalance price (0.50 GRID/kWh) and
  // the month in the chart of purchases against consumption.
  const settleSince = Date.now();
  await waitFor('the consumption period to settle', () => events('PeriodSettled').some((e) => e[0] === consumed), 90000, 500);
  timing('waited_for_settlement', settleSince);
  await open('participant', 'Dave');
  await waitText(`#ledger tr[data-period="${consumed}"]`, /30 Wh\s*0 Wh\s*0\.015 GRID\s*0 GRID\s*settled$/);
  await page.waitForSelector('#months-svg rect.bar[data-series="consumed"][data-value="30"]', { timeout: 30000 });
  assert.ok(await page.$(`#periods-svg rect.bar[data-series="purchased"][data-value="${delivered}"]`), 'the trade in the per-period chart');
  await shoot('participant');
  // The operator sees the settled period's demand and imbalance in Dave's zone.
  await open('operator');
  await waitText(`#zone-energy tr[data-period="${consumed}"][data-zone="1"]`, /30 Wh\s*0 Wh\s*0 Wh\s*0 Wh\s*0 Wh\s*30 Wh\s*0 Wh\s*1$/);
  await shoot('operator');
});

test('the consortium view: validators, finality and an open motion', async () => {
  await setup; // Bob's motion is in a block
  await open('consortium');
  // Alice validates (admitted and in the session) and sits in the consortium with Bob and Charlie.
  assert.match(await text(`#validators tr[data-account="${keys.Alice.address}"]`), /^Alice.*yes\s*yes\s*yes$/s);
  assert.match(await text(`#validators tr[data-account="${keys.Bob.address}"]`), /^Bob.*no\s*no\s*yes$/s);
  assert.equal((await page.$$('#validators tbody tr')).length, 3);
  // Finality: the finalized block trails the best by a few blocks at most.
  await waitText('#finalized-block', /^#[1-9]/);
  const best = Number((await text('#best-block')).replace(/\D/g, ''));
  const finalized = Number((await text('#finalized-block')).replace(/\D/g, ''));
  assert.ok(best - finalized <= 5, `best #${best}, finalized #${finalized}`);
  // Bob's motion: the call decoded from the metadata, Bob's aye, Charlie's nay, the threshold.
  const motions = await page.$$eval('#motions-table tbody tr', (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ').trim()));
  assert.equal(motions.length, 1);
  assert.match(motions[0], /zoneMarket\.setDistance .* Bob Charlie 2 of 3 #/);
  await shoot('consortium');
});
