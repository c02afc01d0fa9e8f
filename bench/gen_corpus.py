#!/usr/bin/env python3
"""Writes the benchmark corpus: the same bytes on every machine, every run.

    python3 bench/gen_corpus.py OUT_DIR N

makes N files under OUT_DIR, mixed like a Chime SDK Voice infrastructure repo:

    policies/        IAM policy documents (identity, resource and trust), 40 %
    terraform/       Terraform: aws_iam_policy_document, jsonencode policies,
                     roles, Lambda permissions, SIP media applications, 25 %
    cfn-yaml/        CloudFormation YAML with !Sub, !GetAtt, !Ref, 20 %
    cfn-json/        CloudFormation JSON with Fn::Sub, Fn::GetAtt, 15 %

(N = 1 makes one policy file.) About one file in five carries a realistic
mistake (a misspelt action, a wildcard resource, a wrong condition key) so the
linters have something to report. A private PRNG (SplitMix64) rather than
`random` keeps the output identical across Python versions.
"""

import json
import os
import re
import sys

MASK = (1 << 64) - 1


class Rng:
    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def pick(self, items):
        return items[self.below(len(items))]

    def chance(self, percent):
        return self.below(100) < percent

    def sample(self, items, k):
        pool = list(items)
        out = []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(self.below(len(pool))))
        return out


REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "eu-west-2", "ap-southeast-1", "ap-northeast-1", "ca-central-1"]

SMA_CALL_ACTIONS = [
    "chime:CreateSipMediaApplicationCall",
    "chime:UpdateSipMediaApplicationCall",
]
SMA_ADMIN_ACTIONS = [
    "chime:GetSipMediaApplication",
    "chime:UpdateSipMediaApplication",
    "chime:GetSipMediaApplicationLoggingConfiguration",
    "chime:PutSipMediaApplicationLoggingConfiguration",
    "chime:ListSipMediaApplications",
    "chime:GetSipRule",
    "chime:UpdateSipRule",
    "chime:ListSipRules",
]
VC_ACTIONS = [
    "chime:GetVoiceConnector",
    "chime:GetVoiceConnectorStreamingConfiguration",
    "chime:PutVoiceConnectorStreamingConfiguration",
    "chime:GetVoiceConnectorTermination",
    "chime:GetVoiceConnectorOrigination",
    "chime:ListVoiceConnectors",
    "chime:GetVoiceConnectorLoggingConfiguration",
]
PHONE_ACTIONS = [
    "chime:ListPhoneNumbers",
    "chime:GetPhoneNumber",
    "chime:SearchAvailablePhoneNumbers",
    "chime:GetPhoneNumberOrder",
]
WILDCARDS = ["chime:Get*", "chime:List*", "chime:*SipMediaApplication*", "chime:*VoiceConnector*", "chime:*"]
SUPPORT_ACTIONS = [
    ("logs:CreateLogStream", "arn:aws:logs:{r}:{a}:log-group:/aws/lambda/{name}:*"),
    ("logs:PutLogEvents", "arn:aws:logs:{r}:{a}:log-group:/aws/lambda/{name}:*"),
    ("kinesisvideo:GetDataEndpoint", "arn:aws:kinesisvideo:{r}:{a}:stream/{name}/*"),
    ("kinesisvideo:GetMedia", "arn:aws:kinesisvideo:{r}:{a}:stream/{name}/*"),
    ("s3:GetObject", "arn:aws:s3:::{name}-prompts/*"),
    ("polly:SynthesizeSpeech", "*"),
    ("dynamodb:GetItem", "arn:aws:dynamodb:{r}:{a}:table/{name}-calls"),
    ("dynamodb:PutItem", "arn:aws:dynamodb:{r}:{a}:table/{name}-calls"),
]
TYPOS = [
    "chime:CreateSipMediaApplicationCalls",
    "chime:GetVoiceConector",
    "chime-sdk-voice:GetSipRule",
    "lambda:InvokeFuntion",
    "chime:UpdateSipMediaAplicationCall",
]
NAMES = ["ivr", "voicemail", "callcenter", "dialer", "recording", "transcribe", "router", "pstn", "bridge", "survey"]


