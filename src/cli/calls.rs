//! `policy-lint calls`: per Lambda function, the SDK calls its code makes
//! (file:line), the actions each needs, and whether the function's role
//! allows each ([`crate::code`], decided as `sdk-call-denied` decides).
//! `--policy FUNCTION` prints the least-privilege policy those calls need.
//!
//! Exit codes: 0 when no call is denied; 1 when one is, or when `--policy`
//! has no resolved call to write a policy from though the code makes calls;
//! 2 on usage errors (no such function, paths that do not exist).

use crate::cli::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::code::FunctionCode;
use crate::config::Config;
use crate::rules::sdk_call_denied::{decide, Decided, Verdict};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CallsFormat {
    Human,
    Json,
}

/// How `--policy` writes the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PolicyFormat {
    /// A policy document.
    Json,
    /// CloudFormation / SAM: the document under `PolicyDocument:`.
    Yaml,
    /// Terraform: a `data "aws_iam_policy_document"` block.
    Hcl,
}

#[derive(clap::Args, Debug)]
pub struct CallsArgs {
    /// Print the least-privilege policy that this function's calls need:
    /// its address or logical id.
    #[arg(long, value_name = "FUNCTION")]
    pub policy: Option<String>,
    /// How `--policy` writes it.
    #[arg(long, value_enum, default_value_t = PolicyFormat::Json)]
    pub policy_format: PolicyFormat,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CallsFormat::Human)]
    pub format: CallsFormat,
    /// Files and directories to read.
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
}

