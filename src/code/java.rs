//! Java (AWS SDK for Java 2.x): a client declared with its class
//! (`ChimeSdkVoiceClient voice = ChimeSdkVoiceClient.create()`, a field or a
//! local, `var` with a builder), and the calls on it
//! (`voice.updateSipMediaApplicationCall(request)`). The class names the
//! service: `ChimeSdkVoiceClient` and `ChimeSdkVoiceAsyncClient` are `chime-sdk-voice`.

use super::sdk::{compound, sdk};
use super::tree::{self, FileCalls, FoundCall, ResourceHint};
use std::collections::HashMap;
use tree_sitter::Node;

pub fn calls(text: &str) -> Option<FileCalls> {
    let tree = tree::parse(&tree_sitter_java::LANGUAGE.into(), text)?;
    let root = tree.root_node();
    let mut out = FileCalls { syntax_error: tree::first_error(root), ..FileCalls::default() };
    let mut clients: HashMap<&str, usize> = HashMap::new();
    let mut env: HashMap<&str, String> = HashMap::new();
    tree::preorder(root, |n| {
        if n.kind() == "import_declaration" {
            // `import com.example.calls.Transfer;`: a class of the project, maybe.
            if let Some(name) = n.named_child(0) {
                out.imports.push(tree::text(name, text).to_string());
            }
        }
        if !matches!(n.kind(), "local_variable_declaration" | "field_declaration") {
            return;
        }
        let ty = n.child_by_field_name("type").map(|t| tree::text(t, text)).unwrap_or("");
        let mut cursor = n.walk();
        for d in n.children_by_field_name("declarator", &mut cursor) {
            let Some(name) = d.child_by_field_name("name").map(|x| tree::text(x, text)) else { continue };
            let value = d.child_by_field_name("value");
            let service = client_class(ty).or_else(|| value.and_then(|v| made_by(v, text)));
            if let Some(s) = service {
                out.created(s);
                clients.insert(name, s);
            } else if let Some(var) = value.and_then(|v| env_read(v, text)) {
                env.insert(name, var);
            }
        }
    });
    tree::preorder(root, |n| {
        if n.kind() != "method_invocation" {
            return;
        }
        let (Some(name), Some(object)) = (n.child_by_field_name("name"), n.child_by_field_name("object")) else {
            return;
        };
        let method = tree::text(name, text);
        let receiver = tree::text(object, text);
        let receiver = receiver.strip_prefix("this.").unwrap_or(receiver);
        // A client in a name; a call on a class (`S3Client.builder()`,
        // `RequestBody.fromString(x)`: Java names classes in CamelCase) or on a
        // builder chain (`Request.builder().name(x)`) is no SDK call.
        let service = clients.get(receiver).copied();
        let class =
            receiver.starts_with(|c: char| c.is_ascii_uppercase()) && receiver.chars().any(|c| c.is_ascii_lowercase());
        if service.is_none() && (object.kind() == "method_invocation" || class) {
            return;
        }
        // Builders, getters of a response, `close()`: no operation.
        if service.is_none() && (!compound(method) || method.starts_with("get") || method.starts_with("set")) {
            return;
        }
        let args = n.child_by_field_name("arguments");
        let resource = args.map_or(ResourceHint::None, |a| {
            tree::resource_hint(
                a,
                |x| string(x, text),
                |x| {
                    env_read(x, text)
                        .or_else(|| (x.kind() == "identifier").then(|| env.get(tree::text(x, text)).cloned()).flatten())
                },
            )
        });
        out.calls.push(FoundCall {
            span: tree::span(name),
            service,
            method: method.to_string(),
            resource,
            dynamic: false,
            document_client: false,
        });
    });
    Some(out)
}

/// `ChimeSdkVoiceClient`, `software.amazon.awssdk.services.s3.S3AsyncClient`.
fn client_class(ty: &str) -> Option<usize> {
    let class = ty.rsplit('.').next().unwrap_or(ty);
    let stem = class.strip_suffix("AsyncClient").or_else(|| class.strip_suffix("Client"))?;
    sdk().by_js_class(stem)
}

/// `ChimeSdkVoiceClient.create()`, `ChimeSdkVoiceClient.builder()...build()`.
fn made_by(n: Node, text: &str) -> Option<usize> {
    let mut n = n;
    while n.kind() == "method_invocation" {
        match n.child_by_field_name("object") {
            Some(o) => n = o,
            None => return None,
        }
    }
    (n.kind() == "identifier" || n.kind() == "scoped_identifier").then(|| client_class(tree::text(n, text))).flatten()
}

/// `System.getenv("X")`.
fn env_read(n: Node, text: &str) -> Option<String> {
    if n.kind() != "method_invocation" || tree::text(n.child_by_field_name("object")?, text) != "System" {
        return None;
    }
    if tree::text(n.child_by_field_name("name")?, text) != "getenv" {
        return None;
    }
    string(n.child_by_field_name("arguments")?.named_child(0)?, text)
}

fn string(n: Node, text: &str) -> Option<String> {
    if n.kind() != "string_literal" {
        return None;
    }
    let t = tree::text(n, text);
    (!t.starts_with("\"\"\"")).then(|| t.get(1..t.len().saturating_sub(1)).unwrap_or("").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_v2_clients_and_calls() {
        let text = r#"
import software.amazon.awssdk.services.chimesdkvoice.ChimeSdkVoiceClient;
public class Handler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final ChimeSdkVoiceClient VOICE = ChimeSdkVoiceClient.create();
    private final String smaId = System.getenv("SMA_ID");
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        var s3 = S3Client.builder().build();
        VOICE.updateSipMediaApplicationCall(UpdateSipMediaApplicationCallRequest.builder().sipMediaApplicationId(smaId).build());
        s3.putObject(PutObjectRequest.builder().bucket("b").build(), RequestBody.fromString("x"));
        return Map.of();
    }
}
"#;
        let out = calls(text).unwrap();
        let found: Vec<(Option<&str>, &str)> =
            out.calls.iter().map(|c| (c.service.map(|s| sdk().service(s).boto3.as_str()), c.method.as_str())).collect();
        assert_eq!(found, [(Some("chime-sdk-voice"), "updateSipMediaApplicationCall"), (Some("s3"), "putObject")]);
        assert_eq!(out.calls[0].resource, ResourceHint::Env("SMA_ID".into()));
    }
}
