# Sourced by scripts/start.sh and scripts/test-all.sh: installs what a fresh
# clone lacks, and nothing else.
#   bootstrap_system_packages WHO PKG...  the Debian packages (scripts/system-packages.sh):
#                                      installed when root or passwordless sudo allows,
#                                      else one line naming the command, and a failure
#   test_system_packages               what npm test needs (the test host's build tools
#                                      only while the host is not installed)
#   bootstrap_node_modules             npm ci when node_modules/ was never installed
#   bootstrap_test_host                the VS Code test host (scripts/install-test-host.sh) when missing
# shellcheck shell=bash
# shellcheck source=scripts/system-packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/system-packages.sh"

bootstrap_system_packages() {
  ensure_system_packages "$@"
}

test_system_packages() {
  local pkgs=(chromium elixir ripgrep unzip)
  bash "$(dirname "${BASH_SOURCE[0]}")/install-test-host.sh" --installed || pkgs+=(libkrb5-dev python3 make g++)
  echo "${pkgs[*]}"
}

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
