#!/usr/bin/env bash
# npm run containers:setup — a container engine on this machine, and the images that cannot be pulled here.
#
#   1. Debian's podman, runc, mmdebstrap and docker-compose (apt), when missing.
#   2. /etc/containers/containers.conf: runc as the runtime, default ulimits the VM allows.
#   3. The Docker API on unix:///run/podman/podman.sock (`podman system service`, pid kept for containers:down).
#   4. The local base and service images (dev/containers/images.ts), rebuilt only when their definition changed.
#
# Idempotent: a second run checks each step and changes nothing. Run as root (it installs packages).
# docs/deployment.md ("Containers on a machine without Docker") explains the choices.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=dev/containers/lib.sh
. dev/containers/lib.sh

# Without recommends: docker-compose would otherwise bring docker.io (a second engine, with containerd). catatonit is
# podman's --init; netavark (with iptables) and aardvark-dns give compose its networks and service-name DNS.
PACKAGES=(podman runc catatonit netavark aardvark-dns iptables slirp4netns uidmap mmdebstrap docker-compose curl)

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "all installed: ${PACKAGES[*]}"
    return 0
  fi
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The VM grants no CAP_SYS_RESOURCE (the open-files hard limit stops at 20000, podman asks 1048576 as root), and its
# hybrid cgroup layout is refused by crun; runc accepts it.
CONF=/etc/containers/containers.conf
CONF_BODY='# Written by the anonymisation pipeline'"'"'s `npm run containers:setup` (dev/containers/setup.sh).
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
'
write_engine_settings() {
  if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$(printf '%s' "$CONF_BODY")" ]; then
    echo "$CONF already has the settings"
    return 0
  fi
  if [ -s "$CONF" ] && ! grep -q "containers:setup" "$CONF"; then
    echo "$CONF exists with other settings; add these yourself and run again:" >&2
    printf '%s' "$CONF_BODY" >&2
    return 1
  fi
  mkdir -p "$(dirname "$CONF")"
  printf '%s' "$CONF_BODY" >"$CONF"
  echo "wrote $CONF"
}

start_api_service() {
  if engine_answers; then
    echo "the Docker API already answers on $PODMAN_SOCKET"
    return 0
  fi
  mkdir -p "$CONTAINERS_RUN_DIR" "$(dirname "$PODMAN_SOCKET")"
  rm -f "$PODMAN_SOCKET"
  # --time=0: never exit for inactivity. setsid: the service outlives this script, until containers:down.
  setsid podman system service --time=0 "unix://$PODMAN_SOCKET" \
    >"$CONTAINERS_RUN_DIR/podman-service.log" 2>&1 </dev/null &
  echo $! >"$CONTAINERS_RUN_DIR/podman-service.pid"
  for _ in $(seq 1 50); do
    if engine_answers; then
      echo "the Docker API answers on $PODMAN_SOCKET (podman system service, pid $(cat "$CONTAINERS_RUN_DIR/podman-service.pid"))"
      return 0
    fi
    sleep 0.2
  done
  echo "podman system service did not answer on $PODMAN_SOCKET within 10 s:" >&2
  cat "$CONTAINERS_RUN_DIR/podman-service.log" >&2
  return 1
}

if [ "$(id -u)" -ne 0 ]; then
  echo "containers:setup installs packages and runs podman as root; run it as root" >&2
  exit 1
fi
echo "== containers:setup (DOCKER_HOST=$DOCKER_HOST)"
step "engine packages (apt)" install_packages
step "engine settings ($CONF)" write_engine_settings
step "Docker API socket" start_api_service
# One line per image: built, or up to date (its recipe label matches).
"$NODE_BIN" dev/containers/images.ts build
