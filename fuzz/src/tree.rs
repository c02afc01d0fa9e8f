//! Arbitrary policy trees from arbitrary bytes, for the policy grammar and the
//! rules: every node kind the front-ends produce (including templates with
//! holes and unknown values, which JSON alone never gives), IAM element names
//! and values that are nearly right, and source text that the spans really
//! point into. Plain Rust on purpose: the fuzz target and the property test in
//! `tests/robustness.rs` share this file (`#[path]`), so a crash found by the
//! fuzzer replays in the normal test suite.

use policy_lint::policy::{PolicyDoc, PolicyKind};
use policy_lint::source::{SourceFile, Span};
use policy_lint::syntax::{Member, Node, NodeKind, Piece};

/// Reads choices from the input; zeros once it runs out, so every input is a tree.
pub struct Choices<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Choices<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Choices { data, pos: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let v = if n <= 256 { self.byte() as usize } else { (self.byte() as usize) << 8 | self.byte() as usize };
        v % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn done(&self) -> bool {
        self.pos >= self.data.len()
    }
}

const KEYS: &[&str] = &[
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "statement",
    "action",
    "Actions",
    "",
    "é",
];

/// Keys of a policy, most of the time; anything else sometimes.
const POLICY_KEYS: &[&str] = &["Version", "Statement", "Statement", "Statement", "Id", "version", "Statements"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Effect",
    "Action",
    "Action",
    "NotAction",
    "Resource",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "Condition",
];
const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser", "aws", "Services"];

