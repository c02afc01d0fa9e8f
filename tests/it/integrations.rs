//! The places policy-lint runs: SARIF, GitHub annotations, the editor's
//! problem matcher, pre-commit, configuration, suppressions, baselines,
//! standard input, `--quiet` and `--statistics`.

use crate::common;

use common::{findings, findings_in, root, run, run_in, Hit};
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BROKEN: &str = "fixtures/examples/sma-handler-broken.json";
const TYPOS: &str = include_str!("../../fixtures/unknown-action/fire/typos.json");

/// Runs the binary with extra environment and optional standard input.
fn run_with(dir: &Path, args: &[&str], env: &[(&str, &Path)], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_policy-lint"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1").env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(input) = stdin {
        use std::io::Write;
        // The binary may exit (on a usage error) before it reads everything.
        let _ = child.stdin.take().unwrap().write_all(input);
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn shorts(hits: &[Hit]) -> Vec<String> {
    hits.iter().map(Hit::short).collect()
}

/// A temporary project with files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

mod sarif {
    use super::*;

    fn sarif_in(dir: &Path, args: &[&str]) -> Value {
        let mut all = vec!["--format", "sarif"];
        all.extend_from_slice(args);
        let out = run_in(dir, &all);
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
    }

    fn str_at<'a>(v: &'a Value, path: &str) -> &'a str {
        v.pointer(path).and_then(Value::as_str).unwrap_or_else(|| panic!("missing string {path} in {v:#}"))
    }

    fn uint_at(v: &Value, path: &str) -> u64 {
        v.pointer(path).and_then(Value::as_u64).unwrap_or_else(|| panic!("missing integer {path} in {v:#}"))
    }

    /// Checks the properties SARIF 2.1.0 requires, and the ones code scanning reads.
    fn check_shape(log: &Value) {
        assert_eq!(log["version"], "2.1.0");
        assert!(str_at(log, "/$schema").contains("sarif-2.1.0"));
        let runs = log["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        assert_eq!(str_at(run, "/tool/driver/name"), "policy-lint");
        assert_eq!(str_at(run, "/tool/driver/version"), env!("CARGO_PKG_VERSION"));
        if let Some(uri) = run.pointer("/tool/driver/informationUri") {
            assert!(uri.as_str().unwrap().starts_with("https://"), "{uri}");
        }
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        for inv in run["invocations"].as_array().expect("invocations") {
            assert!(inv["executionSuccessful"].is_boolean());
        }
        let rules = run.pointer("/tool/driver/rules").and_then(Value::as_array).expect("rules");
        let ids: Vec<&str> = rules.iter().map(|r| str_at(r, "/id")).collect();
        for r in rules {
            let id = str_at(r, "/id");
            let meta = policy_lint::rules::find(id).unwrap_or_else(|| panic!("{id} is a rule")).meta;
            assert_eq!(str_at(r, "/shortDescription/text"), meta.summary);
            assert!(!str_at(r, "/fullDescription/text").is_empty());
            assert!(str_at(r, "/help/text").contains("## What it does"));
            assert!(str_at(r, "/help/markdown").contains("## Why is this bad?"));
            let sev: f64 = str_at(r, "/properties/security-severity").parse().expect("a number string");
            assert!((0.1..=10.0).contains(&sev), "{sev}");
            assert!(r.pointer("/properties/tags").and_then(Value::as_array).is_some_and(|t| !t.is_empty()));
            assert!(["very-high", "high", "medium", "low"].contains(&str_at(r, "/properties/precision")));
            assert!(["error", "warning", "note"].contains(&str_at(r, "/defaultConfiguration/level")));
        }
        let results = run["results"].as_array().expect("results");
        for r in results {
            let id = str_at(r, "/ruleId");
            let index = uint_at(r, "/ruleIndex") as usize;
            assert_eq!(ids[index], id, "ruleIndex points at its rule");
            assert!(["error", "warning", "note"].contains(&str_at(r, "/level")));
            assert!(!str_at(r, "/message/text").is_empty());
            let loc = &r["locations"][0]["physicalLocation"];
            let uri = str_at(loc, "/artifactLocation/uri");
            assert!(!uri.contains('\\') && !uri.starts_with('/') && !uri.contains(' '), "{uri}");
            let (sl, sc) = (uint_at(loc, "/region/startLine"), uint_at(loc, "/region/startColumn"));
            let (el, ec) = (uint_at(loc, "/region/endLine"), uint_at(loc, "/region/endColumn"));
            assert!(sl >= 1 && sc >= 1 && el >= sl && (el > sl || ec >= sc), "{loc}");
            let fp = r["partialFingerprints"].as_object().expect("partialFingerprints");
            assert!(!fp.is_empty() && fp.values().all(Value::is_string));
        }
        // Every rule listed fired, and every result's rule is listed.
        for id in &ids {
            assert!(results.iter().any(|r| r["ruleId"] == *id), "{id} listed but did not fire");
        }
    }

    #[test]
    fn log_has_the_2_1_0_shape_and_matches_the_findings() {
        let log = sarif_in(&root(), &[BROKEN]);
        check_shape(&log);
        let (hits, _) = findings(&[BROKEN]);
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), hits.len());
        for (r, h) in results.iter().zip(&hits) {
            assert_eq!(r["ruleId"], h.rule.as_str());
            let region = &r["locations"][0]["physicalLocation"]["region"];
            assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(h.line), Some(h.column)));
            assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], BROKEN);
            let level = match h.severity.as_str() {
                "info" => "note",
                other => other,
            };
            assert_eq!(r["level"], level);
        }
        let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        let severity_of = |id: &str| {
            rules.iter().find(|r| r["id"] == id).unwrap()["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(severity_of("unknown-action"), "8.0");
        assert_eq!(severity_of("ineffective-action"), "5.0");
    }

    #[test]
    fn clean_run_is_a_valid_log_with_no_results() {
        let log = sarif_in(&root(), &["fixtures/examples/sma-handler-policy.json"]);
        check_shape(&log);
        assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), 0);
    }

    fn fingerprints(log: &Value) -> Vec<(String, u64, String)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap(),
                    r["partialFingerprints"]["policyLint/v1"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn fingerprints_survive_lines_inserted_above() {
        let dir = project(&[("p.json", TYPOS)]);
        let before = fingerprints(&sarif_in(dir.path(), &["p.json"]));
        assert_eq!(before.len(), 3);
        // An unrelated statement inserted above every finding.
        let edited = TYPOS.replacen(
            "\"Statement\": [",
            "\"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"chime:ListSipMediaApplications\",\n      \"Resource\": \"*\"\n    },",
            1,
        );
        assert_ne!(edited, TYPOS);
        fs::write(dir.path().join("p.json"), &edited).unwrap();
        let after = fingerprints(&sarif_in(dir.path(), &["p.json"]));
        assert_eq!(after.len(), 3);
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(a.1, b.1 + 5, "the finding moved down");
            assert_eq!(a.2, b.2, "its fingerprint did not change");
        }
        // Distinct findings have distinct fingerprints.
        let mut fps: Vec<_> = after.iter().map(|a| a.2.clone()).collect();
        fps.dedup();
        assert_eq!(fps.len(), 3);
    }

    #[test]
    fn columns_count_characters_and_uris_are_encoded() {
        let text = "{\"Statement\": [{\"Sid\": \"Ünïcødé😀\", \"Effect\": \"Allow\", \"Action\": \"chime:Nope\", \"Resource\": \"*\"}], \"Version\": \"2012-10-17\"}";
        let dir = project(&[("my policies/p #1.json", text)]);
        let log = sarif_in(dir.path(), &["my policies/p #1.json"]);
        check_shape(&log);
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "{results:#?}");
        let r = &results[0];
        assert_eq!(r["ruleId"], "unknown-action");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "my%20policies/p%20%231.json");
        let byte = text.find("\"chime:Nope\"").unwrap();
        let chars = text[..byte].chars().count() as u64;
        assert_eq!(loc["region"]["startColumn"].as_u64(), Some(chars + 1));
        assert_eq!(loc["region"]["endColumn"].as_u64(), Some(chars + 1 + "\"chime:Nope\"".len() as u64));
    }
}

