//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF
//! viewers read it.
//!
//! - `tool.driver.rules` lists every rule that fired, with its summary, the
//!   first section of its documentation, its whole documentation as help, and
//!   `properties.security-severity` (so code scanning ranks the alerts).
//! - Each result points at a relative, `/`-separated, %-encoded artifact URI
//!   and a 1-based region. Columns count characters (`columnKind` is
//!   `unicodeCodePoints`), as the other formats do.
//! - `partialFingerprints` hash the rule, the path, the text of the element
//!   and its occurrence among identical ones (the baseline's key): line
//!   numbers are not part of them, so lines inserted elsewhere in the file
//!   leave them unchanged and code scanning keeps tracking the same alert.

use crate::finding::{Finding, Severity};
use crate::outcome::Report;
use crate::rules::{Category, RuleMeta};
use serde::ser::SerializeSeq;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "policyLint/v1";

pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    crate::escape::json_pretty(&mut *w, &log(report))?;
    writeln!(w)
}

/// The SARIF log of a report. Keys are in the order serde_json gives a
/// `Value`'s (sorted), so the output reads the same either way.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    invocations: Value,
    results: Results<'a>,
    tool: Value,
}

/// The results, each built as it is written: the log of a large run is
/// never held in memory whole.
struct Results<'a> {
    findings: &'a [Finding],
    rule_index: BTreeMap<&'static str, usize>,
    fingerprints: Vec<String>,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.findings.len()))?;
        for (f, hash) in self.findings.iter().zip(&self.fingerprints) {
            seq.serialize_element(&result(f, self.rule_index[f.rule], hash))?;
        }
        seq.end()
    }
}

fn log(report: &Report) -> Log<'_> {
    // Rules in id order, each with the severity its findings were reported at.
    let mut fired: BTreeMap<&'static str, Severity> = BTreeMap::new();
    for f in &report.findings {
        fired.entry(f.rule).or_insert(f.severity);
    }
    let rule_index = fired.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules: Vec<Value> = fired.iter().map(|(id, severity)| rule(id, *severity)).collect();
    let fingerprints = fingerprints(&report.findings);
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.path, e.message) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": artifact_uri(&e.path) } } }],
            })
        })
        .collect();
    let mut driver = json!({
        "name": "policy-lint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    if let Some(uri) = information_uri() {
        driver["informationUri"] = json!(uri);
    }
    Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: json!([{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }]),
            results: Results { findings: &report.findings, rule_index, fingerprints },
            tool: json!({ "driver": driver }),
        }],
        version: "2.1.0",
    }
}

/// The project's home page, from the package metadata.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")].into_iter().find(|u| u.starts_with("https://"))
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// On GitHub's scale: 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

fn precision(category: Category) -> &'static str {
    match category {
        Category::Syntax | Category::Validity | Category::Meta => "very-high",
        Category::LeastPrivilege | Category::Gap | Category::Quota | Category::Network => "high",
    }
}

fn rule(id: &str, severity: Severity) -> Value {
    let Some(meta) = crate::rules::find(id).map(|r| r.meta) else {
        return json!({ "id": id, "shortDescription": { "text": id } });
    };
    let doc = unindent(meta.doc);
    json!({
        "id": meta.id,
        "name": camel_case(meta.id),
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": what_it_does(meta) },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": level(severity) },
        "properties": {
            "security-severity": security_severity(severity),
            "precision": precision(meta.category),
            "tags": ["security", "iam", meta.category.as_str()],
        },
    })
}

/// `unknown-action` → `UnknownAction` (SARIF's `name` is an identifier).
fn camel_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// Doc comments keep the single leading space rustdoc adds; drop it.
fn unindent(doc: &str) -> String {
    doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n").trim().to_string()
}

/// The text of the doc's *What it does* section, as one paragraph.
fn what_it_does(meta: &RuleMeta) -> String {
    let doc = unindent(meta.doc);
    let body: Vec<&str> = doc
        .lines()
        .skip_while(|l| !l.starts_with("## What it does"))
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if body.is_empty() {
        meta.summary.to_string()
    } else {
        body.join(" ")
    }
}

fn result(f: &Finding, rule_index: usize, fingerprint: &str) -> Value {
    let (start, end) = super::range(f);
    let mut message = f.message.clone();
    if let Some(help) = &f.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<Value> = f
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (s, e) = (l.start, l.end);
            json!({
                "id": i + 1,
                "message": { "text": l.message },
                "physicalLocation": physical(&l.source.path, s, e),
            })
        })
        .collect();
    let mut r = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [{ "physicalLocation": physical(&f.source.path, start, end) }],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    });
    if !related.is_empty() {
        r["relatedLocations"] = json!(related);
    }
    if let Some(fix) = &f.fix {
        r["fixes"] = json!([sarif_fix(f, fix)]);
    }
    r
}

