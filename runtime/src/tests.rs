//! Runtime-level tests: pallet integrity checks, genesis presets, and the consortium's
//! session manager.

use crate::{
	configs::ConsortiumSessionManager, genesis_config_presets, AccountId, AllPalletsWithSystem,
	Runtime,
};
#[cfg(feature = "try-runtime")]
use polkadot_sdk::frame_support::traits::{TryState, TryStateSelect};
use polkadot_sdk::{
	frame_support::traits::IntegrityTest,
	pallet_session::SessionManager,
	sp_core::{ed25519, Pair},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_io::{hashing::blake2_256, TestExternalities},
	sp_keyring::Sr25519Keyring,
	*,
};

/// Builds the genesis state of `preset` the way a node does: the preset's JSON patch over
/// the default genesis config.
fn genesis_of(preset: &str) -> TestExternalities {
	genesis_config_presets::genesis_storage(preset, serde_json::Value::Null)
		.unwrap_or_else(|e| panic!("preset {preset} builds: {e}"))
		.into()
}

fn accounts(keys: &[Sr25519Keyring]) -> Vec<AccountId> {
	let mut accounts: Vec<AccountId> = keys.iter().map(|k| k.to_account_id()).collect();
	accounts.sort();
	accounts
}

#[test]
fn pallets_pass_their_integrity_tests() {
	TestExternalities::default().execute_with(|| {
		<AllPalletsWithSystem as IntegrityTest>::integrity_test();
	});
}

/// Every pallet's `try_state` on the genesis of every preset. `scripts/test.sh` builds the
/// workspace with `try-runtime` on (the runtime fuzz harness asks for it), so this runs in
/// the suite; `cargo test -p energy-runtime` alone compiles it out.
#[cfg(feature = "try-runtime")]
#[test]
fn every_preset_genesis_passes_every_try_state() {
	for preset in genesis_config_presets::preset_names() {
		genesis_of(&preset).execute_with(|| {
			<AllPalletsWithSystem as TryState<_>>::try_state(0, TryStateSelect::All)
				.unwrap_or_else(|e| panic!("{preset}: genesis breaks an invariant: {e:?}"));
		});
	}
}

#[test]
fn runtime_offers_exactly_the_three_presets() {
	let names: Vec<String> = genesis_config_presets::preset_names();
	assert_eq!(
		names,
		vec![
			DEV_RUNTIME_PRESET.to_string(),
			LOCAL_TESTNET_RUNTIME_PRESET.into(),
			genesis_config_presets::DEV_FAST_PRESET.into()
		]
	);
	assert!(genesis_config_presets::get_preset(&"no-such-preset".into()).is_none());
}

#[test]
fn development_genesis_has_one_validator_and_sudo() {
	genesis_of(DEV_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 1);
		assert_eq!(pallet_session::Validators::<Runtime>::get(), vec![alice.clone()]);
		assert_eq!(crate::ValidatorSet::members().into_inner(), vec![alice.clone()]);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice.clone()));
		let consortium =
			accounts(&[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]);
		assert_eq!(crate::ConsortiumMembership::members().into_inner(), consortium);
		// The collective took its members from the membership pallet.
		assert_eq!(
			pallet_collective::Members::<Runtime, crate::configs::ConsortiumInstance>::get(),
			consortium
		);
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::free_balance(&alice),
			genesis_config_presets::ENDOWMENT
		);
		assert!(pallet_node_authorization::WellKnownNodes::<Runtime>::get().is_empty());
	});
}

#[test]
fn local_genesis_has_four_validators_admitted_nodes_and_no_sudo() {
	genesis_of(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let four = accounts(&[
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
		assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
		let mut session_validators = pallet_session::Validators::<Runtime>::get();
		session_validators.sort();
		assert_eq!(session_validators, four);
		assert_eq!(crate::ValidatorSet::members().into_inner(), four);
		assert_eq!(crate::ConsortiumMembership::members().into_inner(), four);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None, "no sudo outside development");
		let nodes = pallet_node_authorization::WellKnownNodes::<Runtime>::get();
		assert_eq!(nodes.len(), 4);
		for key in genesis_config_presets::LOCAL_NODE_PUBLIC_KEYS {
			let peer = genesis_config_presets::ed25519_peer_id(&key);
			assert!(nodes.contains(&peer));
			assert!(pallet_node_authorization::Owners::<Runtime>::get(&peer).is_some());
		}
	});
}

