#!/usr/bin/env bash
# Network namespaces for the four `local` validators, so that a test can cut the network
# between them (partitions) while everything stays on this machine. Needs root.
#
#   scripts/netns-net.sh up ID             create the namespaces; print the environment
#                                           for scripts/local-net.sh (eval it)
#   scripts/netns-net.sh split ID G1 G2..  partition: each group of node indices (0 alice,
#                                           1 bob, 2 charlie, 3 dave), e.g. "0 1" "2 3",
#                                           gets a network of its own
#   scripts/netns-net.sh heal ID           one network for all four again
#   scripts/netns-net.sh down ID           kill what runs in the namespaces, delete them
#   scripts/netns-net.sh prune             `down` for every ID that is a pid no longer alive
#                                           (runs whose cleanup never ran)
#
# ID (letters and digits, up to 8; the tests use their pid) keeps concurrent runs apart.
# Layout of one run:
#   ec-ID-alice .. ec-ID-dave   one namespace per node, with no default route:
#       p2p   10.213.0.<1..4>/24, a veth whose other end (v0..v3) is a port of a bridge
#             in ec-ID-hub; the nodes' libp2p traffic goes here only
#       mgmt  10.213.K.<4i+2>/30, a point-to-point veth to the root namespace (ecID-m0..m3,
#             10.213.K.<4i+1>) used only by the test client for RPC
#   ec-ID-hub                   bridges: br0 joins all four; `split` moves each group's
#                               ports onto a bridge of its own (br1, br2, ...), `heal`
#                               moves them back to br0
# 10.213.0.0/24 exists only inside the run's namespaces. K is the first 10.213.K.0/24
# (1..254) with no address in the root namespace; only the four /30s of the mgmt links
# are added there, and they go when the namespaces are deleted. The bridges live in their
# own namespace, so the root namespace's firewall and bridge-netfilter settings do not
# apply to the p2p traffic.
set -euo pipefail

NAMES=(alice bob charlie dave)

die() { echo "netns-net.sh: $*" >&2; exit 1; }

check_id() {
	[[ "${1:-}" =~ ^[A-Za-z0-9]{1,8}$ ]] || die "ID must be 1-8 letters or digits, got '${1:-}'"
}

ns() { echo "ec-$ID-${NAMES[$1]}"; }
hub() { echo "ec-$ID-hub"; }
mgmt_root() { echo "ec$ID-m$1"; }

# Quietly runs a command that may fail during cleanup.
try() { "$@" >/dev/null 2>&1 || true; }

up() {
	[ "$(id -u)" -eq 0 ] || die "needs root (ip netns)"
	ip netns list | grep -q "^ec-$ID-" && die "namespaces for ID $ID exist already (run: $0 down $ID)"
	# Concurrent runs choose their mgmt subnet one at a time.
	exec 9>"${TMPDIR:-/tmp}/energy-consortium-netns.lock"
	flock 9
	local k=0 c
	for c in $(seq 1 254); do
		if [ -z "$(ip -4 -o addr show to "10.213.$c.0/24")" ]; then k=$c; break; fi
	done
	[ "$k" -gt 0 ] || die "no free 10.213.K.0/24 in the root namespace"

	trap 'down >/dev/null 2>&1' ERR
	local h i
	h=$(hub)
	ip netns add "$h"
	ip -n "$h" link set lo up
	ip -n "$h" link add br0 type bridge forward_delay 0 stp_state 0
	ip -n "$h" link set br0 up
	for i in 0 1 2 3; do
		local n
		n=$(ns "$i")
		ip netns add "$n"
		ip -n "$n" link set lo up
		# p2p: node end in the node's namespace, bridge port in the hub.
		ip link add "ec$ID-p$i" type veth peer name "ec$ID-q$i"
		ip link set "ec$ID-p$i" netns "$n"
		ip -n "$n" link set "ec$ID-p$i" name p2p
		ip link set "ec$ID-q$i" netns "$h"
		ip -n "$h" link set "ec$ID-q$i" name "v$i"
		ip -n "$h" link set "v$i" master br0
		ip -n "$h" link set "v$i" up
		ip -n "$n" addr add "10.213.0.$((i + 1))/24" dev p2p
		ip -n "$n" link set p2p up
		# mgmt: node end in the node's namespace, the other in the root namespace.
		ip link add "$(mgmt_root "$i")" type veth peer name "ec$ID-n$i"
		ip link set "ec$ID-n$i" netns "$n"
		ip -n "$n" link set "ec$ID-n$i" name mgmt
		ip addr add "10.213.$k.$((4 * i + 1))/30" dev "$(mgmt_root "$i")"
		ip link set "$(mgmt_root "$i")" up
		ip -n "$n" addr add "10.213.$k.$((4 * i + 2))/30" dev mgmt
		ip -n "$n" link set mgmt up
	done
	trap - ERR
	flock -u 9

	echo "export NETNS=\"$(for i in 0 1 2 3; do printf '%s ' "$(ns "$i")"; done | sed 's/ $//')\""
	echo "export HOSTS=\"10.213.0.1 10.213.0.2 10.213.0.3 10.213.0.4\""
	echo "export RPC_HOSTS=\"10.213.$k.2 10.213.$k.6 10.213.$k.10 10.213.$k.14\""
}

