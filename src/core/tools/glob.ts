/**
 * Glob: files whose workspace-relative path matches a glob, newest modified
 * first, at most 100. ripgrep lists the files (fast, honours .gitignore and
 * .ignore, hidden files included); the pattern is matched here, in linear
 * time (globMatch.ts). Without ripgrep, a JS walk does the same.
 *
 * Why not `rg --files --glob PATTERN`: rg's --glob overrides every ignore
 * file (`--glob '*.log'` lists a git-ignored debug.log, `--glob '**\/*'`
 * lists all of deps/ and _build/), unlike Claude Code's Glob.
 *
 * Bounded: SEARCH_TIME_LIMIT_MS, GLOB_MAX_MATCHES files gathered, the 100
 * newest kept while statting (no sort of everything), and every loop
 * yields to the event loop at least every SLICE_MS.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { defineTool } from './define';
import { globMatcher, walkFiles } from './globs';
import { TOOL_NAMES } from './names';
import { RG_COMMON_ARGS, runRipgrepBatches } from './ripgrep';
import { filesBelow, moreNote, mtimes, optionalSearchPath, searchRoot } from './search';
import { Slicer, searchBudget } from './searchLimits';
import { ToolError } from './types';

export const GLOB_LIMIT = 100;
/** Matching files gathered at most; the search stops there and says so. */
export const GLOB_MAX_MATCHES = 100_000;
const caseInsensitiveFs = process.platform === 'darwin' || process.platform === 'win32';

/** The `limit` newest files seen so far (ties: path order), by insertion into a short sorted list. */
class Newest {
  readonly items: Array<{ rel: string; t: number }> = [];
  constructor(private readonly limit: number) {}

  private before(a: { rel: string; t: number }, b: { rel: string; t: number }): boolean {
    return a.t > b.t || (a.t === b.t && a.rel < b.rel);
  }

  add(rel: string, t: number): void {
    const item = { rel, t };
    const items = this.items;
    const last = items.at(-1);
    if (items.length >= this.limit && last && !this.before(item, last)) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before(items[mid]!, item)) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
    if (items.length > this.limit) items.pop();
  }
}

/** The GLOB_LIMIT newest of `rels` (relative to root). */
async function newestFirst(root: string, rels: string[], slice: Slicer, signal: AbortSignal): Promise<string[]> {
  const times = await mtimes(
    rels.map((rel) => path.join(root, rel)),
    slice,
    signal,
  );
  const newest = new Newest(GLOB_LIMIT);
  rels.forEach((rel, i) => newest.add(rel, times[i] ?? 0));
  return newest.items.map((x) => x.rel);
}

export const globTool = defineTool({
  name: TOOL_NAMES.glob,
  kind: 'read',
  readOnly: true,
  description: [
    'Fast file pattern matching for any size of codebase. Returns the absolute paths of matching files, most recently modified first, at most 100.',
    'The pattern is matched against paths relative to `path` (default: the workspace folder): `**/*.ex` finds Elixir files at any depth, `lib/**/*_live.ex` LiveViews under lib, `test/**/*_test.exs` tests, `*.exs` only top-level files, `{lib,test}/**/*.{ex,exs}` both.',
    'Files ignored by .gitignore (deps/, _build/, node_modules/ ...) and .git are skipped; hidden files are included.',
    'Use Grep to search file contents. Run several searches in parallel when useful.',
  ].join('\n'),
  input: z.strictObject({
    pattern: z.string().describe('The glob pattern to match files against'),
    path: optionalSearchPath.describe('The directory to search in (absolute). If not specified, the workspace folder is used. Omit it for the default rather than passing "undefined" or "null".'),
  }),
  async run(input, ctx) {
    const root = searchRoot(ctx, input.path, { allowFile: false });
    let pattern = input.pattern.trim();
    if (!pattern) throw new ToolError('pattern must not be empty.');
    if (path.isAbsolute(pattern)) {
      const rel = path.relative(root.path, pattern);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ToolError(`The pattern ${pattern} is outside ${root.path}; give a pattern relative to path.`);
      pattern = rel.split(path.sep).join('/');
    }
    const matcher = globMatcher(pattern, caseInsensitiveFs);
    const budget = searchBudget(ctx);
    const slice = new Slicer();
    const all: string[] = [];
    let capped = false;
    /** false: stop gathering. */
    const take = (rel: string): boolean => {
      if (matcher.test(rel)) all.push(rel);
      capped = all.length >= GLOB_MAX_MATCHES;
      return !capped;
    };
    const rg = ctx.services.ripgrepPath;
    if (rg) {
      const run = await runRipgrepBatches(rg, ['--files', ...RG_COMMON_ARGS], {
        cwd: root.path,
        signal: budget.signal,
        onLines: async (lines) => {
          for (const line of lines) {
            if (slice.due()) await slice.pause();
            if (budget.signal.aborted || !take(line.replace(/^\.\//, '').split(path.sep).join('/'))) return false;
          }
          return true;
        },
      });
      if (run.code === 2 && all.length === 0 && run.stderr && !budget.signal.aborted) throw new ToolError(`Glob failed: ${run.stderr}`);
    } else {
      const startRel = path.relative(root.folder, root.path).split(path.sep).join('/');
      for await (const f of walkFiles(root.folder, root.path, budget.signal)) {
        if (slice.due()) await slice.pause();
        if (!take(startRel ? f.rel.slice(startRel.length + 1) : f.rel)) break;
      }
    }
    if (ctx.signal.aborted) throw new ToolError('Glob was cancelled.');
    const timedOut = budget.timedOut();
    const total = all.length;
    // Names listed by path while a folder was swapped for a link out are dropped (safe walk).
    const matches = filesBelow(root, await newestFirst(root.path, all, slice, ctx.signal));
    if (ctx.signal.aborted) throw new ToolError('Glob was cancelled.');
    if (total === 0) {
      const within = timedOut ? ` within the ${budget.seconds} s limit (the search stopped there; give a narrower path)` : '';
      return { content: [{ type: 'text', text: `No files found matching ${input.pattern} in ${root.path}${within}.` }], display: { summary: 'No files found' } };
    }
    const list = matches.map((rel) => path.join(root.path, rel)).join('\n');
    let note: string;
    if (capped || timedOut) {
      const why = capped ? `stopped at ${GLOB_MAX_MATCHES.toLocaleString('en')} matching files` : `stopped after ${budget.seconds} s`;
      note = `\n\n(The search ${why}, before it had seen every file: these are the most recently modified of the ${total.toLocaleString('en')} matching file${total === 1 ? '' : 's'} found by then. Use a more specific pattern or path.)`;
    } else {
      note = moreNote(matches.length, total, 'matching files (the most recently modified)', 'Use a more specific pattern or path to narrow the search.');
    }
    return { content: [{ type: 'text', text: list + note }], display: { summary: `${total}${capped || timedOut ? '+' : ''} file${total === 1 ? '' : 's'}` } };
  },
});
