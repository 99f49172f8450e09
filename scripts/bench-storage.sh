#!/usr/bin/env bash
# Regenerates the runtime's database weights (runtime/src/db_weights.rs: what a storage read
# and a storage write cost) with `energy-node benchmark storage`, on the state of a chain
# with a city's meters: a `local` spec from tools/meter-sim with METERS participants and
# meters in genesis (default 60,000, about 300,000 keys; the wasm genesis builder refuses a
# spec much larger), in ParityDB, the node's database.
#
#   scripts/bench-storage.sh            (METERS, BATCH, RUNS and DIR may be overridden)
#
# Every key is read once (no cache), then written in batches of BATCH keys (default 10,000).
# The weight is the 95th percentile of each, plus a tenth (Polkadot's runtimes take the
# average plus a tenth), from the dearest of RUNS runs (default 3): the write's 95th
# percentile varies between runs (17.8 to 20.5 µs at 10,000 keys on fresh databases).
# A write's cost includes its share of the storage root, which a block computes once for all
# its writes: the more keys, the cheaper each (averages measured here: 19-21 µs a key at
# 1,000, 17-18 µs at 10,000, 15 µs at 100,000, the CLI's default). A block full of relayed
# readings writes about 27,000 keys; a block with fewer writes has weight to spare.
#
# Builds the benchmarking node (like scripts/bench-pallet.sh); build the default node again
# afterwards. Run it on the validators' hardware before trusting its figures there: these
# are this machine's (docs/benchmarks.md, "Database weights").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

METERS="${METERS:-60000}"
BATCH="${BATCH:-10000}"
RUNS="${RUNS:-3}"
DIR="${DIR:-${TMPDIR:-/tmp}/energy-bench-storage}"
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1

cd "$ROOT"
cargo build --release -p energy-node --features runtime-benchmarks
BENCH_NODE="$CARGO_TARGET_DIR/release/energy-node"
ensure_setup tools/meter-sim
rm -rf "$DIR" && mkdir -p "$DIR"
node tools/meter-sim/bin/meter-sim.mjs chain-spec --meters "$METERS" --chain local \
	--node-bin "$BENCH_NODE" --out "$DIR/spec.json"
# RUNS runs, each on a fresh database (one written to before measures slower); the run with
# the dearest write is kept.
best=0
for run in $(seq 1 "$RUNS"); do
	rm -rf "$DIR/db" "$DIR/out$run" && mkdir -p "$DIR/out$run"
	"$BENCH_NODE" benchmark storage \
		--chain "$DIR/spec.json" \
		--base-path "$DIR/db" \
		--database paritydb \
		--state-version 1 \
		--warmups 1 \
		--metric p95 \
		--mul 1.1 \
		--batch-size "$BATCH" \
		--random-seed "$run" \
		--template-path "$ROOT/scripts/templates/db-weights.hbs" \
		--weight-path "$DIR/out$run/"
	write=$(sed -n 's/^[[:space:]]*write: \([0-9_]*\) \*.*/\1/p' "$DIR/out$run/paritydb_weights.rs" | tr -d _)
	[[ $write =~ ^[0-9]+$ ]] || { echo "no write weight in $DIR/out$run/paritydb_weights.rs" >&2; exit 1; }
	echo "run $run: a write weighs $write ns"
	if [ "$write" -gt "$best" ]; then
		best=$write
		cp "$DIR/out$run/paritydb_weights.rs" runtime/src/db_weights.rs
	fi
done
[ "$best" -gt 0 ] || { echo "no run measured (RUNS=$RUNS)" >&2; exit 1; }
echo "wrote runtime/src/db_weights.rs (a write: $best ns)"
