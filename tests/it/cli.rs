//! The command line's public contract: formats, exit codes, sorting, bad input.

use crate::common;

use common::{findings, findings_in, run, run_in};
use std::fs;

#[test]
fn realistic_well_scoped_voice_policy_is_clean() {
    let (hits, code) = findings(&["fixtures/examples/sma-handler-policy.json"]);
    assert!(hits.is_empty(), "{hits:#?}");
    assert_eq!(code, 0);
}

#[test]
fn broken_example_reports_each_problem_at_its_place() {
    let (hits, code) = findings(&["fixtures/examples/sma-handler-broken.json"]);
    let got: Vec<String> = hits.iter().map(|h| h.short()).collect();
    let p = "fixtures/examples/sma-handler-broken.json";
    for want in [
        format!("{p}:8:9: error[unknown-action]"),
        format!("{p}:9:9: error[unknown-service]"),
        format!("{p}:10:9: warning[ineffective-action]"),
        format!("{p}:18:19: error[resource-mismatch]"),
        format!("{p}:19:40: warning[unknown-condition-key]"),
    ] {
        assert!(got.contains(&want), "missing {want} in {got:#?}");
    }
    assert_eq!(code, 1);
    let suggestion = hits.iter().find(|h| h.rule == "unknown-action").unwrap();
    assert!(
        suggestion.message.contains("did you mean `chime:CreateSipMediaApplicationCall`?"),
        "{}",
        suggestion.message
    );
    let prefix = hits.iter().find(|h| h.rule == "unknown-service").unwrap();
    assert!(prefix.message.contains("is `chime`"), "{}", prefix.message);
}

