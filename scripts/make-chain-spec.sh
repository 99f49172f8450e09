#!/usr/bin/env bash
# Makes a consortium chain spec from the members' public keys.
#
#   scripts/make-chain-spec.sh members.json > consortium.json        (plain, readable)
#   scripts/make-chain-spec.sh members.json --raw > consortium-raw.json
#
# members.json (see scripts/members.example.json):
#   {
#     "name": "My Consortium", "id": "my_consortium",
#     "members": [ { "account": "<ss58>", "aura": "<ss58 sr25519>",
#                    "grandpa": "<ss58 ed25519>", "peer_id": "12D3Koo..." }, ... ],
#     "endowed": [ ["<ss58>", "<balance in planck, as a string>"], ... ],
#     "blocks_per_session": 600          (optional; default 600, an hour)
#   }
# Every member validates, sits in the consortium, and has its node admitted. No sudo.
# Members make their keys with `energy-node key generate` and their node key with
# `energy-node key generate-node-key`, and publish only the public parts.
set -euo pipefail
source "$(dirname "$0")/common.sh"
require_node_bin

members="${1:?usage: make-chain-spec.sh members.json [--raw]}"
raw="${2:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$NODE_BIN" export-chain-spec --chain local >"$tmp/base.json" 2>/dev/null
python3 "$ROOT/scripts/make_chain_spec.py" "$tmp/base.json" "$members" >"$tmp/plain.json"
if [ "$raw" = "--raw" ]; then
	"$NODE_BIN" export-chain-spec --chain "$tmp/plain.json" --raw 2>/dev/null
else
	cat "$tmp/plain.json"
fi
