# Shared by setup.sh, check.sh and down.sh (sourced, not run).
#
# The engine is Debian's podman serving the Docker API on its own socket. DOCKER_HOST is set here explicitly, for
# the docker-compose and Testcontainers clients these scripts start: nothing creates /var/run/docker.sock, so other
# users of the machine keep seeing no Docker engine unless they ask for this one.

export DOCKER_HOST="unix:///run/podman/podman.sock"
PODMAN_SOCKET="/run/podman/podman.sock"
# What setup started (the API service's pid and log); /run is emptied on reboot, like the service itself.
CONTAINERS_RUN_DIR="/run/nhs-anonymiser-containers"
# Node 24 from the `node` dev dependency (the system Node may be older).
NODE_BIN="node_modules/.bin/node"

# Testcontainers on this engine: the Ryuk reaper image cannot be pulled, and the host has a /.dockerenv file, which
# would otherwise make mapped ports resolve to the bridge address. dev/stack/containers.ts sets the same defaults.
export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-localhost}"

# step NAME COMMAND...: runs COMMAND with its output in a log file and prints one line with the time it took.
# On failure the log's tail is printed and the script stops (set -e in the callers).
STEP_LOG_DIR="${STEP_LOG_DIR:-${TMPDIR:-/tmp}/nhs-anonymiser-containers-logs}"
step() {
  local name="$1"
  shift
  mkdir -p "$STEP_LOG_DIR"
  local log="$STEP_LOG_DIR/$(printf '%s' "$name" | tr -c 'A-Za-z0-9' '-').log"
  local rc=0 t0 elapsed
  t0=$(date +%s.%N)
  "$@" >"$log" 2>&1 || rc=$?
  elapsed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if [ "$rc" -eq 0 ]; then
    printf 'ok    %-56s %7s s\n' "$name" "$elapsed"
  else
    printf 'FAIL  %-56s %7s s  (exit %s; log: %s)\n' "$name" "$elapsed" "$rc" "$log"
    tail -n 40 "$log" | sed 's/^/      /'
    return "$rc"
  fi
}

# True when the Docker API answers on the podman socket.
engine_answers() {
  [ -S "$PODMAN_SOCKET" ] && [ "$(curl -fsS --max-time 3 --unix-socket "$PODMAN_SOCKET" http://d/_ping 2>/dev/null)" = "OK" ]
}
