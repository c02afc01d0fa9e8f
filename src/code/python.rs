//! Python (boto3): clients made with `boto3.client("chime-sdk-voice")`,
//! `session.client(...)` or `boto3.resource("dynamodb")` (and its `Table(...)`
//! sub-resources), kept in a name (module-level, local or `self.x`), and the
//! calls made on them; a call on a name that holds no known client (a client
//! passed in) is kept for the function's other files to resolve.
//!
//! A name holds a client in the scope it is assigned in (the function, or the
//! class for `self.x`, or the module), as Python scopes it: `client` may be an
//! SNS client in one function and a Chime SDK Voice client in another.

use super::sdk::{self, sdk};
use super::tree::{self, FileCalls, FoundCall, ResourceHint};
use std::collections::HashMap;
use tree_sitter::Node;

pub fn calls(text: &str) -> Option<FileCalls> {
    let tree = tree::parse(&tree_sitter_python::LANGUAGE.into(), text)?;
    let root = tree.root_node();
    let mut out = FileCalls { syntax_error: tree::first_error(root), ..FileCalls::default() };
    let mut cx = Cx { src: text, clients: HashMap::new(), env: HashMap::new(), makers: HashMap::new() };
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
                let local = if c.kind() == "aliased_import" { c.child_by_field_name("alias") } else { Some(c) };
                if let Some(name) = name {
                    let name = tree::text(name, text);
                    let sep = if module.ends_with('.') { "" } else { "." };
                    out.imports.push(format!("{module}{sep}{name}"));
                    // `from boto3 import client as mk`: `mk("s3")` makes a client.
                    if module == "boto3" && matches!(name, "client" | "resource") {
                        if let Some(local) = local {
                            cx.makers.insert(tree::text(local, text), name);
                        }
                    }
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
                    // One name may hold different clients in different branches.
                    let held = cx.clients.entry((scope_of(left), name)).or_default();
                    if !held.contains(&service) {
                        held.push(service);
                    }
                    // `Table(os.environ["TABLE"])`: the table its calls act on.
                    if let Some(var) = cx.sub_resource_env(right) {
                        cx.env.insert(name, var);
                    }
                } else if let Some(var) = cx.env_read(right) {
                    cx.env.insert(name, var);
                }
            }
        }
    });
    tree::preorder(root, |n| {
        if n.kind() == "call" {
            // Wherever a client is made (returned, passed, called at once), the code has one.
            if let Some(service) = cx.client_made_by(n) {
                out.created(service);
            }
            if let Some(call) = cx.call(n) {
                out.calls.push(call);
            }
        }
    });
    Some(out)
}

/// The scope a name is assigned in: the node id of its function or class, or the module's.
type Scope = usize;

/// Where an assignment to `left` binds: `self.x` in the class, a name in its
/// function, else the module.
fn scope_of(left: Node) -> Scope {
    let wanted: &[&str] =
        if left.kind() == "attribute" { &["class_definition", "module"] } else { &["function_definition", "module"] };
    let mut n = left;
    while let Some(p) = n.parent() {
        if wanted.contains(&p.kind()) {
            return p.id();
        }
        n = p;
    }
    n.id()
}

struct Cx<'s> {
    src: &'s str,
    /// (scope, `chime` / `self.client` / `table`) → the services of the clients it holds.
    clients: HashMap<(Scope, &'s str), Vec<usize>>,
    /// A name imported from boto3 that makes a client: `mk` → `client`.
    makers: HashMap<&'s str, &'s str>,
    /// `SMA_ID` → the environment variable it was read from.
    env: HashMap<&'s str, String>,
}

