//! Genesis presets, selected by name: `development` (one validator, sudo, funded demo
//! accounts), `dev-fast` (the same with 12-second delivery periods) and `local` (four
//! validators, each with its own node, no sudo). All register the demo market participants
//! of [`demo_participants`] with their meters bound, and set the grid's demo tariff.
//!
//! The `local` nodes' libp2p keys are public test keys, fixed so that the consortium can
//! admit the nodes in genesis (`pallet-node-authorization`). They are derived as
//! `blake2b-256("energy-consortium/local/node/<name>")`; `scripts/local-net.sh` passes the
//! same secrets with `--node-key`, and a test below checks secret and peer id agree. Never
//! use them on a network that matters.

use crate::{
	configs::GridAccount, opaque::SessionKeys, AccountId, BalancesConfig,
	ConsortiumMembershipConfig, EnergiumConfig, NodeAuthorizationConfig, ProsumerConfig,
	RuntimeGenesisConfig, SessionConfig, SessionLengthConfig, SudoConfig, ValidatorSetConfig,
	ZoneMarketConfig, EXISTENTIAL_DEPOSIT, SESSION_PERIOD, UNIT,
};
use alloc::{vec, vec::Vec};
use pallet_energium::Tariff;
use pallet_prosumer::{Profile, Role};
use pallet_zone_market::{LineSpec, TradingRules};
use polkadot_sdk::{
	frame_support::{build_struct_json_patch, BoundedVec},
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_core::OpaquePeerId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
};
use serde_json::Value;

/// Balance given to each endowed demo account.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// One validator of a preset: its account (also its consortium seat), session keys, and the
/// ed25519 public key of its node's libp2p identity, if the preset admits its node.
struct Validator {
	account: AccountId,
	aura: AuraId,
	grandpa: GrandpaId,
	node_public_key: Option<[u8; 32]>,
}

impl Validator {
	fn from_keyring(
		sr: Sr25519Keyring,
		ed: Ed25519Keyring,
		node_public_key: Option<[u8; 32]>,
	) -> Self {
		Self {
			account: sr.to_account_id(),
			aura: sr.public().into(),
			grandpa: ed.public().into(),
			node_public_key,
		}
	}
}

