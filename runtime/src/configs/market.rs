//! The market's participants and meters.

use crate::{
	AccountId, Balance, Balances, DoubleAuction, Energium, Prosumer, Runtime, RuntimeHoldReason,
	Timestamp, ZoneMarket, UNIT,
};
use polkadot_sdk::{
	frame_support::{parameter_types, traits::ConstU32, PalletId},
	sp_core, sp_io,
	sp_runtime::{
		traits::{AccountIdConversion, Lazy, Verify},
		transaction_validity::TransactionPriority,
		MultiSigner,
	},
};

use super::ConsortiumOrigin;

/// Length of a delivery period: a quarter hour, the settlement period of European power
/// markets. Period `p` starts `p × 900` s after the Unix epoch. A genesis config may choose
/// another length (`prosumer.periodSeconds`, the `dev-fast` preset's 12 s); every pallet
/// reads the one in force through [`PeriodLength`].
pub const PERIOD_SECONDS: u32 = 900;

/// A reading is accepted up to this many periods after its period (an hour of quarter hours).
pub const MAX_READING_DELAY: u32 = 4;

/// The delivery-period length in force (pallet-prosumer's, fixed at genesis).
pub type PeriodLength = pallet_prosumer::PeriodLengthOf<Runtime>;

parameter_types! {
	/// Held from a participant for each open order (see `pallet_double_auction`).
	pub const OrderDeposit: Balance = UNIT;
	/// What the market's `on_initialize` may spend a block: 20 % of the 2-s block.
	pub MarketClearingBudget: polkadot_sdk::frame_support::weights::Weight =
		polkadot_sdk::sp_runtime::Perbill::from_percent(20)
			* <Runtime as polkadot_sdk::frame_system::Config>::BlockWeights::get().max_block;
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
	type MaxReadingDelay = ConstU32<MAX_READING_DELAY>;
	/// A day of quarter hours per participant.
	type MaxPeriodsRetained = ConstU32<96>;
	/// 100 MW: a large wind farm or an industrial connection.
	type MaxCapacityW = ConstU32<100_000_000>;
	type ReadingPriority = MeterReadingPriority;
	/// A participant with open orders, an unsettled period or a debt may not leave.
	type Activity = (DoubleAuction, Energium);
	/// Readings debit EGM. A reading's weight is `submit_reading` plus the ledger's
	/// `on_reading`, each from its own pallet's benchmark: so that the first measures only
	/// the prosumer pallet's work, the benchmarking build tells no ledger (see
	/// docs/benchmarks.md).
	#[cfg(not(feature = "runtime-benchmarks"))]
	type OnReading = Energium;
	#[cfg(feature = "runtime-benchmarks")]
	type OnReading = ();
	/// A suspended participant's open orders are cancelled and their escrow released.
	/// `suspend`'s weight adds the double auction's bound to its own benchmark; the
	/// benchmarking build tells no market, as for `OnReading`.
	#[cfg(not(feature = "runtime-benchmarks"))]
	type OnSuspend = DoubleAuction;
	#[cfg(feature = "runtime-benchmarks")]
	type OnSuspend = ();
	type WeightInfo = pallet_prosumer::weights::SubstrateWeight<Runtime>;
	type MeterSignature = MeterSignature;
	/// 500 readings, 58 KB: a concentrator's batch is checked in the pool in tens of
	/// milliseconds, and a block takes thirteen such batches (docs/benchmarks.md).
	type MaxReadingsPerBatch = ConstU32<500>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TimestampBenchmarkHelper;
}

/// The signature a meter gives a reading that a data concentrator relays: sr25519 over
/// `pallet_prosumer::relayed_reading_message`, verified against the meter's account as an
/// sr25519 key. One kind only, so that the benchmarked weight is the weight; a meter whose
/// key is of another kind submits its readings itself.
#[derive(
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	scale_info::TypeInfo,
	Clone,
	PartialEq,
	Eq,
	Debug,
)]
pub struct MeterSignature(pub sp_core::sr25519::Signature);

