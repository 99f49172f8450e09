#!/usr/bin/env bash
# Installs the dashboard's npm packages (from package-lock.json, when missing or older than
# the lock file) and bundles the page into dashboard/dist/. Cheap to run again: the bundle
# takes about a second.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/@polkadot/api ] || [ ! -x node_modules/.bin/esbuild ] \
	|| [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "dashboard: installing npm packages (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
