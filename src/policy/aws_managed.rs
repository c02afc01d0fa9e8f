//! AWS managed policies as policies: a bundled document
//! ([`crate::catalog::managed_policies`]) read by the same grammar as the
//! project's own, in a source of its own named `aws-managed:<name>`, so the
//! engine decides on what it grants and a deciding statement can point into it.
//!
//! A policy is read once per process and kept (there are some 1,600 of them, and
//! a run reads the few its roles attach). Its text is the document laid out
//! one element a line, so a position in it reads like one in the IAM console.

use super::{parse_policy, Policy, PolicyDoc, PolicyKind};
use crate::catalog::managed_policies::{self, ManagedPolicy};
use crate::source::SourceFile;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The path of the source an AWS managed policy is read from.
pub const SOURCE_PREFIX: &str = "aws-managed:";

/// True for a policy read from the bundled AWS managed policies: rules report
/// nothing inside one (it is not the project's to edit), only at its attachment.
pub fn is_aws_managed(p: &Policy) -> bool {
    p.source.path.starts_with(SOURCE_PREFIX)
}

/// The AWS managed policy a reference names, read as a policy: an ARN in the
/// `aws` policy namespace of an AWS partition (a hole such as `${AWS::Partition}`
/// reads as `aws`), or, with `bare_names`, a name alone, as SAM `Policies`
/// lists one. The documents are those of the `aws` partition; for another
/// partition their ARNs are written in it (`arn:aws-cn:...`).
pub fn lookup(reference: &str, bare_names: bool) -> Option<&'static Policy> {
    let (found, partition) = match managed_policies::by_arn(reference) {
        Some((p, hole)) if hole.starts_with("${") => (p, "aws"),
        Some((p, partition)) => (p, *PARTITIONS.iter().find(|&&q| q == partition)?),
        None if bare_names => (managed_policies::by_name(reference)?, "aws"),
        None => return None,
    };
    read(found, partition)
}

/// The AWS partitions. An ARN in another is no AWS managed policy (and a
/// policy is read once per partition, so their number bounds the memory).
const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

fn read(found: ManagedPolicy, partition: &str) -> Option<&'static Policy> {
    static READ: OnceLock<Mutex<HashMap<(&'static str, String), &'static Policy>>> = OnceLock::new();
    let cache = READ.get_or_init(Mutex::default);
    let key = (found.name(), partition.to_string());
    if let Some(p) = cache.lock().ok()?.get(&key) {
        return Some(p);
    }
    let mut text = lay_out(found.document()?);
    if partition != "aws" {
        text = text.replace("arn:aws:", &format!("arn:{partition}:"));
    }
    let node = crate::syntax::json::parse(&text).ok()?;
    let doc = PolicyDoc {
        source: SourceFile::new(format!("{SOURCE_PREFIX}{}", found.name()), text),
        node,
        kind: PolicyKind::Identity,
        origin: Some(found.arn(partition)),
        version_implied: false,
    };
    let policy = parse_policy(&doc, &mut Vec::new());
    let mut cache = cache.lock().ok()?;
    // Kept for the process: bounded by the number of policies and partitions.
    Some(*cache.entry(key).or_insert_with(|| Box::leak(Box::new(policy))))
}

/// Minified JSON laid out one member or item a line, indented by four spaces,
/// keys in their order.
fn lay_out(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 3 / 2);
    let mut depth = 0usize;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', depth * 4));
    };
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                if chars.peek().is_some_and(|n| *n == '}' || *n == ']') {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_managed_policy_reads_as_a_policy_with_positions() {
        let arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
        let p = lookup(arn, false).expect("bundled");
        assert!(is_aws_managed(p));
        assert_eq!(p.source.path, "aws-managed:AWSLambdaBasicExecutionRole");
        assert_eq!(p.origin.as_deref(), Some(arn));
        assert_eq!(p.kind, PolicyKind::Identity);
        let action = &p.statements[0].action.as_ref().unwrap().values[0];
        assert_eq!(p.source.slice(action.span), "\"logs:CreateLogGroup\"");
        assert_eq!(p.source.position(action.span.start).line, 7);
        // Read once: the same policy again.
        assert!(std::ptr::eq(p, lookup(arn, false).unwrap()));
        // SAM's spelling and a bare name (only where bare names are allowed).
        let sam = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
        assert!(std::ptr::eq(p, lookup(sam, false).unwrap()));
        assert!(std::ptr::eq(p, lookup("AWSLambdaBasicExecutionRole", true).unwrap()));
        assert!(lookup("AWSLambdaBasicExecutionRole", false).is_none());
        assert!(lookup("arn:aws:iam::111122223333:policy/AWSLambdaBasicExecutionRole", true).is_none());
        assert!(lookup("arn:aws-nope:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", true).is_none());
    }

    #[test]
    fn another_partition_has_its_arns() {
        let cn = lookup("arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess", false).expect("bundled");
        assert_eq!(cn.origin.as_deref(), Some("arn:aws-cn:iam::aws:policy/AmazonS3ReadOnlyAccess"));
        let aws = lookup("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", false).unwrap();
        assert!(!std::ptr::eq(cn, aws));
        let api = lookup("arn:aws-us-gov:iam::aws:policy/AmazonAPIGatewayAdministrator", false).unwrap();
        assert!(api.source.text.contains("arn:aws-us-gov:apigateway:") && !api.source.text.contains("arn:aws:"));
    }

    /// The grammar reads every bundled document without a syntax finding,
    /// laid out as the engine reads it.
    #[test]
    fn every_bundled_document_reads_without_a_syntax_finding() {
        let mut n = 0;
        for found in managed_policies::all() {
            let text = lay_out(found.document().unwrap());
            let node = crate::syntax::json::parse(&text).unwrap_or_else(|e| panic!("{}: {e:?}", found.name()));
            let doc = PolicyDoc {
                source: SourceFile::new(found.name(), text),
                node,
                kind: PolicyKind::Identity,
                origin: None,
                version_implied: false,
            };
            let mut findings = Vec::new();
            let policy = parse_policy(&doc, &mut findings);
            let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
            assert!(rules.is_empty() && !policy.statements.is_empty(), "{}: {rules:?}", found.name());
            n += 1;
        }
        assert_eq!(n, managed_policies::count());
    }

    #[test]
    fn lay_out_keeps_strings_and_order() {
        let text = lay_out(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"a,b:{\"c\"}"}]}"#,
        );
        assert_eq!(
            text,
            "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Action\": [],\n            \"Resource\": \"a,b:{\\\"c\\\"}\"\n        }\n    ]\n}\n"
        );
    }
}
