// The participant's view: EGM balance and imbalance (energiumApi.buyerInfo), purchases
// against consumption per period and per month (the zone paper's Figure 10(e)), open
// orders (doubleAuction storage), trades with their losses (doubleAuction.Traded events),
// and a form that places and cancels orders signed by the selected account.
import { barChart } from './charts.js';
import { esc, int, wh, egmFromWh, fixed, parseFixed, periodTime, monthName } from './format.js';
import { trades, openOrdersOf } from './market.js';

const COLORS = { purchased: '#2a9d8f', consumed: '#e76f51', sold: '#e9c46a', exported: '#8ab17d' };

export function createParticipantView(chain, root, accounts) {
  const api = chain.api;
  const canTrade = chain.hasQuery('doubleAuction', 'orders') && Boolean(api.tx.doubleAuction?.placeOrder);
  const hasLedger = chain.hasCall('energiumApi', 'buyerInfo');

  root.innerHTML = `
    <div class="toolbar">
      <label>Account <select id="account"></select></label>
      <button id="connect-extension" type="button">Use the polkadot-js extension</button>
      <span id="account-note" class="note"></span>
    </div>
    <div id="profile" class="cards"></div>
    <section>
      <h2>Energy bought against energy consumed</h2>
      <div id="ledger-missing"></div>
      <div class="charts">
        <figure><figcaption>Per delivery period (by its start, UTC), Wh</figcaption><div id="chart-periods"></div></figure>
        <figure><figcaption>Per month (settled periods), Wh</figcaption><div id="chart-months"></div></figure>
      </div>
    </section>
    <section>
      <h2>Orders</h2>
      <div id="orders-missing"></div>
      <form id="order-form" class="order-form" autocomplete="off">
        <label>Side <select id="order-side"><option>Bid</option><option>Offer</option></select></label>
        <label>Delivery period <input id="order-period" type="number" min="0" required></label>
        <label>Energy (Wh) <input id="order-energy" type="number" min="1" value="25" required></label>
        <label>Limit price (${esc(chain.token)}/kWh) <input id="order-price" type="text" value="0.40" required></label>
        <button id="order-submit" type="submit">Place order</button>
      </form>
      <p id="order-holds" class="note"></p>
      <p id="tx-status" class="status" role="status"></p>
      <table id="open-orders"><thead><tr>
        <th>Order</th><th>Side</th><th>Period</th><th>Energy</th><th>Left</th><th>Limit</th><th>Escrow</th><th>Deposit</th><th></th>
      </tr></thead><tbody></tbody></table>
    </section>
    <section>
      <h2>Trades</h2>
      <p class="note" id="trades-note"></p>
      <table id="trades"><thead><tr>
        <th>Block</th><th>Period</th><th></th><th>With</th><th>Sold</th><th>Delivered</th><th>Lost</th><th>Price</th><th>Paid / received</th>
      </tr></thead><tbody></tbody></table>
    </section>
    <section>
      <h2>Ledger per delivery period</h2>
      <table id="ledger"><thead><tr>
        <th>Period</th><th>Bought</th><th>Received</th><th>Lost</th><th>Tariff</th><th>Sold</th><th>Imported</th>
        <th>Exported</th><th>Shortfall</th><th>Undelivered</th><th>Charged</th><th>Unpaid</th><th>State</th>
      </tr></thead><tbody></tbody></table>
    </section>`;

  const $ = (sel) => root.querySelector(sel);
  const select = $('#account');
  const token = chain.token;
  const money = (units) => `${fixed(units, chain.decimals, 6)} ${token}`;
  const price = (units) => `${fixed(units, chain.decimals)} ${token}/kWh`;
  let period = { period: 0, seconds: 0 };
  let periodDefaulted = false;

  function fillAccounts(selected) {
    select.innerHTML = accounts.list.map((a) =>
      `<option value="${esc(a.address)}">${esc(a.name)}${a.source === 'extension' ? ' (extension)' : ''}</option>`).join('');
    if (selected) select.value = selected;
  }
  fillAccounts(accounts.selected);
  select.addEventListener('change', () => {
    accounts.selected = select.value;
    view.refresh();
  });
  $('#connect-extension').addEventListener('click', async () => {
    $('#account-note').textContent = 'Asking the browser extension…';
    const found = await accounts.connectExtension();
    $('#account-note').textContent = found.message;
    fillAccounts(accounts.selected);
  });

  if (!canTrade) {
    $('#orders-missing').innerHTML = `<p class="missing">This node's runtime has no double auction (pallet <code>doubleAuction</code>): no order book to show or trade on.</p>`;
    $('#order-form').hidden = true;
  }
  const orderDeposit = api.consts.doubleAuction?.orderDeposit;
  if (canTrade && orderDeposit) {
    $('#order-holds').textContent = `An open order holds a deposit of ${money(orderDeposit.toBigInt())} (doubleAuction.orderDeposit), ` +
      'and a bid its worst-case cost (energy × limit) as escrow. Both come back when the order fills, is cancelled, ' +
      'is pushed out of a full book by a more competitive order, or expires.';
  }
  if (!hasLedger) {
    $('#ledger-missing').innerHTML = `<p class="missing">This node's runtime has no <code>EnergiumApi</code> runtime API (pallet-energium): no EGM balance, purchases or consumption to show.</p>`;
  }

  // Signing and submitting, with the transaction's progress in the status line.
  const status = $('#tx-status');
  function setStatus(text, kind = '') {
    status.textContent = text;
    status.className = `status ${kind}`;
  }
  async function submit(tx, what) {
    const account = accounts.current();
    if (!account) return setStatus('Pick an account first.', 'error');
    setStatus(`${what}: signing as ${account.name}…`);
    try {
      const { signer, options } = await accounts.signerFor(account);
      await new Promise((resolve, reject) => {
        let unsub = () => {};
        tx.signAndSend(signer, options, ({ status: s, dispatchError }) => {
          if (dispatchError) {
            unsub();
            let message = dispatchError.toString();
            if (dispatchError.isModule) {
              const meta = api.registry.findMetaError(dispatchError.asModule);
              message = `${meta.section}.${meta.name}: ${meta.docs.join(' ')}`;
            }
            return reject(new Error(message));
          }
          if (s.isReady) setStatus(`${what}: in the pool…`);
          if (s.isInBlock) {
            setStatus(`${what}: done, in block ${s.asInBlock.toHex().slice(0, 10)}…`, 'ok');
            unsub();
            resolve();
          }
          if (s.isInvalid || s.isDropped || s.isUsurped) {
            unsub();
            reject(new Error(`transaction ${s.type}`));
          }
        }).then((u) => { unsub = u; }, reject);
      });
      view.refresh();
    } catch (e) {
      setStatus(`${what} failed: ${e.message}`, 'error');
    }
  }

  $('#order-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let args;
    try {
      args = [
        $('#order-side').value,
        Number($('#order-period').value),
        Number($('#order-energy').value),
        parseFixed($('#order-price').value, chain.decimals),
      ];
    } catch (e) {
      return setStatus(e.message, 'error');
    }
    await submit(api.tx.doubleAuction.placeOrder(...args), `${args[0]} for period ${args[1]}`);
  });
  $('#open-orders').addEventListener('click', async (ev) => {
    const button = ev.target.closest('button.cancel');
    if (!button) return;
    button.disabled = true;
    await submit(api.tx.doubleAuction.cancelOrder(button.dataset.order), `Cancelling order ${button.dataset.order}`);
  });

  async function refresh() {
    const address = accounts.selected;
    if (!address) return;
    period = await chain.currentPeriod();
    if (!periodDefaulted && period.period) {
      // Four periods ahead: time to clear before delivery begins, however short periods are.
      $('#order-period').value = period.period + 4;
      periodDefaulted = true;
    }
    const [participant, account, info, orders] = await Promise.all([
      chain.hasQuery('prosumer', 'participants') ? api.query.prosumer.participants(address) : null,
      api.query.system.account(address),
      hasLedger ? api.call.energiumApi.buyerInfo(address) : null,
      canTrade ? openOrdersOf(chain, address) : [],
    ]);
    renderProfile(address, participant, account, info);
    if (info) renderCharts(info);
    renderOrders(orders);
    renderTrades(address);
    if (info) renderLedger(info);
  }

  function renderProfile(address, participant, account, info) {
    let who = `<div class="card"><h3>${esc(chain.name(address))}</h3><p class="mono">${esc(address)}</p>`;
    if (participant?.isSome) {
      const p = participant.unwrap();
      const f = p.profile;
      who += `<p id="participant-profile">${esc(f.role.type)} in zone ${esc(f.zone)} · ${esc(p.status.type)}</p>
        <p class="note">generation ${int(f.generationCapacityW)} W · connection ${int(f.connectionCapacityW)} W</p>`;
    } else if (participant) {
      who += `<p id="participant-profile" class="note">Not a registered participant: it can neither trade nor consume EGM.</p>`;
    }
    who += '</div>';
    const free = account.data.free.toBigInt();
    const held = account.data.reserved.toBigInt();
    let cards = who + `<div class="card"><h3>${esc(token)}</h3><p class="big">${esc(money(free))}</p>
      <p class="note">held (bid escrow, order and participant deposits): ${esc(money(held))}</p></div>`;
    if (info) {
      cards += `<div class="card"><h3>EGM balance</h3><p class="big" id="egm-balance">${esc(egmFromWh(info.balanceWh))}</p>
        <p class="note"><span id="egm-wh">${esc(int(info.balanceWh))} Wh</span> · bought ${esc(wh(info.purchasedWh))} · consumed ${esc(wh(info.consumedWh))}</p></div>
        <div class="card" id="imbalance"><h3>Imbalance</h3>
        <p>shortfall <b>${esc(wh(info.shortfallWh))}</b> · undelivered <b>${esc(wh(info.undeliveredWh))}</b></p>
        <p>debt <b id="debt">${esc(money(info.debt.toBigInt()))}</b></p>
        <p class="note">Shortfall: consumed beyond EGM; undelivered: sold but not exported. Both are charged at the imbalance price when the period settles.</p></div>`;
    }
    $('#profile').innerHTML = cards;
  }

  function renderCharts(info) {
    const entries = [...info.openPeriods, ...info.settledPeriods]
      .sort((a, b) => a.period.toNumber() - b.period.toNumber())
      .slice(-16);
    if (entries.length === 0) {
      $('#chart-periods').innerHTML = '<p class="empty">No energy bought or consumed yet.</p>';
    } else {
      const sold = entries.some((e) => e.soldWh.toNumber() > 0);
      const series = [
        { name: 'purchased', color: COLORS.purchased, values: entries.map((e) => e.receivedWh.toNumber() + e.tariffWh.toNumber()) },
        { name: 'consumed', color: COLORS.consumed, values: entries.map((e) => e.importedWh.toNumber()) },
      ];
      if (sold) {
        series.push({ name: 'sold', color: COLORS.sold, values: entries.map((e) => e.soldWh.toNumber()) });
        series.push({ name: 'exported', color: COLORS.exported, values: entries.map((e) => e.exportedWh.toNumber()) });
      }
      $('#chart-periods').innerHTML = barChart({
        id: 'periods-svg',
        categories: entries.map((e) => periodTime(e.period, period.seconds)),
        series,
        unit: ' Wh',
      });
    }
    const months = [...info.months];
    if (months.length === 0) {
      $('#chart-months').innerHTML = '<p class="empty">No settled month yet: a period counts in its month once it is settled.</p>';
    } else {
      $('#chart-months').innerHTML = barChart({
        id: 'months-svg',
        categories: months.map((m) => monthName(m.month)),
        series: [
          { name: 'purchased', color: COLORS.purchased, values: months.map((m) => m.purchasedWh.toNumber()) },
          { name: 'consumed', color: COLORS.consumed, values: months.map((m) => m.consumedWh.toNumber()) },
          { name: 'sold', color: COLORS.sold, values: months.map((m) => m.soldWh.toNumber()) },
        ],
        unit: ' Wh',
      });
    }
  }

  function renderOrders(orders) {
    const body = $('#open-orders tbody');
    if (orders.length === 0) {
      body.innerHTML = `<tr><td colspan="9" class="empty">No open orders.</td></tr>`;
      return;
    }
    body.innerHTML = orders.map((o) => `<tr data-order="${esc(o.id)}">
      <td>#${esc(o.id)}</td><td>${esc(o.side)}</td>
      <td>${esc(o.period)} <span class="note">${esc(periodTime(o.period, period.seconds))}</span></td>
      <td>${esc(wh(o.energyWh))}</td><td>${esc(wh(o.remainingWh))}</td><td>${esc(price(o.pricePerKwh))}</td>
      <td>${o.side === 'Bid' ? esc(money(o.escrow)) : ''}</td><td>${o.deposit === null ? '' : esc(money(o.deposit))}</td>
      <td><button class="cancel" type="button" data-order="${esc(o.id)}">Cancel</button></td></tr>`).join('');
  }

  function renderTrades(address) {
    const mine = trades(chain).filter((t) => t.buyer === address || t.seller === address).reverse();
    $('#trades-note').textContent = `Trades are doubleAuction.Traded events; this page read them from block ${chain.historyFrom} on. ` +
      'Older ones are summed in the ledger below.';
    const body = $('#trades tbody');
    if (mine.length === 0) {
      body.innerHTML = `<tr><td colspan="9" class="empty">No trades in the blocks read.</td></tr>`;
      return;
    }
    body.innerHTML = mine.map((t) => {
      const bought = t.buyer === address;
      return `<tr data-period="${t.period}" data-side="${bought ? 'bought' : 'sold'}">
        <td>${esc(t.block)}</td><td>${esc(t.period)}</td><td>${bought ? 'bought from' : 'sold to'}</td>
        <td>${esc(chain.name(bought ? t.seller : t.buyer))}</td>
        <td>${esc(wh(t.soldWh))}</td><td class="delivered">${esc(wh(t.deliveredWh))}</td><td class="lost">${esc(wh(t.lostWh))}</td>
        <td>${esc(price(bought ? t.buyerPrice : t.sellerPrice))}</td><td>${esc(money(bought ? t.paid : t.received))}</td></tr>`;
    }).join('');
  }

  function renderLedger(info) {
    const entries = [...info.openPeriods, ...info.settledPeriods].sort((a, b) => b.period.toNumber() - a.period.toNumber());
    const body = $('#ledger tbody');
    if (entries.length === 0) {
      body.innerHTML = `<tr><td colspan="13" class="empty">No ledger entries.</td></tr>`;
      return;
    }
    body.innerHTML = entries.slice(0, 24).map((e) => `<tr data-period="${e.period.toNumber()}">
      <td>${esc(e.period)}</td><td>${esc(wh(e.boughtWh))}</td><td>${esc(wh(e.receivedWh))}</td>
      <td>${esc(wh(e.boughtWh.toNumber() - e.receivedWh.toNumber()))}</td><td>${esc(wh(e.tariffWh))}</td>
      <td>${esc(wh(e.soldWh))}</td><td>${esc(wh(e.importedWh))}</td><td>${esc(wh(e.exportedWh))}</td>
      <td>${esc(wh(e.shortfallWh))}</td><td>${esc(wh(e.undeliveredWh))}</td>
      <td>${esc(money(e.charged.toBigInt()))}</td><td>${esc(money(e.unpaid.toBigInt()))}</td>
      <td>${e.settled.isTrue ? 'settled' : 'open'}</td></tr>`).join('');
  }

  const view = { refresh };
  return view;
}
