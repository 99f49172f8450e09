//! The transaction extension that keeps invalid meter readings out of the pool and blocks.

use crate::{pallet::*, types::MeterReading, WeightInfo};
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::{Get, TransactionSource, Weight},
		traits::{IsSubType, OriginTrait},
		DefaultNoBound,
	},
	sp_runtime::{
		impl_tx_ext_default,
		traits::{DispatchInfoOf, Implication, TransactionExtension, ValidateResult},
		transaction_validity::{InvalidTransaction, TransactionValidityError, ValidTransaction},
	},
};
use scale_info::TypeInfo;

/// Validates `Prosumer::submit_reading` transactions with the same rules the call applies,
/// so that a reading from an unknown or revoked key, or with an implausible counter, is
/// refused before it enters the transaction pool (and again before it enters a block), with
/// `InvalidTransaction::Custom(code)`, the code being a [`crate::ReadingRejection`].
///
/// This is what makes feeless readings safe: the call is `Pays::No`, so the runtime must
/// include this extension (before `CheckNonce`, so that an unknown key gets the reading's
/// own error rather than a missing-account one). A valid reading provides the tag
/// `(meter, period)`, so one meter has at most one reading per period in the pool.
///
/// It also validates `Prosumer::submit_readings`, a data concentrator's batch: refused unless
/// the signer is a registered concentrator and at least one reading in the batch would be
/// recorded (the code is then the first reading's reason); it provides the tag of every
/// reading that would be, so a batch and a meter's own transaction for the same reading
/// compete in the pool, and its priority is the readings' priority times the readings it
/// carries. In a block the
/// batch's readings are checked by the call itself, which skips the ones that fail; the
/// extension does not check them a second time there, and charges nothing for batches.
///
/// It carries no data and signs nothing extra.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckMeterReading<T>(PhantomData<T>);

impl<T> CheckMeterReading<T> {
	/// The extension.
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> core::fmt::Debug for CheckMeterReading<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckMeterReading")
	}
}

impl<T: Config + Send + Sync> CheckMeterReading<T>
where
	T::RuntimeCall: IsSubType<Call<T>>,
{
	/// The reading a call submits, if it is a reading.
	fn reading(call: &T::RuntimeCall) -> Option<&MeterReading> {
		match call.is_sub_type() {
			Some(Call::submit_reading { reading }) => Some(reading),
			_ => None,
		}
	}

	/// The readings a call relays, if it is a concentrator's batch.
	fn batch(call: &T::RuntimeCall) -> Option<&ReadingBatchOf<T>> {
		match call.is_sub_type() {
			Some(Call::submit_readings { readings }) => Some(readings),
			_ => None,
		}
	}

	/// The pool's verdict on a concentrator's batch.
	fn validate_batch(
		concentrator: &T::AccountId,
		readings: &ReadingBatchOf<T>,
	) -> Result<ValidTransaction, TransactionValidityError> {
		let acceptable = Pallet::<T>::validate_batch(concentrator, readings)
			.map_err(|error| InvalidTransaction::Custom(error_code(&error)))?;
		// A reading's priority per acceptable reading: the pool lets a transaction replace
		// those whose tags it shares only if it outranks their sum, so a batch must outrank
		// the meters' own readings it carries (each also gets the payment extension's share)
		// and a batch with more new readings the one it overlaps, never the reverse.
		let priority = T::ReadingPriority::get().saturating_mul(acceptable.len() as u64);
		let mut validity = ValidTransaction::with_tag_prefix("MeterReading").priority(priority);
		for tag in acceptable {
			validity = validity.and_provides(tag);
		}
		validity.build().map_err(Into::into)
	}
}

/// The code of a pallet error in `InvalidTransaction::Custom`: its index in [`Error`], which
/// a client names from the metadata.
pub(crate) fn error_code<T: Config>(error: &Error<T>) -> u8 {
	error.encode().first().copied().unwrap_or(u8::MAX)
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckMeterReading<T>
where
	T::RuntimeCall: IsSubType<Call<T>>,
{
	const IDENTIFIER: &'static str = "CheckMeterReading";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		match Self::reading(call) {
			Some(_) => T::WeightInfo::check_meter_reading(),
			None => Weight::zero(),
		}
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Implication,
		source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		if let (Some(readings), Some(concentrator)) = (Self::batch(call), origin.as_signer()) {
			if source == TransactionSource::InBlock {
				return Ok((ValidTransaction::default(), (), origin));
			}
			let validity = Self::validate_batch(concentrator, readings)?;
			return Ok((validity, (), origin));
		}
		// Not a reading, or not signed (then dispatch refuses it as `BadOrigin`).
		let (Some(reading), Some(meter)) = (Self::reading(call), origin.as_signer()) else {
			return Ok((ValidTransaction::default(), (), origin));
		};
		Pallet::<T>::check_reading(meter, reading)
			.map_err(|rejection| InvalidTransaction::Custom(rejection.code()))?;
		let validity = ValidTransaction::with_tag_prefix("MeterReading")
			.priority(T::ReadingPriority::get())
			.and_provides((meter, reading.period))
			.build()?;
		Ok((validity, (), origin))
	}

	impl_tx_ext_default!(T::RuntimeCall; prepare);
}
