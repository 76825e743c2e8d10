/**
 * `elixir-agent diagnostics [DIR]`: compiles the mix project(s) in DIR with
 * mix (into `_build/elixir_agent`, leaving the user's `_build/<env>` alone)
 * and prints exactly the JSON that mcp__ide__getDiagnostics gives the model
 * for those files. Exit status: 0 clean or warnings only, 1 errors, 2 usage
 * or environment problems (no mix project, mix missing).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { detectInFolder } from '../core/elixir/project';
import { getDiagnosticsTool, mixDiagnosticsProvider } from '../core/ide';
import { NodeFileAccess } from '../core/tools/nodeFiles';
import type { FileAccess, ReadTracker, ToolContext } from '../core/tools/types';
import { argTokens } from './args';
import { inert, safeJson } from './terminal';

const HELP = [
  'usage: elixir-agent diagnostics [DIR] [--file PATH] [--mix PATH] [--max N]',
  '',
  'Compiles the mix project in DIR (default: the current directory; a subfolder project',
  'or an umbrella is found too) with mix, building into _build/elixir_agent, and prints',
  'the diagnostics as mcp__ide__getDiagnostics returns them:',
  '[{"uri", "diagnostics": [{"message", "severity", "range", "source", "code"}]}].',
  'Compiling runs the project\'s code (mix.exs, macros): run it on projects you trust.',
  '',
  '  --file PATH  only this file (relative to the current directory, or absolute)',
  '  --mix PATH   the mix executable (default: mix on PATH)',
  '  --max N      at most N diagnostics, errors first (default 200)',
  '',
  'Exit status: 0 no errors, 1 errors, 2 no mix project or mix not found.',
].join('\n');

const disk = new NodeFileAccess();
const diskFiles: FileAccess = {
  readText: (file) => disk.readText(file),
  version: (file) => disk.version(file),
  async writeText() {
    throw new Error('the diagnostics command does not write files');
  },
};

const noReads: ReadTracker = { markRead: () => undefined, lastRead: () => undefined };

interface DiagnosticsOptions {
  dir: string;
  mix?: string;
  max?: number;
  file?: string;
}

/** The options, 'help' for --help (when no error comes before it), or what is wrong. */
export function parseDiagnosticsArgs(args: readonly string[]): DiagnosticsOptions | 'help' | { error: string } {
  const o: DiagnosticsOptions = { dir: '.' };
  // Every word starting with a dash is an option here, `--` and `-` too.
  for (const t of argTokens(args, ['mix', 'file', 'max'], { terminator: false })) {
    if (t.raw === '--help' || t.raw === '-h') return 'help';
    if (t.kind === 'positional' && !t.raw.startsWith('-')) {
      o.dir = t.raw;
      continue;
    }
    if (t.kind !== 'option' || t.inline) return { error: `unknown option ${t.raw}` };
    if (t.name === 'mix') {
      o.mix = t.value;
      if (!o.mix) return { error: '--mix needs a path' };
    } else if (t.name === 'file') {
      o.file = t.value;
      if (!o.file) return { error: '--file needs a path' };
    } else if (t.name === 'max') {
      o.max = Number(t.value);
      if (!Number.isInteger(o.max) || o.max < 1) return { error: '--max needs a positive whole number' };
    } else return { error: `unknown option ${t.raw}` };
  }
  return o;
}

export async function main(args: string[]): Promise<number> {
  const parsed = parseDiagnosticsArgs(args);
  if (parsed === 'help') {
    console.log(HELP);
    return 0;
  }
  if ('error' in parsed) return usageError(parsed.error);
  const { dir, mix, max, file } = parsed;
  const root = path.resolve(dir);
  try {
    if (!(await fs.stat(root)).isDirectory()) return usageError(`${dir} is not a directory`);
  } catch {
    return usageError(`${dir} does not exist`);
  }
  const projects = await detectInFolder(root);
  if (projects.length === 0) {
    console.error(inert(`elixir-agent diagnostics: no mix project (mix.exs) in ${root}`));
    return 2;
  }

  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Asking for diagnostics of DIR is the user's own request to compile it (mix.exs and macros run).
    const ctx: ToolContext = {
      workspaceFolders: [root],
      cwd: root,
      signal: controller.signal,
      files: diskFiles,
      reads: noReads,
      onProgress: (status) => console.error(inert(`elixir-agent diagnostics: ${status}`)),
      services: { diagnostics: mixDiagnosticsProvider(projects, { mixCommand: mix, signal: controller.signal }) },
    };
    const narrowHint = file ? 'Raise --max to see more.' : 'Run again with --file PATH to get all of one file, or raise --max.';
    const result = await getDiagnosticsTool({ max, narrowHint }).invoke(file ? { uri: path.resolve(file) } : {}, ctx);
    if (controller.signal.aborted) return 130;
    const [first, ...notes] = result.content;
    if (result.isError || first?.type !== 'text') {
      console.error(inert(`elixir-agent diagnostics: ${first?.type === 'text' ? first.text : 'no result'}`));
      return 2;
    }
    // Compiler messages quote the project's code: JSON keeps them exact and inert.
    console.log(safeJson(first.text));
    for (const note of notes) if (note.type === 'text') console.error(inert(note.text));
    const files = JSON.parse(first.text) as Array<{ diagnostics: Array<{ severity: string }> }>;
    return files.some((f) => f.diagnostics.some((d) => d.severity === 'Error')) ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function usageError(message: string): number {
  console.error(`elixir-agent diagnostics: ${inert(message)}\n\n${HELP}`);
  return 2;
}
