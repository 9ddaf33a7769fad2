//! `[costs]`: the prices and staffing rules that turn a simulation into money per year.

use super::super::file::CostsFile;
use super::super::{Costs, DevOncallCharge, LoadBasis};
use super::{Ctx, defaults};

impl Ctx<'_> {
    /// `[costs]`, each key defaulted on its own.
    pub(super) fn costs(&mut self, raw: Option<&CostsFile>) -> Costs {
        let d = defaults::costs();
        match raw {
            None => d,
            Some(c) => Costs {
                currency: c.currency.clone().unwrap_or(d.currency),
                working_hours_per_year: self.number(
                    &c.working_hours_per_year,
                    "costs.working_hours_per_year",
                    d.working_hours_per_year,
                    1.0,
                    8760.0,
                    "a number of hours between 1 and 8760",
                ),
                standby_per_hour: self.money(
                    &c.standby_per_hour,
                    "costs.standby_per_hour",
                    d.standby_per_hour,
                ),
                callout_per_page: self.money(
                    &c.callout_per_page,
                    "costs.callout_per_page",
                    d.callout_per_page,
                ),
                min_rota_size: self.count(
                    &c.min_rota_size,
                    "costs.min_rota_size",
                    d.min_rota_size,
                    1,
                ),
                max_oncall_share: self.number(
                    &c.max_oncall_share,
                    "costs.max_oncall_share",
                    d.max_oncall_share,
                    0.01,
                    1.0,
                    "a share between 0.01 and 1",
                ),
                dev_oncall_productivity_loss: self.probability(
                    &c.dev_oncall_productivity_loss,
                    "costs.dev_oncall_productivity_loss",
                    d.dev_oncall_productivity_loss,
                ),
                freeze_cost_per_day: self.money(
                    &c.freeze_cost_per_day,
                    "costs.freeze_cost_per_day",
                    d.freeze_cost_per_day,
                ),
                ops_fte_per_seat: self.number(
                    &c.ops_fte_per_seat,
                    "costs.ops_fte_per_seat",
                    d.ops_fte_per_seat,
                    1.0,
                    20.0,
                    "a number of people between 1 and 20",
                ),
                overhead_factor: self.number(
                    &c.overhead_factor,
                    "costs.overhead_factor",
                    d.overhead_factor,
                    1.0,
                    5.0,
                    "a factor between 1 and 5",
                ),
                dev_oncall_charge: self.choice(
                    c.dev_oncall_charge.as_ref(),
                    "costs.dev_oncall_charge",
                    &[
                        ("standby", DevOncallCharge::Standby),
                        ("opportunity", DevOncallCharge::Opportunity),
                    ],
                    d.dev_oncall_charge,
                ),
                max_operational_load: self.number(
                    &c.max_operational_load,
                    "costs.max_operational_load",
                    d.max_operational_load,
                    0.01,
                    1.0,
                    "a share between 0.01 and 1",
                ),
                operational_load_basis: self.choice(
                    c.operational_load_basis.as_ref(),
                    "costs.operational_load_basis",
                    &[
                        ("working-time", LoadBasis::WorkingTime),
                        ("seat-time", LoadBasis::SeatTime),
                    ],
                    d.operational_load_basis,
                ),
            },
        }
    }
}
