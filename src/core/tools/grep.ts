/**
 * Grep: ripgrep over the workspace with Claude Code's parameters
 * (output_mode content / files_with_matches / count, -A/-B/-C/-n/-i, glob,
 * type, head_limit, multiline). Honours .gitignore. Results are capped with
 * a note. Falls back to a JS search (jsGrep.ts) without a ripgrep binary.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { defineTool } from './define';
import { splitGlobs } from './globs';
import { jsGrep, toJsRegExp, type GrepMode } from './jsGrep';
import { TOOL_NAMES } from './names';
import { confirmEntries, parseRgLine, withoutHardLinks, type CheckResult, type GrepEntry } from './grepCheck';
import { RG_COMMON_ARGS, runRipgrep } from './ripgrep';
import { optionalSearchPath, searchRoot } from './search';
import { searchBudget } from './searchLimits';
import { ToolError, type ToolResult } from './types';

/** Entries (files, counts) returned when head_limit does not say otherwise. */
export const GREP_MAX_ENTRIES = 250;
/** Characters of content output returned at most. */
export const GREP_MAX_CHARS = 30_000;
/** Lines gathered from the search before it is stopped. */
const COLLECT_LIMIT = 20_000;
const MAX_COLUMNS = 500;

const lines = (what: string) => z.int().min(0).max(100).optional().describe(`Number of lines to show ${what} each match (content mode only).`);

const grepInput = z
  .strictObject({
    pattern: z.string().describe('The regular expression pattern to search for in file contents'),
    path: optionalSearchPath.describe('File or directory to search in (absolute). Defaults to the workspace folder.'),
    glob: z.string().optional().describe('Glob pattern to filter files (e.g. "*.ex", "*.{ex,exs}") - maps to rg --glob'),
    type: z.string().optional().describe('File type to search (rg --type), e.g. elixir, erlang, js, ts, md. More efficient than glob for standard file types.'),
    output_mode: z
      .enum(['content', 'files_with_matches', 'count'])
      .default('files_with_matches')
      .describe('Output mode: "content" shows matching lines, "files_with_matches" shows file paths (default), "count" shows match counts.'),
    '-A': lines('after'),
    '-B': lines('before'),
    '-C': lines('before and after'),
    '-n': z.boolean().default(true).describe('Show line numbers in output (content mode only). Defaults to true.'),
    '-i': z.boolean().default(false).describe('Case insensitive search'),
    head_limit: z.int().min(0).optional().describe('Limit output to the first N lines/entries, like "| head -N".'),
    offset: z.int().min(0).default(0).describe('Skip the first N lines/entries before applying head_limit.'),
    multiline: z.boolean().default(false).describe('Enable multiline mode where . matches newlines and patterns can span lines (rg -U --multiline-dotall). Default: false.'),
  })
  .transform((g) => ({
    pattern: g.pattern,
    path: g.path,
    glob: g.glob,
    type: g.type,
    mode: g.output_mode satisfies GrepMode,
    before: g['-B'] ?? g['-C'] ?? 0,
    after: g['-A'] ?? g['-C'] ?? 0,
    lineNumbers: g['-n'],
    ignoreCase: g['-i'],
    headLimit: g.head_limit,
    offset: g.offset,
    multiline: g.multiline,
  }));

type GrepInput = z.output<typeof grepInput>;

function rgArgs(g: GrepInput, root: string): string[] {
  const args = [...RG_COMMON_ARGS, '--with-filename', '--max-columns', String(MAX_COLUMNS), '--max-columns-preview'];
  if (g.mode === 'files_with_matches') args.push('--files-with-matches');
  else if (g.mode === 'count') args.push('--count');
  else {
    // The path ended by a NUL and always a line number, so grepCheck.ts can check each line (-n off is applied when shown).
    args.push('--null', '--line-number');
    if (g.before) args.push('--before-context', String(g.before));
    if (g.after) args.push('--after-context', String(g.after));
  }
  if (g.ignoreCase) args.push('--ignore-case');
  if (g.multiline) args.push('--multiline', '--multiline-dotall');
  for (const glob of g.glob ? splitGlobs(g.glob) : []) args.push('--glob', glob);
  if (g.type) args.push('--type', g.type);
  args.push('--regexp', g.pattern, '--', root);
  return args;
}

