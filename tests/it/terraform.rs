//! Terraform: `.tf`, `.tf.json`, plan output and the files they read, with
//! every finding at the user's own text (fixtures in `fixtures/terraform/`).

use crate::common;

use common::{findings, Hit};
use policy_lint::config::Config;
use policy_lint::index::{FactKind, Ref};
use policy_lint::policy::PolicyKind;

/// `path:line:col: severity[rule]` of every finding but the least-privilege
/// rules' opinions (tested with those rules).
fn shorts(hits: &[Hit]) -> Vec<String> {
    hits.iter().filter(|h| !common::is_least_privilege(&h.rule)).map(Hit::short).collect()
}

fn lint_paths(paths: &[&str]) -> (Vec<String>, i32) {
    let (hits, code) = findings(paths);
    (shorts(&hits), code)
}

#[test]
fn jsonencode_findings_point_at_the_hcl_string() {
    let (got, code) = lint_paths(&["fixtures/terraform/jsonencode.tf"]);
    assert_eq!(got, ["fixtures/terraform/jsonencode.tf:11:60: error[unknown-action]"]);
    assert_eq!(code, 1);
}

#[test]
fn heredoc_json_findings_point_into_the_heredoc_both_forms() {
    let (got, _) = lint_paths(&["fixtures/terraform/heredoc.tf"]);
    assert_eq!(
        got,
        [
            // `<<EOF`
            "fixtures/terraform/heredoc.tf:9:17: error[unknown-action]",
            // `<<-POLICY`, indented: the column is the one in the file, not after stripping.
            "fixtures/terraform/heredoc.tf:25:49: error[unknown-action]",
        ]
    );
}

#[test]
fn policy_document_statements_are_checked_at_their_hcl_values() {
    let (got, _) = lint_paths(&["fixtures/terraform/document.tf"]);
    // The trust document is read as a trust policy (its `Principal` is right there),
    // the `${var.account}` resource is not wrong: only the misspelt action is reported.
    assert_eq!(got, ["fixtures/terraform/document.tf:16:7: error[unknown-action]"]);
}

#[test]
fn lambda_permission_is_a_statement_reported_at_its_attributes() {
    let (hits, _) = findings(&["fixtures/terraform/lambda-permission.tf"]);
    assert_eq!(shorts(&hits), ["fixtures/terraform/lambda-permission.tf:3:20: error[unknown-action]"]);
    assert!(hits[0].message.contains("`lambda:InvokeFunctions`"), "{}", hits[0].message);
}

#[test]
fn lambda_permission_becomes_a_resource_policy_statement() {
    let report = policy_lint::lint::lint_with_model(&["fixtures/terraform/facts.tf".to_string()], &Config::default());
    let p = report
        .policies
        .iter()
        .find(|p| p.origin.as_deref() == Some("aws_lambda_permission.sma"))
        .expect("the permission's policy");
    assert_eq!(p.kind, PolicyKind::Resource);
    let st = &p.statements[0];
    let principal = st.principal.as_ref().unwrap();
    assert_eq!(principal.entries[0].kind, "Service");
    assert_eq!(principal.entries[0].value.lit(), Some("voiceconnector.chime.amazonaws.com"));
    assert!(st.action.as_ref().unwrap().contains_lit("lambda:InvokeFunction"));
    // The function is a reference: its ARN is unknown, not wrong.
    assert!(st.resource.as_ref().unwrap().has_unknown);
    let ops: Vec<(&str, &str)> = st.conditions.iter().map(|c| (c.operator.as_str(), c.key.as_str())).collect();
    assert_eq!(ops, [("StringEquals", "aws:SourceAccount"), ("ArnLike", "aws:SourceArn")]);
    // Each element points at the attribute it came from.
    let line = |span: policy_lint::source::Span| p.source.position(span.start).line;
    assert_eq!(line(principal.entries[0].value.span), 58);
    assert_eq!(line(st.conditions[0].values[0].span), 59);
}

