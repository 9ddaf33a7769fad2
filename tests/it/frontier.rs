//! `whoruns frontier` on a space small enough to enumerate: 6 services, 3 runners each
//! (729 assignments, `scenarios/frontier-small.toml`). The search (NSGA-II, forced by a
//! budget below the space) must find the front that enumeration finds, within the
//! confirmation's paired intervals on fresh seeds; the named models lie on or behind it;
//! the recommended scenario meets its goal when run again on other seeds; the same seed
//! gives the same front on 1 and 2 threads; the binary writes its files and refuses bad
//! goals.

use std::sync::OnceLock;

use whoruns::Scenario;
use whoruns::export::frontier::status;
use whoruns::frontier::evaluate::Evaluator;
use whoruns::frontier::goal::{self, Goal};
use whoruns::frontier::{self, Choices, Frontier, Options, Relation, Status, confirm, nsga};
use whoruns::model::{ModelKind, Runner};
use whoruns::models::Policy;
use whoruns::stats::Estimate;

use crate::cli::whoruns;
use crate::common::{bundled, scenario};

fn small() -> Scenario {
    scenario(&std::fs::read_to_string(bundled("frontier-small.toml")).unwrap())
}

/// A budget of 16 × 13 = 208 evaluations: below the 729 assignments, so NSGA-II runs.
fn options(threads: Option<usize>) -> Options {
    Options {
        search_replications: 6,
        population: 16,
        generations: 12,
        islands: 1,
        tier_objective: false,
        max_front: 20,
        confirm_initial: 10,
        confirm_batch: 10,
        confirm_max: 40,
        threads,
    }
}

fn found() -> &'static Frontier {
    static FOUND: OnceLock<Frontier> = OnceLock::new();
    FOUND.get_or_init(|| {
        frontier::run(&small(), &options(None), &|| {}, &|| false)
            .unwrap()
            .unwrap()
    })
}

fn runners(f: &Frontier, i: usize) -> Vec<Runner> {
    (0..f.scenario.services.len())
        .map(|k| f.confirmed.policies[i].initial_runner(&f.scenario, k))
        .collect()
}

/// The default search: 3 objectives (the worst tier's share too), on 2 islands of the
/// options above: 2 × 16 × 13 = 416 proposals, still below the space.
fn three_objectives(threads: Option<usize>) -> Options {
    Options {
        islands: 2,
        tier_objective: true,
        ..options(threads)
    }
}

fn found_on_three() -> &'static Frontier {
    static FOUND: OnceLock<Frontier> = OnceLock::new();
    FOUND.get_or_init(|| {
        frontier::run(&small(), &three_objectives(None), &|| {}, &|| false)
            .unwrap()
            .unwrap()
    })
}

#[test]
fn the_search_finds_the_enumerated_front_within_the_confirmation_intervals() {
    matches_enumeration(found(), &options(None));
}

#[test]
fn the_three_objective_search_finds_the_enumerated_front_too() {
    let f = found_on_three();
    assert_eq!(f.confirmed.dims, 3);
    matches_enumeration(f, &three_objectives(None));
}

/// The search's confirmed front against every assignment's front (on the search's seeds),
/// both confirmed on the same fresh seeds on `options`' objectives.
fn matches_enumeration(f: &Frontier, options: &Options) {
    let s = &f.scenario;
    assert!(!f.exhaustive, "the budget must force the search");
    assert!(f.evaluations < 729, "{} evaluations", f.evaluations);
    let choices = Choices::of(s);
    assert_eq!(choices.space(), 729);
    let eval = Evaluator::new(s, None).unwrap();
    let all = nsga::enumerate(&eval, &choices, options).unwrap();
    assert_eq!(all.archive.len(), 729);
    let exact: Vec<Vec<Runner>> = (all.front.iter())
        .map(|&i| choices.runners(&all.archive[i].genome))
        .collect();
    let searched: Vec<Vec<Runner>> = f.front().iter().map(|&i| runners(f, i)).collect();
    assert!(!searched.is_empty());
    // Both fronts on the same fresh seeds.
    let mut union = searched.clone();
    for e in &exact {
        if !union.contains(e) {
            union.push(e.clone());
        }
    }
    let policies: Vec<Policy> = union.iter().map(|r| Policy::assigned(s, r)).collect();
    let n = union.len();
    let u = confirm::confirm(&eval, policies, n, &[], options, &|| {}, &|| false)
        .unwrap()
        .unwrap();
    for i in 0..searched.len() {
        for j in searched.len()..n {
            let k = u.rows[i].len().min(u.rows[j].len());
            assert_ne!(
                confirm::relation(&u.rows[j][..k], &u.rows[i][..k], options.dims()),
                Relation::Dominates,
                "the enumeration's {:?} dominates the search's {:?}",
                union[j],
                union[i]
            );
        }
    }
    for (point, status) in union.iter().zip(&u.status).skip(searched.len()) {
        assert_ne!(
            *status,
            Status::NonDominated,
            "the search missed {point:?}, which its intervals separate from every point it found"
        );
    }
}

