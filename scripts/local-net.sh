#!/usr/bin/env bash
# A local four-validator consortium (Alice, Bob, Charlie, Dave) on loopback ports.
#
#   scripts/local-net.sh start    insert keys, start the four nodes, print their endpoints
#   scripts/local-net.sh stop     stop them (databases are kept; `start` resumes the chain)
#   scripts/local-net.sh kill     SIGKILL them, as a crash or power loss would
#   scripts/local-net.sh status   best and finalized block of each node
#   scripts/local-net.sh purge    stop and delete the databases and logs
#
# Environment (all optional):
#   NET_DIR    where databases, keys, pids and logs live   (default: .local-net)
#   CHAIN      chain spec: `local` or a chain spec file     (default: local)
#   P2P_BASE   first p2p port; node i uses P2P_BASE+i      (default: 30333)
#   RPC_BASE   first JSON-RPC port                         (default: 9944)
#   PROM_BASE  first Prometheus port                       (default: 9615)
#   NODES      which nodes to start, stop or kill, e.g. "0 1 3" (default: all four)
#   EXTRA_ARGS extra arguments for every node
#   POOL_ARGS  transaction-pool settings (default below: sized for a meter-heavy network)
#   HOSTS      the four nodes' p2p addresses, e.g. "10.213.0.1 10.213.0.2 ..."; node i
#              listens on the i-th and the others dial it there (default: 127.0.0.1)
#   NETNS      the four nodes' network namespaces: node i runs under
#              `ip netns exec <i-th>` (default: none; scripts/netns-net.sh creates them)
#   RPC_HOSTS  the addresses at which the four nodes' RPC is reached; other than
#              127.0.0.1, the node listens on all its interfaces (--unsafe-rpc-external:
#              safe methods only), its namespace's own with NETNS (default: 127.0.0.1)
#
# Node i's libp2p key is blake2b-256("energy-consortium/local/node/<name>"): the `local`
# preset admits exactly these four peer ids (pallet-node-authorization). Public test keys.
set -euo pipefail
source "$(dirname "$0")/common.sh"

