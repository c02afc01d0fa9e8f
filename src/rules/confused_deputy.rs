use crate::finding::Finding;
use crate::policy::{Policy, PolicyKind};
use crate::rules::least_privilege as lp;
use crate::rules::PolicyCx;

mod condition;

crate::declare_rule! {
    /// ## What it does
    /// Flags a service principal (`voiceconnector.chime.amazonaws.com`,
    /// `mediapipelines.chime.amazonaws.com`, `s3.amazonaws.com`,
    /// `sns.amazonaws.com`...) allowed in a resource policy (a bucket policy, a
    /// Lambda permission, a Lex bot-alias policy, a topic or queue policy)
    /// without a condition that ties it to your account or resource:
    /// `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`,
    /// `aws:SourceOrgPaths` (or `aws:SourceOwner`; `kms:EncryptionContext:...`
    /// in key policies). For a Lambda permission the message names the
    /// Terraform arguments (`source_account`, `source_arn`) or the
    /// CloudFormation properties (`SourceAccount`, `SourceArn`).
    ///
    /// In role trust policies, services that run your own code or deployments
    /// as the role (`lambda.amazonaws.com`, `ecs-tasks.amazonaws.com`,
    /// `ec2.amazonaws.com`, `states.amazonaws.com`, `codebuild.amazonaws.com`,
    /// `cloudformation.amazonaws.com`... the list is in
    /// `rules/service-principals.json`) are the normal case and stay silent.
    /// Other services that assume a role on behalf of a resource
    /// (`mediapipelines.chime.amazonaws.com` for a call-analytics resource
    /// access role, `transcribe.streaming.amazonaws.com`) are flagged: AWS
    /// documents their trust policies with `aws:SourceAccount` and `aws:SourceArn`.
    ///
    /// On a Lex bot-alias policy (its actions all `lex:`) that lets
    /// `voiceconnector.chime.amazonaws.com` in with conditions, it also flags
    /// an `aws:SourceArn` of another service (`arn:aws:chime:...:sma/...`: Chime
    /// calls the bot as `arn:aws:voiceconnector:<region>:<account>:sma/<id>`,
    /// so the condition never matches), `aws:SourceAccount` without
    /// `aws:SourceArn` (every SIP media application of the account), and an
    /// `aws:SourceArn` of any account without `aws:SourceAccount`. AWS:
    /// Amazon Chime SDK Developer Guide, "StartBotConversation"
    /// (<https://docs.aws.amazon.com/chime-sdk/latest/dg/start-bot-conversation.html>).
    ///
    /// ## Why is this bad?
    /// The service acts for every AWS customer. Without the condition, anyone
    /// can point their own SIP media application, bucket notification or
    /// pipeline at your function, bucket or role, and the service will use
    /// your grant for them: the confused deputy problem.
    ///
    /// ## Example
    /// ```json
    /// { "Effect": "Allow", "Principal": { "Service": "voiceconnector.chime.amazonaws.com" },
    ///   "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::prompts-bucket/*" }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "Effect": "Allow", "Principal": { "Service": "voiceconnector.chime.amazonaws.com" },
    ///   "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::prompts-bucket/*",
    ///   "Condition": {
    ///     "StringEquals": { "aws:SourceAccount": "111122223333" },
    ///     "ArnLike": { "aws:SourceArn": "arn:aws:chime:us-east-1:111122223333:sma/*" } } }
    /// ```
    ///
    /// The unsafe fix adds the condition: the own account
    /// (`!Ref AWS::AccountId`, `{"Ref": "AWS::AccountId"}`, or the module's
    /// `data.aws_caller_identity` account id) as `aws:SourceAccount`, and
    /// when the project defines the one resource that calls (the SIP media
    /// application whose endpoint the function is, or the only one of the
    /// template or module), its ARN as `aws:SourceArn`; on a Lambda
    /// permission, as `SourceAccount`/`SourceArn` (`source_account`/`source_arn`).
    /// A statement with a `Condition` already, a policy file (which cannot
    /// name the account) and a JSON string inside YAML get none.
    pub CONFUSED_DEPUTY, "confused-deputy", Warning, LeastPrivilege,
    "a service principal allowed without `aws:SourceAccount` or `aws:SourceArn`", fix = Unsafe
}

/// How the policy was written, for naming the fix.
enum Origin {
    Policy,
    TerraformLambdaPermission,
    CloudFormationLambdaPermission,
}

/// The unsafe fix of a Lambda permission: its own account as the source
/// account, written on a line of its own before the `Principal` line, where
/// the account is known without asking: `!Ref AWS::AccountId` (or
/// `{"Ref": "AWS::AccountId"}`) in CloudFormation, and in Terraform the
/// `aws_caller_identity` data source when the file declares one. Unsafe: a
/// caller in another account is no longer let in.
fn source_account_fix(source: &crate::source::Source, principal: crate::source::Span) -> Option<crate::finding::Fix> {
    crate::finding::Fix::new(
        crate::finding::Applicability::Unsafe,
        source,
        vec![source_account_fix_edit(source, principal)?],
    )
}

