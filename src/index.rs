//! The project index: infrastructure facts the cross-resource rules need, by
//! Terraform address (`aws_iam_role.sma_handler`) or CloudFormation logical id
//! (`SmaHandlerRole`). Front-ends add [`Fact`]s while extracting policies; the
//! index is built once all files are read.

use crate::source::{Source, Span};

/// A reference from one resource to another, or to something outside the project.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ref {
    /// A resource of this project: `aws_iam_role.x` or a logical id.
    Address(String),
    /// A literal value: an ARN or a name.
    Literal(String),
    /// Not known statically (a variable, an import, a parameter).
    Unknown,
}

impl Ref {
    pub fn address(&self) -> Option<&str> {
        match self {
            Ref::Address(a) => Some(a),
            _ => None,
        }
    }
}

/// Where a fact was written.
#[derive(Debug, Clone)]
pub struct Site {
    pub source: Source,
    pub span: Span,
}

/// One infrastructure resource that matters to the cross-resource rules.
#[derive(Debug, Clone)]
pub struct Fact {
    /// `aws_iam_role.x`, `module.m.aws_iam_role.x` or a CloudFormation logical id.
    pub address: String,
    pub site: Site,
    pub kind: FactKind,
}

#[derive(Debug, Clone)]
pub enum FactKind {
    /// An IAM role. Its trust policy and inline policies are [`PolicyDoc`](crate::policy::PolicyDoc)s
    /// whose `origin` is this address.
    Role {
        name: Option<String>,
        managed_policies: Vec<Ref>,
        boundary: Option<Ref>,
    },
    /// An IAM user (policies attach to users too, and so does a boundary).
    User {
        name: Option<String>,
        managed_policies: Vec<Ref>,
        boundary: Option<Ref>,
    },
    /// An IAM group (its policies apply to its members; groups take no boundary).
    Group {
        name: Option<String>,
        managed_policies: Vec<Ref>,
    },
    /// A managed policy defined in the project (`aws_iam_policy`, `AWS::IAM::ManagedPolicy`);
    /// its document's `origin` is this address.
    ManagedPolicy {
        name: Option<String>,
        attached_to: Vec<Ref>,
    },
    /// A standalone inline policy resource (`aws_iam_role_policy`, `AWS::IAM::Policy`).
    InlinePolicy {
        attached_to: Vec<Ref>,
    },
    /// `aws_iam_role_policy_attachment` and friends.
    PolicyAttachment {
        policy: Ref,
        principal: Ref,
    },
    /// A managed policy named, by a name or ARN written in place, where a
    /// role, user or group attaches it as an identity policy (an item of
    /// `ManagedPolicyArns` / `managed_policy_arns` / SAM `Policies`, a
    /// `policy_arn`). The site is that text: what an AWS managed policy
    /// grants is reported there. The fact's address is the attribute's
    /// (`HandlerRole.ManagedPolicyArns`, `aws_iam_role_policy_attachment.a.policy_arn`);
    /// the attachment itself is in the principal's `managed_policies` or a
    /// [`FactKind::PolicyAttachment`].
    AttachedPolicyName {
        policy: String,
    },
    LambdaFunction {
        name: Option<String>,
        role: Ref,
        /// Where its code is, when the infrastructure says (`CodeUri`, `ZipFile`, `filename`).
        code: Option<Box<FunctionCode>>,
    },
    /// Lambda delivers a function's asynchronous invocations with the
    /// function's role: a dead-letter queue or topic (SAM `DeadLetterQueue`,
    /// `DeadLetterConfig`, `dead_letter_config`) or invocation destinations
    /// (`EventInvokeConfig`, `aws_lambda_function_event_invoke_config`).
    AsyncDelivery {
        function: Ref,
    },
    /// A statement of a Lambda function's resource policy.
    LambdaPermission {
        function: Ref,
        qualifier: Option<String>,
        principal: Option<String>,
        action: Option<String>,
        source_account: Option<String>,
        source_arn: Option<String>,
    },
    /// `aws_chimesdkvoice_sip_media_application`, `AWS::Chime::SipMediaApplication`.
    SipMediaApplication {
        name: Option<String>,
        region: Option<String>,
        endpoints: Vec<Ref>,
    },
    SipRule {
        target_applications: Vec<Ref>,
    },
    VoiceConnector {
        name: Option<String>,
        region: Option<String>,
    },
    VoiceConnectorStreaming {
        voice_connector: Ref,
    },
    VoiceConnectorLogging {
        voice_connector: Ref,
    },
    /// What a Voice Connector's calls travel over: its encryption setting,
    /// its termination allow-list, its origination routes. Written where the
    /// project writes them (the connector, `..._termination`, `..._origination`,
    /// or one cdk-amazon-chime-resources custom resource), each with the
    /// connector it belongs to.
    VoiceConnectorNetwork(Box<VoiceNetwork>),
    /// An `aws_security_group` / `AWS::EC2::SecurityGroup`: its rules are
    /// [`FactKind::SecurityGroupIngress`] facts that name it.
    SecurityGroup,
    /// One ingress rule of a security group: inline (`ingress` blocks,
    /// `SecurityGroupIngress` items) or its own resource
    /// (`aws_security_group_rule` of type `ingress`,
    /// `aws_vpc_security_group_ingress_rule`, `AWS::EC2::SecurityGroupIngress`).
    SecurityGroupIngress(Box<Ingress>),
    /// Something a security group attaches to or an address belongs to: an
    /// instance, a network interface, an Elastic IP, an association of them.
    /// `attached_to` links it to the others (an EIP's instance, an
    /// association's EIP and instance), so an address is traced to the
    /// security groups of the machine that has it.
    NetworkHost {
        security_groups: Vec<Ref>,
        attached_to: Vec<Ref>,
    },
    /// The Region a resource is in, as the project says it (a SIP media
    /// application's `aws_region`, a Lambda function's provider); the site is
    /// the value that says it, `via` names it for messages.
    Region {
        region: String,
        via: String,
    },
    /// A resource that counts against a per-Region service quota
    /// (`rules/quotas/chime-sdk-voice.json` names them): what it is, the
    /// Region it names (`None`: the provider's or the stack's), and how many
    /// instances it makes (`None` when `count` or `for_each` is not known).
    QuotaCounted {
        resource: String,
        region: Option<String>,
        instances: Option<u64>,
    },
    /// A resource that makes other than one instance: a Terraform `count` or
    /// `for_each` (`None` when not known statically), a CloudFormation
    /// resource with a `Condition` (`None`: made or not). Resources without
    /// this fact make one.
    Instances {
        count: Option<u64>,
    },
    /// An Amazon Lex V2 bot alias (`AWS::Lex::BotAlias`).
    LexBotAlias,
    /// A resource policy on a Lex V2 bot or bot alias (`AWS::Lex::ResourcePolicy`).
    LexResourcePolicy {
        resource: Ref,
    },
    /// The environment variables of a Lambda function that name resources of
    /// the project (`BOT_ALIAS_ARN: !GetAtt BotAlias.Arn`), each with the
    /// span of its value: what the function's code is told to call.
    FunctionEnvironment {
        references: Vec<(Ref, Span)>,
    },
    /// `aws_chimesdkmediapipelines_media_insights_pipeline_configuration` and similar.
    MediaInsightsPipeline {
        resource_access_role: Ref,
    },
    ServiceLinkedRole {
        service: Option<String>,
    },
    /// A CloudFormation resource's `Type` (`AWS::DynamoDB::Table`): whether a
    /// grant's `!GetAtt Other.Arn` names a resource of the kind a call acts on.
    /// Terraform addresses carry their type.
    Typed {
        ty: String,
    },
    /// `data "aws_caller_identity" "<name>"`: what a suggested fix can use for
    /// the account id (`data.aws_caller_identity.<name>.account_id`).
    CallerIdentity,
    /// An output of a stack or module that hands out a secret: a CloudFormation
    /// `Outputs` value with `!GetAtt Key.SecretAccessKey` of an
    /// `AWS::IAM::AccessKey`, a Terraform `output` of `aws_iam_access_key.k.secret`
    /// (or `ses_smtp_password_v4`) without `sensitive = true`. The fact's
    /// address is the output's name and its site the value.
    SecretOutput {
        /// The resource whose secret it is (`Key`, `aws_iam_access_key.k`).
        resource: String,
        /// The attribute (`SecretAccessKey`, `secret`, `ses_smtp_password_v4`).
        attribute: String,
    },
    /// Something that runs as a role: an ECS task, a state machine, an instance profile.
    RoleUser {
        service: String,
        role: Ref,
    },
    /// A resource whose policy is a document defined elsewhere
    /// (`assume_role_policy = data.aws_iam_policy_document.trust.json`). The
    /// document's [`PolicyDoc`](crate::policy::PolicyDoc) has `document`'s address
    /// as its `origin`; `used_as` is the kind of policy the resource makes of it.
    PolicyReference {
        document: Ref,
        used_as: crate::policy::PolicyKind,
    },
}

