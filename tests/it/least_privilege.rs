//! The least-privilege rules: what they say, where they point, and, as much,
//! where they stay silent (Deny statements, boundaries and SCPs, conditions,
//! unresolved values, well-scoped Chime SDK Voice projects).

use crate::common;

use common::{findings, findings_in, root, run};
use policy_lint::config::Config;
use policy_lint::finding::{Finding, Severity};
use policy_lint::policy::{parse_policy, PolicyDoc, PolicyKind};
use policy_lint::rules::{self, Category};
use policy_lint::source::SourceFile;
use policy_lint::syntax::{self, Node, NodeKind, Piece};

/// The rules of issue 4, with the severities it fixes.
const LP_RULES: &[(&str, Severity)] = &[
    ("full-admin", Severity::Error),
    ("service-wildcard", Severity::Warning),
    ("resource-star", Severity::Warning),
    ("allow-not-action", Severity::Warning),
    ("allow-not-resource", Severity::Warning),
    ("allow-not-principal", Severity::Warning),
    ("passrole-unrestricted", Severity::Warning),
    ("public-principal", Severity::Error),
    ("confused-deputy", Severity::Warning),
    ("privilege-escalation", Severity::Error),
    ("credentials-exposure", Severity::Warning),
    ("deprecated-action", Severity::Warning),
];

fn is_lp(rule: &str) -> bool {
    LP_RULES.iter().any(|(id, _)| *id == rule)
}

// ---------------------------------------------------------------------------
// Library-level helpers: lint one document as a given kind of policy, with
// some values turned into what the Terraform and CloudFormation front-ends
// produce for what they cannot resolve.
// ---------------------------------------------------------------------------

/// `"((unknown))"` becomes an unknown value; a string with `${var.x}` becomes
/// a template whose `${...}` parts are holes.
fn unresolve(node: &mut Node) {
    match &mut node.kind {
        NodeKind::Str(s) if s == "((unknown))" => node.kind = NodeKind::Unknown("var.x".into()),
        NodeKind::Str(s) if s.contains("${var.") || s.contains("${AWS::") => {
            let mut pieces = Vec::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find("${") {
                let end = rest[i..].find('}').map(|e| i + e + 1).unwrap_or(rest.len());
                if i > 0 {
                    pieces.push(Piece::Lit(rest[..i].to_string()));
                }
                pieces.push(Piece::Hole(rest[i + 2..end - 1].to_string()));
                rest = &rest[end..];
            }
            if !rest.is_empty() {
                pieces.push(Piece::Lit(rest.to_string()));
            }
            node.kind = NodeKind::Template(pieces);
        }
        NodeKind::Array(items) => items.iter_mut().for_each(unresolve),
        NodeKind::Object(members) => members.iter_mut().for_each(|m| unresolve(&mut m.value)),
        _ => {}
    }
}

fn lint_as(path: &str, json: &str, kind: PolicyKind, origin: Option<&str>) -> Vec<Finding> {
    let source = SourceFile::new(path, json);
    let mut node = syntax::json::parse(json).expect("test JSON parses");
    unresolve(&mut node);
    let doc = PolicyDoc { source, node, kind, origin: origin.map(str::to_string), version_implied: false };
    let mut out = Vec::new();
    let policy = parse_policy(&doc, &mut out);
    policy_lint::lint::run_policy_rules(&policy, &Config::default(), &mut out);
    out
}

fn lp_rules_of(found: &[Finding]) -> Vec<&'static str> {
    found.iter().map(|f| f.rule).filter(|r| is_lp(r)).collect()
}

// ---------------------------------------------------------------------------
// Registry and explain
// ---------------------------------------------------------------------------

#[test]
fn rules_have_the_issue_ids_and_severities() {
    for (id, severity) in LP_RULES {
        let rule = rules::find(id).unwrap_or_else(|| panic!("`{id}` is not registered"));
        assert_eq!(rule.meta.severity, *severity, "{id}");
        assert_eq!(rule.meta.category, Category::LeastPrivilege, "{id}");
    }
    let listed = String::from_utf8(run(&["rules"]).stdout).unwrap();
    for (id, severity) in LP_RULES {
        let line = listed.lines().find(|l| l.split_whitespace().next() == Some(id)).unwrap_or_else(|| panic!("{id}"));
        assert!(line.contains(severity.as_str()) && line.contains("least-privilege"), "{line}");
    }
}

