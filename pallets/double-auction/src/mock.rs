//! A test runtime with balances, a clock, a participant registry and a grid of the tests'
//! choosing, and this pallet.

use crate::{self as pallet_double_auction, *};
use energy_market::{losses::LineParameters, zone::Grid};
use energy_primitives::{Profile, Role};
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
	pub type DoubleAuction = pallet_double_auction;
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
/// The period the clock starts in.
pub const NOW: PeriodIndex = 1_000;
/// Orders per side of a book: small, so that tests reach the bound.
pub const MAX_PER_SIDE: u32 = 3;
/// The deposit each open order holds.
pub const DEPOSIT: u64 = 10;
/// Open orders per account.
pub const MAX_OWN: u32 = 3;
/// Periods ahead orders may be placed.
pub const AHEAD: u32 = 4;

parameter_types! {
	/// The smallest order's power: 4 W is 1 Wh over the mock's 900-s period, so only zero
	/// is dust unless a test raises it.
	pub static MinOrderPower: u32 = 4;
	/// What `on_initialize` may spend a block: a fifth of the mock's 1-s block unless a test
	/// shrinks it to make a clearing take several blocks.
	pub static Budget: polkadot_sdk::frame_support::weights::Weight =
		polkadot_sdk::frame_support::weights::Weight::from_parts(200_000_000_000, u64::MAX / 8);
	pub const OrderDeposit: u64 = DEPOSIT;
}

/// Prosumer in zone 0: 4 kW of generation (1 kWh a period) behind 8 kW (2 kWh a period).
pub const ALICE: u64 = 1;
/// Consumer in zone 0, 8 kW.
pub const BOB: u64 = 2;
/// Producer in zone 2, 40 kW (10 kWh a period).
pub const CHARLIE: u64 = 3;
/// Consumer in zone 1, 8 kW.
pub const DAVE: u64 = 4;
/// Registered, not approved.
pub const EVE: u64 = 5;
/// Approved consumer with almost no funds.
pub const PAUPER: u64 = 9;
/// What each funded account starts with.
pub const FUNDS: u64 = 1_000_000;
/// What the mock ledger's trade hook says one call weighs (ref time), so that the clearing's
/// charge per trade shows in its weight.
pub const ON_TRADE_WEIGHT: u64 = 7_000_000;

thread_local! {
	static PARTICIPANTS: RefCell<BTreeMap<u64, (Profile, bool)>> = RefCell::new(BTreeMap::new());
	static GRID: RefCell<Option<Grid>> = RefCell::new(None);
	/// Every call of the trade hook, `(buyer, seller, sold_wh)`, kept outside storage so that
	/// a test sees the calls a rolled-back clearing made.
	static HOOK_CALLS: RefCell<Vec<(u64, u64, u64)>> = RefCell::new(Vec::new());
}

/// Where the mock ledger keeps what `who` traded in `period`.
fn traded_key(who: u64, period: PeriodIndex) -> Vec<u8> {
	let mut key = b"mock_ledger/traded/".to_vec();
	key.extend_from_slice(&who.to_le_bytes());
	key.extend_from_slice(&period.to_le_bytes());
	key
}

