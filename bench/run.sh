#!/usr/bin/env sh
# The benchmark, runnable by anyone from a checkout:
#
#   bench/run.sh                    # all sizes (1, 200, 2000, 20000 files); peers if installed
#   bench/run.sh --sizes 1,200      # a quick look
#   bench/run.sh --install-peers    # first put Parliament, cfn-lint and Checkov in bench/.venv
#
# Builds the release binary, generates the corpus into bench/out/ (once), and
# prints Markdown tables: policy-lint, its parse-only floor, and the peers on
# the same files. Other options: see `python3 bench/bench.py --help`.
set -eu
cd "$(dirname "$0")/.."

install=no
for arg in "$@"; do
    [ "$arg" = "--install-peers" ] && install=yes
done
if [ "$install" = yes ]; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet --upgrade pip
    bench/.venv/bin/pip install --quiet parliament cfn-lint checkov
fi

cargo build --release --quiet

args=""
for arg in "$@"; do
    [ "$arg" = "--install-peers" ] || args="$args $arg"
done
# shellcheck disable=SC2086 # word splitting of the remaining options is intended
exec python3 bench/bench.py $args
