// The `run` command: N simulated meters report to a node every period.
//
// Per period, for every meter: the reading of the period that just ended (cumulative
// counters from the profiles), signed by the meter key with a locally counted nonce, sent
// with `author_submitExtrinsic` in pipelined JSON-RPC batches. Inclusion and finality are
// learned from the `ReadingRecorded` events of new best and finalized blocks. Readings of
// the next period are signed ahead, while the current one runs.
//
// A meter's life in the simulator:
//   - at start, its chain record gives the last period and counters (a restarted simulator
//     resumes from them) and `system_accountNextIndex` its nonce;
//   - a reading the pool accepts moves the meter's registers and nonce on; a meter has at
//     most one reading in the pool: while it waits for a block, the meter skips periods
//     (its next reading carries their energy, as a real meter's would);
//   - a reading the runtime refuses (`1010 … Custom error: <code>`) is counted under the
//     prosumer error's name, and the registers stay: the next reading spans both periods;
//   - at most `maxPending` readings are in the pool at once (below the node's
//     `--pool-limit`, 8,192 by default, beyond which the pool drops transactions it had
//     accepted); the others, and those the pool refused for room, priority or a ban, wait
//     and are re-signed and sent as blocks empty the pool, until the next period's reading
//     overtakes them or their period is too old;
//   - a reading the pool took but dropped (its nonce is free again) is taken back and sent
//     again; one never confirmed once its period is too old is counted expired, and the
//     meter re-reads its record and nonce from the chain.
//
// With `concentrators` C > 0 (relayed mode), meters send nothing themselves: meter k's
// reading, signed by the meter over `emr1 ‖ genesis ‖ reading` (no nonce), goes to
// concentrator k mod C, which packs its meters' readings into `prosumer.submitReadings`
// batches of at most `MaxReadingsPerBatch` and signs each with its own nonce (relay.mjs).
// Everything above stays per reading: a reading is in the pool while its batch is, a batch
// refused by the pool refuses (or, for room and priority, holds back) each of its readings,
// a reading the block refuses (`ReadingRefused`) is refused with the error's name and its
// registers stay, and a batch the pool dropped (the concentrator's next nonce shows it)
// gives its readings back to be batched again with the same meter signatures.

import { BlockWatcher } from './watcher.mjs';
import { Submitter } from './rpc.mjs';
import { classify } from './refusal.mjs';
import { makeReadingSigner } from './extrinsic.mjs';
import { openRelay, planBatches } from './relay.mjs';
import { meterModel, DEFAULT_SITE } from './profiles.mjs';
import { makeClock, meterState, nextReading } from './meter.mjs';
import { deriveKeys, uriKey, cryptoWaitReady } from './keys.mjs';
import {
  connectApi,
  periodClock,
  chainStart,
  meterRecords,
  nextNonces,
  prosumerErrorName,
} from './chain.mjs';

/**
 * Characters of signed extrinsics per JSON-RPC message when relaying: well below the
 * node's default `--rpc-max-request-size` (15 MiB), for batches of 116 kB of hex.
 */
const RPC_MESSAGE_CHARS = 8 << 20;

/** The demo participants' meters of every preset (runtime/src/genesis_config_presets.rs). */
export const DEMO_METER_URIS = Object.freeze(['//Dave//meter', '//Eve//meter', '//Ferdie//meter']);

export const RUN_DEFAULTS = Object.freeze({
  rpc: 'ws://127.0.0.1:9944',
  meters: 10,
  first: 0,
  demo: false,
  phrase: undefined,
  seed: 1,
  periods: Infinity,
  timeWarp: 1,
  simStart: undefined,
  site: DEFAULT_SITE,
  connections: 2,
  batchSize: 64,
  inFlight: 4,
  maxPending: 8000, // readings in the pool at once (the node's --pool-limit is 8,192 by default)
  concentrators: 0, // > 0: readings relayed in batches by this many data concentrators
  batchReadings: undefined, // readings per batch at most (default: the chain's MaxReadingsPerBatch)
  connectTimeoutMs: 60000,
  drainPeriods: undefined, // default: MaxReadingDelay + 2
  keepHistory: false, // keep every reading for report() (else finalized ones are forgotten)
});

const yieldNow = () => new Promise((resolve) => setImmediate(resolve));

export class SimMeter {
  constructor({ index, key, record, model, firstPeriod, nonce }) {
    this.index = index;
    this.key = key;
    this.address = key.address;
    this.participant = record.meter.participant;
    this.model = model;
    this.firstPeriod = firstPeriod;
    this.state = meterState({ ...record.meter, firstPeriod });
    this.nonce = nonce; // null when relayed: the concentrator's transaction carries the nonce
    this.concentrator = null; // relayed mode: the Concentrator that sends this meter's readings
    this.sent = new Map(); // period → entry (see accept)
    this.inPool = null; // the entry of a reading the pool took and no block has yet
    this.refused = [];
    this.waiting = null; // a reading not (yet) in the pool: { result, reason, signed? }
    this.presigned = null;
    this.needsResync = false;
  }

  /** Whether a reading of `period` is due. */
  due(period) {
    const last = this.state.lastPeriod;
    if (last !== null) return period > last;
    return this.firstPeriod === null || period >= this.firstPeriod;
  }
}

