#!/usr/bin/env node
// meter-sim: simulated smart meters for the energy consortium chain.
//
//   meter-sim chain-spec --meters N [--concentrators C] [--chain dev-fast] [--session-blocks B] [--out spec.json]
//   meter-sim run [--rpc ws://127.0.0.1:9944] [--meters N] [--concentrators C] [--periods K] [--json]
//   meter-sim keys --meters N [--concentrators C]
//   meter-sim profile --role Prosumer --generation 5000 --connection 15000 [--date 2026-06-21]
//
// See tools/meter-sim/README.md. Progress goes to standard error; with --json the summary
// is one JSON line on standard output.

import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { cryptoWaitReady, deriveKeys, deriveConcentrators, DEV_PHRASE } from '../lib/keys.mjs';
import { buildSpec, defaultNodeBin } from '../lib/chainspec.mjs';
import { MeterRunner } from '../lib/runner.mjs';
import { UNIT } from '../lib/population.mjs';
import { meterModel, periodEnergy, DEFAULT_SITE } from '../lib/profiles.mjs';
import { makeClock } from '../lib/meter.mjs';

const USAGE = `usage: meter-sim <command> [options]

commands:
  chain-spec   write a chain spec with N simulated participants and meters in genesis
  run          send every meter's reading to a node every period
  keys         print the participant, meter and concentrator keys (secret URIs on the phrase, addresses)
  profile      print one meter's energy per period over a simulated day (CSV)

common options:
  --meters N          number of simulated participants/meters (run: also "auto")   [10]
  --first I           index of the first one                                       [0]
  --seed S            seed of the profiles and the participants' draw              [1]
  --phrase P          phrase (or 0x seed) the keys derive from          [the dev phrase]
  --concentrators C   data concentrators (//concentrator//0 … C-1) that relay the meters'
                      readings in batches; chain-spec: in genesis, run: send through them,
                      keys: list them                          [0: each meter sends its own]

chain-spec:
  --chain NAME        preset to extend: dev, dev-fast or local                   [dev-fast]
  --out FILE          where to write the spec (default: standard output)
  --endowment GRID    each participant's genesis balance, in GRID                   [1000]
  --period-seconds S  the chain's delivery-period length       [the preset's: 900, dev-fast 12]
  --session-blocks N  blocks per validator session                        [the preset's: 10]
  --node-bin PATH     the energy-node binary          [$NODE_BIN or the shared release build]

run:
  --rpc URL           the node's WebSocket RPC                     [ws://127.0.0.1:9944]
  --demo              also drive the presets' demo meters (//Dave//meter, //Eve//meter, //Ferdie//meter)
  --periods K         stop after K periods' readings are sent and settled        [forever]
  --time-warp F       simulated seconds per chain second (12-s periods: 75 = quarter hours) [1]
  --sim-start ISO     simulated time of the current period (default: the period's own time)
  --latitude D --longitude D   the PV site                                  [48.1, 11.6]
  --connections C     WebSocket connections used to submit                            [2]
  --batch B           author_submitExtrinsic calls per JSON-RPC batch                [64]
  --in-flight F       batches outstanding per connection                              [4]
  --max-pending P     readings in the node's pool at once (keep below its --pool-limit) [8000]
                      (relayed: a batch counts as its readings)
  --batch-readings R  relayed: readings per batch at most    [the chain's maxReadingsPerBatch]
  --json              print the summary as one JSON line on standard output
  --report FILE       write every meter's readings, the rounds and the blocks (JSON)
  --quiet             no progress display
  --wait SECONDS      how long to wait for the node to answer                         [60]

profile:
  --role R --generation W --connection W --zone Z --date YYYY-MM-DD --period-seconds S [900]
`;

function fail(message) {
  process.stderr.write(`meter-sim: ${message}\n`);
  process.exit(2);
}