#[test]
fn explain_prints_what_why_a_bad_and_a_good_example() {
    for (id, _) in LP_RULES {
        let out = run(&["explain", id]);
        assert_eq!(out.status.code(), Some(0), "{id}");
        let text = String::from_utf8(out.stdout).unwrap();
        let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("`{id}` explain has no {s}:\n{text}"));
        let (what, why, bad, good) =
            (at("## What it does"), at("## Why is this bad?"), at("## Example"), at("## Use instead"));
        assert!(what < why && why < bad && bad < good, "{id}: sections out of order");
        assert!(text[bad..good].contains("```json") && text[good..].contains("```json"), "{id}: examples are JSON");
    }
}

// ---------------------------------------------------------------------------
// Messages name the fix
// ---------------------------------------------------------------------------

fn message_at(path: &str, rule: &str, line: u64) -> String {
    let (hits, _) = findings(&["--fail-on", "never", path]);
    hits.into_iter()
        .find(|h| h.rule == rule && h.line == line)
        .unwrap_or_else(|| panic!("no {rule} on {path}:{line}"))
        .message
}

#[test]
fn service_wildcard_says_what_chime_star_grants_and_names_the_voice_families() {
    let m = message_at("fixtures/service-wildcard/fire/chime-star.json", "service-wildcard", 7);
    for part in [
        "`chime:*` grants all 316 actions of Amazon Chime, 190 of them Write",
        "Voice (93), Messaging (48), Identity (27), Media Pipelines (22) and Meetings (13)",
        "SIP media application calls, SIP media applications, SIP rules, phone numbers, Voice Connectors",
        "voice analytics",
    ] {
        assert!(m.contains(part), "{part}\nnot in: {m}");
    }
    let s3 = message_at("fixtures/service-wildcard/fire/chime-star.json", "service-wildcard", 13);
    assert!(s3.contains("of Amazon S3") && s3.contains("on the resources named here that is still"), "{s3}");
}

#[test]
fn resource_star_gives_the_arn_format_and_fires_once_per_entry() {
    let path = "fixtures/resource-star/fire/voice-on-star.json";
    let m = message_at(path, "resource-star", 7);
    assert_eq!(
        m,
        "`Resource: \"*\"` on `chime:UpdateSipMediaApplicationCall`, which can be scoped to \
         `arn:${Partition}:chime:${Region}:${Account}:sma/${SipMediaApplicationId}`"
    );
    let (hits, _) = findings(&["--fail-on", "never", path]);
    let on_pattern: Vec<_> = hits.iter().filter(|h| h.rule == "resource-star" && h.line == 24).collect();
    assert_eq!(on_pattern.len(), 1, "a pattern is one finding, not one per action: {on_pattern:?}");
    assert!(on_pattern[0].message.contains("`chime:GetVoiceConnector*`: 8 of the 10 actions it matches can be scoped"));
    assert!(on_pattern[0].message.contains("vc/${VoiceConnectorId}"));
}

#[test]
fn privilege_escalation_names_the_path_at_the_action_that_completes_it() {
    let m = message_at("fixtures/privilege-escalation/fire/pass-role-lambda.json", "privilege-escalation", 19);
    assert!(
        m.starts_with(
            "`iam:PassRole` on `arn:aws:iam::111122223333:role/*` with `lambda:CreateFunction` and \
             `lambda:InvokeFunction` lets the principal run code as any role it can pass"
        ),
        "{m}"
    );
    let wild = message_at("fixtures/privilege-escalation/fire/iam-wildcards.json", "privilege-escalation", 7);
    assert!(wild.contains("(through `iam:*`)") && wild.contains("more escalation paths complete here"), "{wild}");
}

