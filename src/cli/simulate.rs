//! `policy-lint simulate` and `policy-lint explain-denied`: the command-line
//! shells over [`crate::analysis`].
//!
//! Exit codes of `simulate`: 0 allowed; 1 denied (explicitly or implicitly)
//! **or undecided** ("depends on aws:SourceArn": the engine cannot prove it
//! allowed, so a script that needs the access must not go ahead); 2 usage
//! errors (unknown principal, bad arguments, no policies).
//! `explain-denied` exits 0 when it explains the denial, 1 when the
//! repository's policies allow the request (the message does not match the
//! code: the deny comes from elsewhere), 2 on usage errors.

use crate::analysis::explain_denied::{
    self, decision_words, describe_near_miss, describe_outcome, describe_set, AccessDenied,
};
use crate::analysis::principal::{self, Principal};
use crate::analysis::{evaluate, Decision, Evaluation, Layer, Request, StatementRef};
use crate::cli::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::Config;
use crate::outcome::Report;
use crate::policy::{Effect, Policy, PolicyKind};
use serde_json::{json, Value as Json};
use std::io::Write;

/// Output of `simulate` and `explain-denied`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimFormat {
    Human,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct SimulateArgs {
    /// The action, `service:Name` (no wildcards).
    #[arg(long)]
    pub action: String,
    /// The resource ARN; a pattern (`.../sma/*`) stands for every resource it names.
    /// May be left out for actions that take only `*`.
    #[arg(long)]
    pub resource: Option<String>,
    /// Whose policies: a Terraform address, a CloudFormation logical id, a role name, or a policy file.
    /// Optional when the project has one role, or only policy files (then they are the set).
    #[arg(long)]
    pub principal: Option<String>,
    /// The caller's ARN, for `aws:PrincipalArn`, `aws:username`, and `Principal` in resource policies.
    #[arg(long, value_name = "ARN")]
    pub caller: Option<String>,
    /// A request context value, `KEY=VALUE`; repeat for more keys, or more values of a key.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// A context key the request does not carry (IAM's rules for missing keys apply).
    #[arg(long = "absent", value_name = "KEY")]
    pub absent: Vec<String>,
    #[command(flatten)]
    pub layers: Box<LayerFiles>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimFormat::Human)]
    pub format: SimFormat,
    /// Files and directories to read.
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
}

/// Policy files read as one layer of the decision, besides the principal's own.
#[derive(clap::Args, Debug)]
pub struct LayerFiles {
    /// A policy file to read as a permissions boundary of the principal.
    #[arg(long, value_name = "FILE")]
    pub boundary: Vec<String>,
    /// A policy file to read as a service control policy.
    #[arg(long, value_name = "FILE")]
    pub scp: Vec<String>,
    /// A policy file to read as a resource control policy of the resource's organization.
    #[arg(long, value_name = "FILE")]
    pub rcp: Vec<String>,
    /// A policy file to read as the session policy passed when the caller's role was assumed.
    #[arg(long = "session-policy", value_name = "FILE")]
    pub session_policy: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct ExplainDeniedArgs {
    /// The AccessDeniedException message (`-` reads it from standard input).
    pub message: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimFormat::Human)]
    pub format: SimFormat,
    /// Files and directories to read.
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
}

fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("policy-lint: {message}");
    EXIT_ERROR
}

/// Reads the project without running the rules: the engine needs only the policies and the index.
fn read_project(paths: &[String]) -> Result<Report, u8> {
    // No rule runs; `parse-error` is kept so a file that does not parse can be named.
    let config = Config { select: Some(vec!["parse-error".to_string()]), ..Config::default() };
    let report = crate::lint::lint_with_model(paths, &config);
    for e in &report.errors {
        eprintln!("policy-lint: {}: {}", e.path, e.message);
    }
    if report.errors.iter().any(|e| e.missing_root) {
        return Err(EXIT_ERROR);
    }
    // A file that does not parse is named with its error: "no policies found"
    // beside a syntax error hides the cause.
    let unreadable: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "parse-error")
        .map(|f| {
            let message = crate::escape::controls(&f.message);
            format!("{}:{}:{}: {message}", crate::escape::controls(&f.source.path), f.start.line, f.start.column)
        })
        .collect();
    // The first few, then how many more (a generated tree may hold hundreds).
    const SHOWN: usize = 10;
    let more = || {
        if unreadable.len() > SHOWN {
            eprintln!(
                "policy-lint: ... and {} more; `policy-lint {}` lists them",
                unreadable.len() - SHOWN,
                paths.join(" ")
            );
        }
    };
    // A role with only AWS managed policies attached has policies all the same.
    let has_principal = report.index.facts.iter().any(|f| {
        matches!(
            f.kind,
            crate::index::FactKind::Role { .. }
                | crate::index::FactKind::User { .. }
                | crate::index::FactKind::Group { .. }
        )
    });
    if report.policies.is_empty() && !has_principal {
        if unreadable.is_empty() {
            eprintln!("policy-lint: no policies found in {}", paths.join(" "));
        } else {
            eprintln!("policy-lint: no policies could be read; {} file(s) failed to parse:", unreadable.len());
            for u in unreadable.iter().take(SHOWN) {
                eprintln!("  {u}");
            }
            more();
        }
        return Err(EXIT_ERROR);
    }
    for u in unreadable.iter().take(SHOWN) {
        eprintln!("policy-lint: note: not read: {u}");
    }
    more();
    Ok(report)
}