/// The energy ledger: what each account traded per period, as the trade hook reported it.
/// It writes to storage, as pallet-energium does, so that a clearing's storage layer rolls
/// its writes back with the clearing's own.
pub struct MockLedger;
impl OnTrade<u64> for MockLedger {
	fn on_trade(trade: &energy_primitives::TradeRecord<u64>) {
		use polkadot_sdk::frame_support::storage::unhashed;
		let buyer = traded_key(trade.buyer, trade.period);
		let mut bought: energy_primitives::TradedWh = unhashed::get_or_default(&buyer);
		bought.bought_wh += trade.sold_wh;
		unhashed::put(&buyer, &bought);
		let seller = traded_key(trade.seller, trade.period);
		let mut sold: energy_primitives::TradedWh = unhashed::get_or_default(&seller);
		sold.sold_wh += trade.sold_wh;
		unhashed::put(&seller, &sold);
		HOOK_CALLS.with(|c| c.borrow_mut().push((trade.buyer, trade.seller, trade.sold_wh)));
	}
	fn on_trade_weight() -> polkadot_sdk::frame_support::weights::Weight {
		polkadot_sdk::frame_support::weights::Weight::from_parts(ON_TRADE_WEIGHT, 0)
	}
}
impl TradedEnergy<u64> for MockLedger {
	fn traded(who: &u64, period: PeriodIndex) -> energy_primitives::TradedWh {
		polkadot_sdk::frame_support::storage::unhashed::get_or_default(&traded_key(*who, period))
	}
	fn traded_weight() -> polkadot_sdk::frame_support::weights::Weight {
		polkadot_sdk::frame_support::weights::Weight::zero()
	}
}

/// The trade hook's calls so far, `(buyer, seller, sold_wh)`, including those of clearings
/// that were rolled back.
pub fn hook_calls() -> Vec<(u64, u64, u64)> {
	HOOK_CALLS.with(|c| c.borrow().clone())
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

/// The grid: whatever the test set.
pub struct MockGrid;
impl ZoneGrid for MockGrid {
	fn grid() -> Option<Grid> {
		GRID.with(|g| g.borrow().clone())
	}
	fn has_grid() -> bool {
		Self::grid().is_some()
	}
	fn contains(zone: u32) -> bool {
		Self::grid().is_some_and(|g| (zone as usize) < g.zone_count())
	}
}

/// Declare a participant.
pub fn set_participant(
	who: u64,
	role: Role,
	zone: u32,
	generation_w: u32,
	connection_w: u32,
	approved: bool,
) {
	let profile = Profile {
		role,
		zone,
		generation_capacity_w: generation_w,
		connection_capacity_w: connection_w,
	};
	PARTICIPANTS.with(|p| p.borrow_mut().insert(who, (profile, approved)));
}

/// Put `grid` in force (or none).
pub fn set_grid(grid: Option<Grid>) {
	GRID.with(|g| *g.borrow_mut() = grid);
}

/// Three zones 2 km apart along a 20 kV feeder (100 m inside a zone); zones within 2 km
/// trade; a line carries 1.5 kWh per period.
pub fn feeder() -> Grid {
	Grid::from_matrix(
		&[vec![100, 2_000, 4_000], vec![2_000, 100, 2_000], vec![4_000, 2_000, 100]],
		2_000,
		1_500,
		LineParameters::MEDIUM_VOLTAGE_ALUMINIUM,
	)
	.unwrap()
}

/// A weak low-voltage feeder on which losses are visible at household scale: 400 V,
/// 16 mm² aluminium, zones 500 m apart.
pub fn weak_feeder() -> Grid {
	Grid::from_matrix(
		&[vec![0, 500, 1_000], vec![500, 0, 500], vec![1_000, 500, 0]],
		1_000,
		100_000,
		LineParameters {
			resistivity_pohm_m: 28_200,
			cross_section_mm2: 16,
			voltage_v: 400,
			period_s: PERIOD_SECONDS,
		},
	)
	.unwrap()
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for () {
	fn set_unix_time_ms(millis: u64) {
		Timestamp::set_timestamp(millis);
	}
	fn approved_participant(who: &u64, zone: u32) {
		set_participant(*who, Role::Prosumer, zone, 100_000_000, 100_000_000, true);
	}
	fn set_largest_grid() {
		let n = 8;
		let rows: Vec<Vec<u32>> = (0..n).map(|_| vec![100; n]).collect();
		set_grid(Some(
			Grid::from_matrix(&rows, 1_000, u64::MAX, LineParameters::MEDIUM_VOLTAGE_ALUMINIUM)
				.unwrap(),
		));
	}
}

impl pallet_double_auction::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type OperatorOrigin = EnsureRoot<u64>;
	type Participants = MockRegistry;
	type Grid = MockGrid;
	type OnTrade = MockLedger;
	type Traded = MockLedger;
	type UnixTime = Timestamp;
	type PeriodSeconds = ConstU32<PERIOD_SECONDS>;
	type MaxPeriodsAhead = ConstU32<AHEAD>;
	type MaxOpenBooks = ConstU32<{ AHEAD + 2 }>;
	type MaxOrdersPerSide = ConstU32<MAX_PER_SIDE>;
	type OrderDeposit = OrderDeposit;
	type ClearingBudget = Budget;
	type MaxOpenOrdersPerAccount = ConstU32<MAX_OWN>;
	type MinOrderPowerW = MinOrderPower;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// Move the clock into `period` (its first second).
pub fn set_period(period: PeriodIndex) {
	Timestamp::set_timestamp(u64::from(period) * u64::from(PERIOD_SECONDS) * 1_000);
}

/// Storage with the accounts funded, the participants declared, no grid, and the clock in
/// `NOW`.
pub fn new_test_ext() -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(ALICE, FUNDS),
			(BOB, FUNDS),
			(CHARLIE, FUNDS),
			(DAVE, FUNDS),
			(EVE, FUNDS),
			(PAUPER, 10),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		set_period(NOW);
		PARTICIPANTS.with(|p| p.borrow_mut().clear());
		HOOK_CALLS.with(|c| c.borrow_mut().clear());
		set_participant(ALICE, Role::Prosumer, 0, 4_000, 8_000, true);
		set_participant(BOB, Role::Consumer, 0, 0, 8_000, true);
		set_participant(CHARLIE, Role::Producer, 2, 40_000, 0, true);
		set_participant(DAVE, Role::Consumer, 1, 0, 8_000, true);
		set_participant(EVE, Role::Consumer, 0, 0, 8_000, false);
		set_participant(PAUPER, Role::Consumer, 0, 0, 8_000, true);
		set_grid(None);
	});
	ext
}

