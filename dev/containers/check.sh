#!/usr/bin/env bash
# npm run containers:check — the image, compose and containers mode, for real, on the engine containers:setup starts.
#
# One line per step with its time (full output in the step's log file). Fails loudly, never skips: no engine on
# the socket is a failure. Uses its own stack state, env file and host ports (26xxx), so a local-process stack
# someone else runs on the default .stack/ is neither adopted nor stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=dev/containers/lib.sh
. dev/containers/lib.sh

CHECK_DIR="${TMPDIR:-/tmp}/nhs-anonymiser-containers-check"
export STACK_MODE=containers
export STACK_STATE_DIR="${STACK_STATE_DIR:-$CHECK_DIR/stack}"
export STACK_ENV_FILE="${STACK_ENV_FILE:-$CHECK_DIR/stack.env}"
export STEP_LOG_DIR="$CHECK_DIR/logs"
VITEST=node_modules/.bin/vitest
PIPELINE_IMAGE=localhost/nhs-anonymiser:local
PRODUCER_IMAGE=localhost/nhs-anonymiser-producer:local
export PIPELINE_IMAGE
mkdir -p "$CHECK_DIR"
npm run -s preflight

cleanup() {
  status=$?
  # The specs stop what they start; this is the safety net for a run that died half-way: the containers-mode stack,
  # the compose project (network and volume too), any other container with a project label, and the conmon processes
  # of the removed ones (podman leaves one pair per Docker API exec for 300 s; reap_project_conmon names them).
  npm run -s stack:down >/dev/null 2>&1 || true
  if [ -n "$(existing_project_containers)" ] && command -v docker-compose >/dev/null; then
    KEYRING_JSON=unused docker-compose --project-name "$COMPOSE_PROJECT" --profile producer \
      down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 || true
  fi
  remove_project_containers >/dev/null 2>&1 || true
  reap_project_conmon || true
  exit "$status"
}
trap cleanup EXIT INT TERM

echo "== containers:check (DOCKER_HOST=$DOCKER_HOST; logs in $STEP_LOG_DIR)"
no_engine() {
  echo "no container engine answers on $DOCKER_HOST: run npm run containers:setup" >&2
  return 1
}
step "engine answers (Docker API)" engine_answers || no_engine
# The local images (official ones cannot be pulled here): BASE_IMAGE, KAFKA_IMAGE, REGISTRY_IMAGE, ...
while IFS='=' read -r key value; do export "$key=$value"; done < <("$NODE_BIN" dev/containers/images.ts env)

nothing_left() {
  if project_leftovers; then
    echo "no project container and no conmon process of a removed one"
  else
    return 1
  fi
}

build() {
  podman build --format docker --layers --build-arg "BASE_IMAGE=$BASE_IMAGE" --target "$1" --tag "$2" .
}
step "image build (Dockerfile, runtime)" build runtime "$PIPELINE_IMAGE"
step "image build (Dockerfile, producer)" build producer "$PRODUCER_IMAGE"
step "containers-mode stack up (Testcontainers)" npm run -s stack:up
step "image run: ready, end to end, /metrics, drain, exit 0" "$VITEST" run --config vitest.containers.config.ts --project image
step "containers-mode smoke test" "$VITEST" run --project integration tests/integration/stack-smoke.test.ts
step "containers-mode end-to-end test" "$VITEST" run --project integration tests/integration/pipeline-e2e.test.ts
step "containers-mode stack down" npm run -s stack:down
step "compose up, producer, 2 replicas, Prometheus, down" "$VITEST" run --config vitest.containers.config.ts --project compose
# Every step stops what it started: no project container, and no conmon process of a removed one (lib.sh).
step "nothing left running (containers, conmon processes)" nothing_left

size=$(podman image inspect --format '{{.Size}}' "$PIPELINE_IMAGE")
echo "info  image $PIPELINE_IMAGE: $((size / 1000000)) MB"
grep -ho '\[\(image\|compose\)\] [^"]*' "$STEP_LOG_DIR"/*.log | sed 's/^/info  /' || true
