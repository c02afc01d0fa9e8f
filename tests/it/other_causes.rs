//! The checks of causes other than a missing action: IAM's size quotas,
//! federated trust, the MFA condition (and, where present, Voice Connector
//! networks and Chime resources that must agree). Their fixtures are checked
//! by `fixtures.rs`; here, what those fixtures claim and what the real-world
//! corpus gives.

use crate::common;

use common::{findings, root, run};

/// The heredoc policy of `fixtures/policy-size-exceeded/fire/main.tf` is
/// 6,144 characters once minified, counted independently of the linter (by
/// `serde_json`), so the warning "is 6,144 characters" rests on a real size.
#[test]
fn the_size_fixture_is_exactly_at_the_limit() {
    let tf = std::fs::read_to_string(root().join("fixtures/policy-size-exceeded/fire/main.tf")).unwrap();
    let start = tf.find("<<EOF\n").unwrap() + "<<EOF\n".len();
    let end = start + tf[start..].find("\nEOF\n").unwrap();
    let value: serde_json::Value = serde_json::from_str(&tf[start..end]).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap().chars().count(), 6144);
    let (hits, _) = findings(&["--fail-on", "never", "fixtures/policy-size-exceeded/fire/main.tf"]);
    let sizes: Vec<String> = hits
        .iter()
        .filter(|h| h.rule == "policy-size-exceeded")
        .map(|h| format!("{} {}", h.short(), h.message))
        .collect();
    assert!(sizes.iter().any(|s| s.contains("main.tf:5:1: warning") && s.contains("is 6,144 characters")), "{sizes:?}");
    assert!(sizes.iter().any(|s| s.contains(": error") && s.contains("is 6,145 characters")), "{sizes:?}");
}

/// The two heredoc policies of `fixtures/policy-size-exceeded/fire/group.tf`
/// together are 5,502 characters once minified (counted by `serde_json`),
/// over a group's 5,120; the CloudFormation group holds the same documents.
#[test]
fn the_group_fixture_is_counted_as_iam_counts() {
    let tf = std::fs::read_to_string(root().join("fixtures/policy-size-exceeded/fire/group.tf")).unwrap();
    let total: usize = tf
        .split("<<EOF\n")
        .skip(1)
        .map(|rest| {
            let value: serde_json::Value = serde_json::from_str(&rest[..rest.find("\nEOF\n").unwrap()]).unwrap();
            serde_json::to_string(&value).unwrap().chars().count()
        })
        .sum();
    assert_eq!(total, 5502);
    let (hits, _) =
        findings(&["--fail-on", "never", "--select", "policy-size-exceeded", "fixtures/policy-size-exceeded/fire/"]);
    let groups: Vec<&str> =
        hits.iter().filter(|h| h.message.contains("of group")).map(|h| h.message.as_str()).collect();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(groups.iter().all(|m| m.contains("5,502 characters") && m.contains("5,120")), "{groups:?}");
}

/// `explain` names the AWS page each new check rests on.
#[test]
fn explain_names_the_aws_page() {
    for (id, page) in [
        ("federated-trust-unscoped", "id_roles_create_for-idp_oidc.html"),
        ("mfa-condition-misused", "condition-keys-multifactorauthpresent"),
        ("policy-size-exceeded", "reference_iam-quotas.html"),
        ("voice-connector-allow-list", "chime-sdk/latest/ag/edit-voicecon.html"),
        ("voice-connector-origination-host", "chime-sdk/latest/ag/edit-voicecon.html"),
        ("voice-connector-encryption-mismatch", "chime-sdk/latest/ag/edit-voicecon.html"),
        ("voice-connector-sbc-ingress", "chime-sdk/latest/ag/network-config.html"),
        ("sma-lambda-region-mismatch", "API_voice-chime_SipMediaApplicationEndpoint.html"),
        ("lex-bot-policy-missing", "chime-sdk/latest/dg/start-bot-conversation.html"),
        ("service-quota", "general/latest/gr/chime-sdk.html"),
    ] {
        let out = run(&["explain", id]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains(page), "`explain {id}` names {page}:\n{text}");
    }
}

/// The rules of issue 19, by id.
const NEW_RULES: &[&str] = &[
    "federated-trust-unscoped",
    "mfa-condition-misused",
    "policy-size-exceeded",
    "service-quota",
    "voice-connector-allow-list",
    "voice-connector-origination-host",
    "voice-connector-encryption-mismatch",
    "voice-connector-sbc-ingress",
    "sma-lambda-region-mismatch",
    "lex-bot-policy-missing",
];

/// The real-world templates have nothing these rules should report: their
/// Cognito trusts name the identity pool (`!Ref IdentityPool`), their OIDC
/// trust names its subject, their Lex bot alias has its resource policy, and
/// no Voice Connector network is written in them.
#[test]
fn the_corpus_gives_no_new_finding() {
    let Some(shared) = common::shared() else { return };
    let corpus = shared.join("corpus");
    let select = NEW_RULES.join(",");
    let (hits, _) = findings(&["--fail-on", "never", "--select", &select, corpus.to_str().unwrap()]);
    let lines: Vec<String> = hits.iter().map(|h| format!("{} {}", h.short(), h.message)).collect();
    assert!(lines.is_empty(), "{lines:#?}");
}

/// A real SIP media application template (docwho2's Chime Voice SDK SMA) with
/// its Lex resource policy taken out: the handler told of the bot alias is
/// reported, at the environment variable that names it.
#[test]
fn a_real_handler_without_its_lex_policy_is_reported() {
    let Some(shared) = common::shared() else { return };
    let original = shared.join("corpus/chime-real/01-docwho2-java-chime-voicesdk-sma.template.yaml");
    let Ok(text) = std::fs::read_to_string(&original) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("sma.template.yaml");
    std::fs::write(&copy, text.replace("Type: AWS::Lex::ResourcePolicy", "Type: AWS::Lex::Unrelated")).unwrap();
    let (hits, _) = findings(&["--fail-on", "never", "--select", "lex-bot-policy-missing", copy.to_str().unwrap()]);
    let at: Vec<(u64, u64)> = hits.iter().map(|h| (h.line, h.column)).collect();
    assert_eq!(at, [(317, 26)], "{hits:#?}");
    assert!(hits[0].message.contains("`ChimeSMA`") && hits[0].message.contains("`BotAliasGPT`"), "{hits:#?}");
}
