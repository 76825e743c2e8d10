#!/usr/bin/env node
// A VS Code "executable" backed by the real VS Code server of the test host
// (see scripts/lib/vscode-host-lib.mjs and "The real VS Code test host" in README.md).
//
// Test mode (what @vscode/test-electron's runTests calls):
//   vscode-host.mjs --extensionDevelopmentPath=EXT [--extensionTestsPath=INDEX]
//                   [--user-data-dir=DIR] [--restricted] [FOLDER | FILE.code-workspace]
//   Starts the server, opens the workbench in Chromium with the development
//   extension (and the test runner), prints the extension host's console
//   output, and exits with the code the test runner reported.
//   Without --extensionTestsPath it stays open until Ctrl+C (a headless
//   Extension Development Host; useful with ELIXIR_AGENT_HOST_HEADED=1).
// Serve mode (npm start without a desktop VS Code):
//   vscode-host.mjs --serve [--port=8123] [--host=127.0.0.1] --extensionDevelopmentPath=EXT FOLDER
//   Starts the server only and prints the URL to open in a browser.
// Other flags VS Code's CLI accepts (--disable-extensions, --no-sandbox,
// --skip-welcome, --disable-workspace-trust, ...) are accepted and ignored.
// Environment variables: see the header of scripts/lib/vscode-host-lib.mjs.
import { resolve } from 'node:path';
import { format } from 'node:util';
import { hostVersion, openWorkbench, startServer } from './lib/vscode-host-lib.mjs';

function parseArgs(argv) {
  const opts = { extensionDevelopmentPaths: [], extensionTestsPath: undefined, workspace: undefined, userDataDir: undefined, serve: false, restricted: undefined, port: undefined, host: undefined, ignored: [] };
  const valued = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'port', 'host', 'locale', 'log']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-')) {
        opts.ignored.push(arg);
        continue;
      }
      if (opts.workspace) throw new Error(`only one workspace folder or .code-workspace file is supported (got ${opts.workspace} and ${arg})`);
      opts.workspace = resolve(arg);
      continue;
    }
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2);
    if (value === undefined && valued.has(name) && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) value = argv[++i];
    switch (name) {
      case 'extensionDevelopmentPath': opts.extensionDevelopmentPaths.push(resolve(value)); break;
      case 'extensionTestsPath': opts.extensionTestsPath = resolve(value); break;
      case 'user-data-dir': opts.userDataDir = resolve(value); break;
      case 'serve': opts.serve = true; break;
      case 'restricted': opts.restricted = true; break;
      case 'port': opts.port = Number(value); break;
      case 'host': opts.host = value; break;
      case 'version': opts.version = true; break;
      default: opts.ignored.push(arg);
    }
  }
  return opts;
}

/** Workbench chatter that reaches codeAutomationLog along with the extension
 *  host's console; hidden unless ELIXIR_AGENT_HOST_VERBOSE=1. */
const NOISE = [
  /^Resolving connection token|^Resolved connection token/,
  /^Creating a socket \(/,
  /\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^\[AgentHost/,
  /^\[AccountPolicyGate\]/,
  /getaddrinfo (ENOTFOUND|EAI_AGAIN)/,
];

function formatLogArgs(args) {
  return format(...args.map((a) => (a !== null && typeof a === 'object' && !(a instanceof Error) ? JSON.stringify(a) : a)));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const version = hostVersion();
  if (opts.version) {
    console.log(version.version);
    return 0;
  }
  console.log(`[vscode-host] ${version.text}`);
  if (process.env.ELIXIR_AGENT_HOST_VERBOSE === '1' && opts.ignored.length) console.log(`[vscode-host] ignored flags: ${opts.ignored.join(' ')}`);

  if (opts.extensionDevelopmentPaths.length > 1) {
    // The web workbench takes one development extension from the payload.
    console.warn(`[vscode-host] only one --extensionDevelopmentPath is supported here; using ${opts.extensionDevelopmentPaths[0]}`);
    opts.extensionDevelopmentPaths.length = 1;
  }
  const server = await startServer({
    port: opts.port,
    host: opts.host,
    userDataDir: opts.serve ? undefined : opts.userDataDir,
    restricted: opts.restricted,
    keepApiKey: opts.serve ? true : undefined,
    // npm start: the user's own Claude Code folder (their agents); tests get an empty one.
    keepClaudeConfig: opts.serve,
  });
  const url = server.url({ workspace: opts.workspace, extensionDevelopmentPaths: opts.extensionDevelopmentPaths, extensionTestsPath: opts.extensionTestsPath });

  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    await server.stop();
  };
  const onSignal = (sig) => {
    console.log(`[vscode-host] ${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  if (opts.serve) {
    console.log(`[vscode-host] VS Code is running. Open this URL in a browser:\n\n  ${url}\n\nPress Ctrl+C to stop.`);
    const { code, signal } = await server.exitPromise;
    console.log(`[vscode-host] the server exited (${code ?? signal})`);
    await cleanup();
    return code ?? 1;
  }

  console.log(`[vscode-host] workspace: ${opts.workspace ?? '(none)'}`);
  const verbose = process.env.ELIXIR_AGENT_HOST_VERBOSE === '1';
  let finishing = false;
  const timeoutS = Number(process.env.ELIXIR_AGENT_HOST_TIMEOUT || 900);
  let timer;
  const result = await new Promise((res) => {
    timer = setTimeout(() => {
      console.error(`[vscode-host] timed out after ${timeoutS} s (ELIXIR_AGENT_HOST_TIMEOUT)`);
      res(124);
    }, timeoutS * 1000);
    void server.exitPromise.then(({ code, signal }) => {
      if (finishing) return;
      console.error(`[vscode-host] the VS Code server exited unexpectedly (${code ?? signal}); its output:\n${server.output()}`);
      res(1);
    });
    openWorkbench(url, {
      onLog: (type, args) => {
        const text = formatLogArgs(args);
        if (!verbose && NOISE.some((re) => re.test(text))) return;
        if (type === 'error') process.stderr.write(`${text}\n`);
        else process.stdout.write(`${text}\n`);
      },
      onExit: (code) => res(code),
    }).then(({ browser: b, page }) => {
      browser = b;
      page.on('crash', () => {
        console.error('[vscode-host] the workbench page crashed');
        res(1);
      });
      b.on('disconnected', () => res(1));
      if (!opts.extensionTestsPath) console.log(`[vscode-host] Extension Development Host open at ${url} (Ctrl+C to stop)`);
    }, (err) => {
      console.error(`[vscode-host] could not open the workbench: ${err.message}`);
      res(1);
    });
  });
  clearTimeout(timer);
  finishing = true;
  if (result !== 0 && !verbose) {
    const tail = server.output().split('\n').slice(-40).join('\n');
    console.error(`[vscode-host] exit code ${result}; last lines of the server output:\n${tail}`);
  }
  await cleanup();
  return result;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[vscode-host] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
