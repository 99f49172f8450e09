//! Unit tests, split by concern. Every test ends by checking the pallet's invariants.

mod clearing;
mod jamming;
mod mechanism;
mod orders;
mod sealed;
mod settlement;
