/**
 * Path specifiers of `Read(...)` / `Edit(...)` rules, as Claude Code reads
 * them (gitignore-style patterns):
 *   //abs/path   an absolute path
 *   ~/path       below the home folder
 *   /path        below the project root (not the file-system root)
 *   ./path, path below the rule's base (the folder the rule applies to;
 *                the project root unless the caller says otherwise)
 * `*` matches within one path segment, `**` across segments, `?` one
 * character. A pattern without a `/` (other than a trailing one) matches at
 * any depth (`*.env`), a trailing `/` means a folder, and a pattern that
 * matches a folder matches everything inside it.
 */
import * as path from 'node:path';

export interface PathContext {
  /** The project (workspace folder) the rules belong to. */
  projectRoot: string;
  /** The folder `./x` and `x` are relative to; default projectRoot. */
  ruleBase?: string;
  /** For `~/x`; without it such patterns match nothing. */
  homeDir?: string;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** The regular expression of a glob relative to its base (no leading `/`). */
function globRegex(glob: string, anywhere: boolean): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      re += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${anywhere ? '(?:.*/)?' : ''}${re}$`);
}

/** Does the path specifier `pattern` cover the absolute path `target`? */
export function matchPathPattern(pattern: string, target: string, ctx: PathContext): boolean {
  let base: string;
  let glob: string;
  let anchored = true;
  if (pattern.startsWith('//')) {
    base = path.parse(path.resolve(ctx.projectRoot)).root;
    glob = pattern.slice(2);
  } else if (pattern === '~' || pattern.startsWith('~/')) {
    if (!ctx.homeDir) return false;
    base = ctx.homeDir;
    glob = pattern.slice(2);
  } else if (pattern.startsWith('/')) {
    base = ctx.projectRoot;
    glob = pattern.slice(1);
  } else if (pattern.startsWith('./')) {
    base = ctx.ruleBase ?? ctx.projectRoot;
    glob = pattern.slice(2);
  } else {
    base = ctx.ruleBase ?? ctx.projectRoot;
    glob = pattern;
    anchored = glob.replace(/\/+$/, '').includes('/');
  }
  glob = glob.replace(/\/+$/, '');
  const rel = toPosix(path.relative(path.resolve(base), path.resolve(target)));
  if (rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) return false;
  if (glob === '') return true; // the base folder itself, and everything in it
  const re = globRegex(glob, !anchored);
  // The path itself, or a folder above it (a matched folder covers its contents).
  const parts = rel === '' ? [] : rel.split('/');
  for (let n = parts.length; n > 0; n--) if (re.test(parts.slice(0, n).join('/'))) return true;
  return false;
}
