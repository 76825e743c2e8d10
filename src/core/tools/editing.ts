/**
 * What Write, Edit, MultiEdit and NotebookEdit share: the read-before-write
 * rule, the "changed since read" check, the string-replacement engine, the
 * diff shown for approval and in the result, and the post-edit diagnostics.
 */
import { createTwoFilesPatch } from 'diff';
import { lineAt } from './define';
import { HARD_LINKED, statChecked } from './nodeFiles';
import { describeKind, displayPath, protectedWriteReason, resolveInWorkspace, type ResolvedPath } from './paths';
import { ToolError, type ApprovalRequest, type ToolContext, type ToolResult } from './types';

export interface WriteTarget {
  p: ResolvedPath;
  /** Workspace-relative path for messages and titles. */
  shown: string;
  exists: boolean;
  /** Current text ('' for a new file), as the agent would see it (dirty buffer included). */
  oldText: string;
}

export const NOT_READ = (p: string) => `File has not been read yet: ${p}. Read it first before writing to it.`;
export const CHANGED_SINCE_READ = (p: string) =>
  `${p} has been modified since it was last read (by the user, a formatter or another tool). Read it again before writing to it, so the change is not lost.`;

/**
 * Resolve and check a file the agent wants to change. Existing files must
 * have been read in this conversation and be unchanged since.
 */
export async function loadForWrite(ctx: ToolContext, filePath: string, param = 'file_path'): Promise<WriteTarget> {
  const p = resolveInWorkspace(filePath, ctx.workspaceFolders, { param, cwd: ctx.cwd });
  const shown = displayPath(p, ctx.workspaceFolders);
  const info = statChecked(p);
  if (info.kind === 'directory') throw new ToolError(`${filePath} is a directory; give the path of a file.`);
  if (info.kind !== 'missing' && info.kind !== 'file') throw new ToolError(`${filePath} is ${describeKind(info.kind)}; tools only write regular files.`);
  if (info.kind === 'missing') return { p, shown, exists: false, oldText: '' };
  if (info.nlink > 1) throw new ToolError(HARD_LINKED(filePath, info.nlink));
  const seen = ctx.reads.lastRead(p.path);
  if (seen === undefined) throw new ToolError(NOT_READ(filePath));
  const { text, version } = await ctx.files.readText(p);
  if (version !== seen) throw new ToolError(CHANGED_SINCE_READ(filePath));
  return { p, shown, exists: true, oldText: text };
}

/** Edit/MultiEdit on a missing file only create it (empty first old_string). */
export function assertCreatable(target: WriteTarget, firstOld: string, filePath: string): void {
  if (!target.exists && firstOld !== '') {
    throw new ToolError(`File does not exist: ${filePath}. To create it, use Write, or Edit with an empty old_string.`);
  }
}

/** A unified diff with workspace-relative names (`/dev/null` for a new file). */
export function unifiedDiff(shown: string, oldText: string, newText: string, isNew = false): string {
  const patch = createTwoFilesPatch(isNew ? '/dev/null' : shown, shown, oldText, newText, undefined, undefined, { context: 3 });
  return patch.replace(/^(?:Index: .*\n)?=+\n/, '');
}

/** The approval card for a file change: the exact diff and, for protected files, a warning. */
export function approvalFor(ctx: ToolContext, verb: string, target: WriteTarget, newText: string): ApprovalRequest {
  const request: ApprovalRequest = {
    title: `${target.exists ? verb : 'Create'} ${target.shown}`,
    diff: unifiedDiff(target.shown, target.oldText, newText, !target.exists),
  };
  return withProtection(ctx, target.p, request);
}

function withProtection(ctx: ToolContext, p: ResolvedPath, request: ApprovalRequest): ApprovalRequest {
  const why = protectedWriteReason(p, protectedPaths(ctx));
  if (!why) return request;
  const warning = `Protected file: ${why} Approve only if you asked the agent to change it.`;
  return { ...request, warning: request.warning ? `${warning} ${request.warning}` : warning, askEveryTime: true };
}

/**
 * describe() for the file-changing tools: the diff when the change can be
 * computed; otherwise why the call will fail. The protected-file warning is
 * there either way.
 */
