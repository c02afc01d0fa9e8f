//! The functions' code: SDK calls found in Python, JavaScript, TypeScript, Java and Go,
//! mapped to IAM actions, decided against the role (`sdk-call-denied`,
//! `unused-grant`, `policy-lint calls`).

use crate::common::{findings, root, run};
use policy_lint::code::sdk::{sdk, Needs};
use policy_lint::code::{go, javascript, python};

/// The command classes of npm `@aws-sdk/client-chime-sdk-voice`, as the fixture lists them.
fn voice_commands() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("fixtures/sdk/chime-sdk-voice-commands.txt")).unwrap();
    text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(str::to_string).collect()
}

/// `UpdateSipMediaApplicationCall` → `update_sip_media_application_call`, as botocore names methods.
fn snake(op: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = op.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        if c.is_ascii_uppercase() && i > 0 && (chars[i - 1].is_ascii_lowercase() || next_lower) {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn every_chime_sdk_voice_operation_maps_in_python_and_javascript() {
    let commands = voice_commands();
    assert_eq!(commands.len(), 96);
    let voice = sdk().by_boto3("chime-sdk-voice").unwrap();
    let mut py = String::from("import boto3\nvoice = boto3.client('chime-sdk-voice')\n");
    let mut js = String::from("import { ChimeSDKVoiceClient } from '@aws-sdk/client-chime-sdk-voice';\n");
    js.push_str("import { ChimeSDKVoice } from '@aws-sdk/client-chime-sdk-voice';\n");
    js.push_str("const v3 = new ChimeSDKVoiceClient({});\nconst agg = new ChimeSDKVoice({});\n");
    for c in &commands {
        let op = c.strip_suffix("Command").unwrap();
        py.push_str(&format!("voice.{}()\n", snake(op)));
        js.push_str(&format!("await v3.send(new {c}({{}}));\n"));
        let camel = format!("{}{}", op[..1].to_ascii_lowercase(), &op[1..]);
        js.push_str(&format!("await agg.{camel}({{}});\n"));
    }
    let py_calls = python::calls(&py).unwrap().calls;
    let js_calls = javascript::calls(&js, javascript::Dialect::JavaScript).unwrap().calls;
    assert_eq!(py_calls.len(), 96);
    assert_eq!(js_calls.len(), 192);
    for call in py_calls.iter().chain(&js_calls) {
        assert_eq!(call.service, Some(voice), "{}", call.method);
        let op = call.method.trim_end_matches("Command");
        match sdk().needs(voice, &call.method) {
            Needs::Actions(a) => {
                assert!(a[0].eq_ignore_ascii_case(&format!("chime:{}", op.replace('_', ""))), "{} → {a:?}", call.method)
            }
            other => panic!("{} does not map: {other:?}", call.method),
        }
    }
}

#[test]
fn every_chime_sdk_voice_operation_maps_in_go() {
    // SDK for Go v2 names the method after the operation and the input after
    // the method; v1 adds `...WithContext`.
    let commands = voice_commands();
    let voice = sdk().by_boto3("chime-sdk-voice").unwrap();
    let mut text = String::from("package main\n\nimport (\n\tsvc \"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice\"\n\tv1 \"github.com/aws/aws-sdk-go/service/chimesdkvoice\"\n)\n\nfunc f(ctx context.Context, c *svc.Client, old *v1.ChimeSDKVoice) {\n");
    for c in &commands {
        let op = c.strip_suffix("Command").unwrap();
        text.push_str(&format!("\tc.{op}(ctx, &svc.{op}Input{{}})\n\told.{op}WithContext(ctx, &v1.{op}Input{{}})\n"));
    }
    text.push_str("}\n");
    let calls = go::calls(&text).unwrap().calls;
    assert_eq!(calls.len(), 192);
    for (call, c) in calls.iter().zip(commands.iter().flat_map(|c| [c, c])) {
        let op = c.strip_suffix("Command").unwrap();
        assert_eq!((call.service, call.method.as_str()), (Some(voice), op));
        match sdk().needs(voice, &call.method) {
            Needs::Actions(a) => assert_eq!(a[0], format!("chime:{op}"), "{op}"),
            other => panic!("{op} does not map: {other:?}"),
        }
    }
}

#[test]
fn go_dynamic_calls_are_unknown_calls_not_findings() {
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("handler");
    std::fs::create_dir_all(&code).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: handler/\n      Handler: bootstrap\n      Runtime: provided.al2023\n      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: s3:GetObject\n              Resource: arn:aws:s3:::b/*\n",
    )
    .unwrap();
    std::fs::write(
        code.join("main.go"),
        "package main\n\nimport (\n\t\"reflect\"\n\t\"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice\"\n)\n\nfunc call(c *chimesdkvoice.Client, name string) {\n\treflect.ValueOf(c).MethodByName(name).Call(nil)\n}\n",
    )
    .unwrap();
    // Bad Go beside it: a syntax error, a binary file, a minified line.
    std::fs::write(code.join("broken.go"), "package main\nfunc (( {\n").unwrap();
    std::fs::write(code.join("blob.go"), b"package main\x00\x01\x02").unwrap();
    std::fs::write(code.join("gen.go"), format!("package main\nvar x = \"{}\"\n", "a".repeat(10_000))).unwrap();
    let (hits, _) = crate::common::findings_in(dir.path(), &["."]);
    assert!(hits.iter().all(|h| !matches!(h.rule.as_str(), "sdk-call-denied" | "unused-grant")), "{hits:?}");
    let out = crate::common::run_in(dir.path(), &["calls", "--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &doc["functions"][0];
    assert_eq!(f["complete"], false);
    let dynamic = f["calls"].as_array().unwrap().iter().find(|c| c["dynamic"] == true).unwrap();
    assert_eq!(dynamic["unknown"], "computed at run time");
    let notes = f["notes"].to_string();
    assert!(notes.contains("a syntax error"), "{notes}");
    assert!(notes.contains("blob.go` is not read: it is binary"), "{notes}");
    assert!(notes.contains("gen.go` is not read: a line of more than"), "{notes}");
}

#[test]
fn every_chime_sdk_voice_operation_of_the_reference_maps() {
    let Some(shared) = crate::common::shared() else {
        eprintln!("skipped: /work/shared is absent");
        return;
    };
    let text = std::fs::read_to_string(shared.join("reference/chime-sdk-voice-operations.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let voice = sdk().by_boto3("chime-sdk-voice").unwrap();
    let ops = doc["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 96);
    for op in ops {
        let name = op["operation"].as_str().unwrap();
        let iam = op["iam_action"].as_str().unwrap();
        match sdk().needs(voice, &snake(name)) {
            Needs::Actions(a) => assert_eq!(a[0], iam, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn denied_calls_fire_at_the_call_in_each_language() {
    let (hits, code) = findings(&["fixtures/sdk-call-denied/fire"]);
    let denied: Vec<String> = hits.iter().filter(|h| h.rule == "sdk-call-denied").map(|h| h.short()).collect();
    assert_eq!(
        denied,
        [
            "fixtures/sdk-call-denied/fire/go-sam/sma-handler/main.go:30:21: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/inline-cloudformation/template.yaml:36:28: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/java-sam/SmaHandlerFunction/src/main/java/com/example/sma/App.java:18:19: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/node-terraform/src/index.mjs:14:26: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/node-terraform/src/index.mjs:18:28: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/python-sam/src/app.py:23:15: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/python-scopes/src/app.py:11:12: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/python-table-env/src/app.py:5:11: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/sam-other-table/src/app.py:4:11: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/sam-policy-template/src/app.py:7:11: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/terraform-other-table/src/app.py:4:11: error[sdk-call-denied]",
            "fixtures/sdk-call-denied/fire/typescript-sam/src/handler.ts:12:6: error[sdk-call-denied]",
        ]
    );
    assert_eq!(code, 1);
    let python = hits.iter().find(|h| h.path.ends_with("python-sam/src/app.py")).unwrap();
    assert!(python.message.contains("`chime:UpdateSipMediaApplicationCall`"), "{}", python.message);
    assert!(python.message.contains("role `SmaHandlerRole`"), "{}", python.message);
}

#[test]
fn the_fix_is_a_statement_in_the_format_of_the_role_policy() {
    let out = run(&["--format", "json", "fixtures/sdk-call-denied/fire/python-sam"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = doc["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "sdk-call-denied").unwrap();
    let help = f["help"].as_str().unwrap();
    assert!(help.contains("Action: chime:UpdateSipMediaApplicationCall"), "{help}");
    assert!(help.contains("Effect: Allow"), "{help}");
}

#[test]
fn calls_lists_each_function_with_its_calls_and_decisions() {
    let out = run(&["calls", "--format", "json", "fixtures/sdk-call-denied/fire/python-sam"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &doc["functions"][0];
    assert_eq!(f["function"], "SmaHandler");
    assert_eq!(f["role"], "SmaHandlerRole");
    assert_eq!(f["complete"], true);
    let call = &f["calls"][0];
    assert_eq!((call["line"].as_u64(), call["column"].as_u64()), (Some(23), Some(15)));
    assert_eq!(call["method"], "update_sip_media_application_call");
    assert_eq!(call["resource_note"], "`SMA_ID` is the project's `SipMediaApp`");
    assert_eq!(call["actions"][0]["action"], "chime:UpdateSipMediaApplicationCall");
    assert_eq!(call["actions"][0]["decision"], "denied");

    let out = run(&["calls", "fixtures/sdk-call-denied/silent/python-sam-granted"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("src/app.py:23:15  chime-sdk-voice update_sip_media_application_call"), "{text}");
    assert!(text.contains("chime:UpdateSipMediaApplicationCall  allowed"), "{text}");
}

#[test]
fn calls_policy_prints_what_the_calls_need() {
    let out =
        run(&["calls", "--policy", "aws_lambda_function.handler", "fixtures/sdk-call-denied/fire/node-terraform"]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["Statement"],
        serde_json::json!([
            { "Effect": "Allow", "Action": "chime:UpdateSipMediaApplicationCall", "Resource": "arn:aws:chime:*:*:sma/*" },
            { "Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/calls" },
        ])
    );
    // What it prints lints clean of errors, as a policy file and as Terraform.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.json"), &out.stdout).unwrap();
    let hcl = run(&[
        "calls",
        "--policy",
        "aws_lambda_function.handler",
        "--policy-format",
        "hcl",
        "fixtures/sdk-call-denied/fire/node-terraform",
    ]);
    let text = String::from_utf8_lossy(&hcl.stdout).into_owned();
    assert!(text.starts_with("data \"aws_iam_policy_document\" \"aws_lambda_function_handler\" {"), "{text}");
    std::fs::write(dir.path().join("policy.tf"), text).unwrap();
    let (hits, _) = crate::common::findings_in(dir.path(), &["."]);
    assert!(hits.iter().all(|h| h.severity != "error"), "{hits:?}");
    let out = run(&["calls", "--policy", "nope", "fixtures/sdk-call-denied/fire/node-terraform"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_policy_covers_every_resource_type_an_unknown_resource_may_be() {
    // `chime:StartVoiceToneAnalysisTask` acts on a voice connector or a media
    // pipeline; the handler names a voice connector the code does not show.
    let out = run(&["calls", "--policy", "AnalyticsStarter", "fixtures/sdk-call-denied/fire/typescript-sam"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let resources: Vec<&str> =
        doc["Statement"].as_array().unwrap().iter().map(|s| s["Resource"].as_str().unwrap()).collect();
    assert_eq!(resources, ["arn:aws:chime:*:*:media-pipeline/*", "arn:aws:chime:*:*:vc/*"]);
}

#[test]
fn a_part_of_an_arn_is_no_resource() {
    // A prefix taken for the resource would make a grant on the real one read as a denial.
    let py = "import boto3\ns3 = boto3.client('s3')\ns3.get_object(Bucket='arn:aws:s3:::' + b)\ns3.get_object(Bucket='arn:aws:s3:::{}'.format(b))\ns3.get_object(Bucket='arn:aws:s3:::whole')\n";
    let hints: Vec<_> = python::calls(py).unwrap().calls.into_iter().map(|c| c.resource).collect();
    use policy_lint::code::tree::ResourceHint::{Arn, None as NoHint};
    assert_eq!(hints, [NoHint, NoHint, Arn("arn:aws:s3:::whole".into())]);
    let js = "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\nconst s3 = new S3Client({});\nawait s3.send(new GetObjectCommand({ Bucket: 'arn:aws:s3:::' + b }));\n";
    let hints: Vec<_> =
        javascript::calls(js, javascript::Dialect::JavaScript).unwrap().calls.into_iter().map(|c| c.resource).collect();
    assert_eq!(hints, [NoHint]);
}

#[test]
fn unknown_and_bad_code_is_noted_not_reported() {
    let out = run(&["calls", "--format", "json", "fixtures/sdk-call-denied/silent/unknown-and-bad-code"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let functions = doc["functions"].as_array().unwrap();
    let notes: Vec<&str> =
        functions.iter().flat_map(|f| f["notes"].as_array().unwrap()).map(|n| n["message"].as_str().unwrap()).collect();
    assert!(notes.iter().any(|n| n.contains("blob.py` is not read: the file is not UTF-8")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("bundle.js` is not read: a line of more than")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("a syntax error")), "{notes:?}");
    assert!(functions.iter().all(|f| f["complete"] == false));
    let dynamic = functions[0]["calls"].as_array().unwrap().iter().find(|c| c["dynamic"] == true).unwrap();
    assert_eq!(dynamic["unknown"], "computed at run time");
}

#[test]
fn hostile_code_never_hangs_or_panics() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: a.h\n      Runtime: python3.12\n",
    )
    .unwrap();
    // Deep nesting, unbalanced brackets, a huge file, a FIFO-free set of oddities.
    std::fs::write(src.join("deep.py"), format!("x = {}1{}\n", "(".repeat(20_000), ")".repeat(20_000))).unwrap();
    std::fs::write(src.join("open.py"), "def f(:\n  [[[[{{{{\n".repeat(2000)).unwrap();
    std::fs::write(src.join("big.py"), "x = 1\n".repeat(500_000)).unwrap();
    let started = std::time::Instant::now();
    let out = crate::common::run_in(dir.path(), &["calls", "--format", "json", "."]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = doc["functions"][0]["notes"].to_string();
    assert!(notes.contains("big.py` is not read: the file is"), "{notes}");
}

#[test]
fn a_function_reads_its_handler_and_what_it_imports_not_its_neighbours() {
    let out = run(&["calls", "--format", "json", "fixtures/sdk-call-denied/silent/shared-code-dir"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = |i: usize| -> Vec<String> {
        doc["functions"][i]["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect()
    };
    let dir = "fixtures/sdk-call-denied/silent/shared-code-dir/src";
    assert_eq!(doc["functions"][0]["function"], "Answer");
    assert_eq!(files(0), [format!("{dir}/clients.py"), format!("{dir}/handlers/answer.py")]);
    assert_eq!(doc["functions"][1]["function"], "Report");
    assert_eq!(files(1), [format!("{dir}/clients.py"), format!("{dir}/handlers/report.py")]);
    let call = &doc["functions"][1]["calls"][0];
    assert_eq!((call["method"].as_str(), call["inferred"].as_bool()), (Some("put_object"), Some(true)));
}

#[test]
fn code_outside_the_project_is_not_read() {
    let outer = tempfile::tempdir().unwrap();
    let project = outer.path().join("project");
    let outside = outer.path().join("outside");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("app.py"), "import boto3\nboto3.client('s3').delete_bucket(Bucket='b')\n").unwrap();
    std::fs::write(
        project.join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ../outside/\n      Handler: app.h\n      Runtime: python3.12\n      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: s3:GetObject\n              Resource: arn:aws:s3:::b/*\n",
    )
    .unwrap();
    let (hits, _) = crate::common::findings_in(&project, &["."]);
    assert!(hits.iter().all(|h| h.rule != "sdk-call-denied"), "{hits:?}");
    let out = crate::common::run_in(&project, &["calls", "--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["functions"][0]["calls"], serde_json::json!([]));
    assert!(doc["functions"][0]["notes"][0]["message"].as_str().unwrap().contains("is outside the project"), "{doc}");
}

#[test]
fn working_public_samples_get_no_sdk_call_denied() {
    // The public Chime SDK samples in the shared corpus are deployed and run:
    // their inline handlers' calls are allowed. Dependent actions needed only
    // with some parameters (`chime:CreateVoiceConnector` → the Connect
    // connectors), `sts:AssumeRole` granted by a trust policy, and the Lambda
    // runtime's `AWS_REGION` must not read as denials.
    let Some(shared) = crate::common::shared() else {
        eprintln!("skipped: /work/shared is absent");
        return;
    };
    let corpus = shared.join("corpus");
    let (hits, _) = findings(&[corpus.to_str().unwrap()]);
    let denied: Vec<String> = hits.iter().filter(|h| h.rule == "sdk-call-denied").map(|h| h.short()).collect();
    assert!(denied.is_empty(), "{denied:#?}");
    let out = run(&["calls", "--format", "json", corpus.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let calls =
        doc["functions"].as_array().unwrap().iter().map(|f| f["calls"].as_array().unwrap().len()).sum::<usize>();
    assert!(calls >= 20, "{calls} calls found in the corpus");
}

#[test]
fn the_readers_take_any_text_without_panicking() {
    // Mutations of real handlers: cut, duplicated, bytes swapped, brackets
    // unbalanced. Every reader must return (calls or none), never panic.
    let seeds = [
        std::fs::read_to_string(root().join("fixtures/sdk-call-denied/fire/python-sam/src/app.py")).unwrap(),
        std::fs::read_to_string(root().join("fixtures/sdk-call-denied/fire/node-terraform/src/index.mjs")).unwrap(),
        std::fs::read_to_string(root().join("fixtures/sdk-call-denied/fire/typescript-sam/src/handler.ts")).unwrap(),
        std::fs::read_to_string(
            root().join(
                "fixtures/sdk-call-denied/fire/java-sam/SmaHandlerFunction/src/main/java/com/example/sma/App.java",
            ),
        )
        .unwrap(),
        std::fs::read_to_string(root().join("fixtures/sdk-call-denied/fire/go-sam/sma-handler/main.go")).unwrap(),
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as usize
    };
    for round in 0..160 {
        let seed = &seeds[round % seeds.len()];
        let chars: Vec<char> = seed.chars().collect();
        let (a, b) = (next() % chars.len(), next() % chars.len());
        let (lo, hi) = (a.min(b), a.max(b));
        let mut text: String = match round % 4 {
            0 => chars[..lo].iter().chain(&chars[hi..]).collect(),
            1 => chars[..hi].iter().chain(&chars[lo..]).collect(),
            2 => chars
                .iter()
                .map(|&c| if next() % 17 == 0 { "({[\"'`".chars().nth(next() % 6).unwrap() } else { c })
                .collect(),
            _ => chars[lo..hi].iter().rev().collect(),
        };
        text.push_str(&"(".repeat(next() % 50));
        let _ = python::calls(&text);
        let _ = javascript::calls(&text, javascript::Dialect::JavaScript);
        let _ = javascript::calls(&text, javascript::Dialect::TypeScript);
        let _ = javascript::calls(&text, javascript::Dialect::Tsx);
        let _ = policy_lint::code::java::calls(&text);
        let _ = go::calls(&text);
    }
}

#[test]
fn a_sam_policy_template_is_named_and_decides_only_the_actions_it_has() {
    let out = run(&["calls", "--format", "json", "fixtures/sdk-call-denied/silent/sam-policy-template"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let action = &doc["functions"][0]["calls"][0]["actions"][0];
    assert_eq!(action["action"], "s3:GetObject");
    assert_eq!(action["decision"], "unknown");
    assert_eq!(action["reason"], "the SAM policy template `S3ReadPolicy` of the role may allow it");
}

#[test]
fn calls_policy_with_only_unresolved_calls_warns_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.h\n      Runtime: python3.12\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/app.py"),
        "import boto3\nc = boto3.client('s3')\ndef h(e, x):\n    getattr(c, e['op'])()\n",
    )
    .unwrap();
    let out = crate::common::run_in(dir.path(), &["calls", "--policy", "F", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "no call of `F` resolved to actions (1 did not; `policy-lint calls` lists them): no policy written"
        ),
        "{err}"
    );
}

#[test]
fn the_fix_for_an_s3_object_call_names_the_bucket_not_an_access_point() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.h\n      Runtime: python3.12\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/app.py"),
        "import boto3\ns3 = boto3.client('s3')\ndef h(e, x):\n    s3.put_object(Bucket='b', Key='k', Body=b'')\n",
    )
    .unwrap();
    let out = crate::common::run_in(dir.path(), &["--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    let denied = findings.iter().find(|f| f["rule"] == "sdk-call-denied").expect("s3:PutObject is denied");
    let help = denied["help"].as_str().unwrap_or_default();
    assert!(help.contains("Resource: \"arn:aws:s3:::*/*\""), "{help}");
    let policy = crate::common::run_in(dir.path(), &["calls", "--policy", "F", "."]);
    assert!(String::from_utf8_lossy(&policy.stdout).contains("\"Resource\": \"arn:aws:s3:::*/*\""));
}