const integer = (value, name, min = 0) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be a whole number ≥ ${min}`);
  return n;
};
const number = (value, name) => {
  const n = Number(value);
  if (!Number.isFinite(n)) fail(`--${name} must be a number`);
  return n;
};

const OPTIONS = {
  meters: { type: 'string' },
  first: { type: 'string' },
  seed: { type: 'string' },
  phrase: { type: 'string' },
  chain: { type: 'string' },
  out: { type: 'string' },
  endowment: { type: 'string' },
  'node-bin': { type: 'string' },
  rpc: { type: 'string' },
  demo: { type: 'boolean' },
  periods: { type: 'string' },
  'time-warp': { type: 'string' },
  'sim-start': { type: 'string' },
  latitude: { type: 'string' },
  longitude: { type: 'string' },
  connections: { type: 'string' },
  batch: { type: 'string' },
  'in-flight': { type: 'string' },
  'max-pending': { type: 'string' },
  concentrators: { type: 'string' },
  'batch-readings': { type: 'string' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  quiet: { type: 'boolean' },
  wait: { type: 'string' },
  role: { type: 'string' },
  generation: { type: 'string' },
  connection: { type: 'string' },
  zone: { type: 'string' },
  date: { type: 'string' },
  'period-seconds': { type: 'string' },
  'session-blocks': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

async function chainSpec(v) {
  const count = integer(v.meters ?? 10, 'meters');
  const chain = v.chain ?? 'dev-fast';
  const t0 = Date.now();
  await cryptoWaitReady();
  const keys = deriveKeys(count, { phrase: v.phrase ?? DEV_PHRASE, first: integer(v.first ?? 0, 'first') });
  const t1 = Date.now();
  const { spec, added, concentrators } = await buildSpec({
    nodeBin: v['node-bin'] ?? defaultNodeBin(),
    chain,
    count,
    seed: v.seed ?? 1,
    phrase: v.phrase ?? DEV_PHRASE,
    endowment: BigInt(Math.round(number(v.endowment ?? 1000, 'endowment') * 1000)) * (UNIT / 1000n),
    keys,
    periodSeconds: v['period-seconds'] === undefined ? undefined : integer(v['period-seconds'], 'period-seconds', 1),
    sessionBlocks: v['session-blocks'] === undefined ? undefined : integer(v['session-blocks'], 'session-blocks', 1),
    concentrators: integer(v.concentrators ?? 0, 'concentrators'),
  });
  const json = JSON.stringify(spec, null, 1);
  if (v.out) writeFileSync(v.out, json);
  else process.stdout.write(json + '\n');
  const roles = {};
  const zones = {};
  for (const { profile } of added) {
    roles[profile.role] = (roles[profile.role] ?? 0) + 1;
    zones[profile.zone] = (zones[profile.zone] ?? 0) + 1;
  }
  process.stderr.write(
    `meter-sim: ${chain} spec with ${count} participants and meters` +
    `${concentrators.length ? ` and ${concentrators.length} concentrators` : ''}` +
    `${v.out ? ` written to ${v.out}` : ''} (${(json.length / 1e6).toFixed(1)} MB):` +
    ` roles ${JSON.stringify(roles)}, zones ${JSON.stringify(zones)};` +
    ` keys ${((t1 - t0) / 1000).toFixed(1)} s, spec ${((Date.now() - t1) / 1000).toFixed(1)} s\n`,
  );
}

async function run(v) {
  const isTty = process.stderr.isTTY && !v.quiet;
  let lastLine = '';
  const progress = (line, force) => {
    if (v.quiet) return;
    if (isTty) {
      process.stderr.write(`\r${line}\x1b[K`);
      lastLine = line;
    } else if (force) {
      process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
    }
  };
  const log = (line) => {
    if (v.quiet) return;
    if (isTty && lastLine) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${line}\n`);
    if (isTty && lastLine) process.stderr.write(lastLine);
  };
  const meters = v.meters === 'auto' ? 'auto' : integer(v.meters ?? 10, 'meters');
  const runner = new MeterRunner({
    rpc: v.rpc ?? 'ws://127.0.0.1:9944',
    meters,
    first: integer(v.first ?? 0, 'first'),
    demo: Boolean(v.demo),
    phrase: v.phrase ?? DEV_PHRASE,
    seed: v.seed ?? 1,
    periods: v.periods === undefined ? Infinity : integer(v.periods, 'periods', 1),
    timeWarp: number(v['time-warp'] ?? 1, 'time-warp'),
    simStart: v['sim-start'],
    site: {
      latitude: number(v.latitude ?? DEFAULT_SITE.latitude, 'latitude'),
      longitude: number(v.longitude ?? DEFAULT_SITE.longitude, 'longitude'),
    },
    connections: integer(v.connections ?? 2, 'connections', 1),
    batchSize: integer(v.batch ?? 64, 'batch', 1),
    inFlight: integer(v['in-flight'] ?? 4, 'in-flight', 1),
    maxPending: integer(v['max-pending'] ?? 8000, 'max-pending', 1),
    concentrators: integer(v.concentrators ?? 0, 'concentrators'),
    batchReadings: v['batch-readings'] === undefined ? undefined : integer(v['batch-readings'], 'batch-readings', 1),
    connectTimeoutMs: number(v.wait ?? 60, 'wait') * 1000,
    keepHistory: Boolean(v.report),
    log,
    progress,
  });
  if (v['sim-start'] !== undefined && Number.isNaN(Date.parse(v['sim-start']))) fail('--sim-start must be a date');

  // SIGINT / SIGTERM: stop sending, let in-flight submissions answer, print the summary,
  // disconnect, exit 0. A second signal exits at once.
  let signalled = false;
  const onSignal = (signal) => {
    if (signalled) process.exit(130);
    signalled = true;
    log(`\n# ${signal}: stopping (again to quit at once)`);
    runner.stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  await runner.start();
  const { summary, report } = await runner.finished;
  if (isTty) process.stderr.write('\n');
  if (v.report) writeFileSync(v.report, JSON.stringify(report, null, 1));
  if (!v.quiet) {
    const refused = Object.entries(summary.refused).map(([r, n]) => `${n} ${r}`).join(', ') || 'none';
    const relayed = summary.mode === 'relayed'
      ? ` in ${summary.batches.sent} batches via ${summary.concentrators} concentrators (${summary.batches.included} relayed in blocks)`
      : '';
    process.stderr.write(
      `meter-sim: ${summary.meters} meters, periods ${summary.firstPeriod ?? '-'}…${summary.lastPeriod ?? '-'}:` +
      ` sent ${summary.sent}${relayed}, in a block ${summary.included}, finalized ${summary.finalized},` +
      ` refused ${refused}, dropped ${summary.dropped}, expired ${summary.expired}, mismatched ${summary.mismatched};` +
      ` imported ${summary.energy.importedWh} Wh, exported ${summary.energy.exportedWh} Wh;` +
      ` fastest burst ${summary.sending.maxPerSecond} readings/s, at most ${summary.blocks.maxReadings} readings in a block` +
      ` (${summary.stoppedBy}, ${summary.durationSeconds} s)\n`,
    );
  }
  if (v.json) process.stdout.write(JSON.stringify(summary) + '\n');
  process.exitCode = 0;
}

