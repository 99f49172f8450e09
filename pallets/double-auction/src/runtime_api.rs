//! The runtime API of the double auction, callable from polkadot-js as
//! `api.call.doubleAuctionApi.previewClearing(period)`: its types are in the metadata, so no
//! custom type definitions are needed.

use crate::types::{ClearingPreview, PreviewError};
use energy_primitives::PeriodIndex;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// A dry run of the market.
	pub trait DoubleAuctionApi {
		/// The trades and prices clearing `period`'s book as it stands would make, with the
		/// mechanism and the grid in force. Writes nothing; the real clearing runs in the next
		/// block's `on_initialize` if the book changed.
		fn preview_clearing(period: PeriodIndex) -> Result<ClearingPreview, PreviewError>;
	}
}