/// A value as written: its text when known, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// `None` when not known statically (`var.x`, `!Ref P`).
    pub value: Option<String>,
    pub span: Span,
    /// The resource of the project an unknown value is read from
    /// (`aws_eip.sbc` for `"${aws_eip.sbc.public_ip}/32"`, `SbcEip` for
    /// `!Ref SbcEip`): how an address links to the machine that has it.
    pub refers_to: Option<String>,
}

/// One origination route: where Chime sends inbound calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginationRoute {
    pub host: Setting,
    pub port: Option<Setting>,
    pub protocol: Option<Setting>,
}

/// The network settings of [`FactKind::VoiceConnectorNetwork`]; a part the
/// resource does not set is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceNetwork {
    pub voice_connector: Ref,
    /// The connector's own `aws_region` / `AwsRegion` (`region` in
    /// cdk-amazon-chime-resources), on the fact of the connector itself.
    pub region: Option<Setting>,
    /// `require_encryption`, `RequireEncryption` or `encryption`: `true` or `false`.
    pub encryption: Option<Setting>,
    /// The termination `cidr_allow_list` (`terminationCidrs`).
    pub termination_cidrs: Vec<Setting>,
    pub routes: Vec<OriginationRoute>,
}

/// An ingress rule of a security group, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingress {
    pub group: Ref,
    /// `tcp`, `udp`, `-1` (all), a number (`6`, `17`); `None` when not written.
    pub protocol: Option<Setting>,
    pub from_port: Option<Setting>,
    pub to_port: Option<Setting>,
    /// The IPv4 and IPv6 CIDRs it admits.
    pub cidrs: Vec<Setting>,
    /// It also admits sources that are not addresses (another security
    /// group, a prefix list, itself): who they are is not known here.
    pub other_sources: bool,
}

