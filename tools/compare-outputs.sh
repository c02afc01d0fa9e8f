#!/usr/bin/env bash
# Compares two builds' outputs byte for byte, for work that must not change
# behaviour (a refactor): every format over fixtures/, ../shared/corpus/ and
# the benchmark corpora (bench/out/*, when generated), plus `rules` and every
# rule's `explain`, with exit codes.
#
#   tools/compare-outputs.sh BEFORE_BINARY [AFTER_BINARY]
#
# AFTER_BINARY defaults to target/release/policy-lint. Prints one line a
# comparison and exits 1 if any differs (the differences are left in a
# temporary directory, named at the end).
set -u
export NO_COLOR=1
cd "$(dirname "$0")/.."
before=$(realpath "$1")
after=$(realpath "${2:-target/release/policy-lint}")
out=$(mktemp -d)
targets=(fixtures)
[ -d ../shared/corpus ] && targets+=(../shared/corpus)
# The benchmark's corpora; not bench/out/linear, whose 10 MB one-line files
# exist to show how an older build's time and memory grow with them.
for d in bench/out/*/; do
    [ "$d" = bench/out/linear/ ] || targets+=("${d%/}")
done
differ=0
same=0
compare() { # name, then the command's arguments
    local name=$1
    shift
    "$before" "$@" >"$out/$name.before" 2>&1
    echo "exit $?" >>"$out/$name.before"
    "$after" "$@" >"$out/$name.after" 2>&1
    echo "exit $?" >>"$out/$name.after"
    if cmp -s "$out/$name.before" "$out/$name.after"; then
        same=$((same + 1))
        rm "$out/$name.before" "$out/$name.after"
    else
        differ=$((differ + 1))
        echo "DIFFERS: $name ($*)"
    fi
}
for t in "${targets[@]}"; do
    tag=$(echo "$t" | tr '/.' '__')
    for format in human compact json sarif github; do
        compare "$tag.$format" --format "$format" "$t"
    done
done
compare rules rules
for rule in $("$after" rules | awk '{print $1}'); do
    [ "$rule" = "AWS" ] && continue
    compare "explain.$rule" explain "$rule"
done
echo "$same identical, $differ different (outputs in $out)"
[ "$differ" -eq 0 ]
