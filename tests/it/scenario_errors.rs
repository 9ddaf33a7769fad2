//! Bad scenario files give every problem with line, column, what was found and what is valid.

fn errors(text: &str) -> String {
    match whoruns::scenario::parse(text, "bad.toml") {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const TEAM: &str = "[[teams]]\nname = \"a\"\n";

#[test]
fn probability_out_of_range_points_at_the_value() {
    let text =
        format!("{TEAM}[[services]]\nname = \"s\"\nteam = \"a\"\nchange_failure_rate = 1.4\n");
    assert_eq!(
        errors(&text),
        "bad.toml:6:23: change_failure_rate = 1.4 is not a probability between 0 and 1 (e.g. 0.1)"
    );
}

#[test]
fn unknown_keys_are_errors() {
    let text = format!("{TEAM}[[services]]\nname = \"s\"\nteam = \"a\"\nchange_failure = 0.1\n");
    let e = errors(&text);
    assert_eq!(
        e,
        "bad.toml:6:1: unknown key `change_failure` in [[services]]; did you mean `change_failure_rate`?"
    );
    // Far from every valid key: the valid keys are listed instead.
    let text = format!("{TEAM}[[services]]\nname = \"s\"\nteam = \"a\"\ncolour = \"red\"\n");
    let e = errors(&text);
    assert!(
        e.starts_with(
            "bad.toml:6:1: unknown key `colour` in [[services]]; valid keys: name, team,"
        ),
        "{e}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = format!(
        "horizon = \"1 fortnight\"\nmodels = [\"you-run\", \"devops-run\"]\n{TEAM}[[services]]\nname = \"s\"\nteam = \"b\"\navailability_target = 1.5\neffort = {{ dist = \"lognormal\", median = \"2h\" }}\n"
    );
    let e = errors(&text);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 5, "{e}");
    assert!(
        lines[0].starts_with("bad.toml:1:11: horizon = \"1 fortnight\" has unknown unit"),
        "{e}"
    );
    assert!(
        lines[1]
            .starts_with("bad.toml:2:22: models: unknown model \"devops-run\" (valid: you-run,"),
        "{e}"
    );
    assert!(
        lines[2].starts_with("bad.toml:7:8: team = \"b\" is not a defined team (defined: a)"),
        "{e}"
    );
    assert!(
        lines[3]
            .starts_with("bad.toml:8:23: availability_target = 1.5 is not an availability target"),
        "{e}"
    );
    assert!(lines[4].starts_with("bad.toml:9:10: effort: a lognormal distribution takes median and p90, or mean and cv; found median"), "{e}");
}

#[test]
fn syntax_errors_have_a_location() {
    let e = errors("name = \"x\nreplications = 3\n");
    assert!(e.starts_with("bad.toml:1:"), "{e}");
}

#[test]
fn durations_and_rates_need_units() {
    let text = format!(
        "{TEAM}[[services]]\nname = \"s\"\nteam = \"a\"\nbackground_incidents = \"3\"\ndetection = {{ dist = \"constant\", value = \"5\" }}\n"
    );
    let e = errors(&text);
    assert!(
        e.contains("bad.toml:6:24: background_incidents = \"3\" is not a rate"),
        "{e}"
    );
    assert!(
        e.contains("bad.toml:7:42: detection.value = \"5\" has no unit"),
        "{e}"
    );
}

#[test]
fn a_scenario_needs_services() {
    let e = errors("name = \"empty\"\n");
    assert!(e.contains("defines no [[services]]"), "{e}");
}

#[test]
fn removed_and_new_keys_are_explained_where_they_stand() {
    let text = format!(
        "[knowledge.sync_hours_per_week]\nops-run = 1\n[error_budget]\nwindow = \"2d\"\nmodels = [\"opsrun\"]\n[groups.ops]\ncharging = \"half\"\n[costs]\ndev_oncall_charge = \"free\"\n{TEAM}[[services]]\nname = \"s\"\nteam = \"a\"\n"
    );
    let e = errors(&text);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 5, "{e}");
    assert!(
        lines[0].starts_with("bad.toml:2:1: knowledge.sync_hours_per_week is no longer an input")
            || lines[0]
                .starts_with("bad.toml:1:1: knowledge.sync_hours_per_week is no longer an input"),
        "{e}"
    );
    assert!(lines[0].contains("knowledge.target"), "{e}");
    assert!(
        lines[1]
            .starts_with("bad.toml:4:10: error_budget.window = \"2d\" is shorter than the week"),
        "{e}"
    );
    assert!(
        lines[2].starts_with("bad.toml:5:11: error_budget.models: unknown model \"opsrun\""),
        "{e}"
    );
    assert!(
        lines[3].starts_with(
            "bad.toml:7:12: groups.ops.charging = \"half\" is not valid (pro-rata, full)"
        ),
        "{e}"
    );
    assert!(
        lines[4].starts_with(
            "bad.toml:9:21: costs.dev_oncall_charge = \"free\" is not valid (standby, opportunity)"
        ),
        "{e}"
    );
}

#[test]
fn a_knowledge_start_that_is_neither_is_named_with_its_choices() {
    let e = errors(&format!(
        "[knowledge]\nstart = \"warm\"\n{TEAM}[[services]]\nname = \"s\"\nteam = \"a\"\n"
    ));
    assert_eq!(
        e.lines().next(),
        Some("bad.toml:2:9: knowledge.start = \"warm\" is not valid (initial, steady)"),
        "{e}"
    );
}

#[test]
fn a_file_with_thousands_of_problems_lists_the_first_hundred() {
    let mut text = String::from(TEAM);
    for i in 0..20_000 {
        text.push_str(&format!(
            "[[services]]\nname = \"s{i}\"\nteam = \"nope{i}\"\n"
        ));
    }
    let e = errors(&text);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 101, "{}", lines[..3].join("\n"));
    assert!(
        lines[0].starts_with("bad.toml:5:8: team = \"nope0\" is not a defined team"),
        "{}",
        lines[0]
    );
    assert!(
        lines[100].ends_with("… and 19900 more problems; fix these first"),
        "{}",
        lines[100]
    );
}
