// A minimal JSON-RPC 2.0 client over one WebSocket, for submitting extrinsics fast: many
// requests in flight at once (pipelined), optionally grouped into JSON-RPC batches (one
// WebSocket message carries up to `batchSize` calls; the node answers with one message).
// polkadot-js's WsProvider does neither batching nor cheap raw calls, and everything else
// (metadata, queries, subscriptions) still goes through @polkadot/api.

import WebSocket from 'ws';

/** JSON-RPC error codes of the node's transaction pool (`author_submitExtrinsic`). */
export const POOL_ERRORS = Object.freeze({
  1010: 'Invalid',
  1011: 'UnknownValidity',
  1012: 'TemporarilyBanned',
  1013: 'AlreadyImported',
  1014: 'TooLowPriority',
  1015: 'CycleDetected',
  1016: 'ImmediatelyDropped',
  1017: 'Unactionable',
});

export class RpcError extends Error {
  constructor({ code, message, data }) {
    super(`${code}: ${message}${data !== undefined ? `: ${typeof data === 'string' ? data : JSON.stringify(data)}` : ''}`);
    this.code = code;
    this.rpcMessage = message;
    this.data = data;
  }
}

export class RpcSocket {
  constructor(url) {
    this.url = url;
    this.nextId = 1;
    this.pending = new Map(); // id → { resolve, reject }
    this.closed = false;
  }

  /** Opens the socket; resolves once it is open. */
  open(timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false, maxPayload: 64 << 20 });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`timed out connecting to ${this.url}`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        this.ws = ws;
        resolve(this);
      });
      ws.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      ws.on('message', (data) => this.onMessage(data));
      ws.on('close', () => {
        this.closed = true;
        const error = new Error(`connection to ${this.url} closed`);
        for (const { reject: fail } of this.pending.values()) fail(error);
        this.pending.clear();
      });
    });
  }

  onMessage(data) {
    let message;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    for (const response of Array.isArray(message) ? message : [message]) {
      const waiter = this.pending.get(response.id);
      if (!waiter) continue; // a subscription notification: not used here
      this.pending.delete(response.id);
      if (response.error) waiter.reject(new RpcError(response.error));
      else waiter.resolve(response.result);
    }
  }

  request(method, params) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    return { id, promise, json: { jsonrpc: '2.0', id, method, params } };
  }

  /** One call; resolves with its result or rejects with an RpcError. */
  call(method, params = []) {
    if (this.closed || !this.ws) return Promise.reject(new Error(`not connected to ${this.url}`));
    const { promise, json } = this.request(method, params);
    this.ws.send(JSON.stringify(json));
    return promise;
  }

  /**
   * Several calls in one JSON-RPC batch. Resolves (never rejects) with one
   * `{ result } | { error }` per call, in order.
   */
  batch(calls) {
    if (this.closed || !this.ws) {
      const error = new Error(`not connected to ${this.url}`);
      return Promise.resolve(calls.map(() => ({ error })));
    }
    const requests = calls.map(({ method, params }) => this.request(method, params));
    this.ws.send(JSON.stringify(requests.map((r) => r.json)));
    return Promise.all(requests.map((r) => r.promise.then((result) => ({ result }), (error) => ({ error }))));
  }

  close() {
    this.closed = true;
    this.ws?.close();
  }
}

/**
 * Submits signed extrinsics (0x-hex) with `author_submitExtrinsic` over `connections`
 * sockets, in batches of `batchSize`, with at most `inFlight` batches outstanding per
 * socket. `submit(list)` resolves with one `{ hash } | { error }` per extrinsic, in order;
 * `submit(list, { batchSize })` uses smaller JSON-RPC batches for large extrinsics (a
 * concentrator's batch of 500 readings is 116 kB of hex, and the node refuses a request
 * above `--rpc-max-request-size`, 15 MiB by default).
 */
export class Submitter {
  constructor(url, { connections = 2, batchSize = 64, inFlight = 4 } = {}) {
    this.url = url;
    this.sockets = Array.from({ length: connections }, () => new RpcSocket(url));
    this.batchSize = batchSize;
    this.inFlight = inFlight;
  }

  async open() {
    await Promise.all(this.sockets.map((s) => s.open()));
    return this;
  }

  async submit(extrinsics, { batchSize = this.batchSize } = {}) {
    const results = new Array(extrinsics.length);
    let next = 0;
    // One worker per (socket, slot): each takes the next batch until none is left.
    const worker = async (socket) => {
      while (next < extrinsics.length) {
        const start = next;
        next = Math.min(next + batchSize, extrinsics.length);
        const calls = [];
        for (let i = start; i < next; i++) {
          calls.push({ method: 'author_submitExtrinsic', params: [extrinsics[i]] });
        }
        const answers = await socket.batch(calls);
        answers.forEach((answer, k) => {
          results[start + k] = answer.error ? { error: answer.error } : { hash: answer.result };
        });
      }
    };
    const workers = [];
    for (const socket of this.sockets) {
      for (let slot = 0; slot < this.inFlight; slot++) workers.push(worker(socket));
    }
    await Promise.all(workers);
    return results;
  }

  close() {
    for (const socket of this.sockets) socket.close();
  }
}
