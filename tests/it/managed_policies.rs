//! The AWS managed policies that mention Amazon Chime are a check of precision:
//! they are valid by definition, so no validity or syntax rule may fire on
//! them, and every least-privilege finding on them must be one we can defend.
//! The data is `../shared/reference/chime-managed-policies.json`; the tests
//! skip when it is absent.

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
/// not exist. (`ineffective-action` rightly flags two of them: AWS scopes
/// `chime:CreateAppInstanceUser` and `chime:ListVoiceConnectors`, which accept
/// only `*` in the Service Authorization Reference, to ARNs.)
#[test]
fn chime_statements_of_other_managed_policies_are_valid() {
    let Some(data) = managed() else { return };
    let others = data["other_policies_mentioning_chime"].as_object().expect("other policies");
    assert!(others.len() >= 10);
    let mut ineffective = Vec::new();
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
                Category::Validity if rule == "ineffective-action" => ineffective.push(format!("{name} {text}")),
                Category::Validity => panic!("{name}: {rule} on {text}"),
                _ => {}
            }
        }
    }
    assert_eq!(
        ineffective,
        [
            "AWSSupplyChainFederationAdminAccess chime:CreateAppInstanceUser",
            "AmazonConnectServiceLinkedRolePolicy chime:ListVoiceConnectors"
        ]
    );
}
