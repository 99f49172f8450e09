#!/usr/bin/env bash
# Installs what building and testing this project needs. Safe to run again: each step
# checks first and installs only what is missing.
#   - Debian packages: protobuf-compiler (libp2p), clang + libclang-dev (bindgen),
#     docker-compose (to validate docker-compose.yml where no Docker engine runs).
#   - Rust: the wasm32-unknown-unknown target and rust-src (the runtime's wasm build).
#   - Node.js packages of the end-to-end tests (@polkadot/api, puppeteer-core), from
#     tests/e2e/package-lock.json, and of the web dashboard, from dashboard/package-lock.json.
#   - chromium (Debian's), the headless browser the dashboard's end-to-end test drives.
#   - matplotlib (PyPI), for the charts of `energy-sim sweep`.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
command -v clang >/dev/null 2>&1 || need_apt+=(clang)
ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || need_apt+=(libclang-dev)
command -v docker-compose >/dev/null 2>&1 || need_apt+=(docker-compose)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)   # the dashboard's e2e test
if [ ${#need_apt[@]} -gt 0 ]; then
	echo "setup: installing ${need_apt[*]}"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
	echo "setup: cargo is missing; install Rust with rustup first" >&2
	exit 1
fi
if command -v rustup >/dev/null 2>&1; then
	rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown
	rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
fi

if ! python3 -c 'import matplotlib' >/dev/null 2>&1; then
	echo "setup: installing matplotlib (charts of energy-sim sweep)"
	python3 -m pip install --quiet --disable-pip-version-check matplotlib \
		|| echo "setup: matplotlib not installed; energy-sim sweep --no-plot still works" >&2
fi

if command -v npm >/dev/null 2>&1; then
	if [ ! -d tests/e2e/node_modules/@polkadot/api ] \
		|| [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
		echo "setup: installing the end-to-end test client (npm ci)"
		(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
	fi
	# The web dashboard: its npm packages, and the bundle in dashboard/dist/.
	echo "setup: the web dashboard (dashboard/build.sh)"
	dashboard/build.sh
	# The meter simulator (tools/meter-sim): its npm packages, from its own lock file.
	if [ ! -d tools/meter-sim/node_modules/@polkadot/api ] \
		|| [ tools/meter-sim/package-lock.json -nt tools/meter-sim/node_modules/.package-lock.json ]; then
		echo "setup: installing the meter simulator (npm ci in tools/meter-sim)"
		(cd tools/meter-sim && npm ci --no-audit --no-fund --loglevel=error)
	fi
else
	echo "setup: npm is missing; the end-to-end tests need Node.js >= 18" >&2
	exit 1
fi
echo "setup: done"
