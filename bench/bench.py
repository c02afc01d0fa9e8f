#!/usr/bin/env python3
"""The benchmark: policy-lint against its floor and its peers, on one corpus.

Run it through `bench/run.sh` (which builds the release binary first):

    bench/run.sh                         # sizes 1, 200, 2000, 20000; peers if installed
    bench/run.sh --sizes 1,200 --runs 5
    bench/run.sh --install-peers         # Parliament, cfn-lint, Checkov into bench/.venv

For each corpus size it measures, side by side in one invocation:

1. policy-lint: wall time (median of --runs), files/s, MB/s, peak memory (maxrss);
2. the floor: the same binary with the hidden `--parse-only` flag, which walks,
   reads and parses the same files with the same front-ends and runs nothing
   after them, so the cost of the analysis itself is visible (lint / floor);
3. `simulate` (one request against one role of the project) next to the plain
   lint of the same files: the engine reads the whole project, so one call
   should cost no more than twice a lint;
3b. `diff HEAD` on a git copy of the corpus with a change in the work tree
   (statements added, Sids renamed, wildcards widened, files deleted and
   added), next to the plain lint of the same files: BASE is read from the
   object store and linted in memory, so it should cost under 3 × a lint;
4. the peers, when installed in bench/.venv or on PATH: Parliament on the
   policy files, cfn-lint and Checkov on the CloudFormation templates, Checkov
   on the Terraform files, each next to policy-lint on exactly the same files,
   with the ratio of the two.

Timing is wall-clock around spawn-and-wait (os.wait4, which also gives the
child's peak resident memory). Output goes to /dev/null; policy-lint prints
`--format compact`. The corpus is written once by bench/gen_corpus.py into
bench/out/ (git-ignored) and is the same bytes on every machine.
"""

import argparse
import json
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")


def simulate_principal(path):
    """The first Terraform role (by file name) of a generated corpus: the corpora
    of different sizes define different roles (`transcribe8` is in the 2,000-file
    one, not in the 200-file one)."""
    for name in sorted(glob.glob(os.path.join(path, "**", "*.tf"), recursive=True)):
        with open(name, encoding="utf-8") as f:
            for line in f:
                if line.startswith('resource "aws_iam_role" "'):
                    return "aws_iam_role." + line.split('"')[3]
    sys.exit("no Terraform role in %s to simulate a request of" % path)


def corpus(n):
    path = os.path.join(OUT, "corpus-%d" % n)
    if not os.path.exists(os.path.join(path, ".complete")):
        print("generating %d files in %s ..." % (n, os.path.relpath(path, ROOT)), file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), path, str(n)], check=True)
    return path


def diff_repo(n):
    """A git repository holding the corpus of `n` files at HEAD, and a change in
    its work tree: a `chime:*` statement added to 10 policy files, the Sids of
    10 others renamed (no change), 5 Terraform files widened to `chime:Create*`,
    2 files deleted and 1 added. Made once, in bench/out/diff-N."""
    path = os.path.join(OUT, "diff-%d" % n)
    if os.path.exists(os.path.join(path, ".git", "bench-complete")):
        return path
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(corpus(n), path)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], cwd=path, check=True)
    subprocess.run(git + ["add", "-A"], cwd=path, check=True)
    subprocess.run(git + ["commit", "-qm", "base"], cwd=path, check=True)
    policies = sorted(files_under([os.path.join(path, "policies")], (".json",)))
    for i, f in enumerate(policies[:20]):
        with open(f) as fh:
            doc = json.load(fh)
        if i < 10:
            doc["Statement"].append({"Effect": "Allow", "Action": "chime:*", "Resource": "*"})
        else:
            for k, st in enumerate(doc["Statement"]):
                st["Sid"] = "Renamed%d" % k
        with open(f, "w") as fh:
            json.dump(doc, fh, indent=2)
    for f in sorted(files_under([os.path.join(path, "terraform")], (".tf",)))[:5]:
        with open(f) as fh:
            text = fh.read()
        with open(f, "w") as fh:
            fh.write(text.replace('"chime:CreateSipMediaApplicationCall"', '"chime:Create*"', 1))
    for f in policies[-2:]:
        os.remove(f)
    with open(os.path.join(path, "policies", "new-access.json"), "w") as fh:
        json.dump({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "sns:Publish",
             "Resource": "arn:aws:sns:us-east-1:111122223333:calls"}]}, fh, indent=2)
    open(os.path.join(path, ".git", "bench-complete"), "w").close()
    return path


