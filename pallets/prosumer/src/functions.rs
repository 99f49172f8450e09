//! The pallet's logic. Every `do_*` function checks everything first and writes last, so a
//! refused call changes nothing.

use crate::{
	pallet::*, types::*, OnMeterReading, OnParticipantSuspended, ParticipantActivity, WeightInfo,
};
use polkadot_sdk::{
	frame_support::{
		defensive,
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision, UnixTime},
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::traits::{Saturating, Verify, Zero},
};

/// What an accepted reading changes.
pub(crate) struct AcceptedReading<AccountId> {
	/// The participant the meter measures.
	pub participant: AccountId,
	/// The meter with its new last reading.
	pub meter: Meter<AccountId>,
	/// The energy of the period.
	pub energy: PeriodEnergy,
	/// The participant's zone.
	pub zone: ZoneCode,
}

impl<T: Config> Pallet<T> {
	/// The delivery period the chain's clock is in.
	pub fn current_period() -> PeriodIndex {
		period_at(T::UnixTime::now().as_secs(), Self::period_seconds())
	}

	/// Length of a delivery period in seconds.
	pub fn period_seconds() -> u32 {
		PeriodLength::<T>::get()
	}

	/// The period of the participant's latest retained energy record.
	pub(crate) fn last_metered_period(who: &T::AccountId) -> Option<PeriodIndex> {
		EnergyHistory::<T>::get(who).last().map(|energy| energy.period)
	}

	/// Refuse a profile no participant could have.
	pub(crate) fn ensure_valid_profile(profile: &Profile) -> Result<(), Error<T>> {
		let max = T::MaxCapacityW::get();
		ensure!(
			profile.generation_capacity_w <= max && profile.connection_capacity_w <= max,
			Error::<T>::CapacityTooLarge
		);
		match profile.role {
			Role::Consumer => {
				ensure!(profile.generation_capacity_w == 0, Error::<T>::ConsumerWithGeneration);
				ensure!(profile.connection_capacity_w > 0, Error::<T>::NoConnectionCapacity);
			},
			Role::Producer => {
				ensure!(profile.generation_capacity_w > 0, Error::<T>::NoGenerationCapacity);
			},
			Role::Prosumer => {
				ensure!(profile.generation_capacity_w > 0, Error::<T>::NoGenerationCapacity);
				ensure!(profile.connection_capacity_w > 0, Error::<T>::NoConnectionCapacity);
			},
		}
		Ok(())
	}