function byMtime(entries: GrepEntry[], mtime: (file: string) => number): GrepEntry[] {
  return entries.map((e) => ({ e, t: mtime(e.text) })).sort((a, b) => b.t - a.t || (a.e.text < b.e.text ? -1 : 1)).map((x) => x.e);
}

/** What the check of the shown entries left out, and why. */
function leftOutNote({ changed, hardLinked }: CheckResult): string {
  const notes: string[] = [];
  if (hardLinked) notes.push(`${hardLinked} file${hardLinked === 1 ? '' : 's'} with several hard links (their other names may be outside the workspace, so tools do not search them)`);
  if (changed) notes.push(`${changed} entr${changed === 1 ? 'y' : 'ies'} whose file changed or moved during the search`);
  return notes.length ? `\n\n(Left out: ${notes.join('; ')}.)` : '';
}

function nothingFound(g: GrepInput, where: string, leftOut: CheckResult, within = ''): ToolResult {
  const none = g.mode === 'files_with_matches' ? 'No files found' : 'No matches found';
  return { content: [{ type: 'text', text: `${none} for ${JSON.stringify(g.pattern)} in ${where}${within}.${leftOutNote(leftOut)}` }], display: { summary: none } };
}

function cutLongLine(line: string): string {
  return line.length > MAX_COLUMNS + 200 ? `${line.slice(0, MAX_COLUMNS)}… [line truncated]` : line;
}