NET_DIR="${NET_DIR:-$ROOT/.local-net}"
CHAIN="${CHAIN:-local}"
P2P_BASE="${P2P_BASE:-30333}"
RPC_BASE="${RPC_BASE:-9944}"
PROM_BASE="${PROM_BASE:-9615}"
NODES="${NODES:-0 1 2 3}"
EXTRA_ARGS="${EXTRA_ARGS:-}"
# Meters report at the period boundary, all at once: the pool holds a district's burst of
# readings (10,000 meters, about 1.6 MB) with room for a backlog and ordinary traffic. The
# node's defaults are 8,192 transactions and 20 MiB (docs/benchmarks.md, "Meter readings").
POOL_ARGS="${POOL_ARGS:---pool-limit 32768 --pool-kbytes 65536}"
NAMES=(alice bob charlie dave)
SURIS=(//Alice //Bob //Charlie //Dave)
read -r -a HOST <<<"${HOSTS:-127.0.0.1 127.0.0.1 127.0.0.1 127.0.0.1}"
read -r -a RPC_HOST <<<"${RPC_HOSTS:-127.0.0.1 127.0.0.1 127.0.0.1 127.0.0.1}"
read -r -a NS <<<"${NETNS:-}"

node_dir() { echo "$NET_DIR/${NAMES[$1]}"; }

node_key_hex() {
	python3 -c 'import hashlib,sys; print(hashlib.blake2b(("energy-consortium/local/node/"+sys.argv[1]).encode(), digest_size=32).hexdigest())' "$1"
}

prepare() {
	local i=$1 dir
	dir=$(node_dir "$i")
	mkdir -p "$dir" "$NET_DIR/logs"
	if [ ! -f "$dir/node-key" ]; then
		node_key_hex "${NAMES[$i]}" | tr -d '\n' >"$dir/node-key"
	fi
	if [ ! -f "$dir/peer-id" ]; then
		"$NODE_BIN" key inspect-node-key --file "$dir/node-key" 2>/dev/null | tail -n1 >"$dir/peer-id"
	fi
	if [ ! -f "$dir/keys-inserted" ]; then
		"$NODE_BIN" key insert --base-path "$dir" --chain "$CHAIN" --scheme sr25519 \
			--suri "${SURIS[$i]}" --key-type aura
		"$NODE_BIN" key insert --base-path "$dir" --chain "$CHAIN" --scheme ed25519 \
			--suri "${SURIS[$i]}" --key-type gran
		touch "$dir/keys-inserted"
	fi
}

bootnodes_for() {
	local self=$1 j out=()
	for j in 0 1 2 3; do
		[ "$j" = "$self" ] && continue
		out+=("/ip4/${HOST[$j]}/tcp/$((P2P_BASE + j))/p2p/$(cat "$(node_dir "$j")/peer-id")")
	done
	echo "${out[@]}"
}

start_node() {
	local i=$1 dir pidfile
	dir=$(node_dir "$i")
	pidfile="$dir/pid"
	if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
		echo "${NAMES[$i]} already running (pid $(cat "$pidfile"))"
		return
	fi
	local wrap=() rpc_ext=()
	[ ${#NS[@]} -eq 0 ] || wrap=(ip netns exec "${NS[$i]}")
	[ "${RPC_HOST[$i]}" = 127.0.0.1 ] || rpc_ext=(--unsafe-rpc-external)
	# shellcheck disable=SC2046,SC2086
	nohup "${wrap[@]}" "$NODE_BIN" \
		--chain "$CHAIN" \
		--validator \
		--name "${NAMES[$i]}" \
		--base-path "$dir" \
		--database paritydb \
		--node-key-file "$dir/node-key" \
		--listen-addr "/ip4/${HOST[$i]}/tcp/$((P2P_BASE + i))" \
		--rpc-port "$((RPC_BASE + i))" \
		"${rpc_ext[@]}" \
		--prometheus-port "$((PROM_BASE + i))" \
		--rpc-cors all \
		--allow-private-ip \
		--no-mdns \
		--no-telemetry \
		$(for b in $(bootnodes_for "$i"); do printf -- '--bootnodes %s ' "$b"; done) \
		$POOL_ARGS \
		$EXTRA_ARGS \
		>>"$NET_DIR/logs/${NAMES[$i]}.log" 2>&1 &
	echo $! >"$pidfile"
	echo "${NAMES[$i]}: pid $!, rpc ws://${RPC_HOST[$i]}:$((RPC_BASE + i)), p2p ${HOST[$i]}:$((P2P_BASE + i)), peer $(cat "$dir/peer-id")"
}

# Stops node $1 with SIGTERM (SIGKILL after 10 s), or at once with SIGKILL when $2 is "kill".
stop_node() {
	local i=$1 how=${2:-term} pidfile pid
	pidfile="$(node_dir "$i")/pid"
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	if kill -0 "$pid" 2>/dev/null; then
		if [ "$how" = kill ]; then kill -9 "$pid"; else kill "$pid"; fi
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
	fi
	rm -f "$pidfile"
}

rpc() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys, urllib.request
host, port, method = sys.argv[1], sys.argv[2], sys.argv[3]
req = urllib.request.Request(f"http://{host}:{port}", data=json.dumps(
    {"jsonrpc": "2.0", "id": 1, "method": method, "params": []}).encode(),
    headers={"Content-Type": "application/json"})
try:
    print(json.dumps(json.load(urllib.request.urlopen(req, timeout=3))["result"]))
except Exception as e:
    print("null")
PY
}

case "${1:-}" in
start)
	require_node_bin
	for i in 0 1 2 3; do prepare "$i"; done
	for i in $NODES; do start_node "$i"; done
	echo "logs: $NET_DIR/logs"
	;;
stop)
	for i in $NODES; do stop_node "$i"; done
	;;
kill)
	for i in $NODES; do stop_node "$i" kill; done
	;;
status)
	for i in 0 1 2 3; do
		port=$((RPC_BASE + i))
		header=$(rpc "${RPC_HOST[$i]}" "$port" chain_getHeader)
		fin=$(rpc "${RPC_HOST[$i]}" "$port" chain_getFinalizedHead)
		peers=$(rpc "${RPC_HOST[$i]}" "$port" system_health)
		echo "${NAMES[$i]}: best=$(echo "$header" | python3 -c 'import json,sys; h=json.load(sys.stdin); print(int(h["number"],16) if h else "down")') finalized=$fin health=$peers"
	done
	;;
purge)
	for i in 0 1 2 3; do stop_node "$i"; done
	rm -rf "$NET_DIR"
	;;
*)
	sed -n '2,28p' "$0"
	exit 2
	;;
esac
