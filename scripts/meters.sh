#!/usr/bin/env bash
# N simulated smart meters on a development chain of their own, in one command:
#
#   scripts/meters.sh 10          # 10 meters, `dev-fast` chain (12-second periods)
#   scripts/meters.sh 10000       # 10,000 meters, `dev` chain (quarter-hour periods)
#   scripts/meters.sh 10000 --period-seconds 60 -- --time-warp 15
#   scripts/meters.sh 10000 --concentrators 4   # readings relayed in batches by 4 concentrators
#
# It writes a chain spec with N participants and their meters in genesis (tools/meter-sim
# `chain-spec`), starts a single-validator node on it (Alice, `--dev`, RPC on
# ws://127.0.0.1:$RPC_PORT, default 9944, so polkadot-js apps' "Local Node" shows it), and
# runs the simulator (`meter-sim run`) until Ctrl-C, which prints the summary and stops the
# node. Options before `--` choose the chain; options after it go to `meter-sim run`
# (e.g. `--periods 4`, `--json`, `--time-warp 75`; see tools/meter-sim/README.md).
#
#   --chain NAME         dev-fast or dev (default: dev-fast up to 500 meters, dev above:
#                        a node on this machine takes about 1,500 readings a block, so
#                        10,000 meters need about seven 6-second blocks per period)
#   --period-seconds S   another delivery-period length (genesis `prosumer.periodSeconds`)
#   --seed S             the profiles' and participants' seed (default 1)
#   --concentrators C    C data concentrators in genesis, and the simulator sends every
#                        reading through them in batches (default 0: each meter sends its own)
#
# Environment: RPC_PORT (9944), P2P_PORT (30433), METERS_DIR (where the spec, the node's
# database and its log go; default $TMPDIR/energy-meters-N, emptied at start), NODE_BIN.
set -euo pipefail
source "$(dirname "$0")/common.sh"
require_node_bin

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

count="${1:-}"
[[ "$count" =~ ^[0-9]+$ ]] && [ "$count" -gt 0 ] || usage 2
shift
chain=""
period_args=()
seed=1
concentrators=0
while [ $# -gt 0 ]; do
	case "$1" in
		--chain) chain="$2"; shift 2 ;;
		--period-seconds) period_args=(--period-seconds "$2"); shift 2 ;;
		--seed) seed="$2"; shift 2 ;;
		--concentrators) concentrators="$2"; shift 2 ;;
		--) shift; break ;;
		-h|--help) usage ;;
		*) echo "meters.sh: unknown option $1 (simulator options go after --)" >&2; usage 2 ;;
	esac
done
[ -n "$chain" ] || { if [ "$count" -le 500 ]; then chain=dev-fast; else chain=dev; fi; }
[[ "$concentrators" =~ ^[0-9]+$ ]] || { echo "meters.sh: --concentrators takes a whole number" >&2; usage 2; }

SIM_DIR="$ROOT/tools/meter-sim"
if [ ! -d "$SIM_DIR/node_modules/@polkadot/api" ]; then
	echo "meters.sh: installing the simulator's packages (npm ci)"
	(cd "$SIM_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

RPC_PORT="${RPC_PORT:-9944}"
P2P_PORT="${P2P_PORT:-30433}"
DIR="${METERS_DIR:-${TMPDIR:-/tmp}/energy-meters-$count}"
rm -rf "$DIR"
mkdir -p "$DIR"

# The pool takes a whole period's burst at once: every meter reports at the boundary.
pool_limit=$((count * 2 > 8192 ? count * 2 : 8192))

NODE_BIN="$NODE_BIN" node "$SIM_DIR/bin/meter-sim.mjs" chain-spec \
	--meters "$count" --chain "$chain" --seed "$seed" "${period_args[@]}" \
	--concentrators "$concentrators" --out "$DIR/spec.json"

echo "meters.sh: starting the node (log: $DIR/node.log)"
start=$(date +%s)
# A background job of a non-interactive shell ignores Ctrl-C: the node keeps running until
# the simulator has printed its summary, then the EXIT trap stops it.
"$NODE_BIN" --dev --chain "$DIR/spec.json" --base-path "$DIR/db" \
	--rpc-port "$RPC_PORT" --rpc-cors all --port "$P2P_PORT" --no-prometheus --no-mdns --no-telemetry \
	--pool-limit "$pool_limit" \
	>"$DIR/node.log" 2>&1 &
node_pid=$!
stop_node() {
	if kill -0 "$node_pid" 2>/dev/null; then
		kill -TERM "$node_pid" 2>/dev/null || true
		wait "$node_pid" 2>/dev/null || true
	fi
}
trap stop_node EXIT
# Ctrl-C reaches the simulator (the foreground job), which stops cleanly; the script goes on.
trap ':' INT TERM

for _ in $(seq 1 600); do
	grep -q 'Imported #1 ' "$DIR/node.log" 2>/dev/null && break
	kill -0 "$node_pid" 2>/dev/null || { echo "meters.sh: the node exited; see $DIR/node.log" >&2; exit 1; }
	sleep 0.2
done
echo "meters.sh: node producing blocks $(( $(date +%s) - start )) s after start; ws://127.0.0.1:$RPC_PORT"

status=0
node "$SIM_DIR/bin/meter-sim.mjs" run --rpc "ws://127.0.0.1:$RPC_PORT" --meters "$count" \
	--seed "$seed" --concentrators "$concentrators" --max-pending $((pool_limit - 192)) "$@" || status=$?
exit "$status"
