//! From an SDK call to the IAM actions it needs: the SDK's service id (boto3
//! client name, JavaScript class stem, npm package) to the IAM prefix
//! (`rules/sdk-services.json`, derived from botocore's service metadata), and
//! the operation, however the SDK spells it (`update_sip_media_application_call`,
//! `updateSipMediaApplicationCall`, `UpdateSipMediaApplicationCallCommand`), to
//! the catalog's action, through `rules/non-iam-actions.json` for operations
//! that authorize with another action, plus the action's dependent actions.

use crate::catalog;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One SDK service.
#[derive(Debug, serde::Deserialize)]
pub struct SdkService {
    /// The boto3 client name: `chime-sdk-voice`.
    pub boto3: String,
    /// The JavaScript class stem: `ChimeSDKVoice` (v3 `ChimeSDKVoiceClient`, v2 `AWS.ChimeSDKVoice`).
    pub js: String,
    /// The v3 package: `@aws-sdk/client-chime-sdk-voice`.
    pub npm: String,
    /// The IAM prefix: `chime`.
    pub iam: String,
}

#[derive(serde::Deserialize)]
struct File {
    helpers: HashMap<String, Vec<String>>,
    not_operations: Vec<String>,
    document_client: HashMap<String, String>,
    execution_policies: HashMap<String, Vec<String>>,
    runtime_prefixes: Vec<String>,
    runtime_actions: Vec<String>,
    runtime_environment_prefixes: Vec<String>,
    services: Vec<SdkService>,
}

/// The SDK data, indexed by every spelling a call site uses.
pub struct Sdk {
    services: Vec<SdkService>,
    by_boto3: HashMap<String, usize>,
    by_js: HashMap<String, usize>,
    by_npm: HashMap<String, usize>,
    helpers: HashMap<String, Vec<String>>,
    not_operations: Vec<String>,
    document_client: HashMap<String, String>,
    execution_policies: HashMap<String, Vec<String>>,
    runtime_prefixes: Vec<String>,
    runtime_actions: Vec<String>,
    runtime_environment_prefixes: Vec<String>,
    /// `sqs:sendmessagebatch` → `sqs:SendMessage`.
    authorized_by: HashMap<String, String>,
}

/// What an operation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needs {
    /// The action the operation authorizes with, then its dependent actions.
    Actions(Vec<String>),
    /// A client method that calls no API (`get_paginator`, `close`).
    NotAnOperation,
    /// No action of the service has this name: says which was looked for.
    Unknown(String),
}

pub fn sdk() -> &'static Sdk {
    static SDK: OnceLock<Sdk> = OnceLock::new();
    SDK.get_or_init(|| {
        let file: File = serde_json::from_str(include_str!("../../rules/sdk-services.json")).unwrap_or(File {
            helpers: HashMap::new(),
            not_operations: Vec::new(),
            document_client: HashMap::new(),
            execution_policies: HashMap::new(),
            runtime_prefixes: Vec::new(),
            runtime_actions: Vec::new(),
            runtime_environment_prefixes: Vec::new(),
            services: Vec::new(),
        });
        #[derive(serde::Deserialize)]
        struct NonIam {
            actions: Vec<Entry>,
        }
        #[derive(serde::Deserialize)]
        struct Entry {
            written: String,
            authorized_by: String,
        }
        let non_iam: NonIam = serde_json::from_str(include_str!("../../rules/non-iam-actions.json"))
            .unwrap_or(NonIam { actions: Vec::new() });
        let mut sdk = Sdk {
            by_boto3: HashMap::new(),
            by_js: HashMap::new(),
            by_npm: HashMap::new(),
            helpers: file
                .helpers
                .into_iter()
                .map(|(k, v)| match k.split_once('.') {
                    Some((service, method)) => (format!("{service}.{}", spelling_free(method)), v),
                    None => (k, v),
                })
                .collect(),
            not_operations: file.not_operations,
            document_client: file.document_client,
            execution_policies: file.execution_policies,
            runtime_prefixes: file.runtime_prefixes,
            runtime_actions: file.runtime_actions,
            runtime_environment_prefixes: file.runtime_environment_prefixes,
            authorized_by: non_iam
                .actions
                .into_iter()
                .map(|e| (e.written.to_ascii_lowercase(), e.authorized_by))
                .collect(),
            services: Vec::new(),
        };
        for (i, s) in file.services.iter().enumerate() {
            sdk.by_boto3.entry(s.boto3.clone()).or_insert(i);
            sdk.by_js.entry(s.js.to_ascii_lowercase()).or_insert(i);
            sdk.by_npm.entry(s.npm.clone()).or_insert(i);
        }
        sdk.services = file.services;
        sdk
    })
}