#[test]
fn a_table_named_by_the_environment_is_the_one_a_getatt_grant_names() {
    let out = run(&["calls", "--format", "json", "fixtures/sdk-call-denied/fire/python-table-env"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let calls = doc["functions"][0]["calls"].as_array().unwrap();
    let decided: Vec<(&str, &str, &str)> = calls
        .iter()
        .map(|c| {
            let a = &c["actions"][0];
            (c["resource_note"].as_str().unwrap_or(""), a["action"].as_str().unwrap(), a["decision"].as_str().unwrap())
        })
        .collect();
    let note = "`TABLE` is the project's `Table`";
    assert_eq!(decided, [(note, "dynamodb:PutItem", "allowed"), (note, "dynamodb:DeleteItem", "denied")]);
}

#[test]
fn the_fix_for_polly_synthesize_speech_without_lexicons_is_on_every_resource() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.h\n      Runtime: python3.12\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("src/app.py"),
        "import boto3\npolly = boto3.client('polly')\ndef h(e, x):\n    polly.synthesize_speech(Text='hi', OutputFormat='mp3', VoiceId='Joanna')\n",
    )
    .unwrap();
    let out = crate::common::run_in(dir.path(), &["--format", "json", "."]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["findings"].as_array().cloned().unwrap_or_default();
    let denied = findings.iter().find(|f| f["rule"] == "sdk-call-denied").expect("polly:SynthesizeSpeech is denied");
    // A request without `LexiconNames` names no lexicon: a grant on `lexicon/*` does not allow it.
    assert_eq!(
        denied["help"].as_str().unwrap_or_default(),
        "attach a policy with: - Sid: AllowSynthesizeSpeech\n  Effect: Allow\n  Action: polly:SynthesizeSpeech\n  Resource: \"*\""
    );
    let policy = crate::common::run_in(dir.path(), &["calls", "--policy", "F", "."]);
    let policy = String::from_utf8_lossy(&policy.stdout);
    assert!(policy.contains("\"Resource\": \"*\"") && !policy.contains("lexicon"), "{policy}");
}

#[test]
fn the_fix_for_a_project_resource_names_it_as_the_project_does() {
    let help = |dir: &str| -> Vec<String> {
        let out = run(&["--format", "json", dir]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let findings = doc["findings"].as_array().cloned().unwrap_or_default();
        let denied = findings.iter().filter(|f| f["rule"] == "sdk-call-denied");
        denied
            .map(|f| f["help"].as_str().unwrap_or_default().lines().last().unwrap_or_default().trim().to_string())
            .collect()
    };
    assert_eq!(help("fixtures/sdk-call-denied/fire/sam-other-table"), ["Resource: !GetAtt Orders.Arn"]);
    assert_eq!(help("fixtures/sdk-call-denied/fire/terraform-other-table"), ["},"]);
    let tf = run(&["--format", "json", "fixtures/sdk-call-denied/fire/terraform-other-table"]);
    assert!(String::from_utf8_lossy(&tf.stdout).contains("Resource = aws_dynamodb_table.orders.arn\\n"));
    assert_eq!(
        help("fixtures/sdk-call-denied/fire/python-sam"),
        ["Resource: !Sub arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/${SipMediaApp}"]
    );
}
