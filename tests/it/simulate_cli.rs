//! `policy-lint simulate`, `policy-lint explain-denied` and `[[require]]`, run as the real binary.

use crate::common;

use common::{root, run, run_in};
use std::fs;

const POLICY: &str = "fixtures/simulate/sma-handler-policy.json";
const SMA_ABC: &str = "arn:aws:chime:us-east-1:111122223333:sma/abc";
const SMA_XYZ: &str = "arn:aws:chime:us-east-1:111122223333:sma/xyz";

fn text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn simulate(args: &[&str]) -> (String, i32) {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    let out = run(&all);
    (text(&out) + &stderr(&out), out.status.code().unwrap_or(-1))
}

fn simulate_json(args: &[&str]) -> (serde_json::Value, i32) {
    let mut all = vec!["simulate", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all);
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", text(&out), stderr(&out)));
    (doc, out.status.code().unwrap_or(-1))
}

#[test]
fn allowed_prints_the_deciding_statement_and_exits_0() {
    let (out, code) = simulate(&["--action", "chime:UpdateSipMediaApplicationCall", "--resource", SMA_ABC, POLICY]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decision: allowed"), "{out}");
    assert!(out.contains(&format!("{POLICY}:4:5: statement `ControlActiveCalls` allows it")), "{out}");
}

#[test]
fn implicit_deny_names_the_closest_statement_and_a_scoped_fix() {
    let (out, code) = simulate(&["--action", "chime:UpdateSipMediaApplicationCall", "--resource", SMA_XYZ, POLICY]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("decision: implicitly denied"), "{out}");
    assert!(
        out.contains(&format!(
            "closest: statement `ControlActiveCalls` ({POLICY}:4:5) allows `chime:UpdateSipMediaApplicationCall`, but only on `{SMA_ABC}`"
        )),
        "{out}"
    );
    assert!(out.contains(&format!("\"Resource\": \"{SMA_XYZ}\"")), "{out}");
    assert!(!out.contains("chime:*"), "{out}");
}

#[test]
fn explicit_deny_exits_1_with_the_deny() {
    let (out, code) = simulate(&[
        "--action",
        "chime:DeleteSipRule",
        "--resource",
        "arn:aws:chime:us-east-1:111122223333:sip-rule/r1",
        POLICY,
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("decision: explicitly denied"), "{out}");
    assert!(out.contains(&format!("{POLICY}:37:5: statement `NoDeletes` denies it")), "{out}");
}

#[test]
fn depends_names_the_key_and_context_decides_it() {
    let args = ["--action", "chime:GetSipMediaApplication", "--resource", SMA_ABC, POLICY];
    let (out, code) = simulate(&args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("decision: depends on aws:RequestedRegion"), "{out}");
    assert!(out.contains("--context aws:RequestedRegion=VALUE"), "{out}");
    let (out, code) = simulate(&[&args[..], &["--context", "aws:RequestedRegion=us-east-1"]].concat());
    assert_eq!(code, 0, "{out}");
    let (out, code) = simulate(&[&args[..], &["--context", "aws:RequestedRegion=eu-west-1"]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("decision: implicitly denied"), "{out}");
    assert!(out.contains("its condition on `aws:RequestedRegion` does not hold"), "{out}");
}

#[test]
fn star_only_actions_and_misspellings_are_diagnosed() {
    let (out, code) = simulate(&["--action", "chime:ListSipMediaApplications", POLICY]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("which never matches: the action has no resource-level permissions"), "{out}");
    assert!(out.contains("\"Resource\": \"*\""), "{out}");
    let (out, _) = simulate(&[
        "--action",
        "chime:GetSipMediaApplicationLoggingConfiguration",
        "--resource",
        SMA_ABC,
        "--context",
        "aws:RequestedRegion=us-east-1",
        POLICY,
    ]);
    assert!(
        out.contains(&format!(
            "fix: replace `chime:GetSipMediaApplicationLoggingConfigurations` with `chime:GetSipMediaApplicationLoggingConfiguration` at {POLICY}:24:9"
        )),
        "{out}"
    );
}

#[test]
fn boundary_and_scp_files_take_part() {
    let boundary = "fixtures/simulate/boundaries/voice-boundary.json";
    let scp = "fixtures/simulate/scps/region-lock.json";
    let logs = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/sma-handler:log-stream:x";
    let (out, code) = simulate(&["--action", "logs:PutLogEvents", "--resource", logs, POLICY]);
    assert_eq!(code, 0, "{out}");
    let (out, code) = simulate(&["--action", "logs:PutLogEvents", "--resource", logs, "--boundary", boundary, POLICY]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("its permissions boundary (`{boundary}`) does not allow it")), "{out}");
    assert!(out.contains(&format!("fix: add to {boundary}")), "{out}");
    let (out, code) = simulate(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        SMA_ABC,
        "--boundary",
        boundary,
        POLICY,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("{boundary}:4:5: statement `VoiceOnly` allows it (permissions boundary)")), "{out}");
    let call = ["--action", "chime:UpdateSipMediaApplicationCall", "--resource", SMA_ABC, "--scp", scp, POLICY];
    let (out, code) = simulate(&[&call[..], &["--context", "aws:RequestedRegion=eu-west-1"]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("{scp}:4:5: statement `DenyOutsideUsEast1` denies it (service control policy)")),
        "{out}"
    );
    let (out, code) = simulate(&[&call[..], &["--context", "aws:RequestedRegion=us-east-1"]].concat());
    assert_eq!(code, 0, "{out}");
}

#[test]
fn json_output_has_the_same_facts() {
    let (doc, code) = simulate_json(&[
        "--action",
        "chime:DeleteSipRule",
        "--resource",
        "arn:aws:chime:us-east-1:111122223333:sip-rule/r1",
        POLICY,
    ]);
    assert_eq!(code, 1);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["decision"], "explicit-deny");
    let st = &doc["statements"][0];
    assert_eq!((st["path"].as_str(), st["line"].as_u64(), st["column"].as_u64()), (Some(POLICY), Some(37), Some(5)));
    assert_eq!(st["sid"], "NoDeletes");
    assert_eq!(st["effect"], "Deny");
    assert_eq!(st["layer"], "identity");

    let (doc, code) = simulate_json(&["--action", "chime:GetSipMediaApplication", "--resource", SMA_ABC, POLICY]);
    assert_eq!(code, 1);
    assert_eq!(doc["decision"], "depends");
    assert_eq!(doc["depends_on"], serde_json::json!(["aws:RequestedRegion"]));
    assert_eq!(doc["statements"][0]["sid"], "ReadApplicationsInHomeRegion");

    let (doc, _) = simulate_json(&["--action", "chime:UpdateSipMediaApplicationCall", "--resource", SMA_XYZ, POLICY]);
    assert_eq!(doc["decision"], "implicit-deny");
    assert_eq!(doc["denied_in"], "identity");
    assert_eq!(doc["closest"]["sid"], "ControlActiveCalls");
    assert_eq!(doc["closest"]["line"], 4);
}

