//! Configuration that a finding's fix adds, written in the syntax of the file
//! it goes into: a CloudFormation resource in JSON or YAML, a Terraform
//! resource in HCL. Rules say what to add as [`Value`]s; how each syntax
//! spells it (quotes, intrinsic functions, alignment) lives here, once.

use crate::source::{Language, SourceFile};
use std::fmt::Write as _;

/// The syntax a file is written in, as far as writing into it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Terraform: `.tf`, `.tf.json`.
    Hcl,
    /// A JSON template or policy.
    Json,
    /// A YAML template.
    Yaml,
}

impl Syntax {
    /// The syntax of a file, as the front-end read it (its text, not its
    /// name: Terraform named `.hcl`, a JSON template named `.template`).
    pub fn of(source: &SourceFile) -> Syntax {
        match source.language() {
            _ if crate::source::is_terraform(&source.path) => Syntax::Hcl,
            Language::Hcl => Syntax::Hcl,
            Language::Json => Syntax::Json,
            Language::Yaml => Syntax::Yaml,
        }
    }
}

/// A value to write.
#[derive(Debug, Clone)]
pub enum Value {
    /// A string.
    Str(String),
    /// CloudFormation `Ref` of a parameter or pseudo parameter.
    Ref(String),
    /// CloudFormation `Fn::GetAtt` of a resource's attribute.
    GetAtt(String, String),
    /// A Terraform expression, written as it is (`aws_lambda_function.x.arn`).
    Expression(String),
}

/// A string value.
pub fn str(s: impl Into<String>) -> Value {
    Value::Str(s.into())
}

/// A CloudFormation resource: `Type` and `Properties` under its logical id.
pub fn cloudformation_resource(syntax: Syntax, logical_id: &str, kind: &str, properties: &[(&str, Value)]) -> String {
    let mut out = String::new();
    match syntax {
        Syntax::Yaml => {
            let _ = write!(out, "{logical_id}:\n  Type: {kind}\n  Properties:");
            for (key, value) in properties {
                let _ = write!(out, "\n    {key}: {}", yaml(value));
            }
        }
        Syntax::Json | Syntax::Hcl => {
            let _ = write!(out, "\"{logical_id}\": {{\n  \"Type\": \"{kind}\",\n  \"Properties\": {{");
            for (i, (key, value)) in properties.iter().enumerate() {
                let comma = if i + 1 < properties.len() { "," } else { "" };
                let _ = write!(out, "\n    \"{key}\": {}{comma}", json(value));
            }
            out.push_str("\n  }\n}");
        }
    }
    out
}

/// A Terraform resource block, its arguments aligned on `=` as `terraform fmt` does.
pub fn terraform_resource(kind: &str, name: &str, arguments: &[(&str, Value)]) -> String {
    let width = arguments.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = format!("resource \"{kind}\" \"{name}\" {{");
    for (key, value) in arguments {
        let _ = write!(out, "\n  {key:width$} = {}", hcl(value));
    }
    out.push_str("\n}");
    out
}

/// A value in JSON, intrinsics on one line (`{ "Ref": "AWS::AccountId" }`).
pub fn json(value: &Value) -> String {
    match value {
        Value::Str(s) | Value::Expression(s) => quoted(s),
        Value::Ref(name) => format!("{{ \"Ref\": {} }}", quoted(name)),
        Value::GetAtt(resource, attribute) => {
            format!("{{ \"Fn::GetAtt\": [{}, {}] }}", quoted(resource), quoted(attribute))
        }
    }
}

/// A value in YAML with CloudFormation's short-form tags; plain scalars.
fn yaml(value: &Value) -> String {
    match value {
        Value::Str(s) | Value::Expression(s) => s.clone(),
        Value::Ref(name) => format!("!Ref {name}"),
        Value::GetAtt(resource, attribute) => format!("!GetAtt {resource}.{attribute}"),
    }
}

/// A value in HCL: strings quoted, expressions as they are.
fn hcl(value: &Value) -> String {
    match value {
        Value::Str(s) => quoted(s),
        Value::Expression(e) => e.clone(),
        // CloudFormation's intrinsics have no Terraform spelling: a rule
        // writing Terraform gives the expression itself.
        Value::Ref(_) | Value::GetAtt(..) => json(value),
    }
}

/// A string literal, escaped as JSON and HCL both read it.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_in_each_syntax() {
        let props =
            [("Action", str("lambda:InvokeFunction")), ("FunctionName", Value::GetAtt("Handler".into(), "Arn".into()))];
        assert_eq!(
            cloudformation_resource(Syntax::Yaml, "P", "AWS::Lambda::Permission", &props),
            "P:\n  Type: AWS::Lambda::Permission\n  Properties:\n    Action: lambda:InvokeFunction\n    FunctionName: !GetAtt Handler.Arn"
        );
        assert_eq!(
            cloudformation_resource(Syntax::Json, "P", "AWS::Lambda::Permission", &props),
            "\"P\": {\n  \"Type\": \"AWS::Lambda::Permission\",\n  \"Properties\": {\n    \"Action\": \"lambda:InvokeFunction\",\n    \"FunctionName\": { \"Fn::GetAtt\": [\"Handler\", \"Arn\"] }\n  }\n}"
        );
        let args = [("action", str("lambda:InvokeFunction")), ("function_name", Value::Expression("f.arn".into()))];
        assert_eq!(
            terraform_resource("aws_lambda_permission", "p", &args),
            "resource \"aws_lambda_permission\" \"p\" {\n  action        = \"lambda:InvokeFunction\"\n  function_name = f.arn\n}"
        );
    }

    #[test]
    fn strings_are_escaped_and_the_syntax_of_a_file() {
        assert_eq!(json(&str("a\"b")), "\"a\\\"b\"");
        let of = |path: &str, text: &str| Syntax::of(&SourceFile::new(path, text));
        assert_eq!(of("infra/main.tf", ""), Syntax::Hcl);
        assert_eq!(of("infra/main.tf.json", "{}"), Syntax::Hcl);
        assert_eq!(of("template.json", "{}"), Syntax::Json);
        assert_eq!(of("template.yaml", "A: 1"), Syntax::Yaml);
        // By the language the text is read as, not the name alone.
        assert_eq!(of("main.hcl", "resource \"a\" \"b\" {}"), Syntax::Hcl);
        assert_eq!(of("stack.template", "{\"Resources\": {}}"), Syntax::Json);
        let yaml_template = SourceFile::new("stack.template", "Resources: {}");
        yaml_template.read_as(Language::Yaml);
        assert_eq!(Syntax::of(&yaml_template), Syntax::Yaml);
    }
}