/// The node keys `scripts/local-net.sh` passes with `--node-key` are the documented
/// derivation, and the preset admits exactly their public keys.
#[test]
fn local_node_keys_follow_their_documented_derivation() {
	for (name, expected) in ["alice", "bob", "charlie", "dave"]
		.iter()
		.zip(genesis_config_presets::LOCAL_NODE_PUBLIC_KEYS)
	{
		let secret = blake2_256(format!("energy-consortium/local/node/{name}").as_bytes());
		let public = ed25519::Pair::from_seed(&secret).public();
		assert_eq!(public.0, expected, "node key of {name}");
	}
}

#[test]
fn peer_id_encoding_is_an_identity_multihash_of_the_protobuf_key() {
	let peer = genesis_config_presets::ed25519_peer_id(&[7u8; 32]);
	assert_eq!(peer.0.len(), 38);
	assert_eq!(&peer.0[..6], &[0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);
	assert_eq!(&peer.0[6..], &[7u8; 32]);
}

#[test]
fn session_manager_keeps_the_queued_set_until_the_consortium_changes_it() {
	genesis_of(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		// Same membership as the queued validators: no change, so no new GRANDPA set.
		assert_eq!(<ConsortiumSessionManager as SessionManager<AccountId>>::new_session(2), None);

		// The consortium removes Dave: the next session plans the other three.
		let dave = Sr25519Keyring::Dave.to_account_id();
		pallet_membership::Members::<Runtime, crate::configs::ValidatorSetInstance>::mutate(
			|members| members.retain(|m| m != &dave),
		);
		let planned = <ConsortiumSessionManager as SessionManager<AccountId>>::new_session(2)
			.expect("a changed membership is handed to the session pallet");
		assert_eq!(
			planned,
			accounts(&[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie])
		);
	});
}

#[test]
fn session_manager_never_hands_over_an_empty_validator_set() {
	genesis_of(DEV_RUNTIME_PRESET).execute_with(|| {
		pallet_membership::Members::<Runtime, crate::configs::ValidatorSetInstance>::kill();
		assert_eq!(<ConsortiumSessionManager as SessionManager<AccountId>>::new_session(2), None);
	});
}

mod meter_readings {
	//! The prosumer pallet as the runtime wires it: demo participants in genesis, and meter
	//! readings judged by the transaction extension inside the runtime's validation.

	use super::*;
	use crate::{configs::PERIOD_SECONDS, Executive, RuntimeCall, UncheckedExtrinsic};
	use pallet_prosumer::{
		MeterCounters, MeterReading, ParticipantRegistry, ParticipantStatus, ReadingRejection,
	};
	use polkadot_sdk::{
		frame_support::dispatch::{GetDispatchInfo, Pays},
		sp_core::sr25519,
		sp_runtime::transaction_validity::{InvalidTransaction, TransactionSource},
	};

	/// A period of the demo clock; the clock is set inside the next one.
	const PERIOD: u32 = 1_960_000;

	fn set_clock_after(period: u32) {
		let millis = (u64::from(period) + 1) * u64::from(PERIOD_SECONDS) * 1_000 + 1;
		pallet_timestamp::Now::<Runtime>::put(millis);
	}

	/// Let the chain's first block end in `period`, as on a node: the prosumer pallet then
	/// records it as the period the genesis meters count from.
	fn start_chain_in(period: u32) {
		use polkadot_sdk::frame_support::traits::Hooks;
		let millis = u64::from(period) * u64::from(PERIOD_SECONDS) * 1_000;
		pallet_timestamp::Now::<Runtime>::put(millis);
		<crate::Prosumer as Hooks<crate::BlockNumber>>::on_finalize(1);
		assert_eq!(pallet_prosumer::ChainStartPeriod::<Runtime>::get(), Some(period));
	}

	fn signed_reading(signer: &sr25519::Pair, reading: MeterReading) -> UncheckedExtrinsic {
		let call = RuntimeCall::Prosumer(pallet_prosumer::Call::submit_reading { reading });
		crate::signed_extrinsic(call, signer, 0).expect("payload")
	}

	fn validate(
		extrinsic: UncheckedExtrinsic,
	) -> polkadot_sdk::sp_runtime::transaction_validity::TransactionValidity {
		let parent = frame_system::Pallet::<Runtime>::block_hash(0);
		Executive::validate_transaction(TransactionSource::External, extrinsic, parent)
	}

