#!/usr/bin/env bash
# Offline deployment checks: everything about the container, the workflows and
# the Terraform that can be verified without a Docker engine, cloud credentials
# or Terraform provider plugins.
#
#   1. terraform fmt -check           (formatting of terraform/)
#   2. checkov                        (terraform/, Dockerfile, .github/workflows; zero failures allowed)
#   3. actionlint                     (.github/workflows)
#   4. docker compose config -q       (only if the compose plugin answers; else skipped, see tests)
#   5. policy tests                   (tests/deploy: HCL, compose and workflow rules checkov lacks)
#
# Tools are installed into a cache outside the repository, at pinned versions:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/anonymiser/{checkov-venv,bin}
# Not run here, by design: terraform init/validate/plan (providers cannot be
# downloaded offline), docker build, image scanning (CI does those).
set -uo pipefail

CHECKOV_VERSION="3.3.30"
ACTIONLINT_VERSION="v1.7.12"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/anonymiser"
CHECKOV_VENV="$CACHE_DIR/checkov-venv"
TOOLS_BIN="$CACHE_DIR/bin"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CACHE_DIR" "$TOOLS_BIN"

# A CLI config path that points at nothing only produces warnings.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
# checkov: never call the vendor platform.
export BC_SKIP_MAPPING=TRUE

declare -a SUMMARY=()
FAILED=0

now() { date +%s; }
record() { # name status seconds detail
  SUMMARY+=("$(printf '%-22s %-7s %4ss  %s' "$1" "$2" "$3" "$4")")
  if [ "$2" = "FAIL" ]; then FAILED=1; fi
}
section() { printf '\n== %s\n' "$1"; }

# --- 1. terraform fmt -------------------------------------------------------
section "terraform fmt -check -recursive terraform"
t0=$(now)
if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform is not on PATH"
  record "terraform fmt" FAIL $(($(now) - t0)) "terraform not installed"
elif terraform fmt -check -recursive -diff terraform; then
  record "terraform fmt" ok $(($(now) - t0)) "$(terraform version | head -1)"
else
  record "terraform fmt" FAIL $(($(now) - t0)) "run: terraform fmt -recursive terraform"
fi

# --- 2. checkov -------------------------------------------------------------
section "checkov $CHECKOV_VERSION (terraform, Dockerfile, GitHub Actions)"
t0=$(now)
checkov_ready() { [ -x "$CHECKOV_VENV/bin/checkov" ] && [ "$("$CHECKOV_VENV/bin/checkov" --version 2>/dev/null)" = "$CHECKOV_VERSION" ]; }
if ! checkov_ready; then
  echo "installing checkov $CHECKOV_VERSION into $CHECKOV_VENV"
  rm -rf "$CHECKOV_VENV"
  python3 -m venv "$CHECKOV_VENV" \
    && "$CHECKOV_VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
if checkov_ready; then
  ck_status=0
  run_checkov() { # label framework... -- target args
    local label="$1"; shift
    "$CHECKOV_VENV/bin/checkov" --config-file .checkov.yaml "$@" -o json >"$WORK/checkov-$label.json" 2>"$WORK/checkov-$label.err"
    local rc=$?
    # checkov exits 1 when checks fail (counted below); anything else is a crash.
    if [ "$rc" -gt 1 ] || [ ! -s "$WORK/checkov-$label.json" ]; then
      echo "checkov crashed on $label (exit $rc):"; tail -20 "$WORK/checkov-$label.err"; ck_status=1
    fi
  }
  run_checkov terraform -d terraform --framework terraform secrets
  run_checkov workflows -d .github/workflows --framework github_actions secrets
  run_checkov dockerfile -f Dockerfile --framework dockerfile secrets
  if "$CHECKOV_VENV/bin/python" - "$WORK" >"$WORK/checkov-summary.txt" <<'PY'
import json, pathlib, sys

work = pathlib.Path(sys.argv[1])
reports = []
for label in ("terraform", "workflows", "dockerfile"):
    text = (work / f"checkov-{label}.json").read_text()
    decoder, i = json.JSONDecoder(), 0
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        obj, i = decoder.raw_decode(text, i)
        reports.extend(obj if isinstance(obj, list) else [obj])

