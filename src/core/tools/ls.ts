/**
 * LS: a directory as an indented tree, breadth first so a big folder does not
 * hide its siblings, capped. Folders ignored by .gitignore (deps/, _build/)
 * are shown but not entered; `ignore` globs hide entries.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineTool, optStrList, str } from './define';
import { IgnoreStack, globToRegExp } from './globs';
import { TOOL_NAMES } from './names';
import { searchRoot } from './search';
import { ToolError } from './types';

export const LS_LIMIT = 1000;

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
  inputSchema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The absolute path to the directory to list (must be absolute, not relative)' },
      ignore: { type: 'array', items: { type: 'string' }, description: 'List of glob patterns to ignore' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  parse: (input) => ({ path: str(input, 'path'), ignore: optStrList(input, 'ignore') ?? [] }),
  async run(input, ctx) {
    const root = searchRoot(ctx, input.path, { allowFile: false });
    const ignores = input.ignore.map((g) => globToRegExp(g.replace(/\/+$/, '')));
    const hidden = (rel: string, name: string) => ignores.some((re) => re.test(name) || re.test(rel));
    const startRel = path.relative(root.folder, root.path).split(path.sep).join('/');
    const rootIgnore = IgnoreStack.forDir(root.folder, startRel);
    // When the listed folder is itself ignored (ls deps/), list it plainly.
    const rootIsIgnored = startRel !== '' && IgnoreStack.forDir(root.folder, path.posix.dirname(startRel) === '.' ? '' : path.posix.dirname(startRel)).ignored(startRel, true);

    const top: Node = { name: root.path, isDir: true, children: [] };
    const queue: Array<{ node: Node; abs: string; rel: string; ignore: IgnoreStack }> = [{ node: top, abs: root.path, rel: startRel, ignore: rootIgnore }];
    let count = 0;
    let truncated = false;
    while (queue.length) {
      if (ctx.signal.aborted) throw new ToolError('LS was cancelled.');
      const { node, abs, rel, ignore } = queue.shift()!;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(abs, { withFileTypes: true });
      } catch (err) {
        node.note = `(cannot list: ${(err as NodeJS.ErrnoException).code ?? String(err)})`;
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        const relToRoot = startRel ? childRel.slice(startRel.length + 1) : childRel;
        if (e.name === '.git' || hidden(relToRoot, e.name)) continue;
        if (count >= LS_LIMIT) {
          truncated = true;
          break;
        }
        count++;
        const isDir = e.isDirectory();
        const child: Node = { name: e.name, isDir };
        if (e.isSymbolicLink()) child.note = `-> ${await fs.promises.readlink(path.join(abs, e.name)).catch(() => '?')}`;
        node.children!.push(child);
        if (!isDir) continue;
        if (!rootIsIgnored && ignore.ignored(childRel, true)) {
          child.note = '(ignored by .gitignore, not expanded)';
          continue;
        }
        child.children = [];
        queue.push({ node: child, abs: path.join(abs, e.name), rel: childRel, ignore: rootIsIgnored ? ignore : ignore.enter(root.folder, childRel) });
      }
      if (truncated) break;
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
    }
    return { content: [{ type: 'text', text: out.join('\n') }], display: { path: root.path, summary: `${count} entries${truncated ? '+' : ''}` } };
  },
});
