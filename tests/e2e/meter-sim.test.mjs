// The meter simulator (tools/meter-sim) end to end: it writes a dev-fast chain spec with 20
// simulated participants and meters in genesis, a node starts from it, and the simulator
// drives the 20 meters for three 12-second periods of a simulated June morning. Every
// reading it reports as sent must be on the chain exactly: the participant's stored energy
// history, the meter's last period and counters, and the ReadingRecorded events of the
// blocks it names. Nothing may be refused.
//
// The simulator runs as the command a newcomer runs (`meter-sim chain-spec`, `meter-sim
// run --json --report`), from its own package; scripts/setup.sh installs its node_modules.
// Timings: `# timing:` lines.
import { test, before, after } from 'node:test';
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
  const { stderr } = await meterSim(['chain-spec', '--meters', String(METERS), '--chain', 'dev-fast', '--out', spec], 60000);
  console.log(`# ${stderr.trim()}`);
  timing('chain_spec_20_meters', t0);
  node = await startDevNode('meter-sim', spec);
  api = await connect(node.url);
  await waitFor('a finalized block', async () => (await finalizedNumber(api)) >= 1, 60000, 250);
  timing('node_first_finalized', node.startedAt);
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

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
  assert.equal(summary.meters, METERS);
  assert.equal(summary.skippedMeters, 0);
  assert.equal(summary.periodsSent, PERIODS);
  assert.deepEqual(summary.refused, {}, 'no reading refused');
  assert.equal(summary.sent, METERS * PERIODS, 'one reading per meter and period');
  assert.equal(summary.included, summary.sent);
  assert.equal(summary.finalized, summary.sent);
  assert.equal(summary.mismatched, 0);
  assert.equal(summary.dropped + summary.expired + summary.pending, 0);
  assert.equal(summary.stoppedBy, 'periods');

  // What the chain holds, meter by meter.
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  assert.equal(report.meters.length, METERS);
  const roles = new Set();
  let energy = 0;
  for (const m of report.meters) {
    roles.add(m.role);
    assert.equal(m.readings.length, PERIODS, `meter ${m.index}`);
    assert.deepEqual(m.refused, []);
    const sent = m.readings.map((r) => [r.period, r.energy.importedWh, r.energy.exportedWh]);
    const periods = sent.map(([p]) => p);
    assert.deepEqual(periods, [...periods].sort((a, b) => a - b));
    assert.equal(periods.at(-1) - periods[0], PERIODS - 1, 'consecutive periods');

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
      const events = await api.query.system.events.at(await api.rpc.chain.getBlockHash(r.block));
      const recorded = events.map(({ event }) => event)
        .filter((e) => api.events.prosumer.ReadingRecorded.is(e) && e.data.meter.toString() === m.meter);
      assert.equal(recorded.length, 1, `meter ${m.index} period ${r.period} in block ${r.block}`);
      const { energy: e, participant } = recorded[0].data;
      assert.equal(participant.toString(), m.participant);
      assert.deepEqual([e.period.toNumber(), e.importedWh.toNumber(), e.exportedWh.toNumber()],
        [r.period, r.energy.importedWh, r.energy.exportedWh]);
    }
  }
  assert.ok(roles.size >= 2, `mixed roles: ${[...roles]}`);
  assert.ok(energy > 0, 'some energy metered');
  assert.ok(summary.energy.importedWh > 0 && summary.energy.exportedWh > 0, 'imports and, in the sun, exports');
  console.log(`# ${summary.sent} readings, ${summary.energy.importedWh} Wh imported, ${summary.energy.exportedWh} Wh exported, ` +
    `fastest burst ${summary.sending.maxPerSecond}/s, at most ${summary.blocks.maxReadings} readings in a block`);
  timing('meter_sim_test_total');
});
