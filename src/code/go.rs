//! Go (AWS SDK for Go v2, and v1): a service package imported from
//! `github.com/aws/aws-sdk-go-v2/service/<svc>` (or v1's
//! `github.com/aws/aws-sdk-go/service/<svc>`), under its name or an alias;
//! a client made with `<svc>.NewFromConfig(cfg)` or `<svc>.New(...)`, or
//! declared with its type (`*chimesdkvoice.Client`, v1's
//! `*chimesdkvoice.ChimeSDKVoice`) as a variable, a struct field or a
//! parameter; and the calls on it
//! (`client.CreateSipMediaApplicationCall(ctx, &chimesdkvoice.CreateSipMediaApplicationCallInput{...})`).
//!
//! Go names a package by the last element of its import path, and the SDK's
//! package names are the JavaScript class stems in lower case
//! (`chimesdkvoice`, `ChimeSDKVoice`), so the package names the service. A
//! call on a receiver that holds no known client is still an SDK call when
//! its input is the operation's `<svc>.<Operation>Input`: the input names
//! the service.
//!
//! The grammar is `tree-sitter-go` 0.25, the release generated for the
//! `tree-sitter` 0.25 runtime the other readers use: its tables are ABI 15,
//! which that runtime loads (a grammar of a newer ABI would fail to load at
//! run time, not at build time), and it is C built by `cc` with no Rust code
//! that could ask for a newer compiler than the crate's rust-version.

use super::sdk::{compound, sdk, Needs, ServiceId};
use super::tree::{self, FileCalls, FoundCall, ResourceHint};
use std::collections::HashMap;
use tree_sitter::Node;

/// The import path prefixes of the SDK's service packages, v2 then v1.
const SERVICE_PATHS: &[&str] = &["github.com/aws/aws-sdk-go-v2/service/", "github.com/aws/aws-sdk-go/service/"];

/// SDK helper packages that need IAM actions inside their own code (an
/// upload is `s3:PutObject`, an RDS auth token `rds-db:connect`): a file that
/// imports one does not show all it calls.
const HELPER_PATHS: &[&str] = &[
    "github.com/aws/aws-sdk-go-v2/feature/s3/manager",
    "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager",
    "github.com/aws/aws-sdk-go-v2/feature/rds/auth",
    "github.com/aws/aws-sdk-go/service/s3/s3manager",
    "github.com/aws/aws-sdk-go/service/rds/rdsutils",
];

pub fn calls(text: &str) -> Option<FileCalls> {
    let tree = tree::parse(&tree_sitter_go::LANGUAGE.into(), text)?;
    let root = tree.root_node();
    let mut out = FileCalls { syntax_error: tree::first_error(root), ..FileCalls::default() };
    let mut cx = Cx {
        src: text,
        packages: HashMap::new(),
        imported: Vec::new(),
        clients: HashMap::new(),
        env: HashMap::new(),
        literals: HashMap::new(),
    };
    tree::preorder(root, |n| {
        if n.kind() == "import_spec" {
            cx.import(n, &mut out);
        }
    });
    // Names next, wherever they are declared: a client made in `main` or
    // `init` is used in the handler, written above or below.
    tree::preorder(root, |n| cx.declare(n, &mut out));
    tree::preorder(root, |n| {
        if n.kind() == "call_expression" {
            if let Some(call) = cx.call(n) {
                out.calls.push(call);
            }
        }
    });
    Some(out)
}

struct Cx<'s> {
    src: &'s str,
    /// `chimesdkvoice`, `voice` (an alias) → the service of the package.
    packages: HashMap<&'s str, ServiceId>,
    /// Every name an import brings in (`os`, `aws`, `fmt`): calls on them are
    /// package functions, not client methods.
    imported: Vec<&'s str>,
    /// `client`, `voice` (a field, `h.voice`) → the services of the clients it holds.
    clients: HashMap<&'s str, Vec<ServiceId>>,
    /// `smaID` → the environment variable it was read from.
    env: HashMap<&'s str, String>,
    /// `smaArn` → the string constant or variable it was given.
    literals: HashMap<&'s str, String>,
}

