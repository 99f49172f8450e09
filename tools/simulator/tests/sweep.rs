//! The committed results are what the code produces: `energy-sim sweep` run again, as
//! docs/results.md says it was run, gives results/table7.csv and results/table8.csv byte for
//! byte, and the tables of docs/results.md quote those files. About 1.2 s in release.

use std::{
	path::{Path, PathBuf},
	process::Command,
};

/// The repository root, at run time: the shared target directory may hold a test binary
/// built from another clone, whose compile-time path no longer exists.
fn root() -> PathBuf {
	let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it for tests");
	PathBuf::from(manifest_dir).join("../..")
}

fn read(path: &Path) -> String {
	std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn sweep_reproduces_the_committed_tables_and_the_docs_quote_them() {
	let out_dir = std::env::temp_dir().join(format!("energy-sim-sweep-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&out_dir);
	// The command of docs/results.md, without the charts (they need matplotlib).
	let out = Command::new(env!("CARGO_BIN_EXE_energy-sim"))
		.args(["sweep", "--table", "all", "--seeds", "5", "--first-seed", "1", "--no-plot"])
		.arg("--out-dir")
		.arg(&out_dir)
		.output()
		.expect("energy-sim starts");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

	let root = root();
	let docs = read(&root.join("docs/results.md"));
	// The two tables of docs/results.md, Table 7's section first.
	let (docs7, docs8) = docs.split_once("### Table 8").expect("docs/results.md has Table 8");
	for (name, docs_table) in [("table7", docs7), ("table8", docs8)] {
		let fresh = read(&out_dir.join(format!("{name}.csv")));
		let committed = read(&root.join(format!("results/{name}.csv")));
		// Line by line first, so that a failure names the row that moved.
		for (i, (new, old)) in fresh.lines().zip(committed.lines()).enumerate() {
			assert_eq!(new, old, "results/{name}.csv line {}: rerun the sweep and docs", i + 1);
		}
		assert_eq!(fresh, committed, "results/{name}.csv: rerun `energy-sim sweep`");

		// Every row of the CSV is quoted in the docs' table: losses to 6 decimals,
		// satisfaction to 3 and purchase price to 4, each with its standard deviation.
		let mut rows = 0;
		for line in committed.lines().skip(1) {
			let f: Vec<&str> = line.split(',').collect();
			let key = if name == "table7" { f[2] } else { f[3] };
			let model = if f[1] == "zone" { "zone market" } else { "double auction" };
			let num = |i: usize| f[i].parse::<f64>().expect("a number");
			let expected = [
				format!("{:.6} ± {:.6}", num(6), num(7)),
				format!("{:.3} ± {:.3}", num(9), num(10)),
				format!("{:.4} ± {:.4}", num(11), num(12)),
			];
			let prefix = format!("| {key} | {model} |");
			let doc_row = docs_table
				.lines()
				.find(|l| l.starts_with(&prefix))
				.unwrap_or_else(|| panic!("docs/results.md, {name}: no row {prefix}"));
			let cells: Vec<&str> = doc_row.split('|').map(str::trim).collect();
			// `| key | model | paper | ours | paper | ours | paper | ours |`
			assert_eq!(
				[cells[4], cells[6], cells[8]],
				[expected[0].as_str(), expected[1].as_str(), expected[2].as_str()],
				"docs/results.md, {name}, row {prefix}"
			);
			rows += 1;
		}
		assert_eq!(rows, 18, "{name}: nine scenarios, two models");
	}
	let _ = std::fs::remove_dir_all(&out_dir);
}
