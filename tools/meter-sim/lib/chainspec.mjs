// Chain specs with N simulated participants and their meters in genesis: the node's own
// preset (`energy-node build-spec --chain <preset>`) with three lists extended:
// `prosumer.participants` (registered and approved at genesis, their deposit held),
// `prosumer.meters` (bound, commissioned at zero) and `balances.balances` (each participant
// funded so that the deposit can be held); with concentrators, also
// `prosumer.concentrators` (data concentrators that may relay readings in batches). Two
// settings may be changed too: `prosumer.periodSeconds` and `sessionLength.blocksPerSession`.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { deriveKeys, deriveConcentrators, DEV_PHRASE } from './keys.mjs';
import {
  participantProfile,
  DEFAULT_ENDOWMENT,
  PARTICIPANT_DEPOSIT,
  EXISTENTIAL_DEPOSIT,
} from './population.mjs';

const run = promisify(execFile);

/** The node binary: $NODE_BIN, else the shared release build (see the project's README). */
export function defaultNodeBin() {
  if (process.env.NODE_BIN) return process.env.NODE_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'energy-consortium', 'target');
  return join(target, 'release', 'energy-node');
}

/**
 * The preset's chain spec as the node writes it (JSON, genesis as a patch of the runtime's
 * defaults, not raw storage, so that it can be edited).
 */
export async function baseSpec({ nodeBin = defaultNodeBin(), chain = 'dev' } = {}) {
  if (!existsSync(nodeBin)) throw new Error(`no node binary at ${nodeBin} (set NODE_BIN)`);
  const { stdout } = await run(nodeBin, ['build-spec', '--chain', chain, '--disable-default-bootnode'], {
    maxBuffer: 1 << 30,
  });
  return JSON.parse(stdout);
}

/** The editable genesis object of a spec: `runtimeGenesis.patch` or `.config`. */
export function genesisOf(spec) {
  const runtimeGenesis = spec?.genesis?.runtimeGenesis;
  const genesis = runtimeGenesis?.patch ?? runtimeGenesis?.config;
  if (!genesis) {
    throw new Error('the spec has no editable genesis (runtimeGenesis.patch or .config); was it built with --raw?');
  }
  return genesis;
}

/** How many zones the spec's grid has (`zoneMarket.distancesM`), at least 1. */
export function zoneCount(spec) {
  return Math.max(1, genesisOf(spec).zoneMarket?.distancesM?.length ?? 1);
}

/**
 * Adds `count` participants (profiles from `seed`, keys from `phrase`) and their meters to
 * `spec`, in place, and returns the list of what it added:
 * `[{ index, participant, meter, profile }]` (addresses and JSON profiles).
 * `keys` may be passed when already derived (`deriveKeys(count, { phrase })`).
 * `periodSeconds` sets the chain's delivery-period length (`prosumer.periodSeconds`).
 * `sessionBlocks` sets the validators' session length in blocks
 * (`sessionLength.blocksPerSession`, see `setSessionBlocks`); undefined keeps the preset's.
 */
