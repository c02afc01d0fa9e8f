//! Python (boto3): clients made with `boto3.client("chime-sdk-voice")`,
//! `session.client(...)` or `boto3.resource("dynamodb")` (and its `Table(...)`
//! sub-resources), kept in a name (module-level, local or `self.x`), and the
//! calls made on them; a call on a name that holds no known client (a client
//! passed in) is kept for the function's other files to resolve.

use super::sdk::{compound, sdk};
use super::tree::{self, FileCalls, FoundCall, ResourceHint};
use std::collections::HashMap;
use tree_sitter::Node;

pub fn calls(text: &str) -> Option<FileCalls> {
    let tree = tree::parse(&tree_sitter_python::LANGUAGE.into(), text)?;
    let root = tree.root_node();
    let mut out = FileCalls { syntax_error: tree::first_error(root), ..FileCalls::default() };
    let mut cx = Cx { src: text, clients: HashMap::new(), env: HashMap::new() };
    // Names first, wherever they are assigned: a module-level client is used
    // in functions written above or below it.
    tree::preorder(root, |n| match n.kind() {
        "import_statement" => {
            let mut cursor = n.walk();
            for c in n.children_by_field_name("name", &mut cursor) {
                let module = if c.kind() == "aliased_import" { c.child_by_field_name("name") } else { Some(c) };
                if let Some(m) = module {
                    out.imports.push(tree::text(m, text).to_string());
                }
            }
        }
        "import_from_statement" => {
            let Some(module) = n.child_by_field_name("module_name").map(|m| tree::text(m, text)) else { return };
            out.imports.push(module.to_string());
            // `from . import util`, `from pkg import mod`: a name may be a module too.
            let mut cursor = n.walk();
            for c in n.children_by_field_name("name", &mut cursor) {
                let name = if c.kind() == "aliased_import" { c.child_by_field_name("name") } else { Some(c) };
                if let Some(name) = name {
                    let sep = if module.ends_with('.') { "" } else { "." };
                    out.imports.push(format!("{module}{sep}{}", tree::text(name, text)));
                }
            }
        }
        _ => {}
    });
    tree::preorder(root, |n| {
        if n.kind() == "assignment" {
            if let (Some(left), Some(right)) = (n.child_by_field_name("left"), n.child_by_field_name("right")) {
                let name = tree::text(left, text);
                if let Some(service) = cx.client_made_by(right) {
                    if cx.opaque_resource(right) {
                        out.opaque = Some(
                            "boto3 resources call the API when their attributes are read, which the code does not show",
                        );
                    }
                    out.created(service);
                    // One name may hold different clients in different functions.
                    let held = cx.clients.entry(name).or_default();
                    if !held.contains(&service) {
                        held.push(service);
                    }
                } else if let Some(var) = cx.env_read(right) {
                    cx.env.insert(name, var);
                }
            }
        }
    });
    tree::preorder(root, |n| {
        if n.kind() == "call" {
            if let Some(call) = cx.call(n) {
                out.calls.push(call);
            }
        }
    });
    Some(out)
}

struct Cx<'s> {
    src: &'s str,
    /// `chime`, `self.client`, `table` → the service of the client it holds.
    clients: HashMap<&'s str, Vec<usize>>,
    /// `SMA_ID` → the environment variable it was read from.
    env: HashMap<&'s str, String>,
}

