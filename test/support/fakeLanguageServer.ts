/**
 * A small but real LSP server over stdio, written with vscode-languageserver,
 * for the language-client integration test. It syncs documents and publishes
 * a Warning (source "fake-lsp", code "debug-call") on every `IO.inspect` in
 * an open document, and clears them when the call is gone or the document is
 * closed, like Credo's IoInspect check would through a real server.
 *
 *   node out/test/support/fakeLanguageServer.js [--stdio]
 *
 * It records how it was started in the file named by FAKE_LSP_LOG (one JSON
 * line per event), so a test can see the arguments and the root it got.
 */
import * as fs from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createConnection, DiagnosticSeverity, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Diagnostic } from 'vscode-languageserver/node';

const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
const documents = new TextDocuments(TextDocument);

function record(event: Record<string, unknown>): void {
  const file = process.env.FAKE_LSP_LOG;
  if (file) fs.appendFileSync(file, `${JSON.stringify({ pid: process.pid, ...event })}\n`);
}

export function debugCalls(text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    for (const m of line.matchAll(/IO\.inspect\b/g)) {
      const start = m.index ?? 0;
      out.push({
        range: { start: { line: i, character: start }, end: { line: i, character: start + m[0].length } },
        severity: DiagnosticSeverity.Warning,
        source: 'fake-lsp',
        code: 'debug-call',
        message: 'IO.inspect left in code: remove the debugging call before committing.',
      });
    }
  });
  return out;
}

connection.onInitialize((params) => {
  record({ event: 'initialize', args: process.argv.slice(2), rootUri: params.rootUri, workspaceFolders: params.workspaceFolders?.map((f) => f.uri) ?? null });
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental }, serverInfo: { name: 'fake-lsp', version: '1.0.0' } };
});

const publish = (doc: TextDocument): void => void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: debugCalls(doc.getText()) });
documents.onDidOpen((e) => publish(e.document));
documents.onDidChangeContent((e) => publish(e.document));
documents.onDidClose((e) => void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }));
connection.onShutdown(() => record({ event: 'shutdown' }));

documents.listen(connection);
connection.listen();
