#!/usr/bin/env python3
"""Writes a project of Lambda functions with handler code, for the code-reading benchmark.

    python3 bench/gen_code.py OUT_DIR [FUNCTIONS] [LINES]

makes FUNCTIONS (default 200) SAM functions in OUT_DIR/template.yaml, each with
its own code directory, half Python (boto3) and half JavaScript (AWS SDK v3),
LINES (default 50,000) lines of handler code in all: SIP media application
handlers that speak, update calls, write DynamoDB items and synthesize speech,
padded with plain helper functions. Each role allows what its code calls but
one function in ten misses `chime:UpdateSipMediaApplicationCall`, so
`sdk-call-denied` has something to find. Deterministic: the same bytes every run.

    python3 bench/gen_code.py bench/out/code && time target/release/policy-lint bench/out/code
"""

import os
import sys

PY_HEAD = '''import os
import boto3

voice = boto3.client("chime-sdk-voice")
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
polly = boto3.client("polly")
SMA_ID = os.environ["SMA_ID"]


def lambda_handler(event, context):
    call_id = event["CallDetails"]["Participants"][0]["CallId"]
    if event["InvocationEventType"] == "ACTION_SUCCESSFUL":
        voice.update_sip_media_application_call(SipMediaApplicationId=SMA_ID, TransactionId="t", Arguments={})
    table.put_item(Item={"callId": call_id})
    polly.synthesize_speech(Text="hello", OutputFormat="pcm", VoiceId="Joanna")
    return {"SchemaVersion": "1.0", "Actions": []}
'''

PY_HELPER = '''

def helper_{i}(event, value):
    total = 0
    for item in event.get("items", []):
        if item.get("kind") == "digit":
            total += int(item["value"]) * {i}
    return {{"total": total, "value": value}}
'''

JS_HEAD = '''import { ChimeSDKVoiceClient, UpdateSipMediaApplicationCallCommand } from "@aws-sdk/client-chime-sdk-voice";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PollyClient, SynthesizeSpeechCommand } from "@aws-sdk/client-polly";

const voice = new ChimeSDKVoiceClient({});
const ddb = new DynamoDBClient({});
const polly = new PollyClient({});

export const handler = async (event) => {
  const callId = event.CallDetails.Participants[0].CallId;
  if (event.InvocationEventType === "ACTION_SUCCESSFUL") {
    await voice.send(new UpdateSipMediaApplicationCallCommand({ SipMediaApplicationId: process.env.SMA_ID }));
  }
  await ddb.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { callId: { S: callId } } }));
  await polly.send(new SynthesizeSpeechCommand({ Text: "hello", OutputFormat: "pcm", VoiceId: "Joanna" }));
  return { SchemaVersion: "1.0", Actions: [] };
};
'''

JS_HELPER = '''
export function helper{i}(event, value) {{
  let total = 0;
  for (const item of event.items ?? []) {{
    if (item.kind === "digit") total += Number(item.value) * {i};
  }}
  return {{ total, value }};
}}
'''


def main():
    out = sys.argv[1]
    functions = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    lines = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000
    per = lines // functions
    os.makedirs(out, exist_ok=True)
    t = ["AWSTemplateFormatVersion: \"2010-09-09\"", "Transform: AWS::Serverless-2016-10-31", "Resources:"]
    total = 0
    for n in range(functions):
        python = n % 2 == 0
        d = os.path.join(out, f"fn{n:03}")
        os.makedirs(d, exist_ok=True)
        head, helper = (PY_HEAD, PY_HELPER) if python else (JS_HEAD, JS_HELPER)
        body = head
        i = 0
        while body.count("\n") < per:
            body += helper.format(i=i)
            i += 1
        total += body.count("\n")
        with open(os.path.join(d, "app.py" if python else "index.mjs"), "w") as f:
            f.write(body)
        actions = ["dynamodb:PutItem", "polly:SynthesizeSpeech"]
        if n % 10 != 0:
            actions.append("chime:UpdateSipMediaApplicationCall")
        t += [
            f"  Fn{n:03}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            f"      CodeUri: fn{n:03}/",
            f"      Handler: {'app.lambda_handler' if python else 'index.handler'}",
            f"      Runtime: {'python3.12' if python else 'nodejs20.x'}",
            "      Environment:",
            "        Variables:",
            "          SMA_ID: !Ref Sma",
            "          TABLE: calls",
            "      Policies:",
            "        - Statement:",
            "            - Effect: Allow",
            "              Action:",
            *[f"                - {a}" for a in actions],
            "              Resource: \"*\"",
        ]
    t += [
        "  Sma:",
        "    Type: AWS::ChimeSDKVoice::SipMediaApplication",
        "    Properties:",
        "      AwsRegion: us-east-1",
        "      Name: bench",
        "      Endpoints:",
        "        - LambdaArn: !GetAtt Fn000.Arn",
    ]
    with open(os.path.join(out, "template.yaml"), "w") as f:
        f.write("\n".join(t) + "\n")
    print(f"{functions} functions, {total} lines of handler code in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
