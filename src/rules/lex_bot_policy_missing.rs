use crate::finding::Finding;
use crate::index::{Fact, FactKind, Ref};
use crate::rules::sma_lambda_permission_missing::VOICE_CONNECTOR_PRINCIPAL;
use crate::rules::ProjectCx;

crate::declare_rule! {
    /// ## What it does
    /// Flags a SIP media application handler that is told of an Amazon Lex V2
    /// bot alias of the template (an environment variable such as
    /// `BOT_ALIAS_ARN: !GetAtt BotAlias.Arn`), when the template has no
    /// `AWS::Lex::ResourcePolicy` on that alias. A handler is a function that
    /// a SIP media application of the project names as its endpoint, or that
    /// a Lambda permission lets `voiceconnector.chime.amazonaws.com` invoke.
    /// A resource policy whose `ResourceArn` cannot be resolved keeps it
    /// silent. Terraform has no resource for a Lex V2 resource policy, so
    /// only CloudFormation and SAM templates are judged.
    ///
    /// ## Why is this bad?
    /// A handler starts a bot conversation by returning the
    /// `StartBotConversation` action; Chime then calls `lex:StartConversation`
    /// on the bot alias as `voiceconnector.chime.amazonaws.com`. Without a
    /// resource policy on the alias that allows it, the call is denied and the
    /// caller hears nothing. AWS: Amazon Chime SDK Developer Guide,
    /// "StartBotConversation"
    /// (<https://docs.aws.amazon.com/chime-sdk/latest/dg/start-bot-conversation.html>).
    ///
    /// ## Example
    /// ```yaml
    /// Handler:
    ///   Type: AWS::Serverless::Function
    ///   Properties:
    ///     Environment:
    ///       Variables:
    ///         BOT_ALIAS_ARN: !GetAtt BotAlias.Arn
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// BotAliasPolicy:
    ///   Type: AWS::Lex::ResourcePolicy
    ///   Properties:
    ///     ResourceArn: !GetAtt BotAlias.Arn
    ///     Policy:
    ///       Version: "2012-10-17"
    ///       Statement:
    ///         - Effect: Allow
    ///           Principal: { Service: voiceconnector.chime.amazonaws.com }
    ///           Action: lex:StartConversation
    ///           Resource: !GetAtt BotAlias.Arn
    ///           Condition:
    ///             StringEquals: { "AWS:SourceAccount": !Ref AWS::AccountId }
    ///             ArnEquals: { "AWS:SourceArn": !Sub "arn:aws:voiceconnector:${AWS::Region}:${AWS::AccountId}:sma/${SipMediaApplicationId}" }
    /// ```
    pub LEX_BOT_POLICY_MISSING, "lex-bot-policy-missing", Warning, Gap,
    "a SIP media application handler told of a Lex bot alias that has no resource policy for Chime"
}

pub fn check(cx: &ProjectCx, out: &mut Vec<Finding>) {
    for env in &cx.index.facts {
        let FactKind::FunctionEnvironment { references } = &env.kind else { continue };
        let scope = || cx.index.in_scope(&env.site.source);
        if !is_handler(scope(), &env.address) {
            continue;
        }
        for (reference, span) in references {
            let Some(alias) = reference.address() else { continue };
            if !cx.index.get(&env.site.source, alias).any(|f| matches!(f.kind, FactKind::LexBotAlias)) {
                continue;
            }
            let covered = scope().any(|f| match &f.kind {
                FactKind::LexResourcePolicy { resource } => match resource {
                    Ref::Address(a) => a == alias,
                    Ref::Literal(_) => false,
                    Ref::Unknown => true,
                },
                _ => false,
            });
            if covered {
                continue;
            }
            out.push(
                Finding::new(
                    &LEX_BOT_POLICY_MISSING,
                    &env.site.source,
                    *span,
                    format!(
                        "SIP media application handler `{}` is given Lex bot alias `{alias}`, but no \
                         `AWS::Lex::ResourcePolicy` in the template lets `{VOICE_CONNECTOR_PRINCIPAL}` call \
                         `lex:StartConversation` on it: a `StartBotConversation` action is denied and the caller \
                         hears nothing",
                        env.address
                    ),
                )
                .with_help(format!(
                    "add an `AWS::Lex::ResourcePolicy` with `ResourceArn: !GetAtt {alias}.Arn` that allows \
                     `lex:StartConversation` to `{VOICE_CONNECTOR_PRINCIPAL}`, conditioned on `AWS:SourceAccount` \
                     and `AWS:SourceArn` (`arn:aws:voiceconnector:<region>:<account>:sma/<id>`)"
                )),
            );
        }
    }
}

/// A function that a SIP media application names as its endpoint, or that
/// Chime's voice connector principal may invoke.
fn is_handler<'a>(mut facts: impl Iterator<Item = &'a Fact>, function: &str) -> bool {
    facts.any(|f| match &f.kind {
        FactKind::SipMediaApplication { endpoints, .. } => endpoints.iter().any(|e| e.address() == Some(function)),
        FactKind::LambdaPermission { function: target, principal, .. } => {
            target.address() == Some(function) && principal.as_deref() == Some(VOICE_CONNECTOR_PRINCIPAL)
        }
        _ => false,
    })
}
