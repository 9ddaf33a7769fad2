//! Criterion benchmarks of whoruns live in `benches/`: `cargo bench -p whoruns-bench`.
//! They are a crate of their own so that the main crate's `cargo test` does not compile
//! criterion. This library holds what the benchmarks share.

use whoruns::Scenario;

/// The bundled scenario `scenarios/<name>`, parsed.
///
/// # Panics
/// When the bundled file cannot be read or is not a valid scenario: a broken checkout,
/// which no benchmark can measure.
#[allow(clippy::expect_used)]
pub fn load(name: &str) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("scenarios")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("read scenario");
    whoruns::scenario::parse(&text, name).expect("valid scenario")
}