export class MeterRunner {
  constructor(options = {}) {
    this.o = { ...RUN_DEFAULTS, ...options };
    this.log = this.o.log ?? (() => {});
    this.progress = this.o.progress ?? (() => {});
    this.stopping = false;
    this.stopReason = null;
    this.lastTarget = -Infinity;
    this.periodsSent = 0;
    this.rounds = [];
    this.blocks = [];
    this.inPool = 0; // readings the pool took that no block has yet
    this.stats = {
      sent: 0, // taken by the pool
      included: 0, // seen in a best block
      finalized: 0,
      refused: {}, // reason → count (final)
      retries: {}, // reason → readings sent again for it
      deferred: 0, // readings held back because `maxPending` were in the pool
      skipped: 0, // periods a meter did not report because its last reading was still pending
      dropped: 0, // taken by the pool, then gone from it without a block (found by nonce)
      expired: 0, // still unconfirmed when their period became too old
      superseded: 0, // waiting readings overtaken by the next period's
      mismatched: 0, // on-chain energy differing from what was sent
      failedExtrinsics: 0,
      refusedInBlock: 0, // relayed readings the pool took in a batch and the block refused
      importedWh: 0,
      exportedWh: 0,
      batches: {
        sent: 0, // batches the pool took
        refused: {}, // reason → batches the pool refused (their readings counted as above)
        included: 0, // ReadingsRelayed events of our concentrators in best blocks
        readingsAccepted: 0, // their `accepted` and `refused` counts, summed
        readingsRefused: 0,
        dropped: 0, // taken by the pool, then gone without a block (found by nonce)
        largest: 0, // most readings in one batch sent
      },
    };
    this.finished = new Promise((resolve, reject) => {
      this.resolveFinished = resolve;
      this.rejectFinished = reject;
    });
  }

  // ---------------------------------------------------------------------------- set-up

  async start() {
    const o = this.o;
    await cryptoWaitReady();
    this.api = o.api ?? (await connectApi(o.rpc, { timeoutMs: o.connectTimeoutMs }));
    this.ownsApi = !o.api;
    const api = this.api;

    const { period, seconds } = await periodClock(api);
    this.periodSeconds = seconds;
    this.chainPeriod = period;
    this.maxDelay = api.consts.prosumer.maxReadingDelay?.toNumber?.() ?? 4;
    this.drainPeriods = o.drainPeriods ?? this.maxDelay + 2;
    this.clock = makeClock({
      periodSeconds: seconds,
      warp: o.timeWarp,
      // --sim-start: the simulated time of the period the run starts in.
      offset: o.simStart === undefined ? 0 : Math.floor(Date.parse(o.simStart) / 1000) - period * seconds * o.timeWarp,
    });
    this.startInfo = await chainStart(api);
    this.chainName = (await api.rpc.system.chain()).toString();

    await this.loadMeters();
    if (this.meters.length === 0) throw new Error('no usable meter: did the chain spec include them (meter-sim chain-spec)?');
    if (o.concentrators > 0) {
      this.relay = await openRelay(api, {
        count: o.concentrators,
        phrase: o.phrase,
        batchReadings: o.batchReadings,
        sampleMeterPair: this.meters[0].key.pair,
        log: this.log,
      });
      this.meters.forEach((m, k) => {
        m.concentrator = this.relay.concentrators[k % this.relay.concentrators.length];
      });
    } else {
      this.signer = makeReadingSigner(api, this.meters[0].key.pair);
    }
    this.submitter = await new Submitter(o.submitRpc ?? o.rpc, {
      connections: o.connections,
      batchSize: o.batchSize,
      inFlight: o.inFlight,
    }).open();

    this.watcher = new BlockWatcher(api, {
      onBest: (block) => this.onBest(block),
      onFinalized: (block) => this.onFinalized(block),
      onError: (e) => this.fail(e),
    });
    const { best } = await this.watcher.start();
    this.bestNumber = best;
    this.startedAt = Date.now();
    this.log(`# ${this.chainName}: ${this.meters.length} meters, periods of ${seconds} s, current period ${period}, best block #${best}` +
      (this.startInfo.supported ? `, chain start period ${this.startInfo.period ?? '(not yet)'}` : ', first readings span one period (no chainStartPeriod)'));
    if (this.relay) {
      this.log(`# relayed: ${this.relay.concentrators.length} concentrators, at most ${this.relay.maxPerBatch} readings a batch` +
        ` (the chain allows ${this.relay.signer.maxReadings})`);
    }
    if (this.skipped.length) {
      this.log(`# skipped ${this.skipped.length} keys: ${summarizeReasons(this.skipped.map((s) => s.reason))}`);
    }
    this.kick();
    return this;
  }

  /** Derives the keys, reads their records, nonces and profiles, and builds the models. */
  async loadMeters() {
    // Relayed meters sign no transaction, so their nonces are not needed.
    const { meters, skipped } = await loadSimMeters(this.api, { ...this.o, startInfo: this.startInfo, nonces: !(this.o.concentrators > 0) });
    this.meters = meters;
    this.skipped = skipped;
    this.byAddress = new Map(this.meters.map((m) => [m.address, m]));
  }

