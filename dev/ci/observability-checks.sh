#!/usr/bin/env bash
# Offline observability checks for the Prometheus config, recording rules and alerts:
#
#   1. promtool check config   ops/prometheus/prometheus.yml (also loads rules/*.yml next to it)
#   2. promtool check rules    ops/prometheus/rules/*.yml
#   3. promtool test rules     ops/prometheus/tests/*.test.yml (fire and not-fire cases for every alert)
#   4. dashboard JSON and Grafana provisioning YAML parse
#
# Prometheus and promtool come from the Debian `prometheus` package, installed here when promtool is missing
# (as root, or through sudo when it is available). The integration test tests/integration/dashboard-queries.test.ts
# needs the same `prometheus` binary on PATH, so run this script before the integration tests on a fresh machine.
# Exit status is non-zero when any check fails.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

declare -a SUMMARY=()
FAILED=0

now() { date +%s; }
record() { # name status seconds detail
  SUMMARY+=("$(printf '%-24s %-5s %4ss  %s' "$1" "$2" "$3" "$4")")
  if [ "$2" = "FAIL" ]; then FAILED=1; fi
}
section() { printf '\n== %s\n' "$1"; }

# --- 0. install -------------------------------------------------------------
section "prometheus / promtool"
t0=$(now)
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "promtool is missing and this user cannot install packages (not root, no sudo)"
    fi
  fi
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "installing the Debian prometheus package (provides prometheus and promtool)"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  fi
fi
if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
  version="$(prometheus --version 2>&1 | head -1)"
  echo "$version"
  record "install" ok $(($(now) - t0)) "$version"
else
  record "install" FAIL $(($(now) - t0)) "prometheus/promtool not installed (apt-get install prometheus)"
  printf '\n== summary\n'
  printf '%s\n' "${SUMMARY[@]}"
  exit 1
fi

# --- 1. config --------------------------------------------------------------
# Offline: check config only parses the file and the rule files it names; it resolves no target host names.
section "promtool check config ops/prometheus/prometheus.yml"
t0=$(now)
if promtool check config ops/prometheus/prometheus.yml; then
  record "check config" ok $(($(now) - t0)) "ops/prometheus/prometheus.yml"
else
  record "check config" FAIL $(($(now) - t0)) "ops/prometheus/prometheus.yml"
fi

# --- 2. rules ---------------------------------------------------------------
section "promtool check rules ops/prometheus/rules/*.yml"
t0=$(now)
if out="$(promtool check rules ops/prometheus/rules/*.yml 2>&1)"; then
  echo "$out"
  record "check rules" ok $(($(now) - t0)) "$(echo "$out" | grep -o '[0-9]* rules found' | paste -sd, -)"
else
  echo "$out"
  record "check rules" FAIL $(($(now) - t0)) "see output above"
fi

# --- 3. rule unit tests -----------------------------------------------------
section "promtool test rules ops/prometheus/tests/*.test.yml"
t0=$(now)
if out="$(promtool test rules ops/prometheus/tests/*.test.yml 2>&1)"; then
  echo "$out"
  groups=$(grep -c '^  - name:' ops/prometheus/tests/*.test.yml | awk -F: '{s+=$NF} END {print s}')
  record "test rules" ok $(($(now) - t0)) "$groups test groups"
else
  echo "$out"
  record "test rules" FAIL $(($(now) - t0)) "see output above"
fi

# --- 4. dashboards and provisioning -----------------------------------------
section "Grafana dashboard JSON and provisioning YAML"
t0=$(now)
if [ -x node_modules/.bin/node ] && [ -d node_modules/yaml ]; then
  if out="$(node_modules/.bin/node --input-type=module -e '
    import { readFileSync, readdirSync } from "node:fs";
    import YAML from "yaml";
    let panels = 0, queries = 0;
    for (const f of readdirSync("ops/grafana/dashboards").filter((f) => f.endsWith(".json"))) {
      const d = JSON.parse(readFileSync(`ops/grafana/dashboards/${f}`, "utf8"));
      if (!d.uid) throw new Error(`${f}: no uid`);
      for (const p of d.panels.flatMap((p) => [p, ...(p.panels ?? [])])) {
        if (p.type === "row") continue;
        panels++;
        for (const t of p.targets ?? []) { queries++; if (!t.expr) throw new Error(`${f}: panel ${p.title} has an empty query`); }
      }
    }
    for (const dir of ["datasources", "dashboards"])
      for (const f of readdirSync(`ops/grafana/provisioning/${dir}`)) YAML.parse(readFileSync(`ops/grafana/provisioning/${dir}/${f}`, "utf8"));
    console.log(`${panels} panels, ${queries} queries`);
  ' 2>&1)"; then
    echo "$out"
    record "grafana files" ok $(($(now) - t0)) "$out"
  else
    echo "$out"
    record "grafana files" FAIL $(($(now) - t0)) "see output above"
  fi
else
  record "grafana files" skip $(($(now) - t0)) "run npm ci first (needs node_modules)"
fi

printf '\n== summary\n'
printf '%s\n' "${SUMMARY[@]}"
if [ "$FAILED" -ne 0 ]; then
  echo "observability checks FAILED"
  exit 1
fi
echo "observability checks passed"
