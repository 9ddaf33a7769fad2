//! The only ways code outside `scenario` changes a validated [`Scenario`]: run settings the
//! command line may override (replications, seed, the models compared and the reference),
//! each checked so that the scenario stays one `whoruns validate` would accept.

use super::Scenario;
use crate::model::{ModelKind, Runner};

/// A change that would make the scenario invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// Fewer than two replications: no confidence interval can be given.
    #[error("--replications must be at least 2 to give confidence intervals")]
    TooFewReplications {
        /// The number asked for.
        replications: u32,
    },
    /// No model to compare.
    #[error("no model to compare")]
    NoModels,
    /// A model named twice.
    #[error("{model} is named twice among the models to compare")]
    Duplicate {
        /// Its key.
        model: &'static str,
    },
    /// A seed larger than a scenario file can record (its integers are signed 64-bit).
    #[error(
        "--seed {seed} is larger than a scenario file can record (at most {})",
        i64::MAX
    )]
    SeedTooLarge {
        /// The seed asked for.
        seed: u64,
    },
    /// The scenario as run cannot be written into its file's text.
    #[error("the scenario as run cannot be recorded in its file's text")]
    Unrecordable,
    /// An assignment of the wrong length.
    #[error("an assignment names {given} runners for {services} services")]
    AssignmentLength {
        /// Runners given.
        given: usize,
        /// Services in the scenario.
        services: usize,
    },
    /// A runner a service's `allowed_runners` forbids.
    #[error("service \"{service}\" may not be run by \"{runner}\" (allowed_runners)")]
    RunnerNotAllowed {
        /// The service's name.
        service: String,
        /// The runner's key.
        runner: &'static str,
    },
    /// A reference that is not compared.
    #[error("the reference model {model} is not among the models compared")]
    ReferenceNotCompared {
        /// Its key.
        model: &'static str,
    },
}

impl Scenario {
    /// Sets every service's `runner` (in the scenario's order), each one its
    /// `allowed_runners` permits: the assignment the `assigned` model runs.
    pub fn assign(&mut self, runners: &[Runner]) -> Result<(), ChangeError> {
        if runners.len() != self.services.len() {
            return Err(ChangeError::AssignmentLength {
                given: runners.len(),
                services: self.services.len(),
            });
        }
        for (s, r) in self.services.iter().zip(runners) {
            if !s.allowed_runners.is_empty() && !s.allowed_runners.contains(r) {
                return Err(ChangeError::RunnerNotAllowed {
                    service: s.name.clone(),
                    runner: r.key(),
                });
            }
        }
        for (s, r) in self.services.iter_mut().zip(runners) {
            s.runner = *r;
        }
        Ok(())
    }

    /// Sets the number of replications: at least 2, so that every mean has an interval.
    pub fn set_replications(&mut self, replications: u32) -> Result<(), ChangeError> {
        if replications < 2 {
            return Err(ChangeError::TooFewReplications { replications });
        }
        self.replications = replications;
        Ok(())
    }

    /// Sets the base seed: at most `i64::MAX`, so that the scenario as run can be saved
    /// beside its results and read back.
    pub fn set_seed(&mut self, seed: u64) -> Result<(), ChangeError> {
        if i64::try_from(seed).is_err() {
            return Err(ChangeError::SeedTooLarge { seed });
        }
        self.seed = seed;
        Ok(())
    }

    /// Compares `models` (in order, each once) against `reference`, one of them.
    pub fn compare(
        &mut self,
        models: Vec<ModelKind>,
        reference: ModelKind,
    ) -> Result<(), ChangeError> {
        if models.is_empty() {
            return Err(ChangeError::NoModels);
        }
        for (i, m) in models.iter().enumerate() {
            if models[..i].contains(m) {
                return Err(ChangeError::Duplicate { model: m.key() });
            }
        }
        if !models.contains(&reference) {
            return Err(ChangeError::ReferenceNotCompared {
                model: reference.key(),
            });
        }
        self.models = models;
        self.reference = reference;
        Ok(())
    }

