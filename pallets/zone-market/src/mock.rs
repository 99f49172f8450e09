//! A test runtime with this pallet alone.

use crate::{self as pallet_zone_market, *};
use polkadot_sdk::{
	frame_support::{derive_impl, traits::ConstU32, BoundedVec},
	frame_system::{self, EnsureRoot},
	sp_io::TestExternalities,
	sp_runtime::BuildStorage,
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
	pub type ZoneMarket = pallet_zone_market;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// The most zones of the mock: small, so that tests reach the bound.
pub const MAX_ZONES: u32 = 4;

impl pallet_zone_market::Config for Test {
	type OperatorOrigin = EnsureRoot<u64>;
	type PeriodSeconds = ConstU32<900>;
	type MaxZones = ConstU32<MAX_ZONES>;
	type WeightInfo = ();
}

/// 20 kV, 95 mm² aluminium; zones within 3 km trade; 500 kWh per line and period.
pub fn rules() -> TradingRules {
	TradingRules {
		max_distance_m: 3_000,
		line_capacity_wh: 500_000,
		line: LineSpec { resistivity_pohm_m: 28_200, cross_section_mm2: 95, voltage_v: 20_000 },
	}
}

/// Three zones along a feeder, 2 km apart, 100 m inside each.
pub fn feeder() -> Vec<Vec<u32>> {
	vec![vec![100, 2_000, 4_000], vec![2_000, 100, 2_000], vec![4_000, 2_000, 100]]
}

/// `rows` as the call's bounded matrix (rows beyond the bound are cut).
pub fn bounded(rows: Vec<Vec<u32>>) -> DistanceMatrixOf<Test> {
	BoundedVec::truncate_from(rows.into_iter().map(BoundedVec::truncate_from).collect())
}

/// Storage with the given genesis grid.
pub fn ext_with(distances_m: Vec<Vec<u32>>, rules: Option<TradingRules>) -> TestExternalities {
	ext_with_lines(distances_m, rules, vec![])
}

/// Storage with the given genesis grid and zone pairs' lines.
pub fn ext_with_lines(
	distances_m: Vec<Vec<u32>>,
	rules: Option<TradingRules>,
	lines: Vec<(ZoneIndex, ZoneIndex, u32, LineData)>,
) -> TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_zone_market::GenesisConfig::<Test> {
		distances_m,
		rules,
		lines,
		_config: Default::default(),
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Storage with no grid.
pub fn new_test_ext() -> TestExternalities {
	ext_with(vec![], None)
}

/// Run `test` on storage with no grid, then check the invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		ZoneMarket::do_try_state().expect("invariants hold after the test");
	});
}

/// The pallet's events so far.
pub fn events() -> Vec<pallet_zone_market::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::ZoneMarket(event) => Some(event),
			_ => None,
		})
		.collect()
}