/// A service, by its index in the data.
pub type ServiceId = usize;

impl Sdk {
    pub fn service(&self, id: ServiceId) -> &SdkService {
        &self.services[id]
    }

    pub fn services(&self) -> &[SdkService] {
        &self.services
    }

    /// `boto3.client("chime-sdk-voice")`.
    pub fn by_boto3(&self, name: &str) -> Option<ServiceId> {
        self.by_boto3.get(name).copied()
    }

    /// `ChimeSDKVoiceClient`, `ChimeSDKVoice`, `AWS.ChimeSDKVoice`.
    pub fn by_js_class(&self, class: &str) -> Option<ServiceId> {
        let class = class.strip_prefix("AWS.").unwrap_or(class);
        let stem = class.strip_suffix("Client").unwrap_or(class);
        self.by_js.get(&stem.to_ascii_lowercase()).copied()
    }

    /// `@aws-sdk/client-chime-sdk-voice`.
    pub fn by_npm(&self, package: &str) -> Option<ServiceId> {
        self.by_npm.get(package).copied()
    }

    /// `PutCommand` of `@aws-sdk/lib-dynamodb` → the DynamoDB operation it sends.
    pub fn document_client_operation(&self, command: &str) -> Option<&str> {
        self.document_client.get(command.strip_suffix("Command").unwrap_or(command)).map(String::as_str)
    }

    /// The IAM prefixes an AWS managed execution policy grants (by its ARN or
    /// name), when it is one SAM attaches to functions: a call under another
    /// prefix is decided without it.
    pub fn execution_policy_prefixes(&self, policy: &str) -> Option<&[String]> {
        let name = policy.split(":policy/").nth(1).unwrap_or(policy);
        self.execution_policies.get(name).map(Vec::as_slice)
    }

    /// An action the Lambda service uses with the function's role, which no code calls.
    pub fn used_by_runtime(&self, action: &str) -> bool {
        let prefix = action.split(':').next().unwrap_or("");
        self.runtime_prefixes.iter().any(|p| p.eq_ignore_ascii_case(prefix))
            || self.runtime_actions.iter().any(|a| a.eq_ignore_ascii_case(action))
    }

    /// An environment variable the Lambda runtime sets (`AWS_REGION`): it names no resource.
    pub fn runtime_variable(&self, name: &str) -> bool {
        self.runtime_environment_prefixes.iter().any(|p| name.starts_with(p.as_str()))
    }