  // ---------------------------------------------------------------------------- blocks

  onBest(block) {
    this.bestNumber = block.number;
    const period = Math.floor(block.timestampMs / 1000 / this.periodSeconds);
    this.chainPeriod = Math.max(this.chainPeriod, period);
    let ours = 0;
    for (const r of block.readings) {
      const m = this.byAddress.get(r.meter);
      if (!m) continue;
      const entry = m.sent.get(r.period);
      if (!entry) {
        // The chain recorded a reading the simulator does not hold as sent (one it took back
        // as dropped went in after all, or another sender used the key): the registers are
        // behind the chain's, so read them again.
        if (r.period > (m.state.lastPeriod ?? -Infinity)) m.needsResync = true;
        continue;
      }
      if (entry.block !== null) continue;
      ours += 1;
      this.batchSeen(entry, block.number);
      this.included(m, entry, block.number);
      if (r.importedWh !== entry.energy.importedWh || r.exportedWh !== entry.energy.exportedWh) {
        entry.recorded = { importedWh: r.importedWh, exportedWh: r.exportedWh };
        this.stats.mismatched += 1;
      }
    }
    // Relayed readings the block refused: the pool took their batch, the block did not
    // record them (a bad meter signature, or a check that failed by the time of the block).
    for (const r of block.refusedReadings ?? []) {
      const m = this.byAddress.get(r.meter);
      const entry = m?.sent.get(r.period);
      if (!entry) continue;
      this.batchSeen(entry, block.number);
      if (entry.status === 'pool') this.refusedInBlock(m, entry, r.error, block.number);
    }
    for (const e of block.relayed ?? []) {
      if (!this.relay?.byAddress.has(e.concentrator)) continue;
      const b = this.stats.batches;
      b.included += 1;
      b.readingsAccepted += e.accepted;
      b.readingsRefused += e.refused;
    }
    this.stats.failedExtrinsics += block.failed;
    this.blocks.push({
      number: block.number,
      timestampMs: block.timestampMs,
      extrinsics: block.extrinsics,
      readings: block.readings.length,
      ours,
    });
    if (this.blocks.length > 10000) this.blocks.shift();
    this.lastBlock = this.blocks.at(-1);
    if (ours > 0) this.lastOurBlock = this.lastBlock;

    // A reading still unconfirmed when its period is too old will never be included.
    const oldest = this.chainPeriod - this.maxDelay;
    for (const m of this.meters) {
      const entry = m.inPool;
      if (entry && entry.period < oldest - 1) {
        entry.status = 'expired';
        m.inPool = null;
        this.inPool -= 1;
        this.stats.expired += 1;
        m.needsResync = true;
      }
    }
    if (this.startInfo.supported && this.startInfo.period === null) {
      // Block 1 writes the chain's first period; learn it once it is there.
      chainStart(this.api).then((s) => {
        if (s.period !== null && this.startInfo.period === null) {
          this.startInfo = s;
          for (const m of this.meters) {
            m.firstPeriod = s.period;
            m.state = { ...m.state, firstPeriod: s.period };
          }
          this.kick();
        }
      }, (e) => this.fail(e));
    }
    this.showProgress();
    this.kick();
    this.checkDone();
  }

  /** The batch of a relayed reading is in a block (all its readings are then decided). */
  batchSeen(entry, number) {
    const batch = entry.batch;
    if (!batch || batch.status !== 'pool') return;
    batch.status = 'included';
    batch.block = number;
    batch.concentrator.pool.delete(batch);
  }

  /**
   * A relayed reading the block refused after the pool took its batch: counted refused (no
   * longer sent) under the error's name; its registers stay, so the next reading carries
   * its energy.
   */
  refusedInBlock(m, entry, reason, number) {
    this.unsend(m, entry, 'refused');
    this.stats.refusedInBlock += 1;
    m.presigned = null;
    this.refuse(m, entry.period, reason, `refused in block #${number}`);
  }

  /**
   * Takes a reading that left the pool without being recorded out of what was sent: it is
   * marked `status`, and the meter's registers go back to what they were before it.
   */
  unsend(m, entry, status) {
    entry.status = status;
    if (m.inPool === entry) m.inPool = null;
    this.inPool -= 1;
    m.sent.delete(entry.period);
    this.stats.sent -= 1;
    this.stats.importedWh -= entry.energy.importedWh;
    this.stats.exportedWh -= entry.energy.exportedWh;
    m.state = entry.before.state;
  }

  /** A reading seen in a block. */
  included(m, entry, number) {
    entry.block = number;
    if (entry.status === 'pool') {
      this.inPool -= 1;
      if (m.inPool === entry) m.inPool = null;
    }
    entry.status = 'included';
    this.stats.included += 1;
  }

  onFinalized(block) {
    this.finalizedNumber = block.number;
    for (const r of block.readings) {
      const m = this.byAddress.get(r.meter);
      const entry = m?.sent.get(r.period);
      if (!entry || entry.finalized !== null) continue;
      // Finalized before we saw it in a best block (a missed notification)?
      if (entry.block === null) this.included(m, entry, block.number);
      entry.finalized = block.number;
      entry.status = 'finalized';
      this.stats.finalized += 1;
      // Without a report to write, a finalized reading needs no more memory.
      if (!this.o.keepHistory) m.sent.delete(r.period);
    }
    this.checkDone();
  }

