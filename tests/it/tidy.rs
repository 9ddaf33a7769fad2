//! The house rules, checked on the source (in the spirit of rust-analyzer's tidy tests):
//! the library's modules form layers that import only downwards, no library file or
//! function grows past what a reader can hold, and the command line stays thin.

use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest layer first. A module may import only from
/// lower layers (and from itself); modules in one layer do not import each other, so
/// there can be no cycle. A new module must be placed here.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "words and numbers",
        &["special", "units", "format", "rng", "model", "axis"],
    ),
    (
        "statistics, calendars, distributions, the TOML editor",
        &["stats", "calendar", "dist", "edit", "parameter"],
    ),
    ("the validated scenario", &["scenario"]),
    (
        "what a model is, what a result is; the assumption ledger",
        &["models", "outcome", "ledger"],
    ),
    (
        "one replication's world; the metric table",
        &["world", "metric"],
    ),
    ("the engine; the ranking rule", &["engine", "ranking"]),
    ("replications; guardrails", &["runner", "guard"]),
    (
        "precision, summaries, calibration",
        &["precision", "summary", "calibrate"],
    ),
    (
        "the analyses as library calls",
        &["run", "sweep", "sensitivity", "breakeven", "frontier"],
    ),
    ("bytes: tables and text", &["export", "table"]),
    ("charts, findings and documents", &["report"]),
    ("the what-if page's model", &["whatif"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, sorted.
pub(crate) fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The top-level library module a file belongs to (`src/report/charts.rs` → `report`);
/// `None` for the binary (`main.rs`, `cli.rs`, `cli/`) and the crate root.
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    match name {
        "main" | "lib" | "cli" => None,
        other => Some(other.to_string()),
    }
}

/// The code of a file before its test module (`#[cfg(test)]` then `mod …`), without
/// comments.
fn code(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
        if line.trim() == "#[cfg(test)]" && next.is_some_and(|l| l.trim_start().starts_with("mod "))
        {
            break;
        }
        let code = line.split("//").next().unwrap_or("");
        out.push((i + 1, code.to_string()));
    }
    out
}

/// The module path of a library file: `src/sweep/plan.rs` → `["sweep", "plan"]`.
fn module_path(path: &Path) -> Vec<String> {
    let Ok(rel) = path.strip_prefix(src()) else {
        return Vec::new();
    };
    rel.components()
        .filter_map(|c| c.as_os_str().to_str())
        .map(|c| c.strip_suffix(".rs").unwrap_or(c).to_string())
        .collect()
}

fn identifier(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The names a path names at its start: `a::x` → `a`; `{a::{x, y}, b}` → `a`, `b`.
fn heads(after: &str) -> Vec<String> {
    let Some(group) = after.strip_prefix('{') else {
        return vec![identifier(after)]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect();
    };
    // The group's items at depth 0, up to its closing brace.
    let (mut items, mut item, mut depth) = (Vec::new(), String::new(), 0usize);
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    items.push(item);
    items
        .iter()
        .map(|i| identifier(i.trim()))
        .filter(|n| !n.is_empty())
        .collect()
}

/// The top-level modules a statement of code names through `crate::`, or through enough
/// `super::` to leave its own top-level module (`depth` is the length of the file's
/// module path).
fn crate_imports(line: &str, depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        out.extend(heads(after));
        rest = after;
    }
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let preceded = rest[..at].ends_with("::");
        let mut after = &rest[at..];
        let mut n = 0;
        while let Some(a) = after.strip_prefix("super::") {
            n += 1;
            after = a;
        }
        if !preceded && n >= depth {
            out.extend(heads(after));
        }
        rest = after;
    }
    out
}

/// The code as statements for the import check: a `use` spanning several lines (a
/// grouped import rustfmt wraps) joined into one, at its first line.
fn statements(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (line, code) in code(text) {
        if let Some((start, mut acc)) = open.take() {
            acc.push_str(code.trim());
            if code.contains(';') {
                out.push((start, acc));
            } else {
                open = Some((start, acc));
            }
            continue;
        }
        let t = code.trim_start();
        let is_use =
            t.starts_with("use ") || t.starts_with("pub use ") || t.starts_with("pub(crate) use ");
        if is_use && !code.contains(';') {
            open = Some((line, code.trim().to_string()));
        } else {
            out.push((line, code));
        }
    }
    out.extend(open);
    out
}

/// Every import that does not run downwards, as `file:line: why`.
fn upward_imports(files: &[(PathBuf, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files {
        let Some(module) = module_of(path) else {
            continue;
        };
        let shown = path.strip_prefix(src().parent().unwrap()).unwrap_or(path);
        let Some(mine) = layer_of(&module) else {
            problems.push(format!(
                "{}: module `{module}` is in no layer of tests/it/tidy.rs",
                shown.display()
            ));
            continue;
        };
        let depth = module_path(path).len();
        for (line, code) in statements(text) {
            for used in crate_imports(&code, depth) {
                // Re-exports at the crate root (`crate::Scenario`) are not modules.
                let Some(theirs) = layer_of(&used) else {
                    continue;
                };
                if used != module && theirs >= mine {
                    problems.push(format!(
                        "{}:{line}: `{module}` (layer {mine}: {}) imports `{used}` (layer {theirs}: {}), which is {}",
                        shown.display(),
                        LAYERS[mine].0,
                        LAYERS[theirs].0,
                        if theirs == mine { "in the same layer" } else { "above it" }
                    ));
                }
            }
        }
    }
    problems
}

fn library_files() -> Vec<(PathBuf, String)> {
    rust_files(&src())
        .into_iter()
        .map(|p| {
            let t = std::fs::read_to_string(&p).unwrap();
            (p, t)
        })
        .collect()
}

#[test]
fn layers_import_only_downwards() {
    let problems = upward_imports(&library_files());
    assert!(
        problems.is_empty(),
        "imports that run up or sideways:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_library_module_has_a_layer() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(m) = line.trim().strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            assert!(
                layer_of(m).is_some(),
                "add `{m}` to LAYERS in tests/it/tidy.rs"
            );
        }
    }
}

