//! Deck-ready charts, generic over plotters' drawing backend so tests can render them to
//! an SVG string. One Okabe–Ito colour per model across every chart, an embedded font (no
//! system fonts needed), large type, units on every axis, and a footnote with scenario,
//! replications and seed.
//!
//! This file holds [`Chart`], the report's charts, and its dispatch; each chart kind is
//! drawn in a file of its own under `charts/`, on shared machinery: rendering to bytes
//! (`render.rs`), the frame of titles and footnote (`frame.rs`), legends (`legend.rs`),
//! axis ranges (`axis.rs`), bands over weeks (`bands.rs`) and patterned fills (`fill.rs`).
//! Colours and type are in [`super::style`], the font in [`super::fonts`], and every
//! message title is written by [`super::headline`].

mod axis;
mod bands;
mod breakdown;
mod breakeven;
mod budget;
mod calibration;
mod cost_vs_reliability;
mod fill;
mod frame;
mod frontier;
mod grid_map;
mod legend;
mod render;
mod sweep;
mod time_to_restore;
mod tornado;
mod trajectories;
mod workarounds;

pub use super::fonts::{FONT, register_fonts};
pub use super::style::{COST_COMPONENTS, Component, Pattern, RESTORE_PARTS, colour, colour_hex};
pub use breakeven::BreakevenChart;
pub use calibration::{FitChart, pages as fit_chart_pages};
pub use frontier::FrontierChart;
pub use grid_map::GridMap;
pub use render::{ChartError, HEIGHT, WIDTH};
pub use sweep::SweepChart;
pub use tornado::Tornado;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::ReportData;
use render::{to_png, to_svg};

/// The charts of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Availability against operating cost.
    CostVsReliability,
    /// Distribution of time to restore.
    TimeToRestore,
    /// Open workarounds per week.
    WorkaroundsOverTime,
    /// Error budget remaining week by week after the warm-up.
    ErrorBudgetOverTime,
    /// Stacked cost components.
    CostBreakdown,
    /// Mean time to restore split into its parts: why a model is slow.
    RestoreBreakdown,
    /// Incidents, restore time and costs quarter by quarter.
    Trajectories,
}

impl Chart {
    /// Every chart, in report order.
    pub const ALL: [Chart; 7] = [
        Chart::CostVsReliability,
        Chart::TimeToRestore,
        Chart::RestoreBreakdown,
        Chart::Trajectories,
        Chart::WorkaroundsOverTime,
        Chart::ErrorBudgetOverTime,
        Chart::CostBreakdown,
    ];

    /// File stem under `charts/`.
    pub fn name(self) -> &'static str {
        match self {
            Chart::CostVsReliability => "cost_vs_reliability",
            Chart::TimeToRestore => "time_to_restore",
            Chart::WorkaroundsOverTime => "workarounds_over_time",
            Chart::ErrorBudgetOverTime => "error_budget_over_time",
            Chart::CostBreakdown => "cost_breakdown",
            Chart::RestoreBreakdown => "restore_breakdown",
            Chart::Trajectories => "trajectories",
        }
    }

    /// The chart's title: the subject of its finding.
    pub fn title(self) -> &'static str {
        match self {
            Chart::CostVsReliability => {
                "What each model costs to run, and which tiers meet their targets"
            }
            Chart::TimeToRestore => "How long each model takes to restore service",
            Chart::WorkaroundsOverTime => "Workarounds left in production, week by week",
            Chart::ErrorBudgetOverTime => {
                "Error budget remaining week by week after the warm-up, tier by tier"
            }
            Chart::CostBreakdown => "Where each model's money goes",
            Chart::RestoreBreakdown => "Where each model's time to restore goes",
            Chart::Trajectories => "How incidents, restore time and costs unfold over the years",
        }
    }

    /// Draws the chart on any backend.
    pub fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        data: &ReportData,
    ) -> Result<(), ChartError> {
        register_fonts();
        let result = match self {
            Chart::CostVsReliability => cost_vs_reliability::cost_vs_reliability(root, data),
            Chart::TimeToRestore => time_to_restore::time_to_restore(root, data),
            Chart::WorkaroundsOverTime => workarounds::workarounds(root, data),
            Chart::ErrorBudgetOverTime => budget::budget_by_tier(root, data),
            Chart::CostBreakdown => breakdown::cost_breakdown(root, data),
            Chart::RestoreBreakdown => breakdown::restore_breakdown(root, data),
            Chart::Trajectories => trajectories::trajectories(root, data),
        };
        result.map_err(|message| ChartError {
            chart: self.name(),
            message,
        })
    }

    /// The chart as an SVG document.
    pub fn svg(self, data: &ReportData) -> Result<String, ChartError> {
        to_svg(self.name(), |root| {
            self.draw(root, data).map_err(|e| e.message)
        })
    }

    /// The chart as PNG bytes.
    pub fn png(self, data: &ReportData) -> Result<Vec<u8>, ChartError> {
        to_png(self.name(), |root| {
            self.draw(root, data).map_err(|e| e.message)
        })
    }
}

impl Chart {
    /// One line under the title saying what is drawn.
    pub fn subtitle(self) -> &'static str {
        match self {
            Chart::CostVsReliability => {
                "Markers: share of each tier's service-years that met the target (one shape per tier, the same in every scenario), side by side at the model's mean operating cost. Bars: 95% intervals."
            }
            Chart::TimeToRestore => {
                "Share of incidents restored within a given time; all replications pooled."
            }
            Chart::WorkaroundsOverTime => {
                "Lines: mean over replications. Bands: 10th to 90th percentile."
            }
            Chart::ErrorBudgetOverTime => {
                "One panel per tier: budget left this quarter, % of the tier's budget; below zero is overspent. Lines: means; bands: 10th–90th percentile."
            }
            Chart::CostBreakdown => {
                "Means per year. Left: the cost of running the model. Right: the cost of unreliability (freezes at an assumed price, lost revenue), on its own scale."
            }
            Chart::RestoreBreakdown => {
                "Mean hours per restored incident, split from occurrence to restore; the parts add up to the mean time to restore."
            }
            Chart::Trajectories => {
                "Quarter by quarter after the warm-up. Lines: means over replications; bands: their 95% intervals."
            }
        }
    }
}