  // ---------------------------------------------------------------------------- sending

  /** Starts the send loop if it is not running. */
  kick() {
    if (this.looping || this.stopping || this.done) return;
    this.looping = true;
    this.loop()
      .catch((e) => this.fail(e))
      .finally(() => {
        this.looping = false;
        this.checkDone();
      });
  }

  /**
   * The send loop, one task at a time: a new period's round when one is due, else readings
   * waiting for room in the pool (once per block), else a check of pending readings that
   * may have left the pool (once per block).
   */
  async loop() {
    while (!this.stopping) {
      const target = this.chainPeriod - 1;
      if (this.periodsSent < this.o.periods && target > this.lastTarget) {
        await this.resync();
        const attempted = await this.round(target);
        this.lastTarget = target;
        if (attempted > 0) this.periodsSent += 1;
        if (this.periodsSent < this.o.periods) await this.presign(target + 1);
        continue;
      }
      if (this.retriedAt !== this.bestNumber && this.meters.some((m) => m.waiting)) {
        this.retriedAt = this.bestNumber;
        await this.sendWaiting();
        continue;
      }
      if (this.probedAt !== this.bestNumber) {
        this.probedAt = this.bestNumber;
        await (this.relay ? this.probeRelay() : this.probe());
        continue;
      }
      return;
    }
  }

  /** Re-reads the chain's record and nonce of meters whose pool state is unknown. */
  async resync() {
    const stale = this.meters.filter((m) => m.needsResync && !m.inPool);
    if (stale.length === 0) return;
    const records = await meterRecords(this.api, stale.map((m) => m.address));
    const nonces = this.relay ? stale.map(() => null) : await nextNonces(this.api, stale.map((m) => m.address));
    stale.forEach((m, i) => {
      m.state = meterState({ ...records[i].meter, firstPeriod: m.firstPeriod });
      m.nonce = nonces[i];
      m.presigned = null;
      m.waiting = null;
      m.needsResync = false;
    });
    this.log(`# re-read ${stale.length} meters' records and nonces from the chain`);
  }

  /**
   * Readings the pool took a period or more ago and no block has: still in the pool, or
   * dropped from it (a full pool may evict what it first accepted)? The meter's next nonce
   * tells: `system_accountNextIndex` counts the pool's ready transactions, so it equals the
   * reading's nonce only if the reading is neither in a block nor in the pool. A dropped
   * reading is taken back (registers and nonce) and sent again.
   */
  async probe() {
    const suspects = this.meters.filter((m) => m.inPool && m.inPool.period < this.chainPeriod - 1 &&
      m.inPool.probedIn !== this.chainPeriod);
    if (suspects.length === 0) return;
    const nonces = await nextNonces(this.api, suspects.map((m) => m.address));
    let dropped = 0;
    suspects.forEach((m, i) => {
      const entry = m.inPool;
      if (!entry || entry.status !== 'pool') return; // included meanwhile
      entry.probedIn = this.chainPeriod;
      if (nonces[i] !== entry.nonce) return; // in the pool, or in a block not handled yet
      this.takeBack(m, entry);
      dropped += 1;
    });
    if (dropped) this.log(`# ${dropped} readings had left the pool without a block: sending them again`);
  }

  /** A reading the pool dropped: registers (and nonce) as before it, sent again. */
  takeBack(m, entry) {
    this.unsend(m, entry, 'dropped');
    this.stats.dropped += 1;
    if (!this.relay) m.nonce = entry.before.nonce;
    m.presigned = null;
    // A relayed reading keeps its meter signature (it names no nonce): only the batch is new.
    m.waiting = { result: entry.result, reason: 'Dropped', signed: this.relay ? entry.signed : undefined };
  }

  /**
   * The relayed counterpart of `probe`: batches the pool took in an earlier period and no
   * block has shown. The concentrator's next nonce (`system_accountNextIndex`, counting the
   * pool's ready transactions) tells: a batch at or above it is not in the pool's ready
   * queue. Then every batch of that concentrator from that nonce on is taken back (those
   * after a gap cannot become ready), their readings wait to be batched again, and the
   * concentrator goes on from that nonce.
   */
  async probeRelay() {
    const period = this.chainPeriod;
    const old = (b) => b.status === 'pool' && b.sentIn < period;
    const suspects = this.relay.concentrators.filter((c) => [...c.pool].some((b) => old(b) && b.probedIn !== period));
    if (suspects.length === 0) return;
    const nonces = await nextNonces(this.api, suspects.map((c) => c.address));
    let batches = 0;
    let readings = 0;
    suspects.forEach((c, i) => {
      const next = nonces[i];
      const pool = [...c.pool];
      for (const b of pool) {
        if (old(b)) b.probedIn = period;
        // Its nonce is used and none of its readings waits any more (they expired): a batch
        // that failed as a whole, or one in a block not handled yet. Nothing to wait for.
        if (b.nonce < next && !b.entries.some((e) => e.status === 'pool')) c.pool.delete(b);
      }
      if (!pool.some((b) => old(b) && b.nonce >= next)) return; // in the pool, or in a block not handled yet
      for (const b of pool) {
        if (b.status !== 'pool' || b.nonce < next) continue;
        b.status = 'dropped';
        c.pool.delete(b);
        this.stats.batches.dropped += 1;
        batches += 1;
        for (const entry of b.entries) {
          if (entry.status !== 'pool') continue;
          this.takeBack(this.byAddress.get(entry.meter), entry);
          readings += 1;
        }
      }
      c.nonce = next;
    });
    if (batches) this.log(`# ${batches} batches (${readings} readings) had left the pool without a block: batching them again`);
  }

