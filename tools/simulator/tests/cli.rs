//! The simulator as a program: JSON in, JSON out, clear errors and exit status 2.

use serde_json::{json, Value};
use std::{
	io::Write,
	process::{Command, Stdio},
};

fn run(input: &str) -> (i32, Value, String) {
	let mut child = Command::new(env!("CARGO_BIN_EXE_energy-sim"))
		.arg("clear")
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("energy-sim starts");
	child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
	let out = child.wait_with_output().expect("energy-sim finishes");
	let stdout = String::from_utf8_lossy(&out.stdout).to_string();
	let value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
	(out.status.code().unwrap_or(-1), value, String::from_utf8_lossy(&out.stderr).to_string())
}

fn order(id: u64, side: &str, zone: u16, wh: i64, price: u64) -> Value {
	json!({ "id": id, "participant": format!("P{id}"), "side": side, "zone": zone, "quantity_wh": wh, "price_per_kwh": price })
}

#[test]
fn mcafee_book_clears_to_the_golden_result() {
	let book = json!({ "mechanism": "mcafee", "orders": [
		order(1, "bid", 0, 1000, 9), order(2, "bid", 0, 1000, 8),
		order(3, "offer", 0, 1000, 3), order(4, "offer", 0, 1000, 4),
	]});
	let (code, out, err) = run(&book.to_string());
	assert_eq!(code, 0, "{err}");
	assert_eq!(out["trades"].as_array().map(Vec::len), Some(1));
	assert_eq!(out["trades"][0]["buyer"], "P1");
	assert_eq!(out["trades"][0]["seller"], "P3");
	assert_eq!(out["reduced_prices_per_kwh"], json!({ "buyer": 8, "seller": 4 }));
	assert_eq!(out["trades"][0]["buyer_pays"], "8");
	assert_eq!(out["trades"][0]["seller_receives"], "4");
	assert_eq!(out["participants"].as_array().map(Vec::len), Some(4));
}

#[test]
fn example_zone_book_trades_with_losses_and_conserves_energy() {
	// The manifest directory at run time: the shared target directory may hold a test binary
	// built from another clone, whose compile-time path no longer exists.
	let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it for tests");
	let book = std::fs::read_to_string(format!("{manifest_dir}/examples/zone-book.json"))
		.expect("example");
	let (code, out, err) = run(&book);
	assert_eq!(code, 0, "{err}");
	let trades = out["trades"].as_array().expect("trades");
	assert!(!trades.is_empty());
	for t in trades {
		assert_eq!(
			t["sold_wh"].as_u64(),
			Some(t["delivered_wh"].as_u64().unwrap_or(0) + t["lost_wh"].as_u64().unwrap_or(0))
		);
	}
	assert!(out["summary"]["lost_wh"].as_u64().unwrap_or(0) > 0, "lines of several km lose energy");
	for p in out["participants"].as_array().expect("participants") {
		assert!(p["satisfaction_ppm"].as_u64().unwrap_or(u64::MAX) <= 1_000_000);
	}
}

