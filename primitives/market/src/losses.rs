//! Line losses: three-phase I²R with R = ρL/A, in integer arithmetic.
//!
//! A line carrying energy `E` (Wh) evenly over a period `T` carries power `P = E / T`. With
//! line-to-line voltage `U` and unity power factor the phase current is `I = P / (√3·U)`,
//! and the three phases dissipate `ΔP = 3·I²·R = P²·R / U²`. Over the period that loses
//!
//! ```text
//! lost = ΔP · T = E² · R / (U² · T)          R = ρ · L / A
//! ```
//!
//! In the units below, with `T` in seconds and `E` in Wh:
//! `lost_Wh = E² · ρ[pΩ·m] · L[m] · 3600 / (A[mm²] · 10⁶ · U[V]² · T[s])`, rounded to the
//! nearest Wh. The √3 cancels exactly, so no irrational number appears. This is the
//! paper's equations (8)–(10).

use crate::{MarketError, Wh};

/// The most resistive conductor [`LineParameters::check`] accepts, pico-ohm metres: a
/// thousand times copper's, far beyond any line material (steel is about 140 000).
pub const MAX_RESISTIVITY_POHM_M: u64 = 1_000_000;
/// The largest cross-section of one phase conductor [`LineParameters::check`] accepts, mm²
/// (the largest cables made are about 3 000 mm²).
pub const MAX_CROSS_SECTION_MM2: u32 = 5_000;
/// The lowest nominal voltage [`LineParameters::check`] accepts, V: below low voltage.
pub const MIN_VOLTAGE_V: u32 = 100;
/// The highest nominal voltage [`LineParameters::check`] accepts, V: extra-high voltage.
pub const MAX_VOLTAGE_V: u32 = 500_000;
/// The longest line [`LineParameters::check`] accepts, metres: a regional transmission
/// line, far beyond any distribution feeder.
pub const MAX_LINE_LENGTH_M: u32 = 200_000;

/// Why [`LineParameters::check`] refuses a line: zero divisors, and values no real line has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFault {
	/// The conductor has no cross-section.
	ZeroCrossSection,
	/// The line has no voltage.
	ZeroVoltage,
	/// The delivery period lasts no time.
	ZeroPeriod,
	/// The resistivity is above [`MAX_RESISTIVITY_POHM_M`].
	ResistivityOutOfRange,
	/// The cross-section is above [`MAX_CROSS_SECTION_MM2`].
	CrossSectionOutOfRange,
	/// The voltage is outside [`MIN_VOLTAGE_V`]`..=`[`MAX_VOLTAGE_V`].
	VoltageOutOfRange,
	/// The line is longer than [`MAX_LINE_LENGTH_M`].
	LineTooLong,
}

/// Where only a [`MarketError`] fits, every fault is [`MarketError::InvalidLine`].
impl From<LineFault> for MarketError {
	fn from(_: LineFault) -> Self {
		MarketError::InvalidLine
	}
}

/// Electrical parameters of the lines between zones, set by the grid operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineParameters {
	/// Resistivity of the conductor, pico-ohm metres (copper ≈ 16 800, aluminium ≈ 28 200).
	pub resistivity_pohm_m: u64,
	/// Cross-section of one phase conductor, mm².
	pub cross_section_mm2: u32,
	/// Nominal line-to-line voltage, V.
	pub voltage_v: u32,
	/// Length of the delivery period over which energy flows evenly, seconds.
	pub period_s: u32,
}

impl LineParameters {
	/// A 20 kV medium-voltage aluminium line of 95 mm², 15-minute delivery periods.
	pub const MEDIUM_VOLTAGE_ALUMINIUM: LineParameters = LineParameters {
		resistivity_pohm_m: 28_200,
		cross_section_mm2: 95,
		voltage_v: 20_000,
		period_s: 900,
	};

	/// Checks that the parameters describe a line (no zero divisor). This is the loose check
	/// of a grid's default line, kept as it was so that every grid accepted before still is;
	/// a line set for one zone pair must also pass [`Self::check`].
	pub fn validate(&self) -> Result<(), MarketError> {
		if self.cross_section_mm2 == 0 || self.voltage_v == 0 || self.period_s == 0 {
			return Err(MarketError::InvalidLine);
		}
		Ok(())
	}