  /** Re-reads the nonces of concentrators whose locally counted one proved wrong (Stale). */
  async resyncConcentrators() {
    const stale = this.relay.concentrators.filter((c) => c.needsResync);
    if (stale.length === 0) return;
    const nonces = await nextNonces(this.api, stale.map((c) => c.address));
    stale.forEach((c, i) => {
      c.nonce = nonces[i];
      c.needsResync = false;
    });
    this.log(`# re-read ${stale.length} concentrators' nonces from the chain`);
  }

  /** The signed form of a meter's reading: its own extrinsic (hex), or its relayed entry. */
  signReading(m, reading) {
    return this.relay ? this.relay.signer.entry(m.key.pair, reading) : this.signer.sign(m.key.pair, reading, m.nonce);
  }

  /** Signs the readings of `period` for the next round, while the current period runs. */
  async presign(period) {
    let n = 0;
    for (const m of this.meters) {
      if (this.stopping || this.chainPeriod - 1 >= period) return; // already due: sign in the round
      if (!m.due(period) || m.needsResync) continue;
      const result = nextReading(m.state, m.model, this.clock, period);
      const signed = this.signReading(m, result.reading);
      m.presigned = { period, nonce: m.nonce, state: m.state, result, signed };
      if (++n % 256 === 0) await yieldNow();
    }
  }

  /** How many more readings may go to the pool now (`maxPending` in all). */
  room() {
    return Math.max(0, this.o.maxPending - this.inPool);
  }

  /**
   * One period's readings for every meter that is due: signed ahead or now, and sent, up to
   * the room in the pool; the rest wait for the next blocks (sendWaiting). A meter whose
   * previous reading is still pending skips the period: its next reading carries the energy.
   */
  async round(period) {
    const t0 = Date.now();
    const batch = [];
    let presigned = 0;
    let attempted = 0;
    let room = this.room();
    for (const m of this.meters) {
      if (m.waiting) {
        // A reading that never got into the pool is overtaken: this one carries its energy
        // too (the registers did not move).
        m.waiting = null;
        this.stats.superseded += 1;
      }
      if (!m.due(period) || m.needsResync) continue;
      attempted += 1;
      if (m.inPool) {
        this.stats.skipped += 1;
        continue;
      }
      let result;
      let signed;
      if (m.presigned && m.presigned.period === period && m.presigned.nonce === m.nonce && m.presigned.state === m.state) {
        ({ result, signed } = m.presigned);
        presigned += 1;
      } else {
        result = nextReading(m.state, m.model, this.clock, period);
      }
      m.presigned = null;
      if (room <= 0) {
        m.waiting = { result, reason: 'Deferred', signed: this.relay ? signed : undefined };
        this.stats.deferred += 1;
        continue;
      }
      room -= 1;
      signed ??= this.signReading(m, result.reading);
      batch.push({ m, result, signed, nonce: m.nonce });
      if (batch.length % 256 === 0) await yieldNow();
    }
    if (attempted === 0) return 0;
    const t1 = Date.now();
    const batchesBefore = this.stats.batches.sent;
    const accepted = await this.submit(batch);
    const t2 = Date.now();
    const round = {
      period,
      due: attempted,
      readings: batch.length,
      accepted,
      batches: this.stats.batches.sent - batchesBefore,
      presigned,
      signMs: t1 - t0,
      submitMs: t2 - t1,
      perSecond: batch.length ? Math.round(batch.length / Math.max((t2 - t1) / 1000, 0.001)) : 0,
      chainPeriod: this.chainPeriod,
      block: this.bestNumber,
    };
    this.rounds.push(round);
    this.lastRound = round;
    this.showProgress(true);
    return attempted;
  }

  /**
   * Sends the readings waiting for the pool: deferred for room, refused by a full pool, or
   * dropped from it. Each is signed afresh (a new signature is a new transaction hash, so a
   * ban of the old one does not apply), at most about what the last block took out of the
   * pool, and never more than `maxPending` in the pool.
   */
  async sendWaiting() {
    const oldest = this.chainPeriod - this.maxDelay;
    const room = Math.min(this.room(), Math.max(512, 2 * (this.lastBlock?.readings ?? 0)));
    const batch = [];
    for (const m of this.meters) {
      if (!m.waiting) continue;
      const { result, reason, signed } = m.waiting;
      if (result.reading.period < oldest) {
        // Too old for the chain: the registers did not move, the next reading carries it.
        m.waiting = null;
        this.stats.expired += 1;
        continue;
      }
      if (batch.length >= room) continue;
      m.waiting = null;
      this.stats.retries[reason] = (this.stats.retries[reason] ?? 0) + 1;
      // A direct reading is signed afresh (its nonce may have changed, and a new hash escapes
      // a ban of the old one); a relayed one keeps its meter signature, its batch is new.
      batch.push({ m, result, signed: (this.relay && signed) || this.signReading(m, result.reading), nonce: m.nonce });
    }
    if (batch.length === 0) return;
    await this.submit(batch);
  }

