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

# Runs scripts/setup.sh when something it installs is missing (and nothing otherwise). The
# arguments say what is needed:
#   build    what building the node needs: protoc, clang, libclang, the wasm target, rust-src
#   browser  chromium (the dashboard's end-to-end test)
#   DIR      a directory whose npm packages must be installed (tools/meter-sim, dashboard, tests/e2e)
ensure_setup() {
	local missing=() need
	for need in "$@"; do
		case "$need" in
			build)
				command -v protoc >/dev/null 2>&1 || missing+=(protoc)
				command -v clang >/dev/null 2>&1 || missing+=(clang)
				ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || missing+=(libclang)
				if command -v rustup >/dev/null 2>&1; then
					rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null || missing+=(wasm32-unknown-unknown)
					rustup component list --installed | grep '^rust-src' >/dev/null || missing+=(rust-src)
				fi
				;;
			browser) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;;
			*) [ -d "$ROOT/$need/node_modules/@polkadot/api" ] || missing+=("$need/node_modules") ;;
		esac
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "missing: ${missing[*]}; running scripts/setup.sh"
	"$ROOT/scripts/setup.sh"
}
