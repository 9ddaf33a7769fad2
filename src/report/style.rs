//! The charts' style: one colour per model (Okabe–Ito) in every chart and in the HTML
//! report, ink, grey and grid colours, line widths, type sizes in the embedded font, and the
//! components of the stacked bars (restore parts and cost components, which the titles also
//! read) with their colours and fill patterns.

use crate::metric::RestorePart;
use plotters::prelude::*;
use plotters::style::FontStyle;

use super::fonts::FONT;
use crate::model::ModelKind;

/// The model's colour (Okabe–Ito, colour-blind safe), the same in every chart.
pub fn colour(model: ModelKind) -> RGBColor {
    match model {
        ModelKind::YouRun => RGBColor(0, 114, 178),        // blue
        ModelKind::YouAndSreRun => RGBColor(86, 180, 233), // sky blue
        ModelKind::SreRun => RGBColor(0, 158, 115),        // bluish green
        ModelKind::OpsRun => RGBColor(213, 94, 0),         // vermillion
        ModelKind::OpsSometimesRun => RGBColor(230, 159, 0), // orange
        ModelKind::YouRunOpsMonitors => RGBColor(204, 121, 167), // reddish purple
        ModelKind::Assigned => RGBColor(0, 0, 0),          // black
    }
}

/// The colour as CSS hex, for the HTML report.
pub fn colour_hex(model: ModelKind) -> String {
    let RGBColor(r, g, b) = colour(model);
    format!("#{r:02x}{g:02x}{b:02x}")
}

pub(super) const INK: RGBColor = RGBColor(33, 33, 33);
pub(super) const GREY: RGBColor = RGBColor(90, 90, 90);
pub(super) const GRID: RGBColor = RGBColor(225, 225, 225);
/// Line widths, widest drawn first (see `charts::legend::drawing_order`).
pub(super) const LINE_WIDEST: u32 = 15;
pub(super) const LINE_NARROWEST: u32 = 5;
/// The widest line in a small-multiple panel.
pub(super) const PANEL_WIDEST: u32 = 11;

/// The embedded font at `size`, in ink.
pub(super) fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

/// The embedded font's bold at `size`, in ink.
pub(super) fn bold(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().style(FontStyle::Bold).color(&INK)
}

/// How a component's area is filled: solid, or a pattern over a lighter fill so that
/// neighbours differ in more than shade (and print in greyscale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Flat colour.
    Solid,
    /// Diagonal stripes: time spent waiting, or a price the scenario assumes.
    Hatched,
    /// Diagonal stripes both ways (a lattice): a second kind of wait beside [`Hatched`](Pattern::Hatched).
    CrossHatched,
    /// Horizontal stripes: a third kind of wait.
    Horizontal,
    /// A grid of dots.
    Dotted,
}

impl Pattern {
    /// Every pattern, each a different kind of mark (none, stripes one way, a lattice,
    /// level stripes, dots), so that neighbours differ in kind, not in spacing.
    pub const ALL: [Pattern; 5] = [
        Pattern::Solid,
        Pattern::Hatched,
        Pattern::CrossHatched,
        Pattern::Horizontal,
        Pattern::Dotted,
    ];
}

/// One component of a stacked bar.
#[derive(Debug, Clone, Copy)]
pub struct Component {
    /// The column in `replications.*`.
    pub metric: &'static str,
    /// The legend's words.
    pub label: &'static str,
    /// The words in a sentence ("mainly because of ...").
    pub phrase: &'static str,
    /// Fill colour.
    pub colour: RGBColor,
    /// Fill pattern.
    pub pattern: Pattern,
}

const fn part(
    metric: &'static str,
    label: &'static str,
    phrase: &'static str,
    colour: RGBColor,
    pattern: Pattern,
) -> Component {
    Component {
        metric,
        label,
        phrase,
        colour,
        pattern,
    }
}

/// Parts of the mean time to restore in stacking order (the parts, their columns and
/// words are [`RestorePart`]'s): the first responder's path in browns and oranges, the
/// waits for developers in purples, each wait with a pattern of its own kind (diagonal
/// stripes, a lattice, level stripes), developers' work solid.
pub const RESTORE_PARTS: [Component; 9] = [
    restore_part(RestorePart::Detect, RGBColor(127, 59, 8), Pattern::Solid),
    restore_part(RestorePart::Route, RGBColor(179, 88, 6), Pattern::Solid),
    restore_part(RestorePart::Queue, RGBColor(224, 130, 20), Pattern::Dotted),
    restore_part(RestorePart::Ack, RGBColor(253, 184, 99), Pattern::Solid),
    restore_part(RestorePart::L1Work, RGBColor(254, 224, 182), Pattern::Solid),
    restore_part(
        RestorePart::WaitL2Oncall,
        RGBColor(178, 171, 210),
        Pattern::Hatched,
    ),
    restore_part(
        RestorePart::WaitL2BusinessHours,
        RGBColor(128, 115, 172),
        Pattern::CrossHatched,
    ),
    restore_part(
        RestorePart::WaitL2Prioritisation,
        RGBColor(84, 39, 136),
        Pattern::Horizontal,
    ),
    restore_part(RestorePart::L2Work, RGBColor(45, 0, 75), Pattern::Solid),
];

/// A restore-time part as a stacked-bar component.
const fn restore_part(p: RestorePart, colour: RGBColor, pattern: Pattern) -> Component {
    part(p.column(), p.label(), p.phrase(), colour, pattern)
}

/// Cost components in stacking order: greys of clearly different lightness (and a dot
/// pattern) for the operating cost, reds for the cost of unreliability, so that the model
/// colours keep their meaning. The first four are the operating cost, the last two the
/// cost of unreliability; freezes are hatched because their price is an assumption of the
/// scenario (`costs.freeze_cost_per_day`), not a consequence of the simulation.
pub const COST_COMPONENTS: [Component; 6] = [
    part(
        "cost_staff",
        "dedicated staff",
        "dedicated staff",
        RGBColor(40, 40, 40),
        Pattern::Solid,
    ),
    part(
        "cost_oncall",
        "on-call pay, interruptions",
        "on-call pay and interruptions",
        RGBColor(120, 120, 120),
        Pattern::Solid,
    ),
    part(
        "cost_labour",
        "developer incident time",
        "developers' incident time",
        RGBColor(190, 190, 190),
        Pattern::Solid,
    ),
    part(
        "cost_sync",
        "knowledge sync",
        "knowledge sync",
        RGBColor(238, 238, 238),
        Pattern::Dotted,
    ),
    part(
        "cost_freeze",
        "freezes (assumed price)",
        "feature freezes at an assumed price",
        RGBColor(240, 190, 180),
        Pattern::Hatched,
    ),
    part(
        "cost_downtime",
        "downtime (lost revenue)",
        "lost revenue",
        RGBColor(196, 78, 82),
        Pattern::Solid,
    ),
];