pub fn simulate(args: &SimulateArgs, out: &mut dyn Write) -> u8 {
    let action = args.action.trim();
    if action.split_once(':').is_none_or(|(s, n)| s.is_empty() || n.is_empty()) || action.contains(['*', '?']) {
        return usage(format!("--action takes one action, `service:Name` (found `{action}`)"));
    }
    let known = crate::catalog::action(action);
    let resource = match (&args.resource, known) {
        (Some(r), _) => r.trim().to_string(),
        (None, Some(a)) if a.supports_resource_level() => {
            let formats: Vec<String> = a.resource_types().map(|(rt, _)| rt.arn_formats_shown()).take(2).collect();
            return usage(format!(
                "`{}` acts on resources ({}): give --resource ARN",
                a.full_name(),
                formats.join(", ")
            ));
        }
        (None, _) => "*".to_string(),
    };
    // A typo must not pass a CI step built on `simulate`: an action or a
    // resource the request cannot name is a usage error, unless the policies
    // name it too (an action newer than the catalog, a resource pattern).
    let unknown_action = known.is_none().then(|| {
        action
            .split_once(':')
            .and_then(|(p, n)| crate::catalog::service(p).and_then(|s| crate::catalog::suggest_action(s, n)))
            .map(|a| format!(" (did you mean `{a}`?)"))
            .unwrap_or_default()
    });
    let not_an_arn = (resource != "*" && !resource.starts_with("arn:")).then(|| {
        format!("`{resource}` is not an ARN: --resource takes `arn:partition:service:region:account:...` or `*`")
    });
    let mut request = Request::new(known.map_or_else(|| action.to_string(), |a| a.full_name()), resource);
    if let Some(c) = &args.caller {
        request = request.with_principal(c.trim());
    }
    for kv in &args.context {
        let Some((k, v)) = kv.split_once('=') else {
            return usage(format!("--context takes KEY=VALUE (found `{kv}`)"));
        };
        request.add_context(k.trim(), v);
    }
    for k in &args.absent {
        request = request.with_absent(k.trim());
    }

    if !args.layers.session_policy.is_empty() {
        let session = request.principal.as_deref().and_then(crate::analysis::request::CallerArn::parse);
        if session.is_some_and(|c| !matches!(c.kind, "assumed-role" | "federated-user")) {
            return usage(
                "--session-policy applies to a role session: give --caller arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION",
            );
        }
    }
    let l = &args.layers;
    let mut paths = args.paths.clone();
    for extra in [&l.boundary, &l.scp, &l.rcp, &l.session_policy] {
        paths.extend(extra.iter().cloned());
    }
    let mut report = match read_project(&paths) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let named = |text: &str, list: fn(&crate::policy::Statement) -> Option<&crate::policy::ValueList>| {
        report
            .policies
            .iter()
            .flat_map(|p| &p.statements)
            .filter_map(list)
            .flat_map(|l| &l.values)
            .any(|v| v.lit().is_some_and(|l| l.eq_ignore_ascii_case(text)))
    };
    if let Some(hint) = unknown_action {
        if !named(action, |st| st.action.as_ref()) {
            return usage(format!("`{action}` is not in the action catalog{hint}"));
        }
        eprintln!("policy-lint: note: `{action}` is not in the action catalog, but the policies name it: evaluated as written{hint}");
    }
    if let Some(message) = not_an_arn {
        if !named(&request.resource, |st| st.resource.as_ref()) {
            return usage(message);
        }
    }
    // The files given with --boundary, --scp, --rcp and --session-policy go
    // last, outside the principal's own policies.
    let given = |q: &Policy| -> Option<Layer> {
        let is = |list: &[String]| list.iter().any(|f| same_file(f, &q.source.path));
        [
            (&l.boundary, Layer::Boundary),
            (&l.scp, Layer::Scp),
            (&l.rcp, Layer::Rcp),
            (&l.session_policy, Layer::Session),
        ]
        .into_iter()
        .find(|(list, _)| is(list))
        .map(|(_, layer)| layer)
    };
    let named = |q: &Policy| given(q).is_some();
    for p in &mut report.policies {
        match given(p) {
            Some(Layer::Boundary) => p.kind = PolicyKind::Boundary,
            Some(Layer::Scp) => p.kind = PolicyKind::Scp,
            Some(Layer::Rcp) => p.kind = PolicyKind::Rcp,
            _ => {}
        }
    }
    report.policies.sort_by_key(|q| named(q));
    let own = report.policies.iter().take_while(|q| !named(q)).count();
    let (mine, added) = report.policies.split_at(own);
    let resolved = match &args.principal {
        Some(spec) => principal::resolve(mine, &report.index, spec),
        None if mine.is_empty() => {
            return usage("no policies besides the --boundary, --scp, --rcp and --session-policy files")
        }
        None => principal::resolve_default(mine, &report.index),
    };
    let mut p = match resolved {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    for q in added {
        let layer = p.set.of_mut(given(q).unwrap_or(Layer::Scp));
        if !layer.iter().any(|x| std::ptr::eq(*x, q)) {
            layer.push(q);
        }
    }
    let ev = evaluate(&p.set, &request);
    let written = match args.format {
        SimFormat::Human => write_human(out, &request, &p, &ev),
        SimFormat::Json => write_json(out, &request, &p, &ev),
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return usage(format!("cannot write the output: {e}"));
        }
    }
    if ev.decision.is_allowed() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

fn same_file(a: &str, b: &str) -> bool {
    let strip = |s: &str| s.trim_start_matches("./").replace('\\', "/");
    strip(a) == strip(b) || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

fn site_text(p: &Principal) -> String {
    if p.kind == principal::PrincipalKind::PolicyFile {
        return String::new();
    }
    p.site
        .as_ref()
        .map(|s| {
            let pos = s.source.position(s.span.start);
            format!(" ({}:{}:{})", s.source.path, pos.line, pos.column)
        })
        .unwrap_or_default()
}

fn write_human(out: &mut dyn Write, req: &Request, p: &Principal, ev: &Evaluation) -> std::io::Result<()> {
    writeln!(out, "{} on {}", req.action, req.resource)?;
    writeln!(out, "principal: {} {}{}: {}", p.kind.as_str(), p.label, site_text(p), describe_set(p))?;
    writeln!(out, "decision: {}", decision_words(&ev.decision))?;
    match &ev.decision {
        Decision::Allowed => {
            for r in ev.deciding() {
                writeln!(out, "  {}: {} allows it ({})", r.at.location(), r.at.label(), r.layer.describe())?;
            }
        }
        Decision::ExplicitDeny => {
            for r in ev.deciding() {
                writeln!(out, "  {}: {} denies it ({})", r.at.location(), r.at.label(), r.layer.describe())?;
            }
        }
        Decision::ImplicitDeny => {
            let (reason, help) = describe_outcome(ev, req, p);
            let reason = reason.split("; closest: ").next().unwrap_or(&reason).to_string();
            writeln!(out, "  {reason}")?;
            if let Some(near) = &ev.closest {
                writeln!(out, "  closest: {}", describe_near_miss(near, req))?;
            }
            if let Some(h) = help {
                writeln!(out, "  fix: {}", h.replace('\n', "\n       "))?;
            }
        }
        Decision::Depends { keys } => {
            for r in ev.deciding() {
                let verb = match r.effect {
                    Effect::Deny => "denies it",
                    _ => "allows it",
                };
                let on = r.outcome.keys().join(", ");
                writeln!(
                    out,
                    "  {}: {} {verb} depending on {on} ({})",
                    r.at.location(),
                    r.at.label(),
                    r.layer.describe()
                )?;
            }
            // Template holes (`${AWS::AccountId}`, `${var.region}`) are given by their inner text.
            let settable: Vec<&str> = keys
                .iter()
                .filter(|k| !k.contains(' '))
                .map(|k| k.strip_prefix("${").and_then(|h| h.strip_suffix('}')).unwrap_or(k))
                .collect();
            if !settable.is_empty() {
                let hint: Vec<String> = settable.iter().map(|k| format!("--context {k}=VALUE")).collect();
                writeln!(out, "  give the value{}: {}", if settable.len() > 1 { "s" } else { "" }, hint.join(" "))?;
            }
        }
    }
    if !p.external.is_empty() {
        writeln!(out, "note: not evaluated, defined outside the project: {}", p.external.join(", "))?;
    }
    if let Some(b) = &p.external_boundary {
        writeln!(out, "note: the permissions boundary `{b}` is defined outside the project and was not evaluated")?;
    }
    Ok(())
}

fn statement_json(at: &StatementRef, layer: Layer) -> Json {
    let pos = at.position();
    json!({
        "path": at.path(),
        "line": pos.line,
        "column": pos.column,
        "sid": at.sid(),
        "effect": match at.statement().effect { Effect::Allow => "Allow", Effect::Deny => "Deny", Effect::Unknown => "unknown" },
        "layer": layer.as_str(),
        "policy": at.policy.display_origin(),
    })
}

/// One policy that took part, with its layer and where it starts.
fn policy_json(q: &Policy, layer: Layer) -> Json {
    let pos = q.source.position(q.span.start);
    json!({
        "layer": layer.as_str(),
        "policy": q.display_origin(),
        "path": q.source.path,
        "line": pos.line,
        "column": pos.column,
        "statements": q.statements.len(),
    })
}

fn write_json(out: &mut dyn Write, req: &Request, p: &Principal, ev: &Evaluation) -> std::io::Result<()> {
    let context: serde_json::Map<String, Json> = req.context.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let origins = |v: &[&crate::policy::Policy]| -> Vec<String> { v.iter().map(|q| q.display_origin()).collect() };
    let keys = match &ev.decision {
        Decision::Depends { keys } => keys.clone(),
        _ => Vec::new(),
    };
    let (reason, help) = describe_outcome(ev, req, p);
    let closest = ev.closest.as_ref().map(|n| {
        let mut j = statement_json(&n.at, n.layer);
        j["reason"] = json!(describe_near_miss(n, req));
        j
    });
    let doc = json!({
        "version": 1,
        "request": {
            "action": req.action,
            "resource": req.resource,
            "caller": req.principal,
            "context": context,
            "absent": req.absent,
        },
        "principal": {
            "label": p.label,
            "kind": p.kind.as_str(),
            "identity": origins(&p.set.identity),
            "resource": origins(&p.set.resource),
            "boundary": origins(&p.set.boundary),
            "scp": origins(&p.set.scps),
            "rcp": origins(&p.set.rcps),
            "session": origins(&p.set.session),
            "external": p.external,
            "external_boundary": p.external_boundary,
        },
        "policies": p.set.layers().map(|(layer, q)| policy_json(q, layer)).collect::<Vec<_>>(),
        "cross_account": ev.cross_account,
        "decision": ev.decision.as_str(),
        "depends_on": keys,
        "denied_in": ev.denied_in.map(Layer::as_str),
        "statements": ev.deciding().map(|r| {
            let mut j = statement_json(&r.at, r.layer);
            j["depends_on"] = json!(r.outcome.keys());
            j
        }).collect::<Vec<_>>(),
        "closest": closest,
        "reason": reason,
        "fix": help,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

pub fn explain_denied(args: &ExplainDeniedArgs, out: &mut dyn Write) -> u8 {
    let message = if args.message == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
            return usage(format!("cannot read the message from standard input: {e}"));
        }
        s
    } else {
        args.message.clone()
    };
    let denial = match AccessDenied::parse(&message) {
        Ok(d) => d,
        Err(e) => return usage(e),
    };
    let report = match read_project(&args.paths) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let ex = match explain_denied::explain(&report.policies, &report.index, denial) {
        Ok(ex) => ex,
        Err(e) => return usage(e),
    };
    let allowed = ex.evaluation.decision.is_allowed();
    let written = match args.format {
        SimFormat::Human => write!(out, "{}", ex.render()),
        SimFormat::Json => {
            let fix = ex.fix().map(|(target, format, text)| {
                json!({
                    "format": format.as_str(),
                    "path": target.map(|t| t.source.path.clone()),
                    "policy": target.map(|t| t.display_origin()),
                    "statement": text,
                })
            });
            let doc = json!({
                "version": 1,
                "caller": ex.denial.caller,
                "action": ex.request.action,
                "resource": ex.denial.resource,
                "aws_cause": ex.denial.cause.as_ref().map(|c| c.describe()),
                "principal": { "label": ex.principal.label, "kind": ex.principal.kind.as_str() },
                "decision": ex.evaluation.decision.as_str(),
                "denied_in": ex.evaluation.denied_in.map(Layer::as_str),
                "policies": ex.principal.set.layers().map(|(layer, q)| policy_json(q, layer)).collect::<Vec<_>>(),
                "statements": ex.evaluation.deciding().map(|r| statement_json(&r.at, r.layer)).collect::<Vec<_>>(),
                "closest": ex.evaluation.closest.as_ref().map(|n| {
                    let mut j = statement_json(&n.at, n.layer);
                    j["reason"] = json!(describe_near_miss(n, &ex.request));
                    j
                }),
                "explanation": ex.render(),
                "fix": fix,
            });
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from).and_then(|_| writeln!(out))
        }
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return usage(format!("cannot write the output: {e}"));
        }
    }
    // The repository allows the request: the message does not match the code.
    if allowed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
