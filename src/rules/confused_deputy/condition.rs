//! The text `confused-deputy`'s project fix inserts: the source lines of a
//! Lambda permission, or a `Condition` block at the end of a statement, in
//! the statement's own syntax (a YAML block mapping, a JSON object, JSON in
//! a Terraform heredoc or quoted string, an HCL object in `jsonencode`, an
//! `aws_iam_policy_document` statement block)
//! and its line endings and indentation. Anything else gets no fix.

use crate::finding::{Applicability, Fix};
use crate::index::{Fact, FactKind};
use crate::policy::{Policy, Statement};
use crate::rules::own_resources::{embedded_yaml, in_heredoc, ArnReference, Reference};
use crate::rules::render::Syntax;
use crate::rules::ProjectCx;
use crate::source::Span;

/// The line ending the text uses.
fn eol(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The ARN of `fact` as a value of a CloudFormation JSON template.
fn json_get_att(reference: &Reference) -> Option<String> {
    match reference {
        Reference::GetAtt(id, attr) => Some(format!("{{\"Fn::GetAtt\": [\"{id}\", \"{attr}\"]}}")),
        Reference::Hcl(_) => None,
    }
}

/// A Lambda permission's `source_account` line (when the account can be
/// named) and its `source_arn` line (when the calling resource is the
/// project's), inserted before the `Principal` line.
pub fn permission_fix(
    policy: &Policy,
    principal: Span,
    account: Option<(Span, String)>,
    caller: Option<(&Fact, &'static ArnReference)>,
) -> Option<Fix> {
    let source = &policy.source;
    let text = &source.text;
    let at = principal.start as usize;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    let indent = &prefix[..prefix.len() - prefix.trim_start_matches([' ', '\t']).len()];
    let eol = if text[at..].split('\n').next().is_some_and(|l| l.ends_with('\r')) { "\r\n" } else { "\n" };
    let key = prefix.trim().trim_end_matches(['"', '\'']).split_whitespace().collect::<Vec<_>>().join(" ");
    let arn_line = caller.and_then(|(fact, of)| {
        let syntax = Syntax::of(source);
        let reference = of.reference(fact, if syntax == Syntax::Json { Syntax::Yaml } else { syntax })?;
        match (key.as_str(), &reference) {
            ("Principal:", Reference::GetAtt(..)) => Some(format!("{indent}SourceArn: {}{eol}", reference.value())),
            ("\"Principal\":", _) => Some(format!("{indent}\"SourceArn\": {},{eol}", json_get_att(&reference)?)),
            ("principal =", Reference::Hcl(r)) => Some(format!("{indent}source_arn = {r}{eol}")),
            _ => None,
        }
    });
    let (span, mut lines) = match account {
        Some((span, line)) if span.start as usize == line_start => (span, line),
        Some(_) => return None,
        None => (Span::new(line_start, line_start), String::new()),
    };
    lines.push_str(&arn_line.unwrap_or_default());
    if lines.is_empty() {
        return None;
    }
    Fix::new(Applicability::Unsafe, source, vec![(span, lines)])
}

/// How a statement is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    YamlBlock,
    Json,
    /// JSON in a Terraform heredoc, or (`escaped`) in a quoted HCL string.
    HclJson {
        escaped: bool,
    },
    HclObject,
    HclDocument,
}

fn style(policy: &Policy, st: &Statement) -> Option<Style> {
    let text = &policy.source.text;
    let body = text.get(st.span.range())?;
    match Syntax::of(&policy.source) {
        Syntax::Yaml if !embedded_yaml(policy) && !body.starts_with('{') => Some(Style::YamlBlock),
        // A template's statement: a policy file cannot name the account.
        Syntax::Json if policy.origin.is_some() && body.starts_with('{') => Some(Style::Json),
        Syntax::Hcl if policy.source.language() == crate::source::Language::Hcl => {
            let json = body.starts_with('{') && body.ends_with('}');
            if in_heredoc(&text[..st.span.start as usize]) {
                json.then_some(Style::HclJson { escaped: false })
            } else if body.contains("\\\"") {
                (json && !body.contains('\n')).then_some(Style::HclJson { escaped: true })
            } else if body.contains("\":") {
                None
            } else if body.contains("principals") {
                Some(Style::HclDocument)
            } else if body.starts_with('{') {
                Some(Style::HclObject)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The `Condition` fix of a resource or trust policy statement.
pub fn fix(
    cx: &ProjectCx,
    policy: &Policy,
    st: &Statement,
    source_arn: Option<(&Fact, &'static ArnReference)>,
) -> Option<Fix> {
    let source = &policy.source;
    let text = &source.text;
    let body = text.get(st.span.range())?;
    if !st.conditions.is_empty() || st.conditions_unknown || body.to_ascii_lowercase().contains("condition") {
        return None;
    }
    let style = style(policy, st)?;
    let eol = eol(text);
    let account = match style {
        Style::YamlBlock => "!Ref AWS::AccountId".to_string(),
        Style::Json => "{\"Ref\": \"AWS::AccountId\"}".to_string(),
        Style::HclObject | Style::HclDocument | Style::HclJson { .. } => {
            let caller = cx.index.in_scope(source).find(|f| matches!(f.kind, FactKind::CallerIdentity))?;
            match style {
                Style::HclJson { .. } => format!("\"${{{}.account_id}}\"", caller.address),
                _ => format!("{}.account_id", caller.address),
            }
        }
    };
    let arn = source_arn.and_then(|(fact, of)| {
        let syntax = if style == Style::Json { Syntax::Yaml } else { Syntax::of(source) };
        let reference = of.reference(fact, syntax)?;
        match (style, &reference) {
            (Style::Json, _) => json_get_att(&reference),
            (Style::HclJson { .. }, Reference::Hcl(r)) => Some(format!("\"${{{r}}}\"")),
            _ => Some(reference.value()),
        }
    });
    // The end of the statement's last value, and the indentation of its keys.
    let end = text[..st.span.end as usize].trim_end().len();
    let (at, insert) = match style {
        Style::YamlBlock => {
            let line_start = text[..st.span.start as usize].rfind('\n').map_or(0, |i| i + 1);
            let prefix = &text[line_start..st.span.start as usize];
            if !prefix.chars().all(|c| c == ' ' || c == '-') {
                return None;
            }
            let ind = " ".repeat(prefix.len());
            let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            let line_end = if text[..line_end].ends_with('\r') { line_end - 1 } else { line_end };
            let mut s =
                format!("{eol}{ind}Condition:{eol}{ind}  StringEquals:{eol}{ind}    aws:SourceAccount: {account}");
            if let Some(arn) = arn {
                s.push_str(&format!("{eol}{ind}  ArnLike:{eol}{ind}    aws:SourceArn: {arn}"));
            }
            (line_end, s)
        }
        Style::Json | Style::HclJson { .. } | Style::HclObject => {
            if !body.ends_with('}') {
                return None;
            }
            let close = st.span.end as usize - 1;
            let last = text[..close].trim_end().len();
            let json = style != Style::HclObject;
            let (key, sep, open, close_brace) =
                if json { ("\"Condition\": ", ": ", "{", "}") } else { ("Condition = ", " = ", "{ ", " }") };
            let arn_part = arn
                .map(|a| format!(", \"ArnLike\"{sep}{open}\"aws:SourceArn\"{sep}{a}{close_brace}"))
                .unwrap_or_default();
            let arn_part =
                if style == Style::HclObject { arn_part.replacen("\"ArnLike\"", "ArnLike", 1) } else { arn_part };
            let string_equals = if json { "\"StringEquals\"" } else { "StringEquals" };
            let condition = format!(
                "{key}{open}{string_equals}{sep}{open}\"aws:SourceAccount\"{sep}{account}{close_brace}{arn_part}{close_brace}"
            );
            // Inside a quoted HCL string, every quote of the JSON is escaped.
            let condition =
                if style == (Style::HclJson { escaped: true }) { condition.replace('"', "\\\"") } else { condition };
            let multi_line = text[last..close].contains('\n');
            let comma = if json { "," } else { "" };
            if multi_line {
                let line_start = text[..last].rfind('\n').map_or(0, |i| i + 1);
                let line = &text[line_start..last];
                let ind = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
                (last, format!("{comma}{eol}{ind}{condition}"))
            } else {
                (last, format!(", {condition}"))
            }
        }
        Style::HclDocument => {
            if !body.ends_with('}') {
                return None;
            }
            let close = st.span.end as usize - 1;
            let last = text[..close].trim_end().len();
            if !text[last..close].contains('\n') {
                return None;
            }
            let line_start = text[..last].rfind('\n').map_or(0, |i| i + 1);
            let line = &text[line_start..last];
            let ind = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            let block = |test: &str, variable: &str, value: &str| {
                format!(
                    "{eol}{ind}condition {{{eol}{ind}  test     = \"{test}\"{eol}{ind}  variable = \"{variable}\"{eol}{ind}  values   = [{value}]{eol}{ind}}}"
                )
            };
            let mut s = block("StringEquals", "aws:SourceAccount", &account);
            if let Some(arn) = arn {
                s.push_str(&block("ArnLike", "aws:SourceArn", &arn));
            }
            (last, s)
        }
    };
    Fix::new(Applicability::Unsafe, source, vec![(Span::new(at, at), insert)])
}
