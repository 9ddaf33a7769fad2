//! Inputs the fuzzers (and the hardening review's mutation fuzzer) found, kept as
//! regression tests: each is parsed and, when valid and within small guardrails, simulated
//! for one short replication of every model, exactly as the `simulate` fuzz target does.
//! None may panic or hang, and every incident that arrives is resolved or still open.

use std::fs;
use std::path::Path;

use whoruns::{guard, runner};

#[test]
fn every_fuzz_regression_input_is_answered_without_panic_or_hang() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut n = 0;
    for entry in fs::read_dir(&dir)
        .expect("regressions")
        .filter_map(Result::ok)
    {
        let bytes = fs::read(entry.path()).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        n += 1;
        let Ok(mut s) = whoruns::scenario::parse(&text, "fuzz.toml") else {
            continue;
        };
        s.replications = 1;
        s.horizon_hours = s.horizon_hours.min(24.0 * 60.0);
        s.warmup_hours = s.warmup_hours.min(s.horizon_hours / 2.0);
        let limits = guard::Limits {
            max_events: 200_000,
            max_memory_bytes: 256 << 20,
        };
        if guard::check(&s, 1, &limits).is_err() {
            continue;
        }
        for o in runner::simulate_replication(&s, 0) {
            assert_eq!(
                o.incidents,
                o.resolved + o.open_at_end,
                "{}",
                entry.path().display()
            );
        }
    }
    assert!(n >= 6, "the regression inputs are missing");
}
