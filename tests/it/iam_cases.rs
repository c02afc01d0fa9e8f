//! The engine against `data/iam-cases.json`: requests whose answer the AWS
//! documentation settles, each case carrying the sentence (and page) it rests
//! on. A failure prints the case's theme and sentence, so the docs decide.

use super::simulator::{request, show};
use policy_lint::analysis::{evaluate, Layer, PolicySet};
use policy_lint::policy::{parse_policy, Policy, PolicyDoc, PolicyKind};
use policy_lint::source::SourceFile;
use policy_lint::syntax::json;
use serde_json::Value;

const CASES: &str = include_str!("data/iam-cases.json");

/// The layers a case may give, with the kind each is read as.
const LAYERS: &[(&str, Layer, PolicyKind)] = &[
    ("identity", Layer::Identity, PolicyKind::Identity),
    ("resource", Layer::Resource, PolicyKind::Resource),
    ("boundary", Layer::Boundary, PolicyKind::Boundary),
    ("scp", Layer::Scp, PolicyKind::Scp),
    ("rcp", Layer::Rcp, PolicyKind::Rcp),
    ("session", Layer::Session, PolicyKind::Identity),
];

/// A list of statements is wrapped in a `2012-10-17` document; a whole document is read as written.
fn policy(value: &Value, kind: PolicyKind) -> Policy {
    let text = if value.get("Statement").is_some() {
        value.to_string()
    } else {
        format!(r#"{{"Version": "2012-10-17", "Statement": {value}}}"#)
    };
    let node = json::parse(&text).expect("the case's policy is JSON");
    let doc =
        PolicyDoc { source: SourceFile::new("case.json", text), node, kind, origin: None, version_implied: false };
    parse_policy(&doc, &mut Vec::new())
}

#[test]
fn the_engine_agrees_with_the_documentation() {
    let data: Value = serde_json::from_str(CASES).expect("iam-cases.json is JSON");
    let cases = data["cases"].as_array().expect("cases");
    assert!(cases.len() >= 400, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let doc = &case["doc"];
        let (url, sentence) = (doc["url"].as_str().unwrap_or(""), doc["sentence"].as_str().unwrap_or(""));
        assert!(
            url.starts_with("https://docs.aws.amazon.com/") && sentence.len() > 20,
            "case {i} names no documentation"
        );
        let policies: Vec<(Layer, Policy)> =
            LAYERS.iter().filter_map(|(key, layer, kind)| case.get(*key).map(|v| (*layer, policy(v, *kind)))).collect();
        let mut set = PolicySet::default();
        for (layer, p) in &policies {
            set.of_mut(*layer).push(p);
        }
        let req = request(case["request"].as_str().expect("request"));
        let got = show(&evaluate(&set, &req).decision);
        let want = case["expect"].as_str().expect("expect");
        if got != want {
            failures.push(format!(
                "case {i} ({}): {}\n    got {got}, want {want}\n    docs: \"{sentence}\" ({url})",
                case["theme"].as_str().unwrap_or(""),
                case["request"]
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases fail:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