mod github {
    use super::*;

    /// One parsed `::command key=value,...::message` line, unescaped.
    #[derive(Debug)]
    struct Annotation {
        command: String,
        props: Vec<(String, String)>,
        message: String,
    }

    fn unescape(s: &str) -> String {
        s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    }

    fn parse(line: &str) -> Annotation {
        let rest = line.strip_prefix("::").unwrap_or_else(|| panic!("not a workflow command: {line}"));
        let (head, message) = rest.split_once("::").expect("::message");
        let (command, props) = head.split_once(' ').expect("properties");
        let props = props
            .split(',')
            .map(|kv| {
                let (k, v) = kv.split_once('=').expect("key=value");
                (k.to_string(), unescape(v))
            })
            .collect();
        Annotation { command: command.to_string(), props, message: unescape(message) }
    }

    fn prop<'a>(a: &'a Annotation, key: &str) -> &'a str {
        &a.props.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("{key} in {a:?}")).1
    }

    #[test]
    fn annotations_parse_back_to_the_findings() {
        let out = run(&["--format", "github", BROKEN]);
        assert_eq!(out.status.code(), Some(1));
        let (hits, _) = findings(&[BROKEN]);
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), hits.len());
        for (line, h) in lines.iter().zip(&hits) {
            let a = parse(line);
            let expected = match h.severity.as_str() {
                "error" => "error",
                "warning" => "warning",
                _ => "notice",
            };
            assert_eq!(a.command, expected);
            let keys: Vec<&str> = a.props.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, ["file", "line", "col", "endLine", "endColumn", "title"]);
            assert_eq!(prop(&a, "file"), h.path);
            assert_eq!(prop(&a, "line"), h.line.to_string());
            assert_eq!(prop(&a, "col"), h.column.to_string());
            assert_eq!(prop(&a, "title"), h.rule);
            assert!(a.message.starts_with(&h.message), "{} / {}", a.message, h.message);
        }
        // The help line travels as an escaped newline.
        assert!(stdout(&out).contains("%0Ahelp: "));
    }

    #[test]
    fn properties_escape_colons_commas_and_percent() {
        let dir = project(&[("a,b:50%.json", TYPOS)]);
        let out = run_in(dir.path(), &["--format", "github", "a,b:50%.json"]);
        let first = stdout(&out).lines().next().unwrap().to_string();
        assert!(first.starts_with("::error file=a%2Cb%3A50%25.json,line=6,col=17,"), "{first}");
        assert_eq!(prop(&parse(&first), "file"), "a,b:50%.json");
    }

    #[test]
    fn step_summary_is_appended_when_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let summary = dir.path().join("summary.md");
        fs::write(&summary, "earlier step\n").unwrap();
        let out = run_with(&root(), &["--format", "github", BROKEN], &[("GITHUB_STEP_SUMMARY", &summary)], None);
        assert_eq!(out.status.code(), Some(1));
        let text = fs::read_to_string(&summary).unwrap();
        assert!(text.starts_with("earlier step\n## policy-lint\n"), "{text}");
        assert!(text.contains("5 problems (3 errors, 2 warnings, 0 info) in 1 file."), "{text}");
        assert!(text.contains("| Rule | Severity | Count |"), "{text}");
        for rule in ["unknown-action", "unknown-service", "ineffective-action", "resource-mismatch"] {
            assert!(text.contains(&format!("| `{rule}` |")), "{rule}: {text}");
        }
        assert!(text.contains(&format!("- `{BROKEN}:8:9` **error** `unknown-action`: ")), "{text}");
        // Other formats leave it alone.
        let before = fs::read_to_string(&summary).unwrap();
        run_with(&root(), &["--format", "compact", BROKEN], &[("GITHUB_STEP_SUMMARY", &summary)], None);
        assert_eq!(fs::read_to_string(&summary).unwrap(), before);
    }
}

