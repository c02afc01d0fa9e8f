use crate::catalog;
use crate::finding::Finding;
use crate::policy::operator::{Operator, OperatorType};
use crate::policy::Condition;
use crate::rules::PolicyCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags a condition whose operator does not fit its key's type or its
    /// values: a `Date` operator on a string key, a `Numeric` operator with a
    /// value that is not a number, `Bool` with anything but `true`/`false`,
    /// an `IpAddress` operator on a key that holds no IP address.
    ///
    /// ## Why is this bad?
    /// IAM evaluates a type mismatch as "no match": the condition is never
    /// true, so an Allow never applies (or a Deny never protects).
    ///
    /// ## Example
    /// ```json
    /// "Condition": { "Bool": { "aws:SecureTransport": "yes" } }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// "Condition": { "Bool": { "aws:SecureTransport": "true" } }
    /// ```
    pub CONDITION_OPERATOR_MISMATCH, "condition-operator-mismatch", Warning, Validity,
    "a condition operator that does not fit its key or values"
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    for st in &cx.policy.statements {
        for c in &st.conditions {
            let Some(op) = Operator::parse(&c.operator) else { continue };
            if let Some(f) = key_mismatch(c, op).or_else(|| value_mismatch(c, op)) {
                out.push(Finding::new(&CONDITION_OPERATOR_MISMATCH, &cx.policy.source, f.0, f.1));
            }
        }
    }
}

/// The key's declared type, when the catalog knows it.
fn key_type(key: &str) -> Option<&'static str> {
    if let Some(k) = catalog::global_condition_key(key) {
        return Some(k.value_type());
    }
    let (prefix, _) = key.split_once(':')?;
    Some(catalog::service(prefix)?.condition_key(key)?.value_type())
}

fn key_mismatch(c: &Condition, op: Operator) -> Option<(crate::source::Span, String)> {
    if c.key_unknown || matches!(op.ty, OperatorType::Null | OperatorType::String) {
        return None;
    }
    let ty = key_type(&c.key)?;
    let base = ty.trim_start_matches("ArrayOf").to_ascii_lowercase();
    let fits = match op.ty {
        OperatorType::Numeric => base.contains("numeric") || base.contains("long") || base.contains("integer"),
        OperatorType::Date => base.contains("date"),
        OperatorType::Bool => base.contains("bool"),
        OperatorType::IpAddress => base.contains("ip"),
        OperatorType::Arn => base.contains("arn") || base.contains("string"),
        OperatorType::Binary => base.contains("binary"),
        OperatorType::String | OperatorType::Null => true,
    };
    (!fits).then(|| {
        (
            c.operator_span,
            format!(
                "`{}` compares {} values, but `{}` is of type {ty}: the condition never matches",
                c.operator,
                op.ty.as_str(),
                c.key
            ),
        )
    })
}

fn value_mismatch(c: &Condition, op: Operator) -> Option<(crate::source::Span, String)> {
    for v in &c.values {
        let Some(text) = v.lit() else { continue };
        let ok = match op.ty {
            OperatorType::Bool | OperatorType::Null => {
                text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
            }
            OperatorType::Numeric => text.parse::<f64>().is_ok(),
            OperatorType::Date => is_date(text),
            OperatorType::IpAddress => is_cidr(text),
            _ => true,
        };
        if !ok {
            let want = match op.ty {
                OperatorType::Bool | OperatorType::Null => "`true` or `false`",
                OperatorType::Numeric => "a number",
                OperatorType::Date => "an ISO 8601 date (`2026-01-31T00:00:00Z`) or epoch seconds",
                _ => "an IP address or CIDR range (`203.0.113.0/24`)",
            };
            return Some((v.span, format!("`{}` expects {want}, found \"{text}\"", c.operator)));
        }
    }
    None
}

fn is_date(s: &str) -> bool {
    if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() {
        return true;
    }
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

fn is_cidr(s: &str) -> bool {
    let addr = s.split_once('/').map_or(s, |(a, bits)| if bits.parse::<u8>().is_ok() { a } else { "" });
    addr.parse::<std::net::IpAddr>().is_ok()
}
