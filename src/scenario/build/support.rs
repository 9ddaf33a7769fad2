//! `[support]` (the extended window, the availability bands that choose support hours and
//! rotas, a domain rota's knowledge), and one service's `support` and `rota` words.

use super::super::file::{ServiceFile, SupportFile};
use super::super::{Rota, Support, SupportHours};
use super::{Ctx, defaults};
use crate::calendar::Calendar;

impl Ctx<'_> {
    /// `[support]`, each key defaulted on its own; the extended window must contain the
    /// business hours of `calendar`.
    pub(super) fn support(&mut self, raw: Option<&SupportFile>, calendar: &Calendar) -> Support {
        let d = defaults::support();
        let Some(raw) = raw else { return d };
        let hours = raw
            .extended_hours
            .as_ref()
            .map_or(defaults::EXTENDED_HOURS, |s| s.get_ref().as_str());
        let days = raw
            .extended_days
            .as_ref()
            .map_or(defaults::EXTENDED_DAYS, |s| s.get_ref().as_str());
        let span = raw
            .extended_hours
            .as_ref()
            .or(raw.extended_days.as_ref())
            .map_or(0..0, |s| s.span());
        let extended = match Calendar::parse(hours, days) {
            Ok(c) if c.contains(calendar) => c,
            Ok(_) => {
                self.err(
                    &span,
                    format!(
                        "support: the extended window \"{hours}\" on \"{days}\" must contain the business hours of [calendar]"
                    ),
                );
                d.extended.clone()
            }
            Err(e) => {
                let e = e.to_string().replace("business_hours", "extended_hours");
                let e = e.replace("business days", "extended_days");
                self.err(&span, format!("support: {e}"));
                d.extended.clone()
            }
        };
        let band = "an availability target between 0.5 and 1 (e.g. 0.99)";
        let out_of_hours_from = self.number(
            &raw.out_of_hours_from,
            "support.out_of_hours_from",
            d.out_of_hours_from,
            0.5,
            1.0,
            band,
        );
        let team_rota_from = self.number(
            &raw.team_rota_from,
            "support.team_rota_from",
            d.team_rota_from,
            0.5,
            1.0,
            band,
        );
        if team_rota_from < out_of_hours_from
            && let Some(v) = raw
                .team_rota_from
                .as_ref()
                .or(raw.out_of_hours_from.as_ref())
        {
            self.err(
                &v.span(),
                format!(
                    "support.team_rota_from = {team_rota_from} is below support.out_of_hours_from = {out_of_hours_from}; a team rota needs a target at least as high"
                ),
            );
        }
        Support {
            extended,
            out_of_hours_from,
            team_rota_from,
            domain_knowledge: self.probability(
                &raw.domain_knowledge,
                "support.domain_knowledge",
                d.domain_knowledge,
            ),
        }
    }

    /// A service's `support` and `rota`, where stated.
    pub(super) fn support_words(
        &mut self,
        s: &ServiceFile,
    ) -> (Option<SupportHours>, Option<Rota>) {
        let hours = s.support.as_ref().map(|v| {
            self.choice(
                Some(v),
                "support",
                &[
                    ("24/7", SupportHours::AllHours),
                    ("extended", SupportHours::Extended),
                    ("business-hours", SupportHours::BusinessHours),
                ],
                SupportHours::AllHours,
            )
        });
        let rota = s.rota.as_ref().map(|v| {
            self.choice(
                Some(v),
                "rota",
                &[("team", Rota::Team), ("domain", Rota::Domain)],
                Rota::Team,
            )
        });
        (hours, rota)
    }
}
