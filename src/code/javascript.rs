//! JavaScript and TypeScript: AWS SDK v3 (`new ChimeSDKVoiceClient()` and
//! `client.send(new XxxCommand(...))`, the aggregated `new ChimeSDKVoice()`
//! with `client.xxx(...)`, `@aws-sdk/lib-dynamodb`'s document client) and v2
//! (`new AWS.ChimeSDKVoice().xxx(...)`, `new AWS.DynamoDB.DocumentClient()`).
//! A command class imported from an `@aws-sdk/client-*` package says its
//! service, whatever client sends it. A name holds a client in the function
//! (or, for `this.x`, the class) it is assigned in, or the module.

use super::sdk::{compound, sdk};
use super::tree::{self, FileCalls, FoundCall, ResourceHint};
use std::collections::HashMap;
use tree_sitter::Node;

/// The dialect: the grammar differs for type annotations and JSX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    JavaScript,
    TypeScript,
    Tsx,
}

const LIB_DYNAMODB: &str = "@aws-sdk/lib-dynamodb";

pub fn calls(text: &str, dialect: Dialect) -> Option<FileCalls> {
    let language = match dialect {
        Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
    };
    let tree = tree::parse(&language, text)?;
    let root = tree.root_node();
    let mut out = FileCalls { syntax_error: tree::first_error(root), ..FileCalls::default() };
    let mut cx = Cx {
        src: text,
        imports: HashMap::new(),
        clients: HashMap::new(),
        env: HashMap::new(),
        commands: HashMap::new(),
    };
    // Imports, then names: a name is assigned before or after the function that uses it.
    tree::preorder(root, |n| match n.kind() {
        "import_statement" | "export_statement" => {
            if let Some(source) = n.child_by_field_name("source").and_then(|s| cx.string(s)) {
                out.imports.push(source);
            }
            if n.kind() == "import_statement" {
                cx.import(n);
            }
        }
        "call_expression" => {
            let f = n.child_by_field_name("function").map(|f| tree::text(f, text));
            if matches!(f, Some("require" | "import")) {
                if let Some(s) =
                    n.child_by_field_name("arguments").and_then(|a| a.named_child(0)).and_then(|a| cx.string(a))
                {
                    out.imports.push(s);
                }
            }
        }
        "variable_declarator" => {
            if let (Some(name), Some(value)) = (n.child_by_field_name("name"), n.child_by_field_name("value")) {
                if name.kind() == "object_pattern" {
                    cx.require(name, value);
                }
            }
        }
        _ => {}
    });
    tree::preorder(root, |n| {
        let (left, right) = match n.kind() {
            "variable_declarator" => (n.child_by_field_name("name"), n.child_by_field_name("value")),
            "assignment_expression" | "public_field_definition" => (
                n.child_by_field_name("left").or(n.child_by_field_name("name")),
                n.child_by_field_name("right").or(n.child_by_field_name("value")),
            ),
            _ => (None, None),
        };
        let (Some(left), Some(right)) = (left, right) else { return };
        let name = tree::text(left, text);
        let right = unwrap(right);
        if let Some(client) = cx.client_made_by(right) {
            if let Some(s) = client.service {
                out.created(s);
            }
            cx.clients.insert((scope_of(left, name), name.strip_prefix("this.").unwrap_or(name)), client);
        } else if let Some(var) = cx.env_read(right) {
            cx.env.insert(name, var);
        } else if right.kind() == "new_expression" {
            if let Some(class) = right.child_by_field_name("constructor").map(|c| tree::text(c, text)) {
                if class.ends_with("Command") {
                    cx.commands.insert(name, (class, right.child_by_field_name("arguments")));
                }
            }
        }
    });
    tree::preorder(root, |n| {
        if n.kind() == "call_expression" {
            if let Some(call) = cx.call(n) {
                out.calls.push(call);
            }
        }
    });
    Some(out)
}

/// A client: its service (`None` for a document client of unknown make),
/// and whether it is a DynamoDB document client.
#[derive(Debug, Clone, Copy)]
struct Client {
    service: Option<usize>,
    document: bool,
}

/// The scope a name is assigned in: the node id of its function or class, or the program's.
type Scope = usize;

/// Nodes that open a scope for the names assigned in them.
const FUNCTIONS: &[&str] =
    &["function_declaration", "function_expression", "function", "arrow_function", "method_definition", "program"];
const CLASSES: &[&str] = &["class_declaration", "class", "program"];