impl<'s> Cx<'s> {
    fn text(&self, n: Node) -> &'s str {
        tree::text(n, self.src)
    }

    /// `import voice "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"`.
    fn import(&mut self, n: Node, out: &mut FileCalls) {
        let Some(path) = n.child_by_field_name("path").and_then(|p| self.string(p)) else { return };
        let alias = n.child_by_field_name("name").map(|a| self.text(a));
        let last = path.rsplit('/').next().unwrap_or(&path);
        let name: &'s str = match alias {
            Some("_" | ".") => return,
            Some(a) => a,
            // The package name is the path's last element.
            None => match self.src.get(n.byte_range()).and_then(|t| t.rfind(last).map(|i| (t, i))) {
                Some((t, i)) => &t[i..i + last.len()],
                None => return,
            },
        };
        self.imported.push(name);
        let service = SERVICE_PATHS
            .iter()
            .find_map(|p| path.strip_prefix(p))
            .filter(|rest| !rest.contains('/'))
            .and_then(|svc| sdk().by_js_class(svc));
        if let Some(s) = service {
            self.packages.insert(name, s);
        }
        if HELPER_PATHS.contains(&path.as_str()) {
            out.opaque = Some("an SDK helper package (S3 transfer manager, RDS auth) calls the API in its own code, which is not read");
        }
        out.imports.push(path);
    }

    /// Records the clients, environment reads and string constants a declaration names.
    fn declare(&mut self, n: Node, out: &mut FileCalls) {
        match n.kind() {
            "short_var_declaration" | "assignment_statement" => {
                let (Some(left), Some(right)) = (n.child_by_field_name("left"), n.child_by_field_name("right")) else {
                    return;
                };
                let mut lc = left.walk();
                let mut rc = right.walk();
                let names: Vec<Node> = left.named_children(&mut lc).collect();
                let values: Vec<Node> = right.named_children(&mut rc).collect();
                for (name, value) in names.iter().zip(&values) {
                    if let Some(name) = self.last_name(*name) {
                        self.bind(name, None, Some(*value), out);
                    }
                }
            }
            "var_spec" | "const_spec" | "field_declaration" | "parameter_declaration" => {
                let ty = n.child_by_field_name("type");
                let mut nc = n.walk();
                let names: Vec<Node> = n.children_by_field_name("name", &mut nc).collect();
                let values: Vec<Node> = match n.child_by_field_name("value") {
                    Some(v) => {
                        let mut vc = v.walk();
                        v.named_children(&mut vc).collect()
                    }
                    None => Vec::new(),
                };
                for (i, name) in names.iter().enumerate() {
                    let name = self.text(*name);
                    self.bind(name, ty, values.get(i).copied(), out);
                }
            }
            // `&Handler{voice: chimesdkvoice.NewFromConfig(cfg), smaID: os.Getenv("SMA_ID")}`
            "keyed_element" => {
                let key = n.child_by_field_name("key").and_then(|k| k.named_child(0));
                let value = n.child_by_field_name("value").and_then(|v| v.named_child(0));
                if let (Some(key), Some(value)) = (key, value) {
                    if key.kind() == "identifier" {
                        self.bind(self.text(key), None, Some(value), out);
                    }
                }
            }
            _ => {}
        }
    }

    fn bind(&mut self, name: &'s str, ty: Option<Node>, value: Option<Node>, out: &mut FileCalls) {
        if name == "_" {
            return;
        }
        if let Some(service) = ty.and_then(|t| self.client_type(t)).or_else(|| value.and_then(|v| self.made_by(v))) {
            if value.is_some() {
                out.created(service);
            }
            // One name may hold different clients in different functions.
            let held = self.clients.entry(name).or_default();
            if !held.contains(&service) {
                held.push(service);
            }
        } else if let Some(value) = value {
            if let Some(var) = self.env_read(value) {
                self.env.insert(name, var);
            } else if let Some(s) = self.whole_string(value) {
                self.literals.insert(name, s);
            }
        }
    }

    /// `client`, `h.voice` → `client`, `voice`: a client is known by its last name.
    fn last_name(&self, n: Node) -> Option<&'s str> {
        match n.kind() {
            "identifier" | "field_identifier" => Some(self.text(n)),
            "selector_expression" => n.child_by_field_name("field").map(|f| self.text(f)),
            "parenthesized_expression" | "unary_expression" => {
                n.named_child(n.named_child_count().saturating_sub(1)).and_then(|c| self.last_name(c))
            }
            _ => None,
        }
    }

    /// `*chimesdkvoice.Client` (v2), `*chimesdkvoice.ChimeSDKVoice` (v1).
    fn client_type(&self, ty: Node) -> Option<ServiceId> {
        let ty = if ty.kind() == "pointer_type" { ty.named_child(0)? } else { ty };
        if ty.kind() != "qualified_type" {
            return None;
        }
        let service = *self.packages.get(self.text(ty.child_by_field_name("package")?))?;
        let name = self.text(ty.child_by_field_name("name")?);
        (name == "Client" || sdk().by_js_class(name) == Some(service)).then_some(service)
    }

    /// `chimesdkvoice.NewFromConfig(cfg)` (v2), `chimesdkvoice.New(sess)` (v1 and v2).
    fn made_by(&self, n: Node) -> Option<ServiceId> {
        if n.kind() != "call_expression" {
            return None;
        }
        let (package, function) = self.package_function(n)?;
        matches!(function, "NewFromConfig" | "New").then_some(package)
    }

    /// A call of a service package's function: the service and the function's name.
    fn package_function(&self, call: Node) -> Option<(ServiceId, &'s str)> {
        let f = call.child_by_field_name("function")?;
        if f.kind() != "selector_expression" {
            return None;
        }
        let operand = f.child_by_field_name("operand")?;
        let package = (operand.kind() == "identifier").then(|| self.packages.get(self.text(operand))).flatten()?;
        Some((*package, self.text(f.child_by_field_name("field")?)))
    }

    /// The services of the client a receiver holds, the one with `method` first.
    fn held(&self, receiver: Node, method: &str) -> Option<ServiceId> {
        if let Some(s) = self.made_by(receiver) {
            return Some(s);
        }
        let held = self.clients.get(self.last_name(receiver)?)?;
        let fits = |s: &&ServiceId| matches!(sdk().needs(**s, &operation(**s, method)), Needs::Actions(_));
        held.iter().find(fits).or(held.first()).copied()
    }

    /// `os.Getenv("X")`, `os.LookupEnv("X")`, or a name assigned from one.
    fn env_read(&self, n: Node) -> Option<String> {
        match n.kind() {
            "call_expression" => {
                let f = self.text(n.child_by_field_name("function")?);
                if matches!(f, "os.Getenv" | "os.LookupEnv") {
                    self.string(n.child_by_field_name("arguments")?.named_child(0)?)
                } else {
                    None
                }
            }
            "identifier" => self.env.get(self.text(n)).cloned(),
            "selector_expression" => self.env.get(self.text(n.child_by_field_name("field")?)).cloned(),
            _ => None,
        }
    }

    /// A string literal's value: `"..."` without escapes, or a raw string.
    fn string(&self, n: Node) -> Option<String> {
        let t = self.text(n);
        match n.kind() {
            "interpreted_string_literal" if !t.contains('\\') => t.get(1..t.len().checked_sub(1)?).map(str::to_string),
            "raw_string_literal" => t.get(1..t.len().checked_sub(1)?).map(str::to_string),
            _ => None,
        }
    }

    /// A string that is a whole value: not a part of `"arn:aws:s3:::" + bucket`,
    /// nor a `fmt.Sprintf` format (`%s` is no ARN character).
    fn whole_string(&self, n: Node) -> Option<String> {
        let s = self.string(n)?;
        let part = n.parent().is_some_and(|p| p.kind() == "binary_expression");
        (!part && !s.contains('%')).then_some(s)
    }

    fn call(&self, n: Node) -> Option<FoundCall> {
        let f = n.child_by_field_name("function")?;
        if f.kind() != "selector_expression" {
            return None;
        }
        let name = f.child_by_field_name("field")?;
        let operand = f.child_by_field_name("operand")?;
        let method = self.text(name);
        let args = n.child_by_field_name("arguments");
        // `chimesdkvoice.NewListPhoneNumbersPaginator(client, params)`: the paginator calls the operation.
        if let Some((service, function)) = self.package_function(n) {
            let op = function.strip_prefix("New")?.strip_suffix("Paginator")?;
            return Some(self.found(name, Some(service), op.to_string(), args, false));
        }
        if operand.kind() == "identifier" && self.imported.contains(&self.text(operand)) {
            return None;
        }
        // `reflect.ValueOf(client).MethodByName(name)`: a call, but not which.
        if method == "MethodByName" && operand.kind() == "call_expression" {
            let of = operand.child_by_field_name("function").map(|x| self.text(x));
            let target = operand.child_by_field_name("arguments").and_then(|a| a.named_child(0));
            if of == Some("reflect.ValueOf") {
                let service = target.and_then(|t| self.held(t, ""))?;
                return Some(self.found(n, Some(service), self.text(n).to_string(), args, true));
            }
            return None;
        }
        // Only exported methods are API operations; `Options()` reads the client's settings.
        if !method.starts_with(|c: char| c.is_ascii_uppercase()) || method == "Options" {
            return None;
        }
        let service = self.held(operand, method).or_else(|| args.and_then(|a| self.input_service(a, method)));
        let service = match service {
            Some(s) => Some(s),
            // A receiver passed in: v2 operations take a context and an input,
            // v1's `...WithContext` too; anything else is not taken for a call.
            None if compound(method) && args.is_some_and(|a| a.named_child_count() >= 2) => None,
            None => return None,
        };
        let op = match service {
            Some(s) => operation(s, method),
            None => strip_v1(method).to_string(),
        };
        Some(self.found(name, service, op, args, false))
    }

    /// The service of an argument `&<svc>.<method>Input{...}` (or v1's `...WithContext`).
    fn input_service(&self, args: Node, method: &str) -> Option<ServiceId> {
        let want = format!("{}Input", strip_v1(method));
        let mut found = None;
        tree::preorder(args, |x| {
            if found.is_some() || x.kind() != "composite_literal" {
                return;
            }
            let Some(ty) = x.child_by_field_name("type").filter(|t| t.kind() == "qualified_type") else { return };
            let package = ty.child_by_field_name("package").and_then(|p| self.packages.get(self.text(p)));
            let name = ty.child_by_field_name("name").map(|t| self.text(t));
            if let (Some(p), Some(name)) = (package, name) {
                if name == want {
                    found = Some(*p);
                }
            }
        });
        found
    }

    fn found(
        &self,
        at: Node,
        service: Option<ServiceId>,
        method: String,
        args: Option<Node>,
        dynamic: bool,
    ) -> FoundCall {
        let resource = args.map_or(ResourceHint::None, |a| {
            tree::resource_hint(
                a,
                |x| {
                    self.whole_string(x).or_else(|| {
                        (x.kind() == "identifier").then(|| self.literals.get(self.text(x)).cloned()).flatten()
                    })
                },
                |x| self.env_read(x),
            )
        });
        FoundCall { span: tree::span(at), service, method, resource, dynamic, document_client: false }
    }
}

