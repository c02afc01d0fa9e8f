//! `policy-lint diff BASE`: a table of changes, each a real git repository in
//! a temporary directory (BASE committed, the change left in the work tree),
//! run through the binary, with the summary each must give. And `[[forbid]]`.

use crate::common::run_in;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A repository whose HEAD holds `base` and whose work tree holds `head`
/// (files of `base` absent from `head` are deleted).
fn repo(base: &[(&str, &str)], head: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    for (path, text) in base {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "base", "--allow-empty"]);
    for (path, _) in base {
        if !head.iter().any(|(p, _)| p == path) {
            std::fs::remove_file(dir.path().join(path)).unwrap();
        }
    }
    for (path, text) in head {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// The JSON report of `diff HEAD`, and the exit code.
fn diff_json(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["diff", "HEAD", "--format", "json", "--isolated"];
    args.extend_from_slice(extra);
    let out = run_in(dir, &args);
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{e}: {text}\nstderr: {}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap_or(-1))
}

/// One line a change: `+principal service resource count` (or `-`, `?`), sorted.
fn summary(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for c in v["changes"].as_array().unwrap() {
        let who = c["principal"].as_str().unwrap();
        for (sign, key) in [('+', "gained"), ('-', "lost"), ('?', "unknown")] {
            for g in c[key].as_array().unwrap() {
                out.push(format!(
                    "{sign}{who} {} {} {}",
                    g["service"].as_str().unwrap(),
                    g["resource"].as_str().unwrap(),
                    g["action_count"]
                ));
            }
        }
    }
    out.sort();
    out
}

fn count(pattern: &str) -> usize {
    policy_lint::catalog::expand(pattern).len()
}

fn role(policy: &str) -> String {
    format!(
        r#"resource "aws_iam_role" "app" {{
  name = "app"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "lambda.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
}}

resource "aws_iam_role_policy" "app" {{
  role = aws_iam_role.app.id
  policy = {policy}
}}
"#
    )
}

fn jsonencode(statements: &str) -> String {
    format!("jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [\n{statements}\n    ]\n  }})")
}

const GET: &str =
    r#"      { Sid = "Read", Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::bucket/*" }"#;
const RULE: &str = r#"      { Sid = "Rule", Effect = "Allow", Action = "chime:GetSipRule", Resource = "*" }"#;

/// A policy file granting `action` on everything.
fn file_policy(action: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}"#
    )
}

