//! What this pallet asks of the market pallets, and what it offers them: the interfaces live
//! in `energy-primitives`, shared by every pallet.

pub use energy_primitives::{
	MeteredEnergy, OnMeterReading, OnParticipantSuspended, ParticipantActivity, ParticipantRegistry,
};
