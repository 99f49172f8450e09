//! Benchmarks of the pallet's calls and of its transaction extension, each in its worst case:
//! the participant's energy history full (so a reading drops the oldest period and binding
//! reads the last), a pending zone change, a meter to revoke on deregistration.

use super::*;
use alloc::vec;
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate},
	},
	frame_system::RawOrigin,
	sp_runtime::traits::Saturating,
};

/// A period well after the Unix epoch (the year 2027 in quarter hours).
const BASE_PERIOD: PeriodIndex = 1_900_000;

/// A capacity every runtime's `MaxCapacityW` allows (`integrity_test` checks it is > 0).
const SMALL_CAPACITY_W: Watts = 1;

fn profile(zone: ZoneCode) -> Profile {
	Profile {
		role: Role::Prosumer,
		zone,
		generation_capacity_w: SMALL_CAPACITY_W,
		connection_capacity_w: SMALL_CAPACITY_W,
	}
}

/// A profile at the runtime's largest capacity, so that readings may carry real energy.
fn big_profile<T: Config>(zone: ZoneCode) -> Profile {
	let max = T::MaxCapacityW::get();
	Profile { generation_capacity_w: max, connection_capacity_w: max, ..profile(zone) }
}

fn set_period<T: Config>(period: PeriodIndex) {
	let millis = u64::from(period)
		.saturating_mul(u64::from(Pallet::<T>::period_seconds()))
		.saturating_mul(1_000);
	T::BenchmarkHelper::set_unix_time_ms(millis);
}

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::ParticipantDeposit::get()
		.saturating_mul(10u32.into())
		.saturating_add(T::Currency::minimum_balance());
	T::Currency::set_balance(&who, amount);
	who
}

fn operator<T: Config>() -> Result<T::RuntimeOrigin, BenchmarkError> {
	T::OperatorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)
}

/// An approved participant with a bound meter and a full energy history ending in the
/// period before `BASE_PERIOD`; the clock stands in `BASE_PERIOD + 1`.
fn metered_participant<T: Config>() -> Result<(T::AccountId, T::AccountId), BenchmarkError> {
	let who = funded::<T>("participant", 0);
	let meter: T::AccountId = account("meter", 0, 0);
	Pallet::<T>::do_register(who.clone(), big_profile::<T>(1))?;
	Pallet::<T>::do_approve(who.clone())?;
	fill_history::<T>(&who);
	Pallet::<T>::do_bind_meter(who.clone(), meter.clone(), MeterCounters::default())?;
	set_period::<T>(BASE_PERIOD + 1);
	Ok((who, meter))
}

/// Make `meter` look unread since genesis, so that a reading takes the branch that also
/// reads the chain's first period. Together with the full history of `metered_participant`
/// (which a meter bound at genesis would not have yet) this bounds both branches at once.
fn as_if_bound_at_genesis<T: Config>(meter: &T::AccountId) {
	Meters::<T>::mutate(meter, |record| {
		if let Some(record) = record {
			record.last_period = None;
		}
	});
	ChainStartPeriod::<T>::put(BASE_PERIOD);
}

/// Fill `who`'s history with `MaxPeriodsRetained` periods ending at `BASE_PERIOD - 1`.
fn fill_history<T: Config>(who: &T::AccountId) {
	let retained = T::MaxPeriodsRetained::get();
	let first = BASE_PERIOD.saturating_sub(retained);
	let history: vec::Vec<PeriodEnergy> = (first..BASE_PERIOD)
		.map(|period| PeriodEnergy { period, imported_wh: 1, exported_wh: 1 })
		.collect();
	EnergyHistory::<T>::insert(who, EnergyHistoryOf::<T>::truncate_from(history));
}

