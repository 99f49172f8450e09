"""Replaces the genesis patch of a chain spec with one made from consortium members' keys.

Reads the chain spec the node exports for the `local` preset (it carries the runtime code)
and a members file; writes the new spec to standard output. See make-chain-spec.sh.
"""
import json
import sys

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def peer_id_bytes(peer_id: str) -> list:
    """Decodes a base58 libp2p peer id into the bytes pallet-node-authorization stores."""
    n = 0
    for c in peer_id:
        if c not in B58:
            raise SystemExit(f"peer id {peer_id!r} is not base58")
        n = n * 58 + B58.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    raw = b"\0" * (len(peer_id) - len(peer_id.lstrip("1"))) + raw
    return list(raw)


def main() -> None:
    base_path, members_path = sys.argv[1], sys.argv[2]
    spec = json.load(open(base_path))
    cfg = json.load(open(members_path))
    members = cfg.get("members") or []
    if not members:
        raise SystemExit("members.json names no members")
    for m in members:
        for field in ("account", "aura", "grandpa", "peer_id"):
            if not m.get(field):
                raise SystemExit(f"member {m!r} lacks {field!r}")
    blocks_per_session = cfg.get("blocks_per_session", 600)
    if not isinstance(blocks_per_session, int) or isinstance(blocks_per_session, bool) \
            or not 1 <= blocks_per_session < 2**32:
        raise SystemExit("blocks_per_session must be a whole number of blocks, from 1 to 2^32 - 1")
    accounts = sorted(m["account"] for m in members)
    if len(set(accounts)) != len(accounts):
        raise SystemExit("a member account appears twice")
    patch = {
        "balances": {"balances": [[a, int(b)] for a, b in cfg.get("endowed", [])]},
        "session": {
            "keys": [
                [m["account"], m["account"], {"aura": m["aura"], "grandpa": m["grandpa"]}]
                for m in members
            ]
        },
        # pallet-membership sorts its genesis members itself (by raw account bytes).
        "validatorSet": {"members": accounts},
        "consortiumMembership": {"members": accounts},
        "nodeAuthorization": {
            "nodes": [[peer_id_bytes(m["peer_id"]), m["account"]] for m in members]
        },
        "sudo": {"key": None},
        # An hour of 6-s blocks unless members.json says otherwise: validator changes take
        # effect within two sessions, and each session's first block carries no
        # transactions (docs/consortium.md, "Consensus").
        "sessionLength": {"blocksPerSession": blocks_per_session},
    }
    spec["name"] = cfg.get("name", spec["name"])
    spec["id"] = cfg.get("id", spec["id"])
    spec["chainType"] = "Live"
    spec["bootNodes"] = cfg.get("boot_nodes", [])
    spec["genesis"]["runtimeGenesis"].pop("patch", None)
    spec["genesis"]["runtimeGenesis"].pop("config", None)
    spec["genesis"]["runtimeGenesis"]["patch"] = patch
    json.dump(spec, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
