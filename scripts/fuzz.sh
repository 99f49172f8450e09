#!/usr/bin/env bash
# Coverage-guided fuzzing (cargo-fuzz, libFuzzer) of the runtime or the market core.
#
#   scripts/fuzz.sh runtime 30m     blocks of arbitrary (lapse, origin, call) steps
#   scripts/fuzz.sh market 10000000 the market core, for a number of cases (or a duration)
#
# The second argument is a duration (s, m or h suffix), a number of runs, or `cmin`, which
# minimises the kept corpus instead of fuzzing:
#
#   scripts/fuzz.sh runtime cmin
#
# The corpus is kept in fuzz/corpus/<target>. The runtime's starts from the harness's seeds,
# written by `cargo test --release -p energy-runtime-fuzz -- --ignored write_seeds`; run
# that again after a cmin, which renames files. Minimise after a run, then commit. A crash
# is written to fuzz/artifacts/<target>: copy it to fuzz/regressions/<target> with its fix,
# and the suite replays it from then on.
#
# Built with optimisations, debug assertions and overflow checks (an overflow that would wrap
# silently in a release runtime is a finding), and no sanitizer (safe Rust).
# Cost: the first build compiles the runtime's dependencies a second time, instrumented,
# on nightly, in fuzz/target (not the suite's target directory): see docs/hardening.md.
# CI never runs this script; `cargo test` replays the kept corpus in the suite's build.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
target="${1:?usage: scripts/fuzz.sh runtime|market DURATION|RUNS}"
budget="${2:-10m}"
command -v cargo-fuzz >/dev/null || cargo +nightly install cargo-fuzz --locked
# The runtime's native build only: the wasm blob is not needed to fuzz.
export SKIP_WASM_BUILD=1
# The fuzz crate keeps its own target directory; the suite's CARGO_TARGET_DIR is not shared.
unset CARGO_TARGET_DIR
if [ "$budget" = cmin ]; then
	exec cargo +nightly fuzz cmin -O -a -s none "$target" "corpus/$target" -- -rss_limit_mb=4096
fi
case "$budget" in
	*s) args=(-max_total_time="${budget%s}") ;;
	*m) args=(-max_total_time="$(( ${budget%m} * 60 ))") ;;
	*h) args=(-max_total_time="$(( ${budget%h} * 3600 ))") ;;
	*) args=(-runs="$budget") ;;
esac
mkdir -p "corpus/$target" "artifacts/$target"
start=$(date +%s)
cargo +nightly fuzz run -O -a -s none "$target" "corpus/$target" -- \
	-max_len=4096 -rss_limit_mb=4096 -print_final_stats=1 "${args[@]}" 2>&1 | tee "/tmp/fuzz-$target.log"
echo "fuzz: $target ran $(( $(date +%s) - start )) s"
