//! The node's command line, run as a program: presets by name, chain specs, node keys.
//! (Also makes `cargo test --workspace` build the very binary the e2e tests start.)

use std::{
	io::Write,
	process::{Command, Output, Stdio},
};

fn node(args: &[&str], stdin: Option<&str>) -> Output {
	let mut child = Command::new(env!("CARGO_BIN_EXE_energy-node"))
		.args(args)
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("energy-node starts");
	if let Some(input) = stdin {
		child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
	}
	child.wait_with_output().expect("energy-node finishes")
}

fn spec(chain: &str) -> serde_json::Value {
	let out = node(&["export-chain-spec", "--chain", chain], None);
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	serde_json::from_slice(&out.stdout).expect("the chain spec is JSON")
}

#[test]
fn development_spec_comes_from_the_development_preset() {
	let spec = spec("dev");
	assert_eq!(spec["name"], "Energy Consortium Development");
	assert_eq!(spec["chainType"], "Development");
	assert_eq!(spec["properties"]["tokenSymbol"], "GRID");
	assert_eq!(spec["properties"]["tokenDecimals"], 12);
	let genesis = &spec["genesis"]["runtimeGenesis"];
	assert!(genesis["code"].as_str().is_some_and(|c| c.starts_with("0x") && c.len() > 1000));
	// The preset, resolved into the spec: Alice validates alone and holds sudo.
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	let patch = &genesis["patch"];
	assert_eq!(patch["sudo"]["key"], alice);
	assert_eq!(patch["validatorSet"]["members"], serde_json::json!([alice]));
	assert_eq!(patch["consortiumMembership"]["members"].as_array().map(Vec::len), Some(3));
}

#[test]
fn local_spec_comes_from_the_local_preset_and_unknown_files_are_refused() {
	let spec = spec("local");
	assert_eq!(spec["name"], "Energy Consortium Local");
	let patch = &spec["genesis"]["runtimeGenesis"]["patch"];
	assert!(patch["sudo"]["key"].is_null(), "no sudo outside development");
	assert_eq!(patch["validatorSet"]["members"].as_array().map(Vec::len), Some(4));
	assert_eq!(patch["nodeAuthorization"]["nodes"].as_array().map(Vec::len), Some(4));
	let out = node(&["export-chain-spec", "--chain", "/no/such/spec.json"], None);
	assert!(!out.status.success());
}

#[test]
fn node_key_of_alice_gives_the_admitted_peer_id() {
	// blake2b-256("energy-consortium/local/node/alice"), see genesis_config_presets.rs.
	let secret = "02cc7c8906249cdb373bb18b58b22fd5ca2b666481b4a2c714dee1952477f89c";
	let out = node(&["key", "inspect-node-key"], Some(secret));
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let peer = String::from_utf8_lossy(&out.stdout);
	assert_eq!(
		peer.trim().lines().last(),
		Some("12D3KooWJu1Q4KwPCVjjErrokuvfA2p2fHHQiJXSwaMP2s7poEax")
	);
}

#[test]
fn help_lists_the_standard_subcommands() {
	let out = node(&["--help"], None);
	let help = String::from_utf8_lossy(&out.stdout);
	for sub in ["key", "build-spec", "export-chain-spec", "purge-chain", "revert", "check-block"] {
		assert!(help.contains(sub), "--help lists {sub}");
	}
	assert!(help.contains("--dev") && help.contains("--chain") && help.contains("--validator"));
}

#[test]
fn make_chain_spec_builds_a_consortium_genesis_from_members_keys() {
	// At run time, not compile time: the shared target directory may hold a test binary
	// built from another clone of the repository.
	let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it for tests");
	let root = format!("{manifest_dir}/..");
	let run = |extra: &[&str]| {
		let out = Command::new("bash")
			.arg(format!("{root}/scripts/make-chain-spec.sh"))
			.arg(format!("{root}/scripts/members.example.json"))
			.args(extra)
			.env("NODE_BIN", env!("CARGO_BIN_EXE_energy-node"))
			.output()
			.expect("bash runs the script");
		assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
		serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("a JSON chain spec")
	};
	let plain = run(&[]);
	assert_eq!(plain["name"], "Example Energy Consortium");
	assert_eq!(plain["chainType"], "Live");
	let patch = &plain["genesis"]["runtimeGenesis"]["patch"];
	assert!(patch["sudo"]["key"].is_null());
	assert_eq!(patch["validatorSet"]["members"].as_array().map(Vec::len), Some(2));
	assert_eq!(
		patch["sessionLength"]["blocksPerSession"], 600,
		"a consortium's sessions last an hour"
	);
	let node = &patch["nodeAuthorization"]["nodes"][0];
	assert_eq!(node[0].as_array().map(Vec::len), Some(38), "an ed25519 peer id is 38 bytes");
	// The raw spec can only be made by building the genesis state from that patch.
	let raw = run(&["--raw"]);
	assert!(raw["genesis"]["raw"]["top"].as_object().is_some_and(|top| top.len() > 10));
}
