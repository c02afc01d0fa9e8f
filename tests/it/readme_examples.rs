//! The README's examples, run as a reader pastes them (issue 23, item 1): every
//! `policy-lint` command line of its `sh` blocks and workflows, its
//! configuration files, its suppression comments, its baseline steps and its
//! standard-input lines, in a small project that has what they name
//! (`infra/roles.tf` with `aws_iam_role.sma_handler`, `policy.json`, ...).

use crate::common;
use std::fs;
use std::path::Path;
use std::process::Command;

fn readme() -> String {
    fs::read_to_string(common::root().join("README.md")).unwrap()
}

/// `(language, body)` of each fenced block, in order.
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.trim_start().strip_prefix("```") else { continue };
        let indent = line.len() - line.trim_start().len();
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            body.push_str(l.get(indent..).unwrap_or(l.trim_start()));
            body.push('\n');
        }
        out.push((lang.trim().to_string(), body));
    }
    out
}

/// The one block of a language that holds `needle`.
fn block(lang: &str, needle: &str) -> String {
    let found: Vec<String> =
        blocks(&readme()).into_iter().filter(|(l, b)| l == lang && b.contains(needle)).map(|(_, b)| b).collect();
    assert_eq!(found.len(), 1, "README.md: one ```{lang} block with {needle:?}, found {}", found.len());
    found.into_iter().next().unwrap()
}

const ROLES_TF: &str = r#"resource "aws_iam_role" "sma_handler" {
  name = "sma-handler"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "sma_handler" {
  role = aws_iam_role.sma_handler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["chime:CreateSipMediaApplicationCall", "chime:UpdateSipMediaApplicationCall"]
      Resource = "arn:aws:chime:us-east-1:111122223333:sma/*"
    }]
  })
}
"#;

const POLICY_JSON: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall", "Resource": "*" }]
}
"#;

const POLICY_YAML: &str = "Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    Action: chime:UpdateSipMediaApplicationCall\n    Resource: \"*\"\n";

/// A project with what the examples name.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("infra")).unwrap();
    fs::write(dir.path().join("infra/roles.tf"), ROLES_TF).unwrap();
    fs::write(dir.path().join("policy.json"), POLICY_JSON).unwrap();
    fs::write(dir.path().join("policy.yaml"), POLICY_YAML).unwrap();
    dir
}

/// A project with a SAM function and its code, for the `calls` examples
/// (`SmaHandler`, whose role allows what it calls).
fn project_with_code() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sam = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sdk-call-denied/silent/python-sam-granted");
    fs::create_dir_all(dir.path().join("infra/src")).unwrap();
    for file in ["template.yaml", "src/app.py"] {
        fs::copy(sam.join(file), dir.path().join("infra").join(file)).unwrap();
    }
    dir
}

/// Runs a shell line with `policy-lint` on the PATH; `(code, stdout, stderr)`.
fn sh(dir: &Path, line: &str) -> (i32, String, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_policy-lint")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The command lines of a shell block: continuations joined, comments and
/// prompts dropped.
fn command_lines(body: &str) -> Vec<String> {
    let joined = body.replace("\\\n", " ");
    joined
        .lines()
        .map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("- ").unwrap_or(l);
            let l = l.strip_prefix("run: ").unwrap_or(l);
            l.strip_prefix("$ ").unwrap_or(l)
        })
        .map(|l| match l.find("  #") {
            Some(i) => l[..i].trim_end(),
            None => l,
        })
        .filter(|l| l.starts_with("policy-lint ") || l.contains("| policy-lint "))
        .map(String::from)
        .collect()
}

/// Every `policy-lint` line of the README's shell blocks, workflows and CI
/// snippets runs without a usage error (exit 2), but the placeholders.
#[test]
fn every_command_line_in_the_readme_runs() {
    let mut ran = Vec::new();
    for (lang, body) in blocks(&readme()) {
        if !matches!(lang.as_str(), "sh" | "yaml" | "console") {
            continue;
        }
        // The lines of a block run in order, in one project (a baseline is
        // written, then read).
        let dir = project();
        let with_code = project_with_code();
        for line in command_lines(&body) {
            // Placeholders and lines that need another tool.
            if line.contains("...")
                || line.contains("[PATHS]")
                || line.contains("jq ")
                || line.starts_with("policy-lint --show-config --fail-on never") && lang == "console"
            {
                continue;
            }
            if lang == "console" {
                continue;
            }
            let at = if line.starts_with("policy-lint calls") { with_code.path() } else { dir.path() };
            let (code, out, err) = sh(at, &line);
            assert_ne!(code, 2, "README: `{line}` is a usage error:\n{err}\n{out}");
            assert_ne!(code, 127, "README: `{line}`: command not found:\n{err}");
            ran.push(line);
        }
    }
    // The CI lines, which run the lint once for several reports, are among them.
    for needle in [
        "--format github --format sarif:",
        "--format gitlab:",
        "completions bash",
        "simulate --action",
        "explain-denied",
    ] {
        assert!(ran.iter().any(|l| l.contains(needle)), "no README line with {needle:?} ran: {ran:#?}");
    }
    assert!(ran.len() >= 15, "only {} README command lines found: {ran:#?}", ran.len());
}