impl Verify for MeterSignature {
	type Signer = MultiSigner;

	fn verify<L: Lazy<[u8]>>(&self, mut message: L, meter: &AccountId) -> bool {
		let public = sp_core::sr25519::Public::from_raw(*AsRef::<[u8; 32]>::as_ref(meter));
		sp_io::crypto::sr25519_verify(&self.0, message.get(), &public)
	}
}

/// Sets `pallet-timestamp`'s clock in benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct TimestampBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_prosumer::BenchmarkHelper<AccountId, MeterSignature> for TimestampBenchmarkHelper {
	fn set_unix_time_ms(millis: u64) {
		polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(millis);
	}
	fn sign_as_meter(index: u32, message: &[u8]) -> Option<(AccountId, MeterSignature)> {
		const METER: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"metr");
		let seed = alloc::format!("//meter//{index}").into_bytes();
		let public = sp_io::crypto::sr25519_generate(METER, Some(seed));
		let signature = sp_io::crypto::sr25519_sign(METER, &public, message)?;
		Some((AccountId::from(public), MeterSignature(signature)))
	}
}

impl pallet_zone_market::Config for Runtime {
	/// The grid is the consortium's to describe.
	type OperatorOrigin = ConsortiumOrigin;
	type PeriodSeconds = PeriodLength;
	/// 32 zones: the substations of a town (the matrix holds 1 024 distances, 4 KiB).
	type MaxZones = ConstU32<32>;
	type WeightInfo = pallet_zone_market::weights::SubstrateWeight<Runtime>;
}

impl pallet_double_auction::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// The mechanism is the consortium's choice.
	type OperatorOrigin = ConsortiumOrigin;
	type Participants = Prosumer;
	type Grid = ZoneMarket;
	/// Trades credit EGM; filled orders count against capacity. The calls' and the
	/// clearing's weights add the ledger's benchmarked hook weights to the auction's own, so
	/// the benchmarking build tells no ledger (as for `OnReading` above).
	#[cfg(not(feature = "runtime-benchmarks"))]
	type OnTrade = Energium;
	#[cfg(feature = "runtime-benchmarks")]
	type OnTrade = ();
	#[cfg(not(feature = "runtime-benchmarks"))]
	type Traded = Energium;
	#[cfg(feature = "runtime-benchmarks")]
	type Traded = ();
	type UnixTime = Timestamp;
	type PeriodSeconds = PeriodLength;
	/// A day ahead, as a day-ahead market.
	type MaxPeriodsAhead = ConstU32<96>;
	/// A day ahead plus room for begun periods whose books wait to close (one closes per
	/// block, so they clear within seconds).
	type MaxOpenBooks = ConstU32<104>;
	/// 5 000 bids and 5 000 offers per quarter hour: a city district (the papers trade
	/// among 500 to 3 000 participants a period). A full book's determination fits in the
	/// clearing budget (`integrity_test`); its settlement and closing take several blocks
	/// (docs/benchmarks.md, "Market at scale").
	type MaxOrdersPerSide = ConstU32<5_000>;
	/// 1 GRID a resting order, returned when it fills, is cancelled, evicted or expires:
	/// keeping a full side of 5 000 orders locks 5 000 GRID besides the escrow (docs/trading.md).
	type OrderDeposit = OrderDeposit;
	/// A fifth of the block: leaves the rest of the quarter the runtime test allows hooks to
	/// the ledger's settlement and the registry.
	type ClearingBudget = MarketClearingBudget;
	/// A household places a bid and an offer for a few periods; an aggregator more.
	type MaxOpenOrdersPerAccount = ConstU32<16>;
	/// 60 W, a fridge: 15 Wh in a quarter hour. Smaller orders are refused as dust.
	type MinOrderPowerW = ConstU32<60>;
	type WeightInfo = pallet_double_auction::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MarketBenchmarkHelper;
}