	/// Register `who` with `profile`, holding the deposit.
	pub(crate) fn do_register(who: T::AccountId, profile: Profile) -> DispatchResult {
		ensure!(!Participants::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
		ensure!(!Meters::<T>::contains_key(&who), Error::<T>::AccountIsMeter);
		Self::ensure_valid_profile(&profile)?;
		let deposit = T::ParticipantDeposit::get();
		let reason = HoldReason::ParticipantDeposit.into();

		// The first write: `hold` checks that the funds can be held before it moves any.
		T::Currency::hold(&reason, &who, deposit)
			.map_err(|_| Error::<T>::InsufficientBalanceForDeposit)?;
		Participants::<T>::insert(
			&who,
			Participant {
				profile,
				status: ParticipantStatus::PendingApproval,
				requested_zone: None,
				deposit,
				meter: None,
			},
		);
		Self::deposit_event(Event::ParticipantRegistered { who, profile, deposit });
		Ok(())
	}

	/// Apply `profile` to `who`, holding back a zone change for approval.
	pub(crate) fn do_update_profile(who: T::AccountId, profile: Profile) -> DispatchResult {
		let mut participant = Participants::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		Self::ensure_valid_profile(&profile)?;

		let current_zone = participant.profile.zone;
		let never_approved = participant.status == ParticipantStatus::PendingApproval;
		let zone_request =
			(profile.zone != current_zone && !never_approved).then_some(profile.zone);
		participant.requested_zone = zone_request;
		participant.profile =
			if never_approved { profile } else { Profile { zone: current_zone, ..profile } };
		let applied = participant.profile;
		Participants::<T>::insert(&who, participant);

		Self::deposit_event(Event::ProfileUpdated { who: who.clone(), profile: applied });
		if let Some(zone) = zone_request {
			Self::deposit_event(Event::ZoneChangeRequested { who, zone });
		}
		Ok(())
	}

	/// Remove `who`, releasing its deposit and revoking its meter.
	pub(crate) fn do_deregister(who: T::AccountId) -> DispatchResult {
		let participant = Participants::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(!T::Activity::has_open_orders(&who), Error::<T>::HasOpenOrders);
		ensure!(!T::Activity::has_unsettled_periods(&who), Error::<T>::HasUnsettledPeriods);

		let reason = HoldReason::ParticipantDeposit.into();
		let released =
			T::Currency::release(&reason, &who, participant.deposit, Precision::BestEffort)?;
		if released != participant.deposit {
			defensive!("a participant's deposit is held in full while it is registered");
		}
		if let Some(key) = &participant.meter {
			Self::mark_revoked(key);
		}
		EnergyHistory::<T>::remove(&who);
		Participants::<T>::remove(&who);
		Self::deposit_event(Event::ParticipantDeregistered { who, deposit: released });
		Ok(())
	}

	/// Approve `who` and apply its requested zone.
	pub(crate) fn do_approve(who: T::AccountId) -> DispatchResult {
		let mut participant = Participants::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(
			participant.status != ParticipantStatus::Approved
				|| participant.requested_zone.is_some(),
			Error::<T>::AlreadyApproved
		);

		if let Some(zone) = participant.requested_zone.take() {
			participant.profile.zone = zone;
		}
		participant.status = ParticipantStatus::Approved;
		let zone = participant.profile.zone;
		Participants::<T>::insert(&who, participant);
		Self::deposit_event(Event::ParticipantApproved { who, zone });
		Ok(())
	}

	/// Suspend `who`.
	pub(crate) fn do_suspend(who: T::AccountId) -> DispatchResult {
		let mut participant = Participants::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(participant.status != ParticipantStatus::Suspended, Error::<T>::AlreadySuspended);

		participant.status = ParticipantStatus::Suspended;
		Participants::<T>::insert(&who, participant);
		Self::deposit_event(Event::ParticipantSuspended { who: who.clone() });
		T::OnSuspend::on_suspended(&who);
		Ok(())
	}

	/// Refuse a key that cannot become a meter.
	fn ensure_fresh_meter_key(key: &T::AccountId) -> Result<(), Error<T>> {
		ensure!(!Meters::<T>::contains_key(key), Error::<T>::MeterKeyAlreadyUsed);
		ensure!(!Participants::<T>::contains_key(key), Error::<T>::MeterKeyIsParticipant);
		Ok(())
	}

	/// Record `key` as the active meter of `participant`. The key's account gets a provider
	/// reference, so that it exists (and can sign with a nonce) without holding funds; the
	/// reference stays with the key's permanent record.
	///
	/// The counters are read off the meter during the current period, so they account for
	/// the periods before it: the first reading must be for this period or a later one, and
	/// may span the periods from this one on. At genesis the chain's first period is not
	/// known yet, and the meter's first reading counts from it ([`ChainStartPeriod`]).
	fn activate_meter(participant: &T::AccountId, key: &T::AccountId, counters: MeterCounters) {
		let last_period = if frame_system::Pallet::<T>::block_number().is_zero() {
			None
		} else {
			// A participant's readings are for ended periods, so its last metered period is
			// before the current one; the `max` only guards that.
			Self::current_period().checked_sub(1).max(Self::last_metered_period(participant))
		};
		let meter = Meter {
			participant: participant.clone(),
			status: MeterStatus::Active,
			last_period,
			counters,
		};
		Meters::<T>::insert(key, meter);
		frame_system::Pallet::<T>::inc_providers(key);
	}

	/// Mark a bound key revoked.
	fn mark_revoked(key: &T::AccountId) {
		Meters::<T>::mutate(key, |meter| match meter {
			Some(meter) => meter.status = MeterStatus::Revoked,
			None => {
				defensive!("a participant's meter key has a record");
			},
		});
	}

	/// Bind `key` to `participant`.
	pub(crate) fn do_bind_meter(
		participant: T::AccountId,
		key: T::AccountId,
		counters: MeterCounters,
	) -> DispatchResult {
		let mut record = Participants::<T>::get(&participant).ok_or(Error::<T>::NotRegistered)?;
		ensure!(record.meter.is_none(), Error::<T>::ParticipantHasMeter);
		Self::ensure_fresh_meter_key(&key)?;

		Self::activate_meter(&participant, &key, counters);
		record.meter = Some(key.clone());
		Participants::<T>::insert(&participant, record);
		Self::deposit_event(Event::MeterBound { participant, meter: key, counters });
		Ok(())
	}

	/// Revoke `participant`'s meter key.
	pub(crate) fn do_revoke_meter(participant: T::AccountId) -> DispatchResult {
		let mut record = Participants::<T>::get(&participant).ok_or(Error::<T>::NotRegistered)?;
		let key = record.meter.take().ok_or(Error::<T>::NoMeter)?;

		Self::mark_revoked(&key);
		Participants::<T>::insert(&participant, record);
		Self::deposit_event(Event::MeterRevoked { participant, meter: key });
		Ok(())
	}

	/// Replace `participant`'s meter key with `new_key`.
	pub(crate) fn do_rotate_meter(
		participant: T::AccountId,
		new_key: T::AccountId,
		counters: MeterCounters,
	) -> DispatchResult {
		let mut record = Participants::<T>::get(&participant).ok_or(Error::<T>::NotRegistered)?;
		let old_key = record.meter.clone().ok_or(Error::<T>::NoMeter)?;
		Self::ensure_fresh_meter_key(&new_key)?;

		Self::mark_revoked(&old_key);
		Self::activate_meter(&participant, &new_key, counters);
		record.meter = Some(new_key.clone());
		Participants::<T>::insert(&participant, record);
		Self::deposit_event(Event::MeterRotated {
			participant,
			old_meter: old_key,
			new_meter: new_key,
			counters,
		});
		Ok(())
	}

	/// Decide whether `key` may submit `reading` now, without writing anything. Used both in
	/// transaction validation ([`crate::CheckMeterReading`]) and in dispatch.
	pub(crate) fn check_reading(
		key: &T::AccountId,
		reading: &MeterReading,
	) -> Result<AcceptedReading<T::AccountId>, ReadingRejection> {
		let meter = Meters::<T>::get(key).ok_or(ReadingRejection::UnknownMeter)?;
		ensure!(meter.status == MeterStatus::Active, ReadingRejection::MeterRevoked);
		let Some(participant) = Participants::<T>::get(&meter.participant) else {
			defensive!("an active meter's participant is registered");
			return Err(ReadingRejection::UnknownMeter);
		};
		match participant.status {
			ParticipantStatus::Approved => {},
			ParticipantStatus::Suspended => return Err(ReadingRejection::ParticipantSuspended),
			ParticipantStatus::PendingApproval => {
				return Err(ReadingRejection::ParticipantNotApproved)
			},
		}

		let current = Self::current_period();
		ensure!(reading.period < current, ReadingRejection::PeriodNotEnded);
		let age = current.saturating_sub(reading.period);
		ensure!(age <= T::MaxReadingDelay::get(), ReadingRejection::ReadingTooOld);
		// The periods the counters' increase may span: since the last period they account
		// for, or for a meter bound at genesis, since the chain's first period.
		let elapsed = match meter.last_period {
			Some(last) => {
				ensure!(reading.period > last, ReadingRejection::PeriodNotAfterLast);
				reading.period.saturating_sub(last)
			},
			None => {
				let first = ChainStartPeriod::<T>::get().unwrap_or(current);
				ensure!(reading.period >= first, ReadingRejection::PeriodNotAfterLast);
				reading.period.saturating_sub(first).saturating_add(1)
			},
		};

		let imported_wh = reading
			.counters
			.imported_wh
			.checked_sub(meter.counters.imported_wh)
			.ok_or(ReadingRejection::ImportCounterWentBackwards)?;
		let exported_wh = reading
			.counters
			.exported_wh
			.checked_sub(meter.counters.exported_wh)
			.ok_or(ReadingRejection::ExportCounterWentBackwards)?;
		let period_seconds = Self::period_seconds();
		let profile = participant.profile;
		ensure!(
			imported_wh <= energy_bound_wh(profile.connection_capacity_w, period_seconds, elapsed),
			ReadingRejection::ImplausibleImport
		);
		ensure!(
			exported_wh <= energy_bound_wh(profile.generation_capacity_w, period_seconds, elapsed),
			ReadingRejection::ImplausibleExport
		);

		Ok(AcceptedReading {
			participant: meter.participant.clone(),
			meter: Meter { last_period: Some(reading.period), counters: reading.counters, ..meter },
			energy: PeriodEnergy { period: reading.period, imported_wh, exported_wh },
			zone: profile.zone,
		})
	}

	/// Record a reading of meter `key`.
	pub(crate) fn do_submit_reading(key: T::AccountId, reading: MeterReading) -> DispatchResult {
		let accepted = Self::check_reading(&key, &reading).map_err(Error::<T>::from)?;
		Self::record_reading(key, accepted);
		Ok(())
	}

	/// Write an accepted reading of meter `key`, tell the ledger, and emit `ReadingRecorded`.
	fn record_reading(key: T::AccountId, accepted: AcceptedReading<T::AccountId>) {
		Meters::<T>::insert(&key, accepted.meter);
		EnergyHistory::<T>::mutate(&accepted.participant, |history| {
			if history.is_full() {
				history.remove(0);
			}
			if history.try_push(accepted.energy).is_err() {
				defensive!("a slot was freed in the energy history");
			}
		});
		T::OnReading::on_reading(&accepted.participant, accepted.zone, &accepted.energy);
		Self::deposit_event(Event::ReadingRecorded {
			participant: accepted.participant,
			meter: key,
			energy: accepted.energy,
		});
	}

	/// The genesis hash, which relayed readings' signatures cover. (Block 1 writes the real
	/// hash; before it, the placeholder genesis wrote, which no meter can have signed.)
	pub(crate) fn genesis_hash() -> T::Hash {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero())
	}

