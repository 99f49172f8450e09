//! Chain specifications, built from the runtime's genesis presets by name.

use energy_runtime::{DECIMALS, WASM_BINARY};
use polkadot_sdk::{
	sc_service::{self, ChainType},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
};

/// The chain specification type of this node.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token metadata shown by wallets and polkadot-js apps.
fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), "GRID".into());
	properties.insert("tokenDecimals".into(), DECIMALS.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or_else(|| "the runtime's wasm binary was not built".to_string())?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// `--dev` / `--chain dev`: one validator (Alice) with sudo.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"Energy Consortium Development",
		"energy_dev",
		ChainType::Development,
		DEV_RUNTIME_PRESET,
	)
}

/// `--chain local`: four validators (Alice, Bob, Charlie, Dave), no sudo.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"Energy Consortium Local",
		"energy_local",
		ChainType::Local,
		LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// `--chain dev-fast`: the development chain with 12-second delivery periods, so that a
/// period's orders, delivery, readings and settlement pass in about a minute and a half.
pub fn development_fast_chain_spec() -> Result<ChainSpec, String> {
	from_preset(
		"Energy Consortium Development (fast periods)",
		"energy_dev_fast",
		ChainType::Development,
		energy_runtime::genesis_config_presets::DEV_FAST_PRESET,
	)
}