def account(rng):
    return str(100000000000 + rng.below(899999999999))


def sma_arn(r, a, rng):
    return "arn:aws:chime:%s:%s:sma/%08x-%04x-4%03x-8%03x-%012x" % (
        r, a, rng.below(1 << 32), rng.below(1 << 16), rng.below(1 << 12), rng.below(1 << 12), rng.below(1 << 48)
    )


def vc_arn(r, a, rng):
    return "arn:aws:chime:%s:%s:vc/%s" % (r, a, "".join(rng.pick("abcdefghij0123456789") for _ in range(22)))


def statements(rng, r, a, name, broken):
    """A handler's identity-policy statements: calls, admin, voice connector, support services."""
    out = []
    calls = {"Sid": "ControlCalls", "Effect": "Allow", "Action": list(SMA_CALL_ACTIONS)}
    calls["Resource"] = "arn:aws:chime:%s:%s:sma/*" % (r, a) if rng.chance(50) else sma_arn(r, a, rng)
    out.append(calls)
    if rng.chance(70):
        admin = rng.sample(SMA_ADMIN_ACTIONS, 2 + rng.below(4))
        out.append({"Sid": "ManageSma", "Effect": "Allow", "Action": admin, "Resource": "*"})
    if rng.chance(60):
        acts = rng.sample(VC_ACTIONS, 1 + rng.below(4))
        out.append({"Sid": "ReadVoiceConnector", "Effect": "Allow", "Action": acts, "Resource": vc_arn(r, a, rng)})
    if rng.chance(40):
        out.append({"Sid": "Numbers", "Effect": "Allow", "Action": rng.sample(PHONE_ACTIONS, 2), "Resource": "*"})
    if rng.chance(30):
        st = {"Sid": "BroadRead", "Effect": "Allow", "Action": rng.pick(WILDCARDS[:4]), "Resource": "*"}
        if rng.chance(60):
            st["Condition"] = {"StringEquals": {"aws:RequestedRegion": r}}
        out.append(st)
    for act, res in rng.sample(SUPPORT_ACTIONS, 1 + rng.below(4)):
        out.append({"Effect": "Allow", "Action": act, "Resource": res.format(r=r, a=a, name=name)})
    if rng.chance(25):
        out.append(
            {
                "Sid": "DenyOutsideRegion",
                "Effect": "Deny",
                "Action": "chime:*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": [r, rng.pick(REGIONS)]}},
            }
        )
    if broken:
        kind = rng.below(3)
        if kind == 0:
            out[0]["Action"].append(rng.pick(TYPOS))
        elif kind == 1:
            out[0]["Resource"] = "*"
            out.append({"Effect": "Allow", "Action": "chime:*", "Resource": "*"})
        else:
            out.append(
                {
                    "Effect": "Allow",
                    "Action": "chime:GetSipMediaApplication",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"chime:VoiceConectorArn": vc_arn(r, a, rng)}},
                }
            )
    return out


def lambda_resource_policy(rng, r, a, name):
    fn = "arn:aws:lambda:%s:%s:function:%s-handler" % (r, a, name)
    principal = rng.pick(["voiceconnector.chime.amazonaws.com", "chime.amazonaws.com"])
    return {
        "Version": "2012-10-17",
        "Id": "default",
        "Statement": [
            {
                "Sid": "%s-invoke" % name,
                "Effect": "Allow",
                "Principal": {"Service": principal},
                "Action": "lambda:InvokeFunction",
                "Resource": fn,
                "Condition": {
                    "StringEquals": {"AWS:SourceAccount": a},
                    "ArnLike": {"AWS:SourceArn": "arn:aws:chime:%s:%s:sma/*" % (r, a)},
                },
            }
        ],
    }