const ACTIONS: &[&str] = &[
    "chime:CreateSipMediaApplicationCall",
    "chime:UpdateSipMediaApplicationCall",
    "chime:GetVoiceConnector",
    "chime:ListPhoneNumbers",
    "chime:*",
    "chime:*SipMediaApplication*",
    "chime:Get*",
    "chime:CreateSipMediaApplicationCalls",
    "chime-sdk-voice:CreateSipRule",
    "lambda:InvokeFunction",
    "iam:PassRole",
    "logs:PutLogEvents",
    "kinesisvideo:GetDataEndpoint",
    "*",
    "*:*",
    ":",
    "chime:",
    ":Get",
    "chime:??t*",
    "CHIME:getsiprule",
    "chime:Get\u{e9}",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:chime:us-east-1:111122223333:sma/*",
    "arn:aws:chime:us-east-1:111122223333:vc/abcdef",
    "arn:aws:chime::111122223333:sma/x",
    "arn:aws:lambda:us-east-1:111122223333:function:handler",
    "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/x:*",
    "arn:aws-cn:chime:cn-north-1:1:sma/*",
    "arn:",
    "arn:aws:chime",
    "arn:aws:chime:*:*:*",
    "arn:${Partition}:chime:${Region}:${Account}:sma/${Id}",
    "arn:aws:iam::111122223333:role/sma-role",
    "arn:aws:s3:::bucket/\u{1F600}",
];

const CONDITION_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringLike",
    "ArnLike",
    "ArnEquals",
    "IpAddress",
    "NumericLessThan",
    "DateGreaterThan",
    "Bool",
    "Null",
    "ForAnyValue:StringLike",
    "ForAllValues:StringEquals",
    "StringEqualsIfExists",
    "StringEqualz",
    "",
];

const CONDITION_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:PrincipalTag/team",
    "aws:RequestedRegion",
    "aws:SecureTransport",
    "aws:SourceIp",
    "aws:CurrentTime",
    "chime:VoiceConnectorArn",
    "lambda:FunctionUrlAuthType",
    "aws:sourcearn",
    "nope:Key",
    "",
];

const SCALARS: &[&str] = &[
    "Allow",
    "Deny",
    "allow",
    "2012-10-17",
    "2008-10-17",
    "2012-10-18",
    "voiceconnector.chime.amazonaws.com",
    "lambda.amazonaws.com",
    "111122223333",
    "arn:aws:iam::111122223333:root",
    "true",
    "10.0.0.0/8",
    "2024-01-01T00:00:00Z",
    "",
    "\u{e9}\u{1F600}",
    "\\",
    "\"",
];

const HOLES: &[&str] = &["AWS::Region", "AWS::AccountId", "AWS::Partition", "var.account", "Fn::GetAtt", "", "}"];

/// Builds a document's text while its nodes are made, so every span is real.
struct Gen<'a, 'b> {
    c: &'b mut Choices<'a>,
    text: String,
    nodes: usize,
}

impl Gen<'_, '_> {
    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.text.len())
    }

    fn string_node(&mut self, s: &str) -> Node {
        let start = self.text.len();
        self.text.push('"');
        self.text.push_str(s);
        self.text.push('"');
        Node::new(self.span_from(start), NodeKind::Str(s.to_string()))
    }

    /// A string from a vocabulary, sometimes altered.
    fn word(&mut self, vocab: &[&str]) -> String {
        let mut s = self.c.pick(vocab).to_string();
        match self.c.below(8) {
            0 => {
                let cut = self.c.below(s.len() + 1);
                let cut = (0..=cut).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
                s.truncate(cut);
            }
            1 => s.push(self.c.pick(&['*', '?', ':', '/', 'é', '$', '{', '}', ' '])),
            2 => s = s.to_ascii_uppercase(),
            _ => {}
        }
        s
    }

    fn scalar(&mut self, vocab: &[&str]) -> Node {
        let start = self.text.len();
        match self.c.below(12) {
            0 => {
                // A template: literal pieces around holes.
                let mut pieces = Vec::new();
                self.text.push('"');
                for _ in 0..=self.c.below(4) {
                    if self.c.below(2) == 0 {
                        let lit = self.word(vocab);
                        self.text.push_str(&lit);
                        pieces.push(Piece::Lit(lit));
                    } else {
                        let hole = self.c.pick(HOLES).to_string();
                        self.text.push_str("${");
                        self.text.push_str(&hole);
                        self.text.push('}');
                        pieces.push(Piece::Hole(hole));
                    }
                }
                self.text.push('"');
                Node::new(self.span_from(start), NodeKind::Template(pieces))
            }
            1 => {
                let what = self.c.pick(&["var.x", "!Ref Param", "local.policy", "data.x.y"]);
                self.text.push_str(what);
                Node::unknown(self.span_from(start), what)
            }
            2 => {
                let n = self.c.pick(&["0", "-1", "1e999", "12.5", "111122223333"]);
                self.text.push_str(n);
                Node::new(self.span_from(start), NodeKind::Number(n.to_string()))
            }
            3 => {
                let b = self.c.below(2) == 0;
                self.text.push_str(if b { "true" } else { "false" });
                Node::new(self.span_from(start), NodeKind::Bool(b))
            }
            4 => {
                self.text.push_str("null");
                Node::new(self.span_from(start), NodeKind::Null)
            }
            _ => {
                let w = self.word(vocab);
                self.string_node(&w)
            }
        }
    }

    /// One value or a list of them.
    fn values(&mut self, vocab: &[&str], depth: usize) -> Node {
        if self.c.below(3) == 0 {
            let start = self.text.len();
            self.text.push('[');
            let mut items = Vec::new();
            for i in 0..self.c.below(5) {
                if i > 0 {
                    self.text.push_str(", ");
                }
                items.push(if self.c.below(10) == 0 { self.any(depth + 1) } else { self.scalar(vocab) });
            }
            self.text.push(']');
            Node::new(self.span_from(start), NodeKind::Array(items))
        } else {
            self.scalar(vocab)
        }
    }

    fn object(&mut self, depth: usize, keys: &[&str], mut member: impl FnMut(&mut Self, &str, usize) -> Node) -> Node {
        let start = self.text.len();
        self.text.push('{');
        let mut members = Vec::new();
        for i in 0..self.c.below(7) {
            if self.nodes > 4000 {
                break;
            }
            if i > 0 {
                self.text.push_str(",\n");
            }
            let key = if self.c.below(8) == 0 { self.word(KEYS) } else { self.word(keys) };
            let key_start = self.text.len();
            self.text.push('"');
            self.text.push_str(&key);
            self.text.push('"');
            let key_span = self.span_from(key_start);
            self.text.push_str(": ");
            let value = member(self, &key, depth + 1);
            members.push(Member { key, key_span, value });
        }
        self.text.push('}');
        Node::new(self.span_from(start), NodeKind::Object(members))
    }

    /// A value shaped by the IAM element it belongs to.
    fn element(&mut self, key: &str, depth: usize) -> Node {
        self.nodes += 1;
        if depth > 12 || self.c.done() {
            return self.scalar(SCALARS);
        }
        match key {
            "Statement" | "statement" => {
                if self.c.below(4) == 0 {
                    self.object(depth, STATEMENT_KEYS, Self::element)
                } else {
                    let start = self.text.len();
                    self.text.push('[');
                    let mut items = Vec::new();
                    for i in 0..self.c.below(4) {
                        if i > 0 {
                            self.text.push_str(",\n");
                        }
                        items.push(self.object(depth + 1, STATEMENT_KEYS, Self::element));
                    }
                    self.text.push(']');
                    Node::new(self.span_from(start), NodeKind::Array(items))
                }
            }
            "Action" | "NotAction" | "action" | "Actions" => self.values(ACTIONS, depth),
            "Resource" | "NotResource" => self.values(RESOURCES, depth),
            "Principal" | "NotPrincipal" => {
                if self.c.below(4) == 0 {
                    self.scalar(&["*", "arn:aws:iam::111122223333:root"])
                } else {
                    self.object(depth, PRINCIPAL_KEYS, |g, _, d| g.values(&[SCALARS, RESOURCES].concat(), d))
                }
            }
            "Condition" => self.object(depth, CONDITION_OPERATORS, |g, _, d| {
                g.object(d, CONDITION_KEYS, |g, _, d| {
                    let vocab = [SCALARS, RESOURCES, CONDITION_KEYS].concat();
                    g.values(&vocab, d)
                })
            }),
            _ if self.c.below(6) == 0 => self.any(depth),
            _ => self.scalar(SCALARS),
        }
    }

    /// Anything at all.
    fn any(&mut self, depth: usize) -> Node {
        self.nodes += 1;
        if depth > 12 || self.c.done() {
            return self.scalar(SCALARS);
        }
        match self.c.below(4) {
            0 => self.object(depth, STATEMENT_KEYS, Self::element),
            1 => self.values(ACTIONS, depth),
            _ => self.scalar(&[SCALARS, CONDITION_OPERATORS, CONDITION_KEYS].concat()),
        }
    }
}

/// A policy document (with its source text) made from arbitrary bytes.
pub fn policy_doc(data: &[u8]) -> PolicyDoc {
    let mut c = Choices::new(data);
    let kind = c.pick(&[
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::Trust,
        PolicyKind::Boundary,
        PolicyKind::Scp,
        PolicyKind::Unknown,
    ]);
    let origin = if c.below(2) == 0 { None } else { Some("aws_iam_role_policy.sma".to_string()) };
    let version_implied = c.below(2) == 0;
    let top = c.below(8);
    let mut g = Gen { c: &mut c, text: String::new(), nodes: 0 };
    let node = match top {
        0 => g.any(0),
        1 => g.element("Statement", 0),
        _ => g.object(0, POLICY_KEYS, Gen::element),
    };
    PolicyDoc { source: SourceFile::new("tree.json", g.text), node, kind, origin, version_implied }
}
