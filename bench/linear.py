#!/usr/bin/env python3
"""Time and memory against input size: both must grow linearly up to the
default `max-file-size` (issue 25). Run it through `bench/linear.sh`.

For 1, 2, 5 and 10 MB (10^6 bytes) it writes two policies into bench/out/linear/:
a multi-line one (a statement a line) and the same on one line, each statement
with a `Sid`, an unknown action (a finding with a suggestion) and non-ASCII
text (so columns are counted in characters). Each is linted with every
`--format`; the best of --runs wall times and the peak memory (maxrss, from
os.wait4) are printed, then each size's ratio to the 1 MB run: linear time
gives about 2, 5 and 10, a quadratic part 4, 25 and 100.
"""

import argparse
import os
import subprocess
import time

SIZES_MB = [1, 2, 5, 10]
FORMATS = ["compact", "json", "sarif", "github", "human"]


def statement(i):
    return (
        '{"Sid": "S%d", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectt%d"], '
        '"Resource": "arn:aws:s3:::bucket-%d/*", '
        '"Condition": {"StringEquals": {"aws:PrincipalTag/équipe": "données-%d"}}}' % (i, i % 10, i, i)
    )


def policy(size, one_line):
    """A policy of about `size` bytes (never more)."""
    sep = ", " if one_line else ",\n    "
    head = '{"Version": "2012-10-17", "Statement": [' + ("" if one_line else "\n    ")
    tail = "]}\n" if one_line else "\n]}\n"
    parts, total, i = [], len(head.encode()) + len(tail), 0
    while True:
        s = statement(i)
        n = len(s.encode()) + (len(sep) if parts else 0)
        if total + n > size:
            break
        parts.append(s)
        total += n
        i += 1
    return head + sep.join(parts) + tail


def measure(binary, path, fmt, runs):
    best, rss = None, 0
    for _ in range(runs):
        start = time.perf_counter()
        with open(os.devnull, "wb") as null:
            p = subprocess.Popen(
                [binary, "--isolated", "--quiet", "--format", fmt, path],
                stdout=null,
                stderr=subprocess.PIPE,
                env={**os.environ, "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": ""},
            )
            _, status, usage = os.wait4(p.pid, 0)
        took = time.perf_counter() - start
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            return None, 0, "exit %d: %s" % (code, err.strip()[:200])
        best = took if best is None else min(best, took)
        rss = max(rss, usage.ru_maxrss / 1024)
    return best, rss, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default="target/release/policy-lint")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--sizes", default=",".join(map(str, SIZES_MB)), help="in MB (10^6 bytes)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "linear")
    os.makedirs(out, exist_ok=True)
    print("| shape | format | " + " | ".join("%d MB s / MiB" % s for s in sizes) + " | time ratios | memory ratios |")
    print("| --- | --- | " + " | ".join("---" for _ in sizes) + " | --- | --- |")
    for shape, one_line in [("multi-line", False), ("one line", True)]:
        paths = {}
        for s in sizes:
            path = os.path.join(out, "%s-%dmb.json" % (shape.replace(" ", "-"), s))
            if not os.path.exists(path):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(policy(s * 1_000_000, one_line))
            paths[s] = path
        for fmt in formats:
            cells, times, mems, note = [], {}, {}, ""
            for s in sizes:
                t, m, err = measure(args.binary, paths[s], fmt, args.runs)
                if t is None:
                    cells.append("failed")
                    note = err
                    continue
                times[s], mems[s] = t, m
                cells.append("%.3f / %.0f" % (t, m))
            base = sizes[0]

            def ratios(v):
                if base not in v:
                    return "-"
                return " ".join("%d:%.2f" % (s, v[s] / v[base]) for s in sizes[1:] if s in v)

            print("| %s | %s | %s | %s | %s |" % (shape, fmt, " | ".join(cells), ratios(times), ratios(mems)))
            if note:
                print("|  | %s: %s |" % (fmt, note))


if __name__ == "__main__":
    main()
