//! Runtime of the energy-trading consortium chain.
//!
//! Block production is Aura and finality is GRANDPA, both fed by `pallet-session`. The set of
//! validators is not fixed at genesis: it is the `ValidatorSet` membership, which only the
//! consortium (two thirds of the `Consortium` collective, or root in the development preset)
//! can change. Changes take effect at a session boundary, without restarting any node.
//! Peer-level admission is `pallet-node-authorization`: validators' offchain workers only
//! connect to the well-known nodes the consortium has admitted.
//!
//! Market pallets (prosumer registry, double auction, zone market, Energium) are added by
//! later work; pallet indices 20 and above are reserved for them.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` expand to deeply nested types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod db_weights;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;

use alloc::{borrow::Cow, vec::Vec};
use polkadot_sdk::{
	frame_support, frame_system, pallet_transaction_payment,
	sp_runtime::{
		self, generic, impl_opaque_keys,
		traits::{BlakeTwo256, IdentifyAccount, Verify},
		MultiAddress, MultiSignature,
	},
	sp_version::{self, RuntimeVersion},
	*,
};

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Block number.
pub type BlockNumber = u32;
/// Signature of a transaction: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// Account identifier: the public key of the signing scheme. For a prosumer this is the
/// anonymous `ID_Blockchain` of the zone-market paper.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of the native settlement currency.
pub type Balance = u128;
/// Transaction index of an account.
pub type Nonce = u32;
/// Hash of blocks and tries.
pub type Hash = sp_core::H256;

/// Types that the node needs without knowing the runtime's call and extrinsic formats.
pub mod opaque {
	use super::*;
	#[allow(unused_imports)]
	use alloc::vec::Vec;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block identifier.
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		/// The session keys a validator registers with `Session::set_keys`.
		pub struct SessionKeys {
			/// Block production.
			pub aura: Aura,
			/// Finality voting.
			pub grandpa: Grandpa,
		}
	}
}

/// Version of this runtime. Bump `spec_version` on every change of behaviour and
/// `transaction_version` on every change of call encoding.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("energy-consortium"),
	impl_name: Cow::Borrowed("energy-consortium"),
	authoring_version: 1,
	spec_version: 106,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// Target block time. Market clearing runs once per block, so this is also the clearing
/// cadence.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
/// Aura slot length; it cannot be changed once the chain has started.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Blocks per session in the runtime's presets (development and test networks), which set
/// it in their genesis (`sessionLength.blocksPerSession`). The validator set and session
/// keys change at session boundaries, so a validator added or removed by the consortium
/// takes effect within two sessions (the change is queued for one session, then enacted).
/// The block that starts a session carries no transactions (`pallet-session` charges a
/// whole block for a rotation), so a minute costs a tenth of the blocks.
pub const SESSION_PERIOD: BlockNumber = MINUTES;
/// Blocks per session of a genesis that sets none: an hour, what a consortium's network
/// runs (a rotation block in 600, validator changes within two hours).
pub const DEFAULT_SESSION_PERIOD: BlockNumber = HOURS;

/// Decimals of the native settlement currency (symbol `GRID`).
pub const DECIMALS: u8 = 12;
/// One whole `GRID`.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a `GRID`.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// The least balance an account must hold to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Address format of extrinsics.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions every signed extrinsic carries. All but `CheckMeterReading`
/// are known to polkadot-js by name; that one carries and signs no data, so polkadot-js
/// signs correctly without a definition (it logs that it treats it as having none).
/// `CheckMeterReading` refuses invalid meter readings in validation, which is what lets
/// readings be feeless; it runs before `CheckNonce` so that an unknown meter key gets the
/// reading's own error rather than a missing-account one.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	pallet_prosumer::CheckMeterReading<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
);

/// The transaction extensions of an immortal transaction with `nonce` and no tip, as a
/// client builds them.
pub fn tx_extension(nonce: Nonce) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(generic::Era::Immortal),
		pallet_prosumer::CheckMeterReading::new(),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
	)
}

/// `call` signed by `signer` with [`tx_extension`]`(nonce)`, on the state in scope (the
/// signed payload includes the genesis hash). For tests and the runtime fuzz harness.
#[cfg(feature = "std")]
pub fn signed_extrinsic(
	call: RuntimeCall,
	signer: &sp_core::sr25519::Pair,
	nonce: Nonce,
) -> Result<UncheckedExtrinsic, sp_runtime::transaction_validity::TransactionValidityError> {
	use codec::Encode;
	use sp_core::Pair;
	let extension = tx_extension(nonce);
	let payload = SignedPayload::new(call.clone(), extension.clone())?;
	let signature = payload.using_encoded(|bytes| signer.sign(bytes));
	Ok(UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(signer.public().into()),
		MultiSignature::Sr25519(signature),
		extension,
	))
}

/// Extrinsic as it is encoded on the wire.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade, besides the pallets' own. Each acts
/// once: `MigrateToV1` on a chain whose pallet storage is at version 0, `InitBlocksPerSession`
/// on a chain without a stored session length (it reads one key on later upgrades).
type Migrations = (
	pallet_prosumer::migrations::v1::MigrateToV1<Runtime>,
	// A chain from before `SessionLength` keeps its minute-long sessions.
	pallet_session_length::migrations::InitBlocksPerSession<
		Runtime,
		polkadot_sdk::frame_support::traits::ConstU32<SESSION_PERIOD>,
	>,
);

/// Dispatches extrinsics to pallets and runs the block hooks.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(3)]
	pub type TransactionPayment = pallet_transaction_payment;

	/// The accounts that may validate. Changed only by the consortium.
	#[runtime::pallet_index(4)]
	pub type ValidatorSet = pallet_membership<Instance2>;

	#[runtime::pallet_index(5)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(6)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(7)]
	pub type Grandpa = pallet_grandpa;

	/// The consortium: utilities, grid operators and aggregators voting on proposals.
	#[runtime::pallet_index(8)]
	pub type Consortium = pallet_collective<Instance1>;

	/// Who sits in the consortium. Changed by the consortium itself.
	#[runtime::pallet_index(9)]
	pub type ConsortiumMembership = pallet_membership<Instance1>;

	/// The peer ids (libp2p) of the nodes the consortium admits to the network.
	#[runtime::pallet_index(10)]
	pub type NodeAuthorization = pallet_node_authorization;

	/// Superuser: holds a key only in the development preset.
	#[runtime::pallet_index(11)]
	pub type Sudo = pallet_sudo;

	/// Blocks per validator session, set in the genesis (a minute in the presets).
	#[runtime::pallet_index(12)]
	pub type SessionLength = pallet_session_length;

	/// Market participants and their smart meters; meter readings.
	#[runtime::pallet_index(20)]
	pub type Prosumer = pallet_prosumer;

	/// The grid as the market sees it: zones, distances, line parameters, trading rules.
	#[runtime::pallet_index(21)]
	pub type ZoneMarket = pallet_zone_market;

	/// The order book, cleared every block with the mechanism the consortium chose.
	#[runtime::pallet_index(22)]
	pub type DoubleAuction = pallet_double_auction;

	/// Energium (EGM): energy credited for trades, debited by meter readings; settlement.
	#[runtime::pallet_index(23)]
	pub type Energium = pallet_energium;
}
