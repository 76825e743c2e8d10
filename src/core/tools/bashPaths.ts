/**
 * Where the words of an allow-listed Bash command point. An allow-listed
 * command (`ls`, `git diff`, `mix format`) still asks when any argument
 * reaches outside the workspace: an absolute path, `~`, `..` climbing, a
 * symlink inside the workspace that points out, the value of `--opt=value` or
 * `-oValue`, or a glob that could match `..` or a link out. Words are read
 * conservatively, as paths wherever they could be one (a word that is not a
 * path at all, like `/api/` in a grep pattern, asks too: asking is safe).
 * Variables never get here: the parser refuses them first (bashAllow.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PathScope {
  /** Absolute workspace folders. */
  workspaceFolders: readonly string[];
  /** Where the command runs. */
  cwd: string;
  /** For `~` (default: os.homedir()). */
  home?: string;
}

/** Outside paths that are harmless to name. */
const HARMLESS = new Set(['/dev/null']);
const GLOB = /[*?[]/;
/** How many glob matches we look at before giving up (and asking). */
const MAX_GLOB_MATCHES = 2_000;

export interface OutsideArgument {
  /** The word as written. */
  word: string;
  /** Why it asks: "/etc/shadow is outside the workspace", "~user cannot be resolved". */
  why: string;
}

/** The ways a word can name a path: itself, the value after `=`, after a short option letter, each part of a list. */
export function pathCandidates(word: string): string[] {
  const out = new Set<string>([word]);
  const eq = word.indexOf('=');
  if (eq >= 0) out.add(word.slice(eq + 1));
  if (/^-[^-]/.test(word)) out.add(word.slice(2));
  for (const c of [...out]) for (const part of c.split(/[,:]/)) out.add(part);
  out.delete('');
  return [...out];
}

function inside(p: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = path.relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * The path the kernel would reach: symlinks followed where they exist (so
 * `link/..` climbs from the link's target), the rest taken lexically.
 */
export function physicalPath(p: string, base: string): string {
  let cur = path.isAbsolute(p) ? '/' : realpathOr(base);
  for (const seg of p.split(/[/\\]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      cur = path.dirname(cur);
      continue;
    }
    const next = path.join(cur, seg);
    try {
      cur = fs.lstatSync(next).isSymbolicLink() ? realpathOr(next) : next;
    } catch {
      cur = next;
    }
  }
  return cur;
}

/** A glob segment as a regular expression (bash rules: `*`, `?`, `[...]`; a leading dot must be matched literally). */
function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charAt(i);
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, close);
        if (body[0] === '!') body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    return /^$/; // a bracket bash would not read either: matches nothing here, and the literal check below still applies
  }
}

/** Expands a glob against the file system (what bash would), at most MAX_GLOB_MATCHES; undefined when there are too many. */
function expandGlob(pattern: string, base: string): string[] | undefined {
  const absolute = path.isAbsolute(pattern);
  const segs = pattern.split('/').filter((s) => s !== '');
  let current = [absolute ? '/' : base];
  for (const seg of segs) {
    const next: string[] = [];
    for (const dir of current) {
      if (!GLOB.test(seg)) {
        next.push(path.join(dir, seg));
        continue;
      }
      const re = segmentRegex(seg);
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(name)) next.push(path.join(dir, name));
      }
      if (next.length > MAX_GLOB_MATCHES) return undefined;
    }
    current = next;
  }
  return current;
}

/** Why `candidate` reaches outside the workspace, or undefined when it stays inside. */
function outsideWhy(candidate: string, scope: PathScope, roots: readonly string[]): string | undefined {
  let p = candidate;
  if (p.startsWith('~')) {
    const slash = p.indexOf('/');
    const user = p.slice(1, slash < 0 ? undefined : slash);
    if (user) return `${p.split('/')[0]} is another user's home folder`;
    p = path.join(scope.home ?? os.homedir(), slash < 0 ? '' : p.slice(slash));
  }
  if (HARMLESS.has(p)) return undefined;
  const segs = p.split('/');
  if (segs.some((s) => GLOB.test(s) && segmentRegex(s).test('..'))) return `the pattern ${candidate} can match .. (the parent folder)`;
  const targets = segs.some((s) => GLOB.test(s)) ? expandGlob(p, scope.cwd) : [p];
  if (!targets) return `the pattern ${candidate} matches too many files to check`;
  // The pattern itself, taken literally (bash keeps an unmatched pattern as is), and every match.
  for (const t of new Set([p, ...targets])) {
    const real = physicalPath(t, scope.cwd);
    if (!inside(real, roots) && !HARMLESS.has(real)) return real === path.resolve(scope.cwd, t) ? `${real} is outside the workspace` : `${candidate} leads to ${real}, outside the workspace`;
  }
  return undefined;
}

/** The first word of a simple command that reaches outside the workspace, if any. */
export function outsideArgument(words: readonly string[], scope: PathScope): OutsideArgument | undefined {
  const roots = [...new Set(scope.workspaceFolders.flatMap((f) => [path.resolve(f), realpathOr(path.resolve(f))]))];
  for (const word of words) {
    for (const candidate of pathCandidates(word)) {
      const why = outsideWhy(candidate, scope, roots);
      if (why) return { word, why };
    }
  }
  return undefined;
}