  /**
   * Sends readings (`[{ m, result, signed, nonce }]`) and applies the node's answers; returns
   * how many the pool took. Direct: one extrinsic each. Relayed: in batches per concentrator.
   */
  async submit(items) {
    if (items.length === 0) return 0;
    if (this.relay) return this.sendRelayed(items);
    const answers = await this.submitter.submit(items.map((b) => b.signed));
    let accepted = 0;
    items.forEach((item, i) => {
      if (this.settle(item, answers[i])) accepted += 1;
    });
    return accepted;
  }

  /**
   * Relays readings: each concentrator's share in batches of at most `maxPerBatch`, sent in
   * waves of one batch per concentrator. A concentrator's next batch is signed only once
   * the pool answered its previous one, with the next nonce if the pool took it and the
   * same one if it refused it, so that no refusal leaves a gap in its nonces.
   */
  async sendRelayed(items) {
    const { concentrators, maxPerBatch, signer } = this.relay;
    const queues = planBatches(items, {
      concentrators: concentrators.length,
      maxPerBatch,
      concentratorOf: (item) => concentrators.indexOf(item.m.concentrator),
    });
    let accepted = 0;
    for (;;) {
      const wave = [];
      queues.forEach((batches, c) => {
        if (batches.length) wave.push({ concentrator: concentrators[c], items: batches.shift() });
      });
      if (wave.length === 0) return accepted;
      await this.resyncConcentrators(); // those whose last batch was Stale
      for (const w of wave) {
        w.nonce = w.concentrator.nonce;
        w.hex = signer.sign(w.concentrator.key.pair, w.items.map((i) => i.signed), w.nonce);
      }
      // Spread the wave over every socket and slot (a few large extrinsics, not many small
      // ones), and keep each JSON-RPC message within the node's request size.
      const longest = Math.max(...wave.map((w) => w.hex.length));
      const workers = this.o.connections * this.o.inFlight;
      const perMessage = Math.max(1, Math.min(this.o.batchSize, Math.ceil(wave.length / workers), Math.floor(RPC_MESSAGE_CHARS / longest)));
      const answers = await this.submitter.submit(wave.map((w) => w.hex), { batchSize: perMessage });
      wave.forEach((w, i) => {
        accepted += this.settleBatch(w, answers[i]);
      });
      await yieldNow();
    }
  }

  /**
   * Applies the node's answer to one batch: taken, each reading is in the pool (`accept`);
   * refused, each reading gets the batch's verdict. A stale nonce is the concentrator's
   * fault, not the readings': it re-reads its nonce and they wait for the next batch.
   */
  settleBatch({ concentrator, items, nonce }, answer) {
    const b = this.stats.batches;
    if (answer.hash !== undefined) {
      const batch = {
        concentrator,
        nonce,
        hash: answer.hash,
        readings: items.length,
        sentIn: this.chainPeriod,
        status: 'pool',
        block: null,
        entries: [],
      };
      concentrator.nonce = nonce + 1;
      concentrator.pool.add(batch);
      b.sent += 1;
      b.largest = Math.max(b.largest, items.length);
      for (const item of items) this.accept(item, answer.hash, batch);
      return items.length;
    }
    const verdict = classify(answer.error, (code) => prosumerErrorName(this.api, code));
    b.refused[verdict.reason] = (b.refused[verdict.reason] ?? 0) + 1;
    if (verdict.resyncNonce) {
      concentrator.needsResync = true;
      for (const { m, result, signed } of items) m.waiting = { result, reason: verdict.reason, signed };
      return 0;
    }
    for (const item of items) this.reject(item, verdict);
    return 0;
  }

  /** Applies the node's answer to one submitted reading; true if the pool took it. */
  settle(item, answer) {
    if (answer.hash !== undefined) {
      this.accept(item, answer.hash);
      return true;
    }
    this.reject(item, classify(answer.error, (code) => prosumerErrorName(this.api, code)));
    return false;
  }

  /**
   * The pool took a reading (alone, or in `batch`): its registers and nonce move on, and it
   * waits for a block.
   */
  accept({ m, result, nonce, signed }, hash, batch = null) {
    const period = result.reading.period;
    const entry = {
      period,
      nonce: batch ? batch.nonce : nonce,
      hash,
      ...(batch ? { concentrator: batch.concentrator.address } : {}),
      counters: result.reading.counters,
      energy: { importedWh: result.energy.importedWh, exportedWh: result.energy.exportedWh },
      status: 'pool',
      block: null,
      finalized: null,
    };
    // Kept out of JSON reports: what to restore if the pool drops it, and its batch.
    Object.defineProperty(entry, 'before', { value: { state: m.state, nonce } });
    Object.defineProperty(entry, 'result', { value: result });
    if (batch) {
      Object.defineProperty(entry, 'batch', { value: batch });
      Object.defineProperty(entry, 'signed', { value: signed });
      Object.defineProperty(entry, 'meter', { value: m.address });
      batch.entries.push(entry);
    }
    m.sent.set(period, entry);
    m.inPool = entry;
    this.inPool += 1;
    m.state = result.next;
    if (!batch) m.nonce = nonce + 1;
    this.stats.sent += 1;
    this.stats.importedWh += result.energy.importedWh;
    this.stats.exportedWh += result.energy.exportedWh;
  }