fn full_history<T: Config>(who: &T::AccountId) -> bool {
	EnergyHistory::<T>::get(who).len() as u32 == T::MaxPeriodsRetained::get()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() {
		let who = funded::<T>("participant", 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), profile(1));

		assert!(Participants::<T>::contains_key(&who));
	}

	#[benchmark]
	fn update_profile() -> Result<(), BenchmarkError> {
		let (who, _) = metered_participant::<T>()?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), big_profile::<T>(2));

		assert_eq!(Participants::<T>::get(&who).and_then(|p| p.requested_zone), Some(2));
		Ok(())
	}

	#[benchmark]
	fn deregister() -> Result<(), BenchmarkError> {
		let (who, meter) = metered_participant::<T>()?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));

		assert!(!Participants::<T>::contains_key(&who));
		assert_eq!(Meters::<T>::get(&meter).map(|m| m.status), Some(MeterStatus::Revoked));
		Ok(())
	}

	#[benchmark]
	fn approve() -> Result<(), BenchmarkError> {
		let (who, _) = metered_participant::<T>()?;
		Pallet::<T>::do_update_profile(who.clone(), big_profile::<T>(2))?;
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(Participants::<T>::get(&who).map(|p| p.profile.zone), Some(2));
		Ok(())
	}

	#[benchmark]
	fn suspend() -> Result<(), BenchmarkError> {
		let (who, _) = metered_participant::<T>()?;
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(
			Participants::<T>::get(&who).map(|p| p.status),
			Some(ParticipantStatus::Suspended)
		);
		Ok(())
	}

	#[benchmark]
	fn bind_meter() -> Result<(), BenchmarkError> {
		let who = funded::<T>("participant", 0);
		Pallet::<T>::do_register(who.clone(), big_profile::<T>(1))?;
		fill_history::<T>(&who);
		let meter: T::AccountId = account("meter", 0, 0);
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), meter.clone(), MeterCounters::default());

		assert_eq!(Meters::<T>::get(&meter).and_then(|m| m.last_period), Some(BASE_PERIOD - 1));
		Ok(())
	}

	#[benchmark]
	fn revoke_meter() -> Result<(), BenchmarkError> {
		let (who, meter) = metered_participant::<T>()?;
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert_eq!(Meters::<T>::get(&meter).map(|m| m.status), Some(MeterStatus::Revoked));
		Ok(())
	}

	#[benchmark]
	fn rotate_meter() -> Result<(), BenchmarkError> {
		let (who, old_meter) = metered_participant::<T>()?;
		let new_meter: T::AccountId = account("meter", 1, 0);
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), new_meter.clone(), MeterCounters::default());

		assert_eq!(Meters::<T>::get(&old_meter).map(|m| m.status), Some(MeterStatus::Revoked));
		assert_eq!(Participants::<T>::get(&who).and_then(|p| p.meter), Some(new_meter));
		Ok(())
	}

	#[benchmark]
	fn submit_reading() -> Result<(), BenchmarkError> {
		let (who, meter) = metered_participant::<T>()?;
		let reading = MeterReading {
			period: BASE_PERIOD,
			counters: MeterCounters { imported_wh: 1_000, exported_wh: 1_000 },
		};
		assert!(full_history::<T>(&who));
		as_if_bound_at_genesis::<T>(&meter);

		#[extrinsic_call]
		_(RawOrigin::Signed(meter), reading);

		assert!(full_history::<T>(&who));
		assert_eq!(
			EnergyHistory::<T>::get(&who).last().map(|energy| energy.period),
			Some(BASE_PERIOD)
		);
		Ok(())
	}

	/// A concentrator's batch of `n` readings, every one recorded: each of its own
	/// participant with a full history and a meter unread since genesis, each signature
	/// checked.
	#[benchmark]
	fn submit_readings(
		n: Linear<1, { T::MaxReadingsPerBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let concentrator: T::AccountId = account("concentrator", 0, 0);
		Pallet::<T>::do_add_concentrator(concentrator.clone())?;
		ChainStartPeriod::<T>::put(BASE_PERIOD);
		let reading = MeterReading {
			period: BASE_PERIOD,
			counters: MeterCounters { imported_wh: 1_000, exported_wh: 1_000 },
		};
		let message = relayed_reading_message(&Pallet::<T>::genesis_hash(), &reading);
		let mut readings = vec::Vec::new();
		for i in 0..n {
			let who = funded::<T>("participant", i);
			Pallet::<T>::do_register(who.clone(), big_profile::<T>(i))?;
			Pallet::<T>::do_approve(who.clone())?;
			fill_history::<T>(&who);
			let (meter, signature) = T::BenchmarkHelper::sign_as_meter(i, &message)
				.ok_or(BenchmarkError::Stop("no keystore to sign as a meter"))?;
			Pallet::<T>::do_bind_meter(who, meter.clone(), MeterCounters::default())?;
			as_if_bound_at_genesis::<T>(&meter);
			readings.push(RelayedReading { meter, reading, signature });
		}
		let batch =
			ReadingBatchOf::<T>::try_from(readings).map_err(|_| BenchmarkError::Weightless)?;
		set_period::<T>(BASE_PERIOD + 1);
		polkadot_sdk::frame_system::Pallet::<T>::reset_events();

		#[extrinsic_call]
		_(RawOrigin::Signed(concentrator.clone()), batch);

		polkadot_sdk::frame_system::Pallet::<T>::assert_last_event(
			Event::<T>::ReadingsRelayed { concentrator, accepted: n, refused: 0 }.into(),
		);
		Ok(())
	}

	#[benchmark]
	fn add_concentrator() -> Result<(), BenchmarkError> {
		let concentrator: T::AccountId = account("concentrator", 0, 0);
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, concentrator.clone());

		assert!(Concentrators::<T>::contains_key(&concentrator));
		Ok(())
	}

	#[benchmark]
	fn remove_concentrator() -> Result<(), BenchmarkError> {
		let concentrator: T::AccountId = account("concentrator", 0, 0);
		Pallet::<T>::do_add_concentrator(concentrator.clone())?;
		let origin = operator::<T>()?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, concentrator.clone());

		assert!(!Concentrators::<T>::contains_key(&concentrator));
		Ok(())
	}

	/// The validation [`CheckMeterReading`] runs for every reading transaction.
	#[benchmark]
	fn check_meter_reading() -> Result<(), BenchmarkError> {
		let (_, meter) = metered_participant::<T>()?;
		as_if_bound_at_genesis::<T>(&meter);
		let reading = MeterReading {
			period: BASE_PERIOD,
			counters: MeterCounters { imported_wh: 1_000, exported_wh: 1_000 },
		};
		let verdict;

		#[block]
		{
			verdict = Pallet::<T>::check_reading(&meter, &reading);
		}

		assert!(verdict.is_ok());
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::ext_with(vec![], vec![]), crate::mock::Test);
}
