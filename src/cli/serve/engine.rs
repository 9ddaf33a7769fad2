//! The server's state and its engine thread: the current edit, the latest answer (sent to
//! every page through a watch channel), the pin. Each accepted edit starts a dedicated
//! thread that runs replications on rayon, outside the async runtime; a newer edit bumps
//! the generation, which stops the older run within one replication.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;
use whoruns::Scenario;
use whoruns::guard::Limits;
use whoruns::outcome::Outcome;
use whoruns::whatif::answer::{Basis, answer};
use whoruns::whatif::session::{Applied, LeverProblem, Refusal};
use whoruns::whatif::{Edit, Lever, Pin, Plan, catalogue, sharpen};

/// What the server is started with.
pub struct Setup {
    /// The scenario file's text.
    pub base: String,
    /// Its name as the user gave it.
    pub file: String,
    /// The scenario as stated.
    pub scenario: Scenario,
    /// How answers sharpen.
    pub plan: Plan,
    /// Size guardrails for an edit at the cap.
    pub limits: Limits,
    /// The `Host` values requests may carry.
    pub hosts: Vec<String>,
}

/// The answer of the current edit so far.
#[derive(Clone)]
pub struct Current {
    /// Which edit.
    pub generation: u64,
    /// The edit as the page sent it.
    pub edit: Edit,
    /// The edit applied.
    pub applied: Arc<Applied>,
    /// The scenario with the replications run so far.
    pub scenario: Option<Scenario>,
    /// The outcomes so far.
    pub outcomes: Arc<Vec<Outcome>>,
}

/// Everything handlers share.
pub struct Shared {
    /// The scenario file's text.
    pub base: String,
    /// Its name as the user gave it.
    pub file: String,
    /// The levers it offers.
    pub levers: Vec<Lever>,
    /// The scenario as stated.
    pub stated: Scenario,
    /// How answers sharpen.
    pub plan: Plan,
    limits: Limits,
    /// Allowed `Host` header values.
    pub hosts: Vec<String>,
    generation: AtomicU64,
    current: Mutex<Option<Current>>,
    pin: Mutex<Option<Pin>>,
    /// One engine run at a time: a new edit's thread waits for the old one to stop.
    engine: Mutex<()>,
    /// The latest event for the page, as (event name, JSON).
    pub events: watch::Sender<Arc<(String, String)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// The state for `setup`.
    pub fn new(setup: Setup) -> Shared {
        let levers = catalogue(&setup.base, &setup.scenario);
        let (events, _) = watch::channel(Arc::new((
            "waiting".to_string(),
            "{\"generation\":0}".to_string(),
        )));
        Shared {
            base: setup.base,
            file: setup.file,
            levers,
            stated: setup.scenario,
            plan: setup.plan,
            limits: setup.limits,
            hosts: setup.hosts,
            generation: AtomicU64::new(0),
            current: Mutex::new(None),
            pin: Mutex::new(None),
            engine: Mutex::new(()),
            events,
        }
    }

    /// The current edit's state.
    pub fn current(&self) -> Option<Current> {
        lock(&self.current).clone()
    }

    /// Applies `edit` and starts answering it; the new generation, or why not.
    pub fn start(shared: &Arc<Shared>, edit: Edit) -> Result<u64, Refusal> {
        let applied = whoruns::whatif::apply(&shared.base, &shared.file, &shared.levers, &edit)?;
        let threads = shared
            .plan
            .threads
            .unwrap_or_else(rayon::current_num_threads);
        whoruns::run::check_size(
            &applied.scenario,
            threads,
            &shared.limits,
            Some(whoruns::precision::Precision {
                share: shared.plan.share,
                max_replications: shared.plan.cap,
            }),
        )
        .map_err(|e| Refusal::Invalid {
            problems: vec![LeverProblem {
                lever: edit.last.clone().unwrap_or_default(),
                message: format!("{e} (at --max-replications {})", shared.plan.cap),
            }],
        })?;
        let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let applied = Arc::new(applied);
        *lock(&shared.current) = Some(Current {
            generation,
            edit,
            applied: Arc::clone(&applied),
            scenario: None,
            outcomes: Arc::new(Vec::new()),
        });
        let s = Arc::clone(shared);
        std::thread::spawn(move || s.answer(generation, &applied));
        Ok(generation)
    }

