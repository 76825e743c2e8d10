/**
 * Glob: files whose workspace-relative path matches a glob, newest modified
 * first, at most 100. ripgrep lists the files (fast, honours .gitignore);
 * the pattern is matched here with exact glob semantics. Without ripgrep, a
 * JS walk does the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineTool, optStr, str } from './define';
import { globToRegExp, walkFiles } from './globs';
import { TOOL_NAMES } from './names';
import { RG_COMMON_ARGS, runRipgrep } from './ripgrep';
import { moreNote, searchRoot } from './search';
import { ToolError } from './types';

export const GLOB_LIMIT = 100;
const caseInsensitiveFs = process.platform === 'darwin' || process.platform === 'win32';

async function newestFirst(root: string, rels: string[]): Promise<string[]> {
  const stamped = await Promise.all(
    rels.map(async (rel) => {
      try {
        return { rel, t: (await fs.promises.stat(path.join(root, rel))).mtimeMs };
      } catch {
        return { rel, t: 0 };
      }
    }),
  );
  return stamped.sort((a, b) => b.t - a.t || (a.rel < b.rel ? -1 : 1)).map((x) => x.rel);
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
  inputSchema: {
    type: 'object',
    properties: {
      pattern: { type: 'string', description: 'The glob pattern to match files against' },
      path: {
        type: 'string',
        description: 'The directory to search in (absolute). If not specified, the workspace folder is used. Omit it for the default rather than passing "undefined" or "null".',
      },
    },
    required: ['pattern'],
    additionalProperties: false,
  },
  parse: (input) => {
    const p = optStr(input, 'path');
    return { pattern: str(input, 'pattern'), path: p === 'undefined' || p === 'null' || p === '' ? undefined : p };
  },
  async run(input, ctx) {
    const root = searchRoot(ctx, input.path, { allowFile: false });
    let pattern = input.pattern.trim();
    if (!pattern) throw new ToolError('pattern must not be empty.');
    if (path.isAbsolute(pattern)) {
      const rel = path.relative(root.path, pattern);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ToolError(`The pattern ${pattern} is outside ${root.path}; give a pattern relative to path.`);
      pattern = rel.split(path.sep).join('/');
    }
    const re = globToRegExp(pattern, caseInsensitiveFs);
    const rg = ctx.services.ripgrepPath;
    const all: string[] = [];
    if (rg) {
      // rg's own --sort works per directory, not globally: sort here.
      const run = await runRipgrep(rg, ['--files', ...RG_COMMON_ARGS], {
        cwd: root.path,
        signal: ctx.signal,
        onLine: (line) => {
          const rel = line.replace(/^\.\//, '').split(path.sep).join('/');
          if (re.test(rel)) all.push(rel);
        },
      });
      if (run.code === 2 && all.length === 0 && run.stderr) throw new ToolError(`Glob failed: ${run.stderr}`);
    } else {
      const startRel = path.relative(root.folder, root.path).split(path.sep).join('/');
      for await (const f of walkFiles(root.folder, root.path, ctx.signal)) {
        const rel = startRel ? f.rel.slice(startRel.length + 1) : f.rel;
        if (re.test(rel)) all.push(rel);
      }
    }
    const total = all.length;
    const matches = (await newestFirst(root.path, all)).slice(0, GLOB_LIMIT);
    if (total === 0) return { content: [{ type: 'text', text: `No files found matching ${input.pattern} in ${root.path}.` }], display: { summary: 'No files found' } };
    const list = matches.map((rel) => path.join(root.path, rel)).join('\n');
    const note = moreNote(matches.length, total, 'matching files (the most recently modified)', 'Use a more specific pattern or path to narrow the search.');
    return { content: [{ type: 'text', text: list + note }], display: { summary: `${total} file${total === 1 ? '' : 's'}` } };
  },
});