export const grepTool = defineTool({
  name: TOOL_NAMES.grep,
  kind: 'read',
  readOnly: true,
  description: [
    'A powerful search tool built on ripgrep. ALWAYS use Grep for content searches instead of running grep or rg with Bash.',
    'pattern is a ripgrep (Rust) regular expression, e.g. "def handle_event", "defmodule \\w+Live", "Repo\\.(insert|update)". Literal braces need escaping: "%\\{" to find "%{".',
    'Filter files with glob (e.g. "*.ex", "**/*.{ex,exs}", "!test/**") or type (e.g. "elixir", "js"). .gitignore is respected.',
    'output_mode: "files_with_matches" (default) lists matching files, most recently modified first; "content" shows matching lines (with -n line numbers, on by default, and -A/-B/-C context lines); "count" shows match counts per file.',
    '-i makes the search case-insensitive. multiline: true lets a pattern span lines (and . match newlines).',
    `head_limit returns only the first N lines/entries (offset skips some first). Results are capped (${GREP_MAX_ENTRIES} entries, ${GREP_MAX_CHARS} characters of content) with a note.`,
  ].join('\n'),
  input: grepInput,
  aliases: { context: '-C' },
  async run(g, ctx) {
    if (g.pattern === '') throw new ToolError('pattern must not be empty.');
    const root = searchRoot(ctx, g.path, { allowFile: true });
    const budget = searchBudget(ctx);
    const lines: GrepEntry[] = [];
    let collectedChars = 0;
    let stoppedEarly = false;
    const rg = ctx.services.ripgrepPath;
    const onLine = (line: string) => {
      lines.push(rg ? parseRgLine(line, g.mode, g.lineNumbers, cutLongLine) : { text: g.mode === 'content' ? cutLongLine(line) : line, file: g.mode === 'files_with_matches' ? line : undefined });
      collectedChars += line.length;
      if (lines.length >= COLLECT_LIMIT || (g.mode === 'content' && collectedChars > 4 * GREP_MAX_CHARS + (g.offset > 0 ? 1e6 : 0))) {
        stoppedEarly = true;
        return false;
      }
      return true;
    };
    if (rg) {
      const run = await runRipgrep(rg, rgArgs(g, root.path), { cwd: root.kind === 'file' ? path.dirname(root.path) : root.path, signal: budget.signal, onLine });
      if (run.code === 2 && lines.length === 0 && !run.stopped && !budget.signal.aborted) throw new ToolError(`Grep failed: ${run.stderr || 'ripgrep exited with an error'}`);
    } else {
      const re = toJsRegExp(g.pattern, { ignoreCase: g.ignoreCase, multiline: g.multiline });
      await jsGrep({
        rootPath: root.path,
        rootIsFile: root.kind === 'file',
        top: root.folder,
        realTop: root.root,
        re,
        mode: g.mode,
        before: g.mode === 'content' ? g.before : 0,
        after: g.mode === 'content' ? g.after : 0,
        lineNumbers: g.lineNumbers,
        globs: g.glob ? splitGlobs(g.glob) : [],
        type: g.type,
        signal: budget.signal,
        timeLimitMs: budget.seconds * 1000,
        maxLines: COLLECT_LIMIT,
        onLine,
      });
    }
    if (ctx.signal.aborted) throw new ToolError('Grep was cancelled.');
    const timedOut = budget.timedOut();
    const within = timedOut ? ` within the ${budget.seconds} s limit (the search stopped there; narrow it with path, glob or type)` : '';
    if (timedOut) stoppedEarly = true;
    // Hard-linked files are left out before anything is counted: their other names may be outside the workspace.
    // (Content mode counts only what it shows, which confirmEntries checks anyway.)
    const pre = g.mode === 'content' ? { kept: lines, hardLinked: 0, mtime: () => 0 } : await withoutHardLinks(lines);
    if (pre.kept.length === 0) return nothingFound(g, root.path, { kept: [], changed: 0, hardLinked: pre.hardLinked }, within);

    let entries = g.mode === 'files_with_matches' ? byMtime(pre.kept, pre.mtime) : pre.kept;
    const available = entries.length;
    entries = entries.slice(g.offset);
    const limit = g.headLimit && g.headLimit > 0 ? g.headLimit : g.mode === 'content' ? Infinity : GREP_MAX_ENTRIES;
    let more = entries.length > limit || stoppedEarly;
    entries = entries.slice(0, limit);
    if (g.mode === 'content') {
      let size = 0;
      let keep = 0;
      for (const e of entries) {
        if (size + e.text.length + 1 > GREP_MAX_CHARS) break;
        size += e.text.length + 1;
        keep++;
      }
      if (keep < entries.length) {
        entries = entries.slice(0, Math.max(1, keep));
        more = true;
      }
    }
    // ripgrep read by path: show only what the files, opened through the safe walk, confirm (grepCheck.ts).
    const check = rg
      ? await confirmEntries(g.mode, entries, (file) => ({ root: root.root, rel: path.relative(root.folder, file).split(path.sep).join('/') }), ctx.signal)
      : { kept: entries.map((e) => e.text), changed: 0, hardLinked: 0 };
    const shown = check.kept;
    if (shown.length === 0) return nothingFound(g, root.path, { ...check, hardLinked: pre.hardLinked + check.hardLinked }, within);

    let text: string;
    let summary: string;
    if (g.mode === 'files_with_matches') {
      summary = `Found ${available}${stoppedEarly ? '+' : ''} file${available === 1 && !stoppedEarly ? '' : 's'}`;
      text = `${summary}\n${shown.join('\n')}`;
    } else if (g.mode === 'count') {
      const total = pre.kept.reduce((n, l) => n + (Number(/:(\d+)$/.exec(l.text)?.[1]) || 0), 0);
      summary = `Found ${total} matching line${total === 1 ? '' : 's'} in ${available} file${available === 1 ? '' : 's'}`;
      text = `${shown.join('\n')}\n\n${summary}.`;
    } else {
      summary = `${shown.length} line${shown.length === 1 ? '' : 's'}`;
      text = shown.join('\n');
    }
    if (timedOut) {
      text += `\n\n(The search stopped after ${budget.seconds} s: these are the results found by then. Narrow the search with path, glob or type.)`;
    } else if (more) {
      text += `\n\n(Results were cut: showing ${shown.length} ${g.mode === 'content' ? 'lines' : 'entries'}${g.offset ? ` after skipping ${g.offset}` : ''}. Narrow the search with path, glob or type, or page with offset and head_limit.)`;
    }
    text += leftOutNote({ ...check, hardLinked: pre.hardLinked + check.hardLinked });
    return { content: [{ type: 'text', text }], display: { summary } };
  },
});
