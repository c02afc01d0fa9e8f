//! The evaluation engine as a table: (policy, request, expected decision).
//!
//! Policies are written as their statements (one object or a list; a whole
//! document when it has `"Statement"`). In policy strings, `?unknown` stands for
//! a value not known statically (`var.x`, `!Ref P`) and `{{X}}` for a hole of a
//! template (`${AWS::AccountId}`), as the Terraform and CloudFormation
//! front-ends produce them.
//!
//! Requests: `action resource` then any of `key=value` (repeat a key for
//! several values), `key=[]` (an empty set), `!key` (known absent) and
//! `@ARN` (the caller). Expected: `allow`, `deny` (explicit), `implicit`, or
//! `depends:key1,key2` (the keys, in order).

use policy_lint::analysis::{evaluate, Decision, Layer, Miss, PolicySet, Request};
use policy_lint::policy::{parse_policy, Policy, PolicyDoc, PolicyKind};
use policy_lint::source::SourceFile;
use policy_lint::syntax::{json, Node, NodeKind, Piece};

const SMA: &str = "arn:aws:chime:us-east-1:111122223333:sma/abc";

fn to_policy(text: &str, kind: PolicyKind) -> Policy {
    let doc_text = if text.contains("\"Statement\"") {
        text.to_string()
    } else {
        format!("{{\"Version\": \"2012-10-17\", \"Statement\": {text}}}")
    };
    let source = SourceFile::new("case.json", doc_text.clone());
    let mut node = json::parse(&doc_text).unwrap_or_else(|e| panic!("bad JSON in case {text}: {e:?}"));
    holes(&mut node);
    let doc = PolicyDoc { source, node, kind, origin: None, version_implied: false };
    let mut findings = Vec::new();
    parse_policy(&doc, &mut findings)
}

/// `?unknown` → an unknown node; `{{X}}` → a template hole.
fn holes(node: &mut Node) {
    match &mut node.kind {
        NodeKind::Str(s) if s == "?unknown" => node.kind = NodeKind::Unknown("var.x".into()),
        NodeKind::Str(s) if s.contains("{{") => {
            let mut pieces = Vec::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find("{{") {
                let j = rest[i..].find("}}").expect("closed hole") + i;
                if i > 0 {
                    pieces.push(Piece::Lit(rest[..i].to_string()));
                }
                pieces.push(Piece::Hole(rest[i + 2..j].to_string()));
                rest = &rest[j + 2..];
            }
            if !rest.is_empty() {
                pieces.push(Piece::Lit(rest.to_string()));
            }
            node.kind = NodeKind::Template(pieces);
        }
        NodeKind::Array(items) => items.iter_mut().for_each(holes),
        NodeKind::Object(members) => members.iter_mut().for_each(|m| holes(&mut m.value)),
        _ => {}
    }
}

pub(crate) fn request(spec: &str) -> Request {
    let mut parts = spec.split_whitespace();
    let action = parts.next().expect("action");
    let resource = parts.next().expect("resource");
    let mut req = Request::new(action, resource);
    for p in parts {
        if let Some(arn) = p.strip_prefix('@') {
            req = req.with_principal(arn);
        } else if let Some(k) = p.strip_prefix('!') {
            req = req.with_absent(k);
        } else if let Some(k) = p.strip_suffix("=[]") {
            req = req.with_empty(k);
        } else {
            let (k, v) = p.split_once('=').unwrap_or_else(|| panic!("bad request token {p}"));
            req = req.with_context(k, v);
        }
    }
    req
}

pub(crate) fn show(d: &Decision) -> String {
    match d {
        Decision::Allowed => "allow".into(),
        Decision::ExplicitDeny => "deny".into(),
        Decision::ImplicitDeny => "implicit".into(),
        Decision::Depends { keys } => format!("depends:{}", keys.join(",")),
    }
}

