/**
 * The `ide` channel: the tools Claude Code's IDE integration gives the model
 * (mcp__ide__getDiagnostics, mcp__ide__executeCode), and the helpers hosts
 * use to feed them.
 */
import * as path from 'node:path';
import type { DiagnosticsProvider, FileDiagnostics, RefreshOutcome, Tool } from '../tools/types';
import { executeCodeTool, type ExecuteCodeOptions } from './executeCode';
import { getDiagnosticsTool } from './getDiagnostics';
import { firstLine } from '../../shared/text';

export { EXECUTE_CODE, executeCodeTool } from './executeCode';
export { GET_DIAGNOSTICS, getDiagnosticsTool, formatDiagnosticsResult, normalizeUri } from './getDiagnostics';
export { capDiagnostics, toFileDiagnostics } from './format';
export { mixDiagnosticsProvider, selectFile, type CompilePermission, type MixDiagnosticsProvider, type MixProviderOptions } from './mixProvider';
export { diagnosticsResult, seconds } from './outcome';

export interface IdeToolsOptions extends ExecuteCodeOptions {
  /** Cap on diagnostics per getDiagnostics result (default 200). */
  maxDiagnostics?: number;
}

/** mcp__ide__getDiagnostics and mcp__ide__executeCode. */
export function ideTools(options: IdeToolsOptions = {}): Tool[] {
  return [getDiagnosticsTool({ max: options.maxDiagnostics }), executeCodeTool(options)] as Tool[];
}

/**
 * For ToolServices.diagnosticsAfterEdit: the file's diagnostics after an edit,
 * as a short text. With a provider that compiles (refresh), the edit is
 * compiled first (incrementally) and a clean file says so; otherwise the
 * diagnostics are read once they settle (undefined when clean).
 */
export function diagnosticsAfterEdit(provider: DiagnosticsProvider, toUri: (absPath: string) => string, maxItems = 20) {
  return async (absPath: string, signal: AbortSignal): Promise<string | undefined> => {
    const uri = toUri(absPath);
    let outcome: RefreshOutcome | undefined;
    if (provider.refresh) {
      provider.changed?.(absPath);
      outcome = await provider.refresh({ uri, signal });
    } else if (provider.settle) await provider.settle(uri, signal);
    if (signal.aborted) return undefined;
    return formatAfterEdit(absPath, await provider.get(uri), outcome, maxItems);
  };
}

/** The errors and warnings of one file as lines for an edit's result (errors with their whole message). */
export function formatAfterEdit(absPath: string, files: readonly FileDiagnostics[], outcome: RefreshOutcome | undefined, maxItems = 20): string | undefined {
  const name = path.basename(absPath);
  if (outcome?.kind === 'not-compiled' || outcome?.kind === 'failed') return `Not compiled after this change: ${outcome.reason}`;
  const items = files.flatMap((f) => f.diagnostics).filter((d) => d.severity === 'Error' || d.severity === 'Warning');
  if (items.length === 0) return outcome?.kind === 'compiled' ? `mix compile: no errors or warnings in ${name}.` : undefined;
  items.sort((a, b) => (a.severity === b.severity ? a.range.start.line - b.range.start.line : a.severity === 'Error' ? -1 : 1));
  const lines = items.slice(0, maxItems).map((d) => {
    const where = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
    const text = d.severity === 'Error' ? clipText(d.message, 800).replace(/\n(?=.)/g, '\n  ') : firstLine(d.message);
    return `- ${d.severity} at line ${where}${d.source ? ` [${d.source}]` : ''}: ${text}`;
  });
  if (items.length > maxItems) lines.push(`- ... and ${items.length - maxItems} more`);
  return `Problems now reported in ${name}${outcome?.kind === 'compiled' ? ' (compiled with mix)' : ''}:\n${lines.join('\n')}`;
}

function clipText(text: string, max: number): string {
  const t = text.replace(/\n{3,}/g, '\n\n').trim();
  return t.length > max ? `${t.slice(0, max)}...` : t;
}