mod editor {
    use super::*;

    /// The VS Code tasks.json in README.md, between its markers.
    fn tasks_json() -> Value {
        let doc = fs::read_to_string(root().join("README.md")).unwrap();
        let start = doc.find("<!-- vscode-tasks:begin -->").expect("begin marker");
        let end = doc.find("<!-- vscode-tasks:end -->").expect("end marker");
        let block = &doc[start..end];
        let json = block.split("```json").nth(1).and_then(|b| b.split("```").next()).expect("a json block");
        serde_json::from_str(json).expect("tasks.json is JSON")
    }

    #[test]
    fn documented_problem_matcher_reads_compact_output() {
        let tasks = tasks_json();
        let matcher = &tasks["tasks"][0]["problemMatcher"];
        let pattern = &matcher["pattern"];
        // A JavaScript regular expression: `\d` and the like are ASCII classes there.
        let re = regex::bytes::RegexBuilder::new(pattern["regexp"].as_str().unwrap()).unicode(false).build().unwrap();
        let group = |name: &str| pattern[name].as_u64().unwrap() as usize;
        assert!(tasks["tasks"][0]["command"].as_str().unwrap().contains("--format compact"));
        let out = run(&["--format", "compact", "--fail-on", "never", "fixtures"]);
        let (hits, _) = findings(&["--fail-on", "never", "fixtures"]);
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), hits.len());
        assert!(hits.len() > 20);
        for (line, h) in lines.iter().zip(&hits) {
            let c = re.captures(line.as_bytes()).unwrap_or_else(|| panic!("the problem matcher misses: {line}"));
            let at = |name: &str| std::str::from_utf8(&c[group(name)]).unwrap().to_string();
            assert_eq!(at("file"), h.path);
            assert_eq!(at("line").parse::<u64>().unwrap(), h.line);
            assert_eq!(at("column").parse::<u64>().unwrap(), h.column);
            assert_eq!(at("severity"), h.severity);
            assert_eq!(at("code"), h.rule);
            assert_eq!(at("message"), h.message.replace(['\n', '\r'], " "));
        }
    }
}

