//! The tables only the analysis commands read: `[sweep]` (what `whoruns sweep` varies)
//! and `[sensitivity]` (what `whoruns sensitivity` moves parameters over).

use super::super::file::{SensitivityFile, SweepFile};
use super::super::{SensitivitySpec, SweepSpec};
use super::{Ctx, defaults};

impl Ctx<'_> {
    /// The `[sweep]` table, checked.
    pub(super) fn sweep(&mut self, raw: Option<&SweepFile>) -> Option<SweepSpec> {
        let w = raw?;
        let steps = self.count(&w.steps, "sweep.steps", defaults::SWEEP_STEPS, 2);
        let scale = match w.scale.as_ref() {
            None => defaults::SWEEP_SCALE,
            Some(s) => crate::axis::Scale::parse(s.get_ref()).unwrap_or_else(|| {
                self.err(
                    &s.span(),
                    format!(
                        "sweep.scale = \"{}\" is not a scale (valid: linear, log, nines)",
                        s.get_ref()
                    ),
                );
                defaults::SWEEP_SCALE
            }),
        };
        let (from, to) = (*w.from.get_ref(), *w.to.get_ref());
        match crate::axis::Axis::new(w.param.get_ref(), from, to, steps, scale) {
            Ok(_) => Some(SweepSpec {
                param: w.param.get_ref().trim().to_string(),
                from,
                to,
                steps,
                scale,
                label: w.label.clone(),
            }),
            Err(e) => {
                self.err(&w.param.span(), format!("sweep: {e}"));
                None
            }
        }
    }

    /// The `[sensitivity]` table, checked.
    pub(super) fn sensitivity(&mut self, raw: Option<&SensitivityFile>) -> SensitivitySpec {
        let Some(w) = raw else {
            return SensitivitySpec::default();
        };
        let range = w.range.as_ref().map(|r| {
            self.number(
                &Some(r.clone()),
                "sensitivity.range",
                defaults::SENSITIVITY_RANGE,
                1e-6,
                0.999,
                "a share between 0 and 1, e.g. 0.2 for ±20%",
            )
        });
        let mut ranges = Vec::new();
        for (path, v) in w.ranges.iter().flatten() {
            match v.get_ref().as_slice() {
                [lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => {
                    ranges.push((path.clone(), *lo, *hi));
                }
                other => self.err(
                    &v.span(),
                    format!(
                        "sensitivity.ranges.\"{path}\" = {other:?} is not a range; write [low, high] with low < high"
                    ),
                ),
            }
        }
        SensitivitySpec { range, ranges }
    }
}