	#[test]
	fn demo_meter_keys_follow_their_documented_derivation() {
		for demo in genesis_config_presets::demo_participants() {
			let pair = sr25519::Pair::from_string(demo.meter_uri, None).expect("valid uri");
			assert_eq!(pair.public().0, demo.meter_public, "{}", demo.meter_uri);
		}
	}

	#[test]
	fn both_presets_register_the_demo_participants_with_their_meters() {
		for preset in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
			genesis_of(preset).execute_with(|| {
				let demos = genesis_config_presets::demo_participants();
				let zones: Vec<u32> = demos.iter().map(|d| d.profile.zone).collect();
				assert_eq!(zones, vec![1, 2, 3], "demo participants sit in different zones");
				for demo in demos {
					let who = demo.keyring.to_account_id();
					let record = pallet_prosumer::Participants::<Runtime>::get(&who)
						.unwrap_or_else(|| panic!("{preset}: {:?} registered", demo.keyring));
					assert_eq!(record.status, ParticipantStatus::Approved);
					assert_eq!(record.profile, demo.profile);
					assert_eq!(record.meter, Some(AccountId::from(demo.meter_public)));
					assert!(pallet_prosumer::Pallet::<Runtime>::is_approved(&who));
					assert!(frame_system::Pallet::<Runtime>::account_exists(&AccountId::from(
						demo.meter_public
					)));
				}
			});
		}
	}

	#[test]
	fn readings_are_feeless() {
		let call = RuntimeCall::Prosumer(pallet_prosumer::Call::submit_reading {
			reading: MeterReading { period: PERIOD, counters: MeterCounters::default() },
		});
		assert_eq!(call.get_dispatch_info().pays_fee, Pays::No);
	}

	#[test]
	fn the_runtime_validates_a_demo_meters_reading_and_refuses_an_unknown_key() {
		genesis_of(DEV_RUNTIME_PRESET).execute_with(|| {
			start_chain_in(PERIOD);
			set_clock_after(PERIOD);
			let reading = MeterReading {
				period: PERIOD,
				counters: MeterCounters { imported_wh: 1_000, exported_wh: 500 },
			};
			let dave_meter = sr25519::Pair::from_string("//Dave//meter", None).unwrap();
			let validity = validate(signed_reading(&dave_meter, reading)).expect("valid");
			assert!(validity.priority >= crate::configs::MeterReadingPriority::get());

			// An unknown key has no account either; the extension answers before
			// `CheckNonce` could call it a payment problem.
			let stranger = sr25519::Pair::from_string("//Stranger//meter", None).unwrap();
			assert_eq!(
				validate(signed_reading(&stranger, reading)),
				Err(InvalidTransaction::Custom(ReadingRejection::UnknownMeter.code()).into())
			);
			// Dave's own account is not his meter.
			assert_eq!(
				validate(signed_reading(&Sr25519Keyring::Dave.pair(), reading)),
				Err(InvalidTransaction::Custom(ReadingRejection::UnknownMeter.code()).into())
			);
			// More than 5 kW of PV can export in a quarter hour (1,250 Wh).
			let implausible = MeterReading {
				period: PERIOD,
				counters: MeterCounters { imported_wh: 0, exported_wh: 1_251 },
			};
			assert_eq!(
				validate(signed_reading(&dave_meter, implausible)),
				Err(InvalidTransaction::Custom(ReadingRejection::ImplausibleExport.code()).into())
			);
		});
	}
}

mod relayed_readings {
	//! A data concentrator's batch of readings signed by real sr25519 meter keys, as the
	//! runtime validates and weighs it.

	use super::*;
	use crate::{configs::MeterSignature, Executive, RuntimeCall, RuntimeOrigin};
	use codec::Encode;
	use pallet_prosumer::{
		relayed_reading_message, MeterCounters, MeterReading, ReadingBatchOf, RelayedReading,
	};
	use polkadot_sdk::{
		frame_support::{
			assert_ok,
			dispatch::{DispatchClass, GetDispatchInfo, Pays},
			traits::Get,
		},
		sp_core::sr25519,
		sp_runtime::{
			traits::TransactionExtension,
			transaction_validity::{InvalidTransaction, TransactionSource},
		},
	};

	const PERIOD: u32 = 1_960_000;