/// Run `test` on fresh storage, then check the invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		DoubleAuction::do_try_state().expect("invariants hold after the test");
	});
}

/// Run the next block's `on_initialize`.
pub fn next_block() -> polkadot_sdk::frame_support::weights::Weight {
	use polkadot_sdk::frame_support::traits::Hooks;
	let number = System::block_number() + 1;
	System::set_block_number(number);
	DoubleAuction::on_initialize(number)
}

/// The pallet's events so far.
pub fn events() -> Vec<pallet_double_auction::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::DoubleAuction(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The trades among the events so far: `(bid, offer, sold, delivered, lost, buyer price,
/// seller price)`.
pub fn trades() -> Vec<(OrderId, OrderId, u64, u64, u64, u64, u64)> {
	events()
		.into_iter()
		.filter_map(|event| match event {
			Event::Traded {
				bid,
				offer,
				sold_wh,
				delivered_wh,
				lost_wh,
				buyer_price,
				seller_price,
				..
			} => Some((bid, offer, sold_wh, delivered_wh, lost_wh, buyer_price, seller_price)),
			_ => None,
		})
		.collect()
}

/// Escrow held from `who`.
pub fn escrow(who: u64) -> u64 {
	use polkadot_sdk::frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&HoldReason::BidEscrow.into(), &who)
}

/// The ids of `period`'s open orders in its book index, sorted.
pub fn book(period: PeriodIndex) -> Vec<OrderId> {
	let mut ids: Vec<OrderId> = [Side::Bid, Side::Offer]
		.into_iter()
		.flat_map(|side| {
			BookIndex::<Test>::iter_key_prefix((period, side))
				.map(move |key| decode_rank_key(side, &key).1)
		})
		.collect();
	ids.sort();
	ids
}

/// Order deposits held from `who`.
pub fn deposits(who: u64) -> u64 {
	use polkadot_sdk::frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(&HoldReason::OrderDeposit.into(), &who)
}

/// `who`'s free balance.
pub fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}
