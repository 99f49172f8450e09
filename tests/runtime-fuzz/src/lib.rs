//! Runtime fuzzing harness for the energy consortium chain.
//!
//! An input is a sequence of steps, each SCALE-encoded as `(lapse: u8, origin: u8, call:
//! RuntimeCall)`. A step with a non-zero `lapse` first closes the block being built and
//! opens the next one `lapse` Aura slots later (so time, and with it delivery periods,
//! passes as on a chain whose authors missed slots). The call is then signed by the origin's
//! key with the runtime's real transaction extensions (`CheckMeterReading` included),
//! validated as the pool would (on a storage layer that is thrown away), and applied as a
//! block author would. Decoding stops at the first step that does not decode.
//!
//! After every block the harness checks (and panics, which the fuzzer reports, on failure):
//! - the block's weight, hooks included, is within `max_block`;
//! - every pallet's `try_state` holds (Energium reconciles EGM in its own);
//! - GRID issuance equals the sum of all accounts' free and reserved balances, and is never
//!   above the genesis issuance (fees and McAfee's spread are burned; nothing mints GRID);
//! - no account's holds add up to more than its reserved balance.
//!
//! `integrity_test` of every pallet runs once per process. A panic anywhere in block
//! building is a finding, as it would halt block production on a validator.
//!
//! The chain is the `local` preset (four validators, a consortium of four, no sudo, so no
//! call can reach root) with 12-second delivery periods, so that periods, readings and
//! settlement move within a few blocks.
//!
//! `fuzz/` drives [`run`] with libFuzzer; `tests/replay.rs` runs it over the kept corpus
//! and every crash found, in the test suite's ordinary build.

use codec::{Decode, DecodeLimit, Encode};
use energy_runtime::{
	genesis_config_presets, AccountId, AllPalletsWithSystem, Balance, BlockNumber, Executive,
	Header, Runtime, RuntimeCall, UncheckedExtrinsic, SLOT_DURATION,
};
use polkadot_sdk::{
	frame_support::{
		dispatch::GetDispatchInfo,
		storage::{with_transaction, TransactionOutcome},
		traits::{IntegrityTest, IsInherent, TryState, TryStateSelect},
	},
	frame_system, pallet_balances, pallet_collective, pallet_session, pallet_timestamp,
	sp_consensus_aura::{Slot, AURA_ENGINE_ID},
	sp_core::{sr25519, Pair, H256},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_runtime::{
		traits::{Hash as _, Header as _},
		transaction_validity::TransactionSource,
		Digest, DigestItem, DispatchError, MultiAddress, Storage,
	},
};
use std::{
	collections::BTreeMap,
	sync::{
		atomic::{AtomicU64, Ordering},
		OnceLock,
	},
};

/// Delivery period length of the fuzzed chain, seconds (two blocks).
pub const PERIOD_SECONDS: u32 = 12;
/// The slot of the first block: 2027-01-15, so that periods have realistic indices.
pub const FIRST_SLOT: u64 = 1_800_000_000_000 / SLOT_DURATION;
/// Steps taken from one input at most; the rest is ignored.
pub const MAX_STEPS: usize = 256;
/// Blocks built from one input at most.
pub const MAX_BLOCKS: u32 = 64;
/// Nesting depth allowed when decoding a call (the runtime's own limit for extrinsics).
const MAX_CALL_DEPTH: u32 = 256;

/// Who may sign a step's call: `origin % ORIGINS` picks one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
	/// A development key: Alice to Ferdie. Alice to Dave validate and sit in the consortium;
	/// Dave, Eve and Ferdie are the demo participants.
	Account(Sr25519Keyring),
	/// The meter key (`//<Name>//meter`) of a demo participant.
	Meter(Sr25519Keyring),
	/// A key the chain has never seen, with no funds.
	Stranger,
	/// No signature: a bare extrinsic, as unsigned transactions are.
	Bare,
}

const KEYS: [Sr25519Keyring; 6] = genesis_config_presets::DEMO_KEYS;
const METERED: [Sr25519Keyring; 3] =
	[Sr25519Keyring::Dave, Sr25519Keyring::Eve, Sr25519Keyring::Ferdie];