def files_under(paths, exts):
    out = []
    for p in paths:
        if os.path.isfile(p):
            out.append(p)
            continue
        for root, _, names in os.walk(p):
            out.extend(os.path.join(root, f) for f in names if f.endswith(exts))
    return sorted(out)


def size_of(files):
    return sum(os.path.getsize(f) for f in files)


DEVNULL_ACTIONS = [
    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
]
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_once(cmd, env=None, peer=False):
    """Wall seconds of one run of cmd. posix_spawn keeps the harness's own
    share of the figure small (see the spawn overhead line). policy-lint exits
    0, 1 or 2; a peer may use any code (cfn-lint's is a bit mask) but not die."""
    exe = cmd[0] if os.sep in cmd[0] else shutil.which(cmd[0])
    start = time.perf_counter()
    pid = os.posix_spawn(exe, cmd, env if env is not None else os.environ, file_actions=DEVNULL_ACTIONS)
    _, status, _ = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if (code < 0 or code >= 126) if peer else code not in (0, 1, 2):
        raise RuntimeError("%s exited with %d" % (" ".join(cmd[:3]), code))
    return wall


def peak_memory(cmd, env=None):
    """Peak resident memory of cmd in bytes, from GNU time (`%M`): a child's
    maxrss seen from Python would include the Python process it was forked
    from. Without GNU time: that upper bound, marked with `≤`."""
    if GNU_TIME:
        out = os.path.join(OUT, ".maxrss")
        run_once([GNU_TIME, "-f", "%M", "-o", out] + cmd, env, peer=True)
        with open(out) as f:
            return int(f.read().split()[-1]) * 1024, ""
    exe = cmd[0] if os.sep in cmd[0] else shutil.which(cmd[0])
    pid = os.posix_spawn(exe, cmd, env if env is not None else os.environ, file_actions=DEVNULL_ACTIONS)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_maxrss * 1024, "≤ "


def measure(cmd, runs, env=None, peer=False):
    """(median wall, min wall, (peak RSS, qualifier)) over runs, after one warm-up run."""
    run_once(cmd, env, peer)
    walls = [run_once(cmd, env, peer) for _ in range(runs)]
    return statistics.median(walls), min(walls), peak_memory(cmd, env)


def fmt_time(s):
    if s < 1:
        return "%.1f ms" % (s * 1000)
    return "%.2f s" % s


def fmt_mb(m):
    b, qualifier = m
    return "%s%.1f MB" % (qualifier, b / 1e6)


def find_peer(name):
    venv = os.path.join(HERE, ".venv", "bin", name)
    if os.access(venv, os.X_OK):
        return venv
    return shutil.which(name)


