// Why the node refused a transaction, from the JSON-RPC error of `author_submitExtrinsic`,
// and what the simulator does about it.
//
// A refused reading comes back as `1010: Invalid Transaction: Custom error: <code>`, the
// code being the index of the prosumer pallet error of the same name (docs/participants.md);
// `nameOfCustom(code)` turns it into that name. The pool's own refusals (full, priority
// too low, banned) are retried at the next block with a fresh signature.

import { POOL_ERRORS } from './rpc.mjs';

/** Reasons that say nothing about the reading itself: try again at the next block. */
const RETRY = new Set(['ImmediatelyDropped', 'TooLowPriority', 'TemporarilyBanned', 'ExhaustsResources', 'Connection']);

/** `InvalidTransaction` texts (sp-runtime's Display of each variant) and their names. */
const INVALID = [
  [/outdated/i, 'Stale'],
  [/bad signature/i, 'BadProof'],
  [/exhaust the block limits/i, 'ExhaustsResources'],
  [/valid in the future/i, 'Future'],
  [/pay some fees/i, 'Payment'],
  [/ancient birth block/i, 'AncientBirthBlock'],
  [/call is not expected/i, 'Call'],
  [/mandatory/i, 'BadMandatory'],
  [/bad signer/i, 'BadSigner'],
];

/**
 * `{ reason, retry, resyncNonce }` for an error of `author_submitExtrinsic`
 * (an RpcError with `code` and `data`, or any Error for a lost connection).
 */
export function classify(error, nameOfCustom = (code) => `Custom(${code})`) {
  const code = error?.code;
  if (typeof code !== 'number') {
    return { reason: 'Connection', retry: true, resyncNonce: false, message: String(error?.message ?? error) };
  }
  const data = typeof error.data === 'string' ? error.data : JSON.stringify(error.data ?? '');
  let reason = POOL_ERRORS[code] ?? `Rpc(${code})`;
  if (code === 1010) {
    const custom = /Custom error: (\d+)/.exec(data);
    if (custom) {
      reason = nameOfCustom(Number(custom[1]));
    } else {
      reason = INVALID.find(([pattern]) => pattern.test(data))?.[1] ?? `Invalid(${data})`;
    }
  }
  return {
    reason,
    retry: RETRY.has(reason),
    // The nonce we counted is behind the chain's (another sender used the key, or a
    // reading of an earlier run was included): read it again.
    resyncNonce: reason === 'Stale',
    message: error.message,
  };
}