#[test]
fn compact_format_is_one_line_per_finding() {
    let out = run(&["--format", "compact", "fixtures/unknown-action/fire/typos.json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("fixtures/unknown-action/fire/typos.json:6:17: error[unknown-action]: "),
        "{}",
        lines[0]
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn json_format_has_the_documented_fields() {
    let out = run(&["--format", "json", "fixtures/unknown-action/fire/typos.json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let f = &doc["findings"][0];
    for key in ["rule", "severity", "path", "line", "column", "end_line", "end_column", "message", "help"] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert_eq!(f["line"], 6);
    assert_eq!(f["column"], 17);
    assert_eq!(f["end_line"], 6);
    assert_eq!(f["end_column"], 17 + "\"chime:CreateSipMediaApplicationCalls\"".len());
    assert_eq!(doc["summary"]["files"], 1);
    assert_eq!(doc["summary"]["policies"], 1);
    assert_eq!(doc["summary"]["findings"], 3);
}

#[test]
fn human_format_shows_the_snippet_and_help() {
    let out = run(&["fixtures/unknown-action/fire/typos.json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("unknown-action"), "{text}");
    assert!(text.contains("chime:CreateSipMediaApplicationCalls"), "{text}");
    assert!(text.contains("Found 3 problems"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn fail_on_sets_the_exit_code() {
    let file = "fixtures/ineffective-action/fire/list-on-arn.json";
    assert_eq!(run(&[file]).status.code(), Some(1));
    assert_eq!(run(&["--fail-on", "error", file]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on", "never", "fixtures/unknown-action/fire"]).status.code(), Some(0));
    assert_eq!(run(&["--fail-on", "bogus", file]).status.code(), Some(2));
}

#[test]
fn missing_path_is_a_usage_error_and_the_run_goes_on() {
    let out = run(&["no/such/path.json", "fixtures/unknown-action/fire/typos.json", "--format", "compact"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no/such/path.json: no such file or directory"), "{stderr}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 3);
}

#[test]
fn output_is_sorted_by_path_then_position() {
    let (hits, _) = findings(&["--fail-on", "never", "fixtures"]);
    let keys: Vec<_> = hits.iter().map(|h| (h.path.clone(), h.line, h.column)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(hits.len() > 20);
}

#[test]
fn walk_skips_other_json_but_named_files_are_always_linted() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("package.json"), r#"{"name": "x", "version": "1.0.0"}"#).unwrap();
    fs::write(dir.path().join("tsconfig.json"), "{ not json").unwrap();
    let (hits, code) = findings_in(dir.path(), &["."]);
    assert!(hits.is_empty(), "{hits:#?}");
    assert_eq!(code, 0);
    let (hits, _) = findings_in(dir.path(), &["package.json"]);
    assert_eq!(hits.iter().map(|h| h.rule.as_str()).collect::<Vec<_>>(), ["policy-syntax"]);
}

#[test]
fn rules_lists_every_rule_and_the_data_date() {
    let out = run(&["rules"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for rule in policy_lint::rules::RULES {
        assert!(text.contains(rule.meta.id), "{}", rule.meta.id);
    }
    assert!(text.contains(policy_lint::catalog::DATA_DATE));
    let version = String::from_utf8(run(&["--version"]).stdout).unwrap();
    assert!(version.contains(policy_lint::catalog::DATA_DATE), "{version}");
}

#[test]
fn explain_prints_the_rule_text() {
    let out = run(&["explain", "unknown-action"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for section in ["## What it does", "## Why is this bad?", "## Example", "## Use instead"] {
        assert!(text.contains(section), "{section} in {text}");
    }
    assert_eq!(run(&["explain", "no-such-rule"]).status.code(), Some(2));
}

mod bad_input {
    use super::*;

    fn lint_one(name: &str, bytes: &[u8]) -> (Vec<common::Hit>, i32) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(name), bytes).unwrap();
        findings_in(dir.path(), &[name])
    }

    fn only_rule(hits: &[common::Hit], rule: &str) {
        assert!(!hits.is_empty() && hits.iter().all(|h| h.rule == rule), "{hits:#?}");
    }

    #[test]
    fn truncated_empty_binary_and_non_utf8() {
        let (hits, code) = lint_one("t.json", b"{\"Version\": \"2012-10-17\", \"Statement\": [");
        only_rule(&hits, "parse-error");
        assert_eq!(code, 1);
        let (hits, _) = lint_one("e.json", b"");
        only_rule(&hits, "parse-error");
        let (hits, _) = lint_one("b.json", &[0u8, 1, 2, 3, 0xff, 0xfe]);
        only_rule(&hits, "parse-error");
        assert!(hits[0].message.contains("not UTF-8"), "{}", hits[0].message);
        let (hits, _) = lint_one("n.json", b"{\"Statement\": \"\x00\x01\"}");
        assert!(!hits.is_empty());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let (hits, _) = lint_one("deep.json", text.as_bytes());
        only_rule(&hits, "parse-error");
        assert!(hits[0].message.contains("nesting"));
    }

    #[test]
    fn huge_file_is_refused_with_a_finding() {
        let mut text = String::from("{\"Version\": \"2012-10-17\", \"Statement\": [");
        let stmt = r#"{"Effect": "Allow", "Action": "chime:ListSipRules", "Resource": "*"},"#;
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(stmt);
        }
        text.pop();
        text.push_str("]}");
        let (hits, _) = lint_one("big.json", text.as_bytes());
        only_rule(&hits, "parse-error");
        assert!(hits[0].message.contains("limit"), "{}", hits[0].message);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_and_unreadable_file_do_not_stop_the_run() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("infra");
        fs::create_dir(&sub).unwrap();
        std::os::unix::fs::symlink("..", sub.join("loop")).unwrap();
        fs::write(sub.join("good.json"), include_str!("../../fixtures/unknown-action/fire/typos.json")).unwrap();
        let locked = sub.join("locked.json");
        fs::write(&locked, "{\"Statement\": []}").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        let out = run_in(dir.path(), &["--format", "compact", "infra"]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("infra/good.json:6:17: error[unknown-action]"), "{text}");
        // Root can read anything; elsewhere the file is reported, once.
        if fs::read(&locked).is_err() {
            assert!(
                text.contains("infra/locked.json:1:1: error[parse-error]: cannot read the file: permission denied"),
                "{text}"
            );
        }
        assert_eq!(out.status.code(), Some(1));
    }
}

/// The README's rules table is generated from the registry
/// (`policy_lint::rules::markdown_table`): the region between the markers must
/// be that table byte for byte. `UPDATE_README=1` rewrites it.
#[test]
fn readme_rules_table_is_generated_from_the_registry() {
    const START: &str = "<!-- rules-table:start -->\n";
    const END: &str = "<!-- rules-table:end -->";
    let path = common::root().join("README.md");
    let readme = fs::read_to_string(&path).unwrap();
    let start = readme.find(START).expect("README.md has a rules-table:start marker") + START.len();
    let end = start + readme[start..].find(END).expect("README.md has a rules-table:end marker after the start");
    let table = policy_lint::rules::markdown_table();
    if readme[start..end] == table {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        fs::write(&path, format!("{}{table}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    let (old, new): (Vec<&str>, Vec<&str>) = (readme[start..end].lines().collect(), table.lines().collect());
    let missing = old.iter().filter(|l| !new.contains(l)).map(|l| format!("\n  - {l}"));
    let unexpected = new.iter().filter(|l| !old.contains(l)).map(|l| format!("\n  + {l}"));
    let lines: String = missing.chain(unexpected).collect();
    let lines = if lines.is_empty() { "\n  (the same lines, in another order or spacing)".to_string() } else { lines };
    panic!(
        "README.md's rules table is stale: it is generated from `policy_lint::rules::RULES`.\n\
         Rewrite it with `UPDATE_README=1 cargo test --test it readme`, then review the diff \
         (- README.md, + generated):{lines}"
    );
}

#[test]
fn human_report_ends_with_each_principals_voice_access_and_gaps() {
    let out = run(&["--fail-on", "never", "fixtures/terraform/facts.tf", "fixtures/missing-dependent-action/fire"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let summary = &text[text.find("Chime SDK Voice access by principal:").expect("a summary")..];
    // A Terraform role: its inline policy and the managed policy attached to it.
    assert!(
        summary
            .contains("  aws_iam_role.sma_handler\n    SIP media application calls: 1 Write\n    SIP rules: 1 Read\n"),
        "{summary}"
    );
    // A policy file is its own principal; its gaps are counted.
    assert!(summary.contains("  fixtures/missing-dependent-action/fire/logging.json\n"), "{summary}");
    assert!(summary.contains("    gaps found: 2\n"), "{summary}");
    // Not in the machine formats.
    let json = run(&["--format", "json", "--fail-on", "never", "fixtures/terraform/facts.tf"]);
    assert!(!String::from_utf8(json.stdout).unwrap().contains("Chime SDK Voice access"));
}
