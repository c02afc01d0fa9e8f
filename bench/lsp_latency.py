#!/usr/bin/env python3
"""Latency of `policy-lint server`: from a change to a buffer to its diagnostics.

    python3 bench/lsp_latency.py [--binary target/release/policy-lint] [--files 2000] [--changes 40]

Generates the benchmark corpus (bench/gen_corpus.py) of --files files, starts
the server on it as an editor would, opens one file of each kind (a Terraform
file of a 200-file module, a policy document, a CloudFormation YAML template),
and types --changes changes into each, one at a time: a misspelt action put in
and taken out again. For each change it measures the time from sending
`didChange` to receiving that version's `publishDiagnostics`, and prints the
median and 90th percentile, raw and after the server's debounce (the wait for
typing to pause, `--debounce`), and the server's peak memory (VmHWM) and
resident memory at the end.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    def __init__(self, binary, root, debounce):
        self.p = subprocess.Popen(
            [binary, "server", "--debounce", str(debounce)],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.next_id = 1

    def send(self, message):
        body = json.dumps(message).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = 0
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("the server ended")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == i and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, version):
        while True:
            m = self.read()
            p = m.get("params") or {}
            if m.get("method") == "textDocument/publishDiagnostics" and p.get("uri") == uri and p.get("version") == version:
                return p["diagnostics"]

    def memory(self):
        out = {}
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmHWM", "VmRSS"):
                    out[k] = int(v.split()[0]) // 1024
        return out

    def stop(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(10)


def first(root, kind, ext):
    d = os.path.join(root, kind, "group-000")
    return os.path.join(d, sorted(n for n in os.listdir(d) if n.endswith(ext))[0])


def edits(path, text):
    """The text with a misspelt action put in, and the text as it was."""
    if path.endswith(".tf"):
        broken = text + '\ndata "aws_iam_policy_document" "typed" {\n  statement {\n    actions   = ["chime:GetSipRul"]\n    resources = ["*"]\n  }\n}\n'
    elif path.endswith(".json"):
        broken = text.replace('"Effect"', '"Sid": "typed", "Effect"', 1).replace('"Action": [', '"Action": ["chime:GetSipRul", ', 1)
        if broken == text:
            broken = text.rstrip() + "\n"
    else:
        broken = text + "\n# typed\n"
    return [broken, text]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "target", "release", "policy-lint"))
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--changes", type=int, default=40)
    ap.add_argument("--debounce", type=int, default=30)
    ap.add_argument("--corpus", help="directory for the corpus (default: a temporary one)")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        sys.exit("no binary at %s: cargo build --release" % binary)
    root = args.corpus or tempfile.mkdtemp(prefix="lsp-corpus-")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), root, str(args.files)], check=True)
    root = os.path.abspath(root)
    server = Server(binary, root, args.debounce)
    uri_root = "file://" + root
    server.request("initialize", {"processId": None, "rootUri": uri_root, "capabilities": {}})
    server.notify("initialized", {})
    print("%d files in %s; debounce %d ms" % (args.files, root, args.debounce))
    every = []
    for kind, ext in (("terraform", ".tf"), ("policies", ".json"), ("cfn-yaml", ".yaml")):
        path = first(root, kind, ext)
        text = open(path).read()
        uri = "file://" + path
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "", "version": 1, "text": text}})
        server.wait_diagnostics(uri, 1)
        unit = len([n for n in os.listdir(os.path.dirname(path)) if n.endswith(ext)]) if ext == ".tf" else 1
        times = []
        counts = set()
        versions = edits(path, text)
        for v in range(2, args.changes + 2):
            new = versions[v % 2]
            t0 = time.perf_counter()
            server.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": new}]},
            )
            counts.add(len(server.wait_diagnostics(uri, v)))
            times.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.05)
        every += times
        times.sort()
        p90 = times[int(len(times) * 0.9) - 1]
        med = statistics.median(times)
        print(
            "%-9s %-36s unit of %3d files: median %5.1f ms (%5.1f after debounce), p90 %5.1f ms; diagnostics %s"
            % (kind, os.path.relpath(path, root), unit, med, med - args.debounce, p90, sorted(counts))
        )
    med = statistics.median(every)
    mem = server.memory()
    print("all       median %.1f ms, %.1f ms after debounce" % (med, med - args.debounce))
    print("memory    peak %d MB, resident %d MB at the end" % (mem.get("VmHWM", 0), mem.get("VmRSS", 0)))
    server.stop()


if __name__ == "__main__":
    main()