#[test]
fn deprecated_action_quotes_the_aws_notice() {
    let m = message_at("fixtures/deprecated-action/fire/proxy-sessions.json", "deprecated-action", 8);
    assert!(m.contains("`chime:CreateProxySession` is retired") && m.contains("April 7, 2026"), "{m}");
    let alexa = message_at("fixtures/deprecated-action/fire/proxy-sessions.json", "deprecated-action", 24);
    assert!(alexa.contains("no longer available"), "{alexa}");
}

#[test]
fn passrole_help_suggests_the_service_the_policy_passes_to() {
    let out =
        run(&["--format", "json", "--fail-on", "never", "fixtures/passrole-unrestricted/fire/pass-any-role.json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let help = doc["findings"][0]["help"].as_str().unwrap();
    assert!(help.contains("\"iam:PassedToService\": \"mediapipelines.chime.amazonaws.com\""), "{help}");
}

// ---------------------------------------------------------------------------
// Deny, boundaries, SCPs, conditions
// ---------------------------------------------------------------------------

#[test]
fn a_deny_never_triggers_an_over_broad_grant_rule() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for (id, _) in LP_RULES {
        let fire = root().join("fixtures").join(id).join("fire");
        for entry in std::fs::read_dir(&fire).unwrap() {
            let path = entry.unwrap().path();
            // The Terraform and CloudFormation fixtures are flipped in their own syntax below.
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains("\"Effect\": \"Allow\""), "{}", path.display());
            let denied = text.replace("\"Effect\": \"Allow\"", "\"Effect\": \"Deny\"");
            std::fs::write(dir.path().join(format!("{id}-{}", path.file_name().unwrap().to_string_lossy())), denied)
                .unwrap();
            n += 1;
        }
    }
    assert!(n >= 12);
    let (hits, _) = findings_in(dir.path(), &["--fail-on", "never", "."]);
    let lp: Vec<String> =
        hits.iter().filter(|h| is_lp(&h.rule)).map(|h| format!("{} {}", h.short(), h.message)).collect();
    assert!(lp.is_empty(), "least-privilege rules fired on Deny statements:\n{}", lp.join("\n"));
}

const EVERYTHING: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "*", "Resource": "*" },
    { "Effect": "Allow", "Action": ["iam:*", "chime:*", "iam:PassRole", "secretsmanager:GetSecretValue",
        "chime:CreateProxySession", "chime:UpdateSipMediaApplicationCall"], "Resource": "*" },
    { "Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::audit/*" }
  ]
}"#;

#[test]
fn boundaries_and_scps_grant_nothing() {
    // As an identity policy it trips almost every rule...
    let identity = lp_rules_of(&lint_as("policy.json", EVERYTHING, PolicyKind::Identity, None));
    for rule in ["full-admin", "service-wildcard", "allow-not-action", "allow-not-resource", "deprecated-action"] {
        assert!(identity.contains(&rule), "{rule} missing: {identity:?}");
    }
    // ...as a ceiling only the retired action is worth removing.
    for kind in [PolicyKind::Scp, PolicyKind::Boundary] {
        let got = lp_rules_of(&lint_as("main.tf", EVERYTHING, kind, Some("aws_organizations_policy.all")));
        assert_eq!(got, ["deprecated-action"], "{kind:?}");
    }
}