/// The line [`source_account_fix`] inserts, and where.
fn source_account_fix_edit(
    source: &crate::source::Source,
    principal: crate::source::Span,
) -> Option<(crate::source::Span, String)> {
    let text = &source.text;
    let at = principal.start as usize;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..at];
    let indent = &prefix[..prefix.len() - prefix.trim_start_matches([' ', '\t']).len()];
    let key = prefix.trim().trim_end_matches(['"', '\'']).split_whitespace().collect::<Vec<_>>().join(" ");
    let eol = if text[at..].split('\n').next().is_some_and(|l| l.ends_with('\r')) { "\r\n" } else { "\n" };
    let line = match key.as_str() {
        "Principal:" => format!("{indent}SourceAccount: !Ref AWS::AccountId{eol}"),
        "\"Principal\":" => format!("{indent}\"SourceAccount\": {{\"Ref\": \"AWS::AccountId\"}},{eol}"),
        "principal =" => {
            let start = text.find("data \"aws_caller_identity\" \"")? + "data \"aws_caller_identity\" \"".len();
            let name = &text[start..start + text[start..].find('"')?];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return None;
            }
            format!("{indent}source_account = data.aws_caller_identity.{name}.account_id{eol}")
        }
        _ => return None,
    };
    Some((crate::source::Span::new(line_start, line_start), line))
}

/// The ARN format of the resource on whose behalf `service` calls, by the
/// prefix of the actions it is allowed (`target`): a Lex bot alias takes
/// another ARN for the same principal than a bucket.
fn source_arn_format(service: &str, target: Option<&str>) -> Option<&'static str> {
    let d = lp::data();
    let by_target = d.source_arn_by_target.iter().find(|(principal, prefix, _)| {
        principal.eq_ignore_ascii_case(service) && target.is_some_and(|t| t.eq_ignore_ascii_case(prefix))
    });
    by_target
        .map(|(_, _, arn)| arn.as_str())
        .or_else(|| d.source_arn.iter().find(|(k, _)| k.eq_ignore_ascii_case(service)).map(|(_, v)| v.as_str()))
}

/// The prefix all `actions` share.
fn common_prefix(actions: &[String]) -> Option<&str> {
    let first = actions.first()?.split_once(':')?.0;
    actions.iter().all(|a| a.split_once(':').is_some_and(|(q, _)| q.eq_ignore_ascii_case(first))).then_some(first)
}

/// The unsafe fix that needs the project ([`crate::rules::add_project_fixes`]).
/// On a Lambda permission: the own account and, when the project defines
/// the one resource that calls (the SIP media application whose endpoint
/// the function is), its ARN, each on a line of its own. On a resource or
/// trust policy statement without a `Condition`: a `Condition` with
/// `aws:SourceAccount` (`!Ref AWS::AccountId`, `{"Ref": "AWS::AccountId"}`,
/// the module's `data.aws_caller_identity` account id) and, when the
/// project defines exactly one resource of the kind that calls, `aws:SourceArn`.
/// A statement that has a `Condition` gets none (merging into it could
/// change what its other tests mean), nor does a policy file, which
/// cannot name the account but as a literal the project does not give.
/// A KMS key policy gets none either: a service uses the key through another
/// one (Chime's notifications through SQS), and AWS does not say that the
/// source context keys reach KMS then, so the Condition could deny every use.
pub fn project_fix(cx: &crate::rules::ProjectCx, finding: &Finding) -> Option<crate::finding::Fix> {
    let (policy, i) = crate::rules::statement_at(cx, finding)?;
    let st = &policy.statements[i];
    let value = st.principal.as_ref()?.services().find(|v| v.span == finding.span)?;
    let service = value.lit()?;
    let actions: Vec<String> = st.action.iter().flat_map(|l| l.values.iter()).map(|v| v.display()).collect();
    if common_prefix(&actions).is_some_and(|p| p.eq_ignore_ascii_case("kms")) {
        return None;
    }
    let of = source_arn_format(service, common_prefix(&actions)).and_then(crate::rules::own_resources::of_arn_format);
    match origin(policy, &actions) {
        Origin::Policy => {
            let caller = of.and_then(|of| crate::rules::own_resources::only_one(cx, &policy.source, of));
            condition::fix(cx, policy, st, caller.zip(of))
        }
        _ => {
            let permission = policy.origin.as_deref()?;
            let function = cx.index.get(&policy.source, permission).find_map(|f| match &f.kind {
                crate::index::FactKind::LambdaPermission {
                    function: crate::index::Ref::Address(a),
                    source_arn: None,
                    ..
                } => Some(a.clone()),
                _ => None,
            });
            let caller = of.zip(function).and_then(|(of, function)| {
                let mut callers = of.defined(cx.index, &policy.source).filter(|r| match &r.kind {
                    crate::index::FactKind::SipMediaApplication { endpoints, .. } => {
                        endpoints.iter().any(|e| e.address() == Some(function.as_str()))
                    }
                    _ => true,
                });
                let one = callers.next()?;
                callers.next().is_none().then_some((one, of))
            });
            let account = source_account_fix_edit(&policy.source, value.span);
            condition::permission_fix(policy, value.span, account, caller)
        }
    }
}

