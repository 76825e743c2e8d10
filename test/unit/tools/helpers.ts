/** Real temporary workspaces and a headless ToolContext for the tool tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { headlessToolContext, type HeadlessContextOptions } from '../../../src/core/tools/headless';
import { builtinTools } from '../../../src/core/tools/registry';
import type { Tool, ToolContext, ToolResult } from '../../../src/core/tools/types';

export interface Workspace {
  /** The workspace folder (realpath'd, so macOS /var -> /private/var does not matter). */
  root: string;
  /** A sibling folder outside the workspace. */
  outside: string;
  ctx: ToolContext;
  file(rel: string, content?: string | Buffer): string;
  read(rel: string): string;
  path(rel: string): string;
  cleanup(): void;
}

export function makeWorkspace(options: Partial<HeadlessContextOptions> = {}): Workspace {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-tools-')));
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET\n');
  const ctx = headlessToolContext({ cwd: root, ...options });
  return {
    root,
    outside,
    ctx,
    path: (rel) => path.join(root, rel),
    file(rel, content = '') {
      const p = path.join(root, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      return p;
    },
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}

const tools = new Map(builtinTools().map((t) => [t.name, t]));

export function tool(name: string): Tool {
  const t = tools.get(name);
  if (!t) throw new Error(`no tool ${name}`);
  return t;
}

export async function run(name: string, input: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> {
  return tool(name).invoke(input, ctx);
}

export function text(result: ToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}

/** Run and return { ok, text } for compact assertions. */
export async function call(name: string, input: Record<string, unknown>, ctx: ToolContext): Promise<{ ok: boolean; text: string }> {
  const r = await run(name, input, ctx);
  return { ok: !r.isError, text: text(r) };
}