    /// Sets the long-run mechanisms' strength (`learning.incentive`, within its valid
    /// range 0 to 10; 0 is the stationary model): the report's verdicts across the strength,
    /// and a log's year taken as stationary when calibrating.
    pub fn set_incentive(&mut self, strength: f64) {
        self.learning.incentive = strength.clamp(0.0, 10.0);
    }

    /// Takes `base`'s run settings: replications, seed, models and reference (valid
    /// there, so valid here).
    pub fn adopt_run_settings(&mut self, base: &Scenario) {
        self.replications = base.replications;
        self.seed = base.seed;
        self.models.clone_from(&base.models);
        self.reference = base.reference;
    }

    /// Takes `base`'s name as well as its run settings: a point of a sweep of `base`.
    pub fn adopt_identity(&mut self, base: &Scenario) {
        self.adopt_run_settings(base);
        self.name.clone_from(&base.name);
    }
}

impl Scenario {
    /// The scenario as run, as text: `text` (the file it was read from) with `name`,
    /// `replications` and `seed` set to this scenario's, so that the saved copy reproduces
    /// the results and `whoruns report` finds the same scenario. Comments and layout are
    /// kept; missing keys are added before the first table. Refused unless the result reads
    /// back with the same settings.
    pub fn record(&self, text: &str) -> Result<String, ChangeError> {
        let set = [
            ("name", format!("{:?}", self.name)),
            ("replications", self.replications.to_string()),
            ("seed", self.seed.to_string()),
        ];
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let header = lines
            .iter()
            .position(|l| l.trim_start().starts_with('['))
            .unwrap_or(lines.len());
        let mut missing = Vec::new();
        for (key, value) in &set {
            let found = lines[..header].iter().position(|l| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            });
            match found {
                Some(i) => lines[i] = format!("{key} = {value}"),
                None => missing.push(format!("{key} = {value}")),
            }
        }
        let first_code = lines[..header]
            .iter()
            .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .unwrap_or(header);
        for (offset, line) in missing.into_iter().enumerate() {
            lines.insert(first_code + offset, line);
        }
        let record = lines.join("\n") + "\n";
        // Keep the edit only if it parses to the same scenario settings.
        match super::parse(&record, "scenario.toml") {
            Ok(s)
                if s.name == self.name
                    && s.replications == self.replications
                    && s.seed == self.seed =>
            {
                Ok(record)
            }
            _ => Err(ChangeError::Unrecordable),
        }
    }
}

/// Whether `line` sets `key` (`key = …`, spaces allowed).
fn sets(line: &str, key: &str) -> bool {
    line.trim_start()
        .strip_prefix(key)
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}

/// Replaces the top-level `key` (its value may span lines up to the closing `]`) in
/// `lines[..header]` by `line`, or inserts it before the first key; the new header index.
fn set_top(lines: &mut Vec<String>, header: usize, key: &str, line: String) -> usize {
    if let Some(i) = lines[..header].iter().position(|l| sets(l, key)) {
        let mut end = i;
        if lines[i].contains('[') && !lines[i].contains(']') {
            while end + 1 < header && !lines[end].contains(']') {
                end += 1;
            }
        }
        lines.splice(i..=end, [line]);
        return header - (end - i);
    }
    let first_code = lines[..header]
        .iter()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap_or(header);
    lines.insert(first_code, line);
    header + 1
}