fn origin(policy: &Policy, actions: &[String]) -> Origin {
    let lambda = !actions.is_empty()
        && actions.iter().all(|a| {
            let a = a.to_ascii_lowercase();
            a.starts_with("lambda:invokefunction") || a == "lambda:*"
        });
    let Some(o) = policy.origin.as_deref().filter(|_| lambda) else { return Origin::Policy };
    let path = policy.source.path.to_ascii_lowercase();
    if o.starts_with("aws_lambda_permission.") || path.ends_with(".tf") || path.ends_with(".tf.json") {
        Origin::TerraformLambdaPermission
    } else {
        Origin::CloudFormationLambdaPermission
    }
}

pub fn check(cx: &PolicyCx, out: &mut Vec<Finding>) {
    let kind = cx.policy.kind;
    if !matches!(kind, PolicyKind::Resource | PolicyKind::Trust) {
        return;
    }
    let d = lp::data();
    for sc in &cx.statements {
        let st = sc.st;
        let Some(p) = st.principal.as_ref().filter(|p| !p.negated) else { continue };
        if !st.is_allow() {
            continue;
        }
        if lp::source_bound(st) {
            lex_source_conditions(cx, sc, out);
            continue;
        }
        for value in p.services() {
            let Some(service) = value.lit() else { continue };
            let lower = service.to_ascii_lowercase();
            if !(lower.ends_with(".amazonaws.com") || lower.ends_with(".amazonaws.com.cn")) {
                continue;
            }
            if kind == PolicyKind::Trust && d.trust_exempt.iter().any(|s| s.eq_ignore_ascii_case(service)) {
                continue;
            }
            let actions: Vec<String> = sc.actions.iter().map(|a| a.value.display()).collect();
            // The resource the policy is on, by its actions' prefix: a Lex bot
            // alias takes another ARN for the same principal than a bucket.
            let target =
                actions.first().and_then(|a| a.split_once(':')).map(|(p, _)| p).filter(|p| {
                    actions.iter().all(|a| a.split_once(':').is_some_and(|(q, _)| q.eq_ignore_ascii_case(p)))
                });
            let arn = source_arn_format(service, target)
                .unwrap_or("arn:${Partition}:<service>:${Region}:${Account}:<resource>");
            let origin = origin(cx.policy, &actions);
            let fix = match origin {
                Origin::CloudFormationLambdaPermission | Origin::TerraformLambdaPermission => {
                    source_account_fix(&cx.policy.source, value.span)
                }
                Origin::Policy => None,
            };
            let (message, help) = match origin {
                Origin::TerraformLambdaPermission => (
                    format!(
                        "`{service}` may invoke this function on behalf of any AWS account: the \
                         `aws_lambda_permission` has no `source_account` or `source_arn`"
                    ),
                    format!("set `source_account = \"<account-id>\"` and `source_arn = \"{arn}\"`"),
                ),
                Origin::CloudFormationLambdaPermission => (
                    format!(
                        "`{service}` may invoke this function on behalf of any AWS account: the \
                         `AWS::Lambda::Permission` has no `SourceAccount` or `SourceArn`"
                    ),
                    format!("set `SourceAccount: !Ref AWS::AccountId` and `SourceArn: {arn}`"),
                ),
                Origin::Policy if kind == PolicyKind::Trust => (
                    format!(
                        "`{service}` can assume this role with no `aws:SourceAccount` or `aws:SourceArn` condition, \
                         so the service may use it on behalf of any AWS account (the confused deputy problem)"
                    ),
                    format!(
                        "add `\"Condition\": {{\"StringEquals\": {{\"aws:SourceAccount\": \"<account-id>\"}}, \
                         \"ArnLike\": {{\"aws:SourceArn\": \"{arn}\"}}}}` to the trust policy"
                    ),
                ),
                Origin::Policy => (
                    format!(
                        "`{service}` is allowed without `aws:SourceAccount` or `aws:SourceArn`, so the service \
                         can use this grant on behalf of any AWS account (the confused deputy problem)"
                    ),
                    format!(
                        "add `\"Condition\": {{\"StringEquals\": {{\"aws:SourceAccount\": \"<account-id>\"}}, \
                         \"ArnLike\": {{\"aws:SourceArn\": \"{arn}\"}}}}`"
                    ),
                ),
            };
            out.push(
                Finding::new(&CONFUSED_DEPUTY, &cx.policy.source, value.span, message).with_help(help).with_fix(fix),
            );
        }
    }
}

