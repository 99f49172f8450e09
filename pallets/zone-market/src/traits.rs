//! What this pallet offers the clearing: [`ZoneGrid`], defined in `energy-primitives`.

pub use energy_primitives::ZoneGrid;
