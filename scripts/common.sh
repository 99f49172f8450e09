# Shared by the scripts: where the build lives and where the node binary is.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/energy-consortium/target}"
NODE_BIN="${NODE_BIN:-$CARGO_TARGET_DIR/release/energy-node}"

require_node_bin() {
	if [ ! -x "$NODE_BIN" ]; then
		echo "no node binary at $NODE_BIN; build it with: cargo build --release -p energy-node" >&2
		exit 1
	fi
}