/// Sets up the clock, participants and the grid for the double auction's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct MarketBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_double_auction::BenchmarkHelper<crate::AccountId> for MarketBenchmarkHelper {
	fn set_unix_time_ms(millis: u64) {
		polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(millis);
	}

	fn approved_participant(who: &crate::AccountId, zone: u32) {
		use pallet_prosumer::{Profile, Role};
		use polkadot_sdk::{frame_support::traits::Get, frame_system::RawOrigin};
		let max: u32 = <Runtime as pallet_prosumer::Config>::MaxCapacityW::get();
		let profile = Profile {
			role: Role::Prosumer,
			zone,
			generation_capacity_w: max,
			connection_capacity_w: max,
		};
		// Benchmark set-up: a failure shows as a failed benchmark.
		let _ = Prosumer::register(RawOrigin::Signed(who.clone()).into(), profile);
		let _ = Prosumer::approve(RawOrigin::Root.into(), who.clone());
	}

	/// Every pair of zones also has a line of its own, so that building the grid reads them
	/// all, as the largest grid does; each is the rules' line, so losses are unchanged.
	fn set_largest_grid() {
		use pallet_zone_market::{LineData, LineSpec, TradingRules, ZoneIndex};
		use polkadot_sdk::{
			frame_support::{traits::Get, BoundedVec},
			frame_system::RawOrigin,
		};
		let zones: u32 = <Runtime as pallet_zone_market::Config>::MaxZones::get();
		let row: BoundedVec<u32, _> = BoundedVec::truncate_from(alloc::vec![100; zones as usize]);
		let matrix = BoundedVec::truncate_from(alloc::vec![row; zones as usize]);
		let line =
			LineSpec { resistivity_pohm_m: 28_200, cross_section_mm2: 95, voltage_v: 20_000 };
		let rules = TradingRules { max_distance_m: 1_000, line_capacity_wh: u64::MAX, line };
		let _ = ZoneMarket::set_grid(RawOrigin::Root.into(), matrix, rules);
		let own = LineData {
			resistivity_pohm_m: line.resistivity_pohm_m,
			cross_section_mm2: line.cross_section_mm2,
			voltage_v: line.voltage_v,
			capacity_wh: u64::MAX,
		};
		let zones = ZoneIndex::try_from(zones).unwrap_or(ZoneIndex::MAX);
		for a in 0..zones {
			for b in a.saturating_add(1)..zones {
				let _ = ZoneMarket::set_line(RawOrigin::Root.into(), a, b, 100, own);
			}
		}
	}
}

parameter_types! {
	/// The grid operator's settlement account: tariff purchases and imbalance charges go
	/// there. It is keyless; the consortium decides what is done with it.
	pub GridAccount: AccountId = PalletId(*b"egm/grid").into_account_truncating();
}

impl pallet_energium::Config for Runtime {
	type Currency = Balances;
	/// The tariff is the consortium's.
	type OperatorOrigin = ConsortiumOrigin;
	type GridAccount = GridAccount;
	type Participants = Prosumer;
	type UnixTime = Timestamp;
	type PeriodSeconds = PeriodLength;
	/// The readings' window: a period is settled once no reading for it can arrive.
	type SettlementDelay = ConstU32<MAX_READING_DELAY>;
	/// 64 participants a block: 9 600 per quarter hour (150 blocks), past the papers' 3 000.
	type MaxSettlementsPerBlock = ConstU32<64>;
	/// A day ahead of books (104), the readings' window, and a backlog.
	type MaxPendingPeriods = ConstU32<256>;
	/// A day of quarter hours per participant; older periods are in the events.
	type MaxPeriodsRetained = ConstU32<96>;
	/// A year of months.
	type MaxMonthsRetained = ConstU32<12>;
	type WeightInfo = pallet_energium::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MarketBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_energium::BenchmarkHelper<AccountId> for MarketBenchmarkHelper {
	fn set_unix_time_ms(millis: u64) {
		polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(millis);
	}
	fn approved_participant(who: &AccountId, zone: u32) {
		<Self as pallet_double_auction::BenchmarkHelper<AccountId>>::approved_participant(who, zone)
	}
}
