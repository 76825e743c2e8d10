/**
 * `mcp__ide__getDiagnostics`, as Claude Code's `ide` MCP server offers it:
 * input `{ uri?: string }`, result one text item holding the JSON array
 * `[{uri, diagnostics: [{message, severity, range, source, code}]}]`.
 * Fed by ctx.services.diagnostics (every source the editor knows, or a mix
 * compile run headless), refreshed first: when nothing reports on the current
 * files, mix compiles (outcome.ts says so in the result, and says in words
 * when compiling was not allowed: `[]` only ever means "compiled, no
 * problems"). Large results are capped, most severe first, with a second text
 * item saying what was left out.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { defineTool } from '../tools/define';
import { errorResult, type FileDiagnostics, type RefreshOutcome, type Tool } from '../tools/types';
import { diagnosticsResult } from './outcome';

export { formatDiagnosticsResult } from './outcome';

export const GET_DIAGNOSTICS = 'mcp__ide__getDiagnostics';


/** A file URI from what the model passes: a URI, an absolute path, or a workspace-relative path. */
export function normalizeUri(raw: string, cwd: string): string {
  const value = raw.trim();
  if (/^[a-zA-Z][\w+.-]*:\/\//.test(value) || /^untitled:/.test(value)) return value;
  const abs = path.isAbsolute(value) ? value : path.resolve(cwd, value);
  return pathToFileURL(abs).href;
}

/**
 * @param options.max at most this many diagnostics, most severe first
 * @param options.narrowHint the note's last sentence on how to see all of one file (default: pass `uri`)
 */
export function getDiagnosticsTool(options: { max?: number; narrowHint?: string } = {}): Tool {
  return defineTool({
    name: GET_DIAGNOSTICS,
    description:
      'Get the diagnostics (errors, warnings, hints) the editor knows: the mix compiler, the Elixir language server, Credo and any other source. ' +
      'Pass a file URI (file:///abs/path) as `uri` for one file; without it, all files with problems. ' +
      'Returns JSON: [{"uri", "diagnostics": [{"message", "severity" (Error|Warning|Information|Hint), "range" (0-based lines and characters), "source", "code"}]}]. ' +
      'When nothing reports on the current files yet, it compiles the project with mix first (the first compile of a large project can take minutes). ' +
      'Use it after editing to check your change compiles cleanly.',
    input: z.strictObject({
      uri: z.string().optional().describe('Optional file URI to get diagnostics for. If not provided, gets diagnostics for all files.'),
    }),
    kind: 'read',
    readOnly: true,
    async run(input, ctx) {
      const provider = ctx.services.diagnostics;
      if (!provider) return errorResult('Diagnostics are not available here: no editor or mix project is connected.');
      const uri = input.uri?.trim() ? normalizeUri(input.uri, ctx.cwd) : undefined;
      let outcome: RefreshOutcome | undefined;
      try {
        if (provider.refresh) outcome = await provider.refresh({ uri, signal: ctx.signal, onOutput: ctx.onOutput, onProgress: ctx.onProgress });
        else if (provider.settle) await provider.settle(uri, ctx.signal);
      } catch (err) {
        outcome = { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
      }
      if (ctx.signal.aborted) return errorResult('Cancelled.');
      let files: FileDiagnostics[];
      try {
        files = await provider.get(uri);
      } catch (err) {
        return errorResult(`Could not read diagnostics: ${err instanceof Error ? err.message : String(err)}`);
      }
      return diagnosticsResult(files, outcome, { max: options.max, requestedUri: uri, narrowHint: options.narrowHint });
    },
  });
}