impl<'s> Cx<'s> {
    fn text(&self, n: Node) -> &'s str {
        tree::text(n, self.src)
    }

    /// The client a name holds, in the innermost scope around it that assigns
    /// the name; of several, the one with the operation `method`.
    fn held(&self, name: Node, method: Option<&str>) -> Option<usize> {
        let text = self.text(name);
        let mut scopes = std::iter::successors(name.parent(), |n| n.parent())
            .filter(|n| matches!(n.kind(), "function_definition" | "class_definition" | "module"));
        let held = scopes.find_map(|s| self.clients.get(&(s.id(), text)))?;
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
        if function.kind() == "identifier" {
            let _ = self.makers.get(self.text(function))?;
            return self.service_named(n);
        }
        if function.kind() != "attribute" {
            return None;
        }
        let method = self.text(function.child_by_field_name("attribute")?);
        let object = function.child_by_field_name("object")?;
        match method {
            "client" | "resource" => self.service_named(n),
            // A sub-resource of a resource (`Table`, `Bucket`, `Queue`).
            m if m.starts_with(|c: char| c.is_ascii_uppercase()) => {
                self.held(object, None).or_else(|| self.client_made_by(object))
            }
            _ => None,
        }
    }

    /// The environment variable a sub-resource is named by: `Table(os.environ["TABLE"])`.
    fn sub_resource_env(&self, n: Node) -> Option<String> {
        let function = n.child_by_field_name("function").filter(|f| f.kind() == "attribute")?;
        let method = self.text(function.child_by_field_name("attribute")?);
        if !method.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        self.env_read(n.child_by_field_name("arguments")?.named_child(0)?)
    }

    /// The service a `client("s3")` or `client(service_name="s3")` call names.
    fn service_named(&self, call: Node) -> Option<usize> {
        let first = call.child_by_field_name("arguments")?.named_child(0)?;
        let first = match first.kind() {
            "keyword_argument" if self.text(first.child_by_field_name("name")?) == "service_name" => {
                first.child_by_field_name("value")?
            }
            _ => first,
        };
        sdk().by_boto3(&self.string(first)?)
    }

    /// A boto3 resource whose attributes load through the API (`Stack(name).outputs`):
    /// every resource but DynamoDB's, whose tables are used through their methods.
    fn opaque_resource(&self, n: Node) -> bool {
        let Some(function) = n.child_by_field_name("function") else { return false };
        let method = match function.kind() {
            "attribute" => function.child_by_field_name("attribute").map_or("", |m| self.text(m)),
            "identifier" => self.makers.get(self.text(function)).copied().unwrap_or(""),
            _ => return false,
        };
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
        // `Table(...)`, `Bucket(...)`: a sub-resource, not an operation. A call on an
        // unknown receiver named like an operation (`publish`, `put_item`) is kept:
        // the function's clients decide.
        if method.starts_with(|c: char| c.is_ascii_uppercase())
            || (service.is_none() && (self.client_made_by(n).is_some() || !sdk::some_service_has(method)))
        {
            return None;
        }
        let mut found = self.found(name, service, method, args, false);
        // A call on a table named by an environment variable acts on that table.
        if found.resource == ResourceHint::None {
            if let Some(var) = self.env.get(self.text(object)) {
                found.resource = ResourceHint::Env(var.clone());
            }
        }
        Some(found)
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
        assert_eq!(found[1], (Some("dynamodb".into()), "put_item".into(), ResourceHint::Env("TABLE".into()), false));
        assert!(found[2].3);
    }

    #[test]
    fn a_client_passed_in_is_kept_unresolved_and_syntax_errors_are_noted() {
        let out =
            calls("def f(voice):\n    voice.update_sip_media_application_call(X=1)\n    d.get('a')\ndef (:\n").unwrap();
        assert_eq!(out.calls[0].method, "update_sip_media_application_call");
        assert!(out.calls.iter().all(|c| c.service.is_none()));
        assert!(out.syntax_error.is_some());
    }

    #[test]
    fn a_name_holds_a_client_in_its_own_scope() {
        // `tag_resource` is an operation of both: the function's own `client` decides.
        let text = "import boto3\nfrom boto3 import client as mk\ndef notify():\n    client = boto3.client('sns')\n    client.publish(TopicArn='t', Message='m')\ndef handler(e, c):\n    client = boto3.client('chime-sdk-voice')\n    client.tag_resource(ResourceARN='a', Tags=[])\nclass H:\n    def __init__(self):\n        self.v = mk('chime-sdk-voice')\n    def run(self):\n        self.v.tag_resource(ResourceARN='a', Tags=[])\n";
        let found: Vec<_> = methods(text).into_iter().map(|c| (c.0, c.1)).collect();
        let expect = [("sns", "publish"), ("chime-sdk-voice", "tag_resource"), ("chime-sdk-voice", "tag_resource")];
        assert_eq!(found, expect.map(|(s, m)| (Some(s.to_string()), m.to_string())));
    }

    #[test]
    fn a_client_made_anywhere_is_one_the_code_has() {
        let out = calls("import boto3\ndef table():\n    return boto3.resource('dynamodb').Table('t')\ndef h():\n    table().put_item(Item={})\n").unwrap();
        assert_eq!(out.created, [sdk().by_boto3("dynamodb").unwrap()]);
        assert_eq!((out.calls[0].service, out.calls[0].method.as_str()), (None, "put_item"));
    }

    #[test]
    fn one_name_for_two_clients_in_two_functions() {
        let text = "import boto3\ndef a():\n    client = boto3.client('s3')\n    client.put_object(Bucket='b')\ndef b():\n    client = boto3.client('chime-sdk-voice')\n    client.update_sip_media_application_call(X=1)\n";
        let found = methods(text);
        assert_eq!(found[0].0.as_deref(), Some("s3"));
        assert_eq!(found[1].0.as_deref(), Some("chime-sdk-voice"));
    }
}
