/**
 * Where the CLI gets its API key, safest first:
 *   --api-key-fd N     a file descriptor the caller opened (a pipe from a secret
 *                      store: `--api-key-fd 3 3< <(vault kv get -field=key ...)`);
 *                      read to the end and closed, so no child inherits it;
 *   --api-key-file P   a file outside the workspace (the agent's file tools are
 *                      confined to the workspace), private to the user;
 *   ANTHROPIC_API_KEY  the environment, which any process of the same user can
 *                      read back from /proc/<pid>/environ, including commands the
 *                      agent runs and code that `mix compile` evaluates.
 * The key stays in memory only: it is never put into the environment.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isatty } from 'node:tty';
import { argTokens, type ArgToken } from './args';

export interface KeyOptions {
  apiKeyFile?: string;
  apiKeyFd?: string;
}

export interface ResolvedKey {
  key: string | undefined;
  source: 'fd' | 'file' | 'env' | 'none';
  warnings: string[];
}

/** A key that cannot be used: the message says which option and why. */
export class ApiKeyError extends Error {}

const inside = (child: string, parent: string) => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
};

const realOr = (p: string) => {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
};

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/** The key in what was read: surrounding whitespace (a trailing newline) trimmed; one line, non-empty. */
function keyIn(text: string, what: string): string {
  const key = text.trim();
  if (!key) throw new ApiKeyError(`${what} is empty: it should hold the API key`);
  if (/[\s\x00-\x1f\x7f]/.test(key)) throw new ApiKeyError(`${what} holds more than the key (several lines, spaces or control characters): it should hold only the API key`);
  return key;
}

function fromFd(spec: string): string {
  const what = `--api-key-fd ${spec}`;
  if (!/^\d{1,9}$/.test(spec)) throw new ApiKeyError(`${what}: give the number of an open file descriptor, e.g. --api-key-fd 3 3< <(your-secret-command)`);
  const fd = Number(spec);
  if (fd === 1 || fd === 2) throw new ApiKeyError(`${what} is standard ${fd === 1 ? 'output' : 'error'}: give a descriptor opened for reading, e.g. 3`);
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    throw new ApiKeyError(`${what}: no such open file descriptor (open it in the shell, e.g. --api-key-fd 3 3< <(your-secret-command))`);
  }
  // Node's own descriptors (epoll, eventfd...) are neither files nor pipes: never read or close them.
  if (!(st.isFIFO() || st.isSocket() || st.isFile() || st.isCharacterDevice())) {
    throw new ApiKeyError(`${what} was not opened by the caller (it is not a pipe, socket or file): open it in the shell, e.g. --api-key-fd 3 3< <(your-secret-command)`);
  }
  if (isatty(fd)) throw new ApiKeyError(`${what} is a terminal: pipe the key in from a secret store instead`);
  let text: string;
  try {
    text = fs.readFileSync(fd, 'utf8');
  } catch (err) {
    throw new ApiKeyError(`${what} ${reason(err)}`);
  } finally {
    // Closed whatever happened: a descriptor left open is inherited by every process the agent starts.
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
  }
  return keyIn(text, what);
}

function fromFile(file: string, workspace: string, warnings: string[]): string {
  const what = `--api-key-file ${file}`;
  const abs = path.resolve(file);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (err) {
    throw new ApiKeyError(`${what} ${reason(err)}`);
  }
  if (st.isDirectory()) throw new ApiKeyError(`${what} is a directory, not a file`);
  if (st.isFile()) {
    const real = realOr(abs);
    const ws = realOr(workspace);
    if (inside(real, ws) || inside(abs, path.resolve(workspace))) {
      throw new ApiKeyError(`${what} is inside the workspace (${workspace}), where the agent's tools could read it: keep the key file outside the project (for example ~/.config/elixir-agent/api-key, mode 600)`);
    }
    if ((st.mode & 0o077) !== 0) {
      warnings.push(`${what} can be read or changed by other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); make it private: chmod 600 ${file}`);
    }
    if (st.nlink > 1) warnings.push(`${what} has ${st.nlink} hard links: another name for it may be inside a folder the agent can read`);
  }
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw new ApiKeyError(`${what} ${reason(err)}`);
  }
  return keyIn(text, what);
}

/**
 * The key for this run. `workspace`: the folder the agent works in (a key file
 * inside it is refused). Throws ApiKeyError with a message for the user.
 */
export function resolveApiKey(options: KeyOptions, workspace: string, env: NodeJS.ProcessEnv = process.env): ResolvedKey {
  const warnings: string[] = [];
  if (options.apiKeyFd !== undefined && options.apiKeyFile !== undefined) throw new ApiKeyError('give either --api-key-file or --api-key-fd, not both');
  const fromEnv = env.ANTHROPIC_API_KEY?.trim() || undefined;
  if (options.apiKeyFd === undefined && options.apiKeyFile === undefined) return { key: fromEnv, source: fromEnv ? 'env' : 'none', warnings };
  const key = options.apiKeyFd !== undefined ? fromFd(options.apiKeyFd) : fromFile(options.apiKeyFile as string, workspace, warnings);
  if (fromEnv) {
    warnings.push(
      `ANTHROPIC_API_KEY is also set: the key from ${options.apiKeyFd !== undefined ? '--api-key-fd' : '--api-key-file'} is used, but the variable stays readable by every process of this user (/proc/<pid>/environ); unset it`,
    );
  }
  return { key, source: options.apiKeyFd !== undefined ? 'fd' : 'file', warnings };
}

/**
 * Takes --api-key-file PATH and --api-key-fd N out of `args`, wherever they
 * are (for commands without `--`), and gives back the other words read.
 */
export function takeKeyOptions(args: readonly string[]): { rest: ArgToken[]; options: KeyOptions } | string {
  const rest: ArgToken[] = [];
  const options: KeyOptions = {};
  for (const t of argTokens(args, ['api-key-file', 'api-key-fd'], { terminator: false })) {
    if (t.kind !== 'option' || t.inline || (t.name !== 'api-key-file' && t.name !== 'api-key-fd')) {
      rest.push(t);
      continue;
    }
    if (t.value === undefined || t.value.startsWith('--')) return `${t.raw} needs a value`;
    if (t.name === 'api-key-file') options.apiKeyFile = t.value;
    else options.apiKeyFd = t.value;
  }
  return { rest, options };
}

export const KEY_USAGE = [
  '  --api-key-fd N      read the API key from file descriptor N (e.g. 3< <(your-secret-command)); safest, see the README',
  '  --api-key-file PATH read the API key from a file outside the project (mode 600)',
];
