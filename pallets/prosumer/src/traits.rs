//! What this pallet asks of the market pallets, and what it offers them.

use crate::types::{MeterReading, PeriodEnergy, PeriodIndex, Profile};

/// Whether a participant still has business on the market. A participant may deregister (and
/// get its deposit back) only when both answers are `false`.
///
/// The order book and settlement pallets implement it; until they are in the runtime, `()`
/// answers `false` to both.
pub trait ParticipantActivity<AccountId> {
	/// The participant has a bid or offer that is neither filled, expired nor cancelled.
	fn has_open_orders(who: &AccountId) -> bool;
	/// A delivery period in which the participant traded is not settled yet.
	fn has_unsettled_periods(who: &AccountId) -> bool;
}

impl<AccountId> ParticipantActivity<AccountId> for () {
	fn has_open_orders(_: &AccountId) -> bool {
		false
	}
	fn has_unsettled_periods(_: &AccountId) -> bool {
		false
	}
}

/// The participant registry, as the trading pallets see it.
pub trait ParticipantRegistry<AccountId> {
	/// The profile in force of a registered participant.
	fn profile(who: &AccountId) -> Option<Profile>;
	/// Whether the participant is registered and approved (may trade).
	fn is_approved(who: &AccountId) -> bool;
}

/// Metered energy, as settlement and the energy token see it.
pub trait MeteredEnergy<AccountId> {
	/// Energy the participant imported and exported in `period`, if its meter reported the
	/// period and it is still retained.
	fn period_energy(who: &AccountId, period: PeriodIndex) -> Option<PeriodEnergy>;
	/// The last accepted reading of the participant's current meter.
	fn last_reading(who: &AccountId) -> Option<MeterReading>;
}