	/// Decide whether a relayed reading may be recorded now: its signature is its meter's,
	/// and the reading passes [`Self::check_reading`].
	pub(crate) fn check_relayed(
		genesis_hash: &T::Hash,
		relayed: &RelayedReadingOf<T>,
	) -> Result<AcceptedReading<T::AccountId>, Error<T>> {
		let message = relayed_reading_message(genesis_hash, &relayed.reading);
		ensure!(
			relayed.signature.verify(&message[..], &relayed.meter),
			Error::<T>::BadReadingSignature
		);
		Self::check_reading(&relayed.meter, &relayed.reading).map_err(Error::<T>::from)
	}

	/// Each reading of a batch, in order, with its verdict: a meter's second reading in the
	/// batch is `MeterTwiceInBatch`, every other one is judged by [`Self::check_relayed`].
	/// Lazy, so that dispatch judges each reading after recording the ones before it.
	fn judge_batch(
		readings: &ReadingBatchOf<T>,
	) -> impl Iterator<Item = (&RelayedReadingOf<T>, Result<AcceptedReading<T::AccountId>, Error<T>>)> + '_
	{
		let genesis_hash = Self::genesis_hash();
		let mut seen = alloc::collections::BTreeSet::new();
		readings.iter().map(move |relayed| {
			let verdict = if seen.insert(&relayed.meter) {
				Self::check_relayed(&genesis_hash, relayed)
			} else {
				Err(Error::<T>::MeterTwiceInBatch)
			};
			(relayed, verdict)
		})
	}

