// The meter simulator (tools/meter-sim) end to end: it writes a dev-fast chain spec with 24
// simulated participants and meters and 2 data concentrators in genesis, a node starts from
// it, and on that one node, at the same time:
// - the simulator drives meters 0–19 for three 12-second periods of a simulated June
//   morning, each meter sending its own signed reading;
// - a second simulator drives meters 20–23 for two periods with `--concentrators 2`: each
//   meter signs its reading, and the two concentrators relay them in
//   `prosumer.submitReadings` batches.
// Every reading a simulator reports as sent must be on the chain exactly: the participant's
// stored energy history, the meter's last period and counters, and the ReadingRecorded
// events of the blocks it names; relayed ones also in a batch of their concentrator in that
// block, with its ReadingsRelayed event. Nothing may be refused.
//
// The two runs overlap so that the relayed case adds little time (it needs no node of its
// own and fits within the direct run's three periods); they drive disjoint meters, and each
// simulator ignores the other's readings.
//
// The simulator runs as the command a newcomer runs (`meter-sim chain-spec`, `meter-sim
// run --json --report`), from its own package; scripts/setup.sh installs its node_modules.
// Timings: `# timing:` lines.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, NODE_BIN, scratchDir, startDevNode, connect, waitFor, finalizedNumber } from './lib.mjs';

const run = promisify(execFile);
const SIM_DIR = join(ROOT, 'tools', 'meter-sim');
const SIM = join(SIM_DIR, 'bin', 'meter-sim.mjs');
const METERS = 20;
const PERIODS = 3;
// The relayed run: meters METERS … METERS + RELAYED_METERS − 1 through CONCENTRATORS.
const RELAYED_METERS = 4;
const RELAYED_PERIODS = 2;
const CONCENTRATORS = 2;

const started = Date.now();
const timing = (name, since = started) =>
  console.log(`# timing: ${name} = ${((Date.now() - since) / 1000).toFixed(1)} s`);

let dir;
let node;
let api;

