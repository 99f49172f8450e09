//! A test runtime with balances, a clock and this pallet.

use crate::{self as pallet_prosumer, *};
use polkadot_sdk::{
	frame_support::{derive_impl, parameter_types, traits::ConstU32},
	frame_system::{self, EnsureRoot},
	pallet_balances, pallet_timestamp,
	sp_io::TestExternalities,
	sp_runtime::{testing::TestSignature, BuildStorage},
};

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
	pub type Prosumer = pallet_prosumer;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
	// Real database weights, so that a test of what a hook charges can fail.
	type DbWeight = polkadot_sdk::frame_support::weights::constants::RocksDbWeight;
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
/// The deposit of the mock.
pub const DEPOSIT: u64 = 100;
/// Periods of energy kept per participant: small, so that tests reach the bound.
pub const RETAINED: u32 = 4;
/// Periods after its end a reading is accepted.
pub const DELAY: u32 = 4;
/// The period the clock starts in.
pub const START_PERIOD: PeriodIndex = 1_000;

/// A prosumer with 3 kW of generation behind a 10 kW connection.
pub const ALICE: u64 = 1;
/// A consumer.
pub const BOB: u64 = 2;
/// Funded, never registered.
pub const CHARLIE: u64 = 3;
/// Has no funds.
pub const PAUPER: u64 = 9;
/// A data concentrator registered at genesis.
pub const GATEWAY: u64 = 50;
/// The most readings in a batch of the mock.
pub const MAX_BATCH: u32 = 8;
/// Meter keys.
pub const METER_A: u64 = 101;
pub const METER_B: u64 = 102;
pub const METER_C: u64 = 103;

parameter_types! {
	pub static OpenOrders: bool = false;
	pub static UnsettledPeriods: bool = false;
}

/// Market activity the tests switch on and off.
pub struct MockActivity;

thread_local! {
	/// What the reading hook was told, in order.
	pub static READINGS_SEEN: std::cell::RefCell<Vec<(u64, ZoneCode, PeriodEnergy)>> =
		const { std::cell::RefCell::new(Vec::new()) };
}

/// Weight the mock's reading hook declares.
pub const HOOK_WEIGHT: u64 = 7_000;

/// The energy ledger: remembers every reading it is told of.
pub struct MockLedger;
impl crate::OnMeterReading<u64> for MockLedger {
	fn on_reading(participant: &u64, zone: ZoneCode, energy: &PeriodEnergy) {
		READINGS_SEEN.with(|seen| seen.borrow_mut().push((*participant, zone, *energy)));
	}
	fn on_reading_weight() -> polkadot_sdk::frame_support::weights::Weight {
		polkadot_sdk::frame_support::weights::Weight::from_parts(HOOK_WEIGHT, 0)
	}
}

thread_local! {
	/// The participants the suspension hook was told of, in order.
	pub static SUSPENSIONS_SEEN: std::cell::RefCell<Vec<u64>> =
		const { std::cell::RefCell::new(Vec::new()) };
}

/// Weight the mock's suspension hook declares as its most.
pub const SUSPEND_HOOK_WEIGHT: u64 = 11_000;

/// The market: remembers every suspension it is told of.
pub struct MockMarket;
impl crate::OnParticipantSuspended<u64> for MockMarket {
	fn on_suspended(who: &u64) -> polkadot_sdk::frame_support::weights::Weight {
		SUSPENSIONS_SEEN.with(|seen| seen.borrow_mut().push(*who));
		Self::on_suspended_max_weight()
	}
	fn on_suspended_max_weight() -> polkadot_sdk::frame_support::weights::Weight {
		polkadot_sdk::frame_support::weights::Weight::from_parts(SUSPEND_HOOK_WEIGHT, 0)
	}
}

/// The suspensions the market hook has been told of.
pub fn suspensions_seen() -> Vec<u64> {
	SUSPENSIONS_SEEN.with(|seen| seen.borrow().clone())
}

/// The readings the hook has been told of.
pub fn readings_seen() -> Vec<(u64, ZoneCode, PeriodEnergy)> {
	READINGS_SEEN.with(|seen| seen.borrow().clone())
}
impl ParticipantActivity<u64> for MockActivity {
	fn has_open_orders(_: &u64) -> bool {
		OpenOrders::get()
	}
	fn has_unsettled_periods(_: &u64) -> bool {
		UnsettledPeriods::get()
	}
}