impl<'s> Cx<'s> {
    fn text(&self, n: Node) -> &'s str {
        tree::text(n, self.src)
    }

    /// The client a name holds; of several, the one with the operation `method`.
    fn held(&self, name: Node, method: Option<&str>) -> Option<usize> {
        let held = self.clients.get(self.text(name))?;
        let fits = |s: &&usize| method.is_some_and(|m| matches!(sdk().needs(**s, m), super::sdk::Needs::Actions(_)));
        held.iter().find(fits).or(held.first()).copied()
    }

    /// `boto3.client("s3")`, `session.client("s3")`, `boto3.resource("dynamodb")`,
    /// `dynamodb.Table(name)` on a known resource.
    fn client_made_by(&self, n: Node) -> Option<usize> {
        if n.kind() != "call" {
            return None;
        }
        let function = n.child_by_field_name("function")?;
        if function.kind() != "attribute" {
            return None;
        }
        let method = self.text(function.child_by_field_name("attribute")?);
        let object = function.child_by_field_name("object")?;
        match method {
            "client" | "resource" => {
                let first = n.child_by_field_name("arguments")?.named_child(0)?;
                let first = match first.kind() {
                    "keyword_argument" if self.text(first.child_by_field_name("name")?) == "service_name" => {
                        first.child_by_field_name("value")?
                    }
                    _ => first,
                };
                sdk().by_boto3(&self.string(first)?)
            }
            // A sub-resource of a resource (`Table`, `Bucket`, `Queue`).
            m if m.starts_with(|c: char| c.is_ascii_uppercase()) => {
                self.held(object, None).or_else(|| self.client_made_by(object))
            }
            _ => None,
        }
    }

    /// A boto3 resource whose attributes load through the API (`Stack(name).outputs`):
    /// every resource but DynamoDB's, whose tables are used through their methods.
    fn opaque_resource(&self, n: Node) -> bool {
        let Some(function) = n.child_by_field_name("function").filter(|f| f.kind() == "attribute") else {
            return false;
        };
        let method = function.child_by_field_name("attribute").map_or("", |m| self.text(m));
        let service = self.client_made_by(n).map(|s| sdk().service(s).boto3.as_str());
        (method == "resource" || method.starts_with(|c: char| c.is_ascii_uppercase())) && service != Some("dynamodb")
    }

    /// `os.environ["X"]`, `os.environ.get("X")`, `os.getenv("X")`, or a name assigned from one.
    fn env_read(&self, n: Node) -> Option<String> {
        match n.kind() {
            "subscript" if self.text(n.child_by_field_name("value")?) == "os.environ" => {
                self.string(n.child_by_field_name("subscript")?)
            }
            "call" => {
                let f = self.text(n.child_by_field_name("function")?);
                if matches!(f, "os.environ.get" | "os.getenv" | "getenv" | "environ.get") {
                    self.string(n.child_by_field_name("arguments")?.named_child(0)?)
                } else {
                    None
                }
            }
            "identifier" => self.env.get(self.text(n)).cloned(),
            _ => None,
        }
    }

    /// The text of a string literal without interpolation.
    fn string(&self, n: Node) -> Option<String> {
        if n.kind() != "string" {
            return None;
        }
        let mut out = String::new();
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            match c.kind() {
                "string_content" => out.push_str(self.text(c)),
                "string_start" | "string_end" => {}
                _ => return None,
            }
        }
        Some(out)
    }

    fn call(&self, n: Node) -> Option<FoundCall> {
        let function = n.child_by_field_name("function")?;
        let args = n.child_by_field_name("arguments");
        // `getattr(client, name)(...)`: a call, but not which.
        if function.kind() == "call" {
            let inner = function.child_by_field_name("function")?;
            if self.text(inner) == "getattr" {
                let target = function.child_by_field_name("arguments")?.named_child(0)?;
                let service = self.held(target, None)?;
                return Some(self.found(function, Some(service), self.text(function), args, true));
            }
            return None;
        }
        if function.kind() != "attribute" {
            return None;
        }
        let name = function.child_by_field_name("attribute")?;
        let object = function.child_by_field_name("object")?;
        let mut method = self.text(name);
        let service = self.held(object, Some(self.text(name))).or_else(|| self.client_made_by(object));
        if service.is_some() && matches!(method, "get_paginator" | "get_waiter") {
            // The paginator calls the operation it names.
            match args.and_then(|a| a.named_child(0)).and_then(|a| self.string(a)) {
                Some(op) if method == "get_paginator" => {
                    return Some(FoundCall { method: op, ..self.found(name, service, method, args, false) });
                }
                _ => method = "get_waiter",
            }
        }
        // `Table(...)`, `Bucket(...)`: a sub-resource, not an operation.
        if method.starts_with(|c: char| c.is_ascii_uppercase()) || (service.is_none() && !compound(method)) {
            return None;
        }
        Some(self.found(name, service, method, args, false))
    }

    fn found(&self, at: Node, service: Option<usize>, method: &str, args: Option<Node>, dynamic: bool) -> FoundCall {
        let resource =
            args.map_or(ResourceHint::None, |a| tree::resource_hint(a, |n| self.string(n), |n| self.env_read(n)));
        FoundCall {
            span: tree::span(at),
            service,
            method: method.to_string(),
            resource,
            dynamic,
            document_client: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods(text: &str) -> Vec<(Option<String>, String, ResourceHint, bool)> {
        calls(text)
            .unwrap()
            .calls
            .into_iter()
            .map(|c| (c.service.map(|s| sdk().service(s).boto3.clone()), c.method, c.resource, c.dynamic))
            .collect()
    }

    #[test]
    fn module_level_clients_and_their_calls() {
        let text = r#"
import boto3, os
chime = boto3.client("chime-sdk-voice", region_name="us-east-1")
SMA_ID = os.environ["SMA_ID"]
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])

def handler(event, context):
    chime.update_sip_media_application_call(SipMediaApplicationId=SMA_ID, TransactionId="t", Arguments={})
    table.put_item(Item={})
    getattr(chime, "x")()
    json.dumps({})
"#;
        let found = methods(text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0.as_deref(), Some("chime-sdk-voice"));
        assert_eq!(found[0].1, "update_sip_media_application_call");
        assert_eq!(found[0].2, ResourceHint::Env("SMA_ID".into()));
        assert_eq!((found[1].0.as_deref(), found[1].1.as_str()), (Some("dynamodb"), "put_item"));
        assert!(found[2].3);
    }

    #[test]
    fn a_client_passed_in_is_kept_unresolved_and_syntax_errors_are_noted() {
        let out =
            calls("def f(voice):\n    voice.update_sip_media_application_call(X=1)\n    d.get('a')\ndef (:\n").unwrap();
        assert_eq!(out.calls.len(), 1);
        assert_eq!(out.calls[0].service, None);
        assert!(out.syntax_error.is_some());
    }

    #[test]
    fn one_name_for_two_clients_in_two_functions() {
        let text = "import boto3\ndef a():\n    client = boto3.client('s3')\n    client.put_object(Bucket='b')\ndef b():\n    client = boto3.client('chime-sdk-voice')\n    client.update_sip_media_application_call(X=1)\n";
        let found = methods(text);
        assert_eq!(found[0].0.as_deref(), Some("s3"));
        assert_eq!(found[1].0.as_deref(), Some("chime-sdk-voice"));
    }
}
