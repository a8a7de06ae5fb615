#!/usr/bin/env bash
# npm run containers:down — stops what containers:setup and containers:check started: the check's containers
# (compose project, containers-mode stack, image runs) and the podman API service. Installed packages, the engine
# settings and the built images stay (`podman images localhost/nhs-anonymiser/*`; remove with `podman rmi`).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=dev/containers/lib.sh
. dev/containers/lib.sh

CHECK_DIR="${TMPDIR:-/tmp}/nhs-anonymiser-containers-check"
if command -v podman >/dev/null; then
  if engine_answers && command -v docker-compose >/dev/null; then
    KEYRING_JSON=unused docker-compose --project-name nhs-anonymiser-check --profile producer \
      down --volumes --remove-orphans >/dev/null 2>&1 || true
  fi
  if [ -x "$NODE_BIN" ]; then
    STACK_STATE_DIR="${STACK_STATE_DIR:-$CHECK_DIR/stack}" STACK_ENV_FILE="${STACK_ENV_FILE:-$CHECK_DIR/stack.env}" \
      "$NODE_BIN" dev/stack/cli.ts down || true
  fi
  # Anything labelled by the check or by a containers-mode start that did not finish.
  for label in nhs-anonymiser.check nhs-anonymiser.stack com.docker.compose.project=nhs-anonymiser-check; do
    ids=$(podman ps --all --quiet --filter "label=$label")
    [ -z "$ids" ] || podman rm --force --time 10 $ids >/dev/null
  done
fi

pidfile="$CONTAINERS_RUN_DIR/podman-service.pid"
if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  # Only the process setup started: its command line must still be the API service.
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "podman system service"; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    echo "stopped the podman API service (pid $pid)"
  fi
  rm -f "$pidfile" "$PODMAN_SOCKET"
else
  echo "no podman API service recorded by containers:setup"
fi
echo "images kept: podman images --filter reference='localhost/nhs-anonymiser*'"
