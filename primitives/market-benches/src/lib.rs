//! Benchmarks only: see benches/clearing.rs (`cargo bench -p energy-market-benches`).