/// The operation a method calls: v1's `XxxWithContext`, `XxxPages`,
/// `XxxPagesWithContext` and `XxxRequest` call `Xxx`; an operation whose name
/// ends so is kept as it is.
fn operation(service: ServiceId, method: &str) -> String {
    if matches!(sdk().needs(service, method), Needs::Actions(_)) {
        return method.to_string();
    }
    let stripped = strip_v1(method);
    let stripped = if stripped == method { method.strip_suffix("Request").unwrap_or(method) } else { stripped };
    if matches!(sdk().needs(service, stripped), Needs::Actions(_)) {
        stripped.to_string()
    } else {
        method.to_string()
    }
}

/// `XxxPagesWithContext` → `Xxx`.
fn strip_v1(method: &str) -> &str {
    let m = method.strip_suffix("WithContext").unwrap_or(method);
    m.strip_suffix("Pages").unwrap_or(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(Option<String>, String, ResourceHint, bool)> {
        calls(text)
            .unwrap()
            .calls
            .into_iter()
            .map(|c| (c.service.map(|s| sdk().service(s).boto3.clone()), c.method, c.resource, c.dynamic))
            .collect()
    }

    #[test]
    fn sdk_v2_clients_in_variables_fields_and_parameters() {
        let text = r#"
package main

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	voice "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

var smaID = os.Getenv("SMA_ID")

const table = "arn:aws:dynamodb:us-east-1:111122223333:table/calls"

type handler struct {
	db *dynamodb.Client
}

func (h *handler) put(ctx context.Context) {
	h.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table)})
}

