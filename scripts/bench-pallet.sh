#!/usr/bin/env bash
# Regenerates a pallet's weights.rs from its FRAME benchmarks (worst cases, frame_benchmarking
# v2), with the node built for benchmarking.
#
#   scripts/bench-pallet.sh [pallet_name]     (default: pallet_prosumer)
#
# The benchmarking node is the same binary built with `--features runtime-benchmarks`, in
# the shared target directory; build the default node again afterwards (scripts/test.sh
# does) before running validators or the e2e tests. STEPS and REPEAT may be overridden.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PALLET="${1:-pallet_prosumer}"
CRATE_DIR="$ROOT/pallets/${PALLET#pallet_}"
CRATE_DIR="${CRATE_DIR//_/-}"
[ -d "$CRATE_DIR" ] || { echo "no crate for $PALLET at $CRATE_DIR" >&2; exit 1; }
STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"

# frame-benchmarking-cli pulls in a test runtime for `benchmark storage`, whose wasm build
# fails to find itself in our workspace's metadata (it is an optional dependency). We do not
# use that subcommand, so its wasm is not built.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1

cd "$ROOT"
cargo build --release -p energy-node --features runtime-benchmarks
"$CARGO_TARGET_DIR/release/energy-node" benchmark pallet \
	--chain dev \
	--pallet "$PALLET" \
	--extrinsic '*' \
	--steps "$STEPS" \
	--repeat "$REPEAT" \
	--wasm-execution compiled \
	--heap-pages 4096 \
	--template "$ROOT/scripts/templates/pallet-weights.hbs" \
	--output "$CRATE_DIR/src/weights.rs"
echo "wrote $CRATE_DIR/src/weights.rs"
