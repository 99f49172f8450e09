#!/usr/bin/env bash
# The main job in one command: a development chain that trades by itself, with its dashboard.
#
#   scripts/run-dev.sh                    the dev-fast chain (12-second delivery periods), demo
#                                         traders, meters and the dashboard, until Ctrl-C
#   scripts/run-dev.sh --chain dev        the quarter-hour preset instead (or CHAIN=dev)
#   scripts/run-dev.sh --node-only        only the node, in the foreground, its log on the terminal
#   scripts/run-dev.sh --rpc-port 9950    other arguments go to energy-node
#
# On a fresh clone it first does what is missing: scripts/setup.sh (Debian packages, Rust
# targets, npm packages), the node's build with the test suite's own cargo command (so that
# scripts/test.sh reuses it: one feature set, no second build), and the dashboard's bundle.
# Then it starts, each in a session of its own so that Ctrl-C reaches only this script:
#   - energy-node --dev --chain dev-fast: Alice validates alone and holds sudo; Dave (prosumer,
#     zone 1), Eve (consumer, zone 2) and Ferdie (producer, zone 3) are approved participants
#     with bound meters; the state lives in a temporary directory, gone when the node stops;
#   - the demo trader (tools/meter-sim/bin/demo-trader.mjs): Dave, Eve and Ferdie place orders
#     every period, and it prints a line per period of what the chain did (on the terminal);
#   - the meter simulator for the demo meters (`meter-sim run --meters 0 --demo`);
#   - the dashboard (dashboard/serve.mjs).
# Ctrl-C stops the trader, the meters and the dashboard, then the node, and waits for each.
#
# Environment: CHAIN (dev-fast), RPC_PORT (9944), DASHBOARD_PORT (8080), RUN_DIR (where the
# logs go: node.log, meters.log, dashboard.log; default $TMPDIR/energy-run-dev), NODE_BIN,
# CARGO_TARGET_DIR (scripts/common.sh).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

chain="${CHAIN:-dev-fast}"
RPC_PORT="${RPC_PORT:-9944}"
DASHBOARD_PORT="${DASHBOARD_PORT:-8080}"
node_only=0
node_args=()
while [ $# -gt 0 ]; do
	case "$1" in
		--chain) chain="$2"; shift 2 ;;
		--chain=*) chain="${1#--chain=}"; shift ;;
		--rpc-port) RPC_PORT="$2"; shift 2 ;;
		--rpc-port=*) RPC_PORT="${1#--rpc-port=}"; shift ;;
		--node-only) node_only=1; shift ;;
		-h|--help) usage ;;
		*) node_args+=("$1"); shift ;;
	esac
done

say() { echo "run-dev: $*"; }

# ---- Set up and build what is missing -------------------------------------------------
[ "$node_only" = 1 ] || { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } \
	|| { say "Node.js (>= 18) and npm are missing; install them first (Debian: apt-get install nodejs npm)" >&2; exit 1; }
needs=()
[ "$node_only" = 1 ] || needs+=(tools/meter-sim dashboard)
if [ ! -x "$NODE_BIN" ]; then
	command -v cargo >/dev/null 2>&1 || { say "no node binary at $NODE_BIN and no cargo: install Rust with rustup first" >&2; exit 1; }
	needs+=(build)
fi
ensure_setup "${needs[@]}"   # scripts/setup.sh, when any of it is missing
if [ ! -x "$NODE_BIN" ]; then
	# The test suite's command: it builds the energy-node binary too (its integration tests
	# run it), with the features scripts/test.sh uses, so the tests reuse this build.
	say "building the node first (about 30 min from nothing on 2 cores) into $CARGO_TARGET_DIR"
	cargo test --release --workspace --exclude energy-market-benches --no-run
	[ -x "$NODE_BIN" ] || { say "the build did not produce $NODE_BIN" >&2; exit 1; }
fi

if [ "$node_only" = 1 ]; then
	exec "$NODE_BIN" --dev --chain "$chain" --rpc-port "$RPC_PORT" --rpc-cors all --no-telemetry "${node_args[@]}"
fi

[ -d tools/meter-sim/node_modules/@polkadot/api ] \
	|| (cd tools/meter-sim && npm ci --no-audit --no-fund --loglevel=error)
dashboard/build.sh   # npm ci when needed, then the bundle (about a second)

