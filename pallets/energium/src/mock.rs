//! A test runtime with balances, a clock, a participant registry of the tests' choosing, and
//! this pallet.

use crate::{self as pallet_energium, *};
use energy_primitives::{PeriodEnergy, Profile, Role, TradeRecord};
use polkadot_sdk::{
	frame_support::{derive_impl, parameter_types, traits::ConstU32},
	frame_system::{self, EnsureRoot},
	pallet_balances, pallet_timestamp,
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
};
use std::{cell::RefCell, collections::BTreeMap};

type Block = frame_system::mocking::MockBlock<Test>;

#[polkadot_sdk::frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeTask
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(3)]
	pub type Energium = pallet_energium;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

/// Seconds in a delivery period of the mock.
pub const PERIOD_SECONDS: u32 = 900;
/// The period the clock starts in.
pub const NOW: PeriodIndex = 1_000;
/// Periods after a period's end before it is settled.
pub const DELAY: u32 = 2;
/// Participants settled per block: small, so that tests see settlement span blocks.
pub const PER_BLOCK: u32 = 2;
/// Settled periods kept per participant.
pub const KEPT: u32 = 3;
/// Months kept per participant.
pub const MONTHS: u32 = 2;
/// Periods the settlement queue holds.
pub const QUEUE: u32 = 8;

/// Consumer in zone 0.
pub const ALICE: u64 = 1;
/// Producer in zone 1.
pub const BOB: u64 = 2;
/// Prosumer in zone 0.
pub const CHARLIE: u64 = 3;
/// Registered, not approved.
pub const EVE: u64 = 5;
/// Approved consumer with almost no funds.
pub const PAUPER: u64 = 9;
/// The grid operator's settlement account.
pub const GRID: u64 = 100;
/// What the grid account starts with: the existential deposit.
pub const GRID_START: u64 = 1;
/// What each funded account starts with.
pub const FUNDS: u64 = 1_000_000;
/// The genesis tariff: 0.30 and 0.50 per kWh, in micro-units.
pub const RETAIL: u64 = 300;
/// Imbalance price per kWh.
pub const IMBALANCE: u64 = 500;

parameter_types! {
	pub const GridAccount: u64 = GRID;
}

thread_local! {
	static PARTICIPANTS: RefCell<BTreeMap<u64, (Profile, bool)>> = RefCell::new(BTreeMap::new());
}

/// The registry: the participants the tests declare.
pub struct MockRegistry;
impl ParticipantRegistry<u64> for MockRegistry {
	fn profile(who: &u64) -> Option<Profile> {
		PARTICIPANTS.with(|p| p.borrow().get(who).map(|(profile, _)| *profile))
	}
	fn is_approved(who: &u64) -> bool {
		PARTICIPANTS.with(|p| p.borrow().get(who).is_some_and(|(_, approved)| *approved))
	}
}

/// Declare a participant.
pub fn set_participant(who: u64, role: Role, zone: u32, approved: bool) {
	let profile =
		Profile { role, zone, generation_capacity_w: 40_000, connection_capacity_w: 40_000 };
	PARTICIPANTS.with(|p| p.borrow_mut().insert(who, (profile, approved)));
}

impl pallet_energium::Config for Test {
	type Currency = Balances;
	type OperatorOrigin = EnsureRoot<u64>;
	type GridAccount = GridAccount;
	type Participants = MockRegistry;
	type UnixTime = Timestamp;
	type PeriodSeconds = ConstU32<PERIOD_SECONDS>;
	type SettlementDelay = ConstU32<DELAY>;
	type MaxSettlementsPerBlock = ConstU32<PER_BLOCK>;
	type MaxPendingPeriods = ConstU32<QUEUE>;
	type MaxPeriodsRetained = ConstU32<KEPT>;
	type MaxMonthsRetained = ConstU32<MONTHS>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Sets the mock's clock and registry in benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl BenchmarkHelper<u64> for MockBenchmarkHelper {
	fn set_unix_time_ms(millis: u64) {
		pallet_timestamp::Now::<Test>::put(millis);
	}
	fn approved_participant(who: &u64, zone: u32) {
		set_participant(*who, Role::Prosumer, zone, true);
	}
}

/// Move the clock into `period` (its first second).
pub fn set_period(period: PeriodIndex) {
	pallet_timestamp::Now::<Test>::put(u64::from(period) * u64::from(PERIOD_SECONDS) * 1_000);
}

/// Storage with the accounts funded, the participants declared, the tariff set, and the
/// clock in `NOW`.
pub fn new_test_ext() -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(ALICE, FUNDS),
			(BOB, FUNDS),
			(CHARLIE, FUNDS),
			(EVE, FUNDS),
			(PAUPER, 2),
			(GRID, GRID_START),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_energium::GenesisConfig::<Test> {
		tariff: Some(Tariff { retail_price_per_kwh: RETAIL, imbalance_price_per_kwh: IMBALANCE }),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_period(NOW);
		PARTICIPANTS.with(|p| p.borrow_mut().clear());
		set_participant(ALICE, Role::Consumer, 0, true);
		set_participant(BOB, Role::Producer, 1, true);
		set_participant(CHARLIE, Role::Prosumer, 0, true);
		set_participant(EVE, Role::Consumer, 0, false);
		set_participant(PAUPER, Role::Consumer, 0, true);
	});
	ext
}

/// Run `test` on fresh storage, then check the invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Energium::do_try_state().expect("invariants hold after the test");
	});
}

/// Run the next block's `on_initialize`.
pub fn next_block() -> polkadot_sdk::frame_support::weights::Weight {
	use polkadot_sdk::frame_support::traits::Hooks;
	let number = System::block_number() + 1;
	System::set_block_number(number);
	Energium::on_initialize(number)
}

/// A trade of `sold_wh` from `seller` to `buyer` for `period`, `lost_wh` of it lost.
pub fn trade(period: PeriodIndex, buyer: u64, seller: u64, sold_wh: u64, lost_wh: u64) {
	let zone = |who: u64| MockRegistry::profile(&who).map_or(0, |p| p.zone);
	<Energium as OnTrade<u64>>::on_trade(&TradeRecord {
		period,
		buyer,
		buyer_zone: zone(buyer),
		seller,
		seller_zone: zone(seller),
		sold_wh,
		delivered_wh: sold_wh - lost_wh,
		lost_wh,
	});
}

/// An accepted reading of `who` for `period`.
pub fn reading(who: u64, period: PeriodIndex, imported_wh: u64, exported_wh: u64) {
	let zone = MockRegistry::profile(&who).map_or(0, |p| p.zone);
	<Energium as OnMeterReading<u64>>::on_reading(
		&who,
		zone,
		&PeriodEnergy { period, imported_wh, exported_wh },
	);
}

/// Settle everything due by `period`: move the clock there and run blocks until the queue
/// has nothing due.
pub fn settle_through(period: PeriodIndex) {
	set_period(period + DELAY + 1);
	for _ in 0..100 {
		next_block();
	}
}

/// The pallet's events so far.
pub fn events() -> Vec<pallet_energium::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Energium(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// Free balance.
pub fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}