impl Scenario {
    /// `text` (the file this scenario was read from) with every `[[services]]` table's
    /// `runner` set to `runners` (in order) and `models`, `reference_model` set: a
    /// ready-to-run scenario of an assignment. Comments and layout are kept. Refused unless
    /// the result reads back with those runners and models.
    pub fn record_assignment(
        &self,
        text: &str,
        runners: &[Runner],
        models: &[ModelKind],
        reference: ModelKind,
    ) -> Result<String, ChangeError> {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let headers: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].trim_start().starts_with("[[services]]"))
            .collect();
        if headers.len() != runners.len() || runners.len() != self.services.len() {
            return Err(ChangeError::Unrecordable);
        }
        for (&h, r) in headers.iter().zip(runners).rev() {
            let end = (h + 1..lines.len())
                .find(|&i| lines[i].trim_start().starts_with('['))
                .unwrap_or(lines.len());
            let kept: Vec<String> = lines[h + 1..end]
                .iter()
                .filter(|l| !sets(l, "runner"))
                .cloned()
                .collect();
            let mut block = vec![format!("runner = \"{}\"", r.key())];
            block.extend(kept);
            lines.splice(h + 1..end, block);
        }
        let header = lines
            .iter()
            .position(|l| l.trim_start().starts_with('['))
            .unwrap_or(lines.len());
        let keys: Vec<String> = models.iter().map(|m| format!("\"{}\"", m.key())).collect();
        let header = set_top(
            &mut lines,
            header,
            "models",
            format!("models = [{}]", keys.join(", ")),
        );
        set_top(
            &mut lines,
            header,
            "reference_model",
            format!("reference_model = \"{}\"", reference.key()),
        );
        let record = lines.join("\n") + "\n";
        match super::parse(&record, "recommended.toml") {
            Ok(s)
                if s.models == models
                    && s.reference == reference
                    && s.services
                        .iter()
                        .map(|x| x.runner)
                        .eq(runners.iter().copied()) =>
            {
                Ok(record)
            }
            _ => Err(ChangeError::Unrecordable),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        crate::scenario::parse(
            "[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n",
            "t.toml",
        )
        .expect("valid")
    }

    #[test]
    fn changes_that_would_break_the_scenario_are_refused() {
        let mut s = scenario();
        assert_eq!(
            s.set_replications(1),
            Err(ChangeError::TooFewReplications { replications: 1 })
        );
        assert!(s.set_replications(2).is_ok());
        assert!(matches!(
            s.set_seed(u64::MAX),
            Err(ChangeError::SeedTooLarge { .. })
        ));
        assert!(s.set_seed(i64::MAX as u64).is_ok());
        assert_eq!(s.replications, 2);
        assert_eq!(
            s.compare(vec![], ModelKind::YouRun),
            Err(ChangeError::NoModels)
        );
        assert!(matches!(
            s.compare(
                vec![ModelKind::YouRun, ModelKind::YouRun],
                ModelKind::YouRun
            ),
            Err(ChangeError::Duplicate { .. })
        ));
        assert!(matches!(
            s.compare(vec![ModelKind::OpsRun], ModelKind::YouRun),
            Err(ChangeError::ReferenceNotCompared { .. })
        ));
        assert!(
            s.compare(
                vec![ModelKind::OpsRun, ModelKind::YouRun],
                ModelKind::YouRun
            )
            .is_ok()
        );
        assert_eq!(s.models, [ModelKind::OpsRun, ModelKind::YouRun]);
    }

    #[test]
    fn the_record_keeps_comments_and_sets_the_run_settings() {
        let text = "# my org\nreplications = 5 # few\n[[teams]]\nname = \"a\"\n[[services]]\nname = \"s\"\nteam = \"a\"\n";
        let mut s = crate::scenario::parse(text, "org.toml").unwrap();
        s.set_replications(7).unwrap();
        s.set_seed(9).unwrap();
        let r = s.record(text).unwrap();
        assert!(
            r.starts_with("# my org\nname = \"org\"\nseed = 9\nreplications = 7\n[[teams]]"),
            "{r}"
        );
        let back = crate::scenario::parse(&r, "scenario.toml").unwrap();
        assert_eq!(
            (back.replications, back.seed, back.name.as_str()),
            (7, 9, "org")
        );
    }
}