async function keys(v) {
  await cryptoWaitReady();
  const count = integer(v.meters ?? 10, 'meters');
  const relays = integer(v.concentrators ?? 0, 'concentrators');
  const phrase = v.phrase ?? DEV_PHRASE;
  if (count > 0 || relays === 0) {
    const list = deriveKeys(count, { phrase, first: integer(v.first ?? 0, 'first') });
    process.stdout.write('index\tparticipant_uri\tparticipant\tmeter_uri\tmeter\n');
    for (const k of list) {
      process.stdout.write(`${k.index}\t${k.participant.uri}\t${k.participant.address}\t${k.meter.uri}\t${k.meter.address}\n`);
    }
  }
  if (relays > 0) {
    // A table of its own, after a blank line: the concentrators are numbered from 0
    // whatever --first says, as chain-spec and run number them.
    if (count > 0) process.stdout.write('\n');
    process.stdout.write('index\tconcentrator_uri\tconcentrator\n');
    for (const c of deriveConcentrators(relays, { phrase })) process.stdout.write(`${c.index}\t${c.uri}\t${c.address}\n`);
  }
}

function profile(v) {
  const periodSeconds = integer(v['period-seconds'] ?? 900, 'period-seconds', 1);
  const model = meterModel({
    seed: v.seed ?? 1,
    label: `profile-${v.role ?? 'Prosumer'}`,
    role: v.role ?? 'Prosumer',
    zone: integer(v.zone ?? 0, 'zone'),
    generationW: integer(v.generation ?? 5000, 'generation'),
    connectionW: integer(v.connection ?? 15000, 'connection'),
    site: {
      latitude: number(v.latitude ?? DEFAULT_SITE.latitude, 'latitude'),
      longitude: number(v.longitude ?? DEFAULT_SITE.longitude, 'longitude'),
    },
  });
  const day = Date.parse(`${v.date ?? '2026-06-21'}T00:00:00Z`) / 1000;
  if (Number.isNaN(day)) fail('--date must be YYYY-MM-DD');
  const clock = makeClock({ periodSeconds });
  const first = Math.floor(day / periodSeconds);
  process.stdout.write('period,utc,load_wh,pv_wh,import_wh,export_wh\n');
  for (let p = first; p < first + Math.round(86400 / periodSeconds); p++) {
    const e = periodEnergy(model, clock.interval(p));
    const utc = new Date(p * periodSeconds * 1000).toISOString().slice(11, 16);
    process.stdout.write(`${p},${utc},${e.loadWh.toFixed(1)},${e.pvWh.toFixed(1)},${e.importWh.toFixed(1)},${e.exportWh.toFixed(1)}\n`);
  }
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true }));
  } catch (e) {
    fail(`${e.message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  switch (command) {
    case 'chain-spec': return chainSpec(values);
    case 'run': return run(values);
    case 'keys': return keys(values);
    case 'profile': return profile(values);
    default: fail(`unknown command ${command}\n${USAGE}`);
  }
}

main().catch((e) => {
  process.stderr.write(`meter-sim: ${e.stack ?? e}\n`);
  process.exit(1);
});