/// Number of distinct origins.
pub const ORIGINS: u8 = 11;

impl Origin {
	/// The origin a step's byte names.
	pub fn from_byte(byte: u8) -> Self {
		match byte % ORIGINS {
			i @ 0..=5 => Origin::Account(KEYS[usize::from(i)]),
			i @ 6..=8 => Origin::Meter(METERED[usize::from(i - 6)]),
			9 => Origin::Stranger,
			_ => Origin::Bare,
		}
	}

	/// The byte that names this origin.
	pub fn to_byte(self) -> u8 {
		match self {
			Origin::Account(k) => KEYS.iter().position(|x| *x == k).unwrap_or(0) as u8,
			Origin::Meter(k) => 6 + METERED.iter().position(|x| *x == k).unwrap_or(0) as u8,
			Origin::Stranger => 9,
			Origin::Bare => 10,
		}
	}

	fn pair(self) -> Option<&'static sr25519::Pair> {
		static PAIRS: OnceLock<Vec<sr25519::Pair>> = OnceLock::new();
		let pairs = PAIRS.get_or_init(|| {
			(0..ORIGINS - 1)
				.map(|i| match Origin::from_byte(i) {
					Origin::Account(k) => k.pair(),
					Origin::Meter(k) => {
						sr25519::Pair::from_string(&format!("{}//meter", k.to_seed()), None)
							.unwrap_or_else(|e| panic!("meter key of {k}: {e:?}"))
					},
					_ => sr25519::Pair::from_string("//Stranger", None)
						.unwrap_or_else(|e| panic!("stranger key: {e:?}")),
				})
				.collect()
		});
		pairs.get(usize::from(self.to_byte()))
	}

	/// The account this origin signs as, if it signs.
	pub fn account(self) -> Option<AccountId> {
		self.pair().map(|p| AccountId::from(p.public()))
	}
}

/// One step of an input.
#[derive(Clone, Debug)]
pub struct Step {
	/// Slots to move on before this call; 0 keeps it in the block being built.
	pub lapse: u8,
	/// Who signs it.
	pub origin: Origin,
	/// What it calls.
	pub call: RuntimeCall,
}

/// Encodes steps as a fuzzer input.
pub fn encode(steps: &[Step]) -> Vec<u8> {
	let mut bytes = Vec::new();
	for step in steps {
		(step.lapse, step.origin.to_byte(), &step.call).encode_to(&mut bytes);
	}
	bytes
}

/// Decodes as many whole steps as `data` holds, at most [`MAX_STEPS`].
pub fn decode(mut data: &[u8]) -> Vec<Step> {
	let mut steps = Vec::new();
	while steps.len() < MAX_STEPS {
		let Ok((lapse, origin)) = <(u8, u8)>::decode(&mut data) else { break };
		let Ok(call) = RuntimeCall::decode_with_depth_limit(MAX_CALL_DEPTH, &mut data) else {
			break;
		};
		steps.push(Step { lapse, origin: Origin::from_byte(origin), call });
	}
	steps
}

/// What one input did, for the fuzzer's report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
	/// Blocks built and checked.
	pub blocks: u32,
	/// Calls submitted.
	pub calls: u32,
	/// Calls the pool would have accepted.
	pub valid: u32,
	/// Calls applied that dispatched successfully.
	pub dispatched: u32,
}

static TOTAL_BLOCKS: AtomicU64 = AtomicU64::new(0);
static TOTAL_CALLS: AtomicU64 = AtomicU64::new(0);
static TOTAL_DISPATCHED: AtomicU64 = AtomicU64::new(0);

/// Blocks, calls and successful dispatches over every input run in this process.
pub fn totals() -> (u64, u64, u64) {
	(
		TOTAL_BLOCKS.load(Ordering::Relaxed),
		TOTAL_CALLS.load(Ordering::Relaxed),
		TOTAL_DISPATCHED.load(Ordering::Relaxed),
	)
}

