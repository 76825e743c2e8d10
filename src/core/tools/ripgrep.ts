/**
 * Finding and running ripgrep. VS Code ships one under its app root
 * (`node_modules/@vscode/ripgrep/bin/rg`, or `node_modules.asar.unpacked/...`
 * in packaged builds); Debian and most systems have `rg` on PATH. Glob and
 * Grep fall back to a JS search when neither exists.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { findOnPath, isExecutable } from '../util/which';

const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';

/** Where VS Code keeps its bundled ripgrep, given `vscode.env.appRoot`. */
export function bundledRipgrepCandidates(appRoot: string): string[] {
  const out: string[] = [];
  for (const modules of ['node_modules', 'node_modules.asar.unpacked']) {
    for (const pkg of ['@vscode/ripgrep', 'vscode-ripgrep']) out.push(path.join(appRoot, modules, pkg, 'bin', exe));
  }
  return out;
}

export function ripgrepOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findOnPath([exe], env.PATH ?? '', env.PATHEXT);
}

/** The first usable ripgrep: VS Code's bundled one, then PATH. */
export function findRipgrep(options: { appRoot?: string; env?: NodeJS.ProcessEnv } = {}): string | undefined {
  if (options.appRoot) {
    const hit = bundledRipgrepCandidates(options.appRoot).find(isExecutable);
    if (hit) return hit;
  }
  return ripgrepOnPath(options.env);
}

export interface RipgrepRun {
  /** rg's exit code: 0 matches, 1 none, 2 error (possibly with partial results). */
  code: number | null;
  stderr: string;
  /** True when onLine asked to stop early and rg was killed. */
  stopped: boolean;
}

/**
 * Run rg and hand its stdout to `onLine` line by line; returning false from
 * onLine stops rg. Never uses a shell: arguments go to rg as they are.
 */
export function runRipgrep(rg: string, args: string[], options: { cwd: string; signal: AbortSignal; onLine: (line: string) => boolean | void }): Promise<RipgrepRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(rg, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let stderr = '';
    let stopped = false;
    const stop = () => {
      if (!stopped) {
        stopped = true;
        child.kill('SIGKILL');
      }
    };
    const onAbort = () => stop();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const feed = (text: string) => {
      if (stopped) return;
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        if (options.onLine(line) === false) {
          stop();
          return;
        }
      }
    };
    child.stdout.on('data', (b: Buffer) => feed(decoder.write(b)));
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 8000) stderr += b.toString('utf8');
    });
    child.on('error', (err) => {
      options.signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code) => {
      options.signal.removeEventListener('abort', onAbort);
      feed(decoder.end());
      if (!stopped && pending) options.onLine(pending);
      resolve({ code, stderr: stderr.trim(), stopped });
    });
  });
}

/**
 * Run rg and hand its stdout to `onLines` a batch of whole lines at a time,
 * awaiting each call before reading on (rg waits on the pipe meanwhile), so
 * a slow consumer can yield to the event loop without buffering everything.
 * Returning false from onLines, a throw, or the signal stops rg.
 */
export async function runRipgrepBatches(
  rg: string,
  args: string[],
  options: { cwd: string; signal: AbortSignal; onLines: (lines: string[]) => Promise<boolean | void> },
): Promise<RipgrepRun> {
  const child = spawn(rg, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 8000) stderr += b.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  exited.catch(() => undefined);
  const kill = () => child.kill('SIGKILL');
  options.signal.addEventListener('abort', kill, { once: true });
  let stopped = false;
  let drained = false;
  try {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending += decoder.write(chunk);
      const nl = pending.lastIndexOf('\n');
      if (nl === -1) continue;
      const lines = pending.slice(0, nl).split('\n');
      pending = pending.slice(nl + 1);
      if ((await options.onLines(lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)))) === false) {
        stopped = true;
        break;
      }
    }
    pending += decoder.end();
    if (!stopped && !options.signal.aborted && pending) stopped = (await options.onLines([pending.replace(/\r$/, '')])) === false;
    drained = !stopped;
  } finally {
    options.signal.removeEventListener('abort', kill);
    // Stopped early or failed: rg may still be writing.
    if (!drained) kill();
  }
  const code = await exited;
  return { code, stderr: stderr.trim(), stopped };
}

/** Arguments every search shares: hidden files yes, .git no, ignore files honoured even outside a git repo, no user config. */
export const RG_COMMON_ARGS = ['--no-config', '--hidden', '--no-require-git', '--glob', '!.git', '--color', 'never'];
