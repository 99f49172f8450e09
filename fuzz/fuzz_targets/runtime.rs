//! libFuzzer entry for the runtime harness: every input is a sequence of
//! (time lapse, origin, call) steps run from the `local` genesis, with the invariants of
//! `energy_runtime_fuzz` checked after each block. A panic is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::atomic::{AtomicU64, Ordering};

static RUNS: AtomicU64 = AtomicU64::new(0);

fuzz_target!(|data: &[u8]| {
	energy_runtime_fuzz::run(data);
	// A running count of what was exercised, for the fuzzing report.
	if RUNS.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
		let (blocks, calls, dispatched) = energy_runtime_fuzz::totals();
		eprintln!("harness: {blocks} blocks, {calls} calls, {dispatched} dispatched");
	}
});
