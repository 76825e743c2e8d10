/**
 * LS: a directory as an indented tree, breadth first so a big folder does not
 * hide its siblings, capped. Folders ignored by .gitignore (deps/, _build/)
 * are shown but not entered; `ignore` globs hide entries.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { defineTool } from './define';
import { IgnoreStack, globMatcher } from './globs';
import type { GlobMatcher } from './globMatch';
import { TOOL_NAMES } from './names';
import { readdirBelow, readlinkBelow } from './safeFs';
import { searchRoot } from './search';
import { Slicer, searchBudget } from './searchLimits';
import { ToolError } from './types';

export const LS_LIMIT = 1000;
/** `ignore` patterns taken at most (each entry is tested against every one). */
export const LS_MAX_IGNORES = 5000;

async function compileIgnores(globs: string[], slice: Slicer): Promise<GlobMatcher[]> {
  const unique = [...new Set(globs.map((g) => g.replace(/\/+$/, '')).filter((g) => g !== ''))];
  if (unique.length > LS_MAX_IGNORES) throw new ToolError(`ignore has ${unique.length} patterns; at most ${LS_MAX_IGNORES}. Combine them ({a,b}, *) or list a subfolder.`);
  const out: GlobMatcher[] = [];
  for (const g of unique) {
    if (slice.due()) await slice.pause();
    out.push(globMatcher(g));
  }
  return out;
}

function readlinkOr(root: string, rel: string): string {
  try {
    return readlinkBelow({ root, rel });
  } catch {
    return '?';
  }
}

interface Node {
  name: string;
  isDir: boolean;
  note?: string;
  children?: Node[];
}

export const lsTool = defineTool({
  name: TOOL_NAMES.ls,
  kind: 'read',
  readOnly: true,
  description: [
    'Lists files and directories under a path (absolute) as a tree, up to 1000 entries.',
    'Folders ignored by .gitignore (such as deps/ and _build/) are shown but not expanded; pass their path to list them. `ignore` takes glob patterns of entries to leave out (matched against names and relative paths).',
    'Prefer Glob and Grep when you know what you are looking for.',
  ].join('\n'),
  input: z.strictObject({
    path: z.string().describe('The absolute path to the directory to list (must be absolute, not relative)'),
    ignore: z.array(z.string()).default([]).describe('List of glob patterns to ignore'),
  }),
  async run(input, ctx) {
    const root = searchRoot(ctx, input.path, { allowFile: false });
    const budget = searchBudget(ctx);
    const slice = new Slicer();
    const ignores = await compileIgnores(input.ignore, slice);
    // Each test is bounded (globMatch.ts); the slices keep thousands of them off one event-loop turn.
    const hidden = async (rel: string, name: string) => {
      for (const re of ignores) {
        if (slice.due()) await slice.pause();
        if (re.test(name) || re.test(rel)) return true;
      }
      return false;
    };
    const startRel = path.relative(root.folder, root.path).split(path.sep).join('/');
    const rootIgnore = IgnoreStack.forDir(root.folder, startRel);
    // When the listed folder is itself ignored (ls deps/), list it plainly.
    const rootIsIgnored = startRel !== '' && (await IgnoreStack.forDir(root.folder, path.posix.dirname(startRel) === '.' ? '' : path.posix.dirname(startRel)).ignored(startRel, true, slice));

    const top: Node = { name: root.path, isDir: true, children: [] };
    const queue: Array<{ node: Node; rel: string; ignore: IgnoreStack }> = [{ node: top, rel: startRel, ignore: rootIgnore }];
    let count = 0;
    let truncated = false;
    let timedOut = false;
    const stopped = () => {
      if (ctx.signal.aborted) throw new ToolError('LS was cancelled.');
      timedOut = budget.timedOut();
      return timedOut;
    };
    while (queue.length && !stopped()) {
      const { node, rel, ignore } = queue.shift()!;
      let entries: fs.Dirent[];
      try {
        entries = await readdirBelow({ root: root.root, rel });
      } catch (err) {
        node.note = `(cannot list: ${(err as NodeJS.ErrnoException).code ?? String(err)})`;
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (slice.due()) {
          await slice.pause();
          if (stopped()) break;
        }
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        const relToRoot = startRel ? childRel.slice(startRel.length + 1) : childRel;
        if (e.name === '.git' || (await hidden(relToRoot, e.name))) continue;
        if (count >= LS_LIMIT) {
          truncated = true;
          break;
        }
        count++;
        const isDir = e.isDirectory();
        const child: Node = { name: e.name, isDir };
        if (e.isSymbolicLink()) child.note = `-> ${readlinkOr(root.root, childRel)}`;
        node.children!.push(child);
        if (!isDir) continue;
        if (!rootIsIgnored && (await ignore.ignored(childRel, true, slice))) {
          child.note = '(ignored by .gitignore, not expanded)';
          continue;
        }
        child.children = [];
        queue.push({ node: child, rel: childRel, ignore: rootIsIgnored ? ignore : ignore.enter(root.folder, childRel) });
      }
      if (truncated || timedOut) break;
    }

    const out: string[] = [`- ${root.path}${root.path.endsWith(path.sep) ? '' : path.sep}`];
    const print = (n: Node, depth: number) => {
      for (const c of n.children ?? []) {
        out.push(`${'  '.repeat(depth)}- ${c.name}${c.isDir ? '/' : ''}${c.note ? ` ${c.note}` : ''}`);
        print(c, depth + 1);
      }
    };
    print(top, 1);
    if (count === 0) out.push('  (empty)');
    if (truncated) {
      out.push(`\n(Listing stopped at ${LS_LIMIT} entries. List a subfolder, or use Glob with a pattern, to see the rest.)`);
    } else if (timedOut) {
      out.push(`\n(Listing stopped after ${budget.seconds} s. List a subfolder, or use Glob with a pattern, to see the rest.)`);
    }
    return { content: [{ type: 'text', text: out.join('\n') }], display: { path: root.path, summary: `${count} entries${truncated || timedOut ? '+' : ''}` } };
  },
});