# Puts each listed node's bridge port on bridge br<group>.
place() {
	local h i
	h=$(hub)
	ip netns list | grep -q "^$h\b" || die "no namespaces for ID $ID"
	local g=0 group
	# shellcheck disable=SC2048
	for i in $*; do
		[[ "$i" =~ ^[0-3]$ ]] || die "node index must be 0..3, got '$i'"
	done
	for group in "$@"; do
		g=$((g + 1))
		ip -n "$h" link show "br$g" >/dev/null 2>&1 \
			|| { ip -n "$h" link add "br$g" type bridge forward_delay 0 stp_state 0; ip -n "$h" link set "br$g" up; }
		for i in $group; do
			ip -n "$h" link set "v$i" master "br$g"
		done
	done
}

heal() {
	local h i
	h=$(hub)
	for i in 0 1 2 3; do ip -n "$h" link set "v$i" master br0; done
}

down() {
	local i n pids
	for n in $(ip netns list | awk '{print $1}' | grep "^ec-$ID-" || true); do
		pids=$(ip netns pids "$n" 2>/dev/null || true)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || try kill -9 $pids
	done
	for n in $(ip netns list | awk '{print $1}' | grep "^ec-$ID-" || true); do
		for _ in $(seq 1 50); do [ -z "$(ip netns pids "$n" 2>/dev/null)" ] && break; sleep 0.1; done
		try ip netns del "$n"
	done
	# The root ends of the mgmt links go with their namespaces; this is for stragglers.
	for i in 0 1 2 3; do try ip link del "$(mgmt_root "$i")"; done
	for i in 0 1 2 3; do try ip link del "ec$ID-p$i"; try ip link del "ec$ID-q$i"; done
}

prune() {
	local id
	for id in $(ip netns list | awk '{print $1}' | sed -n 's/^ec-\([0-9]\{1,8\}\)-.*$/\1/p' | sort -u); do
		if [ ! -d "/proc/$id" ]; then
			echo "netns-net.sh: removing the namespaces of run $id (no such process)" >&2
			ID=$id down
		fi
	done
}

cmd="${1:-}"
case "$cmd" in
up) ID="${2:-}"; check_id "$ID"; up ;;
split) ID="${2:-}"; check_id "$ID"; shift 2; [ $# -ge 2 ] || die "split needs at least two groups"; place "$@" ;;
heal) ID="${2:-}"; check_id "$ID"; heal ;;
down) ID="${2:-}"; check_id "$ID"; down ;;
prune) prune ;;
*) sed -n '2,29p' "$0"; exit 2 ;;
esac