  /** The pool refused a reading (or its batch): it waits for the next block, or is refused. */
  reject({ m, result, signed }, verdict) {
    if (verdict.retry) {
      m.waiting = { result, reason: verdict.reason, signed: this.relay ? signed : undefined };
      return;
    }
    this.refuse(m, result.reading.period, verdict.reason, verdict.message);
    if (verdict.resyncNonce && !this.relay) m.needsResync = true;
  }

  refuse(m, period, reason, message = undefined) {
    m.refused.push({ period, reason, message });
    this.stats.refused[reason] = (this.stats.refused[reason] ?? 0) + 1;
    if (!this.firstRefusal) {
      this.firstRefusal = { meter: m.address, period, reason, message };
      this.log(`# first refusal: meter ${m.index} (${m.address}) period ${period}: ${reason}${message ? ` (${message})` : ''}`);
    }
  }

  // ---------------------------------------------------------------------------- ending

  /** Everything sent is resolved (finalized, refused, dropped or expired), nothing waits. */
  settled() {
    if (this.inPool > 0 || this.stats.included > this.stats.finalized) return false;
    return !this.meters.some((m) => m.waiting);
  }

  checkDone() {
    if (this.done || this.looping) return;
    if (this.stopping) return this.finish();
    if (this.periodsSent < this.o.periods) return;
    this.drainFrom ??= this.chainPeriod;
    if (this.settled()) return this.finish('periods');
    if (this.chainPeriod - this.drainFrom > this.drainPeriods) return this.finish('periods (drain timed out)');
  }

  /** Stops sending; in-flight submissions are answered first, then the summary. */
  stop(reason = 'stopped') {
    if (this.stopping || this.done) return this.finished;
    this.stopping = true;
    this.stopReason = reason;
    this.checkDone();
    return this.finished;
  }

  fail(error) {
    if (this.done) return;
    this.done = true;
    this.teardown().finally(() => this.rejectFinished(error));
  }

  async finish(reason = this.stopReason) {
    if (this.done) return;
    this.done = true;
    this.doneReason = reason;
    this.showProgress(true);
    const summary = this.summary();
    const report = this.report(summary);
    await this.teardown();
    this.resolveFinished({ summary, report });
  }

  async teardown() {
    this.watcher?.stop();
    this.submitter?.close();
    if (this.ownsApi) await this.api?.disconnect().catch(() => {});
  }

  // ---------------------------------------------------------------------------- output

  showProgress(force = false) {
    const s = this.stats;
    const refused = Object.values(s.refused).reduce((a, b) => a + b, 0);
    const waiting = this.meters?.filter((m) => m.waiting).length ?? 0;
    const b = this.lastOurBlock;
    const r = this.lastRound;
    const line = `period ${this.chainPeriod} | sent ${s.sent}${this.relay ? ` (${s.batches.sent} batches)` : ''} in-block ${s.included} final ${s.finalized}` +
      ` refused ${refused}${waiting ? ` waiting ${waiting}` : ''}${s.dropped ? ` dropped ${s.dropped}` : ''}` +
      `${s.expired ? ` expired ${s.expired}` : ''}` +
      (this.lastBlock ? ` | best #${this.lastBlock.number}` : '') +
      (b ? `, #${b.number} had ${b.ours} of ours (${b.readings} readings)` : '') +
      (r && r.readings ? ` | last burst ${r.readings} in ${(r.submitMs / 1000).toFixed(2)} s (${r.perSecond}/s)` : '');
    this.progress(line, force);
  }

  summary() {
    const s = this.stats;
    const periods = this.rounds.map((r) => r.period);
    const withReadings = this.blocks.filter((b) => b.ours > 0);
    const bursts = this.rounds.filter((r) => r.readings > 0);
    return {
      chain: this.chainName,
      periodSeconds: this.periodSeconds,
      // `direct`: each meter signs and sends its own extrinsic; `relayed`: concentrators send
      // the meters' signed readings in batches.
      mode: this.relay ? 'relayed' : 'direct',
      concentrators: this.relay?.concentrators.length ?? 0,
      meters: this.meters?.length ?? 0,
      skippedMeters: this.skipped?.length ?? 0,
      firstPeriod: periods.length ? Math.min(...periods) : null,
      lastPeriod: periods.length ? Math.max(...periods) : null,
      periodsSent: this.periodsSent,
      sent: s.sent,
      included: s.included,
      finalized: s.finalized,
      refused: s.refused,
      refusedTotal: Object.values(s.refused).reduce((a, b) => a + b, 0),
      refusedInBlock: s.refusedInBlock,
      retried: s.retries,
      deferred: s.deferred,
      skippedPeriods: s.skipped,
      superseded: s.superseded,
      dropped: s.dropped,
      expired: s.expired,
      pending: this.inPool,
      mismatched: s.mismatched,
      failedExtrinsics: s.failedExtrinsics,
      energy: { importedWh: s.importedWh, exportedWh: s.exportedWh },
      batches: {
        ...s.batches,
        refused: { ...s.batches.refused },
        readingsLimit: this.relay?.maxPerBatch ?? 0,
      },
      sending: {
        maxPerSecond: bursts.length ? Math.max(...bursts.map((r) => r.perSecond)) : 0,
        largestBurst: bursts.length ? Math.max(...bursts.map((r) => r.readings)) : 0,
        presigned: bursts.reduce((a, r) => a + r.presigned, 0),
      },
      blocks: {
        seen: this.blocks.length,
        withReadings: withReadings.length,
        maxReadings: this.blocks.length ? Math.max(...this.blocks.map((b) => b.readings)) : 0,
      },
      durationSeconds: this.startedAt ? Math.round((Date.now() - this.startedAt) / 100) / 10 : 0,
      stoppedBy: this.doneReason,
    };
  }