	/// What a batch of `readings` relayed readings weighs, of which `recorded` were recorded
	/// into `zone_periods` distinct (zone, period) pairs.
	pub fn submit_readings_weight(readings: u32, recorded: u32, zone_periods: u32) -> Weight {
		T::WeightInfo::submit_readings(readings)
			.saturating_add(T::OnReading::on_readings_weight(recorded, zone_periods))
	}

	/// Record the readings of a concentrator's batch that pass their checks, skipping (with
	/// `ReadingRefused`) those that do not. Charges the ledger's part for what was recorded.
	pub(crate) fn do_submit_readings(
		concentrator: T::AccountId,
		readings: ReadingBatchOf<T>,
	) -> DispatchResultWithPostInfo {
		ensure!(Concentrators::<T>::contains_key(&concentrator), Error::<T>::NotConcentrator);
		ensure!(!readings.is_empty(), Error::<T>::EmptyBatch);

		let count = readings.len() as u32;
		let mut zone_periods = alloc::collections::BTreeSet::new();
		let (mut accepted, mut refused) = (0u32, 0u32);
		for (relayed, verdict) in Self::judge_batch(&readings) {
			match verdict {
				Ok(reading) => {
					zone_periods.insert((reading.zone, reading.energy.period));
					accepted.saturating_inc();
					Self::record_reading(relayed.meter.clone(), reading);
				},
				Err(error) => {
					refused.saturating_inc();
					Self::deposit_event(Event::ReadingRefused {
						concentrator: concentrator.clone(),
						meter: relayed.meter.clone(),
						period: relayed.reading.period,
						error: error.into(),
					});
				},
			}
		}
		Self::deposit_event(Event::ReadingsRelayed { concentrator, accepted, refused });
		let charged = Self::submit_readings_weight(count, count, count);
		let actual = Self::submit_readings_weight(count, accepted, zone_periods.len() as u32);
		Ok(Some(actual.min(charged)).into())
	}