/// Where an assignment to `name` binds: `this.x` in the class, a name in its function, else the program.
fn scope_of(at: Node, name: &str) -> Scope {
    let wanted = if name.starts_with("this.") { CLASSES } else { FUNCTIONS };
    let mut n = at;
    while let Some(p) = n.parent() {
        if wanted.contains(&p.kind()) {
            return p.id();
        }
        n = p;
    }
    n.id()
}

/// What a name imported from an AWS SDK package stands for.
#[derive(Debug, Clone, Copy)]
struct Imported<'s> {
    /// The package's service (`None` for `@aws-sdk/lib-dynamodb`, and for a v2
    /// class, whose service is its name's).
    service: Option<usize>,
    /// The name exported (`UpdateSipMediaApplicationCallCommand` for `as Update`).
    exported: &'s str,
    /// A namespace (`import * as voice`): `voice.XCommand` is a command of its service.
    namespace: bool,
}

struct Cx<'s> {
    src: &'s str,
    /// A name imported from an AWS SDK package.
    imports: HashMap<&'s str, Imported<'s>>,
    /// (scope, name) → the client it holds.
    clients: HashMap<(Scope, &'s str), Client>,
    env: HashMap<&'s str, String>,
    /// `const cmd = new PutObjectCommand({...})`: the class and its arguments.
    commands: HashMap<&'s str, (&'s str, Option<Node<'s>>)>,
}