/// A `fix` object: one artifact change with a replacement an edit, each
/// region in lines and columns (as the run's `columnKind` counts them; an
/// empty region inserts). `properties.applicability` says safe or unsafe.
fn sarif_fix(f: &Finding, fix: &crate::finding::Fix) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {
                    "startLine": e.start_position.line,
                    "startColumn": e.start_position.column,
                    "endLine": e.end_position.line,
                    "endColumn": e.end_position.column,
                },
                "insertedContent": { "text": e.text },
            })
        })
        .collect();
    let description = match fix.applicability {
        crate::finding::Applicability::Safe => "safe fix (policy-lint --fix)",
        crate::finding::Applicability::Unsafe => {
            "unsafe fix: changes what is granted (policy-lint --fix --unsafe-fixes)"
        }
    };
    json!({
        "description": { "text": f.help.as_deref().unwrap_or(description) },
        "artifactChanges": [{
            "artifactLocation": { "uri": artifact_uri(&f.source.path) },
            "replacements": replacements,
        }],
        "properties": { "applicability": fix.applicability.as_str() },
    })
}

fn physical(path: &str, start: crate::source::Position, end: crate::source::Position) -> Value {
    json!({
        "artifactLocation": { "uri": artifact_uri(path) },
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
        },
    })
}

/// A path as a URI reference: relative paths stay relative (with `/`),
/// absolute ones become `file:` URIs; everything outside the unreserved
/// characters is %-encoded.
pub fn artifact_uri(path: &str) -> String {
    let p = with_forward_slashes(path);
    let bytes = p.as_bytes();
    let drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if drive {
        format!("file:///{}:{}", &p[..1], encode(&p[2..]))
    } else if p.starts_with('/') {
        format!("file://{}", encode(&p))
    } else {
        encode(&p)
    }
}

/// `\\` separates directories on Windows only: elsewhere it is a character
/// of the file's name, kept (and %-encoded).
#[cfg(windows)]
fn with_forward_slashes(path: &str) -> std::borrow::Cow<'_, str> {
    path.replace('\\', "/").into()
}

#[cfg(not(windows))]
fn with_forward_slashes(path: &str) -> std::borrow::Cow<'_, str> {
    path.into()
}

/// Everything but the unreserved characters of RFC 3986 and `/`.
const PATH: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, PATH).to_string()
}

/// Each finding's fingerprint: its rule, path (`/`-separated), element text
/// and occurrence, not its line, so it survives lines added above it. SARIF's
/// `partialFingerprints` and GitLab's `fingerprint` are these.
pub fn fingerprints(findings: &[Finding]) -> Vec<String> {
    crate::baseline::keys(findings, |p| with_forward_slashes(p).into_owned())
        .into_iter()
        .map(|(key, occurrence)| fingerprint(&[&key.rule, &key.path, &key.text, &occurrence.to_string()]))
        .collect()
}

/// Paths as URIs and reports want them: `/` between directories.
pub fn forward_slashes(path: &str) -> std::borrow::Cow<'_, str> {
    with_forward_slashes(path)
}

/// A stable 128-bit FNV-1a hash of the parts, as hex (the same on every
/// platform and version, unlike the standard library's hasher).
pub fn fingerprint(parts: &[&str]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff; // a byte UTF-8 text never contains
            h = h.wrapping_mul(PRIME);
        }
        for b in part.bytes() {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_encoded_and_forward_slashed() {
        assert_eq!(artifact_uri("infra/iam policy.json"), "infra/iam%20policy.json");
        assert_eq!(artifact_uri("../x/é.tf"), "../x/%C3%A9.tf");
        assert_eq!(artifact_uri("/abs/a.json"), "file:///abs/a.json");
        assert_eq!(artifact_uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(artifact_uri("a:b.json"), "a%3Ab.json");
    }

    #[cfg(windows)]
    #[test]
    fn windows_separators_become_slashes() {
        assert_eq!(artifact_uri("infra\\a#1.json"), "infra/a%231.json");
        assert_eq!(artifact_uri("C:\\repo\\a.json"), "file:///C:/repo/a.json");
    }

    /// On Unix `\` is a character of a file's name, not a separator.
    #[cfg(not(windows))]
    #[test]
    fn backslashes_are_kept_and_encoded() {
        assert_eq!(artifact_uri("infra\\a#1.json"), "infra%5Ca%231.json");
        assert_eq!(artifact_uri("/abs/a\\b.json"), "file:///abs/a%5Cb.json");
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["a"]).len(), 32);
        assert_eq!(fingerprint(&["x", "y"]), fingerprint(&["x", "y"]));
    }

    #[test]
    fn rule_descriptions_come_from_the_docs() {
        let meta = &crate::rules::unknown_action::UNKNOWN_ACTION;
        assert!(what_it_does(meta).starts_with("Flags an action that its service does not have"));
        assert_eq!(camel_case("unknown-action"), "UnknownAction");
    }
}
