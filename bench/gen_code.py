#!/usr/bin/env python3
"""Writes a project of Lambda functions with handler code, for the code-reading benchmark.

    python3 bench/gen_code.py OUT_DIR [FUNCTIONS] [LINES]

makes FUNCTIONS (default 200) SAM functions in OUT_DIR/template.yaml, each with
its own code directory, a third each Python (boto3), JavaScript (AWS SDK v3)
and Go (AWS SDK for Go v2, `provided.al2023`),
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

GO_HEAD = '''package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	ptypes "github.com/aws/aws-sdk-go-v2/service/polly/types"
)

type handler struct {
	voice *chimesdkvoice.Client
	db    *dynamodb.Client
	polly *polly.Client
}

func (h *handler) handle(ctx context.Context, event map[string]any) (map[string]any, error) {
	callID, _ := event["CallId"].(string)
	if event["InvocationEventType"] == "ACTION_SUCCESSFUL" {
		h.voice.UpdateSipMediaApplicationCall(ctx, &chimesdkvoice.UpdateSipMediaApplicationCallInput{SipMediaApplicationId: aws.String(os.Getenv("SMA_ID"))})
	}
	h.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(os.Getenv("TABLE")), Item: map[string]types.AttributeValue{"callId": &types.AttributeValueMemberS{Value: callID}}})
	h.polly.SynthesizeSpeech(ctx, &polly.SynthesizeSpeechInput{Text: aws.String("hello"), OutputFormat: ptypes.OutputFormatPcm, VoiceId: ptypes.VoiceIdJoanna})
	return map[string]any{"SchemaVersion": "1.0", "Actions": []any{}}, nil
}

func main() {
	cfg, _ := config.LoadDefaultConfig(context.Background())
	h := &handler{voice: chimesdkvoice.NewFromConfig(cfg), db: dynamodb.NewFromConfig(cfg), polly: polly.NewFromConfig(cfg)}
	lambda.Start(h.handle)
}
'''

GO_HELPER = '''
func helper{i}(event map[string]any, value int) map[string]any {{
	total := 0
	items, _ := event["items"].([]map[string]any)
	for _, item := range items {{
		if item["kind"] == "digit" {{
			n, _ := item["value"].(int)
			total += n * {i}
		}}
	}}
	return map[string]any{{"total": total, "value": value}}
}}
'''

# Per language: the handler's head, a helper, the file, the handler, the runtime.
LANGS = [
    (PY_HEAD, PY_HELPER, "app.py", "app.lambda_handler", "python3.12"),
    (JS_HEAD, JS_HELPER, "index.mjs", "index.handler", "nodejs20.x"),
    (GO_HEAD, GO_HELPER, "main.go", "bootstrap", "provided.al2023"),
]


def main():
    out = sys.argv[1]
    functions = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    lines = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000
    per = lines // functions
    os.makedirs(out, exist_ok=True)
    t = ["AWSTemplateFormatVersion: \"2010-09-09\"", "Transform: AWS::Serverless-2016-10-31", "Resources:"]
    total = 0
    for n in range(functions):
        head, helper, file, handler, runtime = LANGS[n % len(LANGS)]
        d = os.path.join(out, f"fn{n:03}")
        os.makedirs(d, exist_ok=True)
        body = head
        i = 0
        while body.count("\n") < per:
            body += helper.format(i=i)
            i += 1
        total += body.count("\n")
        with open(os.path.join(d, file), "w") as f:
            f.write(body)
        actions = ["dynamodb:PutItem", "polly:SynthesizeSpeech"]
        if n % 10 != 0:
            actions.append("chime:UpdateSipMediaApplicationCall")
        t += [
            f"  Fn{n:03}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            f"      CodeUri: fn{n:03}/",
            f"      Handler: {handler}",
            f"      Runtime: {runtime}",
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