totals = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}
lines = []
for r in reports:
    s = r.get("summary", {})
    for k in totals:
        totals[k] += int(s.get(k, 0))
    lines.append(f"  {r.get('check_type', '?'):<15} passed {s.get('passed', 0):>4}  failed {s.get('failed', 0):>3}  skipped {s.get('skipped', 0):>3}  parsing errors {s.get('parsing_errors', 0)}")
    results = r.get("results", {})
    for c in results.get("failed_checks", []):
        lines.append(f"    FAILED  {c['check_id']} {c['resource']} ({c['file_path']}:{c['file_line_range'][0]}) {c.get('check_name', '')}")
    for c in results.get("skipped_checks", []):
        reason = (c.get("check_result") or {}).get("suppress_comment") or "(no reason given)"
        lines.append(f"    skipped {c['check_id']} {c['resource']}: {reason}")
print("\n".join(lines))
print(f"TOTALS passed={totals['passed']} failed={totals['failed']} skipped={totals['skipped']} parsing_errors={totals['parsing_errors']}")
sys.exit(1 if totals["failed"] or totals["parsing_errors"] else 0)
PY
  then summary_ok=1; else summary_ok=0; fi
  cat "$WORK/checkov-summary.txt"
  counts="$(grep '^TOTALS' "$WORK/checkov-summary.txt" | sed 's/^TOTALS //')"
  if [ "$summary_ok" = 1 ] && [ "$ck_status" = 0 ]; then
    record "checkov" ok $(($(now) - t0)) "$counts"
  else
    record "checkov" FAIL $(($(now) - t0)) "${counts:-no results}"
  fi
else
  record "checkov" FAIL $(($(now) - t0)) "could not install checkov $CHECKOV_VERSION from PyPI"
fi

# --- 3. actionlint ----------------------------------------------------------
section "actionlint $ACTIONLINT_VERSION"
t0=$(now)
ACTIONLINT="$TOOLS_BIN/actionlint"
actionlint_ready() { [ -x "$ACTIONLINT" ] && "$ACTIONLINT" -version 2>/dev/null | head -1 | grep -qxE "v?${ACTIONLINT_VERSION#v}"; }
if ! actionlint_ready; then
  if command -v go >/dev/null 2>&1; then
    echo "installing actionlint $ACTIONLINT_VERSION into $TOOLS_BIN"
    GOBIN="$TOOLS_BIN" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  else
    echo "go is not on PATH"
  fi
fi
if actionlint_ready; then
  if "$ACTIONLINT" -no-color; then
    record "actionlint" ok $(($(now) - t0)) "$(find .github/workflows -name '*.y*ml' | wc -l | tr -d ' ') workflow file(s)"
  else
    record "actionlint" FAIL $(($(now) - t0)) "see messages above"
  fi
else
  record "actionlint" FAIL $(($(now) - t0)) "could not install actionlint $ACTIONLINT_VERSION"
fi

# --- 4. docker compose config -----------------------------------------------
section "docker compose config"
t0=$(now)
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  # config needs no engine; a throwaway keyring satisfies the required variable.
  if KEYRING_JSON='{"active":"k1","keys":{"k1":"Y29tcG9zZS1jb25maWctY2hlY2stb25seS0zMi1ieXRlcw=="}}' \
    docker compose -f docker-compose.yml config -q; then
    record "compose config" ok $(($(now) - t0)) "docker compose config -q"
  else
    record "compose config" FAIL $(($(now) - t0)) "docker compose config -q failed"
  fi
else
  echo "docker compose plugin not available on this machine: skipped."
  echo "The compose file's structure is checked by tests/deploy/compose.test.ts instead."
  record "compose config" skip $(($(now) - t0)) "no compose plugin; structure covered by tests/deploy"
fi

# --- 5. policy tests --------------------------------------------------------
section "policy tests (vitest tests/deploy)"
t0=$(now)
if [ -x node_modules/.bin/vitest ]; then
  if npx --no-install vitest run --project unit tests/deploy; then
    record "policy tests" ok $(($(now) - t0)) "vitest tests/deploy"
  else
    record "policy tests" FAIL $(($(now) - t0)) "vitest tests/deploy failed"
  fi
else
  record "policy tests" FAIL $(($(now) - t0)) "node_modules missing: run npm ci"
fi

# --- summary ----------------------------------------------------------------
section "summary"
printf '%s\n' "${SUMMARY[@]}"
echo "not verifiable offline: terraform init/validate/plan (no provider plugins), docker build and image scan, the AWS deployment itself"
if [ "$FAILED" != 0 ]; then
  echo "deploy checks: FAILED"
  exit 1
fi
echo "deploy checks: passed"
