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

export async function main(args: string[]): Promise<number> {
  let dir = '.';
  let mix: string | undefined;
  let max: number | undefined;
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') {
      console.log(HELP);
      return 0;
    } else if (a === '--mix') {
      mix = args[++i];
      if (!mix) return usageError('--mix needs a path');
    } else if (a === '--file') {
      file = args[++i];
      if (!file) return usageError('--file needs a path');
    } else if (a === '--max') {
      max = Number(args[++i]);
      if (!Number.isInteger(max) || max < 1) return usageError('--max needs a positive whole number');
    } else if (a.startsWith('-')) {
      return usageError(`unknown option ${a}`);
    } else {
      dir = a;
    }
  }
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