/// The ARN Chime SDK Voice calls a Lex bot alias with (StartBotConversation):
/// the service segment is `voiceconnector`, not `chime`.
const LEX_SOURCE_ARN: &str = "arn:${Partition}:voiceconnector:${Region}:${Account}:sma/${SipMediaApplicationId}";

/// A Lex bot-alias policy (its actions all `lex:`) that lets
/// `voiceconnector.chime.amazonaws.com` in with conditions: AWS's
/// StartBotConversation policy names the account and the SIP media
/// application (`arn:aws:voiceconnector:<region>:<account>:sma/<id>`). An
/// `aws:SourceArn` of another service never matches (the bot conversation is
/// denied); `aws:SourceAccount` alone admits every SMA of the account; an
/// `aws:SourceArn` alone with any account admits every account's SMAs.
/// Conditions not known, or keys not known, are not judged.
fn lex_source_conditions(cx: &PolicyCx, sc: &crate::rules::StatementCx, out: &mut Vec<Finding>) {
    let st = sc.st;
    let lex =
        !sc.actions.is_empty() && sc.actions.iter().all(|a| a.value.display().to_ascii_lowercase().starts_with("lex:"));
    if !lex || st.conditions_unknown || st.conditions.iter().any(|c| c.key_unknown) {
        return;
    }
    let Some(p) = st.principal.as_ref() else { return };
    let Some(principal) = p
        .services()
        .into_iter()
        .find(|v| v.lit().is_some_and(|s| s.eq_ignore_ascii_case("voiceconnector.chime.amazonaws.com")))
    else {
        return;
    };
    let positive = |key: &str| {
        st.conditions.iter().filter(move |c| c.key.eq_ignore_ascii_case(key) && lp::is_positive(c)).collect::<Vec<_>>()
    };
    let arns: Vec<&crate::policy::Value> =
        positive("aws:SourceArn").into_iter().flat_map(|c| c.values.iter()).collect();
    let account = !positive("aws:SourceAccount").is_empty();
    let segments = |v: &crate::policy::Value| v.lit().map(|t| t.split(':').map(str::to_string).collect::<Vec<_>>());
    let service_of = |v: &crate::policy::Value| segments(v).and_then(|s| s.get(2).cloned());
    // An ARN of another service (`arn:aws:chime:...:sma/...`): it never matches.
    let wrong: Vec<_> = arns
        .iter()
        .filter(|v| service_of(v).is_some_and(|s| !s.contains(['*', '?']) && !s.eq_ignore_ascii_case("voiceconnector")))
        .collect();
    if !wrong.is_empty() && wrong.len() == arns.len() {
        for v in wrong {
            let text = v.lit().unwrap_or_default();
            let message = format!(
                "`aws:SourceArn` `{text}` is not the ARN Chime calls a Lex bot alias with \
                 (`arn:aws:voiceconnector:<region>:<account>:sma/<id>`): the condition never matches, so \
                 `StartBotConversation` is denied"
            );
            let help = format!("use `{LEX_SOURCE_ARN}` (service `voiceconnector`, not `chime`)");
            out.push(Finding::new(&CONFUSED_DEPUTY, &cx.policy.source, v.span, message).with_help(help));
        }
        return;
    }
    let any_account =
        |v: &&crate::policy::Value| segments(v).and_then(|s| s.get(4).cloned()).is_some_and(|a| a.contains('*'));
    let message = match (arns.is_empty(), account) {
        (true, true) => {
            "`voiceconnector.chime.amazonaws.com` is limited by `aws:SourceAccount` only: every SIP media \
                         application of the account can start conversations with this bot alias; AWS's policy also \
                         names the SIP media application with `aws:SourceArn`"
        }
        (false, false) if arns.iter().all(any_account) => {
            "`voiceconnector.chime.amazonaws.com` is limited by an `aws:SourceArn` of any account: a SIP media \
             application of any AWS account can start conversations with this bot alias; add `aws:SourceAccount`"
        }
        _ => return,
    };
    let help = format!(
        "use `\"Condition\": {{\"StringEquals\": {{\"aws:SourceAccount\": \"<account-id>\"}}, \
         \"ArnLike\": {{\"aws:SourceArn\": \"{LEX_SOURCE_ARN}\"}}}}`"
    );
    out.push(Finding::new(&CONFUSED_DEPUTY, &cx.policy.source, principal.span, message).with_help(help));
}
