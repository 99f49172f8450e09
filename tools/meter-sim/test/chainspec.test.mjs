// Chain-spec patching: the right genesis entries, valid for the runtime, in the preset's
// zones, each participant able to pay its deposit. No node needed: a spec shaped like
// `energy-node build-spec --chain dev-fast` output.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cryptoWaitReady, deriveKeys, deriveConcentrators } from '../lib/keys.mjs';
import { addParticipants, addConcentrators, setSessionBlocks, genesisOf, zoneCount } from '../lib/chainspec.mjs';
import { participantProfile, PARTICIPANT_DEPOSIT, EXISTENTIAL_DEPOSIT, DEFAULT_ENDOWMENT } from '../lib/population.mjs';

before(() => cryptoWaitReady());

const DAVE = '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy';
const DAVE_METER = '5DRVRzJQcYLM8M4GmhG4gniWgn7T2yA1QJ6xd1vxev1Ejg1C';

function presetLike() {
  return {
    name: 'Energy Consortium Development (fast periods)',
    id: 'energy_dev_fast',
    chainType: 'Development',
    genesis: {
      runtimeGenesis: {
        code: '0x00',
        patch: {
          balances: { balances: [[DAVE, 1e18]] },
          prosumer: {
            participants: [[DAVE, { role: 'Prosumer', zone: 1, generationCapacityW: 5000, connectionCapacityW: 15000 }]],
            meters: [[DAVE, DAVE_METER]],
            periodSeconds: 12,
          },
          zoneMarket: { distancesM: [[100, 500, 1000, 1500], [500, 100, 500, 1000], [1000, 500, 100, 500], [1500, 1000, 500, 100]] },
        },
      },
    },
  };
}

test('adds N participants, their meters and their balances after the preset\'s own', () => {
  const spec = presetLike();
  const added = addParticipants(spec, { count: 40, seed: 3 });
  const g = genesisOf(spec);
  const keys = deriveKeys(40);
  assert.equal(added.length, 40);
  assert.equal(g.prosumer.participants.length, 41);
  assert.equal(g.prosumer.meters.length, 41);
  assert.equal(g.balances.balances.length, 41);
  assert.deepEqual(g.prosumer.participants[0][0], DAVE, 'the demo participant stays first');
  assert.equal(g.prosumer.periodSeconds, 12, 'other genesis fields untouched');
  keys.forEach((k, i) => {
    assert.deepEqual(g.prosumer.participants[i + 1], [k.participant.address, participantProfile(3, i, 4)]);
    assert.deepEqual(g.prosumer.meters[i + 1], [k.participant.address, k.meter.address]);
    assert.deepEqual(g.balances.balances[i + 1], [k.participant.address, Number(DEFAULT_ENDOWMENT)]);
  });
  assert.ok(DEFAULT_ENDOWMENT >= PARTICIPANT_DEPOSIT + EXISTENTIAL_DEPOSIT);
  assert.match(spec.name, /with 40 simulated meters/);
  assert.equal(zoneCount(spec), 4);
});

test('profiles are valid for the runtime, realistic, spread over the zones and mixed in role', () => {
  const roles = {};
  const zones = new Set();
  for (let i = 0; i < 2000; i++) {
    const p = participantProfile(1, i, 4);
    roles[p.role] = (roles[p.role] ?? 0) + 1;
    zones.add(p.zone);
    assert.equal(p.zone, i % 4);
    // pallet-prosumer's ensure_valid_profile, and MaxCapacityW (100 MW).
    assert.ok(p.generationCapacityW <= 100_000_000 && p.connectionCapacityW <= 100_000_000);
    if (p.role === 'Consumer') {
      assert.equal(p.generationCapacityW, 0);
      assert.ok(p.connectionCapacityW >= 11_000 && p.connectionCapacityW <= 43_500);
    } else if (p.role === 'Prosumer') {
      assert.ok(p.generationCapacityW >= 3_000 && p.generationCapacityW <= 12_000);
      assert.ok(p.connectionCapacityW >= p.generationCapacityW);
    } else {
      assert.equal(p.role, 'Producer');
      assert.ok(p.generationCapacityW >= 30_000 && p.generationCapacityW <= 750_000);
      assert.equal(p.connectionCapacityW, p.generationCapacityW);
    }
  }
  assert.equal(zones.size, 4);
  assert.ok(roles.Consumer > 1000 && roles.Prosumer > 450 && roles.Producer > 120, JSON.stringify(roles));
  // The seed alone decides the population: the same seed twice gives the same one, and
  // another seed a different one.
  const population = (seed) => Array.from({ length: 50 }, (_, i) => participantProfile(seed, i, 4));
  assert.deepEqual(population(1), population(1), 'deterministic');
  assert.notDeepEqual(population(1), population(2), 'the seed matters');
});