	/// Checks that the parameters, over `length_m` metres, describe a line that can exist:
	/// no zero divisor, and every value within the bounds of this module (`MAX_*`,
	/// `MIN_VOLTAGE_V`). A zero resistivity (a line without losses) is accepted. The first
	/// fault found is returned, in the order of [`LineFault`]'s variants.
	pub fn check(&self, length_m: u32) -> Result<(), LineFault> {
		if self.cross_section_mm2 == 0 {
			return Err(LineFault::ZeroCrossSection);
		}
		if self.voltage_v == 0 {
			return Err(LineFault::ZeroVoltage);
		}
		if self.period_s == 0 {
			return Err(LineFault::ZeroPeriod);
		}
		if self.resistivity_pohm_m > MAX_RESISTIVITY_POHM_M {
			return Err(LineFault::ResistivityOutOfRange);
		}
		if self.cross_section_mm2 > MAX_CROSS_SECTION_MM2 {
			return Err(LineFault::CrossSectionOutOfRange);
		}
		if self.voltage_v < MIN_VOLTAGE_V || self.voltage_v > MAX_VOLTAGE_V {
			return Err(LineFault::VoltageOutOfRange);
		}
		if length_m > MAX_LINE_LENGTH_M {
			return Err(LineFault::LineTooLong);
		}
		Ok(())
	}

	/// Resistance of one phase over `length_m`, in micro-ohms (rounded down).
	pub fn resistance_micro_ohm(&self, length_m: u32) -> u128 {
		// R = ρ L / A; ρ in 1e-12 Ω·m, A in 1e-6 m² → R in 1e-6 Ω is ρ·L/A exactly.
		(self.resistivity_pohm_m as u128) * (length_m as u128)
			/ (self.cross_section_mm2.max(1) as u128)
	}

