//! Every rule has `fixtures/<rule-id>/fire/` (inputs that make it fire) and
//! `fixtures/<rule-id>/silent/` (inputs that must keep it silent). The firing
//! inputs' findings of that rule must equal `fixtures/<rule-id>/fire.expected`,
//! one line of the compact format a finding (`path:line:col: severity[rule]:
//! message`). Set `UPDATE_EXPECT=1` to rewrite the expected files after
//! checking the new output by hand.
//!
//! Also what every declaration must say: a unique kebab-case id and the same
//! documentation sections; and that `tools/new-rule` scaffolds all of it.

use crate::common;

use common::{findings, root, run};
use policy_lint::rules::{Category, Check, DOC_SECTIONS, RULES};

/// Rules that need a configuration or a second file to fire, tested elsewhere.
const TESTED_ELSEWHERE: &[&str] = &["required-access-denied", "forbidden-access-granted"];

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
        "{}\n`UPDATE_EXPECT=1 cargo test --test it fixtures` rewrites the expected files; review the diff",
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
/// same sections, in the same order, each filled in.
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
            } else if body.contains("TODO") {
                failures.push(format!("`{}`: `## {heading}` still has the scaffold's TODO", m.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `tools/new-rule` writes a rule's file, its two lines in `src/rules/mod.rs`
/// and its fixture folder (here into a copy of what it reads and writes), and
/// refuses an id that is taken or not kebab-case.
#[test]
fn new_rule_scaffolds_a_rule_in_one_place() {
    if std::process::Command::new("python3").arg("--version").output().is_err() {
        eprintln!("skipped: no python3");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path();
    for dir in ["src/rules", "src/finding/reported"] {
        std::fs::create_dir_all(copy.join(dir)).unwrap();
        for entry in std::fs::read_dir(root().join(dir)).unwrap().flatten().filter(|e| e.path().is_file()) {
            std::fs::copy(entry.path(), copy.join(dir).join(entry.file_name())).unwrap();
        }
    }
    std::fs::create_dir(copy.join("fixtures")).unwrap();
    let new_rule = |args: &[&str]| {
        std::process::Command::new("python3")
            .arg(root().join("tools/new-rule"))
            .args(args)
            .arg("--root")
            .arg(copy)
            .output()
            .unwrap()
    };
    let read = |path: &str| std::fs::read_to_string(copy.join(path)).unwrap();

    for (id, kind, context, category) in [
        ("scaffolded-policy-rule", "policy", "PolicyCx", Category::LeastPrivilege),
        ("scaffolded-project-rule", "project", "ProjectCx", Category::Gap),
    ] {
        let before = read("src/rules/mod.rs");
        let out = new_rule(&[id, kind, "warning", category.as_str()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let (module, name) = (id.replace('-', "_"), id.replace('-', "_").to_uppercase());

        // The rule's file: its declaration, the sections to fill in, an empty check.
        let rule = read(&format!("src/rules/{module}.rs"));
        assert!(rule.contains(&format!("    pub {name}, \"{id}\", Warning, {category:?},\n")), "{rule}");
        assert!(rule.contains(&format!("pub fn check(_cx: &{context}, _out: &mut Vec<Finding>) {{")), "{rule}");
        let headings: Vec<&str> = rule.lines().filter_map(|l| l.trim().strip_prefix("/// ## ")).collect();
        assert_eq!(headings, DOC_SECTIONS, "{rule}");

        // Two lines added to src/rules/mod.rs, and nothing else changed.
        let after = read("src/rules/mod.rs");
        let module_line = format!("pub mod {module};\n");
        let check = if kind == "policy" { "Policy" } else { "Project" };
        // On one line when it fits rustfmt's 120 columns, as rustfmt writes it.
        let mut registry_line =
            format!("    Rule {{ meta: &{module}::{name}, check: Check::{check}({module}::check) }},\n");
        if registry_line.trim_end().len() > 120 {
            registry_line = format!(
                "    Rule {{\n        meta: &{module}::{name},\n        check: Check::{check}({module}::check),\n    }},\n"
            );
        }
        assert_eq!(after.replacen(&module_line, "", 1).replacen(&registry_line, "", 1), before);
        // `pub mod` in its category's group, in name order.
        let group = &after[after.find(&format!("// {}", group_comment(category))).unwrap()..];
        let group: Vec<&str> = group.lines().skip(1).take_while(|l| l.starts_with("pub mod ")).collect();
        assert!(group.contains(&module_line.trim_end()), "{group:?}");
        assert!(group.windows(2).all(|w| w[0] < w[1]), "{group:?}");
        // In `RULES`, after the last checked rule of its category.
        let last = RULES.iter().rev().find(|r| r.meta.category == category && !matches!(r.check, Check::Reported));
        let last = last.unwrap().meta.id.replace('-', "_");
        let at = after.find(&registry_line).unwrap();
        let previous = after[..at].trim_end();
        let (one_line, spread) = (format!("{last}::check) }},"), format!("{last}::check),\n    }},"));
        assert!(previous.ends_with(&one_line) || previous.ends_with(&spread), "after `{last}`");

        // The fixture folder: placeholder inputs and an empty fire.expected.
        for sub in ["fire", "silent"] {
            let n = std::fs::read_dir(copy.join(format!("fixtures/{id}/{sub}"))).unwrap().count();
            assert_eq!(n, 1, "one placeholder input in fixtures/{id}/{sub}");
        }
        assert_eq!(read(&format!("fixtures/{id}/fire.expected")), "");
    }

    // Refused: ids taken (declared here or in the layers below, or scaffolded above) and ids not kebab-case.
    let before = read("src/rules/mod.rs");
    for id in ["full-admin", "parse-error", "scaffolded-policy-rule", "Full-Admin", "new_rule", "new--rule", "rule-"] {
        let out = new_rule(&[id, "policy", "warning", "least-privilege"]);
        assert_eq!(out.status.code(), Some(2), "`{id}` is refused");
        assert!(String::from_utf8_lossy(&out.stderr).contains(id), "the refusal names `{id}`");
    }
    assert_eq!(read("src/rules/mod.rs"), before);
}

/// The comment that opens a category's group of `pub mod` lines in `src/rules/mod.rs`.
fn group_comment(category: Category) -> &'static str {
    match category {
        Category::Syntax => "Syntax:",
        Category::Validity => "Validity:",
        Category::LeastPrivilege => "Least privilege:",
        Category::Gap => "Gap:",
        Category::Quota => "Quota:",
        Category::Network => "Network:",
        Category::Meta => "Meta:",
    }
}
