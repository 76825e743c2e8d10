# The Debian packages the project needs on the machine, each with a probe
# that proves it is there, and one way to get the missing ones:
#   - root, or sudo without a password: apt-get installs them, non-interactively;
#   - otherwise: stop at once with one line naming the exact command to run.
#
# Sourced by scripts/bootstrap.sh (npm test, npm start), scripts/install-test-host.sh
# and .ci/run; also runs alone:
#   bash scripts/system-packages.sh [--check] PACKAGE...   (--check: report, install nothing)
#
# The probes use PATH, `id`, `sudo` and `apt-get` as found on PATH, and look
# for files under $ELIXIR_AGENT_SYSROOT (default: /), so a test can run them
# against a fake machine.
# shellcheck shell=bash

# Packages: chromium (UI and integration tests drive VS Code in it), libkrb5-dev,
# python3, make, g++ (the test host's native modules compile), elixir (mix, the
# diagnostics tests), ripgrep (Grep/Glob tests, bench), unzip (the VSIX check).
system_package_present() { # package
  local root="${ELIXIR_AGENT_SYSROOT:-}"
  case "$1" in
    chromium) command -v chromium >/dev/null 2>&1 ;;
    libkrb5-dev) [ -f "$root/usr/include/gssapi/gssapi.h" ] ;;
    elixir) command -v elixir >/dev/null 2>&1 && command -v mix >/dev/null 2>&1 ;;
    ripgrep) command -v rg >/dev/null 2>&1 ;;
    g++) command -v g++ >/dev/null 2>&1 ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing_system_packages() { # package... → the missing ones, space-separated
  local pkg out=()
  for pkg in "$@"; do system_package_present "$pkg" || out+=("$pkg"); done
  echo "${out[*]}"
}

# ensure_system_packages WHO PACKAGE...: returns 0 when all are there (installing
# them when it can), else prints one line to stderr and returns 1.
# WHO names the caller in messages ("npm test").
ensure_system_packages() {
  local who="$1"
  shift
  local missing
  missing="$(missing_system_packages "$@")"
  [ -z "$missing" ] && return 0
  local -a runner
  if [ "$(id -u 2>/dev/null)" = "0" ]; then
    runner=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1 </dev/null; then
    runner=(sudo -n)
  else
    echo "$who: missing system packages: $missing. Install them with: sudo apt-get install -y $missing" >&2
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who: missing system packages: $missing, and there is no apt-get here: install them with your package manager (Debian: sudo apt-get install -y $missing)" >&2
    return 1
  fi
  echo "$who: installing missing system packages: $missing"
  # shellcheck disable=SC2086 # $missing is a list of package names
  if ! "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null ||
    ! "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing </dev/null; then
    echo "$who: apt-get could not install: $missing. Run: ${runner[0]:+sudo }apt-get install -y $missing" >&2
    return 1
  fi
  missing="$(missing_system_packages "$@")"
  if [ -n "$missing" ]; then
    echo "$who: still missing after apt-get: $missing. Run: ${runner[0]:+sudo }apt-get install -y $missing" >&2
    return 1
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  if [ "${1:-}" = "--check" ]; then
    shift
    missing="$(missing_system_packages "$@")"
    [ -z "$missing" ] && exit 0
    echo "missing system packages: $missing. Install them with: sudo apt-get install -y $missing" >&2
    exit 1
  fi
  ensure_system_packages "system packages" "$@"
fi
