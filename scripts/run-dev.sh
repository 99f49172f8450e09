#!/usr/bin/env bash
# Runs a development chain: Alice validates alone and holds sudo, demo accounts are funded,
# state lives in a temporary directory (gone when the node stops).
# JSON-RPC on ws://127.0.0.1:9944 (polkadot-js apps: choose "Local Node"). Extra
# arguments go to energy-node, e.g. `scripts/run-dev.sh --rpc-port 9950`.
set -euo pipefail
source "$(dirname "$0")/common.sh"
if [ ! -x "$NODE_BIN" ]; then
	echo "building the node first (about 29 min from nothing)..."
	(cd "$ROOT" && cargo build --release -p energy-node)
fi
exec "$NODE_BIN" --dev --rpc-cors all --no-telemetry "$@"
