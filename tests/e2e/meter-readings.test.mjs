// Smart-meter readings on a development node (the `dev-fast` preset: 12-second delivery
// periods): a demo meter key (no funds) signs readings that are finalized, feeless and
// visible in storage; a reading from an unknown key, one for a period before the chain
// began, and one whose counter goes backwards are refused by the node before they reach the
// pool or a block.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, connect, waitFor, finalizedNumber, submitAndFinalize } from './lib.mjs';

/** Seconds in a delivery period (`prosumer.periodLength`: 12 in `dev-fast`). */
let periodSeconds;
/** The period of the chain's first block: a genesis meter's first reading counts from it. */
let startPeriod;
/** The period of the reading the second test records. */
let firstPeriod;
let node;
let api;
let dave;
let daveMeter;
let stranger;

before(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  dave = keyring.addFromUri('//Dave');
  daveMeter = keyring.addFromUri('//Dave//meter');
  stranger = keyring.addFromUri('//Stranger//meter');
  node = await startDevNode('meters', 'dev-fast');
  api = await connect(node.url);
  periodSeconds = (await api.query.prosumer.periodLength()).toNumber();
  await waitFor('a finalized block', async () => (await finalizedNumber(api)) >= 1, 60000, 250);
  startPeriod = (await api.query.prosumer.chainStartPeriod()).unwrap().toNumber();
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

/** The delivery period the chain's clock (the best block's timestamp) is in. */
async function currentPeriod() {
  const nowMs = (await api.query.timestamp.now()).toNumber();
  return Math.floor(nowMs / 1000 / periodSeconds);
}

function reading(period, importedWh, exportedWh) {
  return api.tx.prosumer.submitReading({
    period,
    counters: { importedWh, exportedWh },
  });
}

/** Submits `tx` and expects the node to refuse it at once with `Custom error: code`. */
async function assertRefused(tx, signer, code) {
  await assert.rejects(
    tx.signAndSend(signer),
    (e) => {
      console.log(`# refused: ${e.message}`);
      return e.message.includes('1010') && e.message.includes(`Custom error: ${code}`);
    },
  );
}

test('the development preset ships demo participants in different zones with bound meters', async () => {
  const zones = new Set();
  for (const uri of ['//Dave', '//Eve', '//Ferdie']) {
    const who = new Keyring({ type: 'sr25519' }).addFromUri(uri);
    const meter = new Keyring({ type: 'sr25519' }).addFromUri(`${uri}//meter`);
    const participant = (await api.query.prosumer.participants(who.address)).unwrap();
    assert.equal(participant.status.toString(), 'Approved', uri);
    assert.equal(participant.meter.unwrap().toString(), meter.address, uri);
    zones.add(participant.profile.zone.toNumber());
    const record = (await api.query.prosumer.meters(meter.address)).unwrap();
    assert.equal(record.participant.toString(), who.address);
    assert.equal(record.status.toString(), 'Active');
  }
  assert.equal(zones.size, 3, 'three different zones');
});

test('a meter key without funds submits readings that are finalized, feeless and stored', async () => {
  const meterFree = (await api.query.system.account(daveMeter.address)).data.free.toBigInt();
  assert.equal(meterFree, 0n, 'the meter key holds nothing');
  // The chain's first period must have ended: the meter counts from it.
  await waitFor('the first period to end', async () => (await currentPeriod()) > startPeriod,
    (periodSeconds + 10) * 1000, 500);
  const period = (await currentPeriod()) - 1;
  firstPeriod = period;
  await assertRefused(reading(startPeriod - 1, 0, 0), daveMeter, 6);

  // Dave: 15 kW of connection and 5 kW of PV: at most 50 Wh and 17 Wh in 12 s.
  const { blockHash, events } = await submitAndFinalize(api, reading(period, 40, 10), daveMeter);

  const recorded = events.find(({ event }) => api.events.prosumer.ReadingRecorded.is(event));
  assert.ok(recorded, 'a prosumer.ReadingRecorded event');
  const { participant, meter, energy } = recorded.event.data;
  assert.equal(participant.toString(), dave.address);
  assert.equal(meter.toString(), daveMeter.address);
  assert.deepEqual(
    [energy.period.toNumber(), energy.importedWh.toNumber(), energy.exportedWh.toNumber()],
    [period, 40, 10],
  );
  const fees = events.filter(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event))
    .map(({ event }) => event.data.actualFee.toBigInt());
  assert.ok(fees.every((fee) => fee === 0n), `fees paid: ${fees}`);

  const at = await api.at(blockHash);
  const stored = (await at.query.prosumer.meters(daveMeter.address)).unwrap();
  assert.equal(stored.lastPeriod.unwrap().toNumber(), period);
  assert.equal(stored.counters.importedWh.toNumber(), 40);
  const history = await at.query.prosumer.energyHistory(dave.address);
  assert.deepEqual(
    history.map((e) => [e.period.toNumber(), e.importedWh.toNumber(), e.exportedWh.toNumber()]),
    [[period, 40, 10]],
  );
  assert.equal((await at.query.system.account(daveMeter.address)).data.free.toBigInt(), 0n);
  assert.equal((await at.query.system.account(daveMeter.address)).nonce.toNumber(), 1);
});

test('a reading from an unknown key and a backwards counter are refused before inclusion', async () => {
  const nonceBefore = (await api.rpc.system.accountNextIndex(daveMeter.address)).toNumber();
  const finalizedBefore = await finalizedNumber(api);
  await waitFor('a period after the recorded one to end', async () => (await currentPeriod()) - 1 > firstPeriod,
    (periodSeconds + 10) * 1000, 500);
  const period = (await currentPeriod()) - 1;

  // Codes are the indices of the pallet's errors: 0 UnknownMeter, 7 ImportCounterWentBackwards.
  await assertRefused(reading(period, 10, 0), stranger, 0);
  await assertRefused(reading(period, 39, 10), daveMeter, 7);
  assert.equal(api.errors.prosumer.UnknownMeter.meta.index.toNumber(), 0);
  assert.equal(api.errors.prosumer.ImportCounterWentBackwards.meta.index.toNumber(), 7);

  assert.equal((await api.rpc.author.pendingExtrinsics()).length, 0, 'nothing entered the pool');
  await waitFor('two more finalized blocks', async () => (await finalizedNumber(api)) >= finalizedBefore + 2, 30000);
  assert.equal((await api.rpc.system.accountNextIndex(daveMeter.address)).toNumber(), nonceBefore);
  const stored = (await api.query.prosumer.meters(daveMeter.address)).unwrap();
  assert.equal(stored.counters.importedWh.toNumber(), 40, 'the counters did not move');

  // The next honest reading still goes through.
  const { events } = await submitAndFinalize(api, reading(period, 90, 10), daveMeter);
  assert.ok(events.some(({ event }) => api.events.prosumer.ReadingRecorded.is(event)));
});