#[test]
fn the_layering_check_sees_an_upward_import() {
    // The check itself, on made-up files: the scenario reaching up into sweeps (the cycle
    // this test was written against), into the report through a grouped import, and into
    // exports through a group rustfmt wraps over lines; a `super::` chain that leaves its
    // module; a nested group; and imports that run down, which pass.
    let files = vec![
        (
            src().join("scenario.rs"),
            "use crate::sweep::Scale;\nuse crate::{units, report::charts};\n// crate::sweep in a comment is fine\nuse crate::{\n    units::x,\n    export::Files,\n};\n".to_string(),
        ),
        (
            src().join("scenario/build/costs.rs"),
            "use super::super::file::CostsFile;\nuse super::super::super::run::Run;\n".to_string(),
        ),
        (
            src().join("report/charts.rs"),
            "use crate::sweep::Cell;\nuse super::super::metric;\n".to_string(),
        ),
        (
            src().join("metric.rs"),
            "use crate::{outcome::{Outcome, WeekSample}, report::files};\n".to_string(),
        ),
    ];
    let problems = upward_imports(&files);
    let at: Vec<&str> = problems
        .iter()
        .map(|p| p.split(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        at,
        [
            "src/scenario.rs:1",
            "src/scenario.rs:2",
            "src/scenario.rs:4",
            "src/scenario/build/costs.rs:2",
            "src/metric.rs:1"
        ],
        "{problems:#?}"
    );
    assert!(
        problems[0].contains("`scenario` (layer 2: the validated scenario) imports `sweep`"),
        "{}",
        problems[0]
    );
    assert!(problems[2].contains("`export`") && problems[3].contains("`run`"));
    assert!(problems[4].contains("`report`"));
}

/// Lines of code before a file's tests.
fn code_lines(text: &str) -> usize {
    code(text).len()
}

/// Functions longer than `max` lines (from `fn` to the closing brace at its indentation),
/// outside tests, as `file:line: fn name (n lines)`.
fn long_functions(path: &Path, text: &str, max: usize) -> Vec<String> {
    let lines: Vec<(usize, String)> = code(text);
    let mut out = Vec::new();
    for (i, (number, line)) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        // Visibility and qualifiers before `fn`: `pub(crate) const unsafe fn`, `async fn`.
        let mut signature = trimmed;
        loop {
            let before = signature;
            if signature.starts_with("pub(")
                && let Some(end) = signature.find(") ")
            {
                signature = &signature[end + 2..];
            }
            for q in ["pub ", "const ", "async ", "unsafe ", "extern \"C\" "] {
                signature = signature.trim_start_matches(q);
            }
            if signature == before {
                break;
            }
        }
        let Some(name) = signature.strip_prefix("fn ") else {
            continue;
        };
        let name: String = name
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let close = format!("{indent}}}");
        if let Some(end) = lines[i + 1..].iter().position(|(_, l)| *l == close) {
            let n = end + 2;
            if n > max {
                out.push(format!(
                    "{}:{number}: fn {name} ({n} lines)",
                    path.display()
                ));
            }
        }
    }
    out
}

#[test]
fn files_and_functions_stay_readable() {
    let mut problems = Vec::new();
    for (path, text) in library_files() {
        let rel = path.strip_prefix(src()).unwrap();
        let in_cli = rel.starts_with("cli") || rel == Path::new("cli.rs");
        let max_file = if in_cli { 400 } else { 1_000 };
        let n = code_lines(&text);
        // The engine's event loop is one piece (ARCHITECTURE.md, "The engine's loop").
        if n > max_file && rel != Path::new("engine.rs") {
            problems.push(format!(
                "{}: {n} lines of code (at most {max_file})",
                rel.display()
            ));
        }
        problems.extend(long_functions(rel, &text, 150));
    }
    assert!(problems.is_empty(), "too long:\n{}", problems.join("\n"));
}

#[test]
fn scenarios_change_only_through_scenario_change() {
    // A heuristic on names: a `Scenario` outside `src/scenario/` is held as `scenario`,
    // `base` or `self.scenario`; none of its fields may be assigned there.
    let fields = [
        "name",
        "replications",
        "seed",
        "models",
        "reference",
        "horizon_hours",
        "warmup_hours",
        "services",
        "teams",
        "costs",
        "groups",
    ];
    let mut problems = Vec::new();
    for (path, text) in library_files() {
        let rel = path.strip_prefix(src()).unwrap();
        if rel.starts_with("scenario") {
            continue;
        }
        for (line, code) in code(&text) {
            for holder in ["scenario.", "base."] {
                for f in fields {
                    let field = format!("{holder}{f}");
                    let Some(at) = code.find(&field) else {
                        continue;
                    };
                    let rest = code[at + field.len()..].trim_start();
                    // `==` compares and `=>` ends a match arm's pattern.
                    let assigns = (rest.starts_with('=')
                        && !rest.starts_with("==")
                        && !rest.starts_with("=>"))
                        || rest.starts_with(".clone_from(")
                        || rest.starts_with(".push(")
                        || rest.starts_with("+=");
                    if assigns {
                        problems.push(format!("{}:{line}: {}", rel.display(), code.trim()));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "change a Scenario through scenario/change.rs:\n{}",
        problems.join("\n")
    );
}