/// libp2p peer id of an ed25519 node key: an identity multihash (code 0x00, length 36) of
/// the protobuf-encoded public key (field 1 `KeyType = Ed25519 (1)`, field 2 the 32 bytes).
pub fn ed25519_peer_id(public_key: &[u8; 32]) -> OpaquePeerId {
	let mut bytes = Vec::with_capacity(38);
	bytes.extend_from_slice(&[0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);
	bytes.extend_from_slice(public_key);
	OpaquePeerId(bytes)
}

/// ed25519 public keys of the `local` preset's four nodes (Alice, Bob, Charlie, Dave).
pub const LOCAL_NODE_PUBLIC_KEYS: [[u8; 32]; 4] = [
	hex_literal("86e999e5622b0fbb3a8167226109491637e8d246c11fab1b81822cfa222fd265"),
	hex_literal("6afe7b3f8a45d64378722c66c2243ca27434464868219296c3ce64a8809ae5fc"),
	hex_literal("0beaef3a2c367c683cafd0200f8c3def3d701e2d7b18df319ddc717187a4a682"),
	hex_literal("9c2a28b3746ad984cc7f06ae96f57c31db2e689dd62f6e2a91fc5d792d549472"),
];

/// Decodes 64 hex digits at compile time.
const fn hex_literal(hex: &str) -> [u8; 32] {
	const fn nibble(c: u8) -> u8 {
		match c {
			b'0'..=b'9' => c - b'0',
			b'a'..=b'f' => c - b'a' + 10,
			_ => panic!("not a lowercase hex digit"),
		}
	}
	let bytes = hex.as_bytes();
	assert!(bytes.len() == 64, "expected 64 hex digits");
	let mut out = [0u8; 32];
	let mut i = 0;
	while i < 32 {
		out[i] = (nibble(bytes[2 * i]) << 4) | nibble(bytes[2 * i + 1]);
		i += 1;
	}
	out
}

/// One demo market participant: its account (a well-known development key), its profile,
/// and the public key of its meter, `//<Name>//meter` (sr25519).
pub struct DemoParticipant {
	/// The participant's key.
	pub keyring: Sr25519Keyring,
	/// What it registered.
	pub profile: Profile,
	/// The derivation path of its meter key.
	pub meter_uri: &'static str,
	/// The meter key's public key (`energy-node key inspect <meter_uri>`; a test checks it).
	pub meter_public: [u8; 32],
}

/// The demo participants, approved with their meters bound (commissioned at zero) in both
/// presets, so that a newcomer can sign a reading with a meter key straight away:
/// - Dave, prosumer in zone 1: 5 kW of rooftop PV behind a 15 kW connection;
/// - Eve, consumer in zone 2: a 10 kW connection;
/// - Ferdie, producer in zone 3: a 50 kW solar plant on a 50 kW connection.
pub fn demo_participants() -> [DemoParticipant; 3] {
	let profile = |role, zone, generation_capacity_w, connection_capacity_w| Profile {
		role,
		zone,
		generation_capacity_w,
		connection_capacity_w,
	};
	[
		DemoParticipant {
			keyring: Sr25519Keyring::Dave,
			profile: profile(Role::Prosumer, 1, 5_000, 15_000),
			meter_uri: "//Dave//meter",
			meter_public: hex_literal(
				"3c168f15b2cc0681a52494a69e60af38f4ece0ac567cb50d641b55555a884674",
			),
		},
		DemoParticipant {
			keyring: Sr25519Keyring::Eve,
			profile: profile(Role::Consumer, 2, 0, 10_000),
			meter_uri: "//Eve//meter",
			meter_public: hex_literal(
				"e460e34e43a4e2e1495c40477c142838ae876bfe186a1d677cc9ee5a3926311b",
			),
		},
		DemoParticipant {
			keyring: Sr25519Keyring::Ferdie,
			profile: profile(Role::Producer, 3, 50_000, 50_000),
			meter_uri: "//Ferdie//meter",
			meter_public: hex_literal(
				"2aeebd609608ced5712ae8b4f1aca5da140f55d9b1143180a16b8fbec510a456",
			),
		},
	]
}

/// The demo grid of both presets: a 400 V low-voltage feeder of 150 mm² aluminium cable
/// with zones 0 (the substation) to 3 every 500 m along it, 100 m across a zone. Zones up
/// to 1 km apart trade in the zone market (so zone 0 and zone 3 do not), and a line
/// between two zones carries at most 50 kWh per quarter hour (200 kW). On such a line,
/// 1 kWh carried 500 m in a quarter hour loses 2.35 Wh; 5 kWh lose 59 Wh.
pub fn demo_grid() -> (Vec<Vec<u32>>, TradingRules) {
	let zones = 4u32;
	let distances = (0..zones)
		.map(|a| (0..zones).map(|b| if a == b { 100 } else { a.abs_diff(b) * 500 }).collect())
		.collect();
	let rules = TradingRules {
		max_distance_m: 1_000,
		line_capacity_wh: 50_000,
		line: LineSpec { resistivity_pohm_m: 28_200, cross_section_mm2: 150, voltage_v: 400 },
	};
	(distances, rules)
}

/// The grid operator's demo tariff: energy at 0.30 GRID per kWh, imbalance at 0.50.
pub fn demo_tariff() -> Tariff {
	Tariff {
		retail_price_per_kwh: (3 * UNIT / 10) as u64,
		imbalance_price_per_kwh: (5 * UNIT / 10) as u64,
	}
}

/// Delivery periods of the `dev-fast` preset: two blocks, so that a period's whole life
/// (orders, delivery, readings, settlement) passes in about a minute and a half.
pub const FAST_PERIOD_SECONDS: u32 = 12;

fn consortium_genesis(
	validators: Vec<Validator>,
	consortium: Vec<AccountId>,
	endowed: Vec<AccountId>,
	sudo: Option<AccountId>,
	period_seconds: u32,
) -> Value {
	let validator_accounts: Vec<AccountId> = validators.iter().map(|v| v.account.clone()).collect();
	let mut sorted_validators = validator_accounts.clone();
	sorted_validators.sort();
	let mut sorted_consortium = consortium;
	sorted_consortium.sort();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed
				.iter()
				.cloned()
				.map(|who| (who, ENDOWMENT))
				// The grid operator's settlement account holds the existential deposit, so
				// that payments of any size reach it.
				.chain([(GridAccount::get(), EXISTENTIAL_DEPOSIT)])
				.collect::<Vec<_>>(),
		},
		session: SessionConfig {
			keys: validators
				.iter()
				.map(|v| {
					(
						v.account.clone(),
						v.account.clone(),
						SessionKeys { aura: v.aura.clone(), grandpa: v.grandpa.clone() },
					)
				})
				.collect::<Vec<_>>(),
		},
		validator_set: ValidatorSetConfig { members: BoundedVec::truncate_from(sorted_validators) },
		consortium_membership: ConsortiumMembershipConfig {
			members: BoundedVec::truncate_from(sorted_consortium),
		},
		node_authorization: NodeAuthorizationConfig {
			nodes: validators
				.iter()
				.filter_map(|v| v.node_public_key.map(|k| (ed25519_peer_id(&k), v.account.clone())))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: sudo },
		session_length: SessionLengthConfig { blocks_per_session: Some(SESSION_PERIOD) },
		zone_market: ZoneMarketConfig { distances_m: demo_grid().0, rules: Some(demo_grid().1) },
		prosumer: ProsumerConfig {
			participants: demo_participants()
				.iter()
				.map(|p| (p.keyring.to_account_id(), p.profile))
				.collect::<Vec<_>>(),
			meters: demo_participants()
				.iter()
				.map(|p| (p.keyring.to_account_id(), AccountId::from(p.meter_public)))
				.collect::<Vec<_>>(),
			period_seconds,
			concentrators: Vec::new(),
		},
		energium: EnergiumConfig { tariff: Some(demo_tariff()) },
	})
}