mod precommit {
    use super::*;

    fn hook_field(field: &str) -> String {
        let text = fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
        text.lines()
            .find_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix(&format!("{field}:")))
            .unwrap_or_else(|| panic!("{field} in .pre-commit-hooks.yaml"))
            .trim()
            .to_string()
    }

    #[test]
    fn hook_is_declared() {
        assert_eq!(hook_field("id"), "policy-lint");
        assert_eq!(hook_field("language"), "rust");
        assert_eq!(hook_field("pass_filenames"), "true");
        let types = hook_field("types_or");
        for t in ["json", "yaml", "terraform"] {
            assert!(types.contains(t), "{types}");
        }
        assert!(hook_field("entry").starts_with("policy-lint"));
    }

    /// Runs the hook's entry as pre-commit would: entry, then the file names.
    fn run_hook(dir: &Path, files: &[&str]) -> (Vec<Hit>, i32) {
        let entry = hook_field("entry");
        let mut args: Vec<&str> = entry.split_whitespace().skip(1).collect();
        args.extend_from_slice(files);
        findings_in(dir, &args)
    }

    #[test]
    fn hook_reports_on_the_staged_files_only_and_skips_other_json() {
        let dir = project(&[
            ("infra/a.json", TYPOS),
            ("infra/b.json", TYPOS),
            ("package.json", r#"{"name": "x", "version": "1.0.0"}"#),
            ("excluded/c.json", TYPOS),
            (".policy-lint.toml", "exclude = [\"excluded\"]\n"),
        ]);
        let (hits, code) = run_hook(dir.path(), &["infra/a.json", "package.json", "excluded/c.json"]);
        assert_eq!(
            shorts(&hits),
            [
                "infra/a.json:6:17: error[unknown-action]",
                "infra/a.json:11:18: error[unknown-action]",
                "infra/a.json:11:42: error[unknown-action]",
            ]
        );
        assert_eq!(code, 1);
        let (hits, code) = run_hook(dir.path(), &["package.json"]);
        assert!(hits.is_empty(), "{hits:#?}");
        assert_eq!(code, 0);
        // Without --project-root, a named file is always linted.
        let (hits, _) = findings_in(dir.path(), &["package.json", "excluded/c.json"]);
        assert!(hits.iter().any(|h| h.path == "package.json" && h.rule == "policy-syntax"), "{hits:#?}");
        assert!(hits.iter().any(|h| h.path == "excluded/c.json"), "{hits:#?}");
    }

    #[test]
    fn project_root_with_a_directory_and_a_missing_file() {
        let dir = project(&[("infra/a.json", TYPOS), ("other/b.json", TYPOS)]);
        let (hits, code) = findings_in(dir.path(), &["--project-root", ".", "infra"]);
        assert!(!hits.is_empty() && hits.iter().all(|h| h.path == "infra/a.json"), "{hits:#?}");
        assert_eq!(code, 1);
        let out = run_in(dir.path(), &["--project-root", ".", "gone.json"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("gone.json: no such file or directory"), "{}", stderr(&out));
    }
}

mod config {
    use super::*;

    #[test]
    fn found_by_walking_up_and_overridden_by_flags() {
        let dir = project(&[
            (".policy-lint.toml", "ignore = [\"unknown-action\"]\n"),
            ("infra/deep/p.json", TYPOS),
            ("elsewhere.toml", "select = [\"invalid-arn\"]\n"),
        ]);
        let deep = dir.path().join("infra/deep");
        let (hits, code) = findings_in(&deep, &["p.json"]);
        assert!(hits.is_empty(), "{hits:#?}");
        assert_eq!(code, 0);
        let (hits, _) = findings_in(&deep, &["--isolated", "p.json"]);
        assert_eq!(hits.len(), 3);
        let (hits, _) = findings_in(&deep, &["--ignore", "invalid-arn", "p.json"]);
        assert_eq!(hits.len(), 3, "--ignore replaces the file's list");
        let (hits, _) = findings_in(&deep, &["--config", "../../elsewhere.toml", "p.json"]);
        assert!(hits.is_empty(), "only invalid-arn selected: {hits:#?}");
        let (hits, _) = findings_in(&deep, &["--select", "unknown-action", "--ignore", "", "p.json"]);
        assert_eq!(hits.len(), 3);
    }

    #[test]
    fn every_key() {
        let config = r#"
select = ["unknown-action", "ineffective-action", "parse-error"]
ignore = ["ineffective-action"]
exclude = ["skip/**", "*.test.json"]
fail-on = "error"
max-file-size = "2KB"
[severity]
unknown-action = "warning"
[[require]]
principal = "a.json"
actions = ["chime:GetSipRule"]
resources = ["*"]
"#;
        let big = format!("{{\"Statement\": [], \"Padding\": \"{}\"}}", "x".repeat(3000));
        let dir = project(&[
            (".policy-lint.toml", config),
            ("a.json", TYPOS),
            ("skip/b.json", TYPOS),
            ("c.test.json", TYPOS),
            ("broken.json", include_str!("../../fixtures/examples/sma-handler-broken.json")),
            ("big.json", &big),
        ]);
        let (hits, code) = findings_in(dir.path(), &["."]);
        let got: Vec<String> = hits.iter().map(|h| format!("{} {} {}", h.path, h.rule, h.severity)).collect();
        assert_eq!(
            got,
            [
                "a.json unknown-action warning",
                "a.json unknown-action warning",
                "a.json unknown-action warning",
                "big.json parse-error error",
                "broken.json unknown-action warning",
            ],
            "select, ignore, exclude, [severity], max-file-size"
        );
        assert!(hits[3].message.contains("limit of 2000 bytes"), "{}", hits[3].message);
        assert_eq!(code, 1, "parse-error is an error");
        let (_, code) = findings_in(dir.path(), &["a.json"]);
        assert_eq!(code, 0, "warnings do not fail with fail-on = \"error\"");
        let (_, code) = findings_in(dir.path(), &["--fail-on", "warning", "a.json"]);
        assert_eq!(code, 1, "the flag overrides the file");
    }

    #[test]
    fn path_ignores_suppress_by_glob_relative_to_the_file() {
        let config = "[[ignore]]\npath = \"legacy/**\"\nrules = [\"unknown-action\"]\nreason = \"frozen\"\n";
        let dir = project(&[(".policy-lint.toml", config), ("legacy/old.json", TYPOS), ("new/p.json", TYPOS)]);
        let (hits, _) = findings_in(dir.path(), &["."]);
        assert!(!hits.is_empty() && hits.iter().all(|h| h.path == "new/p.json"), "{hits:#?}");
        // From a subdirectory, the glob is still relative to the config file.
        let (hits, _) = findings_in(&dir.path().join("legacy"), &["old.json"]);
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn errors_are_shown_at_their_place_with_exit_2() {
        let bad = "selec = [\"unknown-action\"]\nignore = [\"unknown-actoin\"]\n[severity]\ninvalid-arn = \"loud\"\n";
        let dir = project(&[(".policy-lint.toml", bad), ("a.json", TYPOS)]);
        let out = run_in(dir.path(), &["a.json"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stdout(&out).is_empty());
        let err = stderr(&out);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines,
            [
                "policy-lint: .policy-lint.toml:1:1: unknown key `selec`; did you mean `select`? (expected one of: select, ignore, exclude, fail-on, severity, max-file-size, require, forbid)",
                "policy-lint: .policy-lint.toml:2:11: `unknown-actoin` is not a rule; did you mean `unknown-action`? (`policy-lint rules` lists them)",
                "policy-lint: .policy-lint.toml:4:15: `loud` is not a severity; expected \"error\", \"warning\" or \"info\"",
            ]
        );
        let dir = project(&[(".policy-lint.toml", "fail-on = \"error\n"), ("a.json", TYPOS)]);
        let out = run_in(dir.path(), &["a.json"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).starts_with("policy-lint: .policy-lint.toml:1:"), "{}", stderr(&out));
        let out = run_in(dir.path(), &["--select", "unknown-acton", "--isolated", "a.json"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("--select: `unknown-acton` is not a rule"), "{}", stderr(&out));
        let out = run_in(dir.path(), &["--config", "nope.toml", "a.json"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("nope.toml: cannot read the configuration file"), "{}", stderr(&out));
    }

    #[test]
    fn show_config_says_where_each_setting_came_from() {
        let dir = project(&[(".policy-lint.toml", "exclude = [\"legacy/**\"]\n[severity]\ninvalid-arn = \"info\"\n")]);
        let out = run_in(dir.path(), &["--show-config", "--fail-on", "never"]);
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        let row = |key: &str| {
            text.lines()
                .find(|l| l.starts_with(&format!("{key} ")))
                .unwrap_or_else(|| panic!("{key} in {text}"))
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(text.starts_with("Configuration file: "), "{text}");
        assert_eq!(row("select"), "select = (every rule) # default");
        assert_eq!(row("exclude"), "exclude = [\"legacy/**\"] # .policy-lint.toml");
        assert_eq!(row("fail-on"), "fail-on = \"never\" # command line");
        assert_eq!(row("severity.invalid-arn"), "severity.invalid-arn = \"info\" # .policy-lint.toml");
        assert_eq!(row("max-file-size"), "max-file-size = 10485760 # default");
        let out = run_in(dir.path(), &["--show-config", "--isolated"]);
        assert!(stdout(&out).starts_with("Configuration file: none"), "{}", stdout(&out));
    }
}

mod suppress {
    use super::*;

    #[test]
    fn invalid_and_unused_suppressions_are_reported_at_the_comment() {
        let (hits, _) = findings(&["--fail-on", "never", "fixtures/unused-suppression/fire/main.tf"]);
        let unused: Vec<String> = hits.iter().filter(|h| h.rule == "unused-suppression").map(Hit::short).collect();
        assert_eq!(unused, ["fixtures/unused-suppression/fire/main.tf:1:23: warning[unused-suppression]"]);
        // Turning the rule off turns its report off.
        let (hits, _) =
            findings(&["--ignore", "unused-suppression", "--fail-on", "never", "fixtures/unused-suppression/fire"]);
        assert!(hits.iter().all(|h| h.rule != "unused-suppression"), "{hits:#?}");
    }

    #[test]
    fn suppressions_in_stdin_use_the_stdin_filename() {
        let text = b"# policy-lint: ignore[unknown-action]\nResources: {}\n";
        let out = run_with(
            &root(),
            &["--format", "compact", "--fail-on", "never", "-", "--stdin-filename", "t.yaml"],
            &[],
            Some(text),
        );
        assert!(
            stdout(&out).contains("t.yaml:1:1: warning[invalid-suppression]: the suppression gives no reason"),
            "{}",
            stdout(&out)
        );
    }

    // The YAML and HCL front-ends land on other branches; these run once they are merged.

    /// The lines of the typo and suppression findings in a file.
    fn typo_and_suppression_lines(path: &str) -> Vec<String> {
        let (hits, _) = findings(&["--fail-on", "never", path]);
        hits.iter()
            .filter(|h| {
                ["unknown-action", "unused-suppression", "invalid-suppression", "parse-error"]
                    .contains(&h.rule.as_str())
            })
            .map(|h| format!("{} {}", h.line, h.rule))
            .collect()
    }

    #[test]
    fn yaml_suppressions_silence_their_lines_and_blocks() {
        // Suppressed: line 12 (the resource's block, comment on line 4), line 22
        // (same line), line 24 (comment on the line above). Left: line 27.
        let got = typo_and_suppression_lines("fixtures/integrations/suppress/template.yaml");
        assert_eq!(got, ["27 unknown-action"], "only the unsuppressed typo is left, and no suppression is unused");
    }

    #[test]
    fn hcl_suppressions_silence_their_lines_and_blocks() {
        // Suppressed: line 4 (the data block, comment on line 1), line 16 (the
        // `jsonencode({` expression, comment on line 11), line 25 (same line). Left: line 26.
        let got = typo_and_suppression_lines("fixtures/integrations/suppress/main.tf");
        assert_eq!(got, ["26 unknown-action"], "only the unsuppressed typo is left, and no suppression is unused");
    }
}

mod baseline {
    use super::*;

    #[test]
    fn baseline_survives_an_unrelated_edit_and_new_findings_show() {
        let dir = project(&[("infra/p.json", TYPOS), ("infra/q.json", TYPOS)]);
        let out = run_in(dir.path(), &["--write-baseline", "baseline.json", "infra"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
        assert!(stderr(&out).contains("recorded 6 findings in baseline.json"), "{}", stderr(&out));
        let doc: Value = serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap()).unwrap();
        assert_eq!(doc["version"], 1);
        let first = &doc["findings"][0];
        assert_eq!(first["rule"], "unknown-action");
        assert_eq!(first["path"], "infra/p.json");
        assert_eq!(first["text"], "\"chime:CreateSipMediaApplicationCalls\"");

        let (hits, code) = findings_in(dir.path(), &["--baseline", "baseline.json", "infra"]);
        assert!(hits.is_empty(), "{hits:#?}");
        assert_eq!(code, 0);

        // Lines inserted above, and one new typo.
        let edited = TYPOS.replacen(
            "\"Statement\": [",
            "\"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"chime:GetSipRulez\",\n      \"Resource\": \"*\"\n    },",
            1,
        );
        fs::write(dir.path().join("infra/p.json"), edited).unwrap();
        let (hits, code) = findings_in(dir.path(), &["--baseline", "baseline.json", "infra"]);
        assert_eq!(shorts(&hits), ["infra/p.json:6:17: error[unknown-action]"]);
        assert!(hits[0].message.contains("chime:GetSipRulez"));
        assert_eq!(code, 1);

        // Paths are relative to the baseline file, whatever the working directory.
        let (hits, _) = findings_in(&dir.path().join("infra"), &["--baseline", "../baseline.json", "q.json"]);
        assert!(hits.is_empty(), "{hits:#?}");
    }

    #[test]
    fn unreadable_baseline_is_an_error() {
        let dir = project(&[("p.json", TYPOS), ("bad.json", "{\"findings\": 3}")]);
        let out = run_in(dir.path(), &["--baseline", "missing.json", "p.json"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("missing.json: cannot read the baseline: no such file or directory"));
        let out = run_in(dir.path(), &["--baseline", "bad.json", "p.json"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("bad.json: not a policy-lint baseline file"), "{}", stderr(&out));
    }
}

mod stdin {
    use super::*;

    fn lint_stdin(args: &[&str], input: &[u8]) -> Output {
        let mut all = vec!["--format", "compact"];
        all.extend_from_slice(args);
        run_with(&root(), &all, &[], Some(input))
    }

    #[test]
    fn reads_one_file_named_by_stdin_filename() {
        let out = lint_stdin(&["-", "--stdin-filename", "infra/roles.json"], TYPOS.as_bytes());
        assert_eq!(out.status.code(), Some(1));
        let text = stdout(&out);
        assert_eq!(text.lines().count(), 3);
        assert!(text.starts_with("infra/roles.json:6:17: error[unknown-action]: "), "{text}");
        let out = lint_stdin(&["-"], TYPOS.as_bytes());
        assert!(stdout(&out).starts_with("<stdin>:6:17: error[unknown-action]: "), "{}", stdout(&out));
    }

    /// A handler, its permission for Chime and its SIP media application,
    /// as a module of two files: the permission in a file of its own.
    fn module() -> (String, String) {
        let one = include_str!("../../fixtures/sma-lambda-permission-missing/silent/with-permission.tf");
        let at = one.find("resource \"aws_lambda_permission\"").unwrap();
        let end = one.find("resource \"aws_chimesdkvoice_sip_media_application\"").unwrap();
        (format!("{}{}", &one[..at], &one[end..]), one[at..end].to_string())
    }

    /// With `--project-root`, the text read from standard input is read with
    /// the rest of its Terraform module, as the same text saved would be: the
    /// permission in the module's other file counts, and the text, not the
    /// file on disk, is what is linted.
    #[test]
    fn joins_its_module_under_project_root() {
        let (main, permission) = module();
        let dir = project(&[("infra/main.tf", &main), ("infra/permission.tf", &permission)]);
        let args = ["--format", "compact", "--project-root", ".", "-", "--stdin-filename", "infra/main.tf"];
        let out = run_with(dir.path(), &args, &[], Some(main.as_bytes()));
        assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(0)), "{}", stderr(&out));
        // Saved without the permission, the module fires; the buffer's text decides.
        fs::write(dir.path().join("infra/permission.tf"), "").unwrap();
        let out = run_with(dir.path(), &args, &[], Some(main.as_bytes()));
        assert!(
            stdout(&out).starts_with("infra/main.tf:9:1: warning[sma-lambda-permission-missing]: "),
            "{}",
            stdout(&out)
        );
        // A buffer of the module not saved yet, holding the permission.
        let args = ["--format", "compact", "--project-root", ".", "-", "--stdin-filename", "infra/new.tf"];
        let out = run_with(dir.path(), &args, &[], Some(permission.as_bytes()));
        assert_eq!((stdout(&out).as_str(), out.status.code()), ("", Some(0)), "{}", stderr(&out));
    }

    #[test]
    fn bad_input_and_bad_usage() {
        let out = lint_stdin(&["-"], &[0xff, 0xfe, 0]);
        assert!(
            stdout(&out).contains("<stdin>:1:1: error[parse-error]: the input is not UTF-8 text"),
            "{}",
            stdout(&out)
        );
        let out = lint_stdin(&["-", "fixtures"], b"{}");
        assert_eq!(out.status.code(), Some(2));
        let out = lint_stdin(&["--stdin-filename", "x.json", "fixtures"], b"{}");
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("pass `-`"), "{}", stderr(&out));
        // The configuration applies to standard input too.
        let dir = project(&[(".policy-lint.toml", "ignore = [\"unknown-action\"]\n")]);
        let out = run_with(dir.path(), &["--format", "compact", "-"], &[], Some(TYPOS.as_bytes()));
        assert_eq!(stdout(&out), "");
        assert_eq!(out.status.code(), Some(0));
    }
}

mod output_options {
    use super::*;

    #[test]
    fn quiet_prints_only_findings() {
        let loud = stdout(&run(&[BROKEN]));
        let quiet = stdout(&run(&["--quiet", BROKEN]));
        assert!(loud.contains("Found 5 problems"), "{loud}");
        assert!(!quiet.contains("Found"), "{quiet}");
        assert!(quiet.contains("unknown-action"));
        assert_eq!(stdout(&run(&["-q", "fixtures/examples/sma-handler-policy.json"])), "");
    }

    #[test]
    fn statistics_counts_per_rule() {
        let (hits, _) = findings(&["--fail-on", "never", "fixtures"]);
        let out = run(&["--statistics", "--fail-on", "never", "fixtures"]);
        let text = stdout(&out);
        let rows: Vec<(u64, String)> = text
            .lines()
            .map(|l| {
                let mut w = l.split_whitespace();
                (w.next().unwrap().parse().unwrap(), w.next().unwrap().to_string())
            })
            .collect();
        assert!(rows.windows(2).all(|w| w[0].0 >= w[1].0), "most frequent first: {text}");
        let total: u64 = rows.iter().map(|r| r.0).sum();
        assert_eq!(total as usize, hits.len());
        for (count, rule) in &rows {
            assert_eq!(*count as usize, hits.iter().filter(|h| &h.rule == rule).count(), "{rule}");
        }
        let json: Value = serde_json::from_slice(&run(&["--statistics", "--format", "json", BROKEN]).stdout).unwrap();
        let arr = json.as_array().unwrap();
        assert_eq!(arr.len(), 5);
        assert!(arr.iter().all(|r| r["count"] == 1 && r["summary"].is_string()));
        assert_eq!(run(&["--statistics", BROKEN]).status.code(), Some(1), "the exit code still reflects the findings");
    }
}
