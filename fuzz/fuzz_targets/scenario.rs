//! Scenario parsing and validation: any bytes give a scenario or a list of problems, never
//! a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = whoruns::scenario::parse(&text, "fuzz.toml") {
        // Rendering the problems must not panic either.
        let _ = e.to_string();
    }
});
