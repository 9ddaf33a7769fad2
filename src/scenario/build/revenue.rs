//! Revenue that adds up: `[organisation] revenue_per_year` and `[[journeys]]`, each a
//! share of that revenue (or a stated revenue per hour) and the services it runs on. A
//! service on a journey has no revenue of its own unless its entry states
//! `revenue_per_hour`; validation warns when the revenue at risk per year exceeds the
//! organisation's revenue.

use std::collections::HashMap;

use super::super::file::ScenarioFile;
use super::super::{Journey, Service};
use super::{Ctx, not_defined};
use crate::units::HOURS_PER_YEAR;

/// The organisation's revenue and its journeys, as built.
pub(super) struct Revenue {
    /// `[organisation] revenue_per_year`.
    pub(super) per_year: Option<f64>,
    /// The journeys, in file order.
    pub(super) journeys: Vec<Journey>,
}

impl Ctx<'_> {
    /// The organisation's revenue and its journeys over the built `services` (in the order
    /// of the named `[[services]]`); a service on a journey whose entry does not state
    /// `revenue_per_hour` takes 0, its revenue being its journeys'.
    pub(super) fn revenue(&mut self, raw: &ScenarioFile, services: &mut [Service]) -> Revenue {
        let per_year_value = raw
            .organisation
            .as_ref()
            .and_then(|o| o.revenue_per_year.as_ref());
        let per_year =
            per_year_value.map(|v| self.money(&Some(v.clone()), "revenue_per_year", 0.0));
        let index: HashMap<&str, usize> = services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let known: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
        let mut journeys: Vec<Journey> = Vec::new();
        let mut on_a_journey = vec![false; services.len()];
        for j in &raw.journeys {
            let jf = j.get_ref();
            let name = jf.name.get_ref().clone();
            if journeys.iter().any(|k| k.name == name) {
                self.err(
                    &jf.name.span(),
                    format!("journey \"{name}\" is defined twice"),
                );
            }
            let revenue_per_hour = match (&jf.share, &jf.revenue_per_hour, per_year) {
                (Some(_), Some(r), _) => {
                    self.err(
                        &r.span(),
                        format!(
                            "journey \"{name}\" states both share and revenue_per_hour; give one"
                        ),
                    );
                    0.0
                }
                (Some(share), None, Some(per_year)) => {
                    let share = self.probability(&Some(share.clone()), "share", 0.0);
                    share * per_year / HOURS_PER_YEAR
                }
                (Some(share), None, None) => {
                    self.err(
                        &share.span(),
                        format!("journey \"{name}\": share is a share of the organisation's revenue; state it as [organisation] revenue_per_year, or give the journey's revenue_per_hour instead"),
                    );
                    0.0
                }
                (None, Some(r), _) => self.money(&Some(r.clone()), "revenue_per_hour", 0.0),
                (None, None, _) => {
                    self.err(
                        &jf.name.span(),
                        format!("journey \"{name}\" needs a share (of [organisation] revenue_per_year) or a revenue_per_hour"),
                    );
                    0.0
                }
            };
            let mut members = Vec::new();
            match &jf.services {
                None => self.err(
                    &jf.name.span(),
                    format!("journey \"{name}\" needs services = [...], the services it runs on"),
                ),
                Some(list) if list.get_ref().is_empty() => self.err(
                    &list.span(),
                    format!("journey \"{name}\" has no services; list the services it runs on"),
                ),
                Some(list) => {
                    for s in list.get_ref() {
                        match index.get(s.get_ref().as_str()) {
                            Some(&i) if members.contains(&i) => self.err(
                                &s.span(),
                                format!("service \"{}\" is listed twice", s.get_ref()),
                            ),
                            Some(&i) => {
                                members.push(i);
                                on_a_journey[i] = true;
                            }
                            None => self.err(
                                &s.span(),
                                format!(
                                    "services: {}",
                                    not_defined(s.get_ref(), "service", &known, "none")
                                ),
                            ),
                        }
                    }
                }
            }
            journeys.push(Journey {
                name,
                revenue_per_hour,
                services: members,
            });
        }
        let named = raw.services.iter().filter(|s| s.get_ref().name.is_some());
        for ((service, sf), on) in services.iter_mut().zip(named).zip(on_a_journey) {
            if on && sf.get_ref().revenue_per_hour.is_none() {
                service.revenue_per_hour = 0.0;
            }
        }
        if let (Some(value), Some(per_year)) = (per_year_value, per_year) {
            self.warn_revenue_at_risk(&value.span(), per_year, &journeys, services);
        }
        Revenue { per_year, journeys }
    }

    /// Warns when a year of every service fully down would lose more than the
    /// organisation earns in a year.
    fn warn_revenue_at_risk(
        &mut self,
        span: &std::ops::Range<usize>,
        per_year: f64,
        journeys: &[Journey],
        services: &[Service],
    ) {
        let on_journeys: f64 =
            journeys.iter().map(|j| j.revenue_per_hour).sum::<f64>() * HOURS_PER_YEAR;
        let own: f64 = services.iter().map(|s| s.revenue_per_hour).sum::<f64>() * HOURS_PER_YEAR;
        let at_risk = on_journeys + own;
        // A rounding hair over (shares written as decimals) is not a finding.
        if at_risk > per_year * (1.0 + 1e-9) {
            self.warn(
                span,
                format!(
                    "revenue at risk is {} a year ({} on journeys, {} from services' own revenue_per_hour, each x 8,760 h), more than revenue_per_year = {}: is some revenue counted twice?",
                    amount(at_risk),
                    amount(on_journeys),
                    amount(own),
                    amount(per_year)
                ),
            );
        }
    }
}

/// A whole amount with thousands separators: 2,680,560,000.
fn amount(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_have_thousands_separators() {
        assert_eq!(super::amount(0.0), "0");
        assert_eq!(super::amount(999.4), "999");
        assert_eq!(super::amount(1000.0), "1,000");
        assert_eq!(super::amount(2_680_560_000.0), "2,680,560,000");
    }
}
