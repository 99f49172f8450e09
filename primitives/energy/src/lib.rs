//! # Energy primitives
//!
//! The types and interfaces the consortium's pallets share, so that each pallet depends on
//! this small crate instead of on another pallet (as FRAME's staking pallets share
//! `sp_staking`):
//!
//! - quantities: [`PeriodIndex`], [`WattHours`], [`Watts`], [`ZoneCode`], and the one rule
//!   for energy per period ([`energy_bound_wh`]) and for the period of a time ([`period_at`]);
//! - a participant's [`Profile`] and a meter's [`MeterReading`] / [`PeriodEnergy`];
//! - queries: [`ParticipantRegistry`], [`MeteredEnergy`], [`ZoneGrid`], [`TradedEnergy`];
//! - hooks: [`OnTrade`] (a market settled a trade), [`OnMeterReading`] (a reading was
//!   accepted), and [`ParticipantActivity`] (whether a participant may leave).

#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]

mod traits;
mod types;

pub use traits::*;
pub use types::*;
