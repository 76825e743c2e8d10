#!/usr/bin/env bash
# npm test: every check of the project, in order, without stopping at the
# first failure:
#   lint, README settings table, typecheck (extension, webview, UI tests), build, unit tests,
#   integration tests (in the real VS Code), UI tests (Playwright), the VSIX
#   and what it contains.
# Test runners report their own counts; every other step counts as one check.
# Ends with exactly one line `N passed, N failed`; exits non-zero if anything failed.
# First installs the system packages it needs when it can (root or passwordless
# sudo); otherwise it stops at once with one line naming the command to run.
# Logs of each step: test-results/logs/<step>.log
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh

logs="$root/test-results/logs"
mkdir -p "$logs"
passed=0
failed=0
summary=()

record() { # name passed failed
  passed=$((passed + $2))
  failed=$((failed + $3))
  local mark="ok  "
  [ "$3" -gt 0 ] && mark="FAIL"
  summary+=("$(printf '%s %-12s %4d passed %4d failed' "$mark" "$1" "$2" "$3")")
}

# A step that is one check: passes when the command exits 0.
check() { # name command...
  local name="$1"
  shift
  echo
  echo "=== $name: $* ==="
  if "$@" 2>&1 | tee "$logs/$name.log"; then
    record "$name" 1 0
  else
    record "$name" 0 1
  fi
}

# A test runner: its counts come from its last `ELIXIR_AGENT_RESULT passed=N failed=N` line.
# A runner that fails without reporting counts as one failure.
tests() { # name command...
  local name="$1"
  shift
  echo
  echo "=== $name: $* ==="
  "$@" 2>&1 | tee "$logs/$name.log"
  local status=${PIPESTATUS[0]}
  local line
  line="$(grep -a '^ELIXIR_AGENT_RESULT ' "$logs/$name.log" | tail -n 1)"
  if [ -z "$line" ]; then
    echo "$name: no result line (exit $status)" >&2
    record "$name" 0 1
    return
  fi
  local p f
  p="$(sed -E 's/.*passed=([0-9]+).*/\1/' <<<"$line")"
  f="$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$line")"
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  record "$name" "$p" "$f"
}

# What the VSIX may contain (paths inside the archive). Anything else fails the check.
vsix_contents() {
  local vsix="$root/elixir-agent.vsix"
  [ -f "$vsix" ] || { echo "vsix: $vsix was not built"; return 1; }
  local files
  files="$(unzip -Z1 "$vsix")" || return 1
  echo "$files"
  local allowed='^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension/package\.json|extension/(readme|changelog)\.md|extension/LICENSE(\.txt)?|extension/dist/(extension|runtime|cli|cli-commands|cli-diagnostics|webview|grepWorker|reaper)\.js|extension/dist/(webview|codicon)\.css|extension/dist/codicon\.ttf|extension/media/[^ ]+\.(svg|png|md|css))$'
  local unexpected
  unexpected="$(grep -Ev "$allowed" <<<"$files" || true)"
  local missing=()
  # cli.js (package.json's bin) loads its commands from cli-commands.js and cli-diagnostics.js.
  for required in extension/package.json extension/dist/extension.js extension/dist/runtime.js extension/dist/webview.js extension/dist/cli.js extension/dist/cli-commands.js extension/dist/cli-diagnostics.js; do
    grep -qx "$required" <<<"$files" || missing+=("$required")
  done
  if [ -n "$unexpected" ] || [ ${#missing[@]} -gt 0 ]; then
    [ -n "$unexpected" ] && printf 'vsix: unexpected file: %s\n' $unexpected
    [ ${#missing[@]} -gt 0 ] && printf 'vsix: missing file: %s\n' "${missing[@]}"
    return 1
  fi
  echo "vsix: $(wc -l <<<"$files") files, all expected ($(du -h "$vsix" | cut -f1))"
}

typecheck_all() {
  npm run --silent typecheck &&
    npx tsc -p src/webview/tsconfig.json --noEmit &&
    npx tsc -p test/ui/tsconfig.json --noEmit
}

unit_tests() {
  npm run --silent compile-tests || { echo 'ELIXIR_AGENT_RESULT passed=0 failed=1 pending=0'; return 1; }
  npx mocha --config .mocharc.unit.json --reporter "$root/scripts/mocha-summary-reporter.js"
}

# shellcheck disable=SC2046 # a list of package names
bootstrap_system_packages "npm test" $(test_system_packages) || exit 1
bootstrap_node_modules
bootstrap_test_host || echo "test host: not installed; integration and UI tests will fail" >&2

check lint npx eslint .
check readme node scripts/readme-settings.mjs --check
check typecheck typecheck_all
check build npm run --silent build
tests unit unit_tests
tests integration node scripts/run-integration.mjs
tests ui node scripts/run-ui.mjs
check package npm run --silent package
check vsix vsix_contents

echo
echo "=== summary ==="
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
