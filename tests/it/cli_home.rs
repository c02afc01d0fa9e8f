//! Issue 23: the command line a ruff, tflint or Checkov user expects. Each
//! test runs the binary.

use crate::common::{self, run, run_in};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `--show-config`'s rows, runs of spaces made one.
fn rows(o: &Output) -> Vec<String> {
    stdout(o).lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

/// The binary with a chosen environment (no `NO_COLOR` unless given).
fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_policy-lint"));
    c.args(args).current_dir(dir).env_remove("GITHUB_STEP_SUMMARY");
    for v in ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS"] {
        c.env_remove(v);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

const STAR: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "chime:*", "Resource": "*" }]
}
"#;

const TYPO: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": "chime:GetSipRul", "Resource": "*" }]
}
"#;

/// Item 2: `--show-config` shows `--max-file-size` from the command line, in
/// the units the file takes, and says when `--isolated` read no file.
#[test]
fn show_config_takes_the_command_line_size_and_says_isolated() {
    let dir = project(&[(".policy-lint.toml", "max-file-size = \"20MB\"\n")]);
    let o = run_in(dir.path(), &["--show-config"]);
    assert!(rows(&o).contains(&"max-file-size = 20000000 # .policy-lint.toml".to_string()), "{}", stdout(&o));
    let o = run_in(dir.path(), &["--show-config", "--max-file-size", "20MB"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(rows(&o).contains(&"max-file-size = 20000000 # command line".to_string()), "{}", stdout(&o));
    let o = run_in(dir.path(), &["--show-config", "--isolated"]);
    assert!(stdout(&o).starts_with("Configuration file: none (--isolated: no file is read)\n"), "{}", stdout(&o));
}

/// Item 3: a missing path is an error without a "no problems" line; a
/// mistyped subcommand gets a "did you mean"; `explain` suggests as the
/// configuration does.
#[test]
fn missing_paths_and_mistyped_subcommands_are_errors_that_say_so() {
    let dir = project(&[]);
    let o = run_in(dir.path(), &["nope.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), "policy-lint: nope.json: no such file or directory\n");
    for (typed, meant) in
        [("rule", "rules"), ("explian", "explain"), ("simulte", "simulate"), ("completion", "completions")]
    {
        let o = run_in(dir.path(), &[typed, "x"]);
        assert_eq!(o.status.code(), Some(2), "{typed}");
        assert_eq!(stdout(&o), "", "{typed}");
        assert_eq!(
            stderr(&o),
            format!("policy-lint: `{typed}` is neither a file nor a subcommand; did you mean `policy-lint {meant}`? (`policy-lint --help` lists them)\n")
        );
    }
    let o = run_in(dir.path(), &["explain", "unknown-actoin"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "policy-lint: `unknown-actoin` is not a rule; did you mean `unknown-action`? (`policy-lint rules` lists them)\n"
    );
}

/// Item 5: the version in Cargo.toml is the newest in CHANGELOG.md, and the
/// README's pre-commit snippet pins its tag.
#[test]
fn the_version_the_changelog_and_the_pre_commit_tag_agree() {
    let version = env!("CARGO_PKG_VERSION");
    let changelog = fs::read_to_string(common::root().join("CHANGELOG.md")).unwrap();
    // An `## Unreleased` section may sit above the newest release.
    let newest = changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .find(|h| *h != "Unreleased")
        .expect("a release heading");
    assert_eq!(newest, version);
    let readme = fs::read_to_string(common::root().join("README.md")).unwrap();
    let revs: Vec<&str> = readme.lines().filter_map(|l| l.trim().strip_prefix("rev: ")).collect();
    assert!(!revs.is_empty());
    for rev in revs {
        assert!(rev.starts_with(&format!("v{version} ")) || rev == format!("v{version}"), "{rev}");
    }
    let o = run(&["--version"]);
    assert!(stdout(&o).starts_with(&format!("policy-lint {version} (AWS data ")), "{}", stdout(&o));
}

const HANDLER_TF: &str = r#"resource "aws_iam_role" "handler" {
  name = "sma-handler"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "handler" {
  role = aws_iam_role.handler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["chime:UpdateSipMediaApplicationCall", "chime:GetSipRule"]
      Resource = "arn:aws:chime:us-east-1:111122223333:sma/abc"
    }]
  })
}

resource "aws_lambda_function" "handler" {
  function_name = "sma-handler"
  role          = aws_iam_role.handler.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "handler.zip"
}

resource "aws_chimesdkvoice_sip_media_application" "ivr" {
  aws_region = "us-east-1"
  name       = "ivr"
  endpoints {
    lambda_arn = aws_lambda_function.handler.arn
  }
}
"#;

const OTHER_JSON: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"chime:GetSipRule","Resource":"*"}]}
"#;