	fn relayed(uri: &str, reading: MeterReading) -> pallet_prosumer::RelayedReadingOf<Runtime> {
		let pair = sr25519::Pair::from_string(uri, None).expect("a valid uri");
		let genesis = frame_system::Pallet::<Runtime>::block_hash(0);
		let signature = pair.sign(&relayed_reading_message(&genesis, &reading));
		RelayedReading {
			meter: pair.public().into(),
			reading,
			signature: MeterSignature(signature),
		}
	}

	#[test]
	fn a_concentrator_relays_demo_meters_readings_signed_with_their_keys() {
		genesis_of(DEV_RUNTIME_PRESET).execute_with(|| {
			let millis = u64::from(PERIOD) * u64::from(crate::configs::PERIOD_SECONDS) * 1_000;
			pallet_timestamp::Now::<Runtime>::put(millis);
			<crate::Prosumer as polkadot_sdk::frame_support::traits::Hooks<crate::BlockNumber>>::on_finalize(1);
			pallet_timestamp::Now::<Runtime>::put(millis + 900_001);
			let gateway = sr25519::Pair::from_string("//Gateway", None).expect("uri");
			assert_ok!(crate::Prosumer::add_concentrator(
				RuntimeOrigin::root(),
				gateway.public().into()
			));

			let reading = MeterReading {
				period: PERIOD,
				counters: MeterCounters { imported_wh: 1_000, exported_wh: 500 },
			};
			let readings = ReadingBatchOf::<Runtime>::truncate_from(vec![
				relayed("//Dave//meter", reading),
				// Eve consumes only.
				relayed(
					"//Eve//meter",
					MeterReading { counters: MeterCounters { imported_wh: 1_000, exported_wh: 0 }, ..reading },
				),
				// Signed by Dave's meter, relayed as Ferdie's.
				RelayedReading { meter: sr25519::Pair::from_string("//Ferdie//meter", None).unwrap().public().into(), ..relayed("//Dave//meter", reading) },
			]);
			let call = RuntimeCall::Prosumer(pallet_prosumer::Call::submit_readings { readings });
			assert_eq!(call.get_dispatch_info().pays_fee, Pays::No);
			let parent = frame_system::Pallet::<Runtime>::block_hash(0);
			let extrinsic = crate::signed_extrinsic(call.clone(), &gateway, 0).expect("payload");
			let validity =
				Executive::validate_transaction(TransactionSource::External, extrinsic, parent)
					.expect("two readings are acceptable");
			// The readings' priority per acceptable reading (the payment extension adds its
			// own on top): it outranks Dave's meter sending the same reading itself, with its
			// payment share, so the pool lets the batch replace it.
			assert!(validity.priority >= crate::configs::MeterReadingPriority::get() * 2);
			let dave_meter = sr25519::Pair::from_string("//Dave//meter", None).expect("uri");
			let own = RuntimeCall::Prosumer(pallet_prosumer::Call::submit_reading { reading });
			let own = crate::signed_extrinsic(own, &dave_meter, 0).expect("payload");
			let own = Executive::validate_transaction(TransactionSource::External, own, parent)
				.expect("Dave's meter's own reading is valid");
			assert_eq!(own.provides[0], validity.provides[0], "the same (meter, period) tag");
			assert!(validity.priority > own.priority, "{} > {}", validity.priority, own.priority);
			// Dave's and Eve's (meter, period) tags, and the gateway's nonce.
			assert_eq!(validity.provides.len(), 3);

			// Only a registered concentrator relays.
			let stranger = sr25519::Pair::from_string("//Stranger", None).expect("uri");
			let extrinsic = crate::signed_extrinsic(call, &stranger, 0).expect("payload");
			let code = pallet_prosumer::Error::<Runtime>::NotConcentrator.encode()[0];
			assert_eq!(
				Executive::validate_transaction(TransactionSource::External, extrinsic, parent),
				Err(InvalidTransaction::Custom(code).into())
			);
		});
	}

	/// How many readings a block takes, each sent by its meter or relayed in full batches:
	/// figures for docs/benchmarks.md ("Meter readings").
	#[test]
	fn relayed_readings_fit_a_block_several_times_over_direct_ones() {
		let weights = <Runtime as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal);
		let max_normal = normal.max_total.expect("normal extrinsics are limited").ref_time();
		let reading = MeterReading { period: PERIOD, counters: MeterCounters::default() };
		let direct = RuntimeCall::Prosumer(pallet_prosumer::Call::submit_reading { reading });
		let cost = |call: &RuntimeCall,
		            call_weight: polkadot_sdk::frame_support::weights::Weight| {
			normal
				.base_extrinsic
				.saturating_add(crate::tx_extension(0).weight(call))
				.saturating_add(call_weight)
				.ref_time()
		};
		let direct_per_block = max_normal / cost(&direct, direct.get_dispatch_info().call_weight);

