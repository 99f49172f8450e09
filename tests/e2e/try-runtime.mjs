// try-runtime on a live chain's real state, through the node's own RPC: the e2e nodes are
// built with the `try-runtime` feature (scripts/test.sh builds one feature set, and the
// runtime fuzz harness switches it on), so their runtime carries the `TryRuntime` API.
//
// - `TryRuntime_execute_block` re-executes a finalized block on its parent's state, with
//   state-root and signature checks, and then every pallet's `try_state`;
// - `TryRuntime_on_runtime_upgrade` runs the runtime's migrations with their pre- and
//   post-upgrade checks and every `try_state` on the head's state, then throws it away.
// A failed check panics in the runtime, which the RPC returns as an error.

import { u8aConcat, u8aToHex } from '@polkadot/util';

// frame_support::traits::TryStateSelect::All and UpgradeCheckSelect::All (SCALE enum indices).
const TRY_STATE_ALL = 0x01;
const UPGRADE_CHECK_ALL = 0x01;

/// Re-executes `block` (as `chain_getBlock` returns it) with every check and returns the
/// weight the runtime reports.
export async function tryExecuteBlock(api, block) {
  // The author's seal is the last digest item; a node removes it before executing a block.
  const logs = block.header.digest.logs.filter((log) => !log.isSeal);
  const header = api.createType('Header', {
    parentHash: block.header.parentHash,
    number: block.header.number,
    stateRoot: block.header.stateRoot,
    extrinsicsRoot: block.header.extrinsicsRoot,
    digest: { logs },
  });
  const unsealed = api.createType('Block', { header, extrinsics: block.extrinsics });
  const flags = new Uint8Array([1, 1, TRY_STATE_ALL]); // state root, signatures, try_state
  // As a hex string: polkadot-js reads a Uint8Array given for `Bytes` as length-prefixed.
  const result = await api.rpc.state.call(
    'TryRuntime_execute_block', u8aToHex(u8aConcat(unsealed.toU8a(), flags)), block.header.parentHash);
  return api.createType('Weight', result);
}

/// Runs the migrations' checks and every pallet's `try_state` on the state at `hash`.
export async function tryRuntimeUpgrade(api, hash) {
  const result = await api.rpc.state.call(
    'TryRuntime_on_runtime_upgrade', u8aToHex(new Uint8Array([UPGRADE_CHECK_ALL])), hash);
  return api.createType('(Weight, Weight)', result);
}

/// Both checks: finalized blocks re-executed from the head backwards, at least `minBlocks`
/// and until one of them carries a transaction besides the timestamp (at most `maxBlocks`),
/// then the upgrade checks on the finalized head.
export async function tryRuntimeChecks(api, { minBlocks = 5, maxBlocks = 100 } = {}) {
  const head = await api.rpc.chain.getFinalizedHead();
  let hash = head;
  const executed = [];
  while (executed.length < maxBlocks) {
    const { block } = await api.rpc.chain.getBlock(hash);
    if (block.header.number.toNumber() === 0) break;
    const weight = await tryExecuteBlock(api, block);
    executed.push({
      number: block.header.number.toNumber(),
      extrinsics: block.extrinsics.length,
      refTime: weight.refTime.toBigInt(),
    });
    if (executed.length >= minBlocks && executed.some((b) => b.extrinsics > 1)) break;
    hash = block.header.parentHash;
  }
  const [upgradeWeight] = await tryRuntimeUpgrade(api, head);
  return { executed, upgradeRefTime: upgradeWeight.refTime.toBigInt() };
}