fn summary(text: &str) -> &str {
    &text[text.find("Chime SDK Voice access by principal:").unwrap_or(text.len())..]
}

/// Item 6: the access summary counts the grants that take effect (not the
/// `ineffective-action` one), the principal's gaps at its trust policy and
/// at the SIP media application, and with `--project-root` only the
/// principals of the files reported.
#[test]
fn the_access_summary_counts_what_is_effective_and_the_principals_gaps() {
    let dir = project(&[("infra/main.tf", HANDLER_TF), ("other/p.json", OTHER_JSON)]);
    let o = run_in(dir.path(), &["--format", "compact", "infra"]);
    let text = stdout(&o);
    let rules: Vec<&str> = text.lines().map(|l| l.split(": ").nth(1).unwrap()).collect();
    assert_eq!(
        rules,
        ["error[trust-principal-mismatch]", "warning[ineffective-action]", "warning[sma-lambda-permission-missing]"]
    );
    let o = run_in(dir.path(), &["--fail-on", "never", "."]);
    assert_eq!(
        summary(&stdout(&o)),
        "Chime SDK Voice access by principal:\n  aws_iam_role.handler\n    SIP media application calls: 1 Write\n    gaps found: 2\n  other/p.json\n    SIP rules: 1 Read\n\nFound 3 problems (1 error, 2 warnings) in 2 files (3 policies).\n"
    );
    let o = run_in(dir.path(), &["--project-root", ".", "--fail-on", "never", "infra/main.tf"]);
    let text = stdout(&o);
    assert!(!text.contains("other/p.json"), "a principal of a file not reported:\n{text}");
    assert!(summary(&text).starts_with("Chime SDK Voice access by principal:\n  aws_iam_role.handler\n"), "{text}");
    let o = run_in(dir.path(), &["--project-root", ".", "--fail-on", "never", "other/p.json"]);
    assert!(!stdout(&o).contains("aws_iam_role.handler"), "{}", stdout(&o));

    // The SIP media application in a file of the module that is not
    // reported: its gap is not counted in a run that does not show it.
    let at = HANDLER_TF.find("resource \"aws_chimesdkvoice_sip_media_application\"").unwrap();
    fs::write(dir.path().join("infra/main.tf"), &HANDLER_TF[..at]).unwrap();
    fs::write(dir.path().join("infra/sma.tf"), &HANDLER_TF[at..]).unwrap();
    let o = run_in(dir.path(), &["--fail-on", "never", "infra"]);
    assert!(
        summary(&stdout(&o))
            .contains("  aws_iam_role.handler\n    SIP media application calls: 1 Write\n    gaps found: 2\n"),
        "{}",
        stdout(&o)
    );
    let o = run_in(dir.path(), &["--project-root", ".", "--fail-on", "never", "infra/main.tf"]);
    assert!(
        summary(&stdout(&o))
            .contains("  aws_iam_role.handler\n    SIP media application calls: 1 Write\n    gaps found: 1\n"),
        "{}",
        stdout(&o)
    );
}