		let n = <Runtime as pallet_prosumer::Config>::MaxReadingsPerBatch::get();
		assert!(n <= 500, "the ledger's on_readings is benchmarked up to 500 readings");
		let batch = ReadingBatchOf::<Runtime>::truncate_from(vec![
			RelayedReading {
				meter: AccountId::from([0u8; 32]),
				reading,
				signature: MeterSignature(sr25519::Signature::from_raw([0u8; 64])),
			};
			n as usize
		]);
		let relayed =
			RuntimeCall::Prosumer(pallet_prosumer::Call::submit_readings { readings: batch });
		let charged = relayed.get_dispatch_info().call_weight;
		assert_eq!(charged, crate::Prosumer::submit_readings_weight(n, n, n));
		// Charged as if each reading were in a zone and period of its own; a town's batch
		// is refunded down to its zones (32 at most) in one period.
		let per_batch_worst = cost(&relayed, charged);
		let per_batch_town = cost(&relayed, crate::Prosumer::submit_readings_weight(n, n, 32));
		let worst_per_block = max_normal / per_batch_worst * u64::from(n);
		let town_per_block = u64::from(n) * max_normal / per_batch_town;
		println!(
			"readings per block: {direct_per_block} sent by their meters; relayed in batches of {n}: \
			 {worst_per_block} charged at the worst, {town_per_block} after refunds in 32 zones \
			 ({:.0} µs a relayed reading against {:.0} µs a direct one)",
			per_batch_town as f64 / f64::from(n) / 1e6,
			max_normal as f64 / direct_per_block as f64 / 1e6,
		);
		assert!(town_per_block >= 2 * direct_per_block, "{town_per_block} vs {direct_per_block}");
	}
}

mod market {
	//! The grid, the clearing's weight bound, and orders on the demo chain.

	use super::*;
	use crate::{DoubleAuction, RuntimeOrigin, ZoneMarket};
	use pallet_double_auction::{Mechanism, Side};
	use pallet_zone_market::ZoneGrid;
	use polkadot_sdk::frame_support::{assert_ok, traits::Hooks};

