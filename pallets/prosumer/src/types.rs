//! Types of the participant and meter registry.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{Deserialize, Serialize};
use scale_info::TypeInfo;

/// Code of a grid zone (a feeder or substation area) as the grid operator numbers them.
pub type ZoneCode = u32;

/// Index of a delivery period: period `p` is the interval
/// `[p · PeriodSeconds, (p + 1) · PeriodSeconds)` seconds after the Unix epoch (UTC), so
/// meters, market and settlement agree on it without asking the chain.
pub type PeriodIndex = u32;

/// Energy in watt-hours.
pub type WattHours = u64;

/// Power in watts.
pub type Watts = u32;

/// What a participant does on the market.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Serialize,
	Deserialize,
)]
#[serde(crate = "polkadot_sdk::sp_runtime::serde")]
pub enum Role {
	/// Buys energy only; has no generation.
	Consumer,
	/// Sells energy only.
	Producer,
	/// Both buys and sells: generation behind the meter (rooftop PV, a battery).
	Prosumer,
}

/// What a participant declares when it registers or updates its profile.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Serialize,
	Deserialize,
)]
#[serde(crate = "polkadot_sdk::sp_runtime::serde", rename_all = "camelCase")]
pub struct Profile {
	/// Consumer, producer or prosumer.
	pub role: Role,
	/// The grid zone the participant's connection point lies in.
	pub zone: ZoneCode,
	/// Peak generation the participant can export (W). Zero for a consumer, positive for a
	/// producer or prosumer. Bounds the energy an export reading may claim per period.
	pub generation_capacity_w: Watts,
	/// Capacity of the grid connection (W): the most the participant can import. Bounds the
	/// energy an import reading may claim per period. A pure producer may declare zero.
	pub connection_capacity_w: Watts,
}

/// Where a participant stands with the operator.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum ParticipantStatus {
	/// Registered; the operator has not approved it yet. Its meter's readings are refused.
	PendingApproval,
	/// May trade; its meter's readings are accepted.
	Approved,
	/// Stopped by the operator; its meter's readings are refused until it is approved again.
	Suspended,
}

/// A registered participant. The account id is the participant's anonymous identity on the
/// market (`ID_Blockchain` in the papers).
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct Participant<AccountId, Balance> {
	/// The profile in force. Its zone is the approved one.
	pub profile: Profile,
	/// Approval state.
	pub status: ParticipantStatus,
	/// A zone the participant asked to move to, waiting for the operator's approval.
	pub requested_zone: Option<ZoneCode>,
	/// The deposit held from the participant's free balance while it is registered.
	pub deposit: Balance,
	/// The key of the participant's smart meter, if the operator has bound one.
	pub meter: Option<AccountId>,
}

/// Cumulative counters of a meter's registers, as the meter displays them.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Debug,
)]
pub struct MeterCounters {
	/// Energy imported from the grid since the meter was made (Wh).
	pub imported_wh: WattHours,
	/// Energy exported to the grid since the meter was made (Wh).
	pub exported_wh: WattHours,
}

/// A reading a meter signs and submits after a delivery period has ended.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct MeterReading {
	/// The delivery period the counters close.
	pub period: PeriodIndex,
	/// The counters at the end of the period.
	pub counters: MeterCounters,
}

/// Whether a meter key may still submit readings.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum MeterStatus {
	/// Bound to its participant; its readings are accepted.
	Active,
	/// Revoked or rotated out. A revoked key is never bound again, so its old signatures
	/// can never count for anyone.
	Revoked,
}

/// A meter key the operator has bound.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct Meter<AccountId> {
	/// The participant whose connection the meter measures.
	pub participant: AccountId,
	/// Active or revoked.
	pub status: MeterStatus,
	/// The period of the last accepted reading of this participant when the meter was
	/// bound, then of this meter's last accepted reading. A reading must be for a later one.
	pub last_period: Option<PeriodIndex>,
	/// The counters of the last accepted reading; at binding, the counters the operator read
	/// off the meter when commissioning it.
	pub counters: MeterCounters,
}

/// Energy a participant imported and exported in one delivery period, as the differences of
/// its meter's counters. When a meter skips periods, the energy of the skipped ones is
/// counted in the period of the next reading.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct PeriodEnergy {
	/// The delivery period.
	pub period: PeriodIndex,
	/// Energy taken from the grid (Wh).
	pub imported_wh: WattHours,
	/// Energy fed into the grid (Wh).
	pub exported_wh: WattHours,
}

/// Why a meter reading is refused. The discriminant is the code a refused transaction
/// carries (`InvalidTransaction::Custom(code)`), and it equals the index of the pallet error
/// of the same name, so a client can name the reason from the metadata.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum ReadingRejection {
	/// The signing key is not a bound meter.
	UnknownMeter = 0,
	/// The signing key was revoked or rotated out.
	MeterRevoked = 1,
	/// The meter's participant is suspended.
	ParticipantSuspended = 2,
	/// The meter's participant has not been approved.
	ParticipantNotApproved = 3,
	/// The period has not ended yet.
	PeriodNotEnded = 4,
	/// The period ended more than `MaxReadingDelay` periods ago.
	ReadingTooOld = 5,
	/// The period is not later than the last accepted one.
	PeriodNotAfterLast = 6,
	/// The import counter is below the last accepted one.
	ImportCounterWentBackwards = 7,
	/// The export counter is below the last accepted one.
	ExportCounterWentBackwards = 8,
	/// More energy imported than the connection capacity allows in the elapsed periods.
	ImplausibleImport = 9,
	/// More energy exported than the generation capacity allows in the elapsed periods.
	ImplausibleExport = 10,
}

impl ReadingRejection {
	/// Every rejection, in code order.
	pub const ALL: [ReadingRejection; 11] = [
		Self::UnknownMeter,
		Self::MeterRevoked,
		Self::ParticipantSuspended,
		Self::ParticipantNotApproved,
		Self::PeriodNotEnded,
		Self::ReadingTooOld,
		Self::PeriodNotAfterLast,
		Self::ImportCounterWentBackwards,
		Self::ExportCounterWentBackwards,
		Self::ImplausibleImport,
		Self::ImplausibleExport,
	];

	/// The code carried by `InvalidTransaction::Custom`.
	pub fn code(self) -> u8 {
		self as u8
	}
}

/// The delivery period `unix_seconds` falls in, with periods of `period_seconds`.
/// Saturates at `PeriodIndex::MAX`.
pub fn period_at(unix_seconds: u64, period_seconds: u32) -> PeriodIndex {
	let period = unix_seconds / u64::from(period_seconds.max(1));
	PeriodIndex::try_from(period).unwrap_or(PeriodIndex::MAX)
}

/// The most energy (Wh) a power of `watts` can move in `periods` periods of `period_seconds`
/// each, rounded up. Saturates at `WattHours::MAX`.
pub fn energy_bound_wh(watts: Watts, period_seconds: u32, periods: u32) -> WattHours {
	let watt_seconds = u128::from(watts)
		.saturating_mul(u128::from(period_seconds))
		.saturating_mul(u128::from(periods));
	let wh = watt_seconds.div_ceil(3600);
	WattHours::try_from(wh).unwrap_or(WattHours::MAX)
}
