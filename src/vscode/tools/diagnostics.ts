/**
 * After an edit, the file's new diagnostics for the tool result: wait (briefly)
 * for the language server or compiler to report on that file, then format its
 * errors and warnings. Only files of a kind that has had diagnostics in this
 * session are waited for, so editing a README costs nothing.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';

const SEVERITY = ['error', 'warning', 'info', 'hint'];
const MAX_SHOWN = 20;

/** One diagnostic as the model reads it, `lib/a.ex:3:5: warning: message [source]` (tool results and the @problems mention). */
export function diagnosticLine(rel: string, d: vscode.Diagnostic): string {
  return `${rel}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY[d.severity]}: ${d.message}${d.source ? ` [${d.source}]` : ''}`;
}

export class DiagnosticsAfterEdit implements vscode.Disposable {
  private readonly kinds = new Set<string>();
  private readonly sub: vscode.Disposable;

  constructor(private readonly timeoutMs = 3000) {
    const learn = (uris: readonly vscode.Uri[]) => {
      for (const u of uris) if (vscode.languages.getDiagnostics(u).length > 0) this.kinds.add(path.extname(u.fsPath).toLowerCase());
    };
    learn(vscode.languages.getDiagnostics().map(([u]) => u));
    this.sub = vscode.languages.onDidChangeDiagnostics((e) => learn(e.uris));
  }

  dispose(): void {
    this.sub.dispose();
  }

  /** The ToolServices.diagnosticsAfterEdit function. */
  readonly collect = async (absPath: string, signal: AbortSignal): Promise<string | undefined> => {
    const uri = vscode.Uri.file(absPath);
    if (this.kinds.has(path.extname(absPath).toLowerCase())) await this.settle(uri, signal);
    const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
    if (diags.length === 0) return undefined;
    const rel = vscode.workspace.asRelativePath(uri);
    const lines = diags
      .slice(0, MAX_SHOWN)
      .map((d) => diagnosticLine(rel, d));
    if (diags.length > MAX_SHOWN) lines.push(`... and ${diags.length - MAX_SHOWN} more`);
    return lines.join('\n');
  };

  private settle(uri: vscode.Uri, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        sub.dispose();
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const sub = vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.toString() === uri.toString())) done();
      });
      const timer = setTimeout(done, this.timeoutMs);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
