// The energy ledger end to end, on a `dev-fast` node (12-second delivery periods): orders
// hold a deposit until they fill or expire, clear and credit the buyer with EGM; a direct
// purchase at the grid's tariff credits EGM; consumption readings debit it; a seller short
// of its export and a buyer short of EGM pay imbalance at settlement; getBuyerInfo and the
// zone view (runtime APIs, no custom types) report it all, matching the events; a
// participant leaves only once settled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, connect, waitFor, submitAndWait, finalizedNumber, marketHold } from './lib.mjs';

const UNIT = 10n ** 12n;
const perKwh = (fraction) => BigInt(Math.round(fraction * 1000)) * UNIT / 1000n;

let node;
let api;
let keys;
/** Every energium and doubleAuction event of the best chain, in order. */
const seen = [];
let unsubscribe = () => {};

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  keys = Object.fromEntries(['Dave', 'Eve', 'Ferdie'].flatMap((name) => [
    [name, keyring.addFromUri(`//${name}`)],
    [`${name}Meter`, keyring.addFromUri(`//${name}//meter`)],
  ]));
  node = await startDevNode('energium', 'dev-fast');
  api = await connect(node.url);
  // The clock is the best block's timestamp: wait for blocks with a real one.
  await waitFor('a finalized block', async () => (await finalizedNumber(api)) >= 1, 60000, 250);
  unsubscribe = await api.query.system.events((records) => {
    for (const { event } of records) {
      if (['energium', 'doubleAuction'].includes(event.section)) {
        seen.push({ section: event.section, method: event.method, data: event.data.toJSON() });
      }
    }
  });
});

after(async () => {
  unsubscribe();
  await api?.disconnect();
  await node?.stop();
});

const events = (method) => seen.filter((e) => e.method === method).map((e) => e.data);
async function currentPeriod() {
  const [period, seconds] = (await api.call.energiumApi.currentPeriod()).map((n) => n.toNumber());
  return { period, seconds };
}
const buyerInfo = async (who) => (await api.call.energiumApi.buyerInfo(who.address)).toJSON();
const free = async (address) => (await api.query.system.account(address)).data.free.toBigInt();
const reading = (period, importedWh, exportedWh) =>
  api.tx.prosumer.submitReading({ period, counters: { importedWh, exportedWh } });