export function addParticipants(spec, {
  count,
  seed = 1,
  phrase = DEV_PHRASE,
  endowment = DEFAULT_ENDOWMENT,
  keys = undefined,
  periodSeconds = undefined,
  sessionBlocks = undefined,
}) {
  if (!Number.isInteger(count) || count < 0) throw new Error('count must be a whole number');
  if (sessionBlocks !== undefined) checkSessionBlocks(sessionBlocks); // before any change to the spec
  endowment = BigInt(endowment);
  if (endowment < PARTICIPANT_DEPOSIT + EXISTENTIAL_DEPOSIT) {
    throw new Error(`an endowment of ${endowment} planck cannot pay the participant deposit (${PARTICIPANT_DEPOSIT}) and the existential deposit`);
  }
  if (endowment > BigInt(Number.MAX_SAFE_INTEGER)) {
    // The spec's balances are JSON numbers; above 2^53 a JavaScript number loses precision.
    throw new Error('an endowment above 2^53 planck (about 9,007 GRID) cannot be written exactly');
  }
  const genesis = genesisOf(spec);
  const zones = zoneCount(spec);
  keys ??= deriveKeys(count, { phrase });

  genesis.prosumer ??= {};
  genesis.prosumer.participants ??= [];
  genesis.prosumer.meters ??= [];
  genesis.balances ??= {};
  genesis.balances.balances ??= [];

  // Refuse to register an account twice or to use one both as a participant and a meter.
  const taken = new Set([
    ...genesis.prosumer.participants.map(([who]) => who),
    ...genesis.prosumer.meters.flatMap(([who, meter]) => [who, meter]),
  ]);
  const funded = new Set(genesis.balances.balances.map(([who]) => who));

  const added = [];
  for (const { index, participant, meter } of keys.slice(0, count)) {
    if (taken.has(participant.address) || taken.has(meter.address)) {
      throw new Error(`participant ${index} (${participant.address}) or its meter is already in the spec`);
    }
    if (funded.has(participant.address)) {
      throw new Error(`participant ${index} (${participant.address}) is already funded in the spec`);
    }
    const profile = participantProfile(seed, index, zones);
    genesis.prosumer.participants.push([participant.address, profile]);
    genesis.prosumer.meters.push([participant.address, meter.address]);
    genesis.balances.balances.push([participant.address, Number(endowment)]);
    added.push({ index, participant: participant.address, meter: meter.address, profile });
  }

  if (periodSeconds !== undefined) {
    if (!Number.isInteger(periodSeconds) || periodSeconds < 1) throw new Error('periodSeconds must be a positive whole number');
    genesis.prosumer.periodSeconds = periodSeconds;
  }
  if (sessionBlocks !== undefined) setSessionBlocks(spec, sessionBlocks);
  spec.name = `${spec.name} with ${count} simulated meters`;
  return added;
}

/** The most blocks per session the runtime can hold: its block number is a `u32`. */
export const MAX_SESSION_BLOCKS = 2 ** 32 - 1;

function checkSessionBlocks(blocks) {
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > MAX_SESSION_BLOCKS) {
    throw new Error('sessionBlocks must be a positive whole number (at most 2^32 − 1)');
  }
}

/**
 * Sets the validators' session length, `blocks` blocks, in the spec's genesis
 * (`sessionLength.blocksPerSession`, the `SessionLength` pallet's), in place, keeping the
 * entry's other fields. `pallet-session` rotates every `blocks` blocks and the rotation block
 * carries no transactions; the runtime's presets say 10 (a minute of 6-s blocks), a
 * consortium's network an hour (600) or more.
 */
export function setSessionBlocks(spec, blocks) {
  checkSessionBlocks(blocks);
  const genesis = genesisOf(spec);
  genesis.sessionLength = { ...(genesis.sessionLength ?? {}), blocksPerSession: blocks };
  return spec;
}

/**
 * Adds data concentrators `0 … count − 1` (keys `<phrase>//concentrator//<j>`) to the spec's
 * `prosumer.concentrators`, in place, and returns their addresses. They get no balance: the
 * runtime gives a registered concentrator a provider reference, and its batches pay no fee.
 * With `count` 0 the spec is left exactly as it was (a runtime without concentrators refuses
 * the key, and one with them defaults to none).
 */
export function addConcentrators(spec, { count, phrase = DEV_PHRASE }) {
  if (!Number.isInteger(count) || count < 0) throw new Error('the concentrator count must be a whole number');
  if (count === 0) return [];
  const genesis = genesisOf(spec);
  genesis.prosumer ??= {};
  genesis.prosumer.concentrators ??= [];
  const taken = new Set([
    ...genesis.prosumer.concentrators,
    ...(genesis.prosumer.participants ?? []).map(([who]) => who),
    ...(genesis.prosumer.meters ?? []).flatMap(([who, meter]) => [who, meter]),
  ]);
  const added = [];
  for (const { index, address } of deriveConcentrators(count, { phrase })) {
    if (taken.has(address)) throw new Error(`concentrator ${index} (${address}) is already in the spec`);
    genesis.prosumer.concentrators.push(address);
    added.push(address);
  }
  spec.name = `${spec.name} and ${count} concentrator${count === 1 ? '' : 's'}`;
  return added;
}

/**
 * A preset's spec with `count` simulated participants and meters added, and `concentrators`
 * data concentrators (default none). The other options are `addParticipants`' (among them
 * `periodSeconds` and `sessionBlocks`).
 */
export async function buildSpec({ nodeBin, chain = 'dev', concentrators = 0, ...options }) {
  const spec = await baseSpec({ nodeBin, chain });
  const added = addParticipants(spec, options);
  const relays = addConcentrators(spec, { count: concentrators, phrase: options.phrase });
  return { spec, added, concentrators: relays };
}