#[test]
fn conditions_that_scope_the_resources_silence_the_grant_rules() {
    let scoped = |condition: &str| {
        let doc = format!(
            r#"{{ "Version": "2012-10-17", "Statement": [ {{ "Effect": "Allow",
                "Action": ["chime:*", "chime:UpdateSipMediaApplicationCall", "*"], "Resource": "*",
                "Condition": {condition} }} ] }}"#
        );
        lp_rules_of(&lint_as("p.json", &doc, PolicyKind::Identity, None))
    };
    for silent in [
        r#"{ "StringEquals": { "aws:ResourceTag/team": "voice" } }"#,
        r#"{ "StringEquals": { "aws:ResourceAccount": "111122223333" } }"#,
        r#"{ "ForAnyValue:StringEquals": { "aws:CalledVia": "cloudformation.amazonaws.com" } }"#,
        r#"{ "StringEquals": { "aws:ResourceOrgID": "o-a1b2c3d4e5" } }"#,
        r#""((unknown))""#,
        r#"{ "StringEquals": "((unknown))" }"#,
    ] {
        assert_eq!(scoped(silent), Vec::<&str>::new(), "{silent}");
    }
    for loud in [
        r#"{ "StringEquals": { "aws:RequestedRegion": "us-east-1" } }"#,
        r#"{ "Bool": { "aws:MultiFactorAuthPresent": "true" } }"#,
        r#"{ "StringEqualsIfExists": { "aws:ResourceTag/team": "voice" } }"#,
        r#"{ "StringNotEquals": { "aws:ResourceTag/team": "voice" } }"#,
        r#"{ "StringLike": { "aws:ResourceTag/team": "*" } }"#,
        r#"{ "Null": { "aws:ResourceTag/team": "false" } }"#,
    ] {
        let mut got = scoped(loud);
        got.sort_unstable();
        assert_eq!(got, ["full-admin", "resource-star", "service-wildcard"], "{loud}");
    }
}

// ---------------------------------------------------------------------------
// Unresolved values from Terraform and CloudFormation are never wrong
// ---------------------------------------------------------------------------

#[test]
fn unresolved_values_are_never_wrong() {
    let cases = [
        // An action from a variable on `*`.
        (PolicyKind::Identity, r#"{ "Effect": "Allow", "Action": "((unknown))", "Resource": "*" }"#),
        (
            PolicyKind::Identity,
            r#"{ "Effect": "Allow", "Action": ["((unknown))", "chime:ListSipMediaApplications"], "Resource": "*" }"#,
        ),
        // A role ARN whose name is a variable.
        (
            PolicyKind::Identity,
            r#"{ "Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],
            "Resource": "arn:aws:iam::${AWS::AccountId}:role/${var.role_name}" }"#,
        ),
        // The resource list itself unknown.
        (
            PolicyKind::Identity,
            r#"{ "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "((unknown))" }"#,
        ),
        // The effect unknown.
        (PolicyKind::Identity, r#"{ "Effect": "((unknown))", "Action": "*", "Resource": "*" }"#),
        // A principal from a variable; a condition value from a variable.
        (
            PolicyKind::Resource,
            r#"{ "Effect": "Allow", "Principal": { "Service": "((unknown))" }, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::prompts/*" }"#,
        ),
        (
            PolicyKind::Resource,
            r#"{ "Effect": "Allow", "Principal": "((unknown))", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::prompts/*" }"#,
        ),
        (
            PolicyKind::Resource,
            r#"{ "Effect": "Allow", "Principal": { "Service": "voiceconnector.chime.amazonaws.com" },
            "Action": "lambda:InvokeFunction", "Resource": "${var.function_arn}",
            "Condition": { "StringEquals": { "aws:SourceAccount": "((unknown))" } } }"#,
        ),
        (
            PolicyKind::Trust,
            r#"{ "Effect": "Allow", "Principal": { "AWS": "((unknown))" }, "Action": "sts:AssumeRole" }"#,
        ),
    ];
    for (kind, statement) in cases {
        let doc = format!(r#"{{ "Version": "2012-10-17", "Statement": [ {statement} ] }}"#);
        let got = lp_rules_of(&lint_as("main.tf", &doc, kind, Some("aws_iam_policy.x")));
        assert!(got.is_empty(), "{statement}\n=> {got:?}");
    }
    // Literal parts still count: `role/*` around a hole for the account is every role.
    let doc = r#"{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::${AWS::AccountId}:role/*" } ] }"#;
    assert_eq!(lp_rules_of(&lint_as("t.yaml", doc, PolicyKind::Identity, Some("Role"))), ["passrole-unrestricted"]);
}

// ---------------------------------------------------------------------------
// Trust policies and Lambda permissions (confused deputy)
// ---------------------------------------------------------------------------

fn trust(service: &str, condition: &str) -> String {
    format!(
        r#"{{ "Version": "2012-10-17", "Statement": [ {{ "Effect": "Allow",
            "Principal": {{ "Service": "{service}" }}, "Action": "sts:AssumeRole"{condition} }} ] }}"#
    )
}

