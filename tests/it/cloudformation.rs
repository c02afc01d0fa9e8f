//! CloudFormation and SAM templates, JSON and YAML: findings at the line and
//! column of the template the user edits, intrinsic functions in short and long
//! form, and the infrastructure facts the project index keeps.

use crate::common;

use common::{findings, Hit};
use policy_lint::config::Config;
use policy_lint::index::{FactKind, Ref};
use policy_lint::policy::PolicyKind;
use std::time::{Duration, Instant};

const DIR: &str = "fixtures/cloudformation";

/// `(rule, line, column)` of each finding in one fixture, in output order.
fn hits(file: &str) -> Vec<(String, u64, u64)> {
    let path = format!("{DIR}/{file}");
    let (hits, _) = findings(&["--fail-on", "never", &path]);
    let hits: Vec<Hit> = hits
        .into_iter()
        .filter(|h| {
            policy_lint::rules::find(&h.rule).unwrap().meta.category != policy_lint::rules::Category::LeastPrivilege
        })
        .collect();
    for h in &hits {
        assert_eq!(h.path, path, "a finding outside the linted file: {h:?}");
    }
    hits.into_iter().map(|h: Hit| (h.rule, h.line, h.column)).collect()
}

fn expect(list: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
    list.iter().map(|&(r, l, c)| (r.to_string(), l, c)).collect()
}

#[test]
fn findings_inside_yaml_short_form_tags() {
    assert_eq!(
        hits("sma-stack.yaml"),
        expect(&[
            // An unknown action in the `!If` branch of a statement list.
            ("unknown-action", 31, 27),
            // A literal part of `!Sub` that cannot start an ARN: at the `!Sub` string.
            ("invalid-arn", 36, 32),
            // A bad action in a SAM function's inline `Policies`.
            ("unknown-action", 50, 19),
            // The action of an `AWS::Lambda::Permission`.
            ("unknown-action", 56, 15),
            // ...which therefore never lets Chime invoke the SIP media application's handler.
            ("sma-lambda-permission-missing", 65, 3),
        ])
    );
}

#[test]
fn findings_inside_json_template_long_forms() {
    assert_eq!(hits("recording.template.json"), expect(&[("unknown-action", 19, 61), ("invalid-arn", 31, 40)]));
}

#[test]
fn sub_arn_with_pseudo_parameters_is_never_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SmaId: { Type: String }
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [chime:UpdateSipMediaApplicationCall, chime:CreateSipMediaApplicationCall]
            Resource:
              - !Sub "arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/*"
              - !Sub arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/${SmaId}
              - Fn::Sub: "arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/*"
              - !Join [":", ["arn", !Ref AWS::Partition, chime, !Ref AWS::Region, !Ref AWS::AccountId, "sma/*"]]
              - !Sub
                - "arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/${Id}"
                - Id: !Ref SmaId
"#;
    let path = dir.path().join("template.yaml");
    std::fs::write(&path, text).unwrap();
    let (hits, code) = findings(&[path.to_str().unwrap()]);
    assert_eq!(hits, Vec::<Hit>::new());
    assert_eq!(code, 0);
}

#[test]
fn invalid_yaml_is_a_parse_error_at_the_right_place() {
    assert_eq!(hits("invalid.yaml"), expect(&[("parse-error", 8, 7)]));
}

#[test]
fn a_template_without_policies_gives_nothing() {
    let (hits, code) = findings(&[&format!("{DIR}/no-policies.yaml")]);
    assert!(hits.is_empty(), "{hits:?}");
    assert_eq!(code, 0);
}

#[test]
fn billion_laughs_is_a_finding_quickly() {
    let started = Instant::now();
    let hits = hits("billion-laughs.yaml");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(hits, expect(&[("parse-error", 8, 12)]));
    let (all, _) = findings(&["--fail-on", "never", &format!("{DIR}/billion-laughs.yaml")]);
    assert!(all[0].message.contains("alias expansion exceeds"), "{}", all[0].message);
}

#[test]
fn multi_document_yaml_reads_the_template_document() {
    assert_eq!(hits("multi-document.yaml"), expect(&[("unknown-action", 14, 21)]));
}

#[test]
fn anchors_and_aliases_report_once_at_the_anchor() {
    // The anchored statement is used by two roles; the merge key overrides `Action`.
    assert_eq!(hits("anchors.yaml"), expect(&[("unknown-action", 19, 63), ("unknown-action", 32, 25)]));
}