  /** The summary plus every meter's readings and refusals, and the rounds and blocks. */
  report(summary = this.summary()) {
    return {
      summary,
      rounds: this.rounds,
      blocks: this.blocks,
      concentrators: (this.relay?.concentrators ?? []).map((c) => ({
        index: c.index,
        address: c.address,
        uri: c.key.uri,
        nextNonce: c.nonce,
        meters: this.meters.filter((m) => m.concentrator === c).length,
      })),
      meters: (this.meters ?? []).map((m) => ({
        index: m.index,
        meter: m.address,
        participant: m.participant,
        role: m.model.role,
        zone: m.model.zone,
        generationW: m.model.generationW,
        connectionW: m.model.connectionW,
        annualKwh: Math.round(m.model.annualKwh),
        readings: [...m.sent.values()],
        refused: m.refused,
      })),
      skipped: this.skipped ?? [],
    };
  }
}

/**
 * The simulated meters `first … first + meters − 1` (and the demo meters with `demo`), as
 * the chain knows them: `{ meters: [SimMeter], skipped: [{ index, meter, reason }] }`.
 * A SimMeter has `key` ({address, pair, uri}), `participant`, `model` (profiles.mjs),
 * `state` (meter.mjs: last period and counters from the chain) and `nonce` (the next one,
 * counting the pool; null with `nonces: false`, for meters that only sign relayed readings).
 * `meters: 'auto'` counts the consecutive keys the chain knows.
 */
export async function loadSimMeters(api, {
  meters: count = 10,
  first = 0,
  demo = false,
  phrase = undefined,
  seed = 1,
  site = DEFAULT_SITE,
  startInfo = undefined,
  nonces: withNonces = true,
} = {}) {
  await cryptoWaitReady();
  startInfo ??= await chainStart(api);
  const keys = [];
  if (demo) for (const uri of DEMO_METER_URIS) keys.push({ index: uri, key: uriKey(uri) });
  if (count === 'auto') count = await countMeters(api, { phrase, first });
  for (const k of deriveKeys(count, { phrase, first, participants: false })) {
    keys.push({ index: k.index, key: k.meter });
  }
  const records = await meterRecords(api, keys.map((k) => k.key.address));
  const skipped = [];
  const usable = [];
  keys.forEach((k, i) => {
    const record = records[i];
    let reason = null;
    if (!record.meter) reason = 'UnknownMeter';
    else if (record.meter.status !== 'Active') reason = 'MeterRevoked';
    else if (!record.participant) reason = 'NoParticipant';
    else if (record.participant.status !== 'Approved') reason = `Participant${record.participant.status}`;
    if (reason) skipped.push({ index: k.index, meter: k.key.address, reason });
    else usable.push({ ...k, record });
  });
  const nonces = withNonces ? await nextNonces(api, usable.map((u) => u.key.address)) : usable.map(() => null);
  const meters = usable.map((u, i) => {
    const p = u.record.participant;
    return new SimMeter({
      index: u.index,
      key: u.key,
      record: u.record,
      nonce: nonces[i],
      firstPeriod: startInfo.supported ? startInfo.period : null,
      model: meterModel({
        seed,
        label: u.key.address,
        role: p.role,
        zone: p.zone,
        generationW: p.generationW,
        connectionW: p.connectionW,
        site,
      }),
    });
  });
  return { meters, skipped };
}

/** How many consecutive meter keys from `first` the chain knows. */
export async function countMeters(api, { phrase = undefined, first = 0 } = {}) {
  const step = 1000;
  let count = 0;
  for (;;) {
    const keys = deriveKeys(step, { phrase, first: first + count, participants: false });
    const records = await api.query.prosumer.meters.multi(keys.map((k) => k.meter.address));
    const unknown = records.findIndex((r) => r.isNone);
    if (unknown === -1) {
      count += step;
      continue;
    }
    return count + unknown;
  }
}

function summarizeReasons(reasons) {
  const counts = {};
  for (const r of reasons) counts[r] = (counts[r] ?? 0) + 1;
  return Object.entries(counts).map(([r, n]) => `${n} ${r}`).join(', ');
}

/** Runs the simulator until `periods` periods are sent and settled, or `stop()`. */
export async function runMeters(options) {
  const runner = new MeterRunner(options);
  await runner.start();
  return runner.finished;
}
