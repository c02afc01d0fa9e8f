//! What the language readers share: parsing with a time budget, a walk
//! without recursion (deeply nested code cannot overflow the stack), and the
//! calls a file makes before they are resolved against the function's code.

use super::sdk::ServiceId;
use crate::source::Span;
use std::time::{Duration, Instant};
use tree_sitter::{Language, Node, ParseOptions, Parser, Tree};

/// How long one file may take to parse: tree-sitter is linear in practice,
/// so only pathological input meets this, and is then skipped, not waited on.
const PARSE_BUDGET: Duration = Duration::from_secs(2);

/// Parses `text`; `None` when the grammar cannot be loaded or the budget ran out.
pub fn parse(language: &Language, text: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser.set_language(language).ok()?;
    let bytes = text.as_bytes();
    let started = Instant::now();
    // Returning true halts the parse.
    let mut over_budget = |_: &tree_sitter::ParseState| started.elapsed() > PARSE_BUDGET;
    let options = ParseOptions::new().progress_callback(&mut over_budget);
    parser.parse_with_options(&mut |i, _| bytes.get(i..).unwrap_or_default(), None, Some(options))
}

/// Every node of the tree, parents before children, without recursion.
pub fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    let mut cursor = root.walk();
    loop {
        visit(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

pub fn span(node: Node) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

pub fn text<'s>(node: Node, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The first syntax error of a tree, if any: the innermost error node, since
/// an error node may wrap every statement before the error (a Python `else:`
/// at the top level makes one from the first line).
pub fn first_error(root: Node) -> Option<Span> {
    if !root.has_error() {
        return None;
    }
    let mut found = None;
    preorder(root, |n| {
        let wraps_another = || (0..n.child_count()).filter_map(|i| n.child(i)).any(|c| c.has_error());
        if found.is_none() && (n.is_error() || n.is_missing()) && !wraps_another() {
            found = Some(span(n));
        }
    });
    found.or(Some(span(root)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_syntax_error_is_where_it_is_not_where_its_error_node_starts() {
        let text = "import boto3\ndef handler(e, ctx):\n    pass\nelse:\n    pass\n";
        let tree = super::parse(&tree_sitter_python::LANGUAGE.into(), text).unwrap();
        let at = super::first_error(tree.root_node()).unwrap();
        assert_eq!(&text[at.range()], "else:");
    }
}

/// What a call's arguments say of the resource it acts on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ResourceHint {
    #[default]
    None,
    /// A literal ARN in the arguments.
    Arn(String),
    /// An environment variable read in the arguments (directly or through a
    /// name assigned from it).
    Env(String),
}

/// A call on what may be an SDK client, as one file shows it.
#[derive(Debug, Clone)]
pub struct FoundCall {
    /// The method or command class name, where the call is reported.
    pub span: Span,
    /// The client's service; `None` when the receiver is not known (a client
    /// passed in from elsewhere), resolved later against the function's clients.
    pub service: Option<ServiceId>,
    /// As written: `update_sip_media_application_call`, `UpdateSipMediaApplicationCallCommand`.
    pub method: String,
    pub resource: ResourceHint,
    /// The operation is computed (`getattr(client, name)`, `client.send(command)`
    /// with a command made elsewhere): known to be a call, not which.
    pub dynamic: bool,
    /// A `@aws-sdk/lib-dynamodb` or v2 `DocumentClient` call (`PutCommand`, `put`).
    pub document_client: bool,
}

/// What one file says.
#[derive(Debug, Default)]
pub struct FileCalls {
    pub calls: Vec<FoundCall>,
    /// The services whose clients the file creates.
    pub created: Vec<ServiceId>,
    /// The first syntax error: calls are still read from the rest.
    pub syntax_error: Option<Span>,
    /// Why the file's calls are not all visible, when they are not: objects
    /// whose attributes call the API (boto3 resources other than DynamoDB
    /// tables), SDK helpers that call it inside their own code (Go's S3 transfer manager).
    pub opaque: Option<&'static str>,
    /// The modules the file imports, as written (`handlers.util`, `.util`, `./util.js`).
    pub imports: Vec<String>,
}

impl FileCalls {
    pub fn created(&mut self, service: ServiceId) {
        if !self.created.contains(&service) {
            self.created.push(service);
        }
    }
}

/// The first resource hint in an argument subtree: a literal ARN, or an
/// environment variable (`env` reads the name a node reads, if any).
pub fn resource_hint<'t>(
    args: Node<'t>,
    literal: impl Fn(Node<'t>) -> Option<String>,
    env: impl Fn(Node<'t>) -> Option<String>,
) -> ResourceHint {
    let mut hint = ResourceHint::None;
    preorder(args, |n| {
        if matches!(hint, ResourceHint::Arn(_)) {
            return;
        }
        if let Some(s) = literal(n).filter(|s| s.starts_with("arn:") && whole(n, s)) {
            hint = ResourceHint::Arn(s);
        } else if hint == ResourceHint::None {
            if let Some(v) = env(n) {
                hint = ResourceHint::Env(v);
            }
        }
    });
    hint
}

/// A literal that is the whole value: not a part of a concatenation
/// (`"arn:aws:s3:::" + bucket`) nor a format (`%s`, `{}`: no ARN has them),
/// whose ARN would be a prefix taken for the resource, and a grant on the
/// real one read as a denial.
fn whole(n: Node, s: &str) -> bool {
    let part =
        n.parent().is_some_and(|p| matches!(p.kind(), "binary_expression" | "binary_operator" | "concatenated_string"));
    !part && !s.contains(['%', '{'])
}
