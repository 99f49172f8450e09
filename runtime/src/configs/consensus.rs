//! Block production (Aura), finality (GRANDPA) and the sessions that feed them their
//! authority sets from the consortium's `ValidatorSet`.

use crate::{
	opaque::SessionKeys, AccountId, Balances, Runtime, RuntimeEvent, ValidatorSet,
	DEFAULT_SESSION_PERIOD,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstBool, ConstU128, ConstU32, ConstU64},
	},
	pallet_session::SessionManager,
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_runtime::traits::{ConvertInto, OpaqueKeys},
	*,
};

/// Index of a session.
type SessionIndex = u32;

/// Most validators the chain supports (consortium members rarely exceed a few dozen).
pub const MAX_VALIDATORS: u32 = 32;

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	// No staking, so no slashing: equivocation reports have nothing to act on. The consortium
	// removes a misbehaving validator by vote instead.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

parameter_types! {
	pub const SessionOffset: crate::BlockNumber = 0;
}

/// Sessions last the genesis's `sessionLength.blocksPerSession` blocks (the presets: a
/// minute), an hour if it sets none.
impl pallet_session_length::Config for Runtime {
	type DefaultBlocksPerSession = ConstU32<DEFAULT_SESSION_PERIOD>;
}

/// The session length `pallet-session` rotates by.
type SessionPeriod = pallet_session_length::SessionPeriod<Runtime>;

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	type SessionManager = ConsortiumSessionManager;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Validators are admitted by vote, not by bond: registering session keys holds nothing.
	type KeyDeposit = ConstU128<0>;
}

/// Hands the consortium's `ValidatorSet` membership to `pallet-session` at each rotation.
///
/// Returns `None` (no change) when the membership equals the validators already queued, so
/// GRANDPA does not start a new authority set every session. Never hands over an empty set:
/// a chain without authorities cannot produce the block that would fix it.
pub struct ConsortiumSessionManager;

impl ConsortiumSessionManager {
	/// The validator set the consortium wants for `new_index`, or `None` to keep the
	/// queued one.
	fn planned_validators() -> Option<Vec<AccountId>> {
		let members = ValidatorSet::members().into_inner();
		if members.is_empty() {
			log::warn!(
				target: "runtime::consortium",
				"ValidatorSet is empty; keeping the current validators",
			);
			return None;
		}
		let queued: Vec<AccountId> =
			pallet_session::QueuedKeys::<Runtime>::get().into_iter().map(|(who, _)| who).collect();
		// `members` is kept sorted by pallet-membership; session keeps its own order.
		let mut queued_sorted = queued;
		queued_sorted.sort();
		if queued_sorted == members {
			None
		} else {
			Some(members)
		}
	}
}

impl SessionManager<AccountId> for ConsortiumSessionManager {
	fn new_session(_new_index: SessionIndex) -> Option<Vec<AccountId>> {
		Self::planned_validators()
	}

	fn new_session_genesis(_new_index: SessionIndex) -> Option<Vec<AccountId>> {
		// At genesis session's own `keys` are the set; membership was built from the same list.
		None
	}

	fn end_session(_end_index: SessionIndex) {}

	fn start_session(_start_index: SessionIndex) {}
}
