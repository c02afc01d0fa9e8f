//! Helpers shared by the integration tests: run the real binary, read its JSON.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `policy-lint` with arguments, from the crate root.
pub fn run(args: &[&str]) -> Output {
    run_in(&root(), args)
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("the binary runs")
}

/// One finding as `path:line:col: severity[rule]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub severity: String,
    pub rule: String,
    pub message: String,
}

impl Hit {
    pub fn short(&self) -> String {
        format!("{}:{}:{}: {}[{}]", self.path, self.line, self.column, self.severity, self.rule)
    }
}

/// Runs with `--format json` and returns the findings and the exit code.
pub fn findings(args: &[&str]) -> (Vec<Hit>, i32) {
    findings_in(&root(), args)
}

pub fn findings_in(dir: &Path, args: &[&str]) -> (Vec<Hit>, i32) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = run_in(dir, &all);
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}\nstderr: {}", String::from_utf8_lossy(&out.stderr)));
    let hits = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| Hit {
            path: f["path"].as_str().unwrap().to_string(),
            line: f["line"].as_u64().unwrap(),
            column: f["column"].as_u64().unwrap(),
            severity: f["severity"].as_str().unwrap().to_string(),
            rule: f["rule"].as_str().unwrap().to_string(),
            message: f["message"].as_str().unwrap().to_string(),
        })
        .collect();
    (hits, out.status.code().unwrap_or(-1))
}

/// The path of `../shared`, when it is there. Tests that use it skip
/// otherwise, and say so on standard error, past the test harness's capture
/// (which hides what a passing test prints), so a run without it is not
/// mistaken for one that checked the real-world data.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("..").join("shared");
    if p.join("reference").is_dir() {
        return Some(p);
    }
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    let _ = writeln!(std::io::stderr(), "skipped {test}: ../shared is absent");
    None
}

/// Whether a rule is one of the least-privilege rules. Front-end tests are
/// about where findings land; what those rules think of a fixture's grants is
/// tested with the rules themselves.
pub fn is_least_privilege(rule: &str) -> bool {
    policy_lint::rules::find(rule).is_some_and(|r| r.meta.category == policy_lint::rules::Category::LeastPrivilege)
}