#[test]
fn every_named_model_is_on_or_behind_the_frontier() {
    on_or_behind(found());
    on_or_behind(found_on_three());
}

fn on_or_behind(f: &Frontier) {
    let c = &f.confirmed;
    assert_eq!(f.references.len(), 4);
    for (r, reference) in f.references.iter().enumerate() {
        let i = c.front_len + r;
        let said = status(f, i);
        assert_ne!(
            said, "beyond",
            "{} dominates a confirmed point",
            reference.model
        );
        if reference.model == ModelKind::SreRun {
            assert!(reference.runners.is_none());
        } else {
            assert!(f.choices.allows(reference.runners.as_ref().unwrap()));
        }
    }
}

#[test]
fn the_recommended_scenario_meets_its_goal_on_other_seeds() {
    let f = found();
    let share = 0.5;
    let rec = goal::recommend(f, Goal::EveryTier { share }, None, &|| {}, &|| false)
        .unwrap()
        .unwrap();
    assert!(
        rec.meets,
        "some confirmed point meets every tier in half the years"
    );
    assert!(f.choices.allows(&rec.runners));
    // Every allowed single-service move is measured.
    let moves: usize = f.choices.per_service.iter().map(|c| c.len() - 1).sum();
    assert_eq!(rec.moves.len(), moves);
    let text = std::fs::read_to_string(bundled("frontier-small.toml")).unwrap();
    let recorded = f
        .scenario
        .record_assignment(
            &text,
            &rec.runners,
            &[ModelKind::Assigned],
            ModelKind::Assigned,
        )
        .unwrap();
    let mut again = scenario(&recorded);
    again.set_seed(20_261_202).unwrap();
    again.set_replications(30).unwrap();
    let outcomes = whoruns::runner::run(&again, None, &|| {}).unwrap();
    let tiers = whoruns::metric::tier_shares(&again, &outcomes[0]).len();
    for t in 0..tiers {
        let e = Estimate::of(
            outcomes
                .iter()
                .map(|o| whoruns::metric::tier_shares(&again, o)[t].1),
        );
        assert!(
            e.high >= share,
            "tier {t} met its target in {:.2} (95% interval {:.2} to {:.2}) of service-years on other seeds",
            e.mean,
            e.low,
            e.high
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_front_on_one_and_two_threads() {
    let s = small();
    let one = frontier::run(&s, &three_objectives(Some(1)), &|| {}, &|| false)
        .unwrap()
        .unwrap();
    let two = frontier::run(&s, &three_objectives(Some(2)), &|| {}, &|| false)
        .unwrap()
        .unwrap();
    assert_eq!(one.evaluations, two.evaluations);
    assert_eq!(one.confirmed.rows, two.confirmed.rows);
    assert_eq!(one.confirmed.status, two.confirmed.status);
    let fronts =
        |f: &Frontier| -> Vec<Vec<Runner>> { f.front().iter().map(|&i| runners(f, i)).collect() };
    assert_eq!(fronts(&one), fronts(&two));
}

#[test]
fn the_binary_writes_the_frontier_and_a_scenario_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("f");
    let o = whoruns()
        .arg("frontier")
        .arg(bundled("frontier-small.toml"))
        .args(["--population", "16", "--generations", "12", "-n", "6"])
        .args(["--islands", "2", "--confirm-max", "40", "--threads", "2"])
        .args(["--goal", "meet every tier in 50% of service-years"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout).replace(&out.display().to_string(), "<out>");
    insta::assert_snapshot!("frontier_small_summary", stdout);
    for f in [
        "frontier.csv",
        "frontier.parquet",
        "charts/frontier.png",
        "charts/frontier.svg",
        "summary.txt",
        "scenario.toml",
        "recommendation.csv",
        "recommended.toml",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let csv = std::fs::read_to_string(out.join("frontier.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    for col in [
        "kind",
        "label",
        "status",
        "assignment",
        "replications",
        "cost_operating_ci95_low",
        "cost_unreliability_ci95_high",
        "met_share_tier_99.9",
        "worst_tier_met_share_ci95_low",
        "charged_headcount",
        "runner_payments",
    ] {
        assert!(header.split(',').any(|h| h == col), "no column {col}");
    }
    let rec = out.join("recommended.toml");
    whoruns().arg("validate").arg(&rec).assert().success();
    let run = whoruns()
        .arg("run")
        .arg(&rec)
        .args(["-n", "2", "--quiet", "--no-report", "--out"])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // An existing result is not replaced unasked.
    let before = std::fs::read(out.join("frontier.csv")).unwrap();
    let again = whoruns()
        .arg("frontier")
        .arg(bundled("frontier-small.toml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read(out.join("frontier.csv")).unwrap(), before);
}

#[test]
fn bad_goals_are_refused_before_simulating() {
    let mut shown = String::new();
    for args in [["--goal", "as cheap as possible"], ["--budget", "a lot"]] {
        let o = whoruns()
            .arg("frontier")
            .arg(bundled("frontier-small.toml"))
            .args(args)
            .args(["--out", "/nonexistent/never-written"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        shown.push_str(&String::from_utf8_lossy(&o.stderr));
    }
    insta::assert_snapshot!("frontier_bad_goals", shown);
}

/// The search's options on the command line for the small scenario, with 3 islands.
const ISLAND_ARGS: [&str; 12] = [
    "--population",
    "8",
    "--generations",
    "6",
    "--islands",
    "3",
    "-n",
    "4",
    "--confirm-max",
    "30",
    "--goal",
    "meet every tier in 50% of service-years",
];

#[test]
fn merged_frontier_shards_equal_the_whole_search() {
    // 3 × 8 × 7 = 168 proposals: below the 729 assignments, so every island runs NSGA-II;
    // 7 shards leave some without an island, which must merge too.
    crate::shards::shards_equal_whole("frontier", &bundled("frontier-small.toml"), &ISLAND_ARGS);
}

#[test]
fn shards_on_one_and_two_threads_merge_into_the_whole_search() {
    let dir = tempfile::tempdir().unwrap();
    let go = |out: &std::path::Path, extra: &[&str]| {
        let o = whoruns()
            .arg("frontier")
            .arg(bundled("frontier-small.toml"))
            .args(ISLAND_ARGS)
            .args(["-q", "--out"])
            .arg(out)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let whole = dir.path().join("whole");
    go(&whole, &["--threads", "1"]);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    go(&a, &["--threads", "2", "--shard", "1/2"]);
    go(&b, &["--threads", "1", "--shard", "2/2"]);
    let merged = dir.path().join("merged");
    let o = whoruns()
        .arg("merge")
        .args([&b, &a])
        .arg("--out")
        .arg(&merged)
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "frontier.csv",
        "summary.txt",
        "recommendation.csv",
        "charts/frontier.svg",
    ] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn frontier_parts_of_other_searches_or_broken_parts_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let part = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let o = whoruns()
            .arg("frontier")
            .arg(bundled("frontier-small.toml"))
            .args(ISLAND_ARGS)
            .args(["-q", "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let one = part("one", &["--shard", "1/2"]);
    let two = part("two", &["--shard", "2/2"]);
    let other = part("other", &["--shard", "2/2", "--max-front", "5"]);
    let reseeded = part("reseeded", &["--shard", "2/2", "--seed", "99"]);
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    for f in ["scenario.toml", "whoruns-shard.txt", "frontier-islands.csv"] {
        std::fs::copy(two.join(f), broken.join(f)).unwrap();
    }
    let islands = broken.join("frontier-islands.csv");
    let text = std::fs::read_to_string(&islands).unwrap();
    std::fs::write(&islands, text.replacen(",owners", ",captain", 1)).unwrap();
    let mut shown = String::new();
    let root = dir.path().display().to_string();
    for parts in [
        vec![&one, &other],
        vec![&one, &reseeded],
        vec![&one, &broken],
        vec![&one],
    ] {
        let o = whoruns()
            .arg("merge")
            .args(parts)
            .arg("--out")
            .arg(dir.path().join("merged"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        shown.push_str(&String::from_utf8_lossy(&o.stderr).replace(&root, "<dir>"));
    }
    for bad in ["0/2", "3/2", "--islands"] {
        let args: Vec<&str> = if bad == "--islands" {
            vec!["--islands", "0"]
        } else {
            vec!["--shard", bad]
        };
        let o = whoruns()
            .arg("frontier")
            .arg(bundled("frontier-small.toml"))
            .args(args)
            .args(["--out", "/nonexistent/never-written"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        shown.push_str(&String::from_utf8_lossy(&o.stderr));
    }
    assert!(!dir.path().join("merged").exists());
    // What a shard says when it is done.
    let o = whoruns()
        .arg("frontier")
        .arg(bundled("frontier-small.toml"))
        .args(ISLAND_ARGS)
        .args(["--shard", "1/3", "--out"])
        .arg(dir.path().join("said"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    shown.push_str(&String::from_utf8_lossy(&o.stdout).replace(&root, "<dir>"));
    insta::assert_snapshot!("frontier_bad_parts", shown);
}