/** Runs `meter-sim <args>`; resolves with its standard output and error. */
function meterSim(args, timeoutMs) {
  return run(process.execPath, [SIM, ...args], {
    cwd: SIM_DIR,
    env: { ...process.env, NODE_BIN },
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
}

before(async () => {
  if (!existsSync(join(SIM_DIR, 'node_modules', '@polkadot', 'api'))) {
    throw new Error('tools/meter-sim has no node_modules: run scripts/setup.sh (npm ci in tools/meter-sim)');
  }
  dir = scratchDir('meter-sim');
  const t0 = Date.now();
  const spec = join(dir, 'spec.json');
  const { stderr } = await meterSim(['chain-spec', '--meters', String(METERS + RELAYED_METERS),
    '--concentrators', String(CONCENTRATORS), '--chain', 'dev-fast', '--out', spec], 60000);
  console.log(`# ${stderr.trim()}`);
  timing('chain_spec_24_meters', t0);
  node = await startDevNode('meter-sim', spec);
  api = await connect(node.url);
  await waitFor('a finalized block', async () => (await finalizedNumber(api)) >= 1, 60000, 250);
  timing('node_first_finalized', node.startedAt);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

/**
 * Checks the chain against a simulator's report, meter by meter: the participant's energy
 * history is exactly the readings sent (nothing else reports for these meters), the meter's
 * record holds the last one, and each reading's ReadingRecorded event is in the block the
 * report names. `onReading(m, r, events, blockHash)` checks more per reading. Returns the
 * roles seen and the energy metered.
 */
async function checkChainAgainst(report, periods, onReading = async () => {}) {
  const roles = new Set();
  let energy = 0;
  for (const m of report.meters) {
    roles.add(m.role);
    assert.equal(m.readings.length, periods, `meter ${m.index}`);
    assert.deepEqual(m.refused, []);
    const sent = m.readings.map((r) => [r.period, r.energy.importedWh, r.energy.exportedWh]);
    const ps = sent.map(([p]) => p);
    assert.deepEqual(ps, [...ps].sort((a, b) => a - b));
    assert.equal(ps.at(-1) - ps[0], periods - 1, 'consecutive periods');

    // The participant's energy history is exactly the readings sent (nothing else reports).
    const history = await api.query.prosumer.energyHistory(m.participant);
    assert.deepEqual(
      history.map((e) => [e.period.toNumber(), e.importedWh.toNumber(), e.exportedWh.toNumber()]),
      sent,
      `energy history of participant ${m.index} (${m.role})`,
    );
    // The meter's record: the last reading's period and cumulative counters.
    const record = (await api.query.prosumer.meters(m.meter)).unwrap();
    const last = m.readings.at(-1);
    assert.equal(record.lastPeriod.unwrap().toNumber(), last.period);
    assert.equal(record.counters.importedWh.toNumber(), last.counters.importedWh);
    assert.equal(record.counters.exportedWh.toNumber(), last.counters.exportedWh);
    // The registers start at zero (commissioned in genesis): they are the sums of the energy.
    assert.equal(last.counters.importedWh, sent.reduce((a, [, i]) => a + i, 0));
    assert.equal(last.counters.exportedWh, sent.reduce((a, [, , e]) => a + e, 0));
    // Roles: a consumer never exports, a producer never imports.
    if (m.role === 'Consumer') assert.ok(sent.every(([, , e]) => e === 0));
    if (m.role === 'Producer') assert.ok(sent.every(([, i]) => i === 0));
    energy += last.counters.importedWh + last.counters.exportedWh;

    // The ReadingRecorded event of each reading, in the block the simulator names.
    for (const r of m.readings) {
      assert.equal(r.status, 'finalized');
      assert.ok(r.finalized >= r.block);
      const blockHash = await api.rpc.chain.getBlockHash(r.block);
      const events = await api.query.system.events.at(blockHash);
      const recorded = events.map(({ event }) => event)
        .filter((e) => api.events.prosumer.ReadingRecorded.is(e) && e.data.meter.toString() === m.meter);
      assert.equal(recorded.length, 1, `meter ${m.index} period ${r.period} in block ${r.block}`);
      const { energy: e, participant } = recorded[0].data;
      assert.equal(participant.toString(), m.participant);
      assert.deepEqual([e.period.toNumber(), e.importedWh.toNumber(), e.exportedWh.toNumber()],
        [r.period, r.energy.importedWh, r.energy.exportedWh]);
      await onReading(m, r, events, blockHash);
    }
  }
  return { roles, energy };
}

// Both runs at once on the one node (see the header).
describe('the simulator on one dev-fast node', { concurrency: true }, () => {
  test('the simulator drives 20 meters for 3 periods and the chain stores exactly the energy it sent', async () => {
    const t0 = Date.now();
    const reportPath = join(dir, 'report.json');
    const { stdout, stderr } = await meterSim([
      'run', '--rpc', node.url, '--meters', String(METERS), '--periods', String(PERIODS),
      // A June morning, whatever the time of the run: prosumers and producers export.
      '--sim-start', '2026-06-21T09:00:00Z',
      '--json', '--report', reportPath,
    ], 150000);
    timing('simulator_run_3_periods', t0);
    for (const line of stderr.trim().split('\n')) console.log(`# sim: ${line}`);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1));

    // What the simulator says it did.
    assert.equal(summary.mode, 'direct');
    assert.equal(summary.meters, METERS);
    assert.equal(summary.skippedMeters, 0);
    assert.equal(summary.periodsSent, PERIODS);
    assert.deepEqual(summary.refused, {}, 'no reading refused');
    assert.equal(summary.sent, METERS * PERIODS, 'one reading per meter and period');
    assert.equal(summary.included, summary.sent);
    assert.equal(summary.finalized, summary.sent);
    assert.equal(summary.mismatched, 0);
    assert.equal(summary.dropped + summary.expired + summary.pending, 0);
    assert.equal(summary.batches.sent, 0);
    assert.equal(summary.stoppedBy, 'periods');

    // What the chain holds, meter by meter.
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    assert.equal(report.meters.length, METERS);
    const { roles, energy } = await checkChainAgainst(report, PERIODS);
    assert.ok(roles.size >= 2, `mixed roles: ${[...roles]}`);
    assert.ok(energy > 0, 'some energy metered');
    assert.ok(summary.energy.importedWh > 0 && summary.energy.exportedWh > 0, 'imports and, in the sun, exports');
    console.log(`# ${summary.sent} readings, ${summary.energy.importedWh} Wh imported, ${summary.energy.exportedWh} Wh exported, ` +
      `fastest burst ${summary.sending.maxPerSecond}/s, at most ${summary.blocks.maxReadings} readings in a block`);
    timing('meter_sim_test_total');
  });

  test('with --concentrators 2, 4 meters\' readings are relayed in batches and stored exactly as sent', async () => {
    const t0 = Date.now();
    const reportPath = join(dir, 'report-relayed.json');
    const { stdout, stderr } = await meterSim([
      'run', '--rpc', node.url, '--first', String(METERS), '--meters', String(RELAYED_METERS),
      '--concentrators', String(CONCENTRATORS), '--periods', String(RELAYED_PERIODS),
      '--sim-start', '2026-06-21T09:00:00Z',
      '--json', '--report', reportPath,
    ], 150000);
    timing('simulator_run_relayed_2_periods', t0);
    for (const line of stderr.trim().split('\n')) console.log(`# sim relayed: ${line}`);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1));

    assert.equal(summary.mode, 'relayed');
    assert.equal(summary.concentrators, CONCENTRATORS);
    assert.equal(summary.meters, RELAYED_METERS);
    assert.equal(summary.skippedMeters, 0);
    assert.equal(summary.periodsSent, RELAYED_PERIODS);
    assert.deepEqual(summary.refused, {}, 'no reading refused');
    assert.deepEqual(summary.batches.refused, {}, 'no batch refused');
    assert.equal(summary.sent, RELAYED_METERS * RELAYED_PERIODS, 'one reading per meter and period');
    assert.equal(summary.included, summary.sent);
    assert.equal(summary.finalized, summary.sent);
    assert.equal(summary.mismatched, 0);
    assert.equal(summary.dropped + summary.expired + summary.pending, 0);
    assert.equal(summary.stoppedBy, 'periods');
    // Each concentrator relays its 2 meters' readings of a period in one batch.
    assert.equal(summary.batches.sent, CONCENTRATORS * RELAYED_PERIODS);
    assert.equal(summary.batches.included, summary.batches.sent, 'a ReadingsRelayed event for every batch');
    assert.equal(summary.batches.readingsAccepted, summary.sent);
    assert.equal(summary.batches.readingsRefused, 0);

    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    assert.equal(report.meters.length, RELAYED_METERS);
    const concentrators = new Set(report.concentrators.map((c) => c.address));
    assert.equal(concentrators.size, CONCENTRATORS);
    const relayedEvents = new Set();
    await checkChainAgainst(report, RELAYED_PERIODS, async (m, r, events, blockHash) => {
      // Relayed by the concentrator the report names: its batch in the block carries the
      // reading, and the block has that concentrator's ReadingsRelayed event.
      assert.ok(concentrators.has(r.concentrator), `meter ${m.index}: concentrator ${r.concentrator}`);
      const block = await api.rpc.chain.getBlock(blockHash);
      const batches = block.block.extrinsics.filter((x) => x.method.section === 'prosumer' &&
        x.method.method === 'submitReadings' && x.signer.toString() === r.concentrator);
      const carried = batches.flatMap((x) => x.method.args[0].map((entry) => [entry.meter.toString(), entry.reading.period.toNumber()]));
      assert.ok(carried.some(([meter, period]) => meter === m.meter && period === r.period),
        `meter ${m.index} period ${r.period} in a batch of ${r.concentrator} in block ${r.block}`);
      const relayed = events.map(({ event }) => event)
        .filter((e) => api.events.prosumer.ReadingsRelayed.is(e) && e.data.concentrator.toString() === r.concentrator);
      assert.ok(relayed.length >= 1, `ReadingsRelayed of ${r.concentrator} in block ${r.block}`);
      for (const e of relayed) {
        assert.equal(e.data.refused.toNumber(), 0);
        relayedEvents.add(`${r.block}/${e.data.concentrator}/${e.data.accepted}`);
      }
    });
    assert.ok(relayedEvents.size >= CONCENTRATORS, `ReadingsRelayed events seen: ${[...relayedEvents]}`);
    // The meters signed no transaction of their own: their accounts never used a nonce.
    for (const m of report.meters) {
      assert.equal((await api.rpc.system.accountNextIndex(m.meter)).toNumber(), 0, `meter ${m.index} sent nothing itself`);
    }
    console.log(`# relayed: ${summary.sent} readings in ${summary.batches.sent} batches via ${summary.concentrators} concentrators`);
  });
});