    /// What calling `method` on a client of `service` needs. `method` is as
    /// written: snake_case, camelCase, or a v3 `XxxCommand` class.
    pub fn needs(&self, service: ServiceId, method: &str) -> Needs {
        let s = &self.services[service];
        if self.not_operations.iter().any(|n| n == method) {
            return Needs::NotAnOperation;
        }
        let operations = match self.helpers.get(&format!("{}.{}", s.boto3, spelling_free(method))) {
            Some(ops) => ops.clone(),
            None => vec![method.strip_suffix("Command").unwrap_or(method).to_string()],
        };
        let mut out: Vec<String> = Vec::new();
        for op in operations {
            let name: String = op.chars().filter(|c| *c != '_').collect();
            let written = format!("{}:{}", s.iam, name).to_ascii_lowercase();
            let action = match self.authorized_by.get(&written) {
                Some(a) => catalog::action(a),
                None => catalog::service(&s.iam).and_then(|svc| svc.action(&name)),
            };
            let Some(action) = action else {
                return Needs::Unknown(format!("{}:{}", s.iam, pascal(&op)));
            };
            for a in std::iter::once(action.full_name()).chain(action.dependent_actions().map(str::to_string)) {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
        Needs::Actions(out)
    }
}

/// Whether some service has an action named like `method` (`delete_item`,
/// `deleteItem`, `DeleteItemCommand`): a call on a receiver that holds no known
/// client may be an SDK call, and is listed as unknown rather than dropped.
pub fn some_service_has(method: &str) -> bool {
    static NAMES: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let names = NAMES
        .get_or_init(|| catalog::services().flat_map(|s| s.actions()).map(|a| a.name().to_ascii_lowercase()).collect());
    names.contains(&spelling_free(method))
}

/// An operation however the SDK spells it (`upload_part`, `uploadPart`,
/// `UploadPartCommand`) as one key: `uploadpart`.
fn spelling_free(method: &str) -> String {
    method
        .strip_suffix("Command")
        .unwrap_or(method)
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// `update_sip_media_application_call` → `UpdateSipMediaApplicationCall` (for messages).
pub fn pascal(op: &str) -> String {
    let op = op.strip_suffix("Command").unwrap_or(op);
    let mut out = String::with_capacity(op.len());
    let mut upper = true;
    for c in op.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// True when a method name is two words or more (`put_item`, `putItem`): the
/// names an unknown receiver's call is matched by, so `get` or `update` on
/// a dictionary is never taken for an SDK call.
pub fn compound(method: &str) -> bool {
    method.contains('_') || method.chars().skip(1).any(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chime_sdk_voice_maps_in_every_spelling() {
        let sdk = sdk();
        let voice = sdk.by_boto3("chime-sdk-voice").unwrap();
        assert_eq!(sdk.by_js_class("ChimeSDKVoiceClient"), Some(voice));
        assert_eq!(sdk.by_js_class("AWS.ChimeSDKVoice"), Some(voice));
        assert_eq!(sdk.by_npm("@aws-sdk/client-chime-sdk-voice"), Some(voice));
        for m in [
            "update_sip_media_application_call",
            "updateSipMediaApplicationCall",
            "UpdateSipMediaApplicationCallCommand",
        ] {
            assert_eq!(sdk.needs(voice, m), Needs::Actions(vec!["chime:UpdateSipMediaApplicationCall".into()]), "{m}");
        }
        assert_eq!(sdk.needs(voice, "get_paginator"), Needs::NotAnOperation);
        assert_eq!(sdk.needs(voice, "frobnicate_call"), Needs::Unknown("chime:FrobnicateCall".into()));
    }

    #[test]
    fn operations_that_authorize_with_another_action() {
        let sdk = sdk();
        let sqs = sdk.by_boto3("sqs").unwrap();
        assert_eq!(sdk.needs(sqs, "send_message_batch"), Needs::Actions(vec!["sqs:SendMessage".into()]));
        let s3 = sdk.by_boto3("s3").unwrap();
        assert_eq!(sdk.needs(s3, "list_objects_v2"), Needs::Actions(vec!["s3:ListBucket".into()]));
        assert_eq!(sdk.needs(s3, "upload_file"), Needs::Actions(vec!["s3:PutObject".into()]));
        assert_eq!(sdk.by_boto3("lexv2-runtime").map(|s| sdk.service(s).iam.as_str()), Some("lex"));
    }

    #[test]
    fn operations_that_authorize_with_actions_of_other_names_in_every_spelling() {
        let sdk = sdk();
        let needs = |service: &str, method: &str| sdk.needs(sdk.by_boto3(service).unwrap(), method);
        let actions = |a: &[&str]| Needs::Actions(a.iter().map(|a| a.to_string()).collect());
        assert_eq!(needs("lambda", "invoke"), actions(&["lambda:InvokeFunction"]));
        assert_eq!(needs("lambda", "InvokeWithResponseStreamCommand"), actions(&["lambda:InvokeFunction"]));
        for m in ["post_to_connection", "deleteConnection"] {
            assert_eq!(needs("apigatewaymanagementapi", m), actions(&["execute-api:ManageConnections"]), "{m}");
        }
        assert_eq!(needs("s3", "copy_object"), actions(&["s3:GetObject", "s3:PutObject"]));
        assert_eq!(needs("s3", "list_objects"), actions(&["s3:ListBucket"]));
        assert_eq!(needs("s3", "ListObjectVersionsCommand"), actions(&["s3:ListBucketVersions"]));
        for m in ["create_multipart_upload", "uploadPart", "CompleteMultipartUploadCommand", "upload"] {
            assert_eq!(needs("s3", m), actions(&["s3:PutObject"]), "{m}");
        }
        assert_eq!(needs("s3", "select_object_content"), actions(&["s3:GetObject"]));
        assert_eq!(needs("s3", "getSignedUrl"), Needs::NotAnOperation);
        assert_eq!(needs("sts", "get_caller_identity"), actions(&[]));
    }

    #[test]
    fn compound_names() {
        assert!(compound("put_item") && compound("putItem"));
        assert!(!compound("get") && !compound("update") && !compound("Get"));
    }
}
