# Image of energy-node built from this repository.
#   docker build -t energy-node .
FROM rust:1.95-bookworm AS builder
RUN apt-get update && apt-get install -y --no-install-recommends protobuf-compiler clang libclang-dev \
	&& rm -rf /var/lib/apt/lists/* \
	&& rustup target add wasm32-unknown-unknown && rustup component add rust-src
WORKDIR /src
COPY . .
RUN cargo build --locked --release -p energy-node

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates python3 \
	&& rm -rf /var/lib/apt/lists/* && useradd -m -u 1000 -d /data energy
COPY --from=builder /src/target/release/energy-node /usr/local/bin/energy-node
COPY scripts/docker-node.sh /usr/local/bin/docker-node.sh
USER energy
EXPOSE 30333 9944 9615
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/docker-node.sh"]
