// The dashboard's entry point: connects to the node named by `?rpc=` (default
// ws://127.0.0.1:9944), then shows one of three views, picked by the URL's hash
// (#participant, #operator, #consortium), refreshed on every new best block.
//
// Query parameters: `rpc` (the node's WebSocket URL), `account` (a dev account's name or an
// address to select in the participant view), `history` (how many past blocks of events to
// read for trades and clearing prices; default 300, bounded by the node's state pruning).
import { web3Enable, web3Accounts, web3FromAddress } from '@polkadot/extension-dapp';
import { Chain, DEV_NAMES } from './chain.js';
import { int } from './format.js';
import { createParticipantView } from './participant.js';
import { createOperatorView } from './operator.js';
import { createConsortiumView } from './consortium.js';

const params = new URLSearchParams(location.search);
const RPC = params.get('rpc') || 'ws://127.0.0.1:9944';
const HISTORY = Math.max(0, Number(params.get('history') ?? 300) || 0);
const VIEWS = ['participant', 'operator', 'consortium'];

const $ = (sel) => document.querySelector(sel);

function setConnection(text, kind) {
  const el = $('#connection');
  el.textContent = text;
  el.className = `connection ${kind}`;
}

/** The accounts the page can sign with: the dev accounts, and the extension's once asked. */
function createAccounts(chain, wanted) {
  const list = DEV_NAMES.map((name) => ({
    name, address: chain.devPairs.get(name).address, source: 'dev', pair: chain.devPairs.get(name),
  }));
  const match = list.find((a) => a.name.toLowerCase() === String(wanted ?? '').toLowerCase() || a.address === wanted);
  return {
    list,
    selected: match?.address ?? (wanted || null),
    current() {
      return this.list.find((a) => a.address === this.selected)
        ?? (this.selected ? { name: chain.name(this.selected), address: this.selected, source: 'watch' } : null);
    },
    /** Asks the polkadot-js browser extension (if installed) for its accounts. */
    async connectExtension() {
      const extensions = await web3Enable('Energy Consortium dashboard');
      if (extensions.length === 0) {
        return { message: 'No polkadot-js extension in this browser (or it refused access).' };
      }
      const found = await web3Accounts({ ss58Format: chain.api.registry.chainSS58 ?? 42 });
      for (const a of found) {
        if (!this.list.some((x) => x.address === a.address)) {
          this.list.push({ name: a.meta.name || a.address, address: a.address, source: 'extension' });
        }
      }
      return { message: `${found.length} account(s) from ${extensions.map((e) => e.name).join(', ')}.` };
    },
    /** How to sign as `account`: a dev key pair in the page, or the extension's signer. */
    async signerFor(account) {
      if (account.source === 'dev') return { signer: account.pair, options: {} };
      if (account.source === 'extension') {
        const injector = await web3FromAddress(account.address);
        return { signer: account.address, options: { signer: injector.signer } };
      }
      throw new Error(`${account.name} is watched only: the page holds no key for it`);
    },
  };
}

async function main() {
  $('#rpc').textContent = RPC;
  setConnection(`connecting to ${RPC}…`, 'pending');
  const chain = new Chain(RPC);
  let connected = false;
  await chain.connect({
    onStatus: (s) => {
      if (s === 'connected') {
        $('#unreachable').hidden = true;
        if (connected) setConnection(chain.chainName, 'ok');
      } else if (s === 'error' && !connected) {
        setConnection(`cannot reach a node at ${RPC}; retrying…`, 'error');
        $('#unreachable').hidden = false;
      } else if (s === 'disconnected' && connected) {
        setConnection(`disconnected from ${RPC}; reconnecting…`, 'error');
      }
    },
  });
  connected = true;
  window.dashboard = { chain }; // for the console and the end-to-end test
  setConnection(`${chain.chainName}`, 'ok');
  $('#history').textContent = 'reading past events…';
  await chain.follow(HISTORY);

  const accounts = createAccounts(chain, params.get('account'));
  if (!accounts.selected) {
    // Default: the first dev account that is a market participant.
    for (const a of accounts.list) {
      if (chain.hasQuery('prosumer', 'participants') && (await chain.api.query.prosumer.participants(a.address)).isSome) {
        accounts.selected = a.address;
        break;
      }
    }
    accounts.selected ??= accounts.list[0].address;
  }

  const views = {
    participant: createParticipantView(chain, $('#view-participant'), accounts),
    operator: createOperatorView(chain, $('#view-operator')),
    consortium: createConsortiumView(chain, $('#view-consortium')),
  };
  const active = () => (VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'participant');

  // One refresh at a time; a block that arrives during one asks for another after it.
  let running = false;
  let again = false;
  async function refresh() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    const name = active();
    try {
      await views[name].refresh();
      $(`#view-${name}`).dataset.loaded = String(chain.best);
      $('#view-error').textContent = '';
    } catch (e) {
      console.error(e);
      $('#view-error').textContent = `Could not read the ${name} view: ${e.message}`;
    }
    running = false;
    if (again) {
      again = false;
      refresh();
    }
  }
  function show() {
    const name = active();
    for (const v of VIEWS) {
      $(`#view-${v}`).hidden = v !== name;
      $(`#tab-${v}`).classList.toggle('active', v === name);
    }
    refresh();
  }
  window.addEventListener('hashchange', show);
  chain.onBlock.push(() => {
    $('#blocks').innerHTML = `best <b id="best">#${int(chain.best)}</b> · finalized <b id="finalized">#${int(chain.finalized)}</b>`;
    $('#history').textContent = `events read from block ${chain.historyFrom}`;
    refresh();
  });
  $('#history').textContent = `events read from block ${chain.historyFrom}`;
  show();
}

main();