fn check_rows(rows: &[(&str, &str, &str)], make: impl Fn(&str) -> Vec<(Layer, Policy)>) -> usize {
    let mut failures = Vec::new();
    for (i, (policy, req, want)) in rows.iter().enumerate() {
        let policies = make(policy);
        let mut set = PolicySet::default();
        for (layer, p) in &policies {
            set.of_mut(*layer).push(p);
        }
        let req = request(&req.replace("$SMA", SMA));
        let got = show(&evaluate(&set, &req).decision);
        if got != *want {
            failures.push(format!("row {i}: {policy}\n    request {req:?}\n    got {got}, want {want}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows fail:\n{}", failures.len(), rows.len(), failures.join("\n"));
    rows.len()
}

/// One identity policy per row.
#[rustfmt::skip]
const IDENTITY: &[(&str, &str, &str)] = &[
    // --- actions: case-insensitive, `*` and `?` ---
    (r#"{"Effect":"Allow","Action":"chime:GetSipRule","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:getsiprule","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"CHIME:GETSIPRULE","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:GetSipRule","Resource":"*"}"#, "CHIME:getSIPrule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:Get*","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:Get*","Resource":"*"}"#, "chime:ListSipRules *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:?etSipRule","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:??tSipRule","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:?SipRule","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:Get*Rule","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:Get*Rule","Resource":"*"}"#, "chime:GetSipMediaApplication *", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"*:GetSipRule","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "s3:GetObject *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:GetSipRul","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:GetSipRules","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":["s3:GetObject","chime:GetSipRule"],"Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime-sdk-voice:GetSipRule","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Allow","Action":"chime:*","Resource":"*"}]"#, "chime:GetSipRule *", "allow"),
    // --- resources: case-sensitive, `*` crosses `:` and `/`, `?` is one character ---
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/abc"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/xyz"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/ABC"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:SMA/*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"ARN:AWS:chime:us-east-1:111122223333:sma/abc"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/abc*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/a?c"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/a?c"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/abbc", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/???"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/abcd", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-?ast-1:111122223333:sma/abc"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:*:111122223333:sma/abc"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:*:*:sma/*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    // A `*` covers several ARN segments, `:` included.
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:*:sma/abc"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:s3:*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:eu-west-1:*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/fn:*"}"#, "logs:PutLogEvents arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/fn:log-stream:2026/01/01/abc", "allow"),
    (r#"{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/fn"}"#, "logs:PutLogEvents arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/fn:log-stream:x", "implicit"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}"#, "s3:GetObject arn:aws:s3:::bucket/a/b/c.txt", "allow"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}"#, "s3:GetObject arn:aws:s3:::bucket", "implicit"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket*"}"#, "s3:GetObject arn:aws:s3:::bucket-2/x", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":["arn:aws:chime:us-east-1:111122223333:vc/x","arn:aws:chime:us-east-1:111122223333:sma/abc"]}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":["arn:aws:chime:us-east-1:111122223333:vc/x","arn:aws:chime:us-east-1:111122223333:sma/xyz"]}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    // Actions without resource-level permissions are requested on `*`.
    (r#"{"Effect":"Allow","Action":"chime:ListSipMediaApplications","Resource":"*"}"#, "chime:ListSipMediaApplications *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:ListSipMediaApplications","Resource":"arn:aws:chime:us-east-1:111122223333:sma/*"}"#, "chime:ListSipMediaApplications *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:ListSipMediaApplications","Resource":"arn:*"}"#, "chime:ListSipMediaApplications *", "implicit"),
    // A request for a pattern of resources: an Allow must cover all of them.
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/*"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/*", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:*"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/*", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/abc"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/*", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/a*"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/*", "implicit"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/secret"}]"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/*", "deny"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:vc/*"}]"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/*", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "chime:UpdateSipMediaApplicationCall *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/*"}"#, "chime:UpdateSipMediaApplicationCall *", "implicit"),
    // --- NotAction / NotResource ---
    (r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#, "iam:CreateUser *", "implicit"),
    (r#"{"Effect":"Allow","NotAction":["iam:*","chime:Delete*"],"Resource":"*"}"#, "chime:DeleteSipRule *", "implicit"),
    (r#"{"Effect":"Allow","NotAction":"IAM:*","Resource":"*"}"#, "iam:CreateUser *", "implicit"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"chime:*","Resource":"*"}]"#, "chime:GetSipRule *", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"chime:*","Resource":"*"}]"#, "s3:GetObject *", "deny"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","NotAction":"chime:Get*","Resource":"*"}]"#, "chime:GetSipRule *", "allow"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","NotAction":"chime:Get*","Resource":"*"}]"#, "chime:DeleteSipRule *", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"CHIME:*","Resource":"*"}]"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Deny","NotAction":"chime:*","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","NotResource":"arn:aws:chime:us-east-1:111122223333:sma/secret"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"*","NotResource":"arn:aws:chime:us-east-1:111122223333:sma/abc"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","NotResource":"arn:aws:chime:us-east-1:111122223333:sma/*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","NotResource":["arn:aws:s3:::*","arn:aws:iam::*"]}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","NotResource":"arn:aws:chime:us-east-1:111122223333:sma/abc"}]"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","NotResource":"arn:aws:chime:us-east-1:111122223333:sma/abc"}]"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/other", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","NotResource":"arn:aws:chime:us-east-1:111122223333:sma/abc"}]"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/*", "deny"),
    (r#"{"Effect":"Allow","NotAction":"chime:Delete*","NotResource":"arn:aws:chime:us-east-1:111122223333:sma/secret"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    // --- explicit Deny wins ---
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:DeleteSipRule","Resource":"*"}]"#, "chime:DeleteSipRule *", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:DeleteSipRule","Resource":"*"}]"#, "chime:GetSipRule *", "allow"),
    (r#"[{"Effect":"Deny","Action":"chime:DeleteSipRule","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]"#, "chime:DeleteSipRule *", "deny"),
    (r#"{"Effect":"Deny","Action":"chime:*","Resource":"*"}"#, "chime:GetSipRule *", "deny"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/other"}]"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]"#, "chime:GetSipRule * aws:RequestedRegion=us-east-1", "allow"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]"#, "chime:GetSipRule * aws:RequestedRegion=eu-west-1", "deny"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]"#, "chime:GetSipRule *", "depends:aws:RequestedRegion"),
    // A Deny that might apply does not matter when nothing allows: denied either way.
    (r#"{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}"#, "chime:GetSipRule *", "implicit"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]"#, "chime:GetSipRule *", "depends:aws:SourceVpce"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]"#, "chime:GetSipRule * aws:SourceVpce=vpce-1", "allow"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]"#, "chime:GetSipRule * aws:SourceVpce=vpce-2", "deny"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]"#, "chime:GetSipRule * !aws:SourceVpce", "deny"),
    (r#"[{"Effect":"Allow","Action":"chime:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]"#, "chime:GetSipRule *", "allow"),
    // --- String operators ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#, "chime:GetSipRule * aws:SourceAccount=111122223333", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#, "chime:GetSipRule * aws:SourceAccount=444455556666", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#, "chime:GetSipRule *", "depends:aws:SourceAccount"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#, "chime:GetSipRule * AWS:SOURCEACCOUNT=111122223333", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"Voice"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"voice*"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice-1", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"voice*"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice*", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"data"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"data"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=data", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"data"}}}"#, "chime:GetSipRule *", "depends:aws:PrincipalTag/team"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"VOICE"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"VOICE"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"VOICE"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=data", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"voice-*"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice-emea", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"voice-*"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=data-emea", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"voice-?"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice-1", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"voice-?"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice-12", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"voice-?"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice-", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":"VOICE-*"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice-1", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:chime:*:111122223333:sma/*"}}}"#, "chime:GetSipRule * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalTag/team":"voice-*"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice-1", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:PrincipalTag/team":"voice-*"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=data", "allow"),
    // Several values: OR; for a negated operator: NOR.
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":["111122223333","444455556666"]}}}"#, "chime:GetSipRule * aws:SourceAccount=444455556666", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":["111122223333","444455556666"]}}}"#, "chime:GetSipRule * aws:SourceAccount=777788889999", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":["111122223333","444455556666"]}}}"#, "chime:GetSipRule * aws:SourceAccount=444455556666", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":["111122223333","444455556666"]}}}"#, "chime:GetSipRule * aws:SourceAccount=777788889999", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/team":["voice-*","media-*"]}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=media-x", "allow"),
    // Several keys under one operator, and several operators: AND.
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule * aws:SourceAccount=111122223333 aws:PrincipalTag/team=voice", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule * aws:SourceAccount=111122223333 aws:PrincipalTag/team=data", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule * aws:SourceAccount=111122223333", "depends:aws:PrincipalTag/team"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule * aws:SourceAccount=999999999999", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333","aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule *", "depends:aws:SourceAccount,aws:PrincipalTag/team"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"StringLike":{"aws:SourceArn":"arn:aws:chime:*"}}}"#, "chime:GetSipRule * aws:SourceAccount=111122223333 aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/x", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"StringLike":{"aws:SourceArn":"arn:aws:chime:*"}}}"#, "chime:GetSipRule * aws:SourceAccount=111122223333 aws:SourceArn=arn:aws:s3:::b", "implicit"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}},{"Effect":"Allow","Action":"chime:GetSipRule","Resource":"*"}]"#, "chime:GetSipRule *", "allow"),
    // A key known absent follows IAM's rules for missing keys.
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#, "chime:GetSipRule * !aws:SourceAccount", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}"#, "chime:GetSipRule * !aws:SourceAccount", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:SourceArn":"arn:aws:s3:*"}}}"#, "chime:GetSipRule * !aws:SourceArn", "allow"),
    // --- ...IfExists ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=data", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"voice"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLikeIfExists":{"aws:SourceArn":"arn:aws:chime:*"}}}"#, "chime:GetSipRule * aws:SourceArn=arn:aws:s3:::b", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThanIfExists":{"s3:max-keys":"10"}}}"#, "s3:ListBucket *", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThanIfExists":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=20", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}"#, "chime:GetSipRule * aws:MultiFactorAuthPresent=false", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:chime:*:*:sma/*"}}}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}}"#, "chime:GetSipRule *", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]"#, "chime:GetSipRule *", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]"#, "chime:GetSipRule * aws:SourceVpce=vpce-1", "allow"),
    // --- Null ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true"}}}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true"}}}"#, "chime:GetSipRule * aws:TokenIssueTime=2026-01-01T00:00:00Z", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"false"}}}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"false"}}}"#, "chime:GetSipRule * aws:TokenIssueTime=2026-01-01T00:00:00Z", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"FALSE"}}}"#, "chime:GetSipRule * aws:TokenIssueTime=2026-01-01T00:00:00Z", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthAge":"true"}}}]"#, "chime:GetSipRule *", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthAge":"true"}}}]"#, "chime:GetSipRule * aws:MultiFactorAuthAge=30", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:RequestTag/team":"false"},"StringEquals":{"aws:RequestTag/team":"voice"}}}"#, "chime:TagResource * aws:RequestTag/team=voice", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:RequestTag/team":"false"},"StringEquals":{"aws:RequestTag/team":"voice"}}}"#, "chime:TagResource *", "implicit"),
    // --- ForAllValues / ForAnyValue ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource * aws:TagKeys=team", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource * aws:TagKeys=team aws:TagKeys=env", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource * aws:TagKeys=team aws:TagKeys=cost", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource *", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource * aws:TagKeys=[]", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource * !aws:TagKeys", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":"voice-*"}}}"#, "chime:TagResource * aws:TagKeys=voice-a aws:TagKeys=voice-b", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":"voice-*"}}}"#, "chime:TagResource * aws:TagKeys=voice-a aws:TagKeys=data", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource * aws:TagKeys=cost aws:TagKeys=env", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource * aws:TagKeys=cost", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource *", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","env"]}}}"#, "chime:TagResource * aws:TagKeys=[]", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"team"}}}"#, "chime:TagResource * aws:TagKeys=team aws:TagKeys=env", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"team"}}}"#, "chime:TagResource * aws:TagKeys=team", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringNotEquals":{"aws:TagKeys":"team"}}}"#, "chime:TagResource * aws:TagKeys=env aws:TagKeys=cost", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAllValues:StringNotEquals":{"aws:TagKeys":"team"}}}"#, "chime:TagResource * aws:TagKeys=env aws:TagKeys=team", "implicit"),
    // The AWS documentation's table for a Deny with ForAllValues:StringNotLike.
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],"Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}]"#, "iam:TagRole * aws:TagKeys=key1:legal", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],"Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}]"#, "iam:TagRole * aws:TagKeys=key1:hr aws:TagKeys=key1:personnel", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],"Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}]"#, "iam:TagRole * aws:TagKeys=key2:audit", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],"Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}]"#, "iam:TagRole *", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["iam:Tag*","iam:UnTag*"],"Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}]"#, "iam:UntagRole *", "deny"),
    // Without a qualifier, a multi-valued key: any value for a positive operator, none for a negated one.
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":"team"}}}"#, "chime:TagResource * aws:TagKeys=team aws:TagKeys=env", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:TagKeys":"team"}}}"#, "chime:TagResource * aws:TagKeys=team aws:TagKeys=env", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:TagKeys":"team"}}}"#, "chime:TagResource * aws:TagKeys=cost aws:TagKeys=env", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:TagKeys":["te*","xx"]}}}"#, "chime:TagResource * aws:TagKeys=env aws:TagKeys=team", "implicit"),
    // --- Numeric ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=5", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=10", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=15", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}"#, "s3:ListBucket *", "depends:s3:max-keys"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=10", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=11", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericGreaterThan":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=11", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericGreaterThan":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=10", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=10", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=9", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=10.0", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":10}}}"#, "s3:ListBucket * s3:max-keys=10", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":["5","10"]}}}"#, "s3:ListBucket * s3:max-keys=5", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericNotEquals":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=10", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericNotEquals":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=11", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"10"}}}"#, "s3:ListBucket * s3:max-keys=ten", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"1.5"}}}"#, "s3:ListBucket * s3:max-keys=1.25", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"0"}}}"#, "s3:ListBucket * s3:max-keys=-1", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}"#, "chime:GetSipRule * aws:MultiFactorAuthAge=100", "allow"),
    // --- Date: ISO 8601 and epoch seconds ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}"#, "chime:GetSipRule * aws:CurrentTime=2026-06-01T12:00:00Z", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}"#, "chime:GetSipRule * aws:CurrentTime=2031-01-01T00:00:00Z", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}"#, "chime:GetSipRule *", "depends:aws:CurrentTime"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"1700000000"}}}"#, "chime:GetSipRule * aws:CurrentTime=2026-01-01T00:00:00Z", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}"#, "chime:GetSipRule * aws:CurrentTime=1700000000", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:EpochTime":"1700000000"}}}"#, "chime:GetSipRule * aws:EpochTime=1800000000", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateEquals":{"aws:CurrentTime":"2026-01-01"}}}"#, "chime:GetSipRule * aws:CurrentTime=2026-01-01T00:00:00Z", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateNotEquals":{"aws:CurrentTime":"2026-01-01"}}}"#, "chime:GetSipRule * aws:CurrentTime=2026-01-01T00:00:00Z", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateNotEquals":{"aws:CurrentTime":"2026-01-01"}}}"#, "chime:GetSipRule * aws:CurrentTime=2026-01-02T00:00:00Z", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}"#, "chime:GetSipRule * aws:CurrentTime=2026-01-01T00:00:00Z", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}"#, "chime:GetSipRule * aws:CurrentTime=2026-01-01T01:00:00+01:00", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}"#, "chime:GetSipRule * aws:CurrentTime=2026-01-01T01:00:00+01:00", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}"#, "chime:GetSipRule * aws:CurrentTime=soon", "implicit"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}}]"#, "chime:GetSipRule * aws:CurrentTime=2027-06-01T00:00:00Z", "deny"),
    // --- Bool ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#, "chime:GetSipRule * aws:SecureTransport=true", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#, "chime:GetSipRule * aws:SecureTransport=false", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#, "chime:GetSipRule * aws:SecureTransport=TRUE", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true}}}"#, "chime:GetSipRule * aws:SecureTransport=true", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#, "chime:GetSipRule *", "depends:aws:SecureTransport"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]"#, "chime:GetSipRule * aws:SecureTransport=false", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]"#, "chime:GetSipRule * aws:SecureTransport=true", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]"#, "chime:GetSipRule *", "depends:aws:SecureTransport"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#, "chime:GetSipRule * aws:MultiFactorAuthPresent=yes", "implicit"),
    // --- IpAddress / NotIpAddress ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}"#, "chime:GetSipRule * aws:SourceIp=203.0.113.5", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}"#, "chime:GetSipRule * aws:SourceIp=203.0.114.5", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}"#, "chime:GetSipRule *", "depends:aws:SourceIp"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["198.51.100.0/24","203.0.113.0/24"]}}}"#, "chime:GetSipRule * aws:SourceIp=203.0.113.200", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.9"}}}"#, "chime:GetSipRule * aws:SourceIp=203.0.113.9", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.9/32"}}}"#, "chime:GetSipRule * aws:SourceIp=203.0.113.10", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}"#, "chime:GetSipRule * aws:SourceIp=10.255.1.2", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}}"#, "chime:GetSipRule * aws:SourceIp=2001:db8:1234:5678::1", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}}"#, "chime:GetSipRule * aws:SourceIp=2001:db8:1234:5679::1", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:DB8::/32"}}}"#, "chime:GetSipRule * aws:SourceIp=203.0.113.5", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}"#, "chime:GetSipRule * aws:SourceIp=203.0.113.5", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}"#, "chime:GetSipRule * aws:SourceIp=10.0.0.1", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","10.0.0.0/8"]}}}"#, "chime:GetSipRule * aws:SourceIp=10.0.0.1", "implicit"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]"#, "chime:GetSipRule * aws:SourceIp=192.0.2.9", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]"#, "chime:GetSipRule * aws:SourceIp=10.0.0.1", "deny"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]"#, "chime:GetSipRule *", "depends:aws:SourceIp"),
    // --- Arn operators: each of the six components on its own ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:*:111122223333:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:*:111122223333:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:444455556666:sma/abc", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:*:111122223333:sma/*"}}}"#, "lambda:InvokeFunction *", "depends:aws:SourceArn"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:chime:us-east-1:111122223333:sma/abc"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:chime:us-east-1:111122223333:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnNotEquals":{"aws:SourceArn":"arn:aws:chime:us-east-1:111122223333:sma/abc"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:chime:*:*:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:vc/abc", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:*:sma/abc"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:/x:*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:logs:us-east-1:111122223333:log-group:/x:log-stream:y", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:*:111122223333:SMA/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:us-?ast-1:111122223333:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:*:111122223333:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=not-an-arn", "implicit"),
    // --- BinaryEquals ---
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"aws:SourceBlob":"QmluYXJ5VmFsdWU="}}}"#, "chime:GetSipRule * aws:SourceBlob=QmluYXJ5VmFsdWU=", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"aws:SourceBlob":"QmluYXJ5VmFsdWU="}}}"#, "chime:GetSipRule * aws:SourceBlob=T3RoZXI=", "implicit"),
    // --- policy variables ---
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}"#, "s3:GetObject arn:aws:s3:::bucket/home/alice/f.txt @arn:aws:iam::111122223333:user/alice", "allow"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}"#, "s3:GetObject arn:aws:s3:::bucket/home/bob/f.txt @arn:aws:iam::111122223333:user/alice", "implicit"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}"#, "s3:GetObject arn:aws:s3:::bucket/home/alice/f.txt", "depends:aws:username"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}"#, "s3:GetObject arn:aws:s3:::bucket/home/alice/f.txt aws:username=alice", "allow"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}"#, "s3:GetObject arn:aws:s3:::other/home/alice/f.txt", "implicit"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/home/${aws:username}/*"}"#, "s3:GetObject arn:aws:s3:::bucket/home/alice/f.txt @arn:aws:sts::111122223333:assumed-role/r/alice", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/${aws:PrincipalTag/team}-*"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/voice-1 aws:PrincipalTag/team=voice", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/${aws:PrincipalTag/team}-*"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/data-1 aws:PrincipalTag/team=voice", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/${aws:principaltag/TEAM}-*"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/voice-1 aws:PrincipalTag/team=voice", "allow"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${?}"}"#, "s3:GetObject arn:aws:s3:::b/x", "implicit"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${$}x"}"#, "s3:GetObject arn:aws:s3:::b/$x", "allow"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username, 'anonymous'}"}"#, "s3:GetObject arn:aws:s3:::b/anonymous", "allow"),
    (r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username, 'anonymous'}"}"#, "s3:GetObject arn:aws:s3:::b/alice @arn:aws:iam::111122223333:user/alice", "allow"),
    (r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}]}"#, "s3:GetObject arn:aws:s3:::b/alice @arn:aws:iam::111122223333:user/alice", "implicit"),
    (r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}]}"#, "s3:GetObject arn:aws:s3:::b/${aws:username}", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}"#, "chime:GetSipRule * aws:ResourceTag/owner=alice @arn:aws:iam::111122223333:user/alice", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}"#, "chime:GetSipRule * aws:ResourceTag/owner=bob @arn:aws:iam::111122223333:user/alice", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}"#, "chime:GetSipRule * aws:ResourceTag/owner=alice", "depends:aws:username"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}}"#, "chime:GetSipRule * @arn:aws:iam::111122223333:user/alice", "depends:aws:ResourceTag/owner"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/project":"${aws:PrincipalTag/team}-*"}}}"#, "chime:GetSipRule * aws:PrincipalTag/team=voice aws:PrincipalTag/project=voice-x", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:*:${aws:PrincipalAccount}:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/abc @arn:aws:sts::111122223333:assumed-role/r/s", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/sma-handler"}}}"#, "chime:GetSipRule * @arn:aws:sts::111122223333:assumed-role/sma-handler/fn", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}}"#, "chime:GetSipRule * @arn:aws:sts::111122223333:assumed-role/sma-handler/fn", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"111122223333"}}}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    // --- values not known statically ---
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:{{AWS::AccountId}}:sma/*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "depends:${AWS::AccountId}"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:{{AWS::AccountId}}:sma/*"}"#, "chime:UpdateSipMediaApplicationCall arn:aws:s3:::bucket", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:{{AWS::AccountId}}:sma/*"}"#, "chime:UpdateSipMediaApplicationCall $SMA AWS::AccountId=111122223333", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:{{AWS::AccountId}}:sma/*"}"#, "chime:UpdateSipMediaApplicationCall $SMA AWS::AccountId=444455556666", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:{{var.region}}:{{var.account}}:sma/*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "depends:${var.region},${var.account}"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"?unknown"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "depends:an unresolved Resource entry"),
    (r#"{"Effect":"Allow","Action":"?unknown","Resource":"*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "depends:an unresolved Action entry"),
    (r#"{"Effect":"Allow","Action":["chime:UpdateSipMediaApplicationCall","?unknown"],"Resource":"*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:{{var.action}}","Resource":"*"}"#, "chime:UpdateSipMediaApplicationCall $SMA", "depends:the action `chime:${var.action}` (unresolved)"),
    (r#"{"Effect":"Allow","Action":"chime:{{var.action}}","Resource":"*"}"#, "s3:GetObject *", "implicit"),
    (r#"{"Effect":"?unknown","Action":"chime:*","Resource":"*"}"#, "chime:GetSipRule *", "depends:the statement's Effect (unresolved)"),
    (r#"{"Effect":"?unknown","Action":"s3:*","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":"?unknown"}"#, "chime:GetSipRule *", "depends:an unresolved Condition block"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"?unknown"}}}"#, "chime:GetSipRule * aws:SourceAccount=111122223333", "depends:aws:SourceAccount (compared with an unresolved value)"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":["?unknown","111122223333"]}}}"#, "chime:GetSipRule * aws:SourceAccount=111122223333", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:{{AWS::Region}}:111122223333:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:s3:::b", "implicit"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:{{AWS::Region}}:111122223333:sma/*"}}}"#, "lambda:InvokeFunction * aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/x", "depends:${AWS::Region}"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"{{var.max}}"}}}"#, "s3:ListBucket * s3:max-keys=5", "depends:s3:max-keys (compared with `${var.max}`)"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"arn:aws:chime:{{AWS::Region}}:111122223333:sma/*"}]"#, "chime:UpdateSipMediaApplicationCall $SMA", "depends:${AWS::Region}"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"arn:aws:chime:{{AWS::Region}}:111122223333:sma/*"}]"#, "s3:GetObject arn:aws:s3:::b/k", "allow"),
    (r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:*","Resource":"arn:aws:chime:{{AWS::Region}}:111122223333:sma/*"}]"#, "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:444455556666:sma/abc", "allow"),
    // --- an identity policy's stray Principal is not read ---
    (r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"chime:*","Resource":"*"}"#, "chime:GetSipRule * @arn:aws:sts::111122223333:assumed-role/r/s", "allow"),
];

#[test]
fn identity_policy_table() {
    let n = check_rows(IDENTITY, |p| vec![(Layer::Identity, to_policy(p, PolicyKind::Identity))]);
    assert!(n >= 200, "{n} rows");
}

/// Identity, boundary and SCP; each cell is a policy's statements or empty for none.
#[rustfmt::skip]
const LAYERS: &[(&str, &str, &str, &str, &str)] = &[
    // identity, boundary, scp, request, expected
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, "", "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:GetSipRule","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#, "", "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:GetSipRule","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#, "", "chime:DeleteSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:Delete*","Resource":"*"}]"#, "", "chime:DeleteSipRule *", "deny"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:us-east-1:111122223333:sma/*"}"#, "", "chime:UpdateSipMediaApplicationCall $SMA", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"arn:aws:chime:eu-west-1:111122223333:sma/*"}"#, "", "chime:UpdateSipMediaApplicationCall $SMA", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}"#, "", "chime:GetSipRule *", "depends:aws:RequestedRegion"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}"#, "", "chime:GetSipRule * aws:RequestedRegion=us-east-1", "allow"),
    (r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}"#, "", "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}"#, r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, "", "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#, "", "chime:GetSipRule *", "implicit"),
    // SCPs: a deny list unless one of them allows something.
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", r#"{"Effect":"Deny","Action":"iam:*","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#, "", r#"{"Effect":"Deny","Action":"iam:*","Resource":"*"}"#, "iam:CreateUser *", "deny"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", r#"{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}"#, "chime:GetSipRule * aws:RequestedRegion=us-east-1", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", r#"{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}"#, "chime:GetSipRule * aws:RequestedRegion=eu-west-1", "deny"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", r#"{"Effect":"Deny","Action":"chime:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}"#, "chime:GetSipRule *", "depends:aws:RequestedRegion"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", r#"[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"chime:DeleteSipRule","Resource":"*"}]"#, "chime:DeleteSipRule *", "deny"),
    (r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, "", r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    // All three.
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Deny","Action":"iam:*","Resource":"*"}"#, "chime:GetSipRule *", "allow"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#, "chime:GetSipRule *", "implicit"),
    (r#"{"Effect":"Allow","Action":"chime:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#, r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, "", "chime:GetSipRule *", "depends:aws:SecureTransport"),
    ("", r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#, "", "chime:GetSipRule *", "implicit"),
    ("", "", "", "chime:GetSipRule *", "implicit"),
];

#[test]
fn boundary_and_scp_table() {
    let mut failures = Vec::new();
    for (i, (id, boundary, scp, req, want)) in LAYERS.iter().enumerate() {
        let mk = |t: &str, k| (!t.is_empty()).then(|| to_policy(t, k));
        let (id, b, s) = (mk(id, PolicyKind::Identity), mk(boundary, PolicyKind::Boundary), mk(scp, PolicyKind::Scp));
        let set = PolicySet {
            identity: id.iter().collect(),
            boundary: b.iter().collect(),
            scps: s.iter().collect(),
            ..PolicySet::default()
        };
        let got = show(&evaluate(&set, &request(&req.replace("$SMA", SMA))).decision);
        if got != *want {
            failures.push(format!("row {i}: got {got}, want {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A resource policy alone (a Lambda function's, a bucket's) with the caller.
#[rustfmt::skip]
const RESOURCE: &[(&str, &str, &str)] = &[
    (r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/sma-handler"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @arn:aws:sts::111122223333:assumed-role/sma-handler/fn", "allow"),
    (r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/sma-handler"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @arn:aws:sts::111122223333:assumed-role/other/fn", "implicit"),
    (r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/sma-handler"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f", "depends:aws:PrincipalArn"),
    (r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/service-role/sma-handler"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @arn:aws:sts::111122223333:assumed-role/sma-handler/fn", "allow"),
    (r#"{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f", "allow"),
    (r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @arn:aws:iam::444455556666:user/x", "implicit"),
    (r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @arn:aws:sts::111122223333:assumed-role/r/s", "implicit"),
    (r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @arn:aws:sts::444455556666:assumed-role/r/s", "implicit"),
    (r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @arn:aws:iam::111122223333:user/alice", "implicit"),
    (r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#, "s3:GetObject arn:aws:s3:::b/k @arn:aws:iam::111122223333:user/bob", "implicit"),
    (r#"{"Effect":"Allow","Principal":{"Service":"voiceconnector.chime.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @voiceconnector.chime.amazonaws.com", "allow"),
    (r#"{"Effect":"Allow","Principal":{"Service":"voiceconnector.chime.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @events.amazonaws.com", "implicit"),
    (r#"{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com","voiceconnector.chime.amazonaws.com"]},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @voiceconnector.chime.amazonaws.com aws:SourceAccount=111122223333", "allow"),
    (r#"{"Effect":"Allow","Principal":{"Service":"voiceconnector.chime.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}"#, "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f @voiceconnector.chime.amazonaws.com", "depends:aws:SourceAccount"),
    (r#"[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}]"#, "s3:GetObject arn:aws:s3:::b/secret/k @arn:aws:sts::111122223333:assumed-role/admin/s", "allow"),
    (r#"[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}]"#, "s3:GetObject arn:aws:s3:::b/secret/k @arn:aws:sts::111122223333:assumed-role/dev/s", "deny"),
    (r#"[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}]"#, "s3:GetObject arn:aws:s3:::b/public/k @arn:aws:sts::111122223333:assumed-role/dev/s", "allow"),
];

#[test]
fn resource_policy_table() {
    check_rows(RESOURCE, |p| vec![(Layer::Resource, to_policy(p, PolicyKind::Resource))]);
}

#[test]
fn the_tables_are_large() {
    assert!(IDENTITY.len() + LAYERS.len() + RESOURCE.len() >= 250);
}

fn eval_one(statements: &str, req: &str) -> (Policy, Request) {
    (to_policy(statements, PolicyKind::Identity), request(&req.replace("$SMA", SMA)))
}

#[test]
fn deciding_statements_carry_their_location_and_sid() {
    let (p, req) = eval_one(
        r#"[
  {"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"},
  {"Sid": "NoDelete", "Effect": "Deny", "Action": "chime:Delete*", "Resource": "*"}
]"#,
        "chime:DeleteSipRule *",
    );
    let set = PolicySet::identity([&p]);
    let ev = evaluate(&set, &req);
    assert_eq!(ev.decision, Decision::ExplicitDeny);
    let d: Vec<_> = ev.deciding().map(|r| (r.at.sid(), r.at.location())).collect();
    assert_eq!(d, [(Some("NoDelete"), "case.json:3:3".to_string())]);
    let allowed = evaluate(&set, &request("chime:GetSipRule *"));
    let d: Vec<_> = allowed.deciding().map(|r| r.at.sid()).collect();
    assert_eq!(d, [Some("All")]);
}

#[test]
fn implicit_deny_names_the_closest_statement() {
    let wrong_resource = r#"[
  {"Sid": "Logs", "Effect": "Allow", "Action": "logs:*", "Resource": "*"},
  {"Sid": "Calls", "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall", "Resource": "arn:aws:chime:us-east-1:111122223333:sma/xyz"}
]"#;
    let (p, req) = eval_one(wrong_resource, "chime:UpdateSipMediaApplicationCall $SMA");
    let ev = evaluate(&PolicySet::identity([&p]), &req);
    assert_eq!((ev.decision.clone(), ev.denied_in), (Decision::ImplicitDeny, Some(Layer::Identity)));
    let near = ev.closest.expect("closest");
    assert_eq!(near.at.sid(), Some("Calls"));
    assert_eq!(near.why, Miss::Resource { resources: vec!["arn:aws:chime:us-east-1:111122223333:sma/xyz".into()] });

    let misspelt =
        r#"{"Sid": "Calls", "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCalls", "Resource": "*"}"#;
    let (p, req) = eval_one(misspelt, "chime:UpdateSipMediaApplicationCall $SMA");
    let ev = evaluate(&PolicySet::identity([&p]), &req);
    assert!(
        matches!(&ev.closest.as_ref().unwrap().why, Miss::MisspeltAction { written, .. } if written == "chime:UpdateSipMediaApplicationCalls"),
        "{:?}",
        ev.closest
    );

    let star_only = r#"{"Effect": "Allow", "Action": "chime:ListSipMediaApplications", "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*"}"#;
    let (p, req) = eval_one(star_only, "chime:ListSipMediaApplications *");
    let ev = evaluate(&PolicySet::identity([&p]), &req);
    assert!(matches!(ev.closest.unwrap().why, Miss::ResourceNeedsStar { .. }));

    let condition = r#"{"Effect": "Allow", "Action": "chime:*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}"#;
    let (p, req) = eval_one(condition, "chime:GetSipRule * aws:RequestedRegion=us-east-1");
    let ev = evaluate(&PolicySet::identity([&p]), &req);
    assert_eq!(ev.closest.unwrap().why, Miss::Condition { keys: vec!["aws:RequestedRegion".into()] });

    let other = r#"{"Effect": "Allow", "Action": "chime:GetSipMediaApplication", "Resource": "arn:aws:chime:us-east-1:111122223333:sma/*"}"#;
    let (p, req) = eval_one(other, "chime:UpdateSipMediaApplicationCall $SMA");
    let ev = evaluate(&PolicySet::identity([&p]), &req);
    assert!(matches!(ev.closest.unwrap().why, Miss::OtherAction { .. }));

    let unrelated = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#;
    let (p, req) = eval_one(unrelated, "chime:UpdateSipMediaApplicationCall $SMA");
    assert!(evaluate(&PolicySet::identity([&p]), &req).closest.is_none());
}

#[test]
fn boundary_denial_is_attributed_to_the_boundary() {
    let id = to_policy(r#"{"Effect":"Allow","Action":"chime:*","Resource":"*"}"#, PolicyKind::Identity);
    let b =
        to_policy(r#"{"Sid":"OnlyRead","Effect":"Allow","Action":"chime:Get*","Resource":"*"}"#, PolicyKind::Boundary);
    let set = PolicySet { identity: vec![&id], boundary: vec![&b], ..PolicySet::default() };
    let ev = evaluate(&set, &request("chime:DeleteSipRule *"));
    assert_eq!((ev.decision.clone(), ev.denied_in), (Decision::ImplicitDeny, Some(Layer::Boundary)));
    let ok = evaluate(&set, &request("chime:GetSipRule *"));
    let layers: Vec<_> = ok.deciding().map(|r| r.layer).collect();
    assert_eq!(layers, [Layer::Identity, Layer::Boundary]);
}

#[test]
fn depends_lists_the_undecided_statements() {
    let (p, req) = eval_one(
        r#"[{"Sid":"A","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:chime:*:111122223333:sma/*"}}},
            {"Sid":"B","Effect":"Allow","Action":"s3:*","Resource":"*"}]"#,
        "lambda:InvokeFunction arn:aws:lambda:us-east-1:111122223333:function:f",
    );
    let ev = evaluate(&PolicySet::identity([&p]), &req);
    assert_eq!(ev.decision, Decision::Depends { keys: vec!["aws:SourceArn".into()] });
    assert_eq!(ev.deciding().map(|r| r.at.sid()).collect::<Vec<_>>(), [Some("A")]);
}

/// Speed: `cargo test --release --test simulator -- --ignored --nocapture engine_speed`.
/// Evaluates requests against one set of 500 policies of 12 statements each.
#[test]
#[ignore]
fn engine_speed() {
    let generate = |resource: &dyn Fn(usize, usize) -> String| -> Vec<Policy> {
        (0..500)
            .map(|i| {
                let statements: Vec<String> = (0..12)
                    .map(|j| {
                        format!(
                            r#"{{"Sid":"S{j}","Effect":"{}","Action":["chime:Get*","chime:UpdateSipMediaApplicationCall","logs:PutLogEvents"],
                               "Resource":"{}",
                               "Condition":{{"StringEquals":{{"aws:RequestedRegion":"us-east-1"}},"ArnLike":{{"aws:SourceArn":"arn:aws:chime:*:111122223333:sma/*"}}}}}}"#,
                            if j == 11 { "Deny" } else { "Allow" },
                            resource(i, j)
                        )
                    })
                    .collect();
                to_policy(&format!("[{}]", statements.join(",")), PolicyKind::Identity)
            })
            .collect()
    };
    let narrow = generate(&|i, j| format!("arn:aws:chime:us-east-1:111122223333:sma/app-{i}-{j}-*"));
    let wide = generate(&|_, _| "arn:aws:chime:us-east-1:111122223333:sma/*".to_string());
    let context = "aws:SourceArn=arn:aws:chime:us-east-1:111122223333:sma/y";
    let typical = request(&format!(
        "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/app-250-3-x aws:RequestedRegion=us-east-1 {context}"
    ));
    // Every statement matches action and resource, so every condition is evaluated (and fails).
    let worst = request(&format!(
        "chime:UpdateSipMediaApplicationCall arn:aws:chime:us-east-1:111122223333:sma/app-1 aws:RequestedRegion=eu-west-1 {context}"
    ));
    let n = 100;
    for (name, policies, req, want) in [
        ("one statement matches", &narrow, &typical, Decision::Allowed),
        ("every condition evaluated", &wide, &worst, Decision::ImplicitDeny),
    ] {
        let set = PolicySet::identity(policies);
        let start = std::time::Instant::now();
        let mut ok = 0;
        for _ in 0..n {
            ok += usize::from(evaluate(&set, req).decision == want);
        }
        let per = start.elapsed() / n;
        println!("engine ({name}): {} statements, {per:?} per evaluation", 500 * 12);
        assert_eq!(ok, n as usize);
    }
}
