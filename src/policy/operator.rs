//! The IAM condition operators and the type of value each compares.

/// What kind of value an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorType {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}

impl OperatorType {
    pub fn as_str(self) -> &'static str {
        match self {
            OperatorType::String => "string",
            OperatorType::Numeric => "numeric",
            OperatorType::Date => "date",
            OperatorType::Bool => "boolean",
            OperatorType::Binary => "binary",
            OperatorType::IpAddress => "IP address",
            OperatorType::Arn => "ARN",
            OperatorType::Null => "null-check",
        }
    }
}

/// Every base operator (without `IfExists` and set qualifiers).
pub const OPERATORS: &[(&str, OperatorType)] = &[
    ("StringEquals", OperatorType::String),
    ("StringNotEquals", OperatorType::String),
    ("StringEqualsIgnoreCase", OperatorType::String),
    ("StringNotEqualsIgnoreCase", OperatorType::String),
    ("StringLike", OperatorType::String),
    ("StringNotLike", OperatorType::String),
    ("NumericEquals", OperatorType::Numeric),
    ("NumericNotEquals", OperatorType::Numeric),
    ("NumericLessThan", OperatorType::Numeric),
    ("NumericLessThanEquals", OperatorType::Numeric),
    ("NumericGreaterThan", OperatorType::Numeric),
    ("NumericGreaterThanEquals", OperatorType::Numeric),
    ("DateEquals", OperatorType::Date),
    ("DateNotEquals", OperatorType::Date),
    ("DateLessThan", OperatorType::Date),
    ("DateLessThanEquals", OperatorType::Date),
    ("DateGreaterThan", OperatorType::Date),
    ("DateGreaterThanEquals", OperatorType::Date),
    ("Bool", OperatorType::Bool),
    ("BinaryEquals", OperatorType::Binary),
    ("IpAddress", OperatorType::IpAddress),
    ("NotIpAddress", OperatorType::IpAddress),
    ("ArnEquals", OperatorType::Arn),
    ("ArnNotEquals", OperatorType::Arn),
    ("ArnLike", OperatorType::Arn),
    ("ArnNotLike", OperatorType::Arn),
    ("Null", OperatorType::Null),
];

/// A parsed operator: `ForAnyValue:StringLikeIfExists` → qualifier, base, if-exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    pub base: &'static str,
    pub ty: OperatorType,
    pub qualifier: Option<SetQualifier>,
    pub if_exists: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

impl Operator {
    /// Parses an operator as written; `None` when IAM does not know it.
    /// Operator names are case-sensitive, as in IAM.
    pub fn parse(text: &str) -> Option<Operator> {
        let (qualifier, rest) = match text.split_once(':') {
            Some(("ForAnyValue", rest)) => (Some(SetQualifier::ForAnyValue), rest),
            Some(("ForAllValues", rest)) => (Some(SetQualifier::ForAllValues), rest),
            Some(_) => return None,
            None => (None, text),
        };
        let (name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(n) => (n, true),
            None => (rest, false),
        };
        let &(base, ty) = OPERATORS.iter().find(|(n, _)| *n == name)?;
        if if_exists && ty == OperatorType::Null {
            return None;
        }
        Some(Operator { base, ty, qualifier, if_exists })
    }

    /// The known operator closest to an unknown one, for suggestions.
    pub fn suggest(text: &str) -> Option<&'static str> {
        let base = text.rsplit(':').next().unwrap_or(text);
        let base = base.strip_suffix("IfExists").unwrap_or(base);
        crate::catalog::closest(base, OPERATORS.iter().map(|(n, _)| *n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qualified_and_if_exists_forms() {
        let op = Operator::parse("ForAllValues:StringLikeIfExists").unwrap();
        assert_eq!((op.base, op.if_exists, op.qualifier), ("StringLike", true, Some(SetQualifier::ForAllValues)));
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("stringequals").is_none());
        assert_eq!(Operator::suggest("StringEqual"), Some("StringEquals"));
        assert_eq!(Operator::suggest("Frobnicate"), None);
    }
}