#[test]
fn principal_selects_a_file_of_a_directory() {
    let (out, code) = simulate(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        SMA_ABC,
        "--principal",
        POLICY,
        "fixtures/simulate",
    ]);
    assert_eq!(code, 0, "{out}");
    let (out, code) = simulate(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        SMA_ABC,
        "--principal",
        "fixtures/simulate/recording-role-policy.json",
        "fixtures/simulate",
    ]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let call = ["--action", "chime:UpdateSipMediaApplicationCall", "--resource", SMA_ABC];
    for (extra, message) in [
        (&["--principal", "aws_iam_role.nope", POLICY][..], "no principal `aws_iam_role.nope`"),
        (&["--context", "no-equals-sign", POLICY][..], "--context takes KEY=VALUE"),
        (&["no/such/dir"][..], "no/such/dir"),
        (&["src"][..], "no policies found in src"),
    ] {
        let (out, code) = simulate(&[&call[..], extra].concat());
        assert_eq!(code, 2, "{extra:?}: {out}");
        assert!(out.contains(message), "{out}");
    }
    let (out, code) = simulate(&["--action", "chime:UpdateSipMediaApplicationCall", POLICY]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("give --resource ARN"), "{out}");
    let (out, code) = simulate(&["--action", "chime:*", "--resource", "*", POLICY]);
    assert_eq!(code, 2, "{out}");
    let (_, code) = simulate(&["--resource", "*", POLICY]);
    assert_eq!(code, 2);
}