	/// What the pool learns of a concentrator's batch: the `(meter, period)` of every
	/// reading that would be recorded now, or, if none would, why the first is refused.
	pub(crate) fn validate_batch(
		concentrator: &T::AccountId,
		readings: &ReadingBatchOf<T>,
	) -> Result<alloc::vec::Vec<(T::AccountId, PeriodIndex)>, Error<T>> {
		ensure!(Concentrators::<T>::contains_key(concentrator), Error::<T>::NotConcentrator);
		let mut first_refusal = None;
		let mut acceptable = alloc::vec::Vec::new();
		for (relayed, verdict) in Self::judge_batch(readings) {
			match verdict {
				Ok(_) => acceptable.push((relayed.meter.clone(), relayed.reading.period)),
				Err(error) => {
					first_refusal.get_or_insert(error);
				},
			}
		}
		if acceptable.is_empty() {
			return Err(first_refusal.unwrap_or(Error::<T>::EmptyBatch));
		}
		Ok(acceptable)
	}

	/// Register `concentrator`.
	pub(crate) fn do_add_concentrator(concentrator: T::AccountId) -> DispatchResult {
		ensure!(!Concentrators::<T>::contains_key(&concentrator), Error::<T>::AlreadyConcentrator);
		Concentrators::<T>::insert(&concentrator, ());
		frame_system::Pallet::<T>::inc_providers(&concentrator);
		Self::deposit_event(Event::ConcentratorAdded { concentrator });
		Ok(())
	}

	/// Remove `concentrator`. Its provider reference goes with it, unless the account still
	/// has consumers and no other provider (it then keeps the reference, and exists).
	pub(crate) fn do_remove_concentrator(concentrator: T::AccountId) -> DispatchResult {
		ensure!(Concentrators::<T>::contains_key(&concentrator), Error::<T>::NotConcentrator);
		Concentrators::<T>::remove(&concentrator);
		// Refused only for an account that would be left with consumers and no provider:
		// keeping the reference then is the safe outcome, so the refusal is not an error.
		let _ = frame_system::Pallet::<T>::dec_providers(&concentrator);
		Self::deposit_event(Event::ConcentratorRemoved { concentrator });
		Ok(())
	}

	/// The pallet's invariants:
	/// - a participant's meter key has an active record that points back to it;
	/// - an active meter's participant is registered and names the key as its meter;
	/// - the deposit recorded for each participant is what is held from it;
	/// - each energy history belongs to a participant, its periods strictly increase, and the
	///   active meter's last period is the history's last;
	/// - every concentrator's account exists (it holds a provider reference).
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use polkadot_sdk::frame_support::traits::fungible::InspectHold;

		let reason = HoldReason::ParticipantDeposit.into();
		for (who, participant) in Participants::<T>::iter() {
			ensure!(
				T::Currency::balance_on_hold(&reason, &who) == participant.deposit,
				"a participant's held deposit differs from the recorded one"
			);
			if let Some(key) = &participant.meter {
				let meter = Meters::<T>::get(key).ok_or("a participant's meter has no record")?;
				ensure!(meter.participant == who, "a meter points to another participant");
				ensure!(meter.status == MeterStatus::Active, "a participant's meter is revoked");
				ensure!(
					Self::last_metered_period(&who) <= meter.last_period,
					"a participant's metered period is later than its meter's last period"
				);
			}
		}

		for (key, meter) in Meters::<T>::iter() {
			if meter.status == MeterStatus::Active {
				let participant = Participants::<T>::get(&meter.participant)
					.ok_or("an active meter's participant is not registered")?;
				ensure!(participant.meter == Some(key), "an active meter is not its participant's");
			}
		}

		for (who, history) in EnergyHistory::<T>::iter() {
			ensure!(Participants::<T>::contains_key(&who), "energy history of a non-participant");
			ensure!(
				history.windows(2).all(|pair| pair[0].period < pair[1].period),
				"energy history periods do not strictly increase"
			);
		}

		for (concentrator, ()) in Concentrators::<T>::iter() {
			ensure!(
				frame_system::Pallet::<T>::providers(&concentrator) > 0,
				"a concentrator's account has no provider"
			);
		}
		Ok(())
	}
}
