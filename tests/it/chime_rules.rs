//! The Chime SDK Voice rules on the real corpus (`../shared/corpus`, skipped
//! when absent) and the fixes they suggest: what the judgment of every finding
//! there settled (issue 16) stays settled.

use crate::common::{self, findings, run};
use std::path::Path;

/// The findings of one rule in one file, as `line:column severity`.
fn at(path: &Path, rule: &str) -> Vec<String> {
    let (hits, _) = findings(&["--select", rule, path.to_str().unwrap()]);
    hits.iter().filter(|h| h.rule == rule).map(|h| format!("{}:{} {}", h.line, h.column, h.severity)).collect()
}

/// Every finding of a run with its help, as (rule, line, help).
fn helps(path: &str) -> Vec<(String, u64, String)> {
    let out = run(&["--format", "json", path]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let help = f["help"].as_str().unwrap_or_default().to_string();
            (f["rule"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap(), help)
        })
        .collect()
}

#[test]
fn channel_flow_permission_for_the_legacy_principal_is_an_error_at_the_principal() {
    let Some(shared) = common::shared() else { return };
    let file = shared.join("corpus/chime-real-2/15-aws-samples-chime-sdk.chat.channelFlowBlogTemplate.yaml");
    assert_eq!(at(&file, "lambda-permission-principal-mismatch"), ["89:18 error"]);
}

#[test]
fn a_secret_access_key_in_the_outputs_is_reported_at_the_value() {
    let Some(shared) = common::shared() else { return };
    let file = shared.join("corpus/chime-real-2/21-aws-samples-chime-sdk-connect-integration.yaml");
    assert_eq!(at(&file, "credentials-exposure"), ["179:12 warning"]);
}

/// `sns:Publish` for SMS (the Cognito SMS role of file 15, the IVR functions of
/// files 03 and 04), `translate:TranslateText` and `chime:CreateVoiceConnectorGroup`
/// (whose Voice Connectors are optional) on `*` are what AWS requires.
#[test]
fn resource_star_is_silent_where_aws_requires_star_in_the_corpus() {
    let Some(shared) = common::shared() else { return };
    let corpus = shared.join("corpus");
    let quiet = [
        ("chime-real/03-docwho2-java-squareup-chatgpt-ivr.template.yaml", &[1036, 1134][..]),
        ("chime-real/04-docwho2-java-squareup-spring-ai-ivr.template.yaml", &[1055, 1160][..]),
        ("chime-real-2/15-aws-samples-chime-sdk.chat.channelFlowBlogTemplate.yaml", &[231][..]),
        ("chime-real-2/18-aws-samples-chime-sdk.televisit-backend.template.yaml", &[260][..]),
        ("chime-real-2/09-aws-samples-chime-proxy-sessions.voice-connector-setup.yaml", &[125][..]),
    ];
    for (file, lines) in quiet {
        let got = at(&corpus.join(file), "resource-star");
        for line in lines {
            assert!(!got.iter().any(|g| g.starts_with(&format!("{line}:"))), "{file}:{line}: {got:?}");
        }
    }
    // The same files' other grants on `*` that can be scoped still fire:
    // `ses:SendEmail` (an identity) next to `sns:Publish`.
    let got = at(&corpus.join("chime-real/03-docwho2-java-squareup-chatgpt-ivr.template.yaml"), "resource-star");
    assert!(got.contains(&"1038:19 warning".to_string()), "{got:?}");
}

#[test]
fn the_source_arn_suggested_for_a_lex_bot_alias_is_the_voiceconnector_one() {
    let lex = helps("fixtures/confused-deputy/fire/lex-bot-alias-policy.json");
    assert_eq!(lex.len(), 1, "{lex:?}");
    assert!(lex[0].2.contains("arn:${Partition}:voiceconnector:${Region}:${Account}:sma/"), "{}", lex[0].2);
    let bucket = helps("fixtures/confused-deputy/fire/bucket-policy.json");
    let chime = bucket.iter().find(|(_, line, _)| *line == 7).expect("the voiceconnector statement");
    assert!(chime.2.contains("arn:${Partition}:chime:${Region}:${Account}:sma/"), "{}", chime.2);
}

#[test]
fn the_suggested_lambda_permission_uses_the_caller_identity_the_module_has() {
    let declared = helps("fixtures/sma-lambda-permission-missing/fire/caller-identity-declared");
    let (_, line, help) = declared.iter().find(|(r, ..)| r == "sma-lambda-permission-missing").expect("fires");
    assert_eq!(*line, 11);
    assert!(help.contains("source_account = data.aws_caller_identity.me.account_id"), "{help}");
    assert!(!help.contains("data \"aws_caller_identity\""), "{help}");
    let missing = helps("fixtures/sma-lambda-permission-missing/fire/no-permission.tf");
    let (_, _, help) = missing.iter().find(|(r, ..)| r == "sma-lambda-permission-missing").expect("fires");
    assert!(help.contains("data \"aws_caller_identity\" \"current\" {}"), "{help}");
    assert!(help.contains("source_account = data.aws_caller_identity.current.account_id"), "{help}");
}

/// Dependencies AWS documents are warnings; those no AWS page lists are
/// info, each in a finding of its own; the service-linked role is not needed
/// once the project defines it.
#[test]
fn dependencies_carry_the_severity_of_their_source() {
    let (hits, _) = findings(&[
        "--select",
        "missing-dependent-action",
        "fixtures/missing-dependent-action/fire/sma-and-media-insights.tf",
    ]);
    let got: Vec<String> = hits.iter().map(|h| format!("{}:{} {}", h.line, h.column, h.severity)).collect();
    assert_eq!(got, ["23:21 warning", "23:21 info", "23:56 info", "28:20 warning"]);
    assert!(hits[3].message.contains("`chime:ListVoiceConnectors`"), "{}", hits[3].message);
    let (hits, _) =
        findings(&["--select", "missing-dependent-action", "fixtures/missing-dependent-action/silent/slr-defined.tf"]);
    assert!(hits.is_empty(), "{hits:?}");
}
