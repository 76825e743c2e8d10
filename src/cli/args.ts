/**
 * The CLI's command lines, read by node's util.parseArgs: which words are
 * long options (`--name`, `--name=value`), which take the next word as their
 * value, which are positionals, and `--`.
 *
 * parseArgs runs non-strict and hands over its tokens; each command checks
 * them in order itself, so its messages (`--cwd needs a value`, `unknown
 * option --x`, `--max needs a positive whole number`) and the exact forms it
 * accepts stay its own. None of the commands has short options: a
 * single-dash word (`-x`, `-abc`, which parseArgs splits into short options)
 * comes back whole, as the word it was.
 */
import { parseArgs } from 'node:util';

export type ArgToken =
  /** `--name` or `--name=value` (inline); `value` is the next word for the options that take one (absent at the end). */
  | { kind: 'option'; name: string; raw: string; value?: string; inline: boolean }
  /** A word starting with a single dash. */
  | { kind: 'short'; raw: string }
  | { kind: 'positional'; raw: string }
  /** `--`: what follows are positionals (only when the command reads `--` so). */
  | { kind: 'terminator'; raw: string };

/**
 * The words of `args` in order. `valued`: the long options that take a value
 * (the next word, whatever it is, as parseArgs reads it). With
 * `terminator: false`, `--` is a word like any other (a command without `--`
 * reports it) and the words after it are read as options too.
 */
export function argTokens(args: readonly string[], valued: readonly string[], options: { terminator?: boolean } = {}): ArgToken[] {
  const { tokens } = parseArgs({
    args: [...args],
    options: Object.fromEntries(valued.map((name) => [name, { type: 'string' as const }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const out: ArgToken[] = [];
  let last = -1;
  for (const t of tokens) {
    // A group of short options (`-abc`) comes as one token per letter, all at the word's index.
    if (t.index === last) continue;
    last = t.index;
    const raw = args[t.index]!; // a token's index is the position of its word in args
    if (t.kind === 'option-terminator') {
      out.push({ kind: 'terminator', raw });
      if (options.terminator === false) {
        out.push(...argTokens(args.slice(t.index + 1), valued, options));
        break;
      }
    } else if (t.kind === 'positional') out.push({ kind: 'positional', raw });
    else if (!raw.startsWith('--')) out.push({ kind: 'short', raw });
    else out.push({ kind: 'option', name: t.name, raw, value: t.value, inline: t.inlineValue === true });
  }
  return out;
}