fn explain(message: &str, path: &str) -> (String, i32) {
    let out = run(&["explain-denied", message, path]);
    (text(&out) + &stderr(&out), out.status.code().unwrap_or(-1))
}

fn denied(action: &str, resource: Option<&str>, tail: &str) -> String {
    let on = resource.map(|r| format!(" on resource: {r}")).unwrap_or_default();
    format!(
        "User: arn:aws:sts::111122223333:assumed-role/sma-handler/fn is not authorized to perform: {action}{on}{tail}"
    )
}

/// The fenced statement after "fix: add this statement to ...:".
fn fix_snippet(out: &str) -> serde_json::Value {
    let start = out.find("fix: add this statement").expect("a fix statement");
    let body: String = out[start..].lines().skip(2).take_while(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[test]
fn explain_denied_wrong_resource_ends_with_a_json_fix() {
    let message = denied(
        "chime:UpdateSipMediaApplicationCall",
        Some(SMA_XYZ),
        " because no identity-based policy allows the chime:UpdateSipMediaApplicationCall action",
    );
    // The role name finds `sma-handler-policy.json` among the directory's files.
    let (out, code) = explain(&message, "fixtures/simulate");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("AWS says:  no identity-based policy allows the action"), "{out}");
    assert!(out.contains(&format!("principal: policy file {POLICY}")), "{out}");
    assert!(out.contains("cause: no statement allows `chime:UpdateSipMediaApplicationCall`"), "{out}");
    assert!(out.contains(&format!("statement `ControlActiveCalls` ({POLICY}:4:5) allows `chime:UpdateSipMediaApplicationCall`, but only on `{SMA_ABC}`")), "{out}");
    assert!(out.contains(&format!("fix: add this statement to {POLICY}:")), "{out}");
    let fix = fix_snippet(&out);
    assert_eq!(fix["Effect"], "Allow");
    assert_eq!(fix["Action"], "chime:UpdateSipMediaApplicationCall");
    assert_eq!(fix["Resource"], SMA_XYZ);
    assert!(!out.contains("chime:*"), "{out}");
}

#[test]
fn explain_denied_star_only_action_fix_uses_star() {
    let (out, code) = explain(&denied("chime:ListSipMediaApplications", None, ""), POLICY);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("which never matches"), "{out}");
    assert_eq!(fix_snippet(&out)["Resource"], "*");
}

#[test]
fn explain_denied_misspelt_action_points_at_the_typo() {
    let (out, _) = explain(&denied("chime:GetSipMediaApplicationLoggingConfiguration", Some(SMA_ABC), ""), POLICY);
    assert!(out.contains("names `chime:GetSipMediaApplicationLoggingConfigurations`, which is not an action"), "{out}");
    assert!(out.contains(&format!("fix: replace `chime:GetSipMediaApplicationLoggingConfigurations` with `chime:GetSipMediaApplicationLoggingConfiguration` at {POLICY}:24:9")), "{out}");
}

#[test]
fn explain_denied_explicit_deny_and_outside_causes() {
    let (out, _) = explain(
        &denied(
            "chime:DeleteSipRule",
            Some("arn:aws:chime:us-east-1:111122223333:sip-rule/r"),
            " with an explicit deny in an identity-based policy",
        ),
        POLICY,
    );
    assert!(out.contains("cause: an explicit Deny matches the request"), "{out}");
    assert!(out.contains(&format!("statement `NoDeletes` ({POLICY}:37:5)")), "{out}");
    assert!(!out.contains("fix: add this statement"), "{out}");

    let (out, code) = explain(
        &denied(
            "chime:CreateSipMediaApplicationCall",
            Some(SMA_ABC),
            " with an explicit deny in a service control policy",
        ),
        POLICY,
    );
    // The repository allows it: the message does not match the code.
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("decision:  allowed"), "{out}");
    assert!(out.contains("a service control policy of your AWS Organization"), "{out}");

    let (out, _) = explain(&denied("chime:GetSipMediaApplication", Some(SMA_ABC), ""), POLICY);
    assert!(out.contains("allows it only when `StringEquals aws:RequestedRegion us-east-1` holds"), "{out}");
}

