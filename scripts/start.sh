#!/usr/bin/env bash
# npm start: builds the extension and opens it in a real VS Code on the sample
# project (test/fixtures/sample_app).
#   - with a desktop VS Code (`code` on PATH): code --extensionDevelopmentPath=. sample_app
#   - otherwise: the VS Code server of the test host with the extension loaded,
#     on http://127.0.0.1:$PORT (default 8123); open the printed URL in a browser.
#     Stays in the foreground until Ctrl+C.
# Environment: PORT; ELIXIR_AGENT_USE_SERVER=1 to use the server even when `code` exists;
# ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL are passed to the extension (or use
# "Elixir Agent: Set Anthropic API Key").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh

# The sample app is a mix project: mix gives its diagnostics. Installed when root or sudo allows, else one line and stop.
bootstrap_system_packages "npm start" elixir || exit 1
bootstrap_node_modules
npm run build
workspace="$root/test/fixtures/sample_app"

if command -v code >/dev/null 2>&1 && [ "${ELIXIR_AGENT_USE_SERVER:-}" != "1" ]; then
  echo "start: opening VS Code (desktop) with the extension on $workspace"
  exec code --extensionDevelopmentPath="$root" "$workspace"
fi

bootstrap_test_host
port="${PORT:-8123}"
echo "start: no desktop 'code' on PATH: serving VS Code in the browser on 127.0.0.1:$port"
exec node scripts/vscode-host.mjs --serve --host 127.0.0.1 --port "$port" \
  --extensionDevelopmentPath="$root" "$workspace"
