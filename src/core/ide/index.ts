/**
 * The `ide` channel: the tools Claude Code's IDE integration gives the model
 * (mcp__ide__getDiagnostics, mcp__ide__executeCode), and the helpers hosts
 * use to feed them.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMixCompile } from '../elixir/mixCompile';
import type { MixProject } from '../elixir/project';
import type { DiagnosticsProvider, FileDiagnostics, Tool } from '../tools/types';
import { executeCodeTool, type ExecuteCodeOptions } from './executeCode';
import { toFileDiagnostics } from './format';
import { getDiagnosticsTool } from './getDiagnostics';

export { EXECUTE_CODE, executeCodeTool } from './executeCode';
export { GET_DIAGNOSTICS, getDiagnosticsTool, formatDiagnosticsResult, normalizeUri } from './getDiagnostics';
export { capDiagnostics, toFileDiagnostics } from './format';

export interface IdeToolsOptions extends ExecuteCodeOptions {
  /** Cap on diagnostics per getDiagnostics result (default 200). */
  maxDiagnostics?: number;
}

/** mcp__ide__getDiagnostics and mcp__ide__executeCode. */
export function ideTools(options: IdeToolsOptions = {}): Tool[] {
  return [getDiagnosticsTool({ max: options.maxDiagnostics }), executeCodeTool(options)] as Tool[];
}

function samePath(uri: string, file: string): boolean {
  try {
    const p = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    return path.resolve(p) === path.resolve(file);
  } catch {
    return false;
  }
}

/** Filters to one file (by URI or path) when uri is given. */
export function selectFile(files: FileDiagnostics[], uri: string | undefined): FileDiagnostics[] {
  if (!uri) return files;
  let target: string;
  try {
    target = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return [];
  }
  return files.filter((f) => samePath(f.uri, target));
}

/**
 * Headless diagnostics (the CLI, `elixir-agent run`): each get() compiles the
 * projects with mix (into their own build path) and reports what it printed.
 */
export function mixDiagnosticsProvider(
  projects: readonly Pick<MixProject, 'root' | 'app' | 'apps'>[],
  options: { mixCommand?: string; timeoutMs?: number; signal?: AbortSignal } = {},
): DiagnosticsProvider {
  return {
    async get(uri?: string): Promise<FileDiagnostics[]> {
      const all: FileDiagnostics[] = [];
      for (const project of projects) {
        const result = await runMixCompile({ project, mixCommand: options.mixCommand, timeoutMs: options.timeoutMs, signal: options.signal });
        all.push(...toFileDiagnostics(result.diagnostics));
      }
      return selectFile(all, uri);
    },
  };
}

/**
 * For ToolServices.diagnosticsAfterEdit: waits for the file's diagnostics to
 * settle and returns its errors and warnings as a short text (undefined when clean).
 */
export function diagnosticsAfterEdit(provider: DiagnosticsProvider, toUri: (absPath: string) => string, maxItems = 20) {
  return async (absPath: string, signal: AbortSignal): Promise<string | undefined> => {
    const uri = toUri(absPath);
    if (provider.settle) await provider.settle(uri, signal);
    if (signal.aborted) return undefined;
    const files = await provider.get(uri);
    const items = files.flatMap((f) => f.diagnostics).filter((d) => d.severity === 'Error' || d.severity === 'Warning');
    if (items.length === 0) return undefined;
    items.sort((a, b) => (a.severity === b.severity ? a.range.start.line - b.range.start.line : a.severity === 'Error' ? -1 : 1));
    const lines = items.slice(0, maxItems).map((d) => {
      const where = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
      const first = d.message.split('\n')[0];
      return `- ${d.severity} at line ${where}${d.source ? ` [${d.source}]` : ''}: ${first}`;
    });
    if (items.length > maxItems) lines.push(`- ... and ${items.length - maxItems} more`);
    return `Problems now reported in ${path.basename(absPath)}:\n${lines.join('\n')}`;
  };
}