#[test]
fn explain_denied_json_and_usage_errors() {
    let message = denied("chime:UpdateSipMediaApplicationCall", Some(SMA_XYZ), "");
    let out = run(&["explain-denied", "--format", "json", &message, POLICY]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["decision"], "implicit-deny");
    assert_eq!(doc["fix"]["format"], "json");
    assert_eq!(doc["fix"]["path"], POLICY);
    let st: serde_json::Value = serde_json::from_str(doc["fix"]["statement"].as_str().unwrap()).unwrap();
    assert_eq!(st["Resource"], SMA_XYZ);

    let (out, code) = explain("Rate exceeded", POLICY);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("does not look like an AccessDeniedException"), "{out}");
    let other = message.replace("sma-handler", "billing");
    let (out, code) = explain(&other, "fixtures/simulate");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no principal `billing`"), "{out}");
}

#[test]
fn require_fixtures_fire_and_stay_silent() {
    let dir = root().join("fixtures/required-access-denied");
    let (hits, code) = common::findings_in(&dir.join("fire"), &["."]);
    let got: Vec<String> = hits.iter().filter(|h| h.rule == "required-access-denied").map(|h| h.short()).collect();
    let expected = fs::read_to_string(dir.join("fire.expected")).unwrap();
    let expected: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(got, expected);
    assert_eq!(code, 1);
    let messages: Vec<&str> = hits.iter().map(|h| h.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m
                .contains("but statement `NoDeletes` (sma-handler-policy.json:20:5) of the identity policy denies it")),
        "{messages:#?}"
    );
    assert!(messages.iter().any(|m| m.contains("but the answer depends on `aws:RequestedRegion`")), "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.contains("but only on `arn:aws:chime:us-east-1:111122223333:sma/abc`")),
        "{messages:#?}"
    );
    assert!(messages.iter().any(|m| m.contains("no principal `aws_iam_role.sma_handler`")), "{messages:#?}");

    let (hits, code) = common::findings_in(&dir.join("silent"), &["."]);
    assert!(hits.iter().all(|h| h.rule != "required-access-denied"), "{hits:#?}");
    assert_eq!(code, 0, "{hits:#?}");
}

#[test]
fn require_in_a_temporary_project() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("role.json"), fs::read_to_string(root().join(POLICY)).unwrap()).unwrap();
    fs::write(
        dir.path().join(".policy-lint.toml"),
        "[[require]]\nprincipal = \"role.json\"\nactions = [\"chime:CreateSipMediaApplicationCall\"]\nresources = [\"arn:aws:chime:us-east-1:111122223333:sma/abc\"]\n",
    )
    .unwrap();
    let (hits, _) = common::findings_in(dir.path(), &["--fail-on", "error", "role.json"]);
    assert!(hits.iter().all(|h| h.rule != "required-access-denied"), "{hits:#?}");

    fs::write(
        dir.path().join(".policy-lint.toml"),
        "[[require]]\nprincipal = \"role.json\"\nactions = [\"chime:CreateSipMediaApplicationCall\"]\nresources = [\"arn:aws:chime:us-west-2:111122223333:sma/abc\"]\n",
    )
    .unwrap();
    let (hits, code) = common::findings_in(dir.path(), &["--fail-on", "error", "role.json"]);
    let req: Vec<_> = hits.iter().filter(|h| h.rule == "required-access-denied").collect();
    assert_eq!(req.len(), 1, "{hits:#?}");
    assert_eq!((req[0].path.as_str(), req[0].line, req[0].column), ("role.json", 4, 5));
    assert_eq!(code, 1);

    fs::write(
        dir.path().join(".policy-lint.toml"),
        "[[require]]\nprincipal = \"role.json\"\nactions = [\"a:b\"]\nresource = \"x\"\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["role.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".policy-lint.toml:4:1: unknown field `resource`"), "{}", stderr(&out));
}

#[test]
fn explain_denied_reads_the_message_from_standard_input() {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_policy-lint"))
        .args(["explain-denied", "-", POLICY])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let message = denied("chime:UpdateSipMediaApplicationCall", Some(SMA_XYZ), "\n");
    child.stdin.take().unwrap().write_all(message.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fix_snippet(&text(&out))["Resource"], SMA_XYZ);
}