	/// Energy lost when `energy` Wh flow over `length_m` metres of line during one period.
	pub fn loss(&self, energy: Wh, length_m: u32) -> Result<Wh, MarketError> {
		self.validate()?;
		if energy == 0 || length_m == 0 || self.resistivity_pohm_m == 0 {
			return Ok(0);
		}
		let e = energy as u128;
		let numerator = e
			.checked_mul(e)
			.and_then(|v| v.checked_mul(self.resistivity_pohm_m as u128))
			.and_then(|v| v.checked_mul(length_m as u128))
			.and_then(|v| v.checked_mul(3600))
			.ok_or(MarketError::Overflow)?;
		let u = self.voltage_v as u128;
		let denominator = (self.cross_section_mm2 as u128)
			.checked_mul(1_000_000)
			.and_then(|v| v.checked_mul(u * u))
			.and_then(|v| v.checked_mul(self.period_s as u128))
			.ok_or(MarketError::Overflow)?;
		let lost =
			numerator.checked_add(denominator / 2).ok_or(MarketError::Overflow)? / denominator;
		// A loss above the energy carried means the line cannot carry it; report all lost.
		Ok(u64::try_from(lost).unwrap_or(u64::MAX).min(energy))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn loss_matches_the_closed_form_worked_by_hand() {
		// 100 kWh over 15 min is 400 kW. At 20 kV: I = 400e3 / (√3·20e3) = 11.547 A.
		// 10 km of 95 mm² aluminium: R = 28.2e-9 · 1e4 / 95e-6 = 2.9684 Ω.
		// ΔP = 3 · 11.547² · 2.9684 = 1187.4 W; over 0.25 h: 296.8 Wh → 297 Wh.
		let line = LineParameters::MEDIUM_VOLTAGE_ALUMINIUM;
		assert_eq!(line.loss(100_000, 10_000), Ok(297));
		assert_eq!(line.resistance_micro_ohm(10_000), 2_968_421);
	}

	#[test]
	fn loss_grows_with_the_square_of_energy_and_linearly_with_length() {
		let line = LineParameters::MEDIUM_VOLTAGE_ALUMINIUM;
		// Each result is rounded to the nearest Wh, so scaled results agree to within the
		// scaled rounding error.
		let base = line.loss(1_000_000, 10_000).unwrap_or(0);
		assert_eq!(base, 29_684); // 29 684.2 by hand
		let quadruple = line.loss(2_000_000, 10_000).unwrap_or(0);
		assert!(quadruple.abs_diff(4 * base) <= 2, "{quadruple} vs 4·{base}");
		let double = line.loss(1_000_000, 20_000).unwrap_or(0);
		assert!(double.abs_diff(2 * base) <= 1, "{double} vs 2·{base}");
	}

	#[test]
	fn no_distance_or_no_energy_loses_nothing() {
		let line = LineParameters::MEDIUM_VOLTAGE_ALUMINIUM;
		assert_eq!(line.loss(0, 10_000), Ok(0));
		assert_eq!(line.loss(50_000, 0), Ok(0));
	}

	#[test]
	fn nonsense_lines_are_refused_and_huge_inputs_do_not_overflow_silently() {
		let mut line = LineParameters::MEDIUM_VOLTAGE_ALUMINIUM;
		line.voltage_v = 0;
		assert_eq!(line.loss(1, 1), Err(MarketError::InvalidLine));
		let line = LineParameters::MEDIUM_VOLTAGE_ALUMINIUM;
		assert_eq!(line.loss(u64::MAX, u32::MAX), Err(MarketError::Overflow));
		// A tiny low-voltage line cannot carry a gigawatt-hour: everything is lost.
		let weak = LineParameters {
			resistivity_pohm_m: 16_800,
			cross_section_mm2: 1,
			voltage_v: 230,
			period_s: 900,
		};
		assert_eq!(weak.loss(1_000_000_000, 1_000), Ok(1_000_000_000));
	}

	#[test]
	fn check_names_each_fault_and_accepts_the_bounds_themselves() {
		let good = LineParameters::MEDIUM_VOLTAGE_ALUMINIUM;
		assert_eq!(good.check(10_000), Ok(()));
		// The bounds themselves are accepted, and a line without losses too.
		let extreme = LineParameters {
			resistivity_pohm_m: MAX_RESISTIVITY_POHM_M,
			cross_section_mm2: MAX_CROSS_SECTION_MM2,
			voltage_v: MAX_VOLTAGE_V,
			period_s: 1,
		};
		assert_eq!(extreme.check(MAX_LINE_LENGTH_M), Ok(()));
		let lossless = LineParameters { resistivity_pohm_m: 0, voltage_v: MIN_VOLTAGE_V, ..good };
		assert_eq!(lossless.check(0), Ok(()));
		let cases = [
			(LineParameters { cross_section_mm2: 0, ..good }, 1, LineFault::ZeroCrossSection),
			(LineParameters { voltage_v: 0, ..good }, 1, LineFault::ZeroVoltage),
			(LineParameters { period_s: 0, ..good }, 1, LineFault::ZeroPeriod),
			(
				LineParameters { resistivity_pohm_m: MAX_RESISTIVITY_POHM_M + 1, ..good },
				1,
				LineFault::ResistivityOutOfRange,
			),
			(
				LineParameters { cross_section_mm2: MAX_CROSS_SECTION_MM2 + 1, ..good },
				1,
				LineFault::CrossSectionOutOfRange,
			),
			(
				LineParameters { voltage_v: MIN_VOLTAGE_V - 1, ..good },
				1,
				LineFault::VoltageOutOfRange,
			),
			(
				LineParameters { voltage_v: MAX_VOLTAGE_V + 1, ..good },
				1,
				LineFault::VoltageOutOfRange,
			),
			(good, MAX_LINE_LENGTH_M + 1, LineFault::LineTooLong),
		];
		for (line, length_m, fault) in cases {
			assert_eq!(line.check(length_m), Err(fault), "{line:?} over {length_m} m");
			assert_eq!(MarketError::from(fault), MarketError::InvalidLine);
		}
		// The loose check of a grid's default line still accepts what it accepted.
		let low = LineParameters { voltage_v: 50, ..good };
		assert_eq!(low.validate(), Ok(()));
		assert_eq!(low.check(1), Err(LineFault::VoltageOutOfRange));
	}
}
