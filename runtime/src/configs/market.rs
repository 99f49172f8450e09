//! The market's participants and meters.

use crate::{Balance, Balances, Runtime, RuntimeHoldReason, Timestamp, UNIT};
use polkadot_sdk::{
	frame_support::{parameter_types, traits::ConstU32},
	sp_runtime::transaction_validity::TransactionPriority,
};

use super::ConsortiumOrigin;

/// Length of a delivery period: a quarter hour, the settlement period of European power
/// markets. Period `p` starts `p × 900` s after the Unix epoch.
pub const PERIOD_SECONDS: u32 = 900;

parameter_types! {
	/// Held from a participant while it is registered: enough to make registering a
	/// deliberate act, little enough for a household.
	pub const ParticipantDeposit: Balance = 10 * UNIT;
	/// Above any untipped transaction: readings are time-critical (they are refused once
	/// `MaxReadingDelay` periods old) and cost no fee to outbid with.
	pub const MeterReadingPriority: TransactionPriority = 1 << 20;
}

impl pallet_prosumer::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ParticipantDeposit = ParticipantDeposit;
	/// Approvals, suspensions and meter keys are decided by the consortium (two thirds of the
	/// members, or root in the development preset).
	type OperatorOrigin = ConsortiumOrigin;
	type UnixTime = Timestamp;
	type PeriodSeconds = ConstU32<PERIOD_SECONDS>;
	/// A reading is accepted up to an hour after its period.
	type MaxReadingDelay = ConstU32<4>;
	/// A day of quarter hours per participant.
	type MaxPeriodsRetained = ConstU32<96>;
	/// 100 MW: a large wind farm or an industrial connection.
	type MaxCapacityW = ConstU32<100_000_000>;
	type ReadingPriority = MeterReadingPriority;
	/// No order book yet: nothing keeps a participant from leaving.
	type Activity = ();
	type WeightInfo = pallet_prosumer::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TimestampBenchmarkHelper;
}

/// Sets `pallet-timestamp`'s clock in benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct TimestampBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_prosumer::BenchmarkHelper for TimestampBenchmarkHelper {
	fn set_unix_time_ms(millis: u64) {
		polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(millis);
	}
}
