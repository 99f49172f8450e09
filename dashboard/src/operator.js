// The operator's view: the grid with its lines (pallet-zone-market), the participants on
// it (pallet-prosumer), per zone and delivery period supply, demand, traded, lost and
// imbalance (energiumApi.zoneEnergy), clearing prices over time (doubleAuction events),
// and the open books (doubleAuction storage).
import { barChart, lineChart } from './charts.js';
import { esc, int, wh, fixed, periodTime } from './format.js';
import { BOOK_READ_LIMIT, clearings, mechanismName, openBooks } from './market.js';

const ZONE_COLORS = ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51', '#8ab17d', '#6d597a', '#b56576'];

export function createOperatorView(chain, root) {
  const api = chain.api;
  const hasGrid = chain.hasQuery('zoneMarket', 'distances');
  const hasZoneView = chain.hasCall('energiumApi', 'zoneEnergy');
  const hasBook = chain.hasQuery('doubleAuction', 'openBooks');
  // The sorted book index (spec 104 on); before it, `books(period)` was a list of order ids.
  const hasBookIndex = chain.hasQuery('doubleAuction', 'bookIndex');

  root.innerHTML = `
    <div id="market-cards" class="cards"></div>
    <section>
      <h2>The grid</h2>
      <div id="grid"></div>
      <table id="lines"><thead><tr>
        <th>Line</th><th>Length</th><th>Trades in the zone market</th><th>Resistance (per phase)</th>
        <th>Loss of 1 kWh in a period</th><th>Loss at line capacity</th>
      </tr></thead><tbody></tbody></table>
      <h3>Participants</h3>
      <table id="participants"><thead><tr>
        <th>Participant</th><th>Role</th><th>Zone</th><th>Status</th><th>Generation</th><th>Connection</th><th>Meter</th>
      </tr></thead><tbody></tbody></table>
    </section>
    <section>
      <h2>Energy per zone and delivery period</h2>
      <p class="note">From <code>energiumApi.zoneEnergy(period)</code>. Supply is what the zone's meters exported, demand what they imported;
      traded is peer energy sold in the zone, lost what its lines lost; imbalance is shortfall plus undelivered energy.
      Meter data and imbalances arrive after delivery, once meters report and the period settles.</p>
      <div id="zone-missing"></div>
      <figure><figcaption>All zones, per delivery period (by its start, UTC), Wh</figcaption><div id="zone-chart"></div></figure>
      <table id="zone-energy"><thead><tr>
        <th>Period</th><th>Zone</th><th>Supply</th><th>Demand</th><th>Traded</th><th>Delivered</th><th>Lost</th>
        <th>Tariff</th><th>Shortfall</th><th>Undelivered</th><th>Settled</th>
      </tr></thead><tbody></tbody></table>
    </section>
    <section>
      <h2>Clearing prices</h2>
      <figure><figcaption>Price paid per kWh (${esc(chain.token)}), per delivery period (by its start, UTC)</figcaption><div id="prices"></div></figure>
      <table id="clearings"><thead><tr>
        <th>Block</th><th>Period</th><th>Mechanism</th><th>Orders</th><th>Trades</th><th>Sold</th><th>Lost</th><th>Price</th>
      </tr></thead><tbody></tbody></table>
    </section>
    <section>
      <h2>Open books</h2>
      <p class="note">Orders per side from <code>doubleAuction.books</code>; energy left and best limit prices from the sorted index
      <code>doubleAuction.bookIndex</code>, read up to ${int(BOOK_READ_LIMIT)} orders a block, earliest books first.</p>
      <table id="books"><thead><tr>
        <th>Period</th><th>Bids</th><th>Offers</th><th>Best bid</th><th>Best offer</th>
      </tr></thead><tbody></tbody></table>
      <div id="books-note"></div>
    </section>`;

  const $ = (sel) => root.querySelector(sel);
  const token = chain.token;
  const price = (units) => (units === null ? '–' : `${fixed(BigInt(Math.round(Number(units))), chain.decimals)} ${token}/kWh`);

  if (!hasZoneView) {
    $('#zone-missing').innerHTML = `<p class="missing">This node's runtime has no <code>EnergiumApi.zone_energy</code> runtime API (pallet-energium): no zone balance to show.</p>`;
  }

  async function refresh() {
    const period = await chain.currentPeriod();
    const [distances, rules, participants, mechanism, tariff, issuance] = await Promise.all([
      hasGrid ? api.query.zoneMarket.distances() : null,
      hasGrid ? api.query.zoneMarket.rules() : null,
      chain.hasQuery('prosumer', 'participants') ? api.query.prosumer.participants.entries() : [],
      hasBook ? api.query.doubleAuction.marketMechanism() : null,
      chain.hasQuery('energium', 'gridTariff') ? api.query.energium.gridTariff() : null,
      chain.hasQuery('energium', 'totalIssuanceWh') ? api.query.energium.totalIssuanceWh() : null,
    ]);
    const people = participants.map(([key, p]) => ({ address: key.args[0].toString(), ...p.unwrap().toJSON(), status: p.unwrap().status.type, role: p.unwrap().profile.role.type }))
      .sort((a, b) => a.profile.zone - b.profile.zone);
    renderCards(period, mechanism, tariff, issuance);
    renderGrid(distances, rules?.isSome ? rules.unwrap() : null, people, period);
    renderParticipants(people);
    await Promise.all([renderZones(period), renderBooks()]);
    renderPrices(period);
  }

  function renderCards(period, mechanism, tariff, issuance) {
    let cards = `<div class="card"><h3>Delivery period</h3><p class="big" id="current-period">${esc(period.period)}</p>
      <p class="note">${esc(period.seconds)} s periods · began ${esc(periodTime(period.period, period.seconds))} UTC</p></div>`;
    cards += `<div class="card"><h3>Clearing mechanism</h3><p class="big">${mechanism ? esc(mechanismName(mechanism)) : '–'}</p>
      <p class="note">${mechanism ? 'chosen by the consortium; every block clears one changed book' : 'no double auction on this node'}</p></div>`;
    if (tariff?.isSome) {
      const t = tariff.unwrap();
      cards += `<div class="card"><h3>Grid tariff</h3><p class="big">${esc(price(t.retailPricePerKwh.toBigInt()))}</p>
        <p class="note">imbalance ${esc(price(t.imbalancePricePerKwh.toBigInt()))}</p></div>`;
    }
    if (issuance) {
      cards += `<div class="card"><h3>EGM in circulation</h3><p class="big">${esc(int(issuance.toBigInt()))} Wh</p>
        <p class="note">credited by trades and the tariff, debited by meter readings</p></div>`;
    }
    $('#market-cards').innerHTML = cards;
  }

  /**
   * The grid as an SVG: zones as circles, each line between two zones as an arc. When the
   * distances are those of a single feeder (zone positions along one axis explain every
   * distance), the zones sit on a line at their real positions; otherwise on a circle.
   */
  function renderGrid(distances, rules, people, period) {
    if (!hasGrid) {
      $('#grid').innerHTML = `<p class="missing">This node's runtime has no zone market (pallet <code>zoneMarket</code>): no grid to show.</p>`;
      return;
    }
    const d = distances.map((row) => row.map((v) => v.toNumber()));
    const n = d.length;
    if (n === 0) {
      $('#grid').innerHTML = `<p class="missing">No grid is set: the operator has not stored zones and distances (zoneMarket.setGrid).</p>`;
      $('#lines tbody').innerHTML = '';
      return;
    }
    const maxDistance = rules ? rules.maxDistanceM.toNumber() : Infinity;
    const W = 900;
    const H = 330;
    const pos = d[0].map((x, j) => (j === 0 ? 0 : x));
    const linear = n > 1 && d.every((row, i) => row.every((v, j) => i === j || v === Math.abs(pos[i] - pos[j])));
    let xy;
    if (linear) {
      const [lo, hi] = [Math.min(...pos), Math.max(...pos)];
      xy = pos.map((p) => [80 + ((p - lo) / (hi - lo || 1)) * (W - 160), 200]);
    } else {
      xy = d.map((_, i) => [W / 2 + 130 * Math.cos((2 * Math.PI * i) / n), 170 + 110 * Math.sin((2 * Math.PI * i) / n)]);
    }
    let svg = `<svg id="grid-svg" class="grid-svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="the grid's zones and lines">`;
    // Lines: one per zone pair. Neighbours on a feeder get a straight segment, other pairs an arc above.
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const reach = d[a][b] <= maxDistance;
        const [x1, y1] = xy[a];
        const [x2, y2] = xy[b];
        const between = linear ? pos.filter((p) => p > Math.min(pos[a], pos[b]) && p < Math.max(pos[a], pos[b])).length : 0;
        const lift = linear ? between * 55 : 0;
        const mx = (x1 + x2) / 2;
        const my = (y1 + y2) / 2 - lift * 2;
        const cls = `line ${reach ? 'reach' : 'no-reach'} ${between === 0 && linear ? 'feeder' : ''}`;
        svg += `<path class="${cls}" data-a="${a}" data-b="${b}" d="M${x1},${y1} Q${mx},${my} ${x2},${y2}" fill="none">` +
          `<title>zone ${a} ↔ zone ${b}: ${d[a][b]} m${reach ? '' : ' (beyond the zone market\'s reach)'}</title></path>`;
        // A quadratic arc's apex is halfway to its control point: the label sits just above it.
        const ly = linear ? (between === 0 ? y1 - 8 : y1 - lift - 6) : my - 6;
        svg += `<text class="line-label ${reach ? '' : 'muted'}" x="${mx}" y="${ly}" text-anchor="middle">${int(d[a][b])} m${reach ? '' : ' ✕'}</text>`;
      }
    }
    for (let z = 0; z < n; z++) {
      const [x, y] = xy[z];
      const here = people.filter((p) => Number(p.profile.zone) === z);
      svg += `<g class="zone" data-zone="${z}"><circle cx="${x}" cy="${y}" r="24" fill="${ZONE_COLORS[z % ZONE_COLORS.length]}"/>` +
        `<text class="zone-label" x="${x}" y="${y + 5}" text-anchor="middle">${z}</text>` +
        `<text class="note-svg" x="${x}" y="${y + 40}" text-anchor="middle">${int(d[z][z])} m across</text>`;
      here.forEach((p, i) => {
        svg += `<text class="participant" x="${x}" y="${y + 58 + i * 16}" text-anchor="middle">${esc(chain.name(p.address))} · ${esc(p.role.toLowerCase())}</text>`;
      });
      svg += '</g>';
    }
    svg += `<text class="note-svg" x="10" y="${H - 8}">Zones (circles, numbered) and their lines; ✕: beyond the zone market's reach of ${rules ? int(maxDistance) + ' m' : '–'}.</text>`;
    $('#grid').innerHTML = `${svg}</svg>`;

    // Line parameters: R = ρL/A per phase; loss = E²·R/(U²·T) over a delivery period (docs/market.md).
    const rows = [];
    if (rules) {
      const rho = rules.line.resistivityPohmM.toNumber() * 1e-12;
      const area = rules.line.crossSectionMm2.toNumber() * 1e-6;
      const volts = rules.line.voltageV.toNumber();
      const capacity = Number(rules.lineCapacityWh.toBigInt());
      const loss = (energyWh, metres) => {
        const r = (rho * metres) / area;
        const watts = (energyWh * 3600) / period.seconds;
        return Math.min(energyWh, (watts * watts * r) / (volts * volts) * period.seconds / 3600);
      };
      // At the line's capacity a short period's power may be more than the line can carry at all.
      const lossAtCapacity = (energyWh, metres) => {
        const lost = loss(energyWh, metres);
        return lost >= energyWh ? `all of ${esc(wh(energyWh))} (more than the line carries in one period)`
          : `${esc(wh(Math.round(lost)))} of ${esc(wh(energyWh))}`;
      };
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
          const m = d[a][b];
          rows.push(`<tr data-line="${a}-${b}"><td>${a} ↔ ${b}</td><td>${int(m)} m</td><td>${m <= maxDistance ? 'yes' : 'no (too far)'}</td>
            <td>${((rho * m) / area).toFixed(3)} Ω</td><td>${loss(1000, m).toFixed(2)} Wh</td>
            <td>${lossAtCapacity(capacity, m)}</td></tr>`);
        }
      }
      $('#lines').dataset.line = `${rules.line.resistivityPohmM} pΩ·m, ${rules.line.crossSectionMm2} mm², ${rules.line.voltageV} V`;
    }
    $('#lines tbody').innerHTML = rows.join('') || `<tr><td colspan="6" class="empty">No trading rules set.</td></tr>`;
    if (rules) {
      $('#lines tbody').insertAdjacentHTML('beforeend', `<tr><td colspan="6" class="note">Every line: ${esc($('#lines').dataset.line)};
        at most ${esc(wh(Number(rules.lineCapacityWh.toBigInt())))} per line and period; losses for ${esc(period.seconds)}-second periods.</td></tr>`);
    }
  }

  function renderParticipants(people) {
    $('#participants tbody').innerHTML = people.map((p) => `<tr data-participant="${esc(p.address)}">
      <td>${esc(chain.name(p.address))}</td><td>${esc(p.role)}</td><td>${esc(p.profile.zone)}</td><td>${esc(p.status)}</td>
      <td>${int(p.profile.generationCapacityW)} W</td><td>${int(p.profile.connectionCapacityW)} W</td>
      <td>${p.meter ? esc(chain.name(p.meter)) : '–'}</td></tr>`).join('')
      || `<tr><td colspan="7" class="empty">No participants registered.</td></tr>`;
  }

  async function renderZones(period) {
    if (!hasZoneView) return;
    // The periods with ledger data: those not settled yet, and the settled ones the zone view keeps.
    const [pending, kept] = await Promise.all([
      api.query.energium.pendingPeriods(),
      api.query.energium.zoneViewPeriods(),
    ]);
    const periods = [...new Set([...kept, ...pending].map((p) => p.toNumber()))].sort((a, b) => a - b).slice(-8);
    const views = await Promise.all(periods.map((p) => api.call.energiumApi.zoneEnergy(p)));
    const rows = [];
    const totals = periods.map(() => ({ supply: 0, demand: 0, traded: 0, lost: 0, imbalance: 0 }));
    views.forEach((zones, i) => {
      for (const [zone, e] of zones) {
        const v = Object.fromEntries(Object.entries(e.toJSON()).map(([k, x]) => [k, Number(x)]));
        totals[i].supply += v.exportedWh;
        totals[i].demand += v.importedWh;
        totals[i].traded += v.soldWh;
        totals[i].lost += v.lostWh;
        totals[i].imbalance += v.shortfallWh + v.undeliveredWh;
        rows.unshift(`<tr data-period="${periods[i]}" data-zone="${zone.toNumber()}">
          <td>${periods[i]} <span class="note">${esc(periodTime(periods[i], period.seconds))}</span></td><td>${zone.toNumber()}</td>
          <td>${esc(wh(v.exportedWh))}</td><td>${esc(wh(v.importedWh))}</td><td class="traded">${esc(wh(v.soldWh))}</td>
          <td>${esc(wh(v.deliveredWh))}</td><td>${esc(wh(v.lostWh))}</td><td>${esc(wh(v.tariffWh))}</td>
          <td>${esc(wh(v.shortfallWh))}</td><td>${esc(wh(v.undeliveredWh))}</td><td>${v.settledParticipants}</td></tr>`);
      }
    });
    $('#zone-energy tbody').innerHTML = rows.join('')
      || `<tr><td colspan="11" class="empty">No energy recorded yet in any unsettled or recently settled period.</td></tr>`;
    $('#zone-chart').innerHTML = periods.length === 0 ? '' : barChart({
      id: 'zone-svg',
      categories: periods.map((p) => periodTime(p, period.seconds)),
      series: [
        { name: 'supply', color: '#8ab17d', values: totals.map((t) => t.supply) },
        { name: 'demand', color: '#e76f51', values: totals.map((t) => t.demand) },
        { name: 'traded', color: '#2a9d8f', values: totals.map((t) => t.traded) },
        { name: 'lost', color: '#6d597a', values: totals.map((t) => t.lost) },
        { name: 'imbalance', color: '#e9c46a', values: totals.map((t) => t.imbalance) },
      ],
      unit: ' Wh',
    });
  }

  function renderPrices(period) {
    if (!hasBook) {
      $('#prices').innerHTML = `<p class="missing">This node's runtime has no double auction: no clearing prices.</p>`;
      return;
    }
    const all = clearings(chain);
    const priced = all.filter((c) => c.meanPrice !== null);
    const toToken = (units) => Number(units) / 10 ** chain.decimals;
    const note = `<p class="note">From the doubleAuction.BookCleared and Traded events of the blocks this page read (from block ${esc(chain.historyFrom)} on).</p>`;
    if (priced.length === 0) {
      $('#prices').innerHTML = `${note}<p class="empty">No trades cleared in those blocks yet.</p>`;
    } else {
      const series = [{ name: 'mean price paid', color: '#264653', points: priced.map((c) => [c.period, toToken(c.meanPrice)]) }];
      if (priced.some((c) => c.minPrice !== c.maxPrice)) {
        series.push({ name: 'lowest', color: '#8ab17d', points: priced.map((c) => [c.period, toToken(c.minPrice)]) });
        series.push({ name: 'highest', color: '#e76f51', points: priced.map((c) => [c.period, toToken(c.maxPrice)]) });
      }
      $('#prices').innerHTML = note + lineChart({
        id: 'prices-svg',
        series,
        xLabel: (p) => periodTime(p, period.seconds),
      });
    }
    $('#clearings tbody').innerHTML = all.slice(-12).reverse().map((c) => `<tr data-period="${c.period}">
      <td>${c.block}</td><td>${c.period}</td><td>${esc(c.mechanism)}</td><td>${c.orders}</td><td>${c.trades}</td>
      <td>${esc(wh(c.soldWh))}</td><td>${esc(wh(c.lostWh))}</td>
      <td>${c.meanPrice === null ? '–' : esc(price(c.meanPrice))}${c.minPrice !== c.maxPrice ? ` <span class="note">(${esc(price(c.minPrice))} – ${esc(price(c.maxPrice))})</span>` : ''}</td></tr>`).join('')
      || `<tr><td colspan="8" class="empty">No clearing in the blocks read.</td></tr>`;
  }

  async function renderBooks() {
    if (!hasBook) return;
    if (!hasBookIndex) {
      $('#books tbody').innerHTML = `<tr><td colspan="5" class="missing">This node's runtime predates the sorted book index (<code>doubleAuction.bookIndex</code>, spec 104): books not shown.</td></tr>`;
      return;
    }
    const books = await openBooks(chain);
    const side = (s) => (s.read ? `${int(s.count)} · ${esc(wh(s.energyWh))}` : `${int(s.count)}`);
    const best = (s) => (s.read ? (s.best === null ? '–' : price(s.best)) : '…');
    $('#books tbody').innerHTML = books.map(({ period, bids, offers }) => `<tr data-period="${period}">
      <td>${period}</td><td class="bids">${side(bids)}</td><td class="offers">${side(offers)}</td>
      <td>${esc(best(bids))}</td><td>${esc(best(offers))}</td></tr>`).join('')
      || `<tr><td colspan="5" class="empty">No open book.</td></tr>`;
    const unread = books.some((b) => !b.bids.read || !b.offers.read);
    $('#books-note').innerHTML = unread
      ? `<p class="note">… : more orders than the page reads in a block; only the count (from <code>doubleAuction.books</code>) is shown.</p>`
      : '';
  }

  return { refresh };
}
