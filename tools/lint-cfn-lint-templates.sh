#!/usr/bin/env bash
# Lints the real templates that cfn-lint's source distribution ships as test
# fixtures, and prints, for each set: files, parse errors, policy syntax
# errors, panics, the other findings by rule, and milliseconds per template.
#
#   tools/lint-cfn-lint-templates.sh [UNPACKED_SDIST_DIR]
#
# Without an argument the sdist is fetched with
# `pip download --no-deps --no-binary :all: cfn-lint` into a temporary directory.
# The binary is target/release/policy-lint (built when missing), or $POLICY_LINT.
# The `good` set is what CloudFormation accepts: it must give no parse-error;
# its policy-syntax findings are listed for review.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-}
if [ -z "$src" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && pip download --quiet --no-deps --no-binary :all: cfn-lint >/dev/null && tar xzf cfn_lint-*.tar.gz)
    src=$(ls -d "$work"/cfn_lint-*/ | head -n 1)
fi
templates="$src/test/fixtures/templates"
[ -d "$templates/good" ] || { echo "no $templates/good: not an unpacked cfn-lint sdist" >&2; exit 2; }

bin=${POLICY_LINT:-$root/target/release/policy-lint}
if [ ! -x "$bin" ]; then
    (cd "$root" && cargo build --release --quiet)
fi

status=0
for set in good public quickstart integration issues; do
    dir="$templates/$set"
    [ -d "$dir" ] || continue
    python3 - "$bin" "$dir" "$set" <<'PY' || status=1
import json, subprocess, sys, time, pathlib
bin, dir, name = sys.argv[1:4]
files = sorted(p for p in pathlib.Path(dir).rglob("*")
               if p.suffix in (".yaml", ".yml", ".json", ".template") and p.is_file())
runs, best, out = 5, None, None
for _ in range(runs):
    t = time.perf_counter()
    # Files are named explicitly, as a pre-commit hook names them.
    r = subprocess.run([bin, "--format", "json", "--fail-on", "never", *map(str, files)],
                       capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    best = elapsed if best is None else min(best, elapsed)
    out = r
panics = []
if out.returncode not in (0, 1) or "panicked" in out.stderr:
    # Find the files that panic, one at a time.
    for f in files:
        r = subprocess.run([bin, "--format", "json", "--fail-on", "never", str(f)], capture_output=True, text=True)
        if r.returncode not in (0, 1) or "panicked" in r.stderr:
            panics.append(str(f))
    findings = []
else:
    findings = json.loads(out.stdout)["findings"]
by_rule = {}
for f in findings:
    by_rule[f["rule"]] = by_rule.get(f["rule"], 0) + 1
parse_errors = [f for f in findings if f["rule"] == "parse-error"]
syntax = [f for f in findings if f["rule"] == "policy-syntax"]
print(f"{name}: {len(files)} files, {len(parse_errors)} parse-error, {len(syntax)} policy-syntax, "
      f"{len(panics)} panics, {1000 * best / max(len(files), 1):.2f} ms per template "
      f"({1000 * best:.0f} ms for the set, best of {runs})")
others = {r: n for r, n in sorted(by_rule.items()) if r not in ("parse-error", "policy-syntax")}
if others:
    print("  other findings: " + ", ".join(f"{r} {n}" for r, n in others.items()))
for f in parse_errors + syntax:
    rel = f["path"].split("/templates/", 1)[-1]
    print(f"  {rel}:{f['line']}:{f['column']}: {f['rule']}: {f['message']}")
for p in panics:
    print(f"  PANIC {p}")
bad = panics or (name == "good" and parse_errors)
sys.exit(1 if bad else 0)
PY
done
exit $status