/// The well-known development keys funded in every preset.
pub const DEMO_KEYS: [Sr25519Keyring; 6] = [
	Sr25519Keyring::Alice,
	Sr25519Keyring::Bob,
	Sr25519Keyring::Charlie,
	Sr25519Keyring::Dave,
	Sr25519Keyring::Eve,
	Sr25519Keyring::Ferdie,
];

/// Demo accounts funded in every preset.
fn demo_accounts() -> Vec<AccountId> {
	DEMO_KEYS.into_iter().map(|k| k.to_account_id()).collect()
}

/// `development`: Alice validates alone and holds sudo; Alice, Bob and Charlie form the
/// consortium; the demo accounts are funded. The single node admits no peers by node
/// authorization (it has none to admit).
pub fn development_genesis() -> Value {
	development_with_periods(0)
}

/// `dev-fast`: the development chain with delivery periods of [`FAST_PERIOD_SECONDS`], for
/// demonstrations and the end-to-end tests of settlement.
pub fn development_fast_genesis() -> Value {
	development_with_periods(FAST_PERIOD_SECONDS)
}

fn development_with_periods(period_seconds: u32) -> Value {
	consortium_genesis(
		vec![Validator::from_keyring(Sr25519Keyring::Alice, Ed25519Keyring::Alice, None)],
		vec![
			Sr25519Keyring::Alice.to_account_id(),
			Sr25519Keyring::Bob.to_account_id(),
			Sr25519Keyring::Charlie.to_account_id(),
		],
		demo_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		period_seconds,
	)
}

/// `local`: Alice, Bob, Charlie and Dave each run a validator node and sit in the
/// consortium; their four nodes are the well-known nodes; there is no sudo.
pub fn local_genesis() -> Value {
	let keyrings = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	];
	let validators: Vec<Validator> = keyrings
		.into_iter()
		.zip(LOCAL_NODE_PUBLIC_KEYS)
		.map(|((sr, ed), node)| Validator::from_keyring(sr, ed, Some(node)))
		.collect();
	let consortium = validators.iter().map(|v| v.account.clone()).collect();
	consortium_genesis(validators, consortium, demo_accounts(), None, 0)
}

/// Name of the development preset with short delivery periods.
pub const DEV_FAST_PRESET: &str = "dev-fast";

/// The JSON patch of preset `id`, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_genesis(),
		DEV_FAST_PRESET => development_fast_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(DEV_FAST_PRESET),
	]
}

/// The genesis state of `preset` as a node builds it: the preset's JSON patch, then `patch`
/// (which may be `Value::Null`), merged over the default genesis config. For tests and the
/// runtime fuzzer; the node builds genesis through the `GenesisBuilder` runtime API.
#[cfg(feature = "std")]
pub fn genesis_storage(
	preset: &str,
	patch: Value,
) -> Result<polkadot_sdk::sp_runtime::Storage, alloc::string::String> {
	use polkadot_sdk::sp_runtime::BuildStorage;
	let preset_bytes = get_preset(&preset.into()).ok_or_else(|| format!("no preset {preset}"))?;
	let preset_patch: Value = serde_json::from_slice(&preset_bytes).map_err(|e| e.to_string())?;
	let mut config =
		serde_json::to_value(RuntimeGenesisConfig::default()).map_err(|e| e.to_string())?;
	json_merge(&mut config, preset_patch);
	if !patch.is_null() {
		json_merge(&mut config, patch);
	}
	let config: RuntimeGenesisConfig = serde_json::from_value(config).map_err(|e| e.to_string())?;
	config.build_storage()
}

#[cfg(feature = "std")]
fn json_merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				json_merge(base.entry(key).or_insert(Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}
