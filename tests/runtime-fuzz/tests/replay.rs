//! Replays the fuzzer's kept corpus (`fuzz/corpus/runtime`) and every crash it found
//! (`fuzz/regressions/runtime`) through the harness, in the suite's ordinary build: a
//! finding fixed once stays fixed, without building the instrumented fuzzer.

use energy_runtime::Runtime;
use energy_runtime_fuzz::{run, run_and_inspect, seeds};
use pallet_double_auction::Mechanism;
use std::path::Path;

fn seed(name: &str) -> Vec<u8> {
	seeds().into_iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("seed {name} exists")).1
}

#[test]
fn trading_seed_trades_reads_and_settles_without_a_refused_step() {
	let (outcome, (credited_wh, debited_wh)) = run_and_inspect(&seed("trading"), || {
		(
			pallet_energium::TotalCreditedWh::<Runtime>::get(),
			pallet_energium::TotalDebitedWh::<Runtime>::get(),
		)
	});
	assert_eq!(outcome.dispatched, outcome.calls, "every step of the seed dispatches: {outcome:?}");
	assert!(outcome.blocks > 8, "{outcome:?}");
	assert!(credited_wh > 0, "the trade credited Energium");
	assert!(debited_wh > 0, "the readings debited Energium");
}

#[test]
fn governance_seed_carries_a_motion() {
	let (outcome, mechanism) = run_and_inspect(&seed("governance"), || {
		pallet_double_auction::MarketMechanism::<Runtime>::get()
	});
	assert_eq!(outcome.dispatched, outcome.calls, "every step of the seed dispatches: {outcome:?}");
	assert_eq!(mechanism, Mechanism::McAfee);
}

#[test]
fn misc_seed_refuses_the_stranger_and_the_bare_call() {
	let outcome = run(&seed("misc"));
	assert!(outcome.valid < outcome.calls, "{outcome:?}");
	assert!(outcome.dispatched >= 3 && outcome.dispatched + 2 <= outcome.calls, "{outcome:?}");
}

#[test]
fn kept_corpus_and_crashes_replay_without_a_finding() {
	let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
	let mut replayed = 0;
	for dir in ["corpus/runtime", "regressions/runtime"] {
		let Ok(entries) = std::fs::read_dir(fuzz.join(dir)) else { continue };
		for entry in entries.flatten() {
			let bytes = std::fs::read(entry.path()).expect("corpus file reads");
			let outcome = std::panic::catch_unwind(|| run(&bytes));
			assert!(outcome.is_ok(), "{} breaks an invariant", entry.path().display());
			replayed += 1;
		}
	}
	assert!(replayed >= seeds().len(), "the corpus is kept in the repository ({replayed} files)");
}

fn seed_file(name: &str) -> std::path::PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../fuzz/corpus/runtime/seed-{name}"))
}

#[test]
fn the_corpus_holds_the_current_seeds() {
	for (name, bytes) in seeds() {
		let kept = std::fs::read(seed_file(name)).unwrap_or_default();
		assert!(
			kept == bytes,
			"fuzz/corpus/runtime/seed-{name} differs from the harness's seed: run \
			 `cargo test --release -p energy-runtime-fuzz -- --ignored write_seeds`"
		);
	}
}

/// Writes the seeds into the kept corpus, after a change of the harness's seeds.
#[test]
#[ignore]
fn write_seeds() {
	for (name, bytes) in seeds() {
		std::fs::write(seed_file(name), bytes).expect("corpus is writable");
	}
}
