//! Unit tests, split by concern. Every test ends by checking the pallet's invariants.

mod concentrators;
mod genesis;
mod meters;
mod migrations;
mod readings;
mod registry;