// ---------------------------------------------------------------------------
// Terraform and CloudFormation projects
// ---------------------------------------------------------------------------

#[test]
fn simulate_a_terraform_role_with_its_attached_policies_and_boundary() {
    let sma = "arn:aws:chime:us-east-1:111122223333:sma/abc";
    let (out, code) = simulate(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        sma,
        "--principal",
        "aws_iam_role.sma_handler",
        "fixtures/terraform/facts.tf",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("decision: allowed"), "{out}");
    // The grant comes from the managed policy attached with aws_iam_role_policy_attachment.
    assert!(out.contains("fixtures/terraform/facts.tf:34:62: statement 1 allows it (identity policy)"), "{out}");
    assert!(out.contains("fixtures/terraform/facts.tf:39:62: statement 1 allows it (permissions boundary)"), "{out}");
    assert!(!out.contains("permissions boundary `"), "the boundary is defined in the project: {out}");
    // Found by its role name as well.
    let (by_name, code) = simulate(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        sma,
        "--principal",
        "sma-handler",
        "fixtures/terraform/facts.tf",
    ]);
    assert_eq!(code, 0, "{by_name}");
}

#[test]
fn simulate_a_cloudformation_role_by_logical_id() {
    let (out, code) = simulate(&[
        "--action",
        "chime:DeleteSipMediaApplication",
        "--resource",
        "arn:aws:chime:us-east-1:111122223333:sma/abc",
        "--principal",
        "SmaHandlerRole",
        "fixtures/cloudformation/sma-stack.yaml",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("decision: implicitly denied"), "{out}");
    assert!(out.contains("principal: role SmaHandlerRole (fixtures/cloudformation/sma-stack.yaml:37:3)"), "{out}");
    // The fix is YAML, for the template it belongs in.
    assert!(out.contains("Action: chime:DeleteSipMediaApplication"), "{out}");
}

#[test]
fn explain_denied_for_a_terraform_role_without_policies_gives_an_hcl_fix() {
    let message = denied(
        "chime:UpdateSipMediaApplicationCall",
        Some("arn:aws:chime:us-east-1:111122223333:sma/abc"),
        " because no identity-based policy allows the chime:UpdateSipMediaApplicationCall action",
    );
    let (out, code) = explain(&message, "fixtures/sma-lambda-permission-missing/fire/");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("principal: role aws_iam_role.handler"), "{out}");
    assert!(out.contains("actions   = [\"chime:UpdateSipMediaApplicationCall\"]"), "{out}");
    assert!(out.contains("resources = [\"arn:aws:chime:us-east-1:111122223333:sma/abc\"]"), "{out}");
    assert!(!out.contains("chime:*"), "{out}");
}

/// A misspelt action or a resource that is not an ARN is a usage error (2)
/// naming the fix, never "allowed": a CI step built on `simulate` must not
/// pass on a typo. When the policies name the same action, it is evaluated
/// as written (an action newer than the catalog), with a note.
#[test]
fn a_misspelt_action_or_a_resource_that_is_not_an_arn_is_a_usage_error() {
    let (out, code) = simulate(&["--action", "chime:UpdateSipMediaApplicationCal", "--resource", SMA_ABC, POLICY]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out,
        "policy-lint: `chime:UpdateSipMediaApplicationCal` is not in the action catalog (did you mean `chime:UpdateSipMediaApplicationCall`?)\n"
    );
    let (out, code) = simulate(&["--action", "chime:UpdateSipMediaApplicationCall", "--resource", "sma/abc", POLICY]);
    assert_eq!(code, 2, "{out}");
    assert!(out.starts_with("policy-lint: `sma/abc` is not an ARN"), "{out}");
    // The fixture's policy grants the misspelt `...LoggingConfigurations` itself.
    let action = "chime:GetSipMediaApplicationLoggingConfigurations";
    let (out, code) = simulate(&["--action", action, "--resource", SMA_ABC, POLICY]);
    assert_ne!(code, 2, "{out}");
    assert!(out.contains("decision: "), "{out}");
    assert!(out.contains(&format!("note: `{action}` is not in the action catalog, but the policies name it")), "{out}");
}