pub fn calls(args: &CallsArgs, out: &mut dyn Write) -> u8 {
    let config = Config { select: Some(Vec::new()), ..Config::default() };
    let report = crate::lint::lint_with_model(&args.paths, &config);
    for e in &report.errors {
        eprintln!("policy-lint: {}: {}", e.path, e.message);
    }
    if report.errors.iter().any(|e| e.missing_root) {
        return EXIT_ERROR;
    }
    let boundary = crate::boundary::Boundary::around(&args.paths);
    let code = crate::code::read(&report.index, &boundary, config.max_file_size);
    let decided = decide(&report.policies, &report.index, &code);
    if let Some(function) = &args.policy {
        let Some(d) = decided.iter().find(|d| d.code.function == *function) else {
            let known: Vec<&str> = code.iter().map(|f| f.function.as_str()).collect();
            eprintln!("policy-lint: no function `{function}` with code in the project; known: {}", known.join(", "));
            return EXIT_ERROR;
        };
        let statements = least_privilege(d.code);
        let unresolved = d.code.calls.iter().filter(|c| !c.resolved()).count();
        if unresolved > 0 && statements.is_empty() {
            eprintln!("policy-lint: no call of `{function}` resolved to actions ({unresolved} did not; `policy-lint calls` lists them): no policy written");
            return EXIT_FINDINGS;
        }
        if unresolved > 0 {
            eprintln!("policy-lint: warning: {unresolved} call(s) of `{function}` did not resolve to actions (`policy-lint calls` lists them): the policy lacks what they need");
        }
        let text = match args.policy_format {
            PolicyFormat::Json => {
                let doc = json!({ "Version": "2012-10-17", "Statement": statements.iter().map(|(r, a)| {
                    let action = if a.len() == 1 { json!(a[0]) } else { json!(a) };
                    json!({ "Effect": "Allow", "Action": action, "Resource": r })
                }).collect::<Vec<_>>() });
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            }
            PolicyFormat::Yaml => {
                let mut t = String::from("Version: \"2012-10-17\"\nStatement:\n");
                for (resource, actions) in &statements {
                    t.push_str("  - Effect: Allow\n    Action:\n");
                    for a in actions {
                        t.push_str(&format!("      - {a}\n"));
                    }
                    t.push_str(&format!("    Resource: {}\n", json!(resource)));
                }
                t.trim_end().to_string()
            }
            PolicyFormat::Hcl => {
                let name: String = function
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
                    .collect();
                let mut t = format!("data \"aws_iam_policy_document\" \"{name}\" {{\n");
                for (resource, actions) in &statements {
                    let list = |v: &[String]| v.iter().map(|x| hcl_string(x)).collect::<Vec<_>>().join(", ");
                    t.push_str(&format!(
                        "  statement {{\n    effect    = \"Allow\"\n    actions   = [{}]\n    resources = [{}]\n  }}\n",
                        list(actions),
                        list(std::slice::from_ref(resource))
                    ));
                }
                t.push('}');
                t
            }
        };
        let _ = writeln!(out, "{text}");
        return EXIT_OK;
    }
    let denied =
        decided.iter().flat_map(|d| d.verdicts.iter().flatten()).any(|(_, v)| matches!(v, Verdict::Denied { .. }));
    match args.format {
        CallsFormat::Json => {
            let functions: Vec<Json> = decided.iter().map(function_json).collect();
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json!({ "functions": functions })).unwrap_or_default()
            );
        }
        CallsFormat::Human => {
            if decided.is_empty() {
                let _ = writeln!(out, "no Lambda function with code found in {}", args.paths.join(" "));
            }
            for d in &decided {
                human(d, out);
            }
        }
    }
    if denied {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn at(source: &crate::source::Source, span: crate::source::Span) -> (String, usize, usize) {
    let p = source.position(span.start);
    (source.path.clone(), p.line, p.column)
}

fn human(d: &Decided, out: &mut dyn Write) {
    let f = d.code;
    let (path, line, column) = at(&f.site.source, f.site.span);
    let _ = writeln!(out, "function {} ({path}:{line}:{column})", f.function);
    let role = match (&d.role, &d.role_unknown) {
        (Some(p), _) => p.label.clone(),
        (None, Some(why)) => format!("unknown: {why}"),
        (None, None) => "unknown".into(),
    };
    let _ = writeln!(out, "  role: {role}");
    let complete = if f.complete { "all read and resolved" } else { "not all read or resolved" };
    let _ = writeln!(out, "  code: {} ({} file(s); {complete})", f.location, f.files.len());
    for (call, verdicts) in f.calls.iter().zip(&d.verdicts) {
        let (path, line, column) = at(&call.source, call.span);
        let service = call.service.as_deref().unwrap_or("?");
        let how = if call.inferred { " (a client made in another file or passed in)" } else { "" };
        let _ = writeln!(out, "  {path}:{line}:{column}  {service} {}{how}", call.method);
        if let Some(r) = call.resource.as_deref().or(call.resource_note.as_deref()) {
            let _ = writeln!(out, "      resource: {r}");
        }
        match &call.needs {
            crate::code::sdk::Needs::Unknown(why) => {
                let _ = writeln!(out, "      unknown call: {why}");
            }
            _ => {
                for (action, v) in verdicts {
                    let why = match v {
                        Verdict::Allowed => String::new(),
                        Verdict::Denied { reason, .. } => format!(": {reason}"),
                        Verdict::Unknown(why) => format!(": {why}"),
                    };
                    let _ = writeln!(out, "      {action}  {}{why}", v.as_str());
                }
            }
        }
    }
    for n in &f.notes {
        let at = n.at.as_ref().map(|(s, sp)| {
            let (p, l, c) = at(s, *sp);
            format!("{p}:{l}:{c}: ")
        });
        let _ = writeln!(out, "  note: {}{}", at.unwrap_or_default(), n.message);
    }
    let _ = writeln!(out);
}

fn function_json(d: &Decided) -> Json {
    let f = d.code;
    let (path, line, column) = at(&f.site.source, f.site.span);
    let calls: Vec<Json> = f
        .calls
        .iter()
        .zip(&d.verdicts)
        .map(|(c, verdicts)| {
            let (path, line, column) = at(&c.source, c.span);
            let unknown = match &c.needs {
                crate::code::sdk::Needs::Unknown(why) => Some(why.clone()),
                _ => None,
            };
            json!({
                "path": path, "line": line, "column": column,
                "service": c.service, "method": c.method,
                "dynamic": c.dynamic, "inferred": c.inferred, "unknown": unknown,
                "resource": c.resource, "resource_note": c.resource_note,
                "actions": verdicts.iter().map(|(a, v)| {
                    let reason = match v {
                        Verdict::Allowed => None,
                        Verdict::Denied { reason, .. } | Verdict::Unknown(reason) => Some(reason.clone()),
                    };
                    json!({ "action": a, "decision": v.as_str(), "reason": reason })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let notes: Vec<Json> = f
        .notes
        .iter()
        .map(|n| {
            let (p, l, c) = n.at.as_ref().map_or((None, None, None), |(s, sp)| {
                let (p, l, c) = at(s, *sp);
                (Some(p), Some(l), Some(c))
            });
            json!({ "message": n.message, "path": p, "line": l, "column": c })
        })
        .collect();
    json!({
        "function": f.function, "path": path, "line": line, "column": column,
        "role": d.role.as_ref().map(|p| p.label.clone()), "role_unknown": d.role_unknown,
        "code": f.location, "complete": f.complete,
        "files": f.files.iter().map(|s| s.path.clone()).collect::<Vec<_>>(),
        "calls": calls, "notes": notes,
    })
}

/// One statement per resource, with the actions that need it, sorted: the
/// resource is the call's ARN when known, else the action's ARN format (`*`
/// for the parts the code does not show), or `*` for actions without resources.
/// An action of several resource types, with the resource unknown, gets each
/// type's format: the first alone would deny a call on another type.
fn least_privilege(f: &FunctionCode) -> Vec<(String, Vec<String>)> {
    use crate::analysis::explain_denied::FixStatement;
    let mut by_resource: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &f.calls {
        for a in c.actions() {
            let req = crate::analysis::Request::new(a.clone(), c.resource.clone().unwrap_or_else(|| "*".into()));
            let st = FixStatement::for_request(&req, None);
            let patterns = FixStatement::resource_patterns(a);
            let resources = match c.resource {
                None if patterns.len() > 1 => patterns,
                _ => vec![st.resource],
            };
            for resource in resources {
                let actions = by_resource.entry(resource).or_default();
                if !actions.contains(&st.action) {
                    actions.push(st.action.clone());
                }
            }
        }
    }
    by_resource
        .into_iter()
        .map(|(r, mut a)| {
            a.sort();
            (r, a)
        })
        .collect()
}

/// A Terraform string: `${` and `%{` escaped.
fn hcl_string(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"").replace("${", "$${").replace("%{", "%%{");
    format!("\"{escaped}\"")
}
