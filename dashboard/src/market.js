// What the views share about the market: trades and clearings read from the event log,
// and the chain's order book read from storage (pallet-double-auction).

/** Every `doubleAuction.Traded` event in the log, as plain numbers and strings. */
export function trades(chain) {
  return chain.events('doubleAuction', 'Traded').map(tradeRow);
}

function tradeRow({ block, event }) {
  const d = event.data; // named fields, camelCase, from the metadata
  return {
    block,
    period: d.period.toNumber(),
    bid: d.bid.toString(),
    offer: d.offer.toString(),
    buyer: d.buyer.toString(),
    seller: d.seller.toString(),
    soldWh: d.soldWh.toNumber(),
    deliveredWh: d.deliveredWh.toNumber(),
    lostWh: d.lostWh.toNumber(),
    buyerPrice: d.buyerPrice.toBigInt(),
    sellerPrice: d.sellerPrice.toBigInt(),
    paid: d.paid.toBigInt(),
    received: d.received.toBigInt(),
  };
}

/**
 * One row per `doubleAuction.BookCleared` event, with the prices of its trades: the
 * energy-weighted mean price buyers paid, and the lowest and highest. A large clearing
 * settles over several blocks and `BookCleared` comes with its last trade, so the trades of
 * a clearing are the period's `Traded` events since the period's previous `BookCleared`
 * (one clearing settles at a time). One that began before the log does has only the trades
 * the log holds.
 */
export function clearings(chain) {
  const settling = new Map(); // period → its Traded events since its last BookCleared
  const rows = [];
  for (const logged of chain.events('doubleAuction', ['Traded', 'BookCleared'])) {
    const period = logged.event.data.period.toNumber();
    if (logged.method === 'Traded') {
      if (!settling.has(period)) settling.set(period, []);
      settling.get(period).push(tradeRow(logged));
      continue;
    }
    const own = settling.get(period) ?? [];
    settling.delete(period);
    rows.push(clearingRow(logged, own));
  }
  return rows;
}

function clearingRow({ block, event }, own) {
  const d = event.data;
  const delivered = own.reduce((s, t) => s + t.deliveredWh, 0);
  const weighted = own.reduce((s, t) => s + Number(t.buyerPrice) * t.deliveredWh, 0);
  const prices = own.map((t) => Number(t.buyerPrice));
  return {
    block,
    period: d.period.toNumber(),
    mechanism: mechanismName(d.mechanism),
    orders: d.orders.toNumber(),
    trades: d.trades.toNumber(),
    soldWh: d.soldWh.toNumber(),
    lostWh: d.lostWh.toNumber(),
    meanPrice: delivered > 0 ? weighted / delivered : (prices.length ? prices[0] : null),
    minPrice: prices.length ? Math.min(...prices) : null,
    maxPrice: prices.length ? Math.max(...prices) : null,
  };
}

/** "UniformPrice (k = 0.5)", "McAfee", "ZoneMarket" from the `Mechanism` enum. */
export function mechanismName(mechanism) {
  if (mechanism.isUniformPrice) return `UniformPrice (k = ${mechanism.asUniformPrice.kPpm.toNumber() / 1e6})`;
  return mechanism.type;
}

/** An account's open orders, from `doubleAuction.openOrdersOf` and `doubleAuction.orders`. */
export async function openOrdersOf(chain, address) {
  const api = chain.api;
  const ids = await api.query.doubleAuction.openOrdersOf(address);
  if (ids.length === 0) return [];
  const orders = await api.query.doubleAuction.orders.multi([...ids]);
  return orders
    .map((o, i) => (o.isSome ? orderRow(ids[i], o.unwrap()) : null))
    .filter(Boolean);
}

/** The most book index entries `openBooks` reads in one call (a refresh, every block). */
export const BOOK_READ_LIMIT = 1000;

const U64_MAX = (1n << 64n) - 1n;

/**
 * The limit price and order id a `doubleAuction.bookIndex` rank key stands for (the
 * pallet's `decode_rank_key`): 16 bytes, big-endian, the price (a bid's) or `u64::MAX −
 * price` (an offer's), then `u64::MAX − id`.
 */
export function decodeRankKey(side, key) {
  const bytes = key instanceof Uint8Array ? key : key.toU8a();
  if (bytes.length !== 16) throw new Error(`a rank key has 16 bytes, not ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const raw = view.getBigUint64(0, false);
  return {
    pricePerKwh: side === 'Bid' ? raw : U64_MAX - raw,
    id: U64_MAX - view.getBigUint64(8, false),
  };
}

/**
 * Every open book, earliest delivery period first, read at one block: each side's order
 * count from `doubleAuction.books`, and the energy left and the best limit price (the
 * highest bid, the lowest offer) from the side's entries in the sorted index
 * `doubleAuction.bookIndex` (partial key `(period, side)`). A side holds up to
 * `MaxOrdersPerSide` (5,000) orders, so at most `limit` index entries are read, earliest
 * books first; a side past that shows its count only (`read` false, `energyWh` and
 * `best` null).
 */
export async function openBooks(chain, limit = BOOK_READ_LIMIT) {
  const api = chain.api;
  const at = await api.at(await api.rpc.chain.getBlockHash());
  const q = at.query.doubleAuction;
  const periods = [...(await q.openBooks())];
  const states = periods.length ? await q.books.multi(periods) : [];
  let budget = limit;
  const readSide = async (period, side, count) => {
    if (count === 0) return { count, read: true, energyWh: 0, best: null };
    if (count > budget) return { count, read: false, energyWh: null, best: null };
    budget -= count;
    const entries = await q.bookIndex.entriesPaged({ args: [period, side], pageSize: count });
    let energyWh = 0;
    let best = null;
    for (const [key, value] of entries) {
      if (value.isNone) continue;
      energyWh += value.unwrap().remainingWh.toNumber();
      const { pricePerKwh } = decodeRankKey(side, key.args[2]);
      if (best === null || (side === 'Bid' ? pricePerKwh > best : pricePerKwh < best)) best = pricePerKwh;
    }
    return { count, read: true, energyWh, best };
  };
  const books = [];
  for (const [i, p] of periods.entries()) {
    const period = p.toNumber();
    const state = states[i].isSome ? states[i].unwrap() : null;
    const bids = await readSide(period, 'Bid', state ? state.bids.toNumber() : 0);
    const offers = await readSide(period, 'Offer', state ? state.offers.toNumber() : 0);
    books.push({ period, bids, offers });
  }
  return books;
}

function orderRow(id, o) {
  return {
    id: id.toString(),
    owner: o.owner.toString(),
    side: o.side.type,
    period: o.period.toNumber(),
    zone: o.zone.toNumber(),
    energyWh: o.energyWh.toNumber(),
    remainingWh: o.remainingWh.toNumber(),
    pricePerKwh: o.pricePerKwh.toBigInt(),
    escrow: o.escrow.toBigInt(),
    // The order deposit (runtimes from spec 104 on; none before).
    deposit: o.deposit ? o.deposit.toBigInt() : null,
  };
}