/// A policy file whose one statement starts at line 4, column 5.
fn policy_file(dir: &std::path::Path, name: &str, statement: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, format!("{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {statement}\n  ]\n}}\n"))
        .unwrap();
    path.to_string_lossy().into_owned()
}

const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/sma-handler/fn";
const OBJECT: &str = "arn:aws:s3:::recordings/call-1.wav";

#[test]
fn rcp_and_session_policy_files_take_part() {
    let dir = tempfile::tempdir().unwrap();
    let identity = policy_file(
        dir.path(),
        "identity.json",
        r#"{"Sid": "Recordings", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::recordings/*"}"#,
    );
    let rcp = policy_file(
        dir.path(),
        "rcp.json",
        r#"{"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}}}"#,
    );
    let session = policy_file(
        dir.path(),
        "session.json",
        r#"{"Sid": "ReadOnly", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
    );
    let get = ["--action", "s3:GetObject", "--resource", OBJECT, "--caller", SESSION];
    let (out, code) =
        simulate(&[&get[..], &["--rcp", &rcp, "--context", "aws:PrincipalOrgID=o-999", &identity]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("{rcp}:4:5: statement `OrgOnly` denies it (resource control policy)")), "{out}");
    let (out, code) =
        simulate(&[&get[..], &["--rcp", &rcp, "--context", "aws:PrincipalOrgID=o-123", &identity]].concat());
    assert_eq!(code, 0, "{out}");
    // RCPs apply to the services that support them only.
    let (out, code) = simulate(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        SMA_ABC,
        "--rcp",
        &policy_file(
            dir.path(),
            "rcp-all.json",
            r#"{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}"#,
        ),
        POLICY,
    ]);
    assert_eq!(code, 0, "{out}");

    // The session policy caps the session: reading passes, writing does not.
    let (out, code) = simulate(&[&get[..], &["--session-policy", &session, &identity]].concat());
    assert_eq!(code, 0, "{out}");
    let put = ["--action", "s3:PutObject", "--resource", OBJECT, "--caller", SESSION, "--session-policy", &session];
    let (out, code) = simulate(&[&put[..], &[&identity[..]]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the session policy does not allow it"), "{out}");
    let (doc, code) = simulate_json(&[&put[..], &[&identity[..]]].concat());
    assert_eq!(
        (code, doc["decision"].as_str(), doc["denied_in"].as_str()),
        (1, Some("implicit-deny"), Some("session"))
    );
    let layers = located(&doc["policies"], "path");
    assert_eq!(layers, [("identity", identity.as_str(), 1, 1), ("session", session.as_str(), 1, 1)]);

    // A session policy is for a role session.
    let (out, code) = simulate(&[
        "--action",
        "s3:GetObject",
        "--resource",
        OBJECT,
        "--caller",
        "arn:aws:iam::111122223333:user/alice",
        "--session-policy",
        &session,
        &identity,
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--session-policy applies to a role session"), "{out}");
}

/// Each entry of a JSON list as (layer, its `name` field, line, column).
fn located<'a>(list: &'a serde_json::Value, name: &str) -> Vec<(&'a str, &'a str, u64, u64)> {
    let field = |e: &'a serde_json::Value, k: &str| e[k].as_str().unwrap_or_else(|| panic!("no {k} in {e}"));
    let number = |e: &serde_json::Value, k: &str| e[k].as_u64().unwrap_or_else(|| panic!("no {k} in {e}"));
    let entries = list.as_array().expect("a list");
    entries.iter().map(|e| (field(e, "layer"), field(e, name), number(e, "line"), number(e, "column"))).collect()
}

#[test]
fn json_names_the_deciding_statement_of_every_layer() {
    let dir = tempfile::tempdir().unwrap();
    let identity = policy_file(
        dir.path(),
        "identity.json",
        r#"{"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
    );
    let boundary = policy_file(
        dir.path(),
        "boundary.json",
        r#"{"Sid": "Cap", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}"#,
    );
    let scp = policy_file(
        dir.path(),
        "scp.json",
        r#"{"Sid": "NoIam", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}"#,
    );
    let session = policy_file(
        dir.path(),
        "session.json",
        r#"{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
    );
    let (doc, code) = simulate_json(&[
        "--action",
        "s3:GetObject",
        "--resource",
        OBJECT,
        "--caller",
        SESSION,
        "--boundary",
        &boundary,
        "--scp",
        &scp,
        "--session-policy",
        &session,
        &identity,
    ]);
    assert_eq!(code, 0, "{doc}");
    let deciding = located(&doc["statements"], "sid");
    assert_eq!(deciding, [("identity", "All", 4, 5), ("boundary", "Cap", 4, 5), ("session", "Read", 4, 5)]);
    let layers: Vec<&str> = doc["policies"].as_array().unwrap().iter().map(|p| p["layer"].as_str().unwrap()).collect();
    assert_eq!(layers, ["identity", "boundary", "scp", "session"]);
    assert_eq!(doc["principal"]["session"][0].as_str(), Some(session.as_str()));
}

#[test]
fn a_cross_account_request_needs_the_resource_policy_too() {
    let dir = tempfile::tempdir().unwrap();
    let identity = policy_file(
        dir.path(),
        "identity.json",
        r#"{"Sid": "Calls", "Effect": "Allow", "Action": "chime:*", "Resource": "*"}"#,
    );
    let partner = "arn:aws:sts::444455556666:assumed-role/partner/s";
    let (out, code) = simulate(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        SMA_ABC,
        "--caller",
        partner,
        &identity,
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the resource is in another account, and no resource policy there allows the caller"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "fix: the policy of `{SMA_ABC}` (in its own account) must allow `chime:UpdateSipMediaApplicationCall` to `arn:aws:iam::444455556666:role/partner`"
        )),
        "{out}"
    );
    let (doc, _) = simulate_json(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        SMA_ABC,
        "--caller",
        partner,
        &identity,
    ]);
    assert_eq!((doc["cross_account"].as_bool(), doc["denied_in"].as_str()), (Some(true), Some("resource")));
    let (out, code) = simulate(&[
        "--action",
        "chime:UpdateSipMediaApplicationCall",
        "--resource",
        SMA_ABC,
        "--caller",
        SESSION,
        &identity,
    ]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn organization_rcps_of_terraform_and_cloudformation_are_read() {
    let dir = tempfile::tempdir().unwrap();
    policy_file(
        dir.path(),
        "identity.json",
        r#"{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
    );
    fs::write(
        dir.path().join("org.tf"),
        r#"resource "aws_organizations_policy" "perimeter" {
  name = "perimeter"
  type = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TlsOnly"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = "*"
      Condition = { BoolIfExists = { "aws:SecureTransport" = "false" } }
    }]
  })
}
"#,
    )
    .unwrap();
    let args = ["--action", "s3:GetObject", "--resource", OBJECT, "--principal", "identity.json"];
    let out =
        run_in(dir.path(), &[&["simulate"][..], &args, &["--context", "aws:SecureTransport=false", "."]].concat());
    let all = text(&out) + &stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("org.tf:6:18: statement `TlsOnly` denies it (resource control policy)"), "{all}");
    let out = run_in(dir.path(), &[&["simulate"][..], &args, &["--context", "aws:SecureTransport=true", "."]].concat());
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out), stderr(&out));

    fs::remove_file(dir.path().join("org.tf")).unwrap();
    fs::write(
        dir.path().join("org.yaml"),
        "Resources:\n  Perimeter:\n    Type: AWS::Organizations::Policy\n    Properties:\n      Name: perimeter\n      Type: RESOURCE_CONTROL_POLICY\n      Content:\n        Version: '2012-10-17'\n        Statement:\n          - Sid: NoDeletes\n            Effect: Deny\n            Principal: '*'\n            Action: s3:DeleteObject\n            Resource: '*'\n",
    )
    .unwrap();
    let delete = ["simulate", "--action", "s3:DeleteObject", "--resource", OBJECT, "--principal", "identity.json", "."];
    let out = run_in(dir.path(), &delete);
    let all = text(&out) + &stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("org.yaml:10:13: statement `NoDeletes` denies it (resource control policy)"), "{all}");
}