def trust_policy(rng, a):
    st = {
        "Effect": "Allow",
        "Principal": {"Service": rng.pick(["lambda.amazonaws.com", "voiceconnector.chime.amazonaws.com"])},
        "Action": "sts:AssumeRole",
    }
    if rng.chance(50):
        st["Condition"] = {"StringEquals": {"aws:SourceAccount": a}}
    return {"Version": "2012-10-17", "Statement": [st]}


def policy_file(rng, i):
    r, a, name = rng.pick(REGIONS), account(rng), rng.pick(NAMES) + str(i)
    kind = rng.below(10)
    if kind < 6:
        doc = {"Version": "2012-10-17", "Statement": statements(rng, r, a, name, rng.chance(20))}
    elif kind < 8:
        doc = lambda_resource_policy(rng, r, a, name)
    else:
        doc = trust_policy(rng, a)
    return json.dumps(doc, indent=2) + "\n"


# ---- Terraform -------------------------------------------------------------


def hcl_list(items):
    return "[" + ", ".join('"%s"' % x for x in items) + "]"


def tf_statement_block(st):
    lines = ["  statement {"]
    if "Sid" in st:
        lines.append('    sid       = "%s"' % st["Sid"])
    lines.append('    effect    = "%s"' % st["Effect"])
    acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
    lines.append("    actions   = %s" % hcl_list(acts))
    res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
    lines.append("    resources = %s" % hcl_list(res))
    for op, kv in st.get("Condition", {}).items():
        for k, v in kv.items():
            vals = v if isinstance(v, list) else [v]
            lines.append("    condition {")
            lines.append('      test     = "%s"' % op)
            lines.append('      variable = "%s"' % k)
            lines.append("      values   = %s" % hcl_list(vals))
            lines.append("    }")
    lines.append("  }")
    return "\n".join(lines)


def hcl_key(k):
    """An object key: bare when it is an HCL identifier, quoted otherwise (`"aws:RequestedRegion"`)."""
    return k if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", k) else '"%s"' % k


def hcl_value(v, indent):
    pad = "  " * indent
    if isinstance(v, dict):
        inner = ["%s  %s = %s" % (pad, hcl_key(k), hcl_value(x, indent + 1)) for k, x in v.items()]
        return "{\n" + "\n".join(inner) + "\n" + pad + "}"
    if isinstance(v, list):
        return "[" + ", ".join(hcl_value(x, indent + 1) for x in v) + "]"
    return '"%s"' % v


