#!/usr/bin/env sh
# Fills fuzz/corpus/<target>/ (git-ignored) with starting inputs from the
# fixtures and fuzz/seeds/, so the fuzzers begin from real policies rather than from nothing.
set -eu
cd "$(dirname "$0")"
for t in json yaml hcl policy_tree pipeline; do mkdir -p "corpus/$t"; done
find ../fixtures seeds -type f ! -name "*.expected" | while read -r f; do
    base=$(echo "${f#../fixtures/}" | tr '/' '_')
    case "$f" in
        *.json) cp "$f" "corpus/json/$base" ;;
        *.yaml|*.yml) cp "$f" "corpus/yaml/$base" ;;
        *.tf) cp "$f" "corpus/hcl/$base" ;;
    esac
    # pipeline: the first byte picks the name (0 policy.json, 1 template.yaml, 2 main.tf).
    case "$f" in
        *.yaml|*.yml) pick='\001' ;;
        *.tf) pick='\002' ;;
        *) pick='\000' ;;
    esac
    { printf "$pick"; cat "$f"; } > "corpus/pipeline/$base"
    head -c 512 "$f" > "corpus/policy_tree/$base"
done