#[test]
fn a_file_that_fails_to_parse_is_named_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("broken.json"), "{\"Version\": \"2012-10-17\", \"Statement\": [\n").unwrap();
    let call = ["simulate", "--action", "s3:GetObject", "--resource", OBJECT, "."];
    let out = run_in(dir.path(), &call);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("broken.json:1:40: unterminated array"), "{err}");
    assert!(!err.contains("no policies found"), "{err}");
    let out = run_in(dir.path(), &["explain-denied", &denied("s3:GetObject", Some(OBJECT), ""), "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("broken.json:1:40: unterminated array"), "{}", stderr(&out));
    // Beside a policy that parses, the broken file is a note.
    policy_file(dir.path(), "ok.json", r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#);
    let out = run_in(dir.path(), &call);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("note: not read: broken.json:1:40: unterminated array"), "{}", stderr(&out));
}

#[test]
fn a_condition_near_miss_points_at_the_condition_and_keeps_it() {
    let args = [
        "--action",
        "chime:GetSipMediaApplication",
        "--resource",
        SMA_ABC,
        "--context",
        "aws:RequestedRegion=eu-west-1",
    ];
    let (out, code) = simulate(&[&args[..], &[POLICY]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "fix: the request does not meet `StringEquals aws:RequestedRegion us-east-1` at {POLICY}:28:9"
        )),
        "{out}"
    );
    assert!(!out.contains("AllowGetSipMediaApplication"), "{out}");
    let (doc, _) = simulate_json(&[&args[..], &[POLICY]].concat());
    assert!(doc["fix"].as_str().unwrap().contains("do not drop the condition"), "{doc}");
}