#[test]
fn trust_policies_of_compute_services_are_the_normal_case() {
    for service in ["lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com", "states.amazonaws.com"] {
        let got = lp_rules_of(&lint_as("main.tf", &trust(service, ""), PolicyKind::Trust, Some("aws_iam_role.r")));
        assert!(got.is_empty(), "{service}: {got:?}");
    }
    for service in ["mediapipelines.chime.amazonaws.com", "transcribe.streaming.amazonaws.com"] {
        let got = lp_rules_of(&lint_as("main.tf", &trust(service, ""), PolicyKind::Trust, Some("aws_iam_role.r")));
        assert_eq!(got, ["confused-deputy"], "{service}");
        let bound = trust(service, r#", "Condition": { "StringEquals": { "aws:SourceAccount": "111122223333" } }"#);
        assert!(lp_rules_of(&lint_as("main.tf", &bound, PolicyKind::Trust, Some("aws_iam_role.r"))).is_empty());
    }
}

const LAMBDA_PERMISSION: &str = r#"{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow",
    "Principal": { "Service": "voiceconnector.chime.amazonaws.com" }, "Action": "lambda:InvokeFunction",
    "Resource": "${var.function_arn}" } ] }"#;

#[test]
fn lambda_permission_messages_name_the_front_end_fields() {
    let tf = lint_as("main.tf", LAMBDA_PERMISSION, PolicyKind::Resource, Some("aws_lambda_permission.sma_invoke"));
    let f = tf.iter().find(|f| f.rule == "confused-deputy").expect("fires on a Terraform lambda permission");
    assert!(f.message.contains("`source_account` or `source_arn`"), "{}", f.message);
    assert!(f.help.as_deref().unwrap().contains("source_account = "), "{:?}", f.help);

    let cfn = lint_as("template.yaml", LAMBDA_PERMISSION, PolicyKind::Resource, Some("SmaHandlerPermission"));
    let f = cfn.iter().find(|f| f.rule == "confused-deputy").expect("fires on a CloudFormation lambda permission");
    assert!(f.message.contains("`AWS::Lambda::Permission` has no `SourceAccount` or `SourceArn`"), "{}", f.message);

    let json = lint_as("policy.json", LAMBDA_PERMISSION, PolicyKind::Resource, None);
    let f = json.iter().find(|f| f.rule == "confused-deputy").expect("fires on a policy file");
    assert!(f.message.contains("`aws:SourceAccount` or `aws:SourceArn`"), "{}", f.message);
    assert!(f.help.as_deref().unwrap().contains("sma/${SipMediaApplicationId}"), "{:?}", f.help);
}

// ---------------------------------------------------------------------------
// Real-looking Chime SDK Voice projects stay clean
// ---------------------------------------------------------------------------

#[test]
fn a_well_scoped_voice_project_has_no_findings() {
    let (hits, code) = findings(&["fixtures/examples/voice-project"]);
    assert!(hits.is_empty(), "{hits:#?}");
    assert_eq!(code, 0);
}

#[test]
fn silent_fixtures_of_the_grant_rules_stay_silent_for_every_grant_rule() {
    // Each rule's silent fixtures are written for that rule; the scoping ones
    // must also not trip the other broad-grant rules.
    for dir in [
        "fixtures/full-admin/silent",
        "fixtures/resource-star/silent/scoped-sma-handler.json",
        "fixtures/resource-star/silent/star-only-actions.json",
        "fixtures/confused-deputy/silent",
        "fixtures/public-principal/silent",
        "fixtures/deprecated-action/silent",
    ] {
        let (hits, _) = findings(&["--fail-on", "never", dir]);
        let lp: Vec<String> =
            hits.iter().filter(|h| is_lp(&h.rule)).map(|h| format!("{} {}", h.short(), h.message)).collect();
        assert!(lp.is_empty(), "{dir}:\n{}", lp.join("\n"));
    }
}
