// Naming the node's refusals, and which are retried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../lib/refusal.mjs';
import { RpcError } from '../lib/rpc.mjs';

const names = ['UnknownMeter', 'MeterRevoked', 'ParticipantSuspended', 'ParticipantNotApproved', 'PeriodNotEnded',
  'ReadingTooOld', 'PeriodNotAfterLast', 'ImportCounterWentBackwards', 'ExportCounterWentBackwards',
  'ImplausibleImport', 'ImplausibleExport'];
const byCode = (code) => names[code];

test('a custom error is named by the prosumer pallet error of the same index, and not retried', () => {
  const e = new RpcError({ code: 1010, message: 'Invalid Transaction', data: 'Custom error: 9' });
  assert.equal(e.message, '1010: Invalid Transaction: Custom error: 9');
  assert.deepEqual(
    (({ reason, retry, resyncNonce }) => ({ reason, retry, resyncNonce }))(classify(e, byCode)),
    { reason: 'ImplausibleImport', retry: false, resyncNonce: false },
  );
  assert.equal(classify(new RpcError({ code: 1010, message: 'Invalid Transaction', data: 'Custom error: 0' }), byCode).reason, 'UnknownMeter');
});

test('pool refusals are retried; a stale nonce asks for the chain\'s nonce', () => {
  const full = classify(new RpcError({ code: 1016, message: 'Immediately Dropped', data: 'The transaction couldn\'t enter the pool because of the limit' }));
  assert.equal(full.reason, 'ImmediatelyDropped');
  assert.ok(full.retry);
  assert.ok(classify(new RpcError({ code: 1014, message: 'Priority is too low: (1 vs 1)', data: 'x' })).retry);
  assert.ok(classify(new RpcError({ code: 1012, message: 'Transaction is temporarily banned' })).retry);
  assert.ok(classify(new RpcError({ code: 1010, message: 'Invalid Transaction', data: 'Transaction would exhaust the block limits' })).retry);
  const stale = classify(new RpcError({ code: 1010, message: 'Invalid Transaction', data: 'Transaction is outdated' }));
  assert.equal(stale.reason, 'Stale');
  assert.ok(stale.resyncNonce && !stale.retry);
  assert.equal(classify(new RpcError({ code: 1010, message: 'Invalid Transaction', data: 'Transaction has a bad signature' })).reason, 'BadProof');
  assert.deepEqual(
    (({ reason, retry }) => ({ reason, retry }))(classify(new Error('connection closed'))),
    { reason: 'Connection', retry: true },
  );
});
