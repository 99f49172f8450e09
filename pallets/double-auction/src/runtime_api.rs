//! The runtime API of the double auction, callable from polkadot-js as
//! `api.call.doubleAuctionApi.previewClearing(period)` and
//! `api.call.doubleAuctionApi.orderCommitment(who, period, side, energyWh, pricePerKwh, salt)`: its types are in the metadata, so no
//! custom type definitions are needed.

use crate::types::{ClearingPreview, PreviewError, Side};
use energy_market::Price;
use energy_primitives::{PeriodIndex, WattHours};

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// A dry run of the market, and the hash a sealed order commits to.
	pub trait DoubleAuctionApi<AccountId> where AccountId: codec::Codec {
		/// The trades and prices clearing `period`'s book as it stands would make, with the
		/// mechanism and the grid in force. Writes nothing; the real clearing runs in the next
		/// block's `on_initialize` if the book changed.
		fn preview_clearing(period: PeriodIndex) -> Result<ClearingPreview, PreviewError>;
		/// The commitment `commitOrder` takes for this order and salt:
		/// `blake2_256(SCALE((b"emc1", who, period, side, energyWh, pricePerKwh, salt)))`, the
		/// side a byte (bid 0, offer 1). Keep the salt secret until the reveal.
		fn order_commitment(
			who: AccountId,
			period: PeriodIndex,
			side: Side,
			energy_wh: WattHours,
			price_per_kwh: Price,
			salt: [u8; 32],
		) -> [u8; 32];
	}
}
