/**
 * Tidewave discovery: a mix project that depends on `tidewave` serves MCP at
 * `http://localhost:<port>/tidewave/mcp` while its Phoenix app runs in dev.
 * Reads mix.exs and config/dev.exs as text (never runs Elixir).
 */
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Env } from './config';
import type { McpServerSpec } from './types';

export const TIDEWAVE_SERVER_NAME = 'tidewave';
export const TIDEWAVE_DEFAULT_PORT = 4000;

/** Tidewave's endpoint path: servers at such a url get its quirks and hints. */
export const isTidewaveUrl = (url: string): boolean => /\/tidewave\/mcp\/?(\?.*)?$/.test(url);

/** Elixir source without comments and string contents that could fool a regex. */
function stripComments(src: string): string {
  return src
    .split('\n')
    .map((line) => {
      // Drop from a `#` that is not inside a double-quoted string.
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === '\\') i++;
        else if (c === '"') inString = !inString;
        else if (c === '#' && !inString) return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

/** Does this mix.exs list `:tidewave` among its deps? */
export function dependsOnTidewave(mixExs: string): boolean {
  return /\{\s*:tidewave\s*,/.test(stripComments(mixExs));
}

/**
 * The dev port from config/dev.exs: the `port:` inside `http: [...]`, a literal
 * or `System.get_env("PORT") || "4001"` / `System.get_env("PORT", "4001")`
 * (the variable wins when set in env). Undefined when none is found.
 */
export function devPortFromConfig(devExs: string, env: Env = process.env): { port: number; ipv6Loopback: boolean } | undefined {
  const src = stripComments(devExs);
  const http = /\bhttp:\s*\[/g;
  let m: RegExpExecArray | null;
  while ((m = http.exec(src))) {
    // The bracketed keyword list after `http:`.
    let depth = 0;
    let end = m.index + m[0].length - 1;
    for (; end < src.length; end++) {
      if (src[end] === '[') depth++;
      else if (src[end] === ']' && --depth === 0) break;
    }
    const list = src.slice(m.index, end + 1);
    const ipv6Loopback = /ip:\s*\{\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*,\s*0\s*,\s*1\s*\}/.test(list);
    const literal = /\bport:\s*(\d{1,5})\b/.exec(list);
    if (literal) return { port: Number(literal[1]), ipv6Loopback };
    const fromEnv = /\bport:[^\n]*?System\.get_env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*(?:,\s*"(\d{1,5})"\s*)?\)(?:\s*\|\|\s*"?(\d{1,5})"?)?/.exec(list);
    if (fromEnv) {
      const value = env[fromEnv[1]!];
      const port = value && /^\d{1,5}$/.test(value) ? Number(value) : Number(fromEnv[2] ?? fromEnv[3] ?? NaN);
      if (Number.isFinite(port)) return { port, ipv6Loopback };
    }
  }
  return undefined;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The mix project root in `folder` that depends on tidewave (its own mix.exs or an umbrella app's). */
export async function findTidewaveProject(folder: string): Promise<string | undefined> {
  const root = await readText(path.join(folder, 'mix.exs'));
  if (root === undefined) return undefined;
  if (dependsOnTidewave(root)) return folder;
  let apps: string[] = [];
  try {
    apps = await fs.readdir(path.join(folder, 'apps'));
  } catch {
    return undefined;
  }
  for (const app of apps.sort()) {
    const mix = await readText(path.join(folder, 'apps', app, 'mix.exs'));
    if (mix !== undefined && dependsOnTidewave(mix)) return folder;
  }
  return undefined;
}

export interface TidewaveDiscoveryOptions {
  /** A port the user set (elixirAgent.tidewave.port); 0 or undefined: read config/dev.exs, else 4000. */
  port?: number;
  env?: Env;
}

/** The Tidewave server of the first folder whose mix project depends on tidewave, if any. */
export async function discoverTidewave(folders: readonly string[], opts: TidewaveDiscoveryOptions = {}): Promise<McpServerSpec | undefined> {
  for (const folder of folders) {
    const root = await findTidewaveProject(folder);
    if (!root) continue;
    let port = opts.port && opts.port > 0 ? opts.port : undefined;
    let host = '127.0.0.1';
    let origin = 'default port';
    if (!port) {
      const dev = await readText(path.join(root, 'config', 'dev.exs'));
      const found = dev === undefined ? undefined : devPortFromConfig(dev, opts.env ?? process.env);
      if (found) {
        port = found.port;
        if (found.ipv6Loopback) host = '[::1]';
        origin = 'config/dev.exs';
      }
    } else origin = 'setting elixirAgent.tidewave.port';
    port ??= TIDEWAVE_DEFAULT_PORT;
    return {
      name: TIDEWAVE_SERVER_NAME,
      config: { type: 'http', url: `http://${host}:${port}/tidewave/mcp` },
      source: 'tidewave',
      origin: `${path.join(root, 'mix.exs')} (port from ${origin})`,
      tidewave: true,
    };
  }
  return undefined;
}

/** A cheap liveness check: can a TCP connection be opened to the url's host and port? */
export function probeUrl(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
