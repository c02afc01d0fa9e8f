#!/usr/bin/env bash
# End-to-end check with a real editor: Neovim, headless, starts
# `policy-lint server`, opens a fixture, and reads back the diagnostics; they
# must be the findings `policy-lint --format compact` reports for the same file.
#
#   editors/nvim/e2e.sh            # needs `nvim` (Debian: apt-get install neovim)
#   INSTALL=1 editors/nvim/e2e.sh  # installs the Debian package first (root)
#
# Not part of `cargo test` or .ci/run: it needs the editor installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v nvim >/dev/null; then
  if [ "${INSTALL:-}" = 1 ]; then
    apt-get update -qq && apt-get install -y -qq neovim
  else
    echo "e2e: Neovim is not installed: apt-get install neovim, or run with INSTALL=1" >&2
    exit 2
  fi
fi
bin=${POLICY_LINT:-target/debug/policy-lint}
if [ -z "${POLICY_LINT:-}" ]; then
  cargo build --locked --quiet
fi
bin=$(realpath "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for fixture in fixtures/examples/sma-handler-broken.json fixtures/sma-lambda-permission-missing/fire/no-permission.tf \
  fixtures/sma-lambda-permission-missing/fire/wrong-principal.yaml; do
  name=$(basename "$fixture")
  cp "$fixture" "$work/$name"
  (cd "$work" && "$bin" --isolated --format compact "$name" || true) |
    sed -E 's/^[^:]+:([0-9]+):([0-9]+): ([a-z]+)\[([a-z0-9-]+)\]:.*/\1:\2: \3[\4]/' | sort > "$work/expected"
  POLICY_LINT_BIN=$bin OUT="$work/got" nvim --headless --clean -c "luafile editors/nvim/e2e.lua" "$work/$name" > /dev/null 2>&1
  if diff -u "$work/expected" "$work/got" > "$work/diff"; then
    echo "ok   $fixture: $(wc -l < "$work/got") diagnostics, as the command line reports"
  else
    echo "FAIL $fixture: Neovim's diagnostics differ from the command line's:"
    cat "$work/diff"
    status=1
  fi
  rm -f "$work/$name"
done
echo "Neovim $(nvim --version | head -1 | cut -d' ' -f2)"
exit $status
