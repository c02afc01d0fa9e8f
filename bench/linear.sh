#!/usr/bin/env sh
# Time and memory against input size (1, 2, 5, 10 MB policies, one line and
# many, every --format), with the ratios to 1 MB: linear is 2, 5, 10.
#
#   bench/linear.sh                      # builds the release binary first
#   bench/linear.sh --formats compact,json --runs 5
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 bench/linear.py "$@"