parameter_types! {
	pub const ParticipantDeposit: u64 = DEPOSIT;
	pub const ReadingPriority: u64 = 1_000;
}

impl pallet_prosumer::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ParticipantDeposit = ParticipantDeposit;
	type OperatorOrigin = EnsureRoot<u64>;
	type UnixTime = Timestamp;
	type PeriodSeconds = ConstU32<PERIOD_SECONDS>;
	type OnReading = MockLedger;
	type OnSuspend = MockMarket;
	type MaxReadingDelay = ConstU32<DELAY>;
	type MaxPeriodsRetained = ConstU32<RETAINED>;
	type MaxCapacityW = ConstU32<1_000_000>;
	type ReadingPriority = ReadingPriority;
	type Activity = MockActivity;
	type WeightInfo = ();
	type MeterSignature = TestSignature;
	type MaxReadingsPerBatch = ConstU32<MAX_BATCH>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockClock;
}

/// Sets the mock's clock.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockClock;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64, TestSignature> for MockClock {
	fn set_unix_time_ms(millis: u64) {
		Timestamp::set_timestamp(millis);
	}
	fn sign_as_meter(index: u32, message: &[u8]) -> Option<(u64, TestSignature)> {
		let meter = 10_000 + u64::from(index);
		Some((meter, TestSignature(meter, message.to_vec())))
	}
}

/// `meter`'s signature of `reading` for a concentrator to relay, on the mock's chain.
pub fn meter_signature(meter: u64, reading: &MeterReading) -> TestSignature {
	TestSignature(meter, relayed_reading_message(&Prosumer::genesis_hash(), reading))
}

/// Move the clock into `period` (its first second).
pub fn set_period(period: PeriodIndex) {
	Timestamp::set_timestamp(u64::from(period) * u64::from(PERIOD_SECONDS) * 1_000);
}

/// Alice's profile.
pub fn prosumer_profile(zone: ZoneCode) -> Profile {
	Profile {
		role: Role::Prosumer,
		zone,
		generation_capacity_w: 3_000,
		connection_capacity_w: 10_000,
	}
}

/// Bob's profile.
pub fn consumer_profile(zone: ZoneCode) -> Profile {
	Profile { role: Role::Consumer, zone, generation_capacity_w: 0, connection_capacity_w: 5_000 }
}

/// Storage with Alice, Bob and Charlie funded, the clock in `START_PERIOD`, and the given
/// genesis participants and meters.
pub fn ext_with(participants: Vec<(u64, Profile)>, meters: Vec<(u64, u64)>) -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, 1_000), (BOB, 1_000), (CHARLIE, 1_000)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_prosumer::GenesisConfig::<Test> {
		participants,
		meters,
		period_seconds: 0,
		concentrators: vec![GATEWAY],
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_period(START_PERIOD);
		OpenOrders::set(false);
		UnsettledPeriods::set(false);
	});
	ext
}

/// Run `test` on fresh storage, then check the pallet's invariants.
pub fn run(test: impl FnOnce()) {
	ext_with(vec![], vec![]).execute_with(|| {
		test();
		Prosumer::do_try_state().expect("invariants hold after the test");
	});
}

/// Register and approve `who` with `profile`, and bind `meter` commissioned at `counters`,
/// in the period the clock is in.
pub fn approved_with_meter(who: u64, profile: Profile, meter: u64, counters: MeterCounters) {
	use polkadot_sdk::frame_support::assert_ok;
	assert_ok!(Prosumer::register(RuntimeOrigin::signed(who), profile));
	assert_ok!(Prosumer::approve(RuntimeOrigin::root(), who));
	assert_ok!(Prosumer::bind_meter(RuntimeOrigin::root(), who, meter, counters));
}

/// The period `metered_alice` binds Alice's meter in: the oldest period a reading can be
/// for with the clock in `START_PERIOD`.
pub const BOUND_PERIOD: PeriodIndex = START_PERIOD - DELAY;

/// Register, approve and meter Alice (meter `METER_A`, commissioned at zero in
/// `BOUND_PERIOD`), the clock back in `START_PERIOD`.
pub fn metered_alice() {
	let now = Timestamp::get();
	set_period(BOUND_PERIOD);
	approved_with_meter(ALICE, prosumer_profile(1), METER_A, MeterCounters::default());
	Timestamp::set_timestamp(now);
}

/// The pallet's events so far.
pub fn prosumer_events() -> Vec<pallet_prosumer::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Prosumer(event) => Some(event),
			_ => None,
		})
		.collect()
}
