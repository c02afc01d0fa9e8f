use crate::finding::Finding;
use crate::index::{Fact, FactKind, Ref};
use crate::rules::ProjectCx;

/// The principal that invokes SIP media application handlers.
pub const VOICE_CONNECTOR_PRINCIPAL: &str = "voiceconnector.chime.amazonaws.com";

crate::declare_rule! {
    /// ## What it does
    /// Flags a SIP media application (`aws_chimesdkvoice_sip_media_application`,
    /// `AWS::Chime::SipMediaApplication`) whose endpoint Lambda function,
    /// defined in the project, has no explicit `lambda:InvokeFunction`
    /// permission for `voiceconnector.chime.amazonaws.com` in the project. It
    /// also fires when a permission exists but can never match: it names
    /// another principal (such as `chime.amazonaws.com`) or another function.
    /// Functions defined outside the project are unknown and not judged.
    ///
    /// ## Why is this bad?
    /// Creating the SIP media application adds the permission once, outside
    /// your code. When the function is replaced (renamed, recreated by a
    /// deploy) the permission is gone: calls are answered with a hang-up and
    /// the handler is never invoked.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_chimesdkvoice_sip_media_application" "ivr" {
    ///   aws_region = "us-east-1"
    ///   name       = "ivr"
    ///   endpoints { lambda_arn = aws_lambda_function.handler.arn }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```hcl
    /// resource "aws_lambda_permission" "voice_connector" {
    ///   statement_id   = "AllowChimeVoiceConnectorInvoke"
    ///   action         = "lambda:InvokeFunction"
    ///   function_name  = aws_lambda_function.handler.function_name
    ///   principal      = "voiceconnector.chime.amazonaws.com"
    ///   source_account = data.aws_caller_identity.current.account_id
    /// }
    /// ```
    pub SMA_LAMBDA_PERMISSION_MISSING, "sma-lambda-permission-missing", Warning, Gap,
    "a SIP media application's Lambda handler that Chime may not invoke", fix = Unsafe
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    for sma in &cx.index.facts {
        let FactKind::SipMediaApplication { endpoints, .. } = &sma.kind else { continue };
        for endpoint in endpoints {
            let Some(function_address) = endpoint.address() else { continue };
            let Some(function) = cx
                .index
                .get(&sma.site.source, function_address)
                .find(|f| matches!(f.kind, FactKind::LambdaFunction { .. }))
            else {
                continue; // defined outside the project: unknown
            };
            let permissions: Vec<&Fact> =
                cx.index.in_scope(&function.site.source).filter(|f| is_permission_for(f, function)).collect();
            let valid = permissions.iter().any(|p| grants_voice_connector(p));
            if valid {
                continue;
            }
            let unknown = permissions.iter().any(|p| {
                matches!(
                    &p.kind,
                    FactKind::LambdaPermission { principal: None, .. }
                        | FactKind::LambdaPermission { action: None, .. }
                )
            });
            if unknown {
                continue;
            }
            let mut message = format!(
                "SIP media application `{}` invokes `{}`, but no permission in the project lets `{VOICE_CONNECTOR_PRINCIPAL}` call `lambda:InvokeFunction` on it",
                sma.address, function.address
            );
            match permissions.first().map(|p| why_not(p)) {
                Some(why) => message.push_str(&format!(": the permission that exists {why}")),
                None => message.push_str(
                    ": the permission added when the application was created is lost when the function is replaced, and calls hang up",
                ),
            }
            let snippet = permission_snippet(cx, sma, function);
            let fix = if permissions.is_empty() { add_permission(cx, sma, &snippet) } else { None };
            let mut f = Finding::new(&SMA_LAMBDA_PERMISSION_MISSING, &sma.site.source, sma.site.span, message)
                .with_help(format!("add:\n{snippet}"))
                .with_fix(fix)
                .with_label(&function.site.source, function.site.span, "the endpoint function");
            for p in &permissions {
                f = f.with_label(&p.site.source, p.site.span, "a permission that does not match");
            }
            out.push(f);
        }
    }
}

