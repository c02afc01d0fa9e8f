#!/usr/bin/env sh
# Fills fuzz/corpus/<target>/ (git-ignored) with starting inputs from the
# fixtures and fuzz/seeds/, so the fuzzers begin from real policies rather than from nothing.
set -eu
cd "$(dirname "$0")"
for t in json yaml hcl policy_tree pipeline shapes; do mkdir -p "corpus/$t"; done
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
    # shapes: the first byte picks the name (0 policy.json, 1 template.yaml,
    # 2 main.tf) and, by tens, the shape (0 one line, 1 pushed right, 2 many
    # YAML documents, 3 repeated on one line); the second byte how much.
    case "$f" in
        *.yaml|*.yml) n=1 ;;
        *.tf) n=2 ;;
        *) n=0 ;;
    esac
    for shape in 0 1 2 3; do
        { printf "\\$(printf %o $((shape * 10 + n)))\\003"; cat "$f"; } > "corpus/shapes/${shape}_$base"
    done
done
