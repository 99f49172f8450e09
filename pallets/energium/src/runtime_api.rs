//! The runtime API of the energy ledger, callable from polkadot-js as
//! `api.call.energiumApi.buyerInfo(account)` and `api.call.energiumApi.zoneEnergy(period)`:
//! its types are in the metadata, so no custom type definitions are needed.

use crate::types::{BuyerInfo, ZoneEnergy};
use alloc::vec::Vec;
use energy_primitives::{PeriodIndex, ZoneCode};

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// The paper's `getBuyerInfo` and the operator's zone view.
	pub trait EnergiumApi<AccountId, Balance> where
		AccountId: codec::Codec,
		Balance: codec::Codec,
	{
		/// A participant's EGM balance, totals (purchased, consumed, imbalances, debt), its
		/// unsettled and settled periods, and its months.
		fn buyer_info(who: AccountId) -> BuyerInfo<Balance>;
		/// Per zone, the energy of `period`: sold, bought, delivered, lost, bought at the
		/// tariff, imported, exported, debited, shortfall and undelivered.
		fn zone_energy(period: PeriodIndex) -> Vec<(ZoneCode, ZoneEnergy)>;
		/// The current delivery period and its length in seconds.
		fn current_period() -> (PeriodIndex, u32);
	}
}
