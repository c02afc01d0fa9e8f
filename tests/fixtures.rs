//! Every rule has `fixtures/<rule-id>/fire/` (inputs that make it fire) and
//! `fixtures/<rule-id>/silent/` (inputs that must keep it silent). The firing
//! inputs' findings of that rule must equal `fixtures/<rule-id>/fire.expected`,
//! one line of the compact format a finding (`path:line:col: severity[rule]:
//! message`). Set `UPDATE_EXPECT=1` to rewrite the expected files after
//! checking the new output by hand.
//!
//! Also what every declaration must say: a unique kebab-case id and the same
//! documentation sections.

mod common;

use common::{findings, root, run};
use policy_lint::rules::{Check, DOC_SECTIONS, RULES};

/// Rules that need a configuration or a second file to fire, tested elsewhere.
const TESTED_ELSEWHERE: &[&str] = &["required-access-denied"];

#[test]
fn every_rule_has_firing_and_silent_fixtures() {
    for rule in RULES {
        let id = rule.meta.id;
        if TESTED_ELSEWHERE.contains(&id) {
            continue;
        }
        let dir = root().join("fixtures").join(id);
        for sub in ["fire", "silent"] {
            let d = dir.join(sub);
            let n = std::fs::read_dir(&d).map(|r| r.count()).unwrap_or(0);
            assert!(n > 0, "rule `{id}` has no fixtures in {}", d.display());
        }
    }
}

#[test]
fn fixtures_fire_exactly_as_expected() {
    let mut failures = Vec::new();
    for rule in RULES {
        let id = rule.meta.id;
        let dir = root().join("fixtures").join(id);
        if !dir.join("fire").is_dir() || TESTED_ELSEWHERE.contains(&id) {
            continue;
        }
        let fire = format!("fixtures/{id}/fire");
        let got = compact_lines(id, &fire);
        let expected_path = dir.join("fire.expected");
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&expected_path, got.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        let expected: Vec<String> = expected.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect();
        if got.is_empty() {
            failures.push(format!("`{id}` does not fire on {fire}"));
        } else if got != expected {
            let missing = expected.iter().filter(|l| !got.contains(l)).map(|l| format!("\n  - {l}"));
            let unexpected = got.iter().filter(|l| !expected.contains(l)).map(|l| format!("\n  + {l}"));
            let lines: String = missing.chain(unexpected).collect();
            let lines = if lines.is_empty() { "\n  (the same lines, in another order)".to_string() } else { lines };
            failures.push(format!("`{id}` on {fire} (- expected, + got):{lines}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n`UPDATE_EXPECT=1 cargo test --test fixtures` rewrites the expected files; review the diff",
        failures.join("\n")
    );
}

/// The compact format's lines of `rule`'s findings on `dir`, what a user sees:
/// `path:line:col: severity[rule]: message`.
fn compact_lines(rule: &str, dir: &str) -> Vec<String> {
    let out = run(&["--format", "compact", "--fail-on", "never", dir]);
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    let tag = format!("[{rule}]");
    let of_rule = |line: &&str| {
        let Some((_, rest)) = line.split_once(": ") else { return false };
        rest.split_once(": ").is_some_and(|(head, _)| head.ends_with(&tag) && !head.contains(' '))
    };
    text.lines().filter(of_rule).map(str::to_string).collect()
}

#[test]
fn silent_fixtures_stay_silent() {
    let mut failures = Vec::new();
    for rule in RULES {
        let id = rule.meta.id;
        let silent = format!("fixtures/{id}/silent");
        if !root().join(&silent).is_dir() {
            continue;
        }
        let (hits, _) = findings(&["--fail-on", "never", &silent]);
        let noisy: Vec<String> =
            hits.iter().filter(|h| h.rule == id).map(|h| format!("{} {}", h.short(), h.message)).collect();
        if !noisy.is_empty() {
            failures.push(format!("`{id}` fired on its silent fixtures:\n  {}", noisy.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn registry_ids_are_unique_kebab_case() {
    let mut ids: Vec<_> = RULES.iter().map(|r| r.meta.id).collect();
    for id in &ids {
        assert!(id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{id}");
    }
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(n, ids.len(), "duplicate rule ids");
    assert!(RULES.iter().any(|r| matches!(r.check, Check::Policy(_))));
}

/// Every rule's documentation (what `policy-lint explain` prints) has the
/// same sections, in the same order, none of them empty.
#[test]
fn every_rule_documents_the_same_sections() {
    let mut failures = Vec::new();
    for rule in RULES {
        let m = rule.meta;
        let sections = m.sections();
        let headings: Vec<&str> = sections.iter().map(|(h, _)| *h).collect();
        if !m.doc.trim_start().starts_with("## ") {
            failures.push(format!("`{}`: the documentation must open with `## {}`", m.id, DOC_SECTIONS[0]));
        }
        if headings != DOC_SECTIONS {
            failures.push(format!("`{}` has the sections {headings:?}, not {DOC_SECTIONS:?}", m.id));
        }
        for (heading, body) in &sections {
            if body.trim().is_empty() {
                failures.push(format!("`{}`: `## {heading}` is empty", m.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