	#[test]
	fn both_presets_put_every_demo_participant_on_the_demo_grid() {
		for preset in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
			genesis_of(preset).execute_with(|| {
				let grid = <ZoneMarket as ZoneGrid>::grid().expect("a demo grid");
				assert_eq!(grid.zone_count(), 4);
				for demo in genesis_config_presets::demo_participants() {
					assert!(<ZoneMarket as ZoneGrid>::contains(demo.profile.zone));
				}
				// Dave (1) and Ferdie (3) are 1 km apart: just within reach.
				assert_eq!(grid.distance_m(1, 3), Ok(grid.max_distance_m));
				assert!(grid.distance_m(0, 3).unwrap() > grid.max_distance_m);
			});
		}
	}

	#[test]
	fn every_block_hook_at_its_worst_fits_in_a_quarter_of_a_block() {
		// The double auction's closing and clearing (each trade telling the ledger), and the
		// ledger's settlement step, all in one block.
		let worst = DoubleAuction::worst_case_block_weight()
			.saturating_add(crate::Energium::worst_case_block_weight());
		let max_block = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
		println!("worst-case on_initialize: {worst} of {max_block}");
		assert!(worst.all_lte(max_block / 4), "{worst} against {max_block}");
		assert!(worst.ref_time() > 0, "the weights are benchmarked, not zero");
	}

	/// The market's capacity from the benchmarked weights: orders placed per block, and
	/// blocks to clear a full book. Prints the table of docs/benchmarks.md ("Market at
	/// scale") and checks the issue's targets: at least 1 000 placements a block, and a
	/// determination of the largest book within the clearing budget.
	#[test]
	fn the_market_places_a_thousand_orders_a_block_and_clears_a_full_book_in_bounded_blocks() {
		use polkadot_sdk::{
			frame_support::{
				dispatch::{DispatchClass, GetDispatchInfo},
				traits::Get,
			},
			sp_runtime::traits::TransactionExtension,
		};
		type DA = DoubleAuction;
		let weights = <Runtime as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal);
		let max_normal = normal.max_total.expect("normal extrinsics are limited");
		let call = crate::RuntimeCall::DoubleAuction(pallet_double_auction::Call::place_order {
			side: Side::Bid,
			period: 0,
			energy_wh: 1_000,
			price_per_kwh: 1,
		});
		// What every signed transaction costs besides its call: the base, and the
		// transaction extensions' own benchmarked weight.
		let overhead = normal.base_extrinsic.saturating_add(crate::tx_extension(0).weight(&call));
		let per_block = |call_weight: polkadot_sdk::frame_support::weights::Weight| {
			max_normal.ref_time() / overhead.saturating_add(call_weight).ref_time()
		};
		// A household's order into an open book (the usual case), and the worst: a full list
		// of the caller's orders read for the capacity check and an eviction.
		let typical = per_block(DA::place_order_weight(0, false));
		let worst_charge = call.get_dispatch_info().call_weight;
		let worst = per_block(DA::place_order_weight(
			<Runtime as pallet_double_auction::Config>::MaxOpenOrdersPerAccount::get(),
			true,
		));
		println!("placements per block: {typical} typical, {worst} at the worst charge");
		assert_eq!(worst_charge, DA::place_order_weight(16, true));
		assert!(typical >= 1_000, "{typical} placements a block");

		// Blocks to clear a book of n orders: the determination and as many trades as fit in
		// the first block's budget, then the budget's worth of trades a block. A step of k
		// items weighs `base + k · slope` (the benchmarks are linear in k).
		let budget = <Runtime as pallet_double_auction::Config>::ClearingBudget::get();
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		let fits =
			|room: u64, step: &dyn Fn(u32) -> polkadot_sdk::frame_support::weights::Weight| {
				let slope = step(2).ref_time() - step(1).ref_time();
				let base = step(1).ref_time() - slope;
				room.saturating_sub(base) / slope
			};
		let settle = |k: u32| DA::settle_weight(k);
		let per_block_trades = fits(budget.saturating_sub(db.reads(4)).ref_time(), &settle);
		println!("trades settled per block: {per_block_trades}");
		for n in [1_000u32, 3_000, 10_000] {
			for (name, mechanism, trades) in [
				("uniform", Mechanism::UniformPrice { k_ppm: 500_000 }, n - 1),
				("mcafee", Mechanism::McAfee, n - 1),
				// Each step of the zone market exhausts an order or a zone pair's line.
				("zone", Mechanism::ZoneMarket, n + 32 * 31 / 2),
			] {
				let determine = DA::determination_weight(mechanism, n).saturating_add(db.reads(7));
				assert!(determine.all_lte(budget), "{name} {n}: {determine} within {budget}");
				let first = fits(budget.saturating_sub(determine).ref_time(), &settle);
				let rest = u64::from(trades).saturating_sub(first);
				let blocks = 1 + rest.div_ceil(per_block_trades);
				println!(
					"{name} book of {n}: determination {:.1} ms, {trades} trades, {blocks} blocks",
					determine.ref_time() as f64 / 1e9
				);
			}
		}
		let expire = |k: u32| DA::expire_weight(k);
		let closed = fits(budget.saturating_sub(db.reads(4)).ref_time(), &expire);
		println!("orders closed per block: {closed}");
		// The live 3 000-participant test (market-scale.test.mjs) settles 306 trades a block.
		assert!(per_block_trades >= 300, "{per_block_trades} trades a block");
	}

	#[test]
	fn demo_participants_trade_on_the_demo_chain_in_the_next_block() {
		genesis_of(DEV_RUNTIME_PRESET).execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(1);
			// 2027-01-01T00:00:00Z, in period 1 992 768 of 900 s.
			// Set directly: `Timestamp::set` would also move Aura's slot checks.
			polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(1_798_761_600_000);
			let period = DoubleAuction::current_period() + 1;
			let unit = crate::UNIT as u64;
			let signed = |k: Sr25519Keyring| RuntimeOrigin::signed(k.to_account_id());
			assert_ok!(DoubleAuction::place_order(
				signed(Sr25519Keyring::Eve),
				Side::Bid,
				period,
				1_000,
				unit * 3 / 10
			));
			assert_ok!(DoubleAuction::place_order(
				signed(Sr25519Keyring::Ferdie),
				Side::Offer,
				period,
				1_000,
				unit / 10
			));
			// The runtime API's dry run shows the trade the next block makes.
			let preview = DoubleAuction::preview_clearing(period).expect("a book to preview");
			assert_eq!((preview.orders, preview.trades.len()), (2, 1));
			let weight = DoubleAuction::on_initialize(2);
			assert!(weight.ref_time() > 0);
			let traded =
				frame_system::Pallet::<Runtime>::events().into_iter().find_map(
					|record| match record.event {
						crate::RuntimeEvent::DoubleAuction(
							pallet_double_auction::Event::Traded {
								sold_wh,
								lost_wh,
								buyer_price,
								..
							},
						) => Some((sold_wh, lost_wh, buyer_price)),
						_ => None,
					},
				);
			let previewed = &preview.trades[0];
			assert_eq!(
				traded,
				Some((previewed.sold_wh, previewed.lost_wh, previewed.buyer_price)),
				"the clearing made the previewed trade"
			);
			let filled = pallet_double_auction::Orders::<Runtime>::iter().next().is_none();
			assert!(filled, "both orders filled");
			assert_eq!(
				pallet_double_auction::MarketMechanism::<Runtime>::get(),
				Mechanism::UniformPrice { k_ppm: 500_000 }
			);
			use polkadot_sdk::frame_support::traits::fungible::InspectHold;
			let escrow = crate::Balances::balance_on_hold(
				&pallet_double_auction::HoldReason::BidEscrow.into(),
				&Sr25519Keyring::Eve.to_account_id(),
			);
			assert_eq!(escrow, 0, "the filled bid holds nothing");
			// The trade credited Eve with EGM, and Ferdie cannot sell the same energy twice.
			let eve = Sr25519Keyring::Eve.to_account_id();
			// 1 kWh over the 500 m between zones 3 and 2 of the demo feeder in a quarter hour
			// loses 2.35 Wh (demo_grid's figure, worked by hand), rounded to 2 Wh.
			assert_eq!(lost_wh(&eve), 2);
			assert_eq!(crate::Energium::buyer_info(&eve).balance_wh, 998);
			let ferdie_sold =
				<crate::Energium as energy_primitives::TradedEnergy<AccountId>>::traded(
					&Sr25519Keyring::Ferdie.to_account_id(),
					period,
				);
			assert_eq!(ferdie_sold.sold_wh, 1_000);
		});
	}

	#[test]
	fn a_suspended_participants_orders_are_cancelled_and_its_escrow_released() {
		use polkadot_sdk::frame_support::{
			dispatch::GetDispatchInfo, traits::fungible::InspectHold,
		};
		genesis_of(DEV_RUNTIME_PRESET).execute_with(|| {
			frame_system::Pallet::<Runtime>::set_block_number(1);
			polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(1_798_761_600_000);
			let period = DoubleAuction::current_period() + 1;
			let eve = Sr25519Keyring::Eve.to_account_id();
			let escrow = || {
				crate::Balances::balance_on_hold(
					&pallet_double_auction::HoldReason::BidEscrow.into(),
					&eve,
				)
			};
			let unit = crate::UNIT as u64;
			for energy in [300, 200] {
				assert_ok!(DoubleAuction::place_order(
					RuntimeOrigin::signed(eve.clone()),
					Side::Bid,
					period,
					energy,
					unit / 10
				));
			}
			assert!(escrow() > 0);
			// Root stands for the consortium in the development preset.
			let suspend = pallet_prosumer::Call::<Runtime>::suspend { who: eve.clone() };
			let charged = suspend.get_dispatch_info().call_weight;
			assert_ok!(crate::Prosumer::suspend(RuntimeOrigin::root(), eve.clone()));
			assert_eq!(escrow(), 0, "the escrow is released");
			assert!(pallet_double_auction::OpenOrdersOf::<Runtime>::get(&eve).is_empty());
			assert!(pallet_double_auction::Orders::<Runtime>::iter().next().is_none());
			// The call pays in advance for the most orders an account can have open.
			let own = <<Runtime as pallet_prosumer::Config>::WeightInfo as pallet_prosumer::WeightInfo>::suspend();
			let cancel = <<Runtime as pallet_double_auction::Config>::WeightInfo as pallet_double_auction::WeightInfo>::cancel_order();
			assert!(charged.ref_time() > own.ref_time() + 2 * cancel.ref_time());
		});
	}

	/// What the energy ledger shows `who` lost in delivery: bought minus received.
	fn lost_wh(who: &AccountId) -> u64 {
		let info = crate::Energium::buyer_info(who);
		info.open_periods.iter().map(|entry| entry.bought_wh - entry.received_wh).sum()
	}

	#[test]
	fn the_settlement_queue_has_room_for_every_period_in_play() {
		use polkadot_sdk::frame_support::traits::Get;
		// Ledger entries open for every period with a book (orders, up to a day ahead), the
		// current one (tariff purchases) and the readings' window back; each waits out the
		// window after its end. The queue must hold them all, with as much again for a
		// settlement backlog, or a hook could not queue a period.
		let books: u32 = <Runtime as pallet_double_auction::Config>::MaxOpenBooks::get();
		let window: u32 = <Runtime as pallet_prosumer::Config>::MaxReadingDelay::get();
		let delay: u32 = <Runtime as pallet_energium::Config>::SettlementDelay::get();
		let queue: u32 = <Runtime as pallet_energium::Config>::MaxPendingPeriods::get();
		assert_eq!(delay, window, "settlement waits exactly the readings' window");
		let in_play = books + 1 + window + delay + 1;
		assert!(queue >= 2 * in_play, "{queue} periods against {in_play} in play");
	}

	#[test]
	fn the_fast_preset_has_short_periods_and_every_preset_a_tariff() {
		genesis_of(genesis_config_presets::DEV_FAST_PRESET).execute_with(|| {
			assert_eq!(pallet_prosumer::PeriodLength::<Runtime>::get(), 12);
			assert_eq!(
				<crate::configs::PeriodLength as polkadot_sdk::frame_support::traits::Get<u32>>::get(),
				12
			);
		});
		for preset in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
			genesis_of(preset).execute_with(|| {
				let grid = crate::configs::GridAccount::get();
				assert!(crate::Balances::free_balance(&grid) >= crate::EXISTENTIAL_DEPOSIT);
				assert_eq!(pallet_prosumer::PeriodLength::<Runtime>::get(), 900);
				assert_eq!(
					pallet_energium::GridTariff::<Runtime>::get(),
					Some(genesis_config_presets::demo_tariff())
				);
			});
		}
	}
}