export async function describeWrite(ctx: ToolContext, filePath: string, param: string, verb: string, compute: (target: WriteTarget) => ApprovalRequest): Promise<ApprovalRequest> {
  let p: ResolvedPath;
  try {
    p = resolveInWorkspace(filePath, ctx.workspaceFolders, { param, cwd: ctx.cwd });
  } catch (err) {
    return { title: `${verb} ${filePath}`, warning: `This call will fail: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    return compute(await loadForWrite(ctx, filePath, param));
  } catch (err) {
    return withProtection(ctx, p, { title: `${verb} ${displayPath(p, ctx.workspaceFolders)}`, warning: `This call will fail: ${err instanceof Error ? err.message : String(err)}` });
  }
}

/** Extra protected paths the host put in services (e.g. the user settings file). */
export function protectedPaths(ctx: ToolContext): string[] {
  const v = ctx.services.protectedPaths;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Numbered lines around the changed region of `newText`, like `cat -n` of a snippet. */
export function changedSnippet(oldText: string, newText: string, context = 4): string {
  let start = 0;
  const max = Math.min(oldText.length, newText.length);
  while (start < max && oldText[start] === newText[start]) start++;
  let endOld = oldText.length;
  let endNew = newText.length;
  while (endOld > start && endNew > start && oldText[endOld - 1] === newText[endNew - 1]) {
    endOld--;
    endNew--;
  }
  const lines = newText.split('\n');
  const first = Math.max(1, lineAt(newText, start) - context);
  const last = Math.min(lines.length, lineAt(newText, Math.max(start, endNew - 1)) + context, first + 60);
  const out: string[] = [];
  for (let n = first; n <= last; n++) out.push(`${n}\t${truncateLine(lines[n - 1] ?? '')}`);
  return out.join('\n');
}

function truncateLine(line: string): string {
  return line.length > 500 ? `${line.slice(0, 500)}… [line truncated]` : line;
}

/**
 * Write the new text through ctx.files, remember the new version as read (so
 * the agent can keep editing), and build the result: message, diff, and the
 * file's new diagnostics when the host can provide them.
 */
export async function commitWrite(ctx: ToolContext, target: WriteTarget, newText: string, message: string, summary?: string): Promise<ToolResult> {
  await ctx.files.writeText(target.p, newText);
  const version = await ctx.files.version(target.p);
  if (version !== undefined) ctx.reads.markRead(target.p.path, version);
  const diff = unifiedDiff(target.shown, target.oldText, newText, !target.exists);
  let text = message;
  if (ctx.services.diagnosticsAfterEdit) {
    try {
      const diagnostics = await ctx.services.diagnosticsAfterEdit(target.p.path, ctx.signal);
      if (diagnostics) text += `\n\nDiagnostics for ${target.shown} after this change:\n${diagnostics}`;
    } catch {
      // Diagnostics are a bonus; the edit itself succeeded.
    }
  }
  return { content: [{ type: 'text', text }], display: { diff, path: target.p.path, summary: summary ?? `${target.exists ? 'Edited' : 'Created'} ${target.shown}` } };
}

// ---- the string-replacement engine (Edit, MultiEdit) -----------------------

export interface StringEdit {
  old_string: string;
  new_string: string;
  replace_all?: boolean;
}

function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

/** Where old_string would match if whitespace at line starts/ends were ignored. */
function looseMatchLine(text: string, needle: string): number | undefined {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ');
  const want = needle.split('\n').map(norm);
  while (want.length && want[want.length - 1] === '') want.pop();
  while (want.length && want[0] === '') want.shift();
  if (want.length === 0) return undefined;
  const lines = text.split('\n').map(norm);
  const k = want.length;
  // Like an exact match: the first wanted line may be the end of a file line, the last the start of one.
  const fits = (line: string, j: number, w: string) => (k === 1 ? line.includes(w) : j === 0 ? line.endsWith(w) : j === k - 1 ? line.startsWith(w) : line === w);
  outer: for (let i = 0; i + k <= lines.length; i++) {
    for (const [j, w] of want.entries()) if (!fits(lines[i + j] ?? '', j, w)) continue outer;
    return i + 1;
  }
  return undefined;
}

/**
 * Apply one exact-string edit. Fails unless old_string occurs exactly once
 * (or replace_all), saying how many matches there were and on which lines.
 * A file with CRLF line ends accepts old/new strings written with LF.
 */
export function applyStringEdit(text: string, edit: StringEdit, shown: string): string {
  const { replace_all = false } = edit;
  let { old_string, new_string } = edit;
  if (old_string === new_string) throw new ToolError('old_string and new_string are identical; there is nothing to change.');
  if (old_string === '') {
    if (text === '') return new_string;
    throw new ToolError(`old_string is empty, which only creates a new file or fills an empty one, but ${shown} has content. Give the exact text to replace.`);
  }
  let at = occurrences(text, old_string);
  if (at.length === 0 && text.includes('\r\n') && old_string.includes('\n') && !old_string.includes('\r\n')) {
    old_string = old_string.replace(/\n/g, '\r\n');
    new_string = new_string.replace(/\r?\n/g, '\r\n');
    at = occurrences(text, old_string);
  }
  if (at.length === 0) {
    const near = looseMatchLine(text, edit.old_string);
    const hint = near ? ` A match that differs only in whitespace or indentation starts at line ${near}; copy the text exactly as Read shows it (without the line-number prefix).` : ' Read the file again and copy the text exactly (without the line-number prefix).';
    throw new ToolError(`old_string was not found in ${shown}.${hint}`);
  }
  if (at.length > 1 && !replace_all) {
    const lines = [...new Set(at.map((i) => lineAt(text, i)))];
    const list = lines.length > 20 ? `${lines.slice(0, 20).join(', ')}, …` : lines.join(', ');
    throw new ToolError(
      `old_string occurs ${at.length} times in ${shown} (lines ${list}); it must occur exactly once. Add surrounding lines to make it unique, or set replace_all to true to change every occurrence.`,
    );
  }
  if (replace_all) return text.split(old_string).join(new_string);
  const i = at[0]!; // exactly one occurrence (none and several were answered above)
  return text.slice(0, i) + new_string + text.slice(i + old_string.length);
}
