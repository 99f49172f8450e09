// What the views share about the market: trades and clearings read from the event log,
// and the chain's order book read from storage (pallet-double-auction).

/** Every `doubleAuction.Traded` event in the log, as plain numbers and strings. */
export function trades(chain) {
  return chain.events('doubleAuction', 'Traded').map(({ block, event }) => {
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
  });
}

/**
 * One row per `doubleAuction.BookCleared` event, with the prices of its trades (the trades
 * of a clearing are the `Traded` events of the same block and period): the energy-weighted
 * mean price buyers paid, and the lowest and highest.
 */
export function clearings(chain) {
  const all = trades(chain);
  return chain.events('doubleAuction', 'BookCleared').map(({ block, event }) => {
    const d = event.data;
    const period = d.period.toNumber();
    const own = all.filter((t) => t.block === block && t.period === period);
    const delivered = own.reduce((s, t) => s + t.deliveredWh, 0);
    const weighted = own.reduce((s, t) => s + Number(t.buyerPrice) * t.deliveredWh, 0);
    const prices = own.map((t) => Number(t.buyerPrice));
    return {
      block,
      period,
      mechanism: mechanismName(d.mechanism),
      orders: d.orders.toNumber(),
      trades: d.trades.toNumber(),
      soldWh: d.soldWh.toNumber(),
      lostWh: d.lostWh.toNumber(),
      meanPrice: delivered > 0 ? weighted / delivered : (prices.length ? prices[0] : null),
      minPrice: prices.length ? Math.min(...prices) : null,
      maxPrice: prices.length ? Math.max(...prices) : null,
    };
  });
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

/** Every open book: its period and orders, from `doubleAuction.openBooks` and `books`. */
export async function openBooks(chain) {
  const api = chain.api;
  const periods = [...(await api.query.doubleAuction.openBooks())];
  const books = await api.query.doubleAuction.books.multi(periods);
  const ids = books.flatMap((b) => [...b]);
  const orders = ids.length ? await api.query.doubleAuction.orders.multi(ids) : [];
  const byId = new Map(ids.map((id, i) => [id.toString(), orders[i]]));
  return periods.map((p, i) => ({
    period: p.toNumber(),
    orders: [...books[i]]
      .map((id) => [id, byId.get(id.toString())])
      .filter(([, o]) => o?.isSome)
      .map(([id, o]) => orderRow(id, o.unwrap())),
  }));
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
  };
}