def terraform_file(rng, i):
    r, a, name = rng.pick(REGIONS), account(rng), rng.pick(NAMES) + str(i)
    sts = statements(rng, r, a, name, rng.chance(20))
    # Interpolations where a real configuration has them; names unique per file,
    # so a directory of these files is one valid configuration.
    region, me = "var.region_%s" % name, "data.aws_caller_identity.current_%s.account_id" % name
    for st in sts:
        res = st["Resource"]
        if isinstance(res, str) and res.startswith("arn:aws:chime:") and rng.chance(50):
            st["Resource"] = res.replace(r, "${%s}" % region).replace(a, "${%s}" % me)
    out = [
        'variable "region_%s" {\n  type    = string\n  default = "%s"\n}\n' % (name, r),
        'data "aws_caller_identity" "current_%s" {}\n' % name,
        'data "aws_iam_policy_document" "assume_%s" {\n  statement {\n    actions = ["sts:AssumeRole"]\n'
        '    principals {\n      type        = "Service"\n      identifiers = ["lambda.amazonaws.com"]\n    }\n  }\n}\n'
        % name,
        'resource "aws_iam_role" "%s" {\n  name               = "%s-handler"\n'
        "  assume_role_policy = data.aws_iam_policy_document.assume_%s.json\n}\n" % (name, name, name),
    ]
    half = max(1, len(sts) // 2)
    out.append(
        'data "aws_iam_policy_document" "%s" {\n%s\n}\n' % (name, "\n".join(tf_statement_block(s) for s in sts[:half]))
    )
    out.append(
        'resource "aws_iam_role_policy" "%s_doc" {\n  role   = aws_iam_role.%s.id\n'
        "  policy = data.aws_iam_policy_document.%s.json\n}\n" % (name, name, name)
    )
    if sts[half:]:
        doc = {"Version": "2012-10-17", "Statement": sts[half:]}
        out.append(
            'resource "aws_iam_role_policy" "%s_inline" {\n  role   = aws_iam_role.%s.id\n  policy = jsonencode(%s)\n}\n'
            % (name, name, hcl_value(doc, 1))
        )
    out.append(
        'resource "aws_lambda_function" "%s" {\n  function_name = "%s-handler"\n  role          = aws_iam_role.%s.arn\n'
        '  runtime       = "python3.12"\n  handler       = "app.handler"\n  filename      = "handler.zip"\n}\n'
        % (name, name, name)
    )
    out.append(
        'resource "aws_lambda_permission" "%s_voice" {\n  statement_id  = "AllowChimeVoice"\n'
        '  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.%s.function_name\n'
        '  principal     = "voiceconnector.chime.amazonaws.com"\n'
        '  source_arn    = "arn:aws:chime:${%s}:${%s}:sma/*"\n}\n' % (name, name, region, me)
    )
    out.append(
        'resource "aws_chimesdkvoice_sip_media_application" "%s" {\n  aws_region = %s\n  name       = "%s"\n'
        "  endpoints {\n    lambda_arn = aws_lambda_function.%s.arn\n  }\n}\n" % (name, region, name, name)
    )
    if rng.chance(50):
        out.append(
            'resource "aws_chimesdkvoice_sip_rule" "%s" {\n  name          = "%s-rule"\n  trigger_type  = "ToPhoneNumber"\n'
            '  trigger_value = "+1206555%04d"\n  target_applications {\n    priority                 = 1\n'
            "    sip_media_application_id = aws_chimesdkvoice_sip_media_application.%s.id\n"
            "    aws_region               = %s\n  }\n}\n" % (name, name, rng.below(10000), name, region)
        )
    return "\n".join(out)


# ---- CloudFormation --------------------------------------------------------


def cfn_resources(rng, i, yaml):
    """Logical id -> resource; ARNs as Fn::Sub, references as Fn::GetAtt / Ref."""
    r, a, name = rng.pick(REGIONS), account(rng), rng.pick(NAMES) + str(i)
    sts = statements(rng, r, a, name, rng.chance(20))
    for st in sts:
        res = st["Resource"]
        if isinstance(res, str) and res.startswith("arn:aws:") and rng.chance(60):
            st["Resource"] = {
                "Fn::Sub": res.replace(r, "${AWS::Region}").replace(a, "${AWS::AccountId}").replace(
                    "arn:aws:", "arn:${AWS::Partition}:"
                )
            }
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": trust_policy(rng, a),
            "Policies": [{"PolicyName": "%s-voice" % name, "PolicyDocument": {"Version": "2012-10-17", "Statement": sts}}],
        },
    }
    fn = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "app.handler",
            "Role": {"Fn::GetAtt": ["HandlerRole", "Arn"]},
            "Code": {"ZipFile": "def handler(event, context):\n    return {}\n"},
        },
    }
    sma = {
        "Type": "AWS::Chime::SipMediaApplication",
        "Properties": {
            "AwsRegion": {"Ref": "AWS::Region"},
            "Name": name,
            "Endpoints": [{"LambdaArn": {"Fn::GetAtt": ["Handler", "Arn"]}}],
        },
    }
    perm = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Ref": "Handler"},
            "Principal": "voiceconnector.chime.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:sma/*"},
        },
    }
    resources = {"HandlerRole": role, "Handler": fn, "SipMediaApplication": sma, "VoicePermission": perm}
    if rng.chance(40):
        resources["ManagedPolicy"] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Roles": [{"Ref": "HandlerRole"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": rng.sample(VC_ACTIONS, 2),
                            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:chime:${AWS::Region}:${AWS::AccountId}:vc/*"},
                        }
                    ],
                },
            },
        }
    return resources


def cfn_json_file(rng, i):
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Chime SDK Voice handler %d" % i,
        "Resources": cfn_resources(rng, i, False),
    }
    return json.dumps(doc, indent=2) + "\n"


def yaml_scalar(v):
    s = str(v)
    if s == "" or s[0] in "!&*{}[]|>'\"%@`#,?:-" or ": " in s or " #" in s or s in ("true", "false", "null"):
        return json.dumps(s)
    if s.replace(".", "").isdigit() or s.startswith("20"):
        return '"%s"' % s
    return s


def yaml_value(v, indent):
    """Block YAML with CloudFormation short forms for the intrinsic functions."""
    pad = "  " * indent
    if isinstance(v, dict) and len(v) == 1:
        (k, x), = v.items()
        if k == "Fn::Sub" and isinstance(x, str):
            return " !Sub " + json.dumps(x)
        if k == "Fn::GetAtt" and isinstance(x, list):
            return " !GetAtt %s.%s" % (x[0], x[1])
        if k == "Ref":
            return " !Ref " + x
    if isinstance(v, dict):
        lines = []
        for k, x in v.items():
            if k == "ZipFile":
                body = "\n".join(pad + "  " + line for line in x.rstrip("\n").split("\n"))
                lines.append("%s%s: |\n%s" % (pad, k, body))
                continue
            lines.append("%s%s:%s" % (pad, k, yaml_value(x, indent + 1)))
        return "\n" + "\n".join(lines)
    if isinstance(v, list):
        if all(isinstance(x, str) for x in v) and len(v) <= 3:
            return " [" + ", ".join(yaml_scalar(x) for x in v) + "]"
        lines = []
        for x in v:
            rendered = yaml_value(x, indent + 1)
            if rendered.startswith("\n"):
                # "- " followed by the first key on the same line.
                body = rendered[1:]
                lines.append("%s- %s" % (pad, body[len(pad) + 2 :]))
            else:
                lines.append("%s-%s" % (pad, rendered))
        return "\n" + "\n".join(lines)
    return " " + yaml_scalar(v)


def cfn_yaml_file(rng, i):
    head = 'AWSTemplateFormatVersion: "2010-09-09"\nDescription: Chime SDK Voice handler %d\n' % i
    return head + "Resources:" + yaml_value(cfn_resources(rng, i, True), 1) + "\n"


KINDS = [
    # (directory, extension, weight in percent, generator)
    ("policies", ".json", 40, policy_file),
    ("terraform", ".tf", 25, terraform_file),
    ("cfn-yaml", ".yaml", 20, cfn_yaml_file),
    ("cfn-json", ".template.json", 15, cfn_json_file),
]


def plan(n):
    """How many files of each kind, summing to n (one policy file when n is 1)."""
    if n == 1:
        return {"policies": 1}
    counts = {d: n * w // 100 for d, _, w, _ in KINDS}
    counts["policies"] += n - sum(counts.values())
    return counts


def generate(out, n):
    counts = plan(n)
    rng = Rng(0xC41D5EED ^ n)
    total = 0
    for d, ext, _, gen in KINDS:
        k = counts.get(d, 0)
        if k == 0:
            continue
        # At most 200 files a directory, as in a real repository's layout.
        for i in range(k):
            sub = os.path.join(out, d, "group-%03d" % (i // 200))
            os.makedirs(sub, exist_ok=True)
            text = gen(rng, i)
            path = os.path.join(sub, "%s-%05d%s" % (NAMES[i % len(NAMES)], i, ext))
            with open(path, "w", newline="\n") as f:
                f.write(text)
            total += len(text.encode())
    return total


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, n = sys.argv[1], int(sys.argv[2])
    stamp = os.path.join(out, ".complete")
    if os.path.exists(stamp):
        return
    total = generate(out, n)
    with open(stamp, "w") as f:
        f.write("%d files, %d bytes\n" % (n, total))


if __name__ == "__main__":
    main()