/// The session length: a minute in every preset, an hour for a genesis that sets none, and a
/// minute kept by a chain that ran before `SessionLength`.
mod session_length {
	use super::*;
	use crate::{Migrations, DEFAULT_SESSION_PERIOD, SESSION_PERIOD};
	use pallet_session_length::{BlocksPerSession, SessionPeriod};
	use polkadot_sdk::frame_support::traits::{Get, OnRuntimeUpgrade};

	#[test]
	fn every_preset_rotates_every_minute() {
		assert_eq!(SESSION_PERIOD, 10);
		for preset in genesis_config_presets::preset_names() {
			genesis_of(&preset).execute_with(|| {
				assert_eq!(SessionPeriod::<Runtime>::get(), SESSION_PERIOD, "{preset}");
			});
		}
	}

	#[test]
	fn a_genesis_without_a_length_rotates_every_hour() {
		assert_eq!(DEFAULT_SESSION_PERIOD, 600);
		let patch = serde_json::json!({ "sessionLength": { "blocksPerSession": null } });
		let mut ext: TestExternalities =
			genesis_config_presets::genesis_storage(LOCAL_TESTNET_RUNTIME_PRESET, patch)
				.expect("the patched preset builds")
				.into();
		ext.execute_with(|| {
			assert!(BlocksPerSession::<Runtime>::exists());
			assert_eq!(SessionPeriod::<Runtime>::get(), DEFAULT_SESSION_PERIOD);
		});
	}

	#[test]
	fn a_chain_from_before_the_pallet_keeps_rotating_every_minute() {
		genesis_of(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
			BlocksPerSession::<Runtime>::kill();
			assert_eq!(SessionPeriod::<Runtime>::get(), DEFAULT_SESSION_PERIOD);
			<Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
			assert_eq!(SessionPeriod::<Runtime>::get(), SESSION_PERIOD);
			// A later upgrade leaves a stored length alone.
			BlocksPerSession::<Runtime>::put(DEFAULT_SESSION_PERIOD);
			<Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
			assert_eq!(SessionPeriod::<Runtime>::get(), DEFAULT_SESSION_PERIOD);
		});
	}
}