test('a period from orders to settlement: EGM credited, debited, imbalances charged, views agree', async () => {
  const { Dave: dave, Eve: eve, Ferdie: ferdie } = keys;
  const grid = api.consts.energium.gridAccount.toString();
  const tariff = (await api.query.energium.gridTariff()).unwrap();
  const imbalancePrice = tariff.imbalancePricePerKwh.toBigInt();
  const gridBefore = await free(grid);

  const { period: now, seconds } = await currentPeriod();
  assert.equal(seconds, 12, 'the dev-fast preset has 12-second periods');
  // Four periods ahead: time to clear and to try one more order before delivery begins.
  const period = now + 4;

  // Ferdie (producer, zone 3) offers 100 Wh; Eve (consumer, zone 2; 10 kW move 34 Wh in
  // 12 s) bids for 25 Wh.
  await Promise.all([
    submitAndWait(api, api.tx.doubleAuction.placeOrder('Offer', period, 100, perKwh(0.10)), ferdie),
    submitAndWait(api, api.tx.doubleAuction.placeOrder('Bid', period, 25, perKwh(0.40)), eve),
  ]);
  const trade = await waitFor('the trade', () => events('Traded').find((t) => t[0] === period), 30000, 250);
  const [, , , buyer, seller, sold, delivered, lost] = trade;
  assert.equal(buyer, eve.address);
  assert.equal(seller, ferdie.address);
  assert.equal(sold, 25);
  assert.equal(delivered + lost, sold);
  console.log(`# trade for period ${period}: sold ${sold} Wh, delivered ${delivered}, lost ${lost}`);

  // Each order held the order deposit (1 GRID in the runtime) from its placing. Eve's bid
  // filled: its deposit and the rest of its escrow came back. Ferdie's offer has 75 Wh left
  // and still holds its deposit (an offer escrows nothing).
  const orderDeposit = api.consts.doubleAuction.orderDeposit.toBigInt();
  assert.ok(orderDeposit > 0n, 'orders hold a deposit');
  const placed = events('OrderPlaced').filter((e) => e[3] === period);
  assert.deepEqual(placed.map((e) => [e[1], BigInt(e[6]), BigInt(e[7])]).sort(), [
    [ferdie.address, 0n, orderDeposit],
    [eve.address, perKwh(0.40) * 25n / 1000n, orderDeposit],
  ].sort(), 'OrderPlaced reports the escrow and the deposit held');
  assert.equal(await marketHold(api, eve.address, 'OrderDeposit'), 0n, "the filled bid's deposit is returned");
  assert.equal(await marketHold(api, eve.address, 'BidEscrow'), 0n, "the filled bid's escrow is spent or returned");
  assert.equal(await marketHold(api, ferdie.address, 'OrderDeposit'), orderDeposit, 'the open offer holds its deposit');

  // creditEnergy: Eve holds the energy delivered, as EGM.
  const credited = events('EnergyCredited').find((e) => e[0] === eve.address && e[1] === period);
  assert.deepEqual(credited, [eve.address, period, delivered, delivered]);
  let info = await buyerInfo(eve);
  assert.equal(info.balanceWh, delivered);
  assert.equal(BigInt(info.balanceEgm), BigInt(delivered) * 10n ** 15n, '1 EGM = 1 kWh, 18 decimals');
  assert.deepEqual(info.openPeriods.map((e) => [e.period, e.boughtWh, e.receivedWh]), [[period, sold, delivered]]);

  // The capacity bound counts what already filled: Ferdie's 50 kW make 167 Wh in 12 s, and
  // 25 sold + 75 still offered leave 67 (without the 25 sold, 68 would fit).
  await assert.rejects(
    submitAndWait(api, api.tx.doubleAuction.placeOrder('Offer', period, 68, perKwh(0.10)), ferdie),
    /doubleAuction.ExceedsCapacity/,
  );
  assert.equal(await marketHold(api, ferdie.address, 'OrderDeposit'), orderDeposit, 'a refused order holds nothing');
  // Eve cannot leave with a period unsettled.
  await assert.rejects(submitAndWait(api, api.tx.prosumer.deregister(), eve), /prosumer.HasUnsettledPeriods/);

  // buyEnergy: Dave buys 1 kWh at the retail tariff.
  const retail = tariff.retailPricePerKwh.toBigInt();
  const bought = await submitAndWait(api, api.tx.energium.buyEnergy(retail), dave);
  const purchase = bought.events.find(({ event }) => api.events.energium.EnergyPurchased.is(event)).event.data;
  assert.equal(purchase.energyWh.toNumber(), 1000);
  assert.equal(purchase.paid.toBigInt(), retail);
  assert.equal((await buyerInfo(dave)).balanceWh, 1000);

  // Delivery: the period ends; the meters report. Eve consumed 4 Wh more than she bought;
  // Ferdie exported 10 Wh less than he sold.
  await waitFor('the delivery period to end', async () => (await currentPeriod()).period > period, 60000, 500);
  await Promise.all([
    submitAndWait(api, reading(period, delivered + 4, 0), keys.EveMeter),
    submitAndWait(api, reading(period, 0, sold - 10), keys.FerdieMeter),
  ]);
  const debited = events('EnergyDebited').find((e) => e[0] === eve.address && e[1] === period);
  assert.deepEqual(debited, [eve.address, period, delivered + 4, delivered, 4, 0]);
  assert.equal((await buyerInfo(eve)).balanceWh, 0);

  // Settlement once the readings' window (4 periods) has closed.
  const since = Date.now();
  await waitFor('the period to be settled', () => events('PeriodSettled').some((e) => e[0] === period), 150000, 1000);
  console.log(`# settled ${((Date.now() - since) / 1000).toFixed(0)} s after the readings`);
  // The book closed when delivery began: Ferdie's offer expired and its deposit came back.
  const closed = events('BookClosed').find((e) => e[0] === period);
  assert.ok(closed, `doubleAuction.BookClosed for period ${period}`);
  assert.deepEqual([closed[1], BigInt(closed[2])], [1, orderDeposit], 'one order expired, its deposit released');
  assert.equal(await marketHold(api, ferdie.address, 'OrderDeposit'), 0n);
  const settled = Object.fromEntries(events('ParticipantSettled').filter((e) => e[1] === period).map((e) => [e[0], e]));
  const cost = (wh) => BigInt(wh) * imbalancePrice / 1000n;
  const [, , fSold, fExported, fUndelivered, fShortfall, fCharged, fUnpaid] = settled[ferdie.address];
  assert.deepEqual([fSold, fExported, fUndelivered, fShortfall], [sold, sold - 10, 10, 0]);
  assert.equal(BigInt(fCharged), cost(10));
  assert.equal(BigInt(fUnpaid), 0n);
  const [, , , , eUndelivered, eShortfall, eCharged] = settled[eve.address];
  assert.deepEqual([eUndelivered, eShortfall], [0, 4]);
  assert.equal(BigInt(eCharged), cost(4));
  assert.equal(await free(grid) - gridBefore, retail + cost(10) + cost(4), 'tariff and imbalances reach the grid');

  // getBuyerInfo: totals and the settled period, as the events said.
  info = await buyerInfo(eve);
  assert.deepEqual(
    [info.purchasedWh, info.consumedWh, info.shortfallWh, info.balanceWh, BigInt(info.debt)],
    [delivered, delivered + 4, 4, 0, 0n],
  );
  assert.equal(info.openPeriods.length, 0);
  const entry = info.settledPeriods.find((e) => e.period === period);
  assert.deepEqual(
    [entry.receivedWh, entry.importedWh, entry.debitedWh, entry.shortfallWh, entry.settled, BigInt(entry.charged)],
    [delivered, delivered + 4, delivered, 4, true, cost(4)],
  );
  assert.equal(info.months.length, 1);

  // The zone view: Eve's zone 2 bought, Ferdie's zone 3 sold; the balance equations hold.
  const zones = Object.fromEntries((await api.call.energiumApi.zoneEnergy(period)).toJSON());
  console.log(`# zone view of period ${period}: ${JSON.stringify(zones)}`);
  assert.deepEqual([zones[2].boughtWh, zones[2].deliveredWh, zones[2].importedWh, zones[2].shortfallWh], [sold, delivered, delivered + 4, 4]);
  assert.deepEqual([zones[3].soldWh, zones[3].lostWh, zones[3].exportedWh, zones[3].undeliveredWh], [sold, lost, sold - 10, 10]);
  const sum = (field) => Object.values(zones).reduce((total, z) => total + z[field], 0);
  assert.equal(sum('soldWh'), sum('boughtWh'));
  assert.equal(sum('soldWh'), sum('deliveredWh') + sum('lostWh'));
  assert.equal(sum('importedWh'), sum('debitedWh') + sum('shortfallWh'));

  // Settled and owing nothing, Eve may leave.
  const left = await submitAndWait(api, api.tx.prosumer.deregister(), eve);
  assert.ok(left.events.some(({ event }) => api.events.prosumer.ParticipantDeregistered.is(event)));
});