#[test]
fn layer_permissions_and_account_principals() {
    let report =
        policy_lint::lint::lint_with_model(&["fixtures/terraform/layer-permission.tf".to_string()], &Config::default());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    let policy = |origin: &str| {
        let p = report.policies.iter().find(|p| p.origin.as_deref() == Some(origin)).expect(origin);
        assert_eq!(p.kind, PolicyKind::Resource);
        p.statements[0].clone()
    };
    let layer = policy("aws_lambda_layer_version_permission.shared");
    let principal = layer.principal.as_ref().unwrap();
    assert_eq!((principal.entries[0].kind.as_str(), principal.entries[0].value.lit()), ("*", Some("*")));
    let resource = layer.resource.as_ref().unwrap();
    assert!(resource.contains_lit("arn:aws:lambda:us-east-1:111122223333:layer:voice-helpers:3"), "{resource:?}");
    assert_eq!(layer.conditions[0].key, "aws:PrincipalOrgID");
    let url = policy("aws_lambda_permission.url");
    let principal = url.principal.as_ref().unwrap();
    assert_eq!((principal.entries[0].kind.as_str(), principal.entries[0].value.lit()), ("AWS", Some("111122223333")));
    assert!(url.resource.as_ref().unwrap().contains_lit("arn:aws:lambda:us-east-1:111122223333:function:sma-handler"));
    assert_eq!(url.conditions[0].key, "lambda:FunctionUrlAuthType");
}

#[test]
fn tf_json_templates_and_escaped_json_strings() {
    let (got, _) = lint_paths(&["fixtures/terraform/policy.tf.json"]);
    assert_eq!(
        got,
        [
            // Inside `${jsonencode({...})}`: the escaped `\"chime:GetSipRules\"`.
            "fixtures/terraform/policy.tf.json:6:103: error[unknown-action]",
            // Inside a JSON string holding JSON.
            "fixtures/terraform/policy.tf.json:10:102: error[unknown-action]",
        ]
    );
}

#[test]
fn plan_policies_are_read_in_the_plan_file_with_resource_addresses() {
    let (got, _) = lint_paths(&["fixtures/terraform/plan/plan.json"]);
    assert_eq!(
        got,
        [
            "fixtures/terraform/plan/plan.json:53:97: error[unknown-action]",
            "fixtures/terraform/plan/plan.json:87:57: error[unknown-action]",
        ]
    );
    let report =
        policy_lint::lint::lint_with_model(&["fixtures/terraform/plan/plan.json".to_string()], &Config::default());
    let mut origins: Vec<(String, PolicyKind)> =
        report.policies.iter().map(|p| (p.origin.clone().unwrap_or_default(), p.kind)).collect();
    origins.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        origins,
        [
            ("aws_iam_role.sma_handler".to_string(), PolicyKind::Trust),
            ("module.voice.aws_iam_role_policy.sma".to_string(), PolicyKind::Identity),
            ("module.voice.aws_lambda_permission.vc".to_string(), PolicyKind::Resource),
            ("module.voice.aws_organizations_policy.guard".to_string(), PolicyKind::Scp),
        ]
    );
}

#[test]
fn files_read_with_file_and_templatefile_are_linted_once_as_what_they_are_used_for() {
    // The directory walk finds the JSON files too: each is still reported once.
    let (got, _) = lint_paths(&["fixtures/terraform/file-ref"]);
    assert_eq!(
        got,
        [
            // Used by `aws_iam_policy`: an identity policy, so its `Principal` is wrong,
            // though the file alone would pass for a resource policy.
            "fixtures/terraform/file-ref/policies/identity.json:6:7: error[policy-syntax]",
            // `templatefile()`: the `${account}` hole is unknown, the action is checked.
            "fixtures/terraform/file-ref/policies/sma.json.tpl:6:17: error[unknown-action]",
            // `file("${path.module}/...")`, used as a trust policy.
            "fixtures/terraform/file-ref/policies/trust.json:7:17: error[unknown-action]",
        ]
    );
    // Named alone, the configuration still reaches its files.
    let (got, _) = lint_paths(&["fixtures/terraform/file-ref/main.tf"]);
    assert_eq!(
        got,
        [
            "fixtures/terraform/file-ref/policies/sma.json.tpl:6:17: error[unknown-action]",
            "fixtures/terraform/file-ref/policies/trust.json:7:17: error[unknown-action]",
        ]
    );
}

