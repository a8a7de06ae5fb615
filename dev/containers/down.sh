#!/usr/bin/env bash
# npm run containers:down — stops what containers:setup and containers:check started: the check's containers
# (compose project, containers-mode stack, image runs), the conmon processes of removed ones, and the podman API
# service; then verifies that none of it is left. Installed packages, the engine settings and the built images stay
# (`podman images localhost/nhs-anonymiser/*`; remove with `podman rmi`). Exits 1 if something could not be stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=dev/containers/lib.sh
. dev/containers/lib.sh

CHECK_DIR="${TMPDIR:-/tmp}/nhs-anonymiser-containers-check"
if command -v podman >/dev/null; then
  if engine_answers && command -v docker-compose >/dev/null; then
    KEYRING_JSON=unused docker-compose --project-name "$COMPOSE_PROJECT" --profile producer \
      down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 || true
  fi
  if [ -x "$NODE_BIN" ]; then
    STACK_STATE_DIR="${STACK_STATE_DIR:-$CHECK_DIR/stack}" STACK_ENV_FILE="${STACK_ENV_FILE:-$CHECK_DIR/stack.env}" \
      "$NODE_BIN" dev/stack/cli.ts down || true
  fi
  # Anything labelled by the check or by a containers-mode start that did not finish.
  remove_project_containers
  # Podman leaves a conmon pair per Docker API exec sleeping for 300 s, past the container's removal (lib.sh).
  reap_project_conmon || true
fi

pidfile="$CONTAINERS_RUN_DIR/podman-service.pid"
if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  # Only the process setup started: its command line must still be the API service.
  if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "podman system service"; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      echo "the podman API service (pid $pid) did not stop within 10 s: killed"
    else
      echo "stopped the podman API service (pid $pid)"
    fi
  fi
  rm -f "$pidfile" "$PODMAN_SOCKET"
else
  echo "no podman API service recorded by containers:setup"
fi

# Verification: nothing of the project may be left.
left=0
if command -v podman >/dev/null && ! project_leftovers; then left=1; fi
if [ -n "${pid:-}" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "podman system service"; then
  echo "the podman API service (pid $pid) is still running"
  left=1
fi
if [ "$left" -ne 0 ]; then
  echo "containers:down left the processes above running" >&2
  exit 1
fi
echo "nothing left: no project container, no conmon process of one, no API service"
echo "images kept: podman images --filter reference='localhost/nhs-anonymiser*'"
