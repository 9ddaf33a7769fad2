//! The ownership models ("who builds it, who runs it?") a scenario can compare.
//! A model only chooses *mechanisms* — who is paged first, who is escalated to and
//! whether they are on call — never outcomes.

use std::fmt;
use std::str::FromStr;

/// One ownership model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModelKind {
    /// You build it, you run it: the owning team's rota is first on call.
    YouRun,
    /// You build it, you and SRE run it: a shared rota, devs on call 24/7 as L2.
    YouAndSreRun,
    /// You build it, SRE run it: SRE is L1 for services that pass the readiness review.
    SreRun,
    /// You build it, ops run it: an operations team is L1; devs are never on call.
    OpsRun,
    /// Hybrid: high-target services `you-run`, the others `ops-run`.
    OpsSometimesRun,
    /// Hybrid: `you-run`, plus ops monitoring of critical cross-team workflows.
    YouRunOpsMonitors,
    /// Per-service assignment: each service is run by the runner its `runner` key names
    /// (its owners when it names none), for the whole run. The named models with a static
    /// assignment are special cases of it.
    Assigned,
}

impl ModelKind {
    /// Every model: the chapter's four in its order, then the hybrids.
    pub const ALL: [ModelKind; 6] = [
        ModelKind::YouRun,
        ModelKind::YouAndSreRun,
        ModelKind::SreRun,
        ModelKind::OpsRun,
        ModelKind::OpsSometimesRun,
        ModelKind::YouRunOpsMonitors,
    ];

    /// Every model a scenario can name: [`ModelKind::ALL`], then `assigned`, which a
    /// scenario compares only when it says so (it is not among the default models).
    pub const EVERY: [ModelKind; 7] = [
        ModelKind::YouRun,
        ModelKind::YouAndSreRun,
        ModelKind::SreRun,
        ModelKind::OpsRun,
        ModelKind::OpsSometimesRun,
        ModelKind::YouRunOpsMonitors,
        ModelKind::Assigned,
    ];

    /// Position in [`ModelKind::EVERY`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The key used in scenario files and output columns.
    pub fn key(self) -> &'static str {
        match self {
            ModelKind::YouRun => "you-run",
            ModelKind::YouAndSreRun => "you-and-sre-run",
            ModelKind::SreRun => "sre-run",
            ModelKind::OpsRun => "ops-run",
            ModelKind::OpsSometimesRun => "ops-sometimes-run",
            ModelKind::YouRunOpsMonitors => "you-run-ops-monitors",
            ModelKind::Assigned => "assigned",
        }
    }

    /// A short name for readers of charts and reports (keys stay in files).
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::YouRun => "You run it",
            ModelKind::YouAndSreRun => "You and SRE run it",
            ModelKind::SreRun => "SRE run it",
            ModelKind::OpsRun => "Ops run it",
            ModelKind::OpsSometimesRun => "Ops sometimes run it",
            ModelKind::YouRunOpsMonitors => "You run it, ops monitor",
            ModelKind::Assigned => "As assigned",
        }
    }

    /// The chapter's name for the model.
    pub fn title(self) -> &'static str {
        match self {
            ModelKind::YouRun => "You Build It, You Run It",
            ModelKind::YouAndSreRun => "You Build It, You and SRE Run It",
            ModelKind::SreRun => "You Build It, SRE Run It",
            ModelKind::OpsRun => "You Build It, Ops Run It",
            ModelKind::OpsSometimesRun => "You Build It, Ops Sometimes Run It",
            ModelKind::YouRunOpsMonitors => "You Build It, You Run It, Ops Monitor",
            ModelKind::Assigned => "Each Service Run by Its Assigned Runner",
        }
    }

    /// A comma-separated list of valid keys, for error messages.
    pub fn valid_keys() -> String {
        Self::EVERY.map(ModelKind::key).join(", ")
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for ModelKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::EVERY
            .into_iter()
            .find(|m| m.key() == s)
            .ok_or_else(|| format!("unknown model \"{s}\" (valid: {})", Self::valid_keys()))
    }
}

/// Who runs a service: its developers (in the team's set-up), a rota the owning developers
/// share with SREs, the SRE team, or operations. What each means for routes and staffing
/// is in `models`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Runner {
    /// The owning team, in its section 12.3 set-up.
    Owners,
    /// The owning team's developers on a shared rota with SREs (`you-and-sre-run`).
    SharedWithSre,
    /// The SRE team.
    Sre,
    /// Operations.
    Ops,
}

impl Runner {
    /// Every runner, in the order of the keys.
    pub const ALL: [Runner; 4] = [
        Runner::Owners,
        Runner::SharedWithSre,
        Runner::Sre,
        Runner::Ops,
    ];

    /// The word used for the runner in scenario files and output columns.
    pub fn key(self) -> &'static str {
        match self {
            Runner::Owners => "owners",
            Runner::SharedWithSre => "shared-with-sre",
            Runner::Sre => "sre",
            Runner::Ops => "ops",
        }
    }

    /// The runner named by `word`, if any.
    pub fn from_key(word: &str) -> Option<Runner> {
        Self::ALL.into_iter().find(|r| r.key() == word)
    }
}

impl fmt::Display for Runner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
