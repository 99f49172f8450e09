// The consortium's view: finality (best and finalized blocks), the validators the consortium
// admitted (validatorSet) against those of the current session, the consortium's members
// and its open motions (pallet-collective `consortium`: proposals, proposalOf, voting).
import { esc, int, short } from './format.js';

export function createConsortiumView(chain, root) {
  const api = chain.api;
  root.innerHTML = `
    <div id="chain-cards" class="cards"></div>
    <section>
      <h2>Validators and consortium members</h2>
      <table id="validators"><thead><tr>
        <th>Account</th><th>Admitted by the consortium</th><th>Validating this session</th><th>Consortium member</th>
      </tr></thead><tbody></tbody></table>
    </section>
    <section>
      <h2>Open motions</h2>
      <div id="motions"></div>
    </section>`;
  const $ = (sel) => root.querySelector(sel);

  const who = (address) => `${esc(chain.name(address))} <span class="mono note">${esc(short(address))}</span>`;

  async function refresh() {
    const has = (s, i) => chain.hasQuery(s, i);
    const [admitted, session, members, prime, proposals, health, runtime, sessionIndex, sudoKey] = await Promise.all([
      has('validatorSet', 'members') ? api.query.validatorSet.members() : null,
      has('session', 'validators') ? api.query.session.validators() : null,
      has('consortium', 'members') ? api.query.consortium.members() : null,
      has('consortium', 'prime') ? api.query.consortium.prime() : null,
      has('consortium', 'proposals') ? api.query.consortium.proposals() : null,
      api.rpc.system.health(),
      api.rpc.state.getRuntimeVersion(),
      has('session', 'currentIndex') ? api.query.session.currentIndex() : null,
      has('sudo', 'key') ? api.query.sudo.key() : null,
    ]);

    const lag = chain.best - chain.finalized;
    $('#chain-cards').innerHTML = `
      <div class="card"><h3>Best block</h3><p class="big" id="best-block">#${int(chain.best)}</p>
        <p class="note">${esc(chain.chainName)} · ${esc(runtime.specName)} v${esc(runtime.specVersion)}</p></div>
      <div class="card"><h3>Finalized block</h3><p class="big" id="finalized-block">#${int(chain.finalized)}</p>
        <p class="note">${lag <= 5 ? `${lag} behind the best: finality keeps up` : `${lag} blocks behind the best: finality may be stalled`}</p></div>
      <div class="card"><h3>Session</h3><p class="big">${sessionIndex ? int(sessionIndex.toNumber()) : '–'}</p>
        <p class="note">node ${esc(chain.nodeVersion)} · ${esc(health.peers)} peers${health.isSyncing.isTrue ? ' · syncing' : ''}</p></div>
      <div class="card"><h3>Governance</h3><p class="big">${members ? `${members.length} members` : '–'}</p>
        <p class="note">${sudoKey?.isSome ? `sudo: ${esc(chain.name(sudoKey.unwrap()))} (development chain)` : 'no sudo: decisions by motion only'}</p></div>`;

    if (!admitted && !session) {
      $('#validators tbody').innerHTML = `<tr><td colspan="4" class="missing">This runtime has neither validatorSet nor session.</td></tr>`;
    } else {
      const a = new Set((admitted ?? []).map(String));
      const s = new Set((session ?? []).map(String));
      const m = new Set((members ?? []).map(String));
      const all = [...new Set([...a, ...s, ...m])];
      $('#validators tbody').innerHTML = all.map((x) => `<tr data-account="${esc(x)}"><td>${who(x)}</td>
        <td>${admitted ? (a.has(x) ? 'yes' : 'no') : '–'}</td><td>${session ? (s.has(x) ? 'yes' : 'no') : '–'}</td>
        <td>${members ? (m.has(x) ? `yes${prime?.isSome && prime.unwrap().toString() === x ? ' (prime)' : ''}` : 'no') : '–'}</td></tr>`).join('');
    }

    if (!proposals) {
      $('#motions').innerHTML = `<p class="missing">This runtime has no consortium collective: no motions.</p>`;
      return;
    }
    if (proposals.length === 0) {
      $('#motions').innerHTML = `<p class="empty" id="no-motions">No open motions. Members propose with <code>consortium.propose</code>; a motion carries with two thirds of the members.</p>`;
      return;
    }
    const details = await Promise.all(proposals.map(async (hash) => {
      const [call, voting] = await Promise.all([api.query.consortium.proposalOf(hash), api.query.consortium.voting(hash)]);
      return { hash: hash.toHex(), call: call.isSome ? call.unwrap() : null, voting: voting.isSome ? voting.unwrap() : null };
    }));
    $('#motions').innerHTML = `<table id="motions-table"><thead><tr><th>Motion</th><th>Call</th><th>Ayes</th><th>Nays</th><th>Threshold</th><th>Ends at</th></tr></thead><tbody>${
      details.map(({ hash, call, voting }) => `<tr data-motion="${esc(hash)}">
        <td>${voting ? `#${esc(voting.index)}` : ''} <span class="mono note">${esc(hash.slice(0, 12))}…</span></td>
        <td>${call ? `<code>${esc(call.section)}.${esc(call.method)}</code> <span class="note">${esc(JSON.stringify(call.toHuman().args))}</span>` : '?'}</td>
        <td>${voting ? voting.ayes.map((x) => esc(chain.name(x))).join(', ') || '–' : ''}</td>
        <td>${voting ? voting.nays.map((x) => esc(chain.name(x))).join(', ') || '–' : ''}</td>
        <td>${voting ? `${esc(voting.threshold)} of ${members?.length ?? '?'}` : ''}</td>
        <td>${voting ? `#${int(voting.end.toNumber())}` : ''}</td></tr>`).join('')
    }</tbody></table>`;
  }

  return { refresh };
}