#[test]
fn policy_documents_written_as_json_strings() {
    assert_eq!(
        hits("json-string-policy.yaml"),
        expect(&[
            // Inside a single-quoted one-line string.
            ("unknown-action", 9, 150),
            // Inside a `|` block.
            ("unknown-action", 21, 50),
            // A string that is not JSON.
            ("policy-syntax", 29, 64),
        ])
    );
}

#[test]
fn sam_policies_templates_and_state_machines() {
    // `LambdaInvokePolicy` is a SAM policy template and stays silent; a misspelt one does not.
    assert_eq!(hits("sam.yaml"), expect(&[("policy-syntax", 17, 11), ("unknown-action", 54, 23)]));
    let (all, _) = findings(&["--fail-on", "never", &format!("{DIR}/sam.yaml")]);
    let syntax = all.iter().find(|f| f.rule == "policy-syntax").expect("policy-syntax");
    assert!(syntax.message.contains("did you mean `DynamoDBCrudPolicy`"), "{}", syntax.message);
}

#[test]
fn json_template_with_a_trailing_comma_is_read_as_the_cli_reads_it() {
    assert_eq!(hits("trailing-comma.template.json"), expect(&[("unknown-action", 10, 44)]));
}

#[test]
fn columns_count_characters_after_non_ascii_text() {
    assert_eq!(hits("non-ascii.yaml"), expect(&[("unknown-action", 13, 109)]));
}

fn report(file: &str) -> policy_lint::Report {
    let path = common::root().join(DIR).join(file);
    policy_lint::lint::lint_with_model(&[path.to_string_lossy().into_owned()], &Config::default())
}

