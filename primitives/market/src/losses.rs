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

	/// Checks that the parameters describe a line (no zero divisor).
	pub fn validate(&self) -> Result<(), MarketError> {
		if self.cross_section_mm2 == 0 || self.voltage_v == 0 || self.period_s == 0 {
			return Err(MarketError::InvalidLine);
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
}
