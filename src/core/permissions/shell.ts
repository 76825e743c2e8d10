/**
 * What a Bash command runs, as a real shell parser (mvdan-sh) sees it: the
 * simple commands joined by `&&`, `||`, `;`, `|` or newlines, each as its
 * literal words. Anything that could do more than its words say is refused
 * with the reason: redirections (`>`, `<`, heredocs), subshells and blocks,
 * command and process substitution, parameter and arithmetic expansion,
 * background `&`, brace expansion, assignments without a command, control
 * flow, functions. Quoted operators (`git log --grep="a;b"`) are just words.
 *
 * Shared by the Bash allow-list (elixirAgent.approvals.bashAllow) and the
 * `Bash(...)` permission rules: both match words, never the raw string, so
 * `git status && rm -rf /` is two commands and only matches when both do.
 *
 * Why mvdan-sh (Go's mvdan.cc/sh compiled to JS, 1.5 MB, loaded on first
 * use) rather than splitting on operators or a small JS parser: the
 * allow-list is a security boundary, and only a full bash parser sees
 * quotes, escapes, substitutions and redirections exactly as the shell that
 * runs the command will.
 */

export type ParsedCommand = { ok: true; commands: string[][] } | { ok: false; reason: string };

/** Commands that run other commands or change who runs them: never auto-approved. */
const RUNNERS = new Set([
  'eval', 'exec', 'source', '.', 'sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'csh', 'tcsh', 'env', 'xargs', 'sudo', 'su', 'doas', 'nohup', 'nice',
  'timeout', 'time', 'command', 'builtin', 'watch', 'parallel', 'setsid', 'stdbuf', 'chroot', 'busybox', 'script', 'ssh', 'trap', 'alias', 'unalias',
]);

/** Environment prefixes that only tune a run (`MIX_ENV=test mix test`). Others (PATH, LD_PRELOAD, GIT_SSH_COMMAND, ...) can run code. */
const SAFE_ENV = new Set(['MIX_ENV', 'NODE_ENV', 'RAILS_ENV', 'CI', 'NO_COLOR', 'FORCE_COLOR', 'TERM', 'LANG', 'LC_ALL', 'TZ', 'RUST_BACKTRACE', 'DEBUG']);

/** Options that make an otherwise read-only command write files or run programs (git diff --output, find -exec). */
const DANGEROUS_ARG = /^(--output(=|$)|--(exec|ext-diff|upload-pack|receive-pack|config-env)(=|$)|-(exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls)$)/;

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

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

/**
 * The simple commands of `src`, or why it cannot be reduced to plain words
 * (`reason` completes "It contains ...": "a redirection (>, <, >>, heredoc)").
 */
export function parseCommand(src: string): ParsedCommand {
  try {
    return { ok: true, commands: simpleCommands(src) };
  } catch (err) {
    if (err instanceof Refuse) return { ok: false, reason: err.message };
    throw err;
  }
}

/** The words without leading harmless environment assignments (`MIX_ENV=test mix test` → `mix test`). */
export function withoutSafeEnv(words: readonly string[]): string[] {
  const i = words.findIndex((w) => !ASSIGNMENT.test(w) || !SAFE_ENV.has(w.slice(0, w.indexOf('='))));
  return i < 0 ? [] : words.slice(i);
}

/** Why this simple command may never run without asking, as it runs other commands (`sh -c`, `xargs`, `sudo` ...), or undefined. */
export function runnerReason(words: readonly string[]): string | undefined {
  const name = withoutSafeEnv(words)[0] ?? words[0];
  return name !== undefined && RUNNERS.has(name) ? `\`${name}\` runs other commands, so it is never auto-approved.` : undefined;
}

/** Why this simple command may never run without asking, as an option writes files or runs programs (`--output=`, `-exec`), or undefined. */
export function riskyOptionReason(words: readonly string[]): string | undefined {
  const risky = words.find((w) => DANGEROUS_ARG.test(w));
  return risky ? `The option \`${risky}\` can write files or run programs, so it is never auto-approved.` : undefined;
}

/** Is this word an environment assignment (`FOO=1`)? */
export const isAssignment = (word: string | undefined): boolean => word !== undefined && ASSIGNMENT.test(word);
