# Sourced by scripts/start.sh and scripts/test-all.sh: installs what a fresh
# clone lacks, and nothing else.
#   bootstrap_node_modules   npm ci when node_modules/ was never installed
#   bootstrap_test_host      the VS Code test host (scripts/install-test-host.sh) when missing
# shellcheck shell=bash

bootstrap_node_modules() {
  if [ ! -f node_modules/.package-lock.json ]; then
    echo "bootstrap: node_modules/ is missing: npm ci"
    npm ci --no-audit --no-fund
  elif [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "bootstrap: note: package-lock.json is newer than node_modules/; run 'npm ci' if dependencies changed" >&2
  fi
}

bootstrap_test_host() {
  bash scripts/install-test-host.sh
}
