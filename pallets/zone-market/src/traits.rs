//! What this pallet offers the clearing.

use energy_market::zone::Grid;

/// The grid as the clearing sees it.
pub trait ZoneGrid {
	/// The grid in force, or `None` while the operator has set none. A grid returned here
	/// has passed [`Grid::validate`].
	fn grid() -> Option<Grid>;
	/// Whether a grid is in force: a cheap [`Self::grid`]`.is_some()`, without building it.
	fn has_grid() -> bool;
	/// Whether `zone` is one of the grid's zones (`false` while there is no grid).
	fn contains(zone: u32) -> bool;
}

/// No grid: a double auction without losses, and no zone market.
impl ZoneGrid for () {
	fn grid() -> Option<Grid> {
		None
	}
	fn has_grid() -> bool {
		false
	}
	fn contains(_: u32) -> bool {
		false
	}
}
