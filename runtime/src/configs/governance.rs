//! Consortium governance: who is in the consortium, how it decides, and what its decisions
//! control (the validator set and the nodes admitted to the network).

use crate::{AccountId, BlockNumber, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, HOURS};
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{ConstU32, EitherOfDiverse},
		weights::Weight,
	},
	frame_system::EnsureRoot,
	sp_runtime::Perbill,
	*,
};

use super::{consensus::MAX_VALIDATORS, RuntimeBlockWeights};

/// The `Consortium` collective's instance.
pub type ConsortiumInstance = pallet_collective::Instance1;
/// The instance of `pallet-membership` that holds the consortium's members.
pub type ConsortiumMembershipInstance = pallet_membership::Instance1;
/// The instance of `pallet-membership` that holds the validator set.
pub type ValidatorSetInstance = pallet_membership::Instance2;

/// Most members the consortium may have.
pub const MAX_CONSORTIUM_MEMBERS: u32 = 100;

/// What the consortium decides: a motion carried by at least two thirds of its members.
/// Root (sudo, development preset only) may act in its stead.
pub type ConsortiumOrigin = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, ConsortiumInstance, 2, 3>,
>;

parameter_types! {
	/// A motion that has not gathered its threshold within this time can be closed as failed.
	pub const ConsortiumMotionDuration: BlockNumber = 24 * HOURS;
	/// A motion may dispatch at most half a block's weight.
	pub MaxConsortiumProposalWeight: Weight =
		Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<ConsortiumInstance> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = ConsortiumMotionDuration;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<MAX_CONSORTIUM_MEMBERS>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	/// Members are managed through `ConsortiumMembership`, not set directly.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxConsortiumProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	/// Members are known organisations: proposing costs no deposit.
	type Consideration = ();
}

impl pallet_membership::Config<ConsortiumMembershipInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = ConsortiumOrigin;
	type RemoveOrigin = ConsortiumOrigin;
	type SwapOrigin = ConsortiumOrigin;
	type ResetOrigin = ConsortiumOrigin;
	type PrimeOrigin = ConsortiumOrigin;
	type MembershipInitialized = crate::Consortium;
	type MembershipChanged = crate::Consortium;
	type MaxMembers = ConstU32<MAX_CONSORTIUM_MEMBERS>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_membership::Config<ValidatorSetInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = ConsortiumOrigin;
	type RemoveOrigin = ConsortiumOrigin;
	type SwapOrigin = ConsortiumOrigin;
	type ResetOrigin = ConsortiumOrigin;
	type PrimeOrigin = ConsortiumOrigin;
	/// `pallet-session` reads the set at each rotation (see `ConsortiumSessionManager`).
	type MembershipInitialized = ();
	type MembershipChanged = ();
	type MaxMembers = ConstU32<MAX_VALIDATORS>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_node_authorization::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type MaxWellKnownNodes = ConstU32<64>;
	/// An ed25519 libp2p peer id is 38 bytes; room for other key types.
	type MaxPeerIdLength = ConstU32<128>;
	type AddOrigin = ConsortiumOrigin;
	type RemoveOrigin = ConsortiumOrigin;
	type SwapOrigin = ConsortiumOrigin;
	type ResetOrigin = ConsortiumOrigin;
	type WeightInfo = ();
}