fn genesis() -> &'static (Storage, Balance) {
	static GENESIS: OnceLock<(Storage, Balance)> = OnceLock::new();
	GENESIS.get_or_init(|| {
		let patch = serde_json::json!({ "prosumer": { "periodSeconds": PERIOD_SECONDS } });
		let storage = genesis_config_presets::genesis_storage("local_testnet", patch)
			.unwrap_or_else(|e| panic!("local genesis builds: {e}"));
		let issuance = TestExternalities::new(storage.clone())
			.execute_with(pallet_balances::TotalIssuance::<Runtime>::get);
		TestExternalities::default().execute_with(|| {
			<AllPalletsWithSystem as IntegrityTest>::integrity_test();
		});
		(storage, issuance)
	})
}

/// Runs one input from genesis. Panics when an invariant breaks.
pub fn run(data: &[u8]) -> Outcome {
	run_and_inspect(data, || ()).0
}

/// Runs one input from genesis, then calls `inspect` on the final state.
pub fn run_and_inspect<R>(data: &[u8], inspect: impl FnOnce() -> R) -> (Outcome, R) {
	let steps = decode(data);
	let (storage, genesis_issuance) = genesis();
	let mut outcome = Outcome::default();
	let inspected = TestExternalities::new(storage.clone()).execute_with(|| {
		let mut chain = Chain::start(*genesis_issuance);
		for step in steps {
			if step.lapse > 0 {
				if chain.blocks >= MAX_BLOCKS {
					break;
				}
				chain.next_block(u64::from(step.lapse));
			}
			if let Some(result) = chain.submit(step.origin, step.call) {
				outcome.valid += u32::from(result.0);
				outcome.dispatched += u32::from(result.1);
			}
			outcome.calls += 1;
		}
		chain.close_block();
		outcome.blocks = chain.blocks;
		inspect()
	});
	TOTAL_BLOCKS.fetch_add(u64::from(outcome.blocks), Ordering::Relaxed);
	TOTAL_CALLS.fetch_add(u64::from(outcome.calls), Ordering::Relaxed);
	TOTAL_DISPATCHED.fetch_add(u64::from(outcome.dispatched), Ordering::Relaxed);
	(outcome, inspected)
}

/// The chain being built inside the externalities.
struct Chain {
	slot: u64,
	parent: H256,
	blocks: u32,
	genesis_issuance: Balance,
	/// Whether the block being built rotated the session.
	session_rotated: bool,
}

impl Chain {
	fn start(genesis_issuance: Balance) -> Self {
		let mut chain = Chain {
			slot: FIRST_SLOT,
			parent: H256::zero(),
			blocks: 0,
			genesis_issuance,
			session_rotated: false,
		};
		chain.open_block();
		chain
	}

	/// Opens the block of `self.slot` and applies its timestamp inherent.
	fn open_block(&mut self) {
		let number: BlockNumber = frame_system::Pallet::<Runtime>::block_number() + 1;
		let digest = Digest {
			logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, Slot::from(self.slot).encode())],
		};
		let header =
			Header::new(number, Default::default(), Default::default(), self.parent, digest);
		let session = pallet_session::CurrentIndex::<Runtime>::get();
		Executive::initialize_block(&header);
		self.session_rotated = pallet_session::CurrentIndex::<Runtime>::get() != session;
		let now = self.slot.saturating_mul(SLOT_DURATION);
		let inherent =
			UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
				now,
			}));
		match Executive::apply_extrinsic(inherent) {
			Ok(Ok(())) => {},
			other => panic!("block {number}: the timestamp inherent failed: {other:?}"),
		}
	}

	/// Finalizes the block being built and checks every invariant on its state.
	fn close_block(&mut self) {
		let header = Executive::finalize_block();
		let number = *header.number();
		self.blocks += 1;
		self.parent = header.hash();
		check_invariants(number, self.genesis_issuance, self.session_rotated);
	}

	fn next_block(&mut self, lapse: u64) {
		self.close_block();
		self.slot = self.slot.saturating_add(lapse);
		self.open_block();
	}

	/// Signs `call` as `origin`, asks the pool's validation about it, then applies it.
	/// Returns (valid for the pool, dispatched without error), or `None` for a call the
	/// harness does not submit: a bare inherent, which only the block author places, first.
	fn submit(&mut self, origin: Origin, call: RuntimeCall) -> Option<(bool, bool)> {
		let xt = match origin.pair() {
			Some(pair) => {
				let nonce =
					frame_system::Pallet::<Runtime>::account_nonce(AccountId::from(pair.public()));
				energy_runtime::signed_extrinsic(call, pair, nonce).ok()?
			},
			None => {
				let xt = UncheckedExtrinsic::new_bare(call);
				if <Runtime as IsInherent<UncheckedExtrinsic>>::is_inherent(&xt) {
					return None;
				}
				xt
			},
		};
		let parent = self.parent;
		let valid = with_transaction(|| {
			let validity =
				Executive::validate_transaction(TransactionSource::External, xt.clone(), parent);
			TransactionOutcome::Rollback(Ok::<_, DispatchError>(validity.is_ok()))
		})
		.unwrap_or(false);
		let applied = Executive::apply_extrinsic(xt);
		if tracing() {
			eprintln!("slot {} {origin:?}: pool valid {valid}, applied {applied:?}", self.slot);
		}
		Some((valid, matches!(applied, Ok(Ok(())))))
	}
}

