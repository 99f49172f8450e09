#!/usr/bin/env bash
# Readings per second (and transfers per second) the four-validator local network sustains
# on this machine, with finality lag: tools/meter-sim/bench/throughput.mjs. Builds nothing:
# it needs the release node (scripts/test.sh or `cargo build --release -p energy-node`) and
# the simulator's npm packages (scripts/setup.sh). Arguments go to the script, e.g.
#   scripts/bench-throughput.sh --meters 12000 --period-seconds 12 --seconds 60
#   scripts/bench-throughput.sh --phases readings,relayed --concentrators 8
#   scripts/bench-throughput.sh --phases relayed --session-blocks 10 --batch-size 250   # sessions as the presets' (default 600), batches of 250 (default and most 500)
# Phases (--phases, default all three, run in this order): `readings` (one extrinsic per
# meter), `relayed` (the meters' signed readings in batches of data concentrators, C of them
# with --concentrators C, default 4; the spec then has them in genesis, which needs a runtime
# with concentrators) and `transfers`. A table with a row per phase ends the output.
# Figures and findings: docs/benchmarks.md, "Meter readings".
set -euo pipefail
source "$(dirname "$0")/common.sh"
[ -x "$NODE_BIN" ] || { echo "no node at $NODE_BIN: build it first" >&2; exit 1; }
[ -d "$ROOT/tools/meter-sim/node_modules/@polkadot/api" ] \
	|| (cd "$ROOT/tools/meter-sim" && npm ci --no-audit --no-fund --loglevel=error)
export NODE_BIN
exec node "$ROOT/tools/meter-sim/bench/throughput.mjs" "$@"