/// The unsafe fix: the permission written into the application's file, in
/// Terraform after the application's block, in a YAML template before the
/// application's logical id (at its indentation). Unsafe: it lets Chime
/// invoke the function. Not offered when the name it would take is taken,
/// nor in a JSON template (its commas).
fn add_permission(cx: &ProjectCx, sma: &Fact, snippet: &str) -> Option<crate::finding::Fix> {
    use crate::rules::render::Syntax;
    let source = &sma.site.source;
    let text = &source.text;
    let span = sma.site.span;
    let name_of = |line: &str| line.trim_end_matches(['{', ' ', ':']).to_string();
    let header = snippet.lines().find(|l| l.starts_with("resource ") || (!l.starts_with(' ') && l.ends_with(':')))?;
    let taken = match Syntax::of(source) {
        Syntax::Hcl => {
            let mut parts = header.split('"').skip(1).step_by(2);
            let address = format!("{}.{}", parts.next()?, parts.next()?);
            cx.index.in_scope(source).any(|f| f.address == address)
        }
        _ => {
            let id = name_of(header);
            cx.index.in_scope(source).any(|f| f.address == id) || text.contains(&format!("\n  {id}:"))
        }
    };
    if taken {
        return None;
    }
    let at = span.end as usize;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let (where_, new) = match Syntax::of(source) {
        Syntax::Hcl if source.language() == crate::source::Language::Hcl && text[..at].ends_with('}') => {
            (at, format!("{eol}{eol}{}", snippet.trim_end().replace('\n', eol)))
        }
        Syntax::Yaml => {
            let start = span.start as usize;
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[line_start..start];
            if indent.is_empty() || !indent.chars().all(|c| c == ' ') {
                return None;
            }
            let lines: String = snippet.trim_end().lines().map(|l| format!("{indent}{l}{eol}")).collect();
            (line_start, lines)
        }
        _ => return None,
    };
    crate::finding::Fix::new(
        crate::finding::Applicability::Unsafe,
        source,
        vec![(crate::source::Span::new(where_, where_), new)],
    )
}

/// A Lambda permission that names this function (by address or by name).
fn is_permission_for(permission: &Fact, function: &Fact) -> bool {
    let FactKind::LambdaPermission { function: target, .. } = &permission.kind else { return false };
    let FactKind::LambdaFunction { name, .. } = &function.kind else { return false };
    match target {
        Ref::Address(a) => *a == function.address,
        Ref::Literal(l) => name
            .as_ref()
            .is_some_and(|n| l == n || l.strip_suffix(n.as_str()).is_some_and(|head| head.ends_with(":function:"))),
        Ref::Unknown => false,
    }
}

/// Why a permission for the function does not let Chime invoke it.
fn why_not(permission: &Fact) -> String {
    let FactKind::LambdaPermission { principal, action, qualifier, .. } = &permission.kind else {
        return String::new();
    };
    match (principal.as_deref(), action.as_deref(), qualifier) {
        (Some(p), _, _) if p != VOICE_CONNECTOR_PRINCIPAL => {
            format!("names `{p}`, which never invokes SIP media application handlers")
        }
        (_, Some(a), _) if !grants_invoke(a) => format!("allows `{a}`, not `lambda:InvokeFunction`"),
        (_, _, Some(q)) => format!("is for the qualifier `{q}`, not the function the endpoint names"),
        _ => "does not match".to_string(),
    }
}

fn grants_invoke(action: &str) -> bool {
    crate::catalog::wildcard_match(action, "lambda:InvokeFunction", true)
        || action.eq_ignore_ascii_case("InvokeFunction")
}

fn grants_voice_connector(permission: &Fact) -> bool {
    let FactKind::LambdaPermission { principal, action, qualifier, .. } = &permission.kind else { return false };
    let principal_ok = principal.as_deref().is_some_and(|p| p == VOICE_CONNECTOR_PRINCIPAL);
    let action_ok = action.as_deref().is_some_and(grants_invoke);
    // A permission on one alias or version does not cover an unqualified endpoint.
    principal_ok && action_ok && qualifier.is_none()
}

/// The resource to add, in the format of the file that defines the application.
/// In Terraform, the account id comes from the module's own
/// `data "aws_caller_identity"`, or from one the snippet declares.
fn permission_snippet(cx: &ProjectCx, sma: &Fact, function: &Fact) -> String {
    use crate::rules::render::{self, str, Syntax, Value};
    match Syntax::of(&sma.site.source) {
        Syntax::Hcl => {
            let name = function.address.rsplit('.').next().unwrap_or("handler");
            let caller = cx.index.in_scope(&sma.site.source).find(|f| matches!(f.kind, FactKind::CallerIdentity));
            let (account, declare) = match caller {
                Some(c) => (format!("{}.account_id", c.address), ""),
                None => (
                    "data.aws_caller_identity.current.account_id".to_string(),
                    "data \"aws_caller_identity\" \"current\" {}\n\n",
                ),
            };
            let resource = render::terraform_resource(
                "aws_lambda_permission",
                &format!("{name}_voice_connector"),
                &[
                    ("statement_id", str("AllowChimeVoiceConnectorInvoke")),
                    ("action", str("lambda:InvokeFunction")),
                    ("function_name", Value::Expression(format!("{}.function_name", function.address))),
                    ("principal", str(VOICE_CONNECTOR_PRINCIPAL)),
                    ("source_account", Value::Expression(account)),
                ],
            );
            format!("{declare}{resource}")
        }
        syntax => render::cloudformation_resource(
            syntax,
            &format!("{}VoiceConnectorPermission", function.address),
            "AWS::Lambda::Permission",
            &[
                ("Action", str("lambda:InvokeFunction")),
                ("FunctionName", Value::GetAtt(function.address.clone(), "Arn".into())),
                ("Principal", str(VOICE_CONNECTOR_PRINCIPAL)),
                ("SourceAccount", Value::Ref("AWS::AccountId".into())),
            ],
        ),
    }
}