/// Whether `FUZZ_TRACE` is set: each step's outcome is then printed, to debug a seed.
fn tracing() -> bool {
	static TRACE: OnceLock<bool> = OnceLock::new();
	*TRACE.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some())
}

/// Checks what must hold after every block. Panics with the block number otherwise.
///
/// Weight: `pallet_session` charges a whole block (`max_block`) in the `on_initialize` that
/// rotates the session, as a placeholder for work it does not measure (its real work is a
/// few storage items). Every other hook runs on top of it in that block, so on a rotation
/// block the check discounts the placeholder: what the block does besides it must still fit
/// in a block. On every other block the whole weight must.
pub fn check_invariants(number: BlockNumber, genesis_issuance: Balance, session_rotated: bool) {
	let weight = frame_system::Pallet::<Runtime>::block_weight().total();
	let max = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
	let counted = if session_rotated { weight.saturating_sub(max) } else { weight };
	assert!(
		counted.all_lte(max),
		"block {number}: weight {weight:?} above the block's {max:?} (session rotated: \
		 {session_rotated})"
	);

	if let Err(e) =
		<AllPalletsWithSystem as TryState<BlockNumber>>::try_state(number, TryStateSelect::All)
	{
		panic!("block {number}: try_state failed: {e:?}");
	}

	let mut accounts_total: Balance = 0;
	let mut reserved: BTreeMap<AccountId, Balance> = BTreeMap::new();
	for (who, info) in frame_system::Account::<Runtime>::iter() {
		accounts_total = accounts_total
			.checked_add(info.data.free)
			.and_then(|t| t.checked_add(info.data.reserved))
			.unwrap_or_else(|| panic!("block {number}: the sum of balances overflows"));
		reserved.insert(who, info.data.reserved);
	}
	let issuance = pallet_balances::TotalIssuance::<Runtime>::get();
	assert_eq!(
		issuance, accounts_total,
		"block {number}: GRID issuance is not the sum of accounts"
	);
	assert!(
		issuance <= genesis_issuance,
		"block {number}: GRID issuance {issuance} above genesis {genesis_issuance}"
	);
	for (who, holds) in pallet_balances::Holds::<Runtime>::iter() {
		let held: Balance = holds.iter().map(|h| h.amount).fold(0, Balance::saturating_add);
		let account_reserved = reserved.get(&who).copied().unwrap_or(0);
		assert!(
			held <= account_reserved,
			"block {number}: {who} holds {held} but has {account_reserved} reserved"
		);
	}
}

/// The period a block at `slot` falls in.
pub fn period_of_slot(slot: u64) -> u32 {
	energy_primitives::period_at(slot.saturating_mul(SLOT_DURATION) / 1000, PERIOD_SECONDS)
}

