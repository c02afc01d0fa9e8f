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
        ("sma-lambda-region-mismatch", "API_voice-chime_SipMediaApplicationEndpoint.html"),
        ("lex-bot-policy-missing", "chime-sdk/latest/dg/start-bot-conversation.html"),
        ("service-quota", "general/latest/gr/chime-sdk.html"),
    ] {
        let out = run(&["explain", id]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains(page), "`explain {id}` names {page}:\n{text}");
    }
}