def peer_env():
    env = dict(os.environ)
    # Keep Checkov off the network and its output small: only the scan is timed.
    env.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "LOG_LEVEL": "ERROR"})
    return env


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,200,2000,20000", help="corpus sizes, comma-separated")
    ap.add_argument("--runs", type=int, default=0, help="timed runs of policy-lint per figure (default: by size)")
    ap.add_argument("--peers", choices=["auto", "none"], default="auto", help="measure installed peers")
    ap.add_argument("--peer-max", type=int, default=2000, help="largest corpus the (slow) peers run on")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "policy-lint"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    binary = args.binary
    if not os.access(binary, os.X_OK):
        sys.exit("no %s: build it with `cargo build --release` (bench/run.sh does)" % binary)
    lint = [binary, "--format", "compact", "--fail-on", "never"]
    floor = lint + ["--parse-only"]

    def runs_for(n):
        return args.runs or (30 if n <= 1 else 15 if n <= 200 else 7 if n <= 2000 else 3)

    cpus = os.cpu_count()
    spawn = statistics.median(run_once(["/bin/true"]) for _ in range(30))
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    print("# policy-lint benchmark\n")
    print("- %s, release build; %d cores; Python harness spawn overhead %s (included below)" % (
        version, cpus, fmt_time(spawn)))
    print("- corpus: bench/gen_corpus.py (deterministic); wall time is the median of the timed runs\n")

    print("## policy-lint and its floor\n")
    print("| files | MB | lint | files/s | MB/s | peak memory | floor (--parse-only) | lint / floor | per file |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = {}
    for n in sizes:
        d = corpus(n)
        all_files = files_under([d], (".json", ".yaml", ".tf"))
        mb = size_of(all_files)
        r = runs_for(n)
        # One file is named, as a pre-commit hook or an editor does; more are a directory walk.
        target = all_files if n == 1 else [d]
        t, _, rss = measure(lint + target, r)
        f, _, _ = measure(floor + target, r)
        results[n] = (t, f, rss, len(all_files))
        print("| %d | %.2f | %s | %.0f | %.1f | %s | %s | %.2f | %.1f µs |" % (
            len(all_files), mb / 1e6, fmt_time(t), len(all_files) / t, mb / 1e6 / t, fmt_mb(rss), fmt_time(f),
            t / f, t / len(all_files) * 1e6))
        sys.stdout.flush()

    # One `simulate` call reads the project like a lint (with no rule) and decides one request.
    print("\n## One simulate call and a plain lint\n")
    print("| files | lint | simulate | simulate / lint |")
    print("|---:|---:|---:|---:|")
    sim_ratios = {}
    for n in sizes:
        if n < 200:
            continue
        d = corpus(n)
        simulate = [binary, "simulate", "--action", "chime:UpdateSipMediaApplicationCall", "--resource",
                    "arn:aws:chime:us-east-1:111122223333:sma/abc", "--principal", simulate_principal(d), d]
        code = subprocess.run(simulate, capture_output=True).returncode
        if code not in (0, 1):
            sys.exit("simulate could not decide the request on %s (exit %d)" % (d, code))
        s_t, _, _ = measure(simulate, runs_for(n))
        t = results[n][0]
        sim_ratios[n] = s_t / t
        print("| %d | %s | %s | %.2f |" % (results[n][3], fmt_time(t), fmt_time(s_t), s_t / t))
        sys.stdout.flush()

    # `diff HEAD`: the corpus committed to a git repository, then changed.
    print("\n## One diff against a git revision and a plain lint\n")
    print("| files | lint | diff HEAD | diff / lint | principals changed |")
    print("|---:|---:|---:|---:|---:|")
    diff_ratios = {}
    for n in sizes:
        if n < 200:
            continue
        d = diff_repo(n)
        cmd = [binary, "diff", "HEAD", "--isolated", "--format", "json", d]
        out = subprocess.run(cmd, capture_output=True)
        if out.returncode != 0:
            sys.exit("diff failed on %s (exit %d): %s" % (d, out.returncode, out.stderr.decode()[:500]))
        changed = json.loads(out.stdout)["summary"]["principals_changed"]
        d_t, _, _ = measure(cmd, runs_for(n))
        l_t, _, _ = measure(lint + [d], runs_for(n))
        diff_ratios[n] = d_t / l_t
        print("| %d | %s | %s | %.2f | %d |" % (results[n][3], fmt_time(l_t), fmt_time(d_t), d_t / l_t, changed))
        sys.stdout.flush()

    peers = []
    if args.peers == "auto":
        for name in ("parliament", "cfn-lint", "checkov"):
            exe = find_peer(name)
            if exe:
                peers.append((name, exe))
    if peers:
        print("\n## Against the peers (same files, same invocation)\n")
        print("| files | peer | what | peer time | policy-lint time | ratio | peer peak memory |")
        print("|---:|---|---|---:|---:|---:|---:|")
    env = peer_env()
    ratios = {}
    for n in sizes:
        if not peers or n > args.peer_max:
            continue
        d = corpus(n)
        policies = os.path.join(d, "policies")
        yaml_dir, json_dir, tf_dir = (os.path.join(d, s) for s in ("cfn-yaml", "cfn-json", "terraform"))
        templates = [p for p in (yaml_dir, json_dir) if os.path.isdir(p)]
        for name, exe in peers:
            jobs = []
            if name == "parliament" and n == 1:
                one = files_under([policies], (".json",))
                jobs.append(("policy JSON", [exe, "--file", one[0]], one, (".json",)))
            elif name == "parliament" and os.path.isdir(policies):
                jobs.append(("policy JSON", [exe, "--directory", policies], [policies], (".json",)))
            if name == "cfn-lint" and templates:
                globs = [os.path.join(p, "**", "*.yaml" if p == yaml_dir else "*.json") for p in templates]
                jobs.append(("CloudFormation", [exe, "--"] + globs, templates, (".json", ".yaml")))
            if name == "checkov" and templates:
                cmd = [exe, "--framework", "cloudformation", "--quiet", "--compact", "--skip-download"]
                for p in templates:
                    cmd += ["-d", p]
                jobs.append(("CloudFormation", cmd, templates, (".json", ".yaml")))
            if name == "checkov" and os.path.isdir(tf_dir):
                cmd = [exe, "--framework", "terraform", "--quiet", "--compact", "--skip-download", "-d", tf_dir]
                jobs.append(("Terraform", cmd, [tf_dir], (".tf",)))
            for what, cmd, paths, exts in jobs:
                k = len(files_under(paths, exts))
                # A peer's time is the median of three runs where that costs
                # seconds, not minutes: one run of Parliament (under a second
                # here) varies by a tenth from the next.
                peer_runs = 3 if n <= 200 or name == "parliament" else 1
                pt, _, prss = measure(cmd, peer_runs, env, peer=True)
                lt, _, _ = measure(lint + paths, runs_for(n))
                ratios.setdefault(name, []).append(pt / lt)
                print("| %d | %s | %s | %s | %s | %.0f× | %s |" % (
                    k, name, what, fmt_time(pt), fmt_time(lt), pt / lt, fmt_mb(prss)))
                sys.stdout.flush()
    if not peers and args.peers == "auto":
        print("\n(No peers installed: `bench/run.sh --install-peers` puts Parliament, cfn-lint and Checkov in bench/.venv.)")

    print("\n## Targets\n")

    def check(ok, text):
        print("- [%s] %s" % ("x" if ok else " ", text))

    if 1 in results:
        check(results[1][0] < 0.005, "one file, process start included, under 5 ms: %s" % fmt_time(results[1][0]))
    if 2000 in results:
        check(results[2000][0] < 0.3, "2,000 mixed files under 0.3 s: %s" % fmt_time(results[2000][0]))
    worst = max((t / f for t, f, _, _ in results.values()), default=0)
    check(worst <= 2.0, "analysis at most as expensive as parsing (lint ≤ 2 × floor): worst %.2f×" % worst)
    if 2000 in sim_ratios:
        check(sim_ratios[2000] <= 2.0, "one simulate call on 2,000 files within 2 × a lint: %.2f×" % sim_ratios[2000])
    if 2000 in diff_ratios:
        check(diff_ratios[2000] < 3.0, "`diff HEAD` on 2,000 files under 3 × a lint: %.2f×" % diff_ratios[2000])
    if 20000 in results:
        check(results[20000][2][0] < 100e6, "peak memory under 100 MB at 20,000 files: %s" % fmt_mb(results[20000][2]))
    # Linear: ten times the files may take at most ten times as long (+20 %);
    # fixed costs (process start, thread pool) make small corpora cheaper per file.
    big = [n for n in sizes if n >= 200]
    for a, b in zip(big, big[1:]):
        growth = (results[b][0] / results[a][0]) / (results[b][3] / results[a][3])
        check(growth <= 1.2, "time linear in corpus size: %d → %d files costs %.2f× the proportional time" % (
            results[a][3], results[b][3], growth))
    for name, target in (("parliament", 100), ("checkov", 300)):
        if name in ratios:
            check(min(ratios[name]) >= target, "at least %d× %s: %s" % (
                target, name, ", ".join("%.0f×" % r for r in ratios[name])))


if __name__ == "__main__":
    main()