#[test]
fn absent_keys_and_a_missing_version_decide_policy_variables() {
    let dir = tempfile::tempdir().unwrap();
    let home = r#"{"Sid": "Home", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}"#;
    let with_version = policy_file(dir.path(), "home.json", home);
    let call = ["--action", "s3:GetObject", "--resource", "arn:aws:s3:::home/alice/notes.txt"];
    let (out, code) = simulate(&[&call[..], &[&with_version[..]]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("decision: depends on aws:username"), "{out}");
    // A key the request does not carry: the variable matches nothing.
    let (out, code) = simulate(&[&call[..], &["--absent", "aws:username", &with_version]].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("decision: implicitly denied"), "{out}");
    let (out, code) =
        simulate(&[&call[..], &["--caller", "arn:aws:iam::111122223333:user/alice", &with_version]].concat());
    assert_eq!(code, 0, "{out}");
    // Without `Version`, `${aws:username}` is literal text.
    let no_version = dir.path().join("old.json");
    fs::write(&no_version, format!("{{\"Statement\": [{home}]}}\n")).unwrap();
    let no_version = no_version.to_string_lossy().into_owned();
    let (out, code) =
        simulate(&[&call[..], &["--caller", "arn:aws:iam::111122223333:user/alice", &no_version]].concat());
    assert_eq!(code, 1, "{out}");
    let (out, code) = simulate(&[
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::home/${aws:username}/notes.txt",
        "--caller",
        "arn:aws:iam::111122223333:user/alice",
        &no_version,
    ]);
    assert_eq!(code, 0, "{out}");
}

/// A role's policy read through `file()` from another directory is the
/// role's: it decides (it was "defined outside the project", so never evaluated).
#[test]
fn a_policy_that_file_reads_belongs_to_its_role() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("policies")).unwrap();
    fs::write(
        dir.path().join("main.tf"),
        r#"resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
}

resource "aws_iam_role_policy" "app" {
  role   = aws_iam_role.app.id
  policy = file("${path.module}/policies/app.json")
}
"#,
    )
    .unwrap();
    fs::write(
        dir.path().join("policies/app.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall", "Resource": "*"}]}"#,
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "simulate",
            "--action",
            "chime:UpdateSipMediaApplicationCall",
            "--resource",
            SMA_ABC,
            "--principal",
            "aws_iam_role.app",
            ".",
        ],
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}{}", stderr(&out));
    assert!(said.contains("1 identity policy"), "{said}");
    assert!(said.contains("policies/app.json:1:41: statement 1 allows it"), "{said}");
    assert!(!said.contains("defined outside the project"), "{said}");
}
