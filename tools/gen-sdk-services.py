#!/usr/bin/env python3
"""Writes rules/sdk-services.json: each AWS SDK service id and the IAM prefix its calls authorize under.

Source: the botocore package from PyPI (its data/<service>/<version>/service-2.json metadata:
the boto3 client name is the directory, `serviceId` gives the JavaScript names, `signingName`
and `endpointPrefix` the IAM prefix) checked against the bundled catalog's prefixes
(rules/catalog/services.json). Run: pip install botocore==VERSION; tools/gen-sdk-services.py
"""
import gzip, json, os, re, sys

import botocore

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
catalog = json.load(open(os.path.join(ROOT, "rules/catalog/services.json")))
prefixes = {s["prefix"] for s in catalog["services"]}
aliases = json.load(open(os.path.join(ROOT, "rules/catalog/service-aliases.json")))["aliases"]
data = os.path.join(os.path.dirname(botocore.__file__), "data")

# Services whose signing and endpoint names are not their IAM prefix (Service Authorization Reference).
OVERRIDES = {"cloudwatch": "cloudwatch", "iot-data": "iot", "iot-jobs-data": "iot", "iotevents-data": "iotevents",
             "resourcegroupstaggingapi": "tag", "cloudcontrol": "cloudformation", "iotsecuretunneling": "iot",
             "mturk": "mechanicalturk", "sso": "sso"}

def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)

services, unmapped = [], []
for name in sorted(os.listdir(data)):
    d = os.path.join(data, name)
    if not os.path.isdir(d):
        continue
    versions = sorted(v for v in os.listdir(d) if os.path.isdir(os.path.join(d, v)))
    if not versions:
        continue
    files = [f for f in os.listdir(os.path.join(d, versions[-1])) if f.startswith("service-2.json")]
    if not files:
        continue
    meta = load(os.path.join(d, versions[-1], files[0]))["metadata"]
    service_id = meta.get("serviceId", name)
    signing = meta.get("signingName", meta.get("endpointPrefix"))
    # chime-sdk-* sign as `chime`, lex runtime as `lex`, and so on: the signing name is the
    # IAM prefix when the catalog has it, else the endpoint prefix, else a catalog alias.
    candidates = [OVERRIDES.get(name), signing, meta.get("endpointPrefix"), aliases.get(re.sub(r"[-_. ]", "", name.lower()))]
    prefix = next((c for c in candidates if c in prefixes), None)
    js = re.sub(r"[^A-Za-z0-9]", "", service_id)
    package = re.sub(r"\s+", "-", service_id.strip().lower())
    if prefix is None:
        unmapped.append(name)
        continue
    services.append({"boto3": name, "js": js, "npm": f"@aws-sdk/client-{package}", "iam": prefix})

out = {
    "_meta": {
        "what": "AWS SDK service ids and the IAM prefix their operations authorize under. boto3: the client name "
        "(`boto3.client(\"chime-sdk-voice\")`); js: the JavaScript class stem (v3 `ChimeSDKVoiceClient`, "
        "v2 `AWS.ChimeSDKVoice`); npm: the v3 package; iam: the catalog prefix.",
        "source": f"PyPI botocore {botocore.__version__} (data/*/service-2.json metadata: serviceId, signingName, "
        "endpointPrefix) matched to the prefixes of rules/catalog/services.json; written by tools/gen-sdk-services.py",
        "unmapped": unmapped,
    },
    # The operations the SDK's helpers call, and operations that authorize with other
    # actions than their names (Amazon S3 and Lambda API references, "Permissions"; API
    # Gateway's @connections API authorizes with execute-api:ManageConnections;
    # GetCallerIdentity needs no permission). Keys are `boto3 name.method`, matched in
    # any spelling (`upload_part`, `uploadPart`, `UploadPartCommand`).
    "helpers": {
        "s3.upload_file": ["PutObject"],
        "s3.upload_fileobj": ["PutObject"],
        "s3.download_file": ["GetObject"],
        "s3.download_fileobj": ["GetObject"],
        "s3.copy": ["GetObject", "PutObject"],
        "s3.copy_object": ["GetObject", "PutObject"],
        "s3.upload_part_copy": ["GetObject", "PutObject"],
        "s3.upload": ["PutObject"],
        "s3.list_objects": ["ListBucket"],
        "s3.list_object_versions": ["ListBucketVersions"],
        "s3.create_multipart_upload": ["PutObject"],
        "s3.upload_part": ["PutObject"],
        "s3.complete_multipart_upload": ["PutObject"],
        "s3.list_parts": ["ListMultipartUploadParts"],
        "s3.select_object_content": ["GetObject"],
        "lambda.invoke": ["InvokeFunction"],
        "lambda.invoke_with_response_stream": ["InvokeFunction"],
        "apigatewaymanagementapi.post_to_connection": ["ManageConnections"],
        "apigatewaymanagementapi.get_connection": ["ManageConnections"],
        "apigatewaymanagementapi.delete_connection": ["ManageConnections"],
        "sts.get_caller_identity": [],
    },
    # @aws-sdk/lib-dynamodb's document client commands and the DynamoDB operations they send.
    "document_client": {"Put": "PutItem", "Get": "GetItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                        "Query": "Query", "Scan": "Scan", "BatchGet": "BatchGetItem",
                        "BatchWrite": "BatchWriteItem", "TransactGet": "TransactGetItems",
                        "TransactWrite": "TransactWriteItems"},
    # AWS managed policies SAM attaches to a function's role, and the only IAM prefixes they
    # grant (AWS Managed Policy Reference): a call under another prefix is decided without them.
    "execution_policies": {
        "service-role/AWSLambdaBasicExecutionRole": ["logs"],
        "service-role/AWSLambdaVPCAccessExecutionRole": ["logs", "ec2"],
        "AWSXrayWriteOnlyAccess": ["xray"],
    },
    # Actions the Lambda service itself uses with the function's role (logs, networking,
    # event source mappings, environment decryption), and those services check on the
    # caller's behalf (passing a role, creating a service-linked role): never "unused"
    # because no code calls them.
    "runtime_prefixes": ["logs", "xray", "ec2", "kms"],
    "runtime_actions": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                        "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream",
                        "kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:ListStreams",
                        "kinesis:SubscribeToShard", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                        "dynamodb:DescribeStream", "dynamodb:ListStreams", "iam:PassRole",
                        "iam:CreateServiceLinkedRole"],
    # Environment variables the Lambda runtime sets: they name no resource of the project.
    "runtime_environment_prefixes": ["AWS_", "LAMBDA_", "_HANDLER", "_X_AMZN"],
    "not_operations": ["get_paginator", "get_waiter", "can_paginate", "close", "generate_presigned_url",
                       "generate_presigned_post", "meta", "exceptions", "middlewareStack", "destroy", "config",
                       "getSignedUrl", "getSignedUrlPromise"],
    "services": services,
}
with open(os.path.join(ROOT, "rules/sdk-services.json"), "w") as f:
    json.dump(out, f, indent=0)
    f.write("\n")
print(f"{len(services)} services, {len(unmapped)} unmapped", file=sys.stderr)
