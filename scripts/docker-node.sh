#!/usr/bin/env bash
# Entrypoint of the docker-compose consortium: prepares the keys of member $NODE_NAME
# (alice, bob, charlie or dave) of the `local` preset in /data, then runs its validator.
# Extra arguments are passed to energy-node.
set -euo pipefail
name="${NODE_NAME:?set NODE_NAME to alice, bob, charlie or dave}"
suri="//${name^}"
base=/data
if [ ! -f "$base/node-key" ]; then
	python3 -c 'import hashlib,sys; sys.stdout.write(hashlib.blake2b(("energy-consortium/local/node/"+sys.argv[1]).encode(), digest_size=32).hexdigest())' "$name" >"$base/node-key"
	energy-node key insert --base-path "$base" --chain local --scheme sr25519 --suri "$suri" --key-type aura
	energy-node key insert --base-path "$base" --chain local --scheme ed25519 --suri "$suri" --key-type gran
fi
exec energy-node --chain local --validator --name "$name" --base-path "$base" \
	--database paritydb --node-key-file "$base/node-key" \
	--listen-addr /ip4/0.0.0.0/tcp/30333 --rpc-external --rpc-cors all --prometheus-external \
	--allow-private-ip --no-mdns --no-telemetry "$@"