/// `await x`, `(x)`, `x as T`, `x!`: the expression inside.
fn unwrap(mut n: Node) -> Node {
    while matches!(
        n.kind(),
        "await_expression"
            | "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
    ) {
        match n.named_child(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

impl<'s> Cx<'s> {
    fn text(&self, n: Node) -> &'s str {
        tree::text(n, self.src)
    }

    fn string(&self, n: Node) -> Option<String> {
        match n.kind() {
            "string" => {
                let t = self.text(n);
                Some(t.get(1..t.len().saturating_sub(1)).unwrap_or("").to_string())
            }
            "template_string" if n.named_child_count() == 0 => {
                let t = self.text(n);
                Some(t.get(1..t.len().saturating_sub(1)).unwrap_or("").to_string())
            }
            _ => None,
        }
    }

    /// The service a package stands for: `Some(None)` for `@aws-sdk/lib-dynamodb`
    /// and v2's `aws-sdk`, whose classes name their services.
    fn package(&self, name: &str) -> Option<Option<usize>> {
        if name == LIB_DYNAMODB || name == "aws-sdk" {
            return Some(None);
        }
        sdk().by_npm(name).map(Some)
    }

    /// `import { A, B as C } from "@aws-sdk/client-x"`, `import * as x from "@aws-sdk/client-x"`.
    fn import(&mut self, n: Node<'s>) {
        let Some(service) = n.child_by_field_name("source").and_then(|s| self.string(s)).and_then(|p| self.package(&p))
        else {
            return;
        };
        tree::preorder(n, |c| match c.kind() {
            "import_specifier" => {
                let name = c.child_by_field_name("name");
                if let (Some(name), Some(local)) = (name, c.child_by_field_name("alias").or(name)) {
                    let exported = tree::text(name, self.src);
                    self.imports.insert(tree::text(local, self.src), Imported { service, exported, namespace: false });
                }
            }
            "namespace_import" => {
                if let Some(local) = c.named_child(0) {
                    let local = tree::text(local, self.src);
                    self.imports.insert(local, Imported { service, exported: local, namespace: true });
                }
            }
            _ => {}
        });
    }

    /// `const { A, B: C } = require("@aws-sdk/client-x")`.
    fn require(&mut self, pattern: Node<'s>, value: Node<'s>) {
        let value = unwrap(value);
        if value.kind() != "call_expression"
            || value.child_by_field_name("function").map(|f| self.text(f)) != Some("require")
        {
            return;
        }
        let Some(service) = value
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .and_then(|s| self.string(s))
            .and_then(|p| self.package(&p))
        else {
            return;
        };
        let mut cursor = pattern.walk();
        for c in pattern.named_children(&mut cursor) {
            let (name, local) = match c.kind() {
                "shorthand_property_identifier_pattern" => (Some(c), Some(c)),
                "pair_pattern" => (c.child_by_field_name("key"), c.child_by_field_name("value")),
                _ => (None, None),
            };
            if let (Some(name), Some(local)) = (name, local) {
                let exported = tree::text(name, self.src);
                self.imports.insert(tree::text(local, self.src), Imported { service, exported, namespace: false });
            }
        }
    }

    /// `new ChimeSDKVoiceClient({})`, `new AWS.ChimeSDKVoice()`, `new ChimeSDKVoice()`,
    /// `new AWS.DynamoDB.DocumentClient()`, `DynamoDBDocumentClient.from(c)`.
    fn client_made_by(&self, n: Node) -> Option<Client> {
        let dynamodb = || sdk().by_boto3("dynamodb");
        match n.kind() {
            "new_expression" => {
                let class = self.text(n.child_by_field_name("constructor")?);
                if class == "AWS.DynamoDB.DocumentClient" || class == "DocumentClient" {
                    return Some(Client { service: dynamodb(), document: true });
                }
                let imported = self.imports.get(class);
                if imported.map_or(class, |i| i.exported).ends_with("Command") {
                    return None;
                }
                let service = imported.and_then(|i| i.service).or_else(|| {
                    // A bare class name counts when it is the v3 or v2 spelling of a client.
                    let exported = imported.map_or(class, |i| i.exported);
                    (class.starts_with("AWS.") || class.ends_with("Client") || imported.is_some())
                        .then(|| sdk().by_js_class(exported))
                        .flatten()
                })?;
                Some(Client { service: Some(service), document: false })
            }
            "call_expression" => {
                let f = self.text(n.child_by_field_name("function")?);
                (f == "DynamoDBDocumentClient.from" || f == "DynamoDBDocument.from")
                    .then(|| Client { service: dynamodb(), document: true })
            }
            _ => None,
        }
    }

    /// `process.env.X`, `process.env["X"]`, or a name assigned from one.
    fn env_read(&self, n: Node) -> Option<String> {
        match n.kind() {
            "member_expression" if self.text(n.child_by_field_name("object")?) == "process.env" => {
                Some(self.text(n.child_by_field_name("property")?).to_string())
            }
            "subscript_expression" if self.text(n.child_by_field_name("object")?) == "process.env" => {
                self.string(n.child_by_field_name("index")?)
            }
            "identifier" => self.env.get(self.text(n)).cloned(),
            _ => None,
        }
    }

    /// The client a receiver holds: in the innermost scope around it that assigns the name.
    fn client(&self, object: Node) -> Option<Client> {
        let name = self.text(object);
        let wanted = if name.starts_with("this.") { CLASSES } else { FUNCTIONS };
        let name = name.strip_prefix("this.").unwrap_or(name);
        std::iter::successors(object.parent(), |n| n.parent())
            .filter(|n| wanted.contains(&n.kind()))
            .find_map(|scope| self.clients.get(&(scope.id(), name)).copied())
            .or_else(|| self.client_made_by(unwrap(object)))
    }

    fn call(&self, n: Node<'s>) -> Option<FoundCall> {
        let function = n.child_by_field_name("function")?;
        let args = n.child_by_field_name("arguments");
        match function.kind() {
            // `client[name](...)`.
            "subscript_expression" => {
                let client = self.client(function.child_by_field_name("object")?)?;
                Some(self.found(function, client, self.text(function), args, true))
            }
            "member_expression" => {
                let object = function.child_by_field_name("object")?;
                let property = function.child_by_field_name("property")?;
                let method = self.text(property);
                let client = self.client(object);
                if method == "send" {
                    return self.send(args?, client);
                }
                match client {
                    Some(c) => Some(self.found(property, c, method, args, false)),
                    None if compound(method) && method != "promise" => {
                        Some(self.found(property, Client { service: None, document: false }, method, args, false))
                    }
                    None => None,
                }
            }
            _ => None,
        }
    }

    /// `client.send(new XxxCommand(...))` or `client.send(command)`.
    fn send(&self, args: Node<'s>, client: Option<Client>) -> Option<FoundCall> {
        let first = unwrap(args.named_child(0)?);
        let (class_node, class, cmd_args) = match first.kind() {
            "new_expression" => {
                let c = first.child_by_field_name("constructor")?;
                (c, self.text(c), first.child_by_field_name("arguments"))
            }
            "identifier" => match self.commands.get(self.text(first)) {
                Some(&(class, a)) => (first, class, a),
                None => {
                    let client = client?;
                    return Some(self.found(first, client, self.text(first), Some(args), true));
                }
            },
            _ => {
                let client = client?;
                return Some(self.found(first, client, self.text(first), Some(args), true));
            }
        };
        // `Update` imported `as` from `UpdateXCommand`; `voice.UpdateXCommand` of `import * as voice`.
        let (imported, exported) = match (self.imports.get(class), class.split_once('.')) {
            (Some(i), _) if !i.namespace => (Some(*i), i.exported),
            (None, Some((ns, rest))) => match self.imports.get(ns) {
                Some(i) if i.namespace => (Some(*i), rest),
                _ => (None, class),
            },
            _ => (None, class),
        };
        if !exported.ends_with("Command") {
            // A class computed at run time (`voice[name + "Command"]`): a call, but not which.
            let client = client?;
            return Some(self.found(class_node, client, class, cmd_args, true));
        }
        let client = match imported.map(|i| i.service) {
            Some(Some(service)) => Client { service: Some(service), document: false },
            Some(None) => Client { service: sdk().by_boto3("dynamodb"), document: true },
            None => client?,
        };
        Some(self.found(class_node, client, exported, cmd_args, false))
    }

    fn found(&self, at: Node, client: Client, method: &str, args: Option<Node>, dynamic: bool) -> FoundCall {
        let resource =
            args.map_or(ResourceHint::None, |a| tree::resource_hint(a, |n| self.string(n), |n| self.env_read(n)));
        FoundCall {
            span: tree::span(at),
            service: client.service,
            method: method.to_string(),
            resource,
            dynamic,
            document_client: client.document,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods(text: &str, d: Dialect) -> Vec<(Option<String>, String, bool)> {
        calls(text, d)
            .unwrap()
            .calls
            .into_iter()
            .map(|c| (c.service.map(|s| sdk().service(s).boto3.clone()), c.method, c.dynamic))
            .collect()
    }

    #[test]
    fn sdk_v3_commands_and_clients() {
        let text = r#"
import { ChimeSDKVoiceClient, UpdateSipMediaApplicationCallCommand } from "@aws-sdk/client-chime-sdk-voice";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
const chime = new ChimeSDKVoiceClient({ region: "us-east-1" });
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async (event) => {
  await chime.send(new UpdateSipMediaApplicationCallCommand({ SipMediaApplicationId: process.env.SMA_ID }));
  await ddb.send(new PutCommand({ TableName: "t", Item: {} }));
  await chime.send(command);
  console.log("x");
};
"#;
        let found = methods(text, Dialect::JavaScript);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0.as_deref(), Some("chime-sdk-voice"));
        assert_eq!(found[0].1, "UpdateSipMediaApplicationCallCommand");
        assert_eq!((found[1].0.as_deref(), found[1].1.as_str()), (Some("dynamodb"), "PutCommand"));
        assert!(found[2].2);
    }

    #[test]
    fn sdk_v2_and_typescript() {
        let text = r#"
const AWS = require("aws-sdk");
const chime: AWS.ChimeSDKVoice = new AWS.ChimeSDKVoice({ region: "us-east-1" });
export async function handler(event: any): Promise<void> {
  await chime.updateSipMediaApplicationCall({ SipMediaApplicationId: "x" }).promise();
}
"#;
        let found = methods(text, Dialect::TypeScript);
        assert_eq!(found, vec![(Some("chime-sdk-voice".into()), "updateSipMediaApplicationCall".into(), false)]);
    }

    #[test]
    fn imports_aliases_namespaces_scopes_and_computed_commands() {
        let text = r#"
import { ChimeSDKVoiceClient, UpdateSipMediaApplicationCallCommand as Update } from "@aws-sdk/client-chime-sdk-voice";
import * as voice from "@aws-sdk/client-chime-sdk-voice";
const { S3 } = require("aws-sdk");
import { SNS } from "aws-sdk";
function notify() {
  const client = new SNS();
  client.tagResource({});
}
export const handler = async (event) => {
  const client = new ChimeSDKVoiceClient({});
  await client.send(new Update({}));
  await client.send(new voice.GetSipMediaApplicationCommand({}));
  const Cmd = voice[event.name + "Command"];
  await client.send(new Cmd({}));
  client.tagResource({});
  await new S3().getObject({}).promise();
};
"#;
        let found = methods(text, Dialect::JavaScript);
        let expect = [
            ("sns", "tagResource", false),
            ("chime-sdk-voice", "UpdateSipMediaApplicationCallCommand", false),
            ("chime-sdk-voice", "GetSipMediaApplicationCommand", false),
            ("chime-sdk-voice", "Cmd", true),
            ("chime-sdk-voice", "tagResource", false),
            ("s3", "getObject", false),
        ];
        assert_eq!(found, expect.map(|(s, m, d)| (Some(s.to_string()), m.to_string(), d)));
    }
}