/// A Lambda function's code as its infrastructure describes it: what
/// [`crate::code`] reads to find the SDK calls the function makes.
#[derive(Debug, Clone, Default)]
pub struct FunctionCode {
    pub location: CodeLocation,
    /// `app.lambda_handler`, `index.handler`: the file the runtime loads first.
    pub handler: Option<String>,
    /// `python3.12`, `nodejs20.x`, `java21`.
    pub runtime: Option<String>,
    /// Environment variables the infrastructure sets, by name: what `os.environ["SMA_ID"]` reads.
    pub environment: Vec<(String, Ref)>,
}

/// Where a function's code lives.
#[derive(Debug, Clone, Default)]
pub enum CodeLocation {
    /// A file or directory, as a path from the current directory (the
    /// template's or module's directory already joined).
    Path(String),
    /// Code written in the template (`Code.ZipFile`): its text, and where the
    /// value starts in the template, so calls are reported there.
    Inline { text: String, span: Span },
    /// Not known statically (`Code.S3Key`, `image_uri`, a variable): says what it was.
    Unknown(String),
    /// The infrastructure names no code.
    #[default]
    None,
}

/// Where an address is unique: a CloudFormation logical id within its
/// template (the file), a Terraform address within its module (the directory).
/// Two stacks may both have a `HandlerRole`; they are different roles.
pub fn scope(path: &str) -> &str {
    if is_terraform(path) {
        path.rfind(['/', '\\']).map_or("", |i| &path[..i])
    } else {
        path
    }
}

pub use crate::source::is_terraform;

/// All facts of a project, looked up by scope and address.
#[derive(Debug, Default)]
pub struct ProjectIndex {
    pub facts: Vec<Fact>,
    by_address: std::collections::HashMap<(String, String), Vec<usize>>,
    by_scope: std::collections::HashMap<String, Vec<usize>>,
}

impl ProjectIndex {
    pub fn new(facts: Vec<Fact>) -> ProjectIndex {
        let mut by_address: std::collections::HashMap<(String, String), Vec<usize>> = std::collections::HashMap::new();
        let mut by_scope: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        for (i, f) in facts.iter().enumerate() {
            let scope = scope(&f.site.source.path);
            by_address.entry((scope.to_string(), f.address.clone())).or_default().push(i);
            by_scope.entry(scope.to_string()).or_default().push(i);
        }
        ProjectIndex { facts, by_address, by_scope }
    }

    /// The facts of the template or module `from` belongs to: what its
    /// addresses can refer to. Cross-resource lookups go through here, so the
    /// cost grows with the size of one template or module, not of the project.
    pub fn in_scope(&self, from: &Source) -> impl Iterator<Item = &Fact> {
        self.by_scope.get(scope(&from.path)).into_iter().flatten().map(|&i| &self.facts[i])
    }

    /// The facts recorded for an address, as seen from a file: only the
    /// template or module that file belongs to.
    pub fn get(&self, from: &Source, address: &str) -> impl Iterator<Item = &Fact> {
        self.by_address
            .get(&(scope(&from.path).to_string(), address.to_string()))
            .into_iter()
            .flatten()
            .map(|&i| &self.facts[i])
    }

    /// How many instances the resource at `address` makes, as seen from a
    /// file: 1 unless an [`FactKind::Instances`] fact says otherwise.
    pub fn instances(&self, from: &Source, address: &str) -> Option<u64> {
        self.get(from, address)
            .find_map(|f| match f.kind {
                FactKind::Instances { count } => Some(count),
                _ => None,
            })
            .unwrap_or(Some(1))
    }

    /// The type of the project resource at `address` (a logical id, or a
    /// Terraform `aws_x.y` in the module), as seen from a file.
    pub fn type_of(&self, from: &Source, address: &str) -> Option<String> {
        if is_terraform(&from.path) {
            let (ty, name) = address.split_once('.')?;
            return (ty.starts_with("aws_") && !name.is_empty() && !name.contains('.')).then(|| ty.to_string());
        }
        self.get(from, address).find_map(|f| match &f.kind {
            FactKind::Typed { ty } => Some(ty.clone()),
            _ => None,
        })
    }

    /// The facts recorded for an address in any template or module.
    pub fn get_anywhere<'a>(&'a self, address: &'a str) -> impl Iterator<Item = &'a Fact> + 'a {
        self.facts.iter().filter(move |f| f.address == address)
    }
}
