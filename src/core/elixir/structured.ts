/**
 * mix's structured diagnostics (the JSON bootstrap.ts writes) as compiler
 * diagnostics. Untrusted input (the project's code runs in that VM): anything
 * malformed is skipped, never thrown. Errors raised as exceptions come with
 * their banner, location prefix and stack trace in the message on 1.14
 * (`** (ArgumentError) ...` at position 0, the line only in the trace); those
 * are taken apart here (messageText.ts), as are the HINTs that point to
 * another line.
 */
import * as path from 'node:path';
import type { CompilerDiagnostic, CompilerSeverity } from './diagnostic';
import { stripAnsi } from '../util/ansi';
import { clip, exceptionText, relatedLocations } from './messageText';
import type { PathResolver } from './outputPaths';

export type CompileStatus = 'ok' | 'noop' | 'error';

export interface StructuredResult {
  status: CompileStatus;
  /** System.version() of the VM that compiled. */
  elixir?: string;
  diagnostics: CompilerDiagnostic[];
}

const SEVERITIES: Record<string, CompilerSeverity> = { error: 'error', warning: 'warning', information: 'information', info: 'information', hint: 'hint' };
const MAX_DIAGNOSTICS = 50_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const pos = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/** The JSON text, or undefined when it is not what the bootstrap writes. */
export function readStructured(json: string, paths: PathResolver): StructuredResult | undefined {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || !Array.isArray(data.diagnostics)) return undefined;
  const status: CompileStatus = data.status === 'error' || data.status === 'ok' ? data.status : 'noop';
  const diagnostics: CompilerDiagnostic[] = [];
  for (const raw of data.diagnostics.slice(0, MAX_DIAGNOSTICS)) {
    const d = isRecord(raw) ? toDiagnostic(raw, paths) : undefined;
    if (d) diagnostics.push(d);
  }
  return { status, elixir: str(data.elixir), diagnostics };
}

function toDiagnostic(raw: Record<string, unknown>, paths: PathResolver): CompilerDiagnostic | undefined {
  const severity = SEVERITIES[str(raw.severity) ?? ''];
  const rawMessage = stripAnsi(str(raw.message) ?? '');
  if (!severity || !rawMessage.trim()) return undefined;
  const position = Array.isArray(raw.position) ? raw.position.map(pos) : [];
  let line = position[0] ?? 0;
  let column = position.length >= 2 ? position[1] : undefined;
  let endColumn = position.length === 4 && position[2] === line ? position[3] : undefined;
  const span = Array.isArray(raw.span) ? raw.span.map(pos) : [];
  if (endColumn === undefined && span.length === 2 && span[0] === line && column !== undefined && (span[1] ?? 0) > column) endColumn = span[1];

  const printed = str(raw.file);
  const file = printed && printed !== 'nofile' ? paths.resolve(printed, paths.projectDir, { line, message: rawMessage }) : path.join(paths.projectDir, 'mix.exs');
  const sameFile = (p: string): boolean => paths.resolve(p, paths.projectDir) === file || path.resolve(p) === file;

  let message = clip(rawMessage);
  let code = str(raw.exception);
  if (severity === 'error') {
    const parsed = exceptionText(rawMessage, sameFile);
    message = parsed.message || message;
    code = parsed.code ?? code;
    if (!line && parsed.line) {
      line = parsed.line;
      column = parsed.column;
      endColumn = undefined;
    }
  }
  if (!line && Array.isArray(raw.frames)) {
    const frame = raw.frames.find((f) => isRecord(f) && typeof f.file === 'string' && pos(f.line) && sameFile(f.file));
    if (isRecord(frame)) line = pos(frame.line) ?? 0;
  }
  const d: CompilerDiagnostic = { file, severity, message, line };
  if (column !== undefined && column > 0) d.column = column;
  if (endColumn !== undefined && column !== undefined && endColumn > column) d.endColumn = endColumn;
  if (code) d.code = code.replace(/^Elixir\./, '');
  const related = relatedLocations(rawMessage, file, line);
  if (related.length) d.related = related;
  return d;
}
