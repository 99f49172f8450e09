// Keys: derived by hand (for speed) exactly as polkadot-js derives `phrase//meter//i`.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, deriveKeys, deriveConcentrators, uriKey, derivePair, DEV_PHRASE } from '../lib/keys.mjs';

before(() => cryptoWaitReady());

test('meter and participant keys equal keyring.addFromUri(dev phrase + path)', () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const keys = deriveKeys(3, { first: 998 });
  for (const k of keys) {
    assert.equal(k.meter.address, keyring.addFromUri(`${DEV_PHRASE}//meter//${k.index}`).address);
    assert.equal(k.participant.address, keyring.addFromUri(`${DEV_PHRASE}//participant//${k.index}`).address);
  }
  // Another phrase, another key.
  const other = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
  assert.equal(deriveKeys(1, { phrase: other })[0].meter.address, keyring.addFromUri(`${other}//meter//0`).address);
  assert.equal(uriKey('//Alice').address, keyring.addFromUri('//Alice').address);
  // A soft junction too.
  assert.equal(uriKey('//Alice/soft').address, keyring.addFromUri('//Alice/soft').address);
});

test('the demo meter keys are those of the presets (docs/participants.md)', () => {
  assert.equal(uriKey('//Dave//meter').address, '5DRVRzJQcYLM8M4GmhG4gniWgn7T2yA1QJ6xd1vxev1Ejg1C');
});

test('key derivation is stable and every key is distinct', () => {
  const a = deriveKeys(50);
  const b = deriveKeys(50);
  assert.deepEqual(a.map((k) => k.meter.address), b.map((k) => k.meter.address));
  const all = new Set(a.flatMap((k) => [k.meter.address, k.participant.address]));
  assert.equal(all.size, 100);
  // Fixed forever: the chain specs written by earlier versions must stay valid.
  assert.equal(a[0].meter.address, '5DenvR1vE1brSQaooEf2BsjUESHZLJJBFah4WPRJAD4kg85F');
  assert.equal(a[0].participant.address, '5DDXErWHpdx1jeLTvGMnEWFPZWgEoV6NR4cPJ7WtTbueXNne');
  assert.equal(deriveKeys(2, { meters: false })[1].meter, undefined);
  assert.throws(() => derivePair('meter'), /bad derivation path/);
});

test('concentrator keys are `<phrase>//concentrator//<j>`, distinct from every meter and participant', () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const relays = deriveConcentrators(3);
  assert.deepEqual(relays.map((c) => c.index), [0, 1, 2]);
  for (const c of relays) {
    assert.equal(c.uri, `//concentrator//${c.index}`);
    assert.equal(c.address, keyring.addFromUri(`${DEV_PHRASE}//concentrator//${c.index}`).address);
  }
  const other = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
  assert.equal(deriveConcentrators(1, { phrase: other })[0].address, keyring.addFromUri(`${other}//concentrator//0`).address);
  assert.equal(deriveConcentrators(1, { first: 2 })[0].address, relays[2].address);
  const others = new Set(deriveKeys(3).flatMap((k) => [k.meter.address, k.participant.address]));
  assert.ok(relays.every((c) => !others.has(c.address)));
});