/// Item 8: a selection of no rule is an error, on the command line and in the file.
#[test]
fn selecting_no_rule_is_an_error() {
    let dir = project(&[("p.json", STAR)]);
    let o = run_in(dir.path(), &["--select", "", "p.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("policy-lint: --select: it names no rule"), "{}", stderr(&o));
    fs::write(dir.path().join(".policy-lint.toml"), "select = []\n").unwrap();
    let o = run_in(dir.path(), &["p.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("policy-lint: .policy-lint.toml:1:10: `select` names no rule"), "{}", stderr(&o));
}

/// Item 10: `[[require]]` refuses an action or a service that does not exist.
#[test]
fn require_refuses_unknown_actions_with_the_nearest() {
    let dir = project(&[("p.json", STAR)]);
    for (action, message) in [
        ("chime:GetSipRul", "`chime:GetSipRul` is not an action of `chime`; did you mean `chime:GetSipRule`?"),
        ("chmie:GetSipRule", "`chmie:GetSipRule`: `chmie` is not an AWS service; did you mean `chime`?"),
        ("chime:Zzz*", "`chime:Zzz*` matches no action of `chime`"),
    ] {
        let config = format!("[[require]]\nprincipal = \"p.json\"\nactions = [\"{action}\"]\n");
        fs::write(dir.path().join(".policy-lint.toml"), config).unwrap();
        let o = run_in(dir.path(), &["p.json"]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(stderr(&o), format!("policy-lint: .policy-lint.toml:3:11: {message}\n"));
    }
}

/// Several reports in one run, each to its place; `-o` for the one without
/// a file; two to one place, or a file that cannot be written, exit 2.
#[test]
fn several_reports_in_one_run_and_output_files() {
    let dir = project(&[("p.json", TYPO)]);
    let o =
        run_in(dir.path(), &["--format", "sarif:p.sarif", "--format", "junit:p.xml", "--format", "compact", "p.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "p.json:3:48: error[unknown-action]: `chime:GetSipRul` is not an action of Amazon Chime; did you mean `chime:GetSipRule`?\n");
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("p.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "unknown-action");
    assert!(fs::read_to_string(dir.path().join("p.xml")).unwrap().contains("<failure type=\"unknown-action\""));

    let o = run_in(dir.path(), &["--format", "json", "-o", "r.json", "p.json"]);
    assert_eq!((o.status.code(), stdout(&o).as_str()), (Some(1), ""));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["findings"], 1);

    for (args, message) in [
        (&["--format", "json", "--format", "compact"][..], "two --format write to standard output"),
        (&["--format", "json:a", "--format", "sarif:a"][..], "two --format write to a"),
        (&["--format", "json", "--format", "compact", "-o", "x"][..], "--output-file names one file"),
        (&["--format", "jsno"][..], "`jsno` is not a format; did you mean `json`?"),
    ] {
        let mut all = args.to_vec();
        all.push("p.json");
        let o = run_in(dir.path(), &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
    let o = run_in(dir.path(), &["--format", "sarif:no/such/dir/p.sarif", "--format", "compact", "p.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("policy-lint: cannot write the sarif report to no/such/dir/p.sarif: "),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("error[unknown-action]"), "the other report is still written");
}

/// `--color`, `NO_COLOR`, `FORCE_COLOR`, `CLICOLOR_FORCE`; `COLUMNS` sets the width.
#[test]
fn colour_follows_the_flag_then_the_environment() {
    let dir = project(&[("p.json", TYPO)]);
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = args.to_vec();
        all.push("p.json");
        stdout(&run_env(dir.path(), &all, env)).contains('\u{1b}')
    };
    assert!(!coloured(&[], &[]), "a pipe is no terminal");
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins under auto");
    assert!(!coloured(&["--format", "compact", "--color", "always"], &[]), "only the human report has colour");
    // The message wraps at the width; the source lines are shown whole.
    let message_lines = |columns: &str| {
        let text = stdout(&run_env(dir.path(), &["p.json"], &[("COLUMNS", columns)]));
        text.lines().filter(|l| !l.contains('│') && !l.contains('·')).map(|l| l.chars().count()).collect::<Vec<_>>()
    };
    let narrow = message_lines("60");
    assert!(narrow.iter().all(|&n| n <= 60), "{narrow:?}");
    assert!(message_lines("200").iter().any(|&n| n > 60));
}

/// `policy-lint rules --format json`: every rule, as the text table lists them.
#[test]
fn rules_as_json() {
    let o = run(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules = doc["rules"].as_array().unwrap();
    assert_eq!(rules.len(), policy_lint::rules::RULES.len());
    let star = rules.iter().find(|r| r["id"] == "resource-star").unwrap();
    assert_eq!(star["severity"], "warning");
    assert_eq!(star["category"], "least-privilege");
    assert!(star["summary"].as_str().unwrap().contains("Resource"));
    assert!(doc["aws_data"]["date"].is_string());
    let text = stdout(&run(&["rules"]));
    assert_eq!(text.lines().take_while(|l| !l.is_empty()).count(), rules.len());
}

/// Selectors by category and prefix; `--extend-select` / `--extend-ignore`
/// add to the configuration file's lists where `--select` / `--ignore` replace them.
#[test]
fn selectors_by_category_and_prefix_and_extending_the_file() {
    let dir = project(&[("p.json", STAR), ("t.json", TYPO)]);
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--format", "compact"];
        all.extend_from_slice(args);
        all.extend(["p.json", "t.json"]);
        let o = run_in(dir.path(), &all);
        assert_ne!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        stdout(&o).lines().map(|l| l.split(": ").nth(1).unwrap().to_string()).collect()
    };
    let all = rules(&[]);
    assert_eq!(all, ["warning[service-wildcard]", "error[unknown-action]"]);
    assert_eq!(rules(&["--select", "least-privilege"]), ["warning[service-wildcard]"]);
    assert_eq!(rules(&["--ignore", "least-privilege"]), ["error[unknown-action]"]);
    assert_eq!(rules(&["--select", "unknown"]), ["error[unknown-action]"]);
    assert_eq!(rules(&["--select", "unknown-*,gap"]), ["error[unknown-action]"]);
    assert_eq!(rules(&["--select", "all", "--ignore", "validity"]), ["warning[service-wildcard]"]);
    fs::write(dir.path().join(".policy-lint.toml"), "select = [\"validity\"]\nignore = [\"invalid-version\"]\n")
        .unwrap();
    assert_eq!(rules(&[]), ["error[unknown-action]"]);
    assert_eq!(rules(&["--extend-select", "service-wildcard"]), all);
    assert_eq!(rules(&["--select", "service-wildcard"]), ["warning[service-wildcard]"]);
    assert_eq!(rules(&["--extend-ignore", "unknown"]), Vec::<String>::new());
    let o = run_in(dir.path(), &["--show-config", "--extend-ignore", "unknown-action"]);
    assert!(
        rows(&o).contains(&"ignore = [\"invalid-version\", \"unknown-action\"] # command line".to_string()),
        "{}",
        stdout(&o)
    );
    let o = run_in(dir.path(), &["--select", "least-privlege", "p.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`least-privlege` is not a rule; did you mean `least-privilege`?"), "{}", stderr(&o));
}

/// `--show-files`; a warning when nothing was linted.
#[test]
fn show_files_and_nothing_linted() {
    let dir = project(&[
        ("p.json", STAR),
        ("package.json", "{\"name\": \"x\"}"),
        ("legacy/old.json", STAR),
        ("notes.yaml", "a: 1\n"),
        (".policy-lint.toml", "exclude = [\"legacy\"]\n"),
    ]);
    let o = run_in(dir.path(), &["--show-files"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "legacy/old.json  skipped: matches `exclude`\n\
         notes.yaml       skipped: no IAM policy, CloudFormation template or Terraform in it\n\
         p.json           linted\n\
         package.json     skipped: no IAM policy, CloudFormation template or Terraform in it\n"
    );
    let o = run_in(dir.path(), &["--show-files", "--project-root", ".", "p.json"]);
    assert!(
        stdout(&o).contains("package.json     read for the project's cross-resource rules, not reported"),
        "{}",
        stdout(&o)
    );

    let o = run_in(dir.path(), &["legacy"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("policy-lint: warning: no file was linted"), "{}", stderr(&o));
    assert!(stdout(&o).contains("No problems found in 0 files"));
    let o = run_in(dir.path(), &["--project-root", ".", "package.json"]);
    assert_eq!(stderr(&o), "", "a pre-commit run over a commit without policies says nothing");
    let o = run_in(dir.path(), &["--quiet", "notes.yaml"]);
    assert_eq!(stderr(&o), "", "--quiet keeps standard error for errors");
}

/// `--baseline` says what it hid and how many of its entries match nothing.
#[test]
fn the_baseline_counts_what_it_hid_and_what_went_stale() {
    let dir = project(&[("p.json", STAR), ("t.json", TYPO)]);
    let o = run_in(dir.path(), &["--write-baseline", "b.json", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run_in(dir.path(), &["--baseline", "b.json", "."]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "policy-lint: the baseline hid 2 findings\n");
    fs::write(dir.path().join("t.json"), STAR.replace("chime:*", "chime:GetSipRule")).unwrap();
    let o = run_in(dir.path(), &["--baseline", "b.json", "."]);
    assert_eq!(
        stderr(&o),
        "policy-lint: the baseline hid 1 finding; 1 of its entries matches no finding (fixed, or in files not linted): `--write-baseline` shrinks it\n"
    );
}

/// The elements and attributes of Jenkins' `junit-10.xsd`, the schema most
/// CI systems read (element → allowed attributes, required ones starred).
const JUNIT_SCHEMA: &[(&str, &[&str])] = &[
    ("testsuites", &["name", "time", "tests", "failures", "disabled", "errors"]),
    (
        "testsuite",
        &[
            "*name",
            "*tests",
            "failures",
            "errors",
            "time",
            "disabled",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
            "version",
            "group",
        ],
    ),
    ("testcase", &["*name", "assertions", "time", "classname", "status", "group"]),
    ("failure", &["message", "type"]),
    ("error", &["message", "type"]),
    ("skipped", &["message"]),
    ("system-out", &[]),
    ("system-err", &[]),
    ("properties", &[]),
    ("property", &["*name", "*value"]),
];

/// Checks a JUnit document against [`JUNIT_SCHEMA`] and its counts.
fn check_junit(xml: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML ({e}):\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        let allowed =
            JUNIT_SCHEMA.iter().find(|(e, _)| *e == name).unwrap_or_else(|| panic!("<{name}> is not JUnit")).1;
        for a in node.attributes() {
            assert!(
                allowed.iter().any(|x| x.trim_start_matches('*') == a.name()),
                "<{name} {}> is not JUnit",
                a.name()
            );
        }
        for required in allowed.iter().filter_map(|x| x.strip_prefix('*')) {
            assert!(node.attribute(required).is_some(), "<{name}> needs {required}");
        }
        let parent = node.parent_element().map(|p| p.tag_name().name());
        let expected_parent = match name {
            "testsuites" => None,
            "testsuite" => Some("testsuites"),
            "testcase" | "properties" | "system-out" | "system-err" => Some("testsuite"),
            "failure" | "error" | "skipped" => Some("testcase"),
            _ => parent,
        };
        assert_eq!(parent, expected_parent, "<{name}> in <{parent:?}>");
        for count in ["tests", "failures", "errors", "skipped"] {
            if let Some(v) = node.attribute(count) {
                assert!(v.parse::<u64>().is_ok(), "{count}={v}");
            }
        }
    }
    for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
        let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        let with = |tag: &str| cases.iter().filter(|c| c.children().any(|f| f.has_tag_name(tag))).count();
        assert_eq!(suite.attribute("tests").unwrap().parse::<usize>().unwrap(), cases.len());
        assert_eq!(suite.attribute("failures").unwrap().parse::<usize>().unwrap(), with("failure"));
        assert_eq!(suite.attribute("errors").unwrap().parse::<usize>().unwrap(), with("error"));
    }
    doc
}

#[test]
fn junit_reports_follow_the_junit_schema() {
    let o =
        run(&["--format", "junit", "--fail-on", "never", "fixtures/examples/sma-handler-broken.json", "no/such.json"]);
    let xml = stdout(&o);
    let doc = check_junit(&xml);
    let failures: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("failure")).collect();
    let json = run(&["--format", "json", "fixtures/examples/sma-handler-broken.json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(failures.len(), json["summary"]["findings"].as_u64().unwrap() as usize);
    let first = &json["findings"][0];
    let case = failures[0].parent_element().unwrap();
    assert_eq!(case.attribute("classname"), first["path"].as_str());
    assert_eq!(failures[0].attribute("type"), first["rule"].as_str());
    assert_eq!(failures[0].attribute("message"), first["message"].as_str());
    assert!(failures[0].text().unwrap().starts_with(&format!(
        "{}:{}:{}: ",
        first["path"].as_str().unwrap(),
        first["line"],
        first["column"]
    )));
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("error")).count(), 1, "the missing path");

    // A clean run: one passing case.
    let o = run(&["--format", "junit", "fixtures/examples/sma-handler-policy.json"]);
    let xml = stdout(&o);
    let doc = check_junit(&xml);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("testcase")).count(), 1);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("failure")).count(), 0);
}

/// GitLab Code Quality: an array of issues with the fields GitLab reads,
/// of their types, fingerprints unique and stable when lines move.
#[test]
fn gitlab_reports_follow_the_code_quality_format() {
    let dir = project(&[("p.json", STAR), ("t.json", TYPO)]);
    let read = |dir: &Path| -> Vec<serde_json::Value> {
        let o = run_in(dir, &["--format", "gitlab", "."]);
        assert_eq!(o.status.code(), Some(1));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap().as_array().unwrap().clone()
    };
    let issues = read(dir.path());
    assert_eq!(issues.len(), 2);
    let mut fingerprints = std::collections::HashSet::new();
    for issue in &issues {
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(issue["check_name"].as_str().is_some_and(|c| policy_lint::rules::find(c).is_some()));
        let fp = issue["fingerprint"].as_str().unwrap();
        assert!(fp.len() == 32 && fp.chars().all(|c| c.is_ascii_hexdigit()), "{fp}");
        assert!(fingerprints.insert(fp.to_string()), "fingerprints are unique");
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&issue["severity"].as_str().unwrap()));
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(!path.starts_with('/') && !path.starts_with("./"), "{path}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    assert_eq!(issues[0]["check_name"], "service-wildcard");
    assert_eq!(issues[0]["severity"], "minor");
    assert_eq!(issues[1]["severity"], "major");
    assert_eq!(issues[1]["location"]["path"], "t.json");
    assert_eq!(issues[1]["location"]["lines"]["begin"], 3);
    // Lines added above: same fingerprints.
    fs::write(dir.path().join("t.json"), format!("\n\n{TYPO}")).unwrap();
    let moved = read(dir.path());
    assert_eq!(moved[1]["location"]["lines"]["begin"], 5);
    assert_eq!(moved[1]["fingerprint"], issues[1]["fingerprint"]);
}

#[test]
fn completions_and_a_manual_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let text = stdout(&o);
        assert!(text.contains("policy-lint") && text.contains("extend-select"), "{shell}");
    }
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let man = stdout(&o);
    assert!(man.contains(".TH policy-lint 1"), "{man}");
    for option in ["\\-\\-format", "\\-\\-output\\-file", "\\-\\-color", "\\-\\-show\\-files"] {
        assert!(man.contains(option), "{option}");
    }
}
