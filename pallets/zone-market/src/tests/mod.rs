//! Unit tests, split by concern. Every test ends by checking the pallet's invariants.

mod grid;
mod lines;