    fn superseded(&self, generation: u64) -> bool {
        self.generation.load(Ordering::SeqCst) != generation
    }

    /// The engine thread of one edit: batch after batch, each answer sent to the pages.
    fn answer(&self, generation: u64, applied: &Applied) {
        let _one = lock(&self.engine);
        if self.superseded(generation) {
            return;
        }
        let stop = || self.superseded(generation);
        let result = sharpen(
            &applied.scenario,
            &self.plan,
            &stop,
            &mut |outcomes, standing| {
                let mut scenario = applied.scenario.clone();
                if scenario.set_replications(standing.replications).is_err() {
                    return;
                }
                let pin = lock(&self.pin).clone();
                let drawn = answer(&Basis {
                    generation,
                    scenario: &scenario,
                    outcomes,
                    standing,
                    plan: &self.plan,
                    changes: &applied.changes,
                    pin: pin.as_ref(),
                });
                let mut current = lock(&self.current);
                let Some(c) = current.as_mut().filter(|c| c.generation == generation) else {
                    return;
                };
                c.scenario = Some(scenario);
                c.outcomes = Arc::new(outcomes.to_vec());
                drop(current);
                self.send(generation, drawn.map_err(|e| e.to_string()));
            },
        );
        if let Err(e) = result {
            self.send(generation, Err(e.to_string()));
        }
    }

    /// Sends an answer (or why there is none) to the pages, unless superseded.
    fn send(&self, generation: u64, drawn: Result<whoruns::whatif::Answer, String>) {
        if self.superseded(generation) {
            return;
        }
        let event = match drawn.map(|a| serde_json::to_string(&a)) {
            Ok(Ok(json)) => ("answer".to_string(), json),
            Ok(Err(e)) => error_event(generation, &e.to_string()),
            Err(e) => error_event(generation, &e),
        };
        self.events.send_replace(Arc::new(event));
    }

    /// Pins the current answer (`false` when there is none yet) and redraws it with its
    /// differences, which are then zero.
    pub fn pin(&self) -> Option<String> {
        let c = self.current()?;
        let scenario = c.scenario.as_ref()?;
        let pin = Pin::of(&scenario.models, &c.outcomes, &c.applied.changes);
        let label = pin.label.clone();
        *lock(&self.pin) = Some(pin);
        self.redraw(&c);
        Some(label)
    }

    /// Removes the pin.
    pub fn unpin(&self) {
        *lock(&self.pin) = None;
        if let Some(c) = self.current() {
            self.redraw(&c);
        }
    }

    /// Draws the current answer again (after the pin changed), unless its run has moved on.
    fn redraw(&self, c: &Current) {
        let Some(scenario) = c.scenario.as_ref() else {
            return;
        };
        let (widest, metric, model) = whoruns::precision::widest(&scenario.models, &c.outcomes);
        let precise = widest <= self.plan.share;
        let standing = whoruns::whatif::Standing {
            replications: scenario.replications,
            widest,
            metric,
            model,
            precise,
            last: precise || scenario.replications >= self.plan.cap,
        };
        let pin = lock(&self.pin).clone();
        let drawn = answer(&Basis {
            generation: c.generation,
            scenario,
            outcomes: &c.outcomes,
            standing,
            plan: &self.plan,
            changes: &c.applied.changes,
            pin: pin.as_ref(),
        });
        // Only if no newer batch was sent meanwhile.
        if self
            .current()
            .is_some_and(|now| Arc::ptr_eq(&now.outcomes, &c.outcomes))
        {
            self.send(c.generation, drawn.map_err(|e| e.to_string()));
        }
    }
}

fn error_event(generation: u64, message: &str) -> (String, String) {
    let json = serde_json::json!({ "generation": generation, "message": message });
    ("failed".to_string(), json.to_string())
}