# ---- Run ------------------------------------------------------------------------------
RUN_DIR="${RUN_DIR:-${TMPDIR:-/tmp}/energy-run-dev}"
mkdir -p "$RUN_DIR"
rm -f "$RUN_DIR"/node.log "$RUN_DIR"/meters.log "$RUN_DIR"/dashboard.log
RPC="ws://127.0.0.1:$RPC_PORT"
# Each child in a session of its own (setsid), so that Ctrl-C on the terminal reaches this
# script only, which then stops them in order.
detach=()
command -v setsid >/dev/null 2>&1 && detach=(setsid)

node_pid="" trader_pid="" meters_pid="" dashboard_pid=""
stop_all() {
	trap - EXIT INT TERM HUP
	local pids=() pid
	for pid in "$trader_pid" "$meters_pid" "$dashboard_pid"; do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
	done
	[ ${#pids[@]} -gt 0 ] && say "stopping the trader, the meters and the dashboard"
	for pid in "${pids[@]}"; do await_exit "$pid" 10; done
	if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
		say "stopping the node"
		kill -TERM "$node_pid" 2>/dev/null || true
		await_exit "$node_pid" 30
	fi
	say "stopped; logs in $RUN_DIR"
}
# Waits up to $2 seconds for process $1 to exit, then kills it.
await_exit() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		say "process $1 did not stop within $2 s; killing it"
		kill -KILL "$1" 2>/dev/null || true
	fi
	wait "$1" 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

say "starting energy-node --dev --chain $chain (log: $RUN_DIR/node.log)"
start=$(date +%s)
"${detach[@]}" "$NODE_BIN" --dev --chain "$chain" --rpc-port "$RPC_PORT" --rpc-cors all --no-telemetry \
	"${node_args[@]}" >"$RUN_DIR/node.log" 2>&1 &
node_pid=$!

"${detach[@]}" node dashboard/serve.mjs "$DASHBOARD_PORT" >"$RUN_DIR/dashboard.log" 2>&1 &
dashboard_pid=$!

# The node's RPC, then its first block (a clock for the period; the meters need it).
wait_log() { # pattern, what, seconds
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		grep -q "$1" "$RUN_DIR/node.log" 2>/dev/null && return 0
		kill -0 "$node_pid" 2>/dev/null || { say "the node exited; the end of its log:" >&2; tail -n 15 "$RUN_DIR/node.log" >&2; exit 1; }
		sleep 0.2
	done
	say "no $2 within $3 s; see $RUN_DIR/node.log" >&2
	exit 1
}
wait_log 'Running JSON-RPC server' 'RPC server' 120
say "RPC up $(( $(date +%s) - start )) s after start: $RPC; starting the demo trader"
"${detach[@]}" node tools/meter-sim/bin/demo-trader.mjs --rpc "$RPC" &
trader_pid=$!
wait_log 'Imported #1 ' 'first block' 120
say "first block $(( $(date +%s) - start )) s after start; starting the demo meters (log: $RUN_DIR/meters.log)"
"${detach[@]}" node tools/meter-sim/bin/meter-sim.mjs run --meters 0 --demo --rpc "$RPC" >"$RUN_DIR/meters.log" 2>&1 &
meters_pid=$!

kill -0 "$dashboard_pid" 2>/dev/null \
	|| say "the dashboard server did not start (port $DASHBOARD_PORT taken?): $(cat "$RUN_DIR/dashboard.log")" >&2
rpc_query="ws%3A%2F%2F127.0.0.1%3A$RPC_PORT"
cat <<EOF

  The demo chain ($chain) is running. Ctrl-C stops everything.
  dashboard        http://127.0.0.1:$DASHBOARD_PORT/?rpc=$RPC
                   (#operator: zones, grid, clearing prices; #consortium: validators, finality)
  node RPC         $RPC
  polkadot-js apps https://polkadot.js.org/apps/?rpc=$rpc_query#/explorer
  logs             $RUN_DIR/node.log, meters.log, dashboard.log

EOF

# Until Ctrl-C or the node's end. `sleep & wait` lets a signal through at once.
trader_noted=0 meters_noted=0
while kill -0 "$node_pid" 2>/dev/null; do
	sleep 2 &
	wait $! || true
	if [ "$trader_noted" = 0 ] && ! kill -0 "$trader_pid" 2>/dev/null; then
		trader_noted=1
		say "the demo trader stopped (see above); the chain goes on" >&2
	fi
	if [ "$meters_noted" = 0 ] && ! kill -0 "$meters_pid" 2>/dev/null; then
		meters_noted=1
		say "the meter simulator stopped; see $RUN_DIR/meters.log" >&2
	fi
done
say "the node exited; the end of its log:" >&2
tail -n 15 "$RUN_DIR/node.log" >&2
exit 1
