// Follows the chain's best and finalized blocks and reports, per block, its timestamp and
// the `prosumer.ReadingRecorded` events in it (and, for relayed readings, `ReadingRefused`
// and `ReadingsRelayed`). One subscription for best heads and one for finalized heads serve
// any number of readings: inclusion and finality are learned from the blocks, not from one
// status subscription per transaction.

import { dispatchErrorName } from './chain.mjs';

/**
 * Decodes one block's events: readings recorded, relayed readings refused (by the block,
 * after the pool took their batch), batches relayed, and failed extrinsics.
 */
export function readingsOf(api, records) {
  const readings = [];
  const refusedReadings = [];
  const relayed = [];
  let failed = 0;
  for (const { event } of records) {
    if (event.section === 'prosumer') {
      if (event.method === 'ReadingRecorded') {
        const [participant, meter, energy] = event.data;
        readings.push({
          participant: participant.toString(),
          meter: meter.toString(),
          period: energy.period.toNumber(),
          importedWh: energy.importedWh.toNumber(),
          exportedWh: energy.exportedWh.toNumber(),
        });
      } else if (event.method === 'ReadingRefused') {
        const { concentrator, meter, period, error } = event.data;
        refusedReadings.push({
          concentrator: concentrator.toString(),
          meter: meter.toString(),
          period: period.toNumber(),
          error: dispatchErrorName(api, error),
        });
      } else if (event.method === 'ReadingsRelayed') {
        const { concentrator, accepted, refused } = event.data;
        relayed.push({ concentrator: concentrator.toString(), accepted: accepted.toNumber(), refused: refused.toNumber() });
      }
    } else if (event.section === 'system' && event.method === 'ExtrinsicFailed') {
      failed += 1;
    }
  }
  return { readings, refusedReadings, relayed, failed };
}

export class BlockWatcher {
  /**
   * `onBest(block)` and `onFinalized(block)` receive
   * `{ number, hash, timestampMs, readings: [{participant, meter, period, importedWh, exportedWh}],
   *    refusedReadings: [{concentrator, meter, period, error}], relayed: [{concentrator, accepted, refused}],
   *    failed, extrinsics }`
   * for every block in order (a gap in the heads' stream is filled from parent hashes; a
   * finalized block is reported once, in number order).
   */
  constructor(api, { onBest = () => {}, onFinalized = () => {}, onError = (e) => console.error(e) } = {}) {
    this.api = api;
    this.onBest = onBest;
    this.onFinalized = onFinalized;
    this.onError = onError;
    this.cache = new Map(); // hash → block, until finalized
    this.queue = Promise.resolve();
    this.bestNumber = 0;
    this.finalizedNumber = 0;
    this.unsubscribers = [];
  }

  /** Fetches one block's events, timestamp and extrinsic count. */
  async fetch(hash, number) {
    const key = hash.toString();
    const cached = this.cache.get(key);
    if (cached) return cached;
    const [records, now, block] = await Promise.all([
      this.api.query.system.events.at(hash),
      this.api.query.timestamp.now.at(hash),
      this.api.rpc.chain.getBlock(hash),
    ]);
    const { readings, refusedReadings, relayed, failed } = readingsOf(this.api, records);
    const result = {
      number,
      hash: key,
      timestampMs: now.toNumber(),
      readings,
      refusedReadings,
      relayed,
      failed,
      extrinsics: block.block.extrinsics.length,
    };
    this.cache.set(key, result);
    return result;
  }

  /** Starts following from the current best and finalized blocks (they are not reported). */
  async start() {
    const [best, finalizedHash] = await Promise.all([
      this.api.rpc.chain.getHeader(),
      this.api.rpc.chain.getFinalizedHead(),
    ]);
    this.bestNumber = best.number.toNumber();
    this.finalizedNumber = (await this.api.rpc.chain.getHeader(finalizedHash)).number.toNumber();
    // The starting best block is known (not reported): the walk back from later heads
    // stops at it.
    (await this.fetch(best.hash, this.bestNumber)).reportedBest = true;
    // Serialize everything through one queue, so blocks are handled in order.
    const enqueue = (task) => {
      this.queue = this.queue.then(task).catch(this.onError);
    };
    this.unsubscribers.push(await this.api.rpc.chain.subscribeNewHeads((header) => {
      enqueue(() => this.best(header));
    }));
    this.unsubscribers.push(await this.api.rpc.chain.subscribeFinalizedHeads((header) => {
      enqueue(() => this.finalized(header.number.toNumber()));
    }));
    return { best: this.bestNumber, finalized: this.finalizedNumber, bestHeader: best };
  }

  async best(header) {
    const number = header.number.toNumber();
    // Blocks between the last best we reported and this one (missed notifications, or a
    // new fork): walk back through parents, then report oldest first.
    const chain = [{ hash: header.hash, number }];
    let parent = header.parentHash;
    let n = number - 1;
    while (n > this.finalizedNumber && !this.cache.has(parent.toString()) && chain.length < 64) {
      const h = await this.api.rpc.chain.getHeader(parent);
      chain.push({ hash: parent, number: n });
      parent = h.parentHash;
      n -= 1;
    }
    for (const { hash, number: num } of chain.reverse()) {
      const block = await this.fetch(hash, num);
      if (!block.reportedBest) {
        block.reportedBest = true;
        this.onBest(block);
      }
    }
    this.bestNumber = Math.max(this.bestNumber, number);
  }

  async finalized(number) {
    for (let n = this.finalizedNumber + 1; n <= number; n++) {
      const hash = await this.api.rpc.chain.getBlockHash(n);
      const block = await this.fetch(hash, n);
      this.cache.delete(block.hash);
      this.finalizedNumber = n;
      this.onFinalized(block);
    }
    // Forget blocks of abandoned forks at or below the finalized height.
    for (const [hash, block] of this.cache) {
      if (block.number <= this.finalizedNumber) this.cache.delete(hash);
    }
  }

  /** Waits until the blocks notified so far are handled. */
  idle() {
    return this.queue;
  }

  stop() {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }
}
