#!/usr/bin/env bash
# The whole test suite: unit and property tests of every crate, then the end-to-end tests
# against real node processes on loopback. This is the command CI runs.
#
#   scripts/test.sh            everything
#   scripts/test.sh --unit     only cargo tests
#   scripts/test.sh --e2e      only the end-to-end tests (needs the release node built)
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

mode="${1:-all}"

# A fresh machine: scripts/setup.sh first when something it installs is missing.
if [ "$mode" = --unit ]; then ensure_setup build; else ensure_setup build browser tests/e2e tools/meter-sim dashboard; fi

# One cargo command, one feature set: `cargo test --workspace` also builds the energy-node
# binary (its integration tests run it), and the e2e tests use that same binary. A separate
# `cargo build -p energy-node` would unify features differently and rebuild the runtime
# and node every run. The criterion benchmarks live in their own crate, excluded here:
# criterion's dependencies change zerocopy's features, which would rebuild the whole
# Substrate stack in a second feature set.
if [ "$mode" = all ] || [ "$mode" = --unit ]; then
	echo "== cargo tests (release profile; builds the node binary too)"
	cargo test --release --workspace --exclude energy-market-benches
	# Each pallet alone with its benchmarks (run as tests in its mock) and its try-state
	# hook compiled. A separate feature set; its artifacts sit beside the main build's.
	for dir in pallets/*/; do
		echo "== pallet-$(basename "$dir"): benchmarks as tests, try-runtime"
		cargo test --release -p "pallet-$(basename "$dir")" --features runtime-benchmarks,try-runtime
	done
fi

if [ "$mode" = all ] || [ "$mode" = --e2e ]; then
	if [ "$mode" = --e2e ]; then
		echo "== building the node (same features as the unit tests)"
		cargo test --release --workspace --exclude energy-market-benches --no-run
	fi
	if command -v docker-compose >/dev/null 2>&1; then
		echo "== docker-compose.yml is valid"
		docker-compose -f docker-compose.yml config --quiet
	fi
	# The meter simulator: its packages (meter-sim.test.mjs runs it) and its unit tests.
	[ -d tools/meter-sim/node_modules/@polkadot/api ] || (cd tools/meter-sim && npm ci --no-audit --no-fund --loglevel=error)
	echo "== meter simulator unit tests (tools/meter-sim, no node)"
	(cd tools/meter-sim && npm test)
	echo "== end-to-end tests (real nodes on loopback, @polkadot/api client)"
	{ [ -d tests/e2e/node_modules/@polkadot/api ] && [ -d tests/e2e/node_modules/puppeteer-core ]; } \
		|| (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
	# The web dashboard's bundle, which dashboard.test.mjs serves (npm ci when needed; ~1 s).
	dashboard/build.sh
	export E2E_DIR="${E2E_DIR:-$ROOT/target-e2e}"
	rm -rf "$E2E_DIR"
	# Two test files at a time: most of the suite waits on 6-s blocks, sessions and motions,
	# not on the CPU. The longest file (governance, about 9 minutes) goes first so that the
	# others fill the second lane beside it. Each file runs its own nodes on free ports.
	(cd tests/e2e && node --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout \
		governance.test.mjs $(ls ./*.test.mjs | grep -v governance))
fi