/// Defect 1: the suppression examples, pasted, leave nothing reported; with
/// their comments taken out, the rules they name do fire.
#[test]
fn the_suppression_examples_silence_what_they_name_and_nothing_else() {
    for (lang, name) in [("yaml", "template.yaml"), ("hcl", "main.tf")] {
        let body = block(lang, "policy-lint: ignore[");
        let dir = project();
        fs::write(dir.path().join(name), &body).unwrap();
        let (code, out, err) = sh(dir.path(), &format!("policy-lint --format compact {name}"));
        assert_eq!((code, out.as_str()), (0, ""), "{lang}: {err}");
        // Each comment's rules, without the comments.
        let bare: String =
            body.lines().filter(|l| !l.contains("policy-lint: ignore[")).map(|l| format!("{l}\n")).collect();
        fs::write(dir.path().join(name), bare).unwrap();
        let (code, out, _) = sh(dir.path(), &format!("policy-lint --format compact {name}"));
        assert_eq!(code, 1, "{out}");
        for rule in ["service-wildcard", "resource-star"] {
            assert!(out.contains(&format!("[{rule}]")), "{lang}: {rule} fires without the comment:\n{out}");
        }
    }
}

/// The configuration examples are valid files, and do what their comments say.
#[test]
fn the_configuration_examples_are_read_as_written() {
    let main = block("toml", "max-file-size = ");
    let dir = project();
    fs::write(dir.path().join(".policy-lint.toml"), &main).unwrap();
    let (code, out, err) = sh(dir.path(), "policy-lint --show-config");
    assert_eq!(code, 0, "{err}");
    let rows: Vec<String> = out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    for row in [
        "ignore = [\"invalid-version\"] # .policy-lint.toml",
        "exclude = [\"legacy/**\", \"**/*.test.json\"] # .policy-lint.toml",
        "fail-on = \"error\" # .policy-lint.toml",
        "max-file-size = 10485760 # .policy-lint.toml",
        "severity.ineffective-action = \"error\" # .policy-lint.toml",
    ] {
        assert!(rows.iter().any(|r| r == row), "{row} in\n{out}");
    }
    let (code, _, err) = sh(dir.path(), "policy-lint .");
    assert_ne!(code, 2, "{err}");

    let ignores = block("toml", "[[ignore]]\npath = \"legacy/**/*.json\"");
    fs::write(dir.path().join(".policy-lint.toml"), &ignores).unwrap();
    fs::create_dir_all(dir.path().join("legacy/old")).unwrap();
    fs::write(dir.path().join("legacy/old/p.json"), POLICY_JSON).unwrap();
    let (code, out, err) = sh(dir.path(), "policy-lint --format compact legacy");
    assert_eq!((code, out.as_str()), (0, ""), "{err}");

    // The one-list form the text gives.
    let mixed = "ignore = [\"invalid-version\", { path = \"legacy/**\", rules = [\"resource-star\"] }]\n";
    fs::write(dir.path().join(".policy-lint.toml"), mixed).unwrap();
    let (code, out, err) = sh(dir.path(), "policy-lint --format compact legacy");
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}

/// Item 10: the `[[require]]` example passes on a project that grants it, and
/// the misspelt action the README shows is refused as it shows.
#[test]
fn the_require_example_is_proved_and_a_misspelt_action_refused_as_shown() {
    let require = block("toml", "[[require]]");
    let dir = project();
    fs::write(dir.path().join(".policy-lint.toml"), &require).unwrap();
    let (code, out, err) = sh(dir.path(), "policy-lint --format compact infra");
    assert_eq!((code, out.as_str()), (0, ""), "{err}");

    let console = block("console", "is not an action of `chime`");
    let shown = console.lines().nth(1).unwrap();
    let misspelt = require.replace("\"chime:UpdateSipMediaApplicationCall\"", "\"chime:UpdateSipMediaApplicationCal\"");
    fs::write(dir.path().join(".policy-lint.toml"), misspelt).unwrap();
    let (code, _, err) = sh(dir.path(), "policy-lint infra");
    assert_eq!(code, 2);
    assert_eq!(err.trim_end(), shown);
}

/// The baseline steps, in order: recorded, then nothing new to report, and
/// the count of what the baseline hid on standard error.
#[test]
fn the_baseline_steps_run_in_order() {
    let steps = block("sh", "--write-baseline .policy-lint-baseline.json");
    let dir = project();
    let mut codes = Vec::new();
    let mut last_err = String::new();
    for line in steps.lines().filter(|l| l.starts_with("policy-lint ")) {
        let line = line.split("  #").next().unwrap();
        let (code, _, err) = sh(dir.path(), line);
        codes.push(code);
        last_err = err;
    }
    assert_eq!(codes, [0, 0]);
    assert!(last_err.starts_with("policy-lint: the baseline hid 2 findings\n"), "{last_err}");
}

/// Item 4: the standard-input lines, with and without a name, lint what they
/// are given in its own language.
#[test]
fn the_standard_input_examples_read_each_language() {
    let dir = project();
    let named = block("sh", "--stdin-filename infra/roles.tf");
    let (code, out, err) = sh(dir.path(), named.trim());
    assert_eq!((code, out.as_str()), (0, ""), "{err}");

    let yaml = block("sh", "cat policy.yaml |");
    let (code, out, _) = sh(dir.path(), yaml.trim());
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().map(|l| l.split(": ").nth(1).unwrap()).collect::<Vec<_>>(),
        ["warning[resource-star]"],
        "{out}"
    );
    assert!(out.starts_with("<stdin>:4:13: "), "{out}");

    // The Scripts section's JSON line, and Terraform without a name.
    let (code, out, _) = sh(dir.path(), "cat policy.json | policy-lint --format compact -");
    assert_eq!(code, 1);
    assert!(out.starts_with("<stdin>:3:48: warning[resource-star]"), "{out}");
    let (code, out, err) = sh(dir.path(), "policy-lint --format compact - < infra/roles.tf");
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}
