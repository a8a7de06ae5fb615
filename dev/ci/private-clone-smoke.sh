#!/usr/bin/env bash
# Start from any folder (issue 12, part 3): clone the committed HEAD into a fresh folder only its owner can enter
# (mode 0700, as `mktemp -d` makes it and as root's home is), install there, and run the stack smoke test on a stack
# of its own whose ports, state and env file are inside that folder. As root, PostgreSQL runs as the `postgres`
# user, which cannot enter such a folder; the stack must cope (docs/adr/0002-local-stack.md).
#   bash dev/ci/private-clone-smoke.sh        (PRIVATE_CLONE_PORT_BASE, default 23000, picks the ports)
set -euo pipefail
source_repo=$(cd "$(dirname "$0")/../.." && pwd)
commit=$(git -C "$source_repo" rev-parse HEAD)
private=$(mktemp -d)
chmod 700 "$private"
export STACK_PORT_BASE=${PRIVATE_CLONE_PORT_BASE:-23000}
export STACK_STATE_DIR="$private/state"
export STACK_ENV_FILE="$private/stack.env"

cleanup() {
  status=$?
  # The test run stops the stack it started; this is the safety net for a run that died half-way.
  if [ -x "$private/repo/node_modules/.bin/node" ]; then
    (cd "$private/repo" && npm run -s stack:down >/dev/null 2>&1) || true
  fi
  rm -rf "$private"
  exit "$status"
}
trap cleanup EXIT INT TERM

started=$(date +%s)
echo "private folder $private (mode $(stat -c %a "$private")), commit ${commit:0:12}, port base $STACK_PORT_BASE"
git clone --quiet --no-checkout "$source_repo" "$private/repo"
# The exact commit, also when HEAD is detached (CI checkouts).
git -C "$private/repo" fetch --quiet "$source_repo" "$commit"
git -C "$private/repo" checkout --quiet --detach "$commit"
cd "$private/repo"
npm ci --strict-allow-scripts --no-fund --no-audit --loglevel=error
npm exec --no -- vitest run --project integration tests/integration/stack-smoke.test.ts
echo "start from a private folder: passed in $(($(date +%s) - started)) s"