func transfer(ctx context.Context, c *voice.Client, id string) error {
	_, err := c.UpdateSipMediaApplicationCall(ctx, &voice.UpdateSipMediaApplicationCallInput{
		SipMediaApplicationId: aws.String(smaID),
	})
	return err
}

func main() {
	cfg, _ := config.LoadDefaultConfig(context.TODO())
	client := voice.NewFromConfig(cfg)
	client.CreateSipMediaApplicationCall(context.TODO(), &voice.CreateSipMediaApplicationCallInput{})
	p := voice.NewListPhoneNumbersPaginator(client, &voice.ListPhoneNumbersInput{})
	_ = p
	s3.NewFromConfig(cfg).GetObject(context.TODO(), &s3.GetObjectInput{})
	other.Thing(ctx, &s3.PutObjectInput{})
	passed.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(fmt.Sprintf("arn:aws:s3:::%s", b)), Key: aws.String("arn:aws:s3:::" + k)})
	m := reflect.ValueOf(client).MethodByName(name)
	_ = m
	fmt.Println("x")
	strings.HasPrefix("a", "b")
}
"#;
        let env = ResourceHint::Env("SMA_ID".into());
        let arn = ResourceHint::Arn("arn:aws:dynamodb:us-east-1:111122223333:table/calls".into());
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            found(text),
            [
                (s("dynamodb"), "PutItem".into(), arn, false),
                (s("chime-sdk-voice"), "UpdateSipMediaApplicationCall".into(), env, false),
                (s("chime-sdk-voice"), "CreateSipMediaApplicationCall".into(), ResourceHint::None, false),
                (s("chime-sdk-voice"), "ListPhoneNumbers".into(), ResourceHint::None, false),
                (s("s3"), "GetObject".into(), ResourceHint::None, false),
                (s("s3"), "PutObject".into(), ResourceHint::None, false),
                (s("chime-sdk-voice"), "reflect.ValueOf(client).MethodByName(name)".into(), ResourceHint::None, true),
            ]
        );
    }

    #[test]
    fn sdk_v1_clients_and_context_variants() {
        let text = r#"
package main

import (
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/chimesdkvoice"
)

var svc *chimesdkvoice.ChimeSDKVoice

func init() {
	svc = chimesdkvoice.New(session.Must(session.NewSession()))
}

func handle(ctx aws.Context) {
	svc.UpdateSipMediaApplicationCallWithContext(ctx, &chimesdkvoice.UpdateSipMediaApplicationCallInput{})
	svc.ListPhoneNumbersPages(&chimesdkvoice.ListPhoneNumbersInput{}, fn)
	svc.GetPhoneNumber(&chimesdkvoice.GetPhoneNumberInput{})
}
"#;
        let ops: Vec<String> = found(text).into_iter().map(|c| c.1).collect();
        assert_eq!(ops, ["UpdateSipMediaApplicationCall", "ListPhoneNumbers", "GetPhoneNumber"]);
    }

    #[test]
    fn a_helper_package_hides_calls() {
        let text = "package main\nimport \"github.com/aws/aws-sdk-go-v2/feature/s3/manager\"\n";
        assert!(calls(text).unwrap().opaque.is_some());
        assert!(calls("package main\nimport \"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue\"\n")
            .unwrap()
            .opaque
            .is_none());
    }

    #[test]
    fn bad_go_yields_what_it_can() {
        let out = calls("package main\nimport \"github.com/aws/aws-sdk-go-v2/service/s3\"\nfunc f( {\n").unwrap();
        assert!(out.syntax_error.is_some());
        assert!(calls("").unwrap().calls.is_empty());
    }
}