test('refuses a raw spec, an account twice, and an endowment below the deposit', () => {
  assert.throws(() => addParticipants({ genesis: { raw: {} } }, { count: 1 }), /no editable genesis/);
  const spec = presetLike();
  addParticipants(spec, { count: 2 });
  assert.throws(() => addParticipants(spec, { count: 1 }), /already in the spec/);
  assert.throws(() => addParticipants(presetLike(), { count: 1, endowment: PARTICIPANT_DEPOSIT }), /cannot pay/);
  assert.deepEqual(addParticipants(presetLike(), { count: 0 }), []);
});

test('concentrators go to genesis prosumer.concentrators; none leaves the spec exactly as it was', () => {
  const spec = presetLike();
  addParticipants(spec, { count: 3 });
  const before = JSON.stringify(spec);
  assert.deepEqual(addConcentrators(spec, { count: 0 }), []);
  assert.equal(JSON.stringify(spec), before, 'no key, no name change');
  assert.equal('concentrators' in genesisOf(spec).prosumer, false);

  const added = addConcentrators(spec, { count: 2 });
  const relays = deriveConcentrators(2);
  assert.deepEqual(added, relays.map((c) => c.address));
  assert.deepEqual(genesisOf(spec).prosumer.concentrators, relays.map((c) => c.address));
  assert.equal(genesisOf(spec).balances.balances.length, 4, 'a concentrator needs no balance');
  assert.match(spec.name, /and 2 concentrators$/);
  assert.throws(() => addConcentrators(spec, { count: 1 }), /already in the spec/);
  assert.throws(() => addConcentrators(presetLike(), { count: -1 }), /whole number/);
});

test('sessionBlocks sets genesis sessionLength.blocksPerSession; without it the spec keeps the preset\'s', () => {
  // A preset without the entry: it gets one.
  const spec = presetLike();
  addParticipants(spec, { count: 2, sessionBlocks: 600 });
  assert.deepEqual(genesisOf(spec).sessionLength, { blocksPerSession: 600 });
  assert.equal(genesisOf(spec).prosumer.periodSeconds, 12, 'other genesis fields untouched');

  // A preset with the entry (as the runtime's presets: 10 blocks): overwritten, its other
  // fields kept; and `setSessionBlocks` alone does the same.
  const withPreset = presetLike();
  genesisOf(withPreset).sessionLength = { blocksPerSession: 10, other: 'kept' };
  addParticipants(withPreset, { count: 1, sessionBlocks: 1 });
  assert.deepEqual(genesisOf(withPreset).sessionLength, { blocksPerSession: 1, other: 'kept' });
  setSessionBlocks(withPreset, 3600);
  assert.deepEqual(genesisOf(withPreset).sessionLength, { blocksPerSession: 3600, other: 'kept' });
  const nullPreset = presetLike();
  genesisOf(nullPreset).sessionLength = { blocksPerSession: null };
  setSessionBlocks(nullPreset, 10);
  assert.deepEqual(genesisOf(nullPreset).sessionLength, { blocksPerSession: 10 });

  // Not asked: no entry added, and a preset's own left exactly as it was.
  const untouched = presetLike();
  addParticipants(untouched, { count: 2 });
  assert.equal('sessionLength' in genesisOf(untouched), false);
  const kept = presetLike();
  genesisOf(kept).sessionLength = { blocksPerSession: 10 };
  addParticipants(kept, { count: 2, sessionBlocks: undefined });
  assert.deepEqual(genesisOf(kept).sessionLength, { blocksPerSession: 10 });
});

test('refuses a session of zero, negative, fractional or non-numeric blocks, or beyond a u32, before changing the spec', () => {
  for (const bad of [0, -1, -600, 1.5, 0.5, NaN, Infinity, '600', null, 2 ** 32]) {
    const spec = presetLike();
    const before = JSON.stringify(spec);
    assert.throws(() => addParticipants(spec, { count: 2, sessionBlocks: bad }), /sessionBlocks must be a positive whole number/, String(bad));
    assert.equal(JSON.stringify(spec), before, `the spec is unchanged after ${bad}`);
    assert.throws(() => setSessionBlocks(spec, bad), /sessionBlocks must be a positive whole number/, String(bad));
    assert.equal(JSON.stringify(spec), before);
  }
  setSessionBlocks(presetLike(), 2 ** 32 - 1); // the largest u32 is fine
});
