//! The engine on small validated scenarios: whatever parses and passes the run's guardrails
//! simulates one short replication of every model without panicking or hanging, and every
//! incident that arrives is resolved or still open.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(mut scenario) = whoruns::scenario::parse(&text, "fuzz.toml") else {
        return;
    };
    scenario.replications = 1;
    // A short year keeps each input fast; the guardrail refuses what is still too big.
    scenario.horizon_hours = scenario.horizon_hours.min(24.0 * 60.0);
    scenario.warmup_hours = scenario.warmup_hours.min(scenario.horizon_hours / 2.0);
    let limits = whoruns::guard::Limits {
        max_events: 200_000,
        max_memory_bytes: 256 << 20,
    };
    if whoruns::guard::check(&scenario, 1, &limits).is_err() {
        return;
    }
    for o in whoruns::runner::simulate_replication(&scenario, 0) {
        assert_eq!(o.incidents, o.resolved + o.open_at_end);
    }
});