#[test]
fn a_table_of_changes_and_their_summaries() {
    let base_role = role(&jsonencode(&format!("{GET},\n{RULE}")));
    let all_get_sip = policy_lint::catalog::expand("chime:GetSip*")
        .into_iter()
        .map(|a| format!("\"{}\"", a.full_name()))
        .collect::<Vec<_>>()
        .join(", ");
    let list_role =
        role(&jsonencode(&format!("      {{ Effect = \"Allow\", Action = [{all_get_sip}], Resource = \"*\" }}")));
    let wildcard_role = role(&jsonencode(r#"      { Effect = "Allow", Action = "chime:GetSip*", Resource = "*" }"#));
    let document = r#"
data "aws_iam_policy_document" "app" {
  statement {
    sid       = "Read"
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::bucket/*"]
  }
  statement {
    actions   = ["chime:GetSipRule"]
    resources = ["*"]
  }
}
"#;
    let boundary = r#"
resource "aws_iam_policy" "boundary" {
  name   = "boundary"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
"#;
    let bucket = |principals: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": [{principals}]}},
  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}}]}}"#
        )
    };
    let scp = |deny: &str| {
        format!(
            r#"resource "aws_organizations_policy" "guard" {{
  name    = "guard"
  type    = "SERVICE_CONTROL_POLICY"
  content = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Deny", Action = "{deny}", Resource = "*" }}] }})
}}
"#
        )
    };
    let r = "aws_iam_role.app";
    let get_lost = count("chime:Get*") - 1;
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, Vec<(&'a str, String)>, Vec<String>);
    let cases: Vec<Case> = vec![
        ("statements reordered", vec![("main.tf", base_role.clone())], vec![("main.tf", role(&jsonencode(&format!("{RULE},\n{GET}"))))], vec![]),
        (
            "a statement split in two, a Sid renamed",
            vec![("main.tf", role(&jsonencode(r#"      { Sid = "Both", Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::bucket/*" }"#)))],
            vec![("main.tf", role(&jsonencode(r#"      { Sid = "Get", Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bucket/*" },
      { Sid = "PutRenamed", Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::bucket/*" }"#)))],
            vec![],
        ),
        ("a list replaced by the equivalent wildcard", vec![("main.tf", list_role)], vec![("main.tf", wildcard_role)], vec![]),
        (
            "jsonencode rewritten as aws_iam_policy_document",
            vec![("main.tf", base_role.clone())],
            vec![("main.tf", role("data.aws_iam_policy_document.app.json") + document)],
            vec![],
        ),
        (
            "a resource narrowed from * to an ARN",
            vec![("main.tf", base_role.clone())],
            vec![("main.tf", role(&jsonencode(&format!("{GET},\n{}", RULE.replace("Resource = \"*\"", "Resource = \"arn:aws:chime:us-east-1:111122223333:sip-rule/r1\"")))))],
            vec![format!("-{r} chime * 1")],
        ),
        (
            "widened by a wildcard",
            vec![("main.tf", base_role.clone())],
            vec![("main.tf", role(&jsonencode(&format!("{GET},\n{}", RULE.replace("chime:GetSipRule", "chime:Get*")))))],
            vec![format!("+{r} chime * {get_lost}")],
        ),
        (
            "a new Deny",
            vec![("main.tf", base_role.clone())],
            vec![("main.tf", role(&jsonencode(&format!("{GET},\n{RULE},\n      {{ Effect = \"Deny\", Action = \"s3:GetObject\", Resource = \"*\" }}"))))],
            vec![format!("-{r} s3 arn:aws:s3:::bucket/* 1")],
        ),
        (
            "a new permissions boundary",
            vec![("main.tf", base_role.clone() + boundary)],
            vec![("main.tf", base_role.replace("name = \"app\"", "name = \"app\"\n  permissions_boundary = aws_iam_policy.boundary.arn") + boundary)],
            vec![format!("-{r} chime * 1")],
        ),
        (
            "a new principal in a bucket policy, from another account",
            vec![("bucket.json", bucket("\"arn:aws:iam::111122223333:role/app\""))],
            vec![("bucket.json", bucket("\"arn:aws:iam::111122223333:role/app\", \"444455556666\""))],
            vec!["+444455556666 via bucket.json s3 arn:aws:s3:::bucket/* 1".to_string()],
        ),
        (
            "an SCP that denies more",
            vec![("main.tf", base_role.clone()), ("org/scp.tf", scp("s3:PutObject"))],
            vec![("main.tf", base_role.clone()), ("org/scp.tf", scp("chime:*"))],
            vec![format!("-{r} chime * 1")],
        ),
        (
            "a file the work tree deleted",
            vec![("main.tf", base_role.clone()), ("extra.json", r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}"#.to_string())],
            vec![("main.tf", base_role.clone())],
            vec!["-extra.json sns * 1".to_string()],
        ),
        (
            "a file the work tree added",
            vec![("main.tf", base_role.clone())],
            vec![("main.tf", base_role.clone()), ("extra.json", r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}"#.to_string())],
            vec!["+extra.json sns * 1".to_string()],
        ),
        (
            "a policy file that file() names widened (BASE's copy read from git, not the work tree)",
            vec![("main.tf", role("file(\"${path.module}/policies/app.json\")")), ("policies/app.json", file_policy("sns:Publish"))],
            vec![("main.tf", role("file(\"${path.module}/policies/app.json\")")), ("policies/app.json", file_policy("sns:*"))],
            vec![format!("+{r} sns * {}", count("sns:*") - 1)],
        ),
        (
            "a policy file that file() names, deleted with its reference",
            vec![("main.tf", role("file(\"${path.module}/policies/app.json\")")), ("policies/app.json", file_policy("sns:Publish"))],
            vec![("main.tf", base_role.clone())],
            vec![format!("+{r} chime * 1"), format!("+{r} s3 arn:aws:s3:::bucket/* 1"), format!("-{r} sns * 1")],
        ),
        (
            "a change that turns on a value the project does not give",
            vec![("main.tf", base_role.clone())],
            vec![("main.tf", role(&jsonencode(&format!("{GET},\n{}", RULE.replace("Resource = \"*\"", "Resource = var.rule_arn")))) + "variable \"rule_arn\" {}\n")],
            vec![format!("?{r} chime * 1")],
        ),
    ];
    let mut failures = Vec::new();
    for (name, base, head, expected) in cases {
        let base: Vec<(&str, &str)> = base.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let head: Vec<(&str, &str)> = head.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let dir = repo(&base, &head);
        let (v, code) = diff_json(dir.path(), &[]);
        let got = summary(&v);
        if got != expected || code != 0 {
            failures.push(format!("{name}: expected {expected:?}, got {got:?} (exit {code})"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn public_and_cross_account_access_comes_first_and_fails_on_new_access() {
    let bucket = |principal: &str, action: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal},
  "Action": "{action}", "Resource": "arn:aws:s3:::bucket/*"}}]}}"#
        )
    };
    let dir = repo(
        &[("a.json", &bucket(r#"{"Service": "logging.s3.amazonaws.com"}"#, "s3:PutObject"))],
        &[
            ("a.json", &bucket(r#"{"Service": "logging.s3.amazonaws.com"}"#, "s3:PutObject")),
            ("b.json", &bucket("\"*\"", "s3:GetObject")),
        ],
    );
    let (v, code) = diff_json(dir.path(), &[]);
    assert_eq!(code, 0);
    let first = &v["changes"][0];
    assert_eq!((first["reach"].as_str(), first["exposure"].as_bool()), (Some("public"), Some(true)), "{v:#}");
    assert_eq!(first["gained"][0]["statement"], "b.json:1");
    assert_eq!(v["summary"]["exposures"], 1);
    // A Read gained: over `read`, under `write`.
    assert_eq!(diff_json(dir.path(), &["--fail-on-new-access", "read"]).1, 1);
    assert_eq!(diff_json(dir.path(), &["--fail-on-new-access", "write"]).1, 0);
    let human = run_in(dir.path(), &["diff", "HEAD", "--isolated"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.starts_with("Public or cross-account access that appears:\n  ! everyone via `b.json`"), "{text}");
    let md = run_in(dir.path(), &["diff", "HEAD", "--isolated", "--format", "markdown"]);
    let text = String::from_utf8_lossy(&md.stdout);
    assert!(text.starts_with("### Access changes from `HEAD`\n\n> [!WARNING]"), "{text}");
    assert!(text.contains("`s3:GetObject` on `arn:aws:s3:::bucket/*`: +1 action, 1 Read (b.json:1)"), "{text}");
}

#[test]
fn a_grantee_of_the_resources_own_account_is_no_exposure() {
    let topic = |account: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
  "Principal": {{"AWS": "arn:aws:iam::{account}:root"}}, "Action": "sns:Publish",
  "Resource": "arn:aws:sns:us-east-1:111122223333:calls"}}]}}"#
        )
    };
    let dir = repo(&[], &[("same.json", &topic("111122223333")), ("other.json", &topic("444455556666"))]);
    let (v, _) = diff_json(dir.path(), &[]);
    let reach = |grantee: &str| {
        let changes = v["changes"].as_array().unwrap();
        let c = changes.iter().find(|c| c["principal"].as_str().unwrap_or("").contains(grantee)).unwrap();
        (c["reach"].as_str().unwrap().to_string(), c["exposure"].as_bool().unwrap())
    };
    assert_eq!(reach("444455556666"), ("cross-account".to_string(), true), "{v:#}");
    assert_eq!(reach("111122223333:root"), ("internal".to_string(), false), "{v:#}");
    assert_eq!(v["summary"]["exposures"], 1);
}

#[test]
fn a_base_that_does_not_exist_is_a_usage_error() {
    let dir = repo(&[("a.json", "{}".to_string())].iter().map(|(p, t)| (*p, t.as_str())).collect::<Vec<_>>(), &[]);
    let out = run_in(dir.path(), &["diff", "no-such-branch", "--isolated"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`no-such-branch` is not a revision"));
    let plain = tempfile::tempdir().unwrap();
    let out = run_in(plain.path(), &["diff", "HEAD", "--isolated"]);
    assert_eq!(out.status.code(), Some(2), "outside a repository");
    let empty = tempfile::tempdir().unwrap();
    git(empty.path(), &["init", "-q"]);
    std::fs::write(empty.path().join("a.json"), "{}").unwrap();
    let out = run_in(empty.path(), &["diff", "HEAD", "--isolated"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`HEAD` is not a revision: the repository has no commits yet"), "{stderr}");
}

#[test]
fn no_change_says_so_and_base_is_never_written_to_the_work_tree() {
    let policy =
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}"#;
    let dir = repo(&[("p.json", policy)], &[]);
    let out = run_in(dir.path(), &["diff", "HEAD", "--isolated"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("-1 action")
            || String::from_utf8_lossy(&out.stdout).contains("−1 action")
    );
    assert!(!dir.path().join("p.json").exists(), "BASE is read from the object store, not checked out");
    let same = repo(&[("p.json", policy)], &[("p.json", policy)]);
    let out = run_in(same.path(), &["diff", "HEAD", "--isolated"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "No access changes from HEAD to the work tree.\n");
}

#[test]
fn forbid_reports_the_granting_statement_and_names_the_principal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        role(&jsonencode(r#"      { Effect = "Allow", Action = "iam:*", Resource = "*" }"#)),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bucket.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#,
    )
    .unwrap();
    let config = "[[forbid]]\nprincipals = [\"aws_iam_role.deployer\"]\nactions = [\"iam:PassRole\"]\n\n[[forbid]]\nactions = [\"s3:Get*\"]\ncross-account = false\n";
    std::fs::write(dir.path().join(".policy-lint.toml"), config).unwrap();
    let out = run_in(dir.path(), &["--format", "compact", "--select", "forbidden-access-granted", "."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("bucket.json:1:")
            && lines[0].contains("444455556666 via `bucket.json` is allowed `s3:GetObject`")
            && lines[0].contains("(`cross-account = false`"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("main.tf:11:") && lines[1].contains("error[forbidden-access-granted]: `aws_iam_role.app` is allowed `iam:PassRole` on `*`, which the [[forbid]] at .policy-lint.toml:1 keeps for `aws_iam_role.deployer`"), "{}", lines[1]);
    // The allowed principal is silent.
    std::fs::write(dir.path().join(".policy-lint.toml"), config.replace("aws_iam_role.deployer", "app")).unwrap();
    let out = run_in(dir.path(), &["--format", "compact", "--select", "forbidden-access-granted", "main.tf"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

/// The rule's fixtures need their own configuration: each directory is linted
/// from inside it, as a user would.
#[test]
fn forbid_fixtures_fire_as_expected_and_stay_silent() {
    let dir = crate::common::root().join("fixtures/forbidden-access-granted");
    let lines = |sub: &str| -> Vec<String> {
        let out = run_in(&dir.join(sub), &["--format", "compact", "--fail-on", "never", "."]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines().filter(|l| l.contains("[forbidden-access-granted]")).map(str::to_string).collect()
    };
    let expected = std::fs::read_to_string(dir.join("fire.expected")).unwrap();
    assert_eq!(lines("fire"), expected.lines().map(str::to_string).collect::<Vec<_>>());
    assert_eq!(lines("silent"), Vec::<String>::new());
}

/// Like [`summary`], with the conditions each change is listed with, and
/// whether its statement is BASE's (`was`) or a Deny (`deny`).
fn summary_with_conditions(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for c in v["changes"].as_array().unwrap() {
        let who = c["principal"].as_str().unwrap();
        for (sign, key) in [('+', "gained"), ('-', "lost"), ('?', "unknown")] {
            for g in c[key].as_array().unwrap() {
                let conditions: Vec<&str> =
                    g["conditions"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
                let mut line = format!(
                    "{sign}{who} {} {} {} at {}",
                    g["service"].as_str().unwrap(),
                    g["resource"].as_str().unwrap(),
                    g["action_count"],
                    g["statement"].as_str().unwrap_or("-"),
                );
                if g["statement_in_base"] == true {
                    line.push_str(" in BASE");
                }
                if g["statement_denies"] == true {
                    line.push_str(" (Deny)");
                }
                if !conditions.is_empty() {
                    line.push_str(&format!(" [{}]", conditions.join("; ")));
                }
                if let Some(depends) = g["depends_on"].as_array().filter(|d| !d.is_empty()) {
                    let depends: Vec<&str> = depends.iter().filter_map(Value::as_str).collect();
                    line.push_str(&format!(" depends on {}", depends.join(", ")));
                }
                out.push(line);
            }
        }
    }
    out.sort();
    out
}

/// Runs each case (`name`, BASE files, work-tree files, expected lines of
/// [`summary_with_conditions`], the exit code with `--fail-on-new-access list`)
/// and lists the ones that differ.
type ConditionCase<'a> = (&'a str, Vec<(&'a str, String)>, Vec<(&'a str, String)>, Vec<&'a str>, i32);

fn check_cases(cases: Vec<ConditionCase>) {
    let mut failures = Vec::new();
    for (name, base, head, expected, code_expected) in cases {
        let base: Vec<(&str, &str)> = base.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let head: Vec<(&str, &str)> = head.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let dir = repo(&base, &head);
        let (v, code) = diff_json(dir.path(), &["--fail-on-new-access", "list"]);
        let got = summary_with_conditions(&v);
        if got != expected || code != code_expected {
            failures.push(format!("{name}: expected {expected:?} (exit {code_expected}), got {got:?} (exit {code})"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A policy file: one statement granting `s3:GetObject` on `resource`, with `condition` (JSON) when not empty.
fn get_object(resource: &str, condition: &str) -> String {
    let condition = if condition.is_empty() { String::new() } else { format!(",\n  \"Condition\": {condition}") };
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "{resource}"{condition}}}]}}"#
    )
}

#[test]
fn a_condition_changed_between_two_conditional_readings_is_a_change() {
    let topic = |condition: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
  "Resource": "arn:aws:sns:us-east-1:111122223333:t", "Condition": {condition}}}]}}"#
        )
    };
    let b = "arn:aws:s3:::b/*";
    let two = r#"{"StringEquals": {"aws:SourceVpc": "vpc-1", "aws:PrincipalOrgID": "o-abc123"}}"#;
    let vpc = r#"{"StringEquals": {"aws:SourceVpc": "vpc-1"}}"#;
    let not_vpc = r#"{"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}"#;
    let vpcs = r#"{"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}}"#;
    let vpc_like = r#"{"StringLike": {"aws:SourceVpc": "vpc-*"}}"#;
    check_cases(vec![
        (
            "loosened to StringLike * on a public topic",
            vec![("topic.json", topic(r#"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#))],
            vec![("topic.json", topic(r#"{"StringLike": {"aws:PrincipalOrgID": "*"}}"#))],
            vec![
                "+everyone via topic.json sns arn:aws:sns:us-east-1:111122223333:t 1 at topic.json:1 [StringLike aws:PrincipalOrgID = *]",
            ],
            1,
        ),
        (
            "one key of two dropped",
            vec![("p.json", get_object(b, two))],
            vec![("p.json", get_object(b, vpc))],
            vec!["+p.json s3 arn:aws:s3:::b/* 1 at p.json:1 [StringEquals aws:SourceVpc = vpc-1]"],
            1,
        ),
        (
            "StringEquals negated",
            vec![("p.json", get_object(b, vpc))],
            vec![("p.json", get_object(b, not_vpc))],
            vec![
                "+p.json s3 arn:aws:s3:::b/* 1 at p.json:1 [StringNotEquals aws:SourceVpc = vpc-1]",
                "-p.json s3 arn:aws:s3:::b/* 1 at p.json:1 in BASE [StringEquals aws:SourceVpc = vpc-1]",
            ],
            1,
        ),
        (
            "a value added to the accepted ones",
            vec![("p.json", get_object(b, vpc))],
            vec![("p.json", get_object(b, vpcs))],
            vec!["+p.json s3 arn:aws:s3:::b/* 1 at p.json:1 [StringEquals aws:SourceVpc = vpc-1 | vpc-2]"],
            1,
        ),
        (
            "StringEquals widened to a StringLike that covers it",
            vec![("p.json", get_object(b, vpc))],
            vec![("p.json", get_object(b, vpc_like))],
            vec!["+p.json s3 arn:aws:s3:::b/* 1 at p.json:1 [StringLike aws:SourceVpc = vpc-*]"],
            1,
        ),
        (
            "a key added: narrower, the access remains on both",
            vec![("p.json", get_object(b, vpc))],
            vec![("p.json", get_object(b, two))],
            vec!["-p.json s3 arn:aws:s3:::b/* 1 at p.json:1 [StringEquals aws:SourceVpc = vpc-1; StringEquals aws:PrincipalOrgID = o-abc123]"],
            0,
        ),
        ("the same keys reordered", vec![("p.json", get_object(b, two))], vec![("p.json", get_object(b, &two.replace(r#""aws:SourceVpc": "vpc-1", "aws:PrincipalOrgID": "o-abc123""#, r#""aws:PrincipalOrgID": "o-abc123", "aws:SourceVpc": "vpc-1""#)))], vec![], 0),
    ]);
}

#[test]
fn a_value_the_project_does_not_give_is_the_same_value_wherever_written_and_unknown_otherwise() {
    let tf = |resource: &str| {
        role(&jsonencode(&format!(
            "      {{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"{resource}\" }}"
        ))) + "variable \"a\" {}\nvariable \"b\" {}\n"
    };
    let cfn = |resource: &str, condition: &str| {
        format!(
            r#"Parameters:
  Bucket:
    Type: String
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{ Service: lambda.amazonaws.com }}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: {resource}{condition}
"#
        )
    };
    let sub = r#"!Sub "arn:aws:s3:::${Bucket}/*""#;
    check_cases(vec![
        (
            "one variable replaced by another",
            vec![("main.tf", tf("arn:aws:s3:::${var.a}/*"))],
            vec![("main.tf", tf("arn:aws:s3:::${var.b}/*"))],
            vec![
                "?aws_iam_role.app s3 arn:aws:s3:::${var.a}/* 1 at main.tf:11 depends on ${var.b}",
                "?aws_iam_role.app s3 arn:aws:s3:::${var.b}/* 1 at main.tf:11 in BASE depends on ${var.a}",
            ],
            0,
        ),
        (
            "objects of one variable's bucket replaced by another variable's bucket",
            vec![("main.tf", tf("arn:aws:s3:::${var.a}/*"))],
            vec![("main.tf", tf("arn:aws:s3:::${var.b}"))],
            vec![
                "?aws_iam_role.app s3 arn:aws:s3:::${var.a}/* 1 at main.tf:11 depends on ${var.b}",
                "?aws_iam_role.app s3 arn:aws:s3:::${var.b} 1 at main.tf:11 depends on ${var.b}, ${var.a}",
            ],
            0,
        ),
        (
            "the same variable",
            vec![("main.tf", tf("arn:aws:s3:::${var.a}/*"))],
            vec![("main.tf", tf("arn:aws:s3:::${var.a}/*") + "# moved\n")],
            vec![],
            0,
        ),
        (
            "a parameter's bucket widened to *: gained on * only",
            vec![("t.yaml", cfn(sub, ""))],
            vec![("t.yaml", cfn("\"*\"", ""))],
            vec!["+Role s3 * 1 at t.yaml:19"],
            1,
        ),
        (
            "a condition added to a statement on a parameter's bucket",
            vec![("t.yaml", cfn(sub, ""))],
            vec![("t.yaml", cfn(sub, "\n                Condition: { Bool: { \"aws:SecureTransport\": \"true\" } }"))],
            vec!["-Role s3 arn:aws:s3:::${Bucket}/* 1 at t.yaml:19 [Bool aws:SecureTransport = true]"],
            0,
        ),
        (
            "a parameter's bucket replaced by a named one: unknown both ways",
            vec![("t.yaml", cfn(sub, ""))],
            vec![("t.yaml", cfn("\"arn:aws:s3:::b/*\"", ""))],
            vec![
                "?Role s3 arn:aws:s3:::${Bucket}/* 1 at t.yaml:19 in BASE depends on ${Bucket}",
                "?Role s3 arn:aws:s3:::b/* 1 at t.yaml:19 in BASE depends on ${Bucket}",
            ],
            0,
        ),
    ]);
}

#[test]
fn a_conditional_or_narrower_deny_takes_away_only_what_it_denies_and_is_named() {
    let allow = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
    let policy = |statements: &[&str]| {
        format!("{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}", statements.join(",\n"))
    };
    let insecure = r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#;
    let secret = r#"{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/secret/*"}"#;
    let vpc = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#;
    check_cases(vec![
        (
            "a Deny on a condition: lost on it, at the Deny",
            vec![("p.json", policy(&[allow]))],
            vec![("p.json", policy(&[allow, insecure]))],
            vec!["-p.json s3 arn:aws:s3:::b/* 1 at p.json:3 (Deny) [Bool aws:SecureTransport = false]"],
            0,
        ),
        (
            "a Deny on part of the granted resources: lost on that part only, at the Deny",
            vec![("p.json", policy(&[allow]))],
            vec![("p.json", policy(&[allow, secret]))],
            vec!["-p.json s3 arn:aws:s3:::b/secret/* 1 at p.json:3 (Deny)"],
            0,
        ),
        (
            "that Deny removed: gained on that part only",
            vec![("p.json", policy(&[allow, secret]))],
            vec![("p.json", policy(&[allow]))],
            vec!["+p.json s3 arn:aws:s3:::b/secret/* 1 at p.json:2"],
            1,
        ),
        (
            "a condition added to the Allow: the access remains on it",
            vec![("p.json", policy(&[allow]))],
            vec![("p.json", policy(&[vpc]))],
            vec!["-p.json s3 arn:aws:s3:::b/* 1 at p.json:2 [StringEquals aws:SourceVpc = vpc-1]"],
            0,
        ),
    ]);
    // The human report says what the conditions mean.
    let dir = repo(&[("p.json", &policy(&[allow]))], &[("p.json", &policy(&[vpc, insecure]))]);
    let out = run_in(dir.path(), &["diff", "HEAD", "--isolated"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("      remains on conditions: StringEquals aws:SourceVpc = vpc-1\n"), "{text}");
}