#[test]
fn bad_input_gets_a_clear_message_and_status_2() {
	let zone_data = json!({ "linear": { "count": 2, "spacing_m": 1000 }, "max_distance_m": 5000,
		"line_capacity_wh": 1000, "line": { "resistivity_pohm_m": 16800, "cross_section_mm2": 50, "voltage_v": 400, "period_s": 900 } });
	let cases = [
		("{ not json".to_string(), "invalid order book"),
		(json!({ "mechanism": "uniform", "orders": [order(1, "bid", 0, 0, 5)] }).to_string(), "order 1: quantity_wh must be at least 1"),
		(json!({ "mechanism": "uniform", "orders": [order(1, "bid", 0, -5, 5)] }).to_string(), "invalid value: integer `-5`"),
		(json!({ "mechanism": "zone", "orders": [order(1, "bid", 7, 10, 5)], "zones": zone_data }).to_string(), "order 1: zone 7 is not in the zone data"),
		(r#"{"mechanism":"uniform","orders":[{"id":1,"participant":"x","side":"bid","quantity_wh":1,"price_per_kwh":99999999999999999999999}]}"#.to_string(), "invalid order book"),
		(json!({ "mechanism": "zone", "orders": [] }).to_string(), "needs \"zones\""),
		(json!({ "mechanism": "auction", "orders": [] }).to_string(), "unknown variant `auction`"),
		(json!({ "mechanism": "uniform", "orders": [], "surprise": 1 }).to_string(), "unknown field `surprise`"),
	];
	for (input, expected) in cases {
		let (code, out, err) = run(&input);
		assert_eq!(code, 2, "input {input}");
		assert!(err.starts_with("error: ") && err.contains(expected), "input {input}: {err}");
		assert_eq!(out, Value::Null, "nothing on standard output");
	}
}

/// The loss formula of `energy_market::losses`, worked out here from its documentation:
/// `E²·ρ·L·3600 / (A·10⁶·U²·T)` Wh, rounded to the nearest Wh (E in Wh, ρ in pΩ·m, L in m,
/// A in mm², U in V, T in s).
fn loss_wh(
	energy_wh: u128,
	rho: u128,
	length_m: u128,
	area: u128,
	volts: u128,
	period_s: u128,
) -> u64 {
	let numerator = energy_wh * energy_wh * rho * length_m * 3600;
	let denominator = area * 1_000_000 * volts * volts * period_s;
	((numerator + denominator / 2) / denominator) as u64
}

/// 10 kWh wanted in zone 0 from zone 1, 1 km away on a 400 V feeder of 50 mm² copper;
/// `lines`, when given, is `zones.lines`.
fn two_zone_book(lines: Option<Value>) -> Value {
	let mut zones = json!({ "linear": { "count": 2, "spacing_m": 1000 }, "max_distance_m": 5000,
		"line_capacity_wh": 100000, "line": { "resistivity_pohm_m": 16800, "cross_section_mm2": 50, "voltage_v": 400, "period_s": 900 } });
	if let Some(lines) = lines {
		zones["lines"] = lines;
	}
	json!({ "mechanism": "zone", "orders": [order(1, "bid", 0, 10000, 500), order(2, "offer", 1, 10000, 100)], "zones": zones })
}

#[test]
fn a_book_without_lines_clears_over_the_default_line() {
	let (code, out, err) = run(&two_zone_book(None).to_string());
	assert_eq!(code, 0, "{err}");
	let lost = loss_wh(10_000, 16_800, 1_000, 50, 400, 900);
	assert_eq!(lost, 840);
	assert_eq!(out["trades"].as_array().map(Vec::len), Some(1));
	assert_eq!(out["trades"][0]["sold_wh"], 10_000);
	assert_eq!(out["trades"][0]["lost_wh"], lost);
	// An empty list of lines is the same book.
	let (code, same, err) = run(&two_zone_book(Some(json!([]))).to_string());
	assert_eq!(code, 0, "{err}");
	assert_eq!(same, out);
}

#[test]
fn a_pair_own_line_sets_its_losses_length_and_capacity() {
	// 240 mm² over 2 km, at most 6 kWh per period.
	let line = json!({ "a": 1, "b": 0, "length_m": 2000, "resistivity_pohm_m": 16800,
		"cross_section_mm2": 240, "voltage_v": 400, "capacity_wh": 6000 });
	let (code, out, err) = run(&two_zone_book(Some(json!([line]))).to_string());
	assert_eq!(code, 0, "{err}");
	let lost = loss_wh(6_000, 16_800, 2_000, 240, 400, 900);
	assert_eq!(lost, 126);
	assert_ne!(lost, loss_wh(6_000, 16_800, 1_000, 50, 400, 900), "the default line loses 302 Wh");
	assert_eq!(out["trades"].as_array().map(Vec::len), Some(1));
	assert_eq!(out["trades"][0]["sold_wh"], 6_000);
	assert_eq!(out["trades"][0]["lost_wh"], lost);
	assert_eq!(out["trades"][0]["delivered_wh"], 6_000 - lost);
	// Without `length_m` the line is as long as the zones are apart.
	let mut same_length = line.clone();
	if let Some(fields) = same_length.as_object_mut() {
		fields.remove("length_m");
	}
	let (code, out, err) = run(&two_zone_book(Some(json!([same_length]))).to_string());
	assert_eq!(code, 0, "{err}");
	assert_eq!(out["trades"][0]["lost_wh"], loss_wh(6_000, 16_800, 1_000, 240, 400, 900));
}

#[test]
fn bad_lines_get_a_clear_message_and_status_2() {
	let good = json!({ "a": 0, "b": 1, "resistivity_pohm_m": 16800, "cross_section_mm2": 240,
		"voltage_v": 400, "capacity_wh": 6000 });
	let with = |change: Value| {
		let mut line = good.clone();
		if let (Some(fields), Some(changes)) = (line.as_object_mut(), change.as_object()) {
			fields.extend(changes.clone());
		}
		line
	};
	let cases = [
		(json!([with(json!({ "b": 5 }))]), "zone 5 is not in the zone data"),
		(json!([with(json!({ "b": 0 }))]), "a line joins two different zones"),
		(json!([good, with(json!({ "a": 1, "b": 0 }))]), "the pair already has a line"),
		(json!([with(json!({ "cross_section_mm2": 0 }))]), "cross_section_mm2 must not be 0"),
		(json!([with(json!({ "voltage_v": 0 }))]), "voltage_v must not be 0"),
		(json!([with(json!({ "voltage_v": 50 }))]), "voltage_v must be between 100 and 500000"),
		(
			json!([with(json!({ "resistivity_pohm_m": 1000001 }))]),
			"resistivity_pohm_m must be at most 1000000",
		),
		(
			json!([with(json!({ "cross_section_mm2": 5001 }))]),
			"cross_section_mm2 must be at most 5000",
		),
		(json!([with(json!({ "length_m": 200001 }))]), "more than 200000"),
		(json!([with(json!({ "period_s": 900 }))]), "unknown field `period_s`"),
	];
	for (lines, expected) in cases {
		let input = two_zone_book(Some(lines)).to_string();
		let (code, out, err) = run(&input);
		assert_eq!(code, 2, "input {input}");
		assert!(err.starts_with("error: ") && err.contains(expected), "input {input}: {err}");
		assert_eq!(out, Value::Null, "nothing on standard output");
	}
}
