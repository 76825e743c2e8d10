/**
 * The Bash allow-list matcher. A command runs without asking only if a real
 * shell parser (mvdan-sh) splits it into simple commands joined by `&&`,
 * `||`, `;`, `|` or newlines, and EVERY one of them matches an allow-list
 * entry (a prefix of whole words). Anything the parser shows could do more
 * than the words say always asks: redirections (`>`, `<`, heredocs),
 * subshells and blocks, command and process substitution, parameter and
 * arithmetic expansion, background `&`, brace expansion, assignments other
 * than a few harmless environment prefixes, control flow, functions, and
 * commands that run other commands (eval, exec, sh -c, xargs, env, sudo ...).
 * Quoted operators (`git log --grep="a;b"`) are just words.
 */
export interface AllowMatch {
  allowed: boolean;
  /** Why not (for the approval card / the model), when not allowed. */
  reason?: string;
  /** The simple commands found, as words (for display and tests). */
  commands: string[][];
}

/** Commands that run other commands or change who runs them: never auto-approved. */
const RUNNERS = new Set([
  'eval', 'exec', 'source', '.', 'sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'csh', 'tcsh', 'env', 'xargs', 'sudo', 'su', 'doas', 'nohup', 'nice',
  'timeout', 'time', 'command', 'builtin', 'watch', 'parallel', 'setsid', 'stdbuf', 'chroot', 'busybox', 'script', 'ssh', 'trap', 'alias', 'unalias',
]);

/** Environment prefixes that only tune a run (`MIX_ENV=test mix test`). Others (PATH, LD_PRELOAD, GIT_SSH_COMMAND, ...) can run code. */
const SAFE_ENV = new Set(['MIX_ENV', 'NODE_ENV', 'RAILS_ENV', 'CI', 'NO_COLOR', 'FORCE_COLOR', 'TERM', 'LANG', 'LC_ALL', 'TZ', 'RUST_BACKTRACE', 'DEBUG']);

/** Options that make an otherwise read-only command write files or run programs (git diff --output, find -exec). */
const DANGEROUS_ARG = /^(--output(=|$)|--(exec|ext-diff|upload-pack|receive-pack|config-env)(=|$)|-(exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls)$)/;

const OP = { and: 10, or: 11, pipe: 12, pipeAll: 13 } as const;

type ShNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Syntax {
  NewParser(): { Parse(src: string, name: string): ShNode };
  NodeType(node: ShNode): string;
}

let syntaxCache: Syntax | undefined;
function syntax(): Syntax {
  // Loaded on first use: the GopherJS parser is 1.5 MB (esbuild still bundles it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  syntaxCache ??= (require('mvdan-sh') as { syntax: Syntax }).syntax;
  return syntaxCache;
}

class Refuse extends Error {}

function unescapeUnquoted(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}
function unescapeDouble(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

/** The literal value of a word, or a Refuse when any part could expand. */
function literal(word: ShNode, sx: Syntax): string {
  let out = '';
  for (const part of word.Parts as ShNode[]) {
    const t = sx.NodeType(part);
    if (t === 'Lit') {
      const v = part.Value as string;
      if (/[{}]/.test(v) && /\{[^}]*(,|\.\.)[^}]*\}/.test(v)) throw new Refuse('brace expansion');
      out += unescapeUnquoted(v);
    } else if (t === 'SglQuoted') {
      if (part.Dollar) throw new Refuse("$'...' quoting");
      out += part.Value as string;
    } else if (t === 'DblQuoted') {
      if (part.Dollar) throw new Refuse('$"..." quoting');
      for (const inner of part.Parts as ShNode[]) {
        if (sx.NodeType(inner) !== 'Lit') throw new Refuse(describeExpansion(sx.NodeType(inner)));
        out += unescapeDouble(inner.Value as string);
      }
    } else throw new Refuse(describeExpansion(t));
  }
  return out;
}

function describeExpansion(type: string): string {
  switch (type) {
    case 'CmdSubst':
      return 'command substitution ($(...) or backticks)';
    case 'ProcSubst':
      return 'process substitution';
    case 'ParamExp':
      return 'variable expansion';
    case 'ArithmExp':
      return 'arithmetic expansion';
    case 'ExtGlob':
      return 'extended glob';
    default:
      return `shell construct ${type}`;
  }
}

