//! Types of the participant and meter registry.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

pub use energy_primitives::{
	energy_bound_wh, period_at, MeterCounters, MeterReading, PeriodEnergy, PeriodIndex, Profile,
	Role, WattHours, Watts, ZoneCode,
};

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
	/// The last period whose energy `counters` already account for, so the next reading
	/// must be for a later period and may span the periods since: when the meter is bound,
	/// the period before the one it is bound in (the counters were read off the meter during
	/// that period); then the period of its last accepted reading. `None` for a meter bound
	/// at genesis: its first reading may span the periods since the chain's first
	/// ([`crate::ChainStartPeriod`]).
	pub last_period: Option<PeriodIndex>,
	/// The counters of the last accepted reading; at binding, the counters the operator read
	/// off the meter when commissioning it.
	pub counters: MeterCounters,
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
	/// The period is not later than the meter's last accepted one or, for a meter's first
	/// reading, is before the period the meter was bound in.
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

/// What a meter signs for a reading relayed by a data concentrator: the context
/// [`RELAYED_READING_CONTEXT`], the chain's genesis hash and the reading, SCALE-encoded (56
/// bytes on a chain with 32-byte hashes). The genesis hash keeps a signature from counting
/// on another chain; the meter's key is the signer, so it need not be in the message.
pub fn relayed_reading_message<Hash: Encode>(
	genesis_hash: &Hash,
	reading: &MeterReading,
) -> alloc::vec::Vec<u8> {
	(RELAYED_READING_CONTEXT, genesis_hash, reading).encode()
}

/// The first bytes of every message a meter signs for a concentrator to relay: "energy
/// meter reading", version 1.
pub const RELAYED_READING_CONTEXT: [u8; 4] = *b"emr1";

/// A meter reading a data concentrator relays: the meter's key, its reading, and the
/// meter's signature of [`relayed_reading_message`].
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RelayedReading<AccountId, Signature> {
	/// The meter's key: the account the operator bound.
	pub meter: AccountId,
	/// The reading, as the meter would submit it itself.
	pub reading: MeterReading,
	/// The meter's signature of [`relayed_reading_message`].
	pub signature: Signature,
}