#[test]
fn facts_resolve_references_between_resources() {
    let r = report("sma-stack.yaml");
    // Every resource has its `Typed` fact; the others are what these tests are about.
    let kinds = |address: &str| {
        r.index
            .get_anywhere(address)
            .filter(|f| !matches!(f.kind, FactKind::Typed { .. }))
            .map(|f| f.kind.clone())
            .collect::<Vec<_>>()
    };
    let typed = r.index.get_anywhere("Ivr").find_map(|f| match &f.kind {
        FactKind::Typed { ty } => Some(ty.as_str()),
        _ => None,
    });
    assert_eq!(typed, Some("AWS::Chime::SipMediaApplication"));
    match kinds("Ivr").as_slice() {
        [FactKind::SipMediaApplication { name, region, endpoints }] => {
            assert_eq!(name.as_deref(), Some("ivr"));
            assert_eq!(*region, None);
            assert_eq!(endpoints, &[Ref::Address("SmaHandler".into())]);
        }
        other => panic!("{other:?}"),
    }
    match kinds("SmaHandler").as_slice() {
        [FactKind::LambdaFunction { role, .. }] => assert_eq!(role, &Ref::Address("SmaHandlerRole".into())),
        other => panic!("{other:?}"),
    }
    // SAM's implicit role: the basic execution policy and the policy template, by its name.
    match kinds("SmaHandlerRole").as_slice() {
        [FactKind::Role { managed_policies, .. }] => {
            assert_eq!(
                managed_policies,
                &[
                    Ref::Literal(
                        "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole".into()
                    ),
                    Ref::Literal("SAM policy template DynamoDBCrudPolicy".into())
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    match kinds("SmaHandlerPermission").as_slice() {
        [FactKind::LambdaPermission { function, qualifier, principal, action, source_account, source_arn }] => {
            assert_eq!(function, &Ref::Address("SmaHandler".into()));
            assert_eq!(*qualifier, None);
            assert_eq!(principal.as_deref(), Some("voiceconnector.chime.amazonaws.com"));
            assert_eq!(action.as_deref(), Some("lambda:InvokeFuntion"));
            assert_eq!(source_account.as_deref(), Some("${AWS::AccountId}"));
            assert_eq!(*source_arn, None);
        }
        other => panic!("{other:?}"),
    }
    // Policies keep the logical id they belong to.
    let origins: Vec<(PolicyKind, Option<&str>)> = r.policies.iter().map(|p| (p.kind, p.origin.as_deref())).collect();
    assert_eq!(
        origins,
        [
            (PolicyKind::Trust, Some("CallControlRole")),
            (PolicyKind::Identity, Some("CallControlRole")),
            (PolicyKind::Identity, Some("SmaHandlerRole")),
            (PolicyKind::Resource, Some("SmaHandlerPermission")),
        ]
    );
    // The permission reads as a resource policy statement for the Chime service principal.
    let permission = &r.policies[3].statements[0];
    let services: Vec<_> = permission.principal.as_ref().unwrap().services().filter_map(|v| v.lit()).collect();
    assert_eq!(services, ["voiceconnector.chime.amazonaws.com"]);
    assert_eq!(permission.conditions[0].key, "aws:SourceAccount");
    // Both branches of the `!If` are linted: three statements in the inline policy.
    assert_eq!(r.policies[1].statements.len(), 3);
}

#[test]
fn facts_of_sam_aliases_roles_and_state_machines() {
    let r = report("sam.yaml");
    // Every resource has its `Typed` fact; the others are what these tests are about.
    let kinds = |address: &str| {
        r.index
            .get_anywhere(address)
            .filter(|f| !matches!(f.kind, FactKind::Typed { .. }))
            .map(|f| f.kind.clone())
            .collect::<Vec<_>>()
    };
    match kinds("AliasPermission").as_slice() {
        [FactKind::LambdaPermission { function, qualifier, .. }] => {
            assert_eq!(function, &Ref::Address("Handler".into()));
            assert_eq!(qualifier.as_deref(), Some("live"));
        }
        other => panic!("{other:?}"),
    }
    match kinds("Other").as_slice() {
        [FactKind::LambdaFunction { role, .. }] => assert_eq!(role, &Ref::Address("OtherRole".into())),
        other => panic!("{other:?}"),
    }
    match kinds("Flow").as_slice() {
        [FactKind::RoleUser { service, role }] => {
            assert_eq!(service, "states.amazonaws.com");
            assert_eq!(role, &Ref::Address("FlowRole".into()));
        }
        other => panic!("{other:?}"),
    }
    match kinds("HandlerRole").as_slice() {
        [FactKind::Role { managed_policies, .. }] => {
            assert!(managed_policies.contains(&Ref::Literal("AWSLambdaExecute".into())), "{managed_policies:?}");
        }
        other => panic!("{other:?}"),
    }
    let flow: Vec<_> = r.policies.iter().filter(|p| p.origin.as_deref() == Some("FlowRole")).collect();
    assert_eq!(flow.len(), 1);
    assert_eq!(flow[0].kind, PolicyKind::Identity);
}

/// The real Chime templates in `../shared/corpus/chime-real`: nothing that
/// CloudFormation accepts is a parse or policy syntax error, nothing panics.
#[test]
fn real_chime_templates() {
    let Some(shared) = common::shared() else { return };
    let corpus = shared.join("corpus").join("chime-real");
    let mut files: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".yaml") || name.ends_with(".json")
        })
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    let mut args = vec!["--fail-on", "never"];
    args.extend(files.iter().map(String::as_str));
    // A panic would leave no JSON on stdout, and `findings` would fail.
    let (hits, code) = findings(&args);
    assert_eq!(code, 0);
    let bad: Vec<_> = hits.iter().filter(|h| h.rule == "parse-error" || h.rule == "policy-syntax").collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // A true positive kept as a check that the templates are read at all:
    // the Converse API is authorised by `bedrock:InvokeModel`; there is no `bedrock:Converse` action.
    assert!(
        hits.iter().any(|h| h.rule == "unknown-action"
            && h.path.ends_with("04-docwho2-java-squareup-spring-ai-ivr.template.yaml")
            && h.line == 1232
            && h.column == 19),
        "{hits:#?}"
    );
}

/// cfn-lint's own templates (test/fixtures/templates/good of its source
/// distribution): set `CFN_LINT_TEMPLATES` to that directory and run with
/// `--ignored`. `tools/lint-cfn-lint-templates.sh` downloads and runs it.
#[test]
#[ignore]
fn cfn_lint_good_templates() {
    let Some(dir) = std::env::var_os("CFN_LINT_TEMPLATES") else { return };
    let dir = dir.to_string_lossy().into_owned();
    let (hits, _) = findings(&["--fail-on", "never", &dir]);
    let parse_errors: Vec<_> = hits.iter().filter(|h| h.rule == "parse-error").collect();
    assert!(parse_errors.is_empty(), "{parse_errors:#?}");
    // The only policy syntax errors are documents IAM rejects: `AssumeRolePolicyDocument: {}`.
    let syntax: Vec<_> = hits
        .iter()
        .filter(|h| h.rule == "policy-syntax" && !h.message.starts_with("this is not an IAM policy document"))
        .collect();
    assert!(syntax.is_empty(), "{syntax:#?}");
}