function describeCommand(type: string): string {
  switch (type) {
    case 'Subshell':
      return 'a subshell ( ... )';
    case 'Block':
      return 'a { ... } block';
    case 'FuncDecl':
      return 'a function definition';
    case 'DeclClause':
      return 'a declaration (export/local/declare)';
    default:
      return `shell syntax (${type})`;
  }
}

/** Split into simple commands (as word lists), refusing anything beyond plain words. */
function simpleCommands(src: string): string[][] {
  const sx = syntax();
  let file: ShNode;
  try {
    file = sx.NewParser().Parse(src, 'command');
  } catch (err) {
    const e = err as { Error?: () => string; message?: string };
    throw new Refuse(`the command does not parse (${typeof e?.Error === 'function' ? e.Error() : String(e?.message ?? err)})`);
  }
  const out: string[][] = [];
  const stmt = (s: ShNode) => {
    if (s.Background) throw new Refuse('a background job (&)');
    if (s.Coprocess) throw new Refuse('a coprocess');
    if ((s.Redirs as ShNode[]).length > 0) throw new Refuse('a redirection (>, <, >>, heredoc)');
    const cmd = s.Cmd as ShNode | null;
    if (!cmd) throw new Refuse('an empty statement');
    const t = sx.NodeType(cmd);
    if (t === 'BinaryCmd') {
      const op = cmd.Op as number;
      if (op !== OP.and && op !== OP.or && op !== OP.pipe && op !== OP.pipeAll) throw new Refuse('an unknown operator');
      stmt(cmd.X);
      stmt(cmd.Y);
      return;
    }
    if (t !== 'CallExpr') throw new Refuse(describeCommand(t));
    const words: string[] = [];
    for (const a of cmd.Assigns as ShNode[]) {
      if (a.Append || a.Naked || a.Index || a.Array) throw new Refuse('an array or append assignment');
      const name = a.Name.Value as string;
      const value = a.Value ? literal(a.Value, sx) : '';
      words.push(`${name}=${value}`);
    }
    for (const w of cmd.Args as ShNode[]) words.push(literal(w, sx));
    if ((cmd.Args as ShNode[]).length === 0) throw new Refuse('a variable assignment without a command');
    out.push(words);
  };
  for (const s of file.Stmts as ShNode[]) stmt(s);
  if (out.length === 0) throw new Refuse('no command');
  return out;
}

/** Allow-list entries as word lists; blank entries are ignored. */
function entryWords(entry: string): string[] {
  return entry.trim().split(/\s+/).filter(Boolean);
}

function matchesEntry(words: string[], entry: string[]): boolean {
  if (entry.length === 0 || entry.length > words.length) return false;
  return entry.every((w, i) => words[i] === w);
}

/** Leading assignments: kept when the entry names them, dropped when harmless, refused otherwise. */
function withoutSafeEnv(words: string[]): string[] {
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) && SAFE_ENV.has(words[i].split('=')[0])) i++;
  return words.slice(i);
}

/** Does `command` consist only of allow-listed simple commands? */
export function matchBashAllowList(command: string, allowList: readonly string[]): AllowMatch {
  let commands: string[][];
  try {
    commands = simpleCommands(command);
  } catch (err) {
    if (err instanceof Refuse) return { allowed: false, reason: `It contains ${err.message}, which is never auto-approved.`, commands: [] };
    throw err;
  }
  const entries = allowList.map(entryWords).filter((e) => e.length > 0);
  for (const words of commands) {
    const candidates = [words, withoutSafeEnv(words)];
    const name = candidates[1][0] ?? words[0];
    if (RUNNERS.has(name)) return { allowed: false, reason: `\`${name}\` runs other commands, so it is never auto-approved.`, commands };
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(candidates[1][0] ?? '') && !entries.some((e) => matchesEntry(words, e))) {
      return { allowed: false, reason: `The environment prefix \`${candidates[1][0]}\` is not auto-approved.`, commands };
    }
    const risky = words.find((w) => DANGEROUS_ARG.test(w));
    if (risky) return { allowed: false, reason: `The option \`${risky}\` can write files or run programs, so it is never auto-approved.`, commands };
    if (!entries.some((e) => candidates.some((c) => matchesEntry(c, e)))) {
      return { allowed: false, reason: `\`${words.join(' ')}\` is not in the Bash allow-list (elixirAgent.approvals.bashAllow).`, commands };
    }
  }
  return { allowed: true, commands };
}
