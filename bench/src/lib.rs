//! Criterion benchmarks of whoruns live in `benches/`: `cargo bench -p whoruns-bench`.
//! They are a crate of their own so that the main crate's `cargo test` does not compile
//! criterion. This library holds what the benchmarks share.

use std::path::{Path, PathBuf};

use whoruns::Scenario;

/// The bundled scenario `scenarios/<name>`, parsed.
///
/// # Panics
/// When the bundled file cannot be read or is not a valid scenario: a broken checkout,
/// which no benchmark can measure.
#[allow(clippy::expect_used)]
pub fn load(name: &str) -> Scenario {
    let text = std::fs::read_to_string(bundled(name)).expect("read scenario");
    whoruns::scenario::parse(&text, name).expect("valid scenario")
}

/// The path of `scenarios/<relative>` in the repository (a scenario, or a data file under
/// `scenarios/data/`).
pub fn bundled(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("scenarios")
        .join(relative)
}
