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

# The labels that mark every container the project starts: containers-mode stacks (dev/stack/containers.ts), the
# image runs of tests/containers/image.spec.ts, and the compose project of tests/containers/compose.spec.ts.
COMPOSE_PROJECT="nhs-anonymiser-check"
PROJECT_LABELS=(nhs-anonymiser.stack nhs-anonymiser.check "com.docker.compose.project=$COMPOSE_PROJECT")

# Ids of the project's containers that exist now (short ids, one a line).
existing_project_containers() {
  local label
  for label in "${PROJECT_LABELS[@]}"; do
    podman ps --all --quiet --filter "label=$label" 2>/dev/null || true
  done | sort -u
}

# remove_project_containers: stops (10 s grace, then SIGKILL) and removes every container with a project label.
remove_project_containers() {
  local ids
  ids=$(existing_project_containers)
  # shellcheck disable=SC2086 # one id per word
  [ -z "$ids" ] || podman rm --force --time 10 $ids >/dev/null
}

# Full ids of the project's containers: those that exist now, and every one created since boot according to the
# engine's event log (create events carry the labels), so that containers already removed are known too.
project_container_ids() {
  local label
  {
    for label in "${PROJECT_LABELS[@]}"; do
      podman ps --all --quiet --no-trunc --filter "label=$label" 2>/dev/null || true
    done
    podman events --stream=false --filter type=container --filter event=create \
      --format '{{.ID}} check={{index .Attributes "nhs-anonymiser.check"}} stack={{index .Attributes "nhs-anonymiser.stack"}} compose={{index .Attributes "com.docker.compose.project"}}' \
      2>/dev/null | awk -v project="$COMPOSE_PROJECT" \
      '$2 != "check=" || $3 != "stack=" || $4 == "compose=" project { print $1 }' || true
  } | grep -E '^[0-9a-f]{64}$' | sort -u
}

# conmon_arg PID OPTION...: the value of the first of these options on a conmon process's command line.
conmon_arg() {
  local pid="$1"
  shift
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" |
    awk -v opts=" $* " 'index(opts, " " prev " ") { print; exit } { prev = $0 }'
}

# conmon processes of the project's containers that no longer exist. Podman starts a conmon pair for each exec through
# the Docker API and leaves it sleeping for the engine's exit_command_delay (300 s) after the exec ended; removing the
# container does not end it. A container that still exists is not matched: `podman rm` ends its own processes.
orphaned_project_conmon_pids() {
  local ids pid cid
  ids=$(project_container_ids)
  [ -n "$ids" ] || return 0
  for pid in $(pgrep -x conmon || true); do
    cid=$(conmon_arg "$pid" -c --cid)
    if [ -n "$cid" ] && grep -qxF "$cid" <<<"$ids" && ! podman container exists "$cid" 2>/dev/null; then
      echo "$pid"
    fi
  done
}

# describe_conmon PID: its container and exec session, parent pid, age and command line (cut at 160 characters).
describe_conmon() {
  printf '  container %.12s, exec session %.12s: pid %s, parent %s, %s s old: %s\n' \
    "$(conmon_arg "$1" -c --cid)" "$(conmon_arg "$1" -u --cuuid)" "$1" \
    "$(ps -o ppid= -p "$1" | tr -d ' ')" "$(ps -o etimes= -p "$1" | tr -d ' ')" \
    "$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | cut -c1-160)"
}

# Orphaned conmon processes of the project after a grace of 5 s (a container's own monitor exits a moment after the
# container is removed).
lingering_project_conmon_pids() {
  local pids
  for _ in 1 2 3 4 5; do
    pids=$(orphaned_project_conmon_pids)
    [ -n "$pids" ] || return 0
    sleep 1
  done
  echo "$pids"
}

# project_leftovers: prints the project's containers that still exist and the conmon processes of its removed ones;
# returns 1 if there is any.
project_leftovers() {
  local containers pids pid label
  containers=$(existing_project_containers)
  pids=$(lingering_project_conmon_pids)
  [ -n "$containers$pids" ] || return 0
  if [ -n "$containers" ]; then
    echo "project containers still there:"
    for label in "${PROJECT_LABELS[@]}"; do
      podman ps --all --filter "label=$label" --format '  {{.ID}} {{.Names}} {{.Status}}'
    done | sort -u
  fi
  if [ -n "$pids" ]; then
    echo "conmon processes of removed project containers:"
    for pid in $pids; do describe_conmon "$pid"; done
  fi
  return 1
}

# reap_project_conmon: ends the conmon processes of the project's removed containers (TERM, then KILL after 5 s),
# naming each one on standard error. Returns 1 if there were any, 0 if none.
reap_project_conmon() {
  local pids pid alive
  pids=$(lingering_project_conmon_pids)
  [ -n "$pids" ] || return 0
  echo "ending conmon processes of removed project containers:" >&2
  for pid in $pids; do
    describe_conmon "$pid" >&2
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 25); do
    alive=""
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
    [ -n "$alive" ] || return 1
    sleep 0.2
  done
  # Still there after 5 s: KILL, each pid checked again to be one of them.
  for pid in $(orphaned_project_conmon_pids); do
    case " $alive " in *" $pid "*) kill -KILL "$pid" 2>/dev/null || true ;; esac
  done
  return 1
}
