//! The interfaces between the pallets.

use crate::types::*;
use energy_market::zone::Grid;
use polkadot_sdk::frame_support::weights::Weight;

/// Whether a participant still has business on the market. A participant may deregister (and
/// get its deposit back) only when both answers are `false`.
pub trait ParticipantActivity<AccountId> {
	/// The participant has a bid or offer that is neither filled, expired nor cancelled.
	fn has_open_orders(who: &AccountId) -> bool;
	/// A delivery period in which the participant traded or consumed is not settled yet, or
	/// it owes a settlement debt.
	fn has_unsettled_periods(who: &AccountId) -> bool;
}

impl<AccountId> ParticipantActivity<AccountId> for () {
	fn has_open_orders(_: &AccountId) -> bool {
		false
	}
	fn has_unsettled_periods(_: &AccountId) -> bool {
		false
	}
}

/// Told when the consortium suspends a participant, so that what it has open on the market
/// stops with it: a suspended participant's orders must not trade.
pub trait OnParticipantSuspended<AccountId> {
	/// Withdraw everything `who` has open. Returns the weight used, at most
	/// [`Self::on_suspended_max_weight`].
	fn on_suspended(who: &AccountId) -> Weight;
	/// The most [`Self::on_suspended`] can weigh, charged in advance by the suspending call.
	fn on_suspended_max_weight() -> Weight;
}

impl<AccountId> OnParticipantSuspended<AccountId> for () {
	fn on_suspended(_: &AccountId) -> Weight {
		Weight::zero()
	}
	fn on_suspended_max_weight() -> Weight {
		Weight::zero()
	}
}

/// Both answers of two activities: busy when either is.
impl<AccountId, A: ParticipantActivity<AccountId>, B: ParticipantActivity<AccountId>>
	ParticipantActivity<AccountId> for (A, B)
{
	fn has_open_orders(who: &AccountId) -> bool {
		A::has_open_orders(who) || B::has_open_orders(who)
	}
	fn has_unsettled_periods(who: &AccountId) -> bool {
		A::has_unsettled_periods(who) || B::has_unsettled_periods(who)
	}
}

/// The participant registry, as the trading pallets see it.
pub trait ParticipantRegistry<AccountId> {
	/// The profile in force of a registered participant.
	fn profile(who: &AccountId) -> Option<Profile>;
	/// Whether the participant is registered and approved (may trade).
	fn is_approved(who: &AccountId) -> bool;
}

/// Metered energy, as settlement and the energy token see it.
pub trait MeteredEnergy<AccountId> {
	/// Energy the participant imported and exported in `period`, if its meter reported the
	/// period and it is still retained.
	fn period_energy(who: &AccountId, period: PeriodIndex) -> Option<PeriodEnergy>;
	/// The last accepted reading of the participant's current meter.
	fn last_reading(who: &AccountId) -> Option<MeterReading>;
}

/// The grid as the clearing sees it.
pub trait ZoneGrid {
	/// The grid in force, or `None` while the operator has set none, with each zone pair's
	/// own line where the operator set one ([`Grid::set_pair`]). A grid returned here has
	/// passed [`Grid::validate`].
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

/// Told of every trade a market settles (the paper's `creditEnergy`). Called inside the
/// market's settlement, so a failed clearing rolls the hook's writes back with its own.
pub trait OnTrade<AccountId> {
	/// Record a settled trade. Must not fail: the money has moved.
	fn on_trade(trade: &TradeRecord<AccountId>);
	/// The most one call of [`Self::on_trade`] weighs; the market charges it per trade.
	fn on_trade_weight() -> Weight;
}

impl<AccountId> OnTrade<AccountId> for () {
	fn on_trade(_: &TradeRecord<AccountId>) {}
	fn on_trade_weight() -> Weight {
		Weight::zero()
	}
}

/// What a participant has traded for a delivery period, filled orders included: the order
/// book counts it against the participant's capacity.
pub trait TradedEnergy<AccountId> {
	/// Energy `who`'s bids and offers were filled with for `period`.
	fn traded(who: &AccountId, period: PeriodIndex) -> TradedWh;
	/// What one call of [`Self::traded`] weighs; the order's weight includes it.
	fn traded_weight() -> Weight;
}

impl<AccountId> TradedEnergy<AccountId> for () {
	fn traded(_: &AccountId, _: PeriodIndex) -> TradedWh {
		TradedWh::default()
	}
	fn traded_weight() -> Weight {
		Weight::zero()
	}
}

/// Told of every accepted meter reading (the paper's `debitEnergy` is driven by it).
pub trait OnMeterReading<AccountId> {
	/// Account for `energy`, measured at `participant`'s connection in `zone`. Must not fail:
	/// the reading has been accepted.
	fn on_reading(participant: &AccountId, zone: ZoneCode, energy: &PeriodEnergy);
	/// The most one call of [`Self::on_reading`] weighs; the reading's weight includes it.
	fn on_reading_weight() -> Weight;
	/// The most `readings` calls of [`Self::on_reading`] in one transaction weigh, for
	/// readings that fall into `zone_periods` distinct (zone, period) pairs: what the ledger
	/// writes once per transaction, per zone and period, or per reading. At most `readings`
	/// times [`Self::on_reading_weight`].
	fn on_readings_weight(readings: u32, zone_periods: u32) -> Weight {
		let _ = zone_periods;
		Self::on_reading_weight().saturating_mul(u64::from(readings))
	}
}

impl<AccountId> OnMeterReading<AccountId> for () {
	fn on_reading(_: &AccountId, _: ZoneCode, _: &PeriodEnergy) {}
	fn on_reading_weight() -> Weight {
		Weight::zero()
	}
}