/// Hand-written inputs that reach deep states: trading and settlement, meter readings,
/// a consortium motion, registration. They seed the fuzzer's corpus and are replayed by
/// the tests.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
	use energy_primitives::{MeterCounters, MeterReading};
	use pallet_double_auction::{Mechanism, Side};
	use Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve, Ferdie};

	let first = period_of_slot(FIRST_SLOT);
	let order = |side, period, energy_wh, price_per_kwh| {
		RuntimeCall::DoubleAuction(pallet_double_auction::Call::place_order {
			side,
			period,
			energy_wh,
			price_per_kwh,
		})
	};
	let reading = |period, imported_wh, exported_wh| {
		RuntimeCall::Prosumer(pallet_prosumer::Call::submit_reading {
			reading: MeterReading { period, counters: MeterCounters { imported_wh, exported_wh } },
		})
	};
	let step = |lapse, origin, call| Step { lapse, origin, call };
	let price = 300_000_000_000u64;

	// Eve and Dave buy what Ferdie sells for the period three periods ahead; every meter
	// reports each period once it has ended (a period is two slots; quantities fit the
	// demo participants' capacities over 12 seconds); Eve buys Energium.
	let mut trading = vec![
		step(1, Origin::Account(Ferdie), order(Side::Offer, first + 3, 150, price / 2)),
		step(0, Origin::Account(Eve), order(Side::Bid, first + 3, 30, price)),
		step(0, Origin::Account(Dave), order(Side::Bid, first + 3, 20, price)),
	];
	for (i, p) in (first..first + 7).enumerate() {
		let i = i as u64 + 1;
		trading.push(step(2, Origin::Meter(Eve), reading(p, 30 * i, 0)));
		trading.push(step(0, Origin::Meter(Ferdie), reading(p, 0, 150 * i)));
		trading.push(step(0, Origin::Meter(Dave), reading(p, 20 * i, 10 * i)));
	}
	trading.push(step(
		0,
		Origin::Account(Eve),
		RuntimeCall::Energium(pallet_energium::Call::buy_energy { amount: 1_000_000_000_000 }),
	));

	// The consortium switches the market to McAfee's mechanism by a 3-of-4 motion.
	let proposal = RuntimeCall::DoubleAuction(pallet_double_auction::Call::set_mechanism {
		mechanism: Mechanism::McAfee,
	});
	let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&proposal);
	let length_bound = proposal.encoded_size() as u32;
	let weight_bound = proposal.get_dispatch_info().call_weight;
	let consortium = RuntimeCall::Consortium;
	let mut governance = vec![step(
		1,
		Origin::Account(Alice),
		consortium(pallet_collective::Call::propose {
			threshold: 3,
			proposal: Box::new(proposal),
			length_bound,
		}),
	)];
	for voter in [Alice, Bob, Charlie] {
		governance.push(step(
			0,
			Origin::Account(voter),
			consortium(pallet_collective::Call::vote { proposal: hash, index: 0, approve: true }),
		));
	}
	governance.push(step(
		1,
		Origin::Account(Bob),
		consortium(pallet_collective::Call::close {
			proposal_hash: hash,
			index: 0,
			proposal_weight_bound: weight_bound,
			length_bound,
		}),
	));
	governance.push(step(1, Origin::Account(Ferdie), order(Side::Offer, first + 4, 150, 1)));
	governance.push(step(0, Origin::Account(Eve), order(Side::Bid, first + 4, 30, price)));
	governance.push(step(0, Origin::Account(Dave), order(Side::Offer, first + 4, 15, price / 3)));
	governance.push(step(4, Origin::Account(Eve), order(Side::Bid, first + 6, 30, price)));

	// Transfers, a stranger's calls, a bare call, a cancelled order.
	let transfer = |value| {
		RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: MultiAddress::Id(Sr25519Keyring::Bob.to_account_id()),
			value,
		})
	};
	let misc = vec![
		step(1, Origin::Account(Charlie), transfer(1_000_000_000_000)),
		step(0, Origin::Stranger, transfer(1)),
		step(0, Origin::Bare, transfer(1)),
		step(0, Origin::Account(Dave), order(Side::Bid, first + 2, 20, price)),
		step(
			1,
			Origin::Account(Dave),
			RuntimeCall::DoubleAuction(pallet_double_auction::Call::cancel_order { order: 0 }),
		),
		step(2, Origin::Meter(Dave), reading(first, 10, 0)),
		step(3, Origin::Account(Eve), RuntimeCall::Prosumer(pallet_prosumer::Call::deregister {})),
	];

	vec![
		("trading", encode(&trading)),
		("governance", encode(&governance)),
		("misc", encode(&misc)),
	]
}