#[test]
fn invalid_hcl_is_a_parse_error_at_the_place() {
    let (hits, code) = findings(&["fixtures/terraform/invalid.tf"]);
    assert_eq!(shorts(&hits), ["fixtures/terraform/invalid.tf:3:24: error[parse-error]"]);
    assert_eq!(code, 1);
}

#[test]
fn invalid_json_in_a_heredoc_is_a_parse_error_at_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let tf = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<-EOF\n    {\n      \"Version\": \"2012-10-17\"\n      \"Statement\": []\n    }\n    EOF\n}\n";
    std::fs::write(dir.path().join("bad.tf"), tf).unwrap();
    let (hits, _) = common::findings_in(dir.path(), &["bad.tf"]);
    // Right after `"2012-10-17"`, where the comma is missing.
    assert_eq!(shorts(&hits), ["bad.tf:4:30: error[parse-error]"]);
    assert!(hits[0].message.contains("not valid JSON"), "{}", hits[0].message);
}

#[test]
fn valid_configuration_without_policies_gives_nothing() {
    let (got, code) = lint_paths(&["fixtures/terraform/no-policies.tf"]);
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(code, 0);
}

#[test]
fn holes_are_never_reported_as_wrong() {
    // `"arn:aws:chime:us-east-1:${var.account}:vc/*"`: no invalid-arn, no resource-mismatch.
    let (got, code) = lint_paths(&["fixtures/terraform/holes.tf"]);
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(code, 0);
    let (got, _) = lint_paths(&["fixtures/terraform/degrade.tf"]);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn locals_and_literal_variable_defaults_are_resolved() {
    let (got, _) = lint_paths(&["fixtures/terraform/locals.tf"]);
    assert_eq!(
        got,
        [
            // The action is in the `locals` block, where it is reported.
            "fixtures/terraform/locals.tf:12:57: error[unknown-action]",
            // `var.region` has a default: the ARN is known, and names a Voice Connector.
            "fixtures/terraform/locals.tf:13:17: error[resource-mismatch]",
        ]
    );
}

#[test]
fn documents_used_from_another_file_are_not_misread() {
    // The trust document in iam.tf is used by a role in main.tf: it must not be
    // read as an identity policy (which would reject its `Principal`).
    let (got, code) = lint_paths(&["--fail-on", "error", "fixtures/terraform/cross-file"]);
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(code, 0);
    let report = policy_lint::lint::lint_with_model(&["fixtures/terraform/cross-file".to_string()], &Config::default());
    let kind_of = |origin: &str| report.policies.iter().find(|p| p.origin.as_deref() == Some(origin)).map(|p| p.kind);
    assert_eq!(kind_of("data.aws_iam_policy_document.trust"), Some(PolicyKind::Trust));
    // `base` is a source of `sma`: checked as part of it, not on its own.
    assert_eq!(kind_of("data.aws_iam_policy_document.base"), None);
    let sma = report.policies.iter().find(|p| p.origin.as_deref() == Some("data.aws_iam_policy_document.sma")).unwrap();
    let sids: Vec<_> = sma.statements.iter().filter_map(|s| s.sid.as_ref().and_then(|v| v.lit())).collect();
    assert_eq!(sids, ["Logs", "Calls"]);
    // The link from the role to its documents is in the index.
    let uses: Vec<(String, &Ref, PolicyKind)> = report
        .index
        .facts
        .iter()
        .filter_map(|f| match &f.kind {
            FactKind::PolicyReference { document, used_as } => Some((f.address.clone(), document, *used_as)),
            _ => None,
        })
        .collect();
    assert_eq!(
        uses,
        [
            (
                "aws_iam_role.sma_handler".to_string(),
                &Ref::Address("data.aws_iam_policy_document.trust".into()),
                PolicyKind::Trust
            ),
            (
                "aws_iam_role_policy.sma".to_string(),
                &Ref::Address("data.aws_iam_policy_document.sma".into()),
                PolicyKind::Identity
            ),
        ]
    );
}

#[test]
fn source_and_override_documents_merge_as_terraform_does() {
    // `base` is used on its own and merged into `sma`: its typo is reported once;
    // `sma`'s own "Calls" statement (with a typo) is replaced by the override's.
    let (got, _) = lint_paths(&["fixtures/terraform/merged.tf"]);
    assert_eq!(got, ["fixtures/terraform/merged.tf:5:42: error[unknown-action]"]);
    let report = policy_lint::lint::lint_with_model(&["fixtures/terraform/merged.tf".to_string()], &Config::default());
    let sma = report.policies.iter().find(|p| p.origin.as_deref() == Some("data.aws_iam_policy_document.sma")).unwrap();
    let statements: Vec<(Option<&str>, Vec<&str>)> = sma
        .statements
        .iter()
        .map(|s| {
            (s.sid.as_ref().and_then(|v| v.lit()), s.action.as_ref().unwrap().literals().map(|(_, t)| t).collect())
        })
        .collect();
    assert_eq!(
        statements,
        [
            (Some("Logs"), vec!["logs:CreateLogStream", "logs:PutLogEvent"]),
            (Some("Calls"), vec!["chime:UpdateSipMediaApplicationCall"]),
        ]
    );
    // `override` only serves `sma`: not checked on its own.
    assert!(!report.policies.iter().any(|p| p.origin.as_deref() == Some("data.aws_iam_policy_document.override")));
}

#[test]
fn infrastructure_facts_are_indexed_by_address() {
    let report = policy_lint::lint::lint_with_model(&["fixtures/terraform/facts.tf".to_string()], &Config::default());
    let findings: Vec<_> = report.findings.iter().filter(|f| !common::is_least_privilege(f.rule)).collect();
    assert!(findings.is_empty(), "{findings:#?}");
    let index = &report.index;
    // The one fact of an address, besides links to policy documents and the
    // settings that the Region, network and quota checks read.
    let one = |address: &str| {
        let facts: Vec<_> = index
            .get_anywhere(address)
            .filter(|f| {
                !matches!(
                    f.kind,
                    FactKind::PolicyReference { .. }
                        | FactKind::Region { .. }
                        | FactKind::VoiceConnectorNetwork(_)
                        | FactKind::QuotaCounted { .. }
                )
            })
            .collect();
        assert_eq!(facts.len(), 1, "{address}: {facts:#?}");
        facts[0].kind.clone()
    };
    let addr = |a: &str| Ref::Address(a.to_string());
    match one("aws_iam_role.sma_handler") {
        FactKind::Role { name, managed_policies, boundary } => {
            assert_eq!(name.as_deref(), Some("sma-handler"));
            assert_eq!(
                managed_policies,
                [
                    Ref::Literal("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".into()),
                    addr("aws_iam_policy.calls")
                ]
            );
            assert_eq!(boundary, Some(addr("aws_iam_policy.boundary")));
        }
        other => panic!("{other:?}"),
    }
    match one("aws_iam_role_policy_attachment.calls") {
        FactKind::PolicyAttachment { policy, principal } => {
            assert_eq!((policy, principal), (addr("aws_iam_policy.calls"), addr("aws_iam_role.sma_handler")));
        }
        other => panic!("{other:?}"),
    }
    match one("aws_lambda_function.sma_handler") {
        FactKind::LambdaFunction { name, role, .. } => {
            assert_eq!((name.as_deref(), role), (Some("sma-handler"), addr("aws_iam_role.sma_handler")));
        }
        other => panic!("{other:?}"),
    }
    match one("aws_lambda_permission.sma") {
        FactKind::LambdaPermission { function, principal, action, source_account, source_arn, qualifier } => {
            assert_eq!(function, addr("aws_lambda_function.sma_handler"));
            assert_eq!(principal.as_deref(), Some("voiceconnector.chime.amazonaws.com"));
            assert_eq!(action.as_deref(), Some("lambda:InvokeFunction"));
            assert_eq!(source_account.as_deref(), Some("111122223333"));
            assert_eq!((source_arn, qualifier), (None, None));
        }
        other => panic!("{other:?}"),
    }
    match one("aws_chimesdkvoice_sip_media_application.sma") {
        FactKind::SipMediaApplication { name, region, endpoints } => {
            assert_eq!((name.as_deref(), region.as_deref()), (Some("sma"), Some("us-east-1")));
            assert_eq!(endpoints, [addr("aws_lambda_function.sma_handler")]);
        }
        other => panic!("{other:?}"),
    }
    match one("aws_chimesdkvoice_sip_rule.rule") {
        FactKind::SipRule { target_applications } => {
            assert_eq!(target_applications, [addr("aws_chimesdkvoice_sip_media_application.sma")]);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(one("aws_chimesdkvoice_voice_connector.vc"),
        FactKind::VoiceConnector { name: Some(n), region: Some(r) } if n == "vc" && r == "us-east-1"));
    let vc = addr("aws_chimesdkvoice_voice_connector.vc");
    assert!(matches!(one("aws_chimesdkvoice_voice_connector_streaming.vc"),
        FactKind::VoiceConnectorStreaming { voice_connector } if voice_connector == vc));
    assert!(matches!(one("aws_chimesdkvoice_voice_connector_logging.vc"),
        FactKind::VoiceConnectorLogging { voice_connector } if voice_connector == vc));
    assert!(matches!(one("aws_iam_service_linked_role.voice"),
        FactKind::ServiceLinkedRole { service: Some(s) } if s == "voiceconnector.chime.amazonaws.com"));
    let role = addr("aws_iam_role.sma_handler");
    assert!(matches!(one("aws_chimesdkmediapipelines_media_insights_pipeline_configuration.mi"),
        FactKind::MediaInsightsPipeline { resource_access_role } if resource_access_role == role));
    let users: Vec<(String, String, Ref)> = index
        .facts
        .iter()
        .filter_map(|f| match &f.kind {
            FactKind::RoleUser { service, role } => Some((f.address.clone(), service.clone(), role.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        users,
        [
            ("aws_ecs_task_definition.task".into(), "ecs-tasks.amazonaws.com".into(), role.clone()),
            (
                "aws_ecs_task_definition.task".into(),
                "ecs-tasks.amazonaws.com".into(),
                Ref::Literal("arn:aws:iam::111122223333:role/ecsTaskExecutionRole".into())
            ),
            ("aws_sfn_state_machine.flow".into(), "states.amazonaws.com".into(), role.clone()),
            ("aws_iam_instance_profile.ec2".into(), "ec2.amazonaws.com".into(), role),
        ]
    );
    // Policies: the inline one and the trust document carry the role's address or the document's.
    let mut origins: Vec<(&str, PolicyKind)> =
        report.policies.iter().map(|p| (p.origin.as_deref().unwrap_or(""), p.kind)).collect();
    origins.sort_by_key(|o| o.0);
    assert_eq!(
        origins,
        [
            ("aws_iam_policy.boundary", PolicyKind::Boundary),
            ("aws_iam_policy.calls", PolicyKind::Identity),
            ("aws_iam_role.sma_handler", PolicyKind::Identity),
            ("aws_lambda_permission.sma", PolicyKind::Resource),
            ("data.aws_iam_policy_document.trust", PolicyKind::Trust),
        ]
    );
}

/// The real Terraform in the shared corpus reads without a crash or a parse error.
#[test]
fn real_chime_terraform_reads_cleanly() {
    let Some(shared) = common::shared() else { return };
    let dir = shared.join("corpus").join("chime-real");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let (hits, code) = findings(&args);
    assert!(code == 0 || code == 1, "exit code {code}");
    let bad: Vec<String> =
        hits.iter().filter(|h| h.rule == "parse-error" || h.rule == "policy-syntax").map(|h| h.short()).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // The policies are found: file 15 has policy documents with real findings.
    assert!(hits.iter().any(|h| h.path.ends_with(".tf")), "{hits:#?}");
}

/// Real Terraform from elsewhere (package registries, ...): every `.tf`,
/// `.tf.json` and plan/state JSON under `$POLICY_LINT_TF_CORPUS` is linted on
/// its own; prints the counts of files, parse errors, policy-syntax findings
/// and panics, and the time per file. Run with
/// `POLICY_LINT_TF_CORPUS=dir cargo test --release --test terraform -- --ignored --nocapture`.
#[test]
#[ignore]
fn terraform_corpus() {
    let Some(dir) = std::env::var_os("POLICY_LINT_TF_CORPUS") else { return };
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = p.to_string_lossy().to_string();
            if p.is_dir() {
                stack.push(p);
            } else if name.ends_with(".tf")
                || name.ends_with(".tf.json")
                || name.ends_with("plan.json")
                || name.ends_with("state.json")
            {
                files.push(name);
            }
        }
    }
    files.sort();
    let config = Config::default();
    let (mut parse_errors, mut syntax, mut panics, mut policies, mut findings) = (Vec::new(), 0, Vec::new(), 0, 0);
    let start = std::time::Instant::now();
    for f in &files {
        let result = std::panic::catch_unwind(|| policy_lint::lint::lint_with_model(std::slice::from_ref(f), &config));
        match result {
            Ok(report) => {
                policies += report.policies.len();
                findings += report.findings.len();
                for x in &report.findings {
                    let pos = x.source.position(x.span.start);
                    match x.rule {
                        "parse-error" => {
                            parse_errors.push(format!("{}:{}:{}: {}", x.source.path, pos.line, pos.column, x.message))
                        }
                        "policy-syntax" => syntax += 1,
                        _ => {}
                    }
                }
            }
            Err(_) => panics.push(f.clone()),
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{} files, {policies} policies, {findings} findings, {} parse errors, {syntax} policy-syntax, {} panics, {:.3} ms/file",
        files.len(),
        parse_errors.len(),
        panics.len(),
        elapsed.as_secs_f64() * 1000.0 / files.len().max(1) as f64
    );
    for e in &parse_errors {
        println!("  parse-error {e}");
    }
    assert!(panics.is_empty(), "{panics:#?}");
}

/// Broken Terraform of every shape (each fixture cut short, or with bytes that
/// matter to HCL, heredocs and JSON put in at random) never panics.
#[test]
fn mangled_terraform_never_panics() {
    let config = Config::default();
    let dir = common::root().join("fixtures").join("terraform");
    let mut texts: Vec<String> = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "tf" || x == "json") {
            texts.push(std::fs::read_to_string(&p).unwrap());
        }
    }
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    const BITS: &[&str] =
        &["{", "}", "[", "]", "\"", "\\", "$", "${", "%{", "<<", "<<-EOF\n", "\nEOF\n", "=", ",", "\n", "é", "("];
    for text in &texts {
        for name in ["m.tf", "m.tf.json"] {
            for cut in (0..text.len()).step_by(7).filter(|&i| text.is_char_boundary(i)) {
                policy_lint::lint_text(name, &text[..cut], &config);
            }
            for _ in 0..200 {
                let mut t = text.clone();
                for _ in 0..3 {
                    let mut at = (next() as usize) % (t.len() + 1);
                    while !t.is_char_boundary(at) {
                        at -= 1;
                    }
                    t.insert_str(at, BITS[(next() as usize) % BITS.len()]);
                }
                policy_lint::lint_text(name, &t, &config);
            }
        }
    }
}
