#!/usr/bin/env bash
# `npm run check`: every check but the tests, as CI runs them. Runs them all, then fails if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1
bin=./node_modules/.bin
failed=()

check() { # $1 = what is checked; the rest = the command
  local what=$1; shift
  printf '\n== %s\n' "$what"
  "$@" || failed+=("$what")
}

generated_matches_spec() {
  "$bin/bun" run gen >/dev/null || return 1
  # Untracked files count too: a new generated file must be committed.
  if [ -n "$(git status --porcelain -- generated/)" ]; then
    git status --short -- generated/
    git --no-pager diff --stat -- generated/
    echo "generated/ differs from what 'bun run gen' makes: run it and commit the result"
    return 1
  fi
}

check "generated/ matches openapi.yaml" generated_matches_spec
check "typecheck (server, tests, bench)" "$bin/tsc" --noEmit -p .
check "typecheck (dashboard client)" "$bin/tsc" --noEmit -p src/dashboard/client
check "lint openapi.yaml" "$bin/redocly" lint openapi.yaml --format=stylish
check "lint and format the code (biome ci)" "$bin/biome" ci .

echo
if [ ${#failed[@]} -gt 0 ]; then
  printf 'check failed: %s\n' "${failed[@]}"
  exit 1
fi
echo "check: all clean"
