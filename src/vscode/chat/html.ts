/** The chat webview's page: HTML with a strict CSP (a nonce'd script, styles from dist/, nothing inline) and its options. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** The webview's HTML. Exported for tests. */
export function chatHtml(opts: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; codiconUri: string; host: 'view' | 'panel' }): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${opts.nonce}'`,
    `style-src ${opts.cspSource}`,
    `font-src ${opts.cspSource}`,
    `img-src ${opts.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${opts.codiconUri}" id="vscode-codicon-stylesheet">
  <link rel="stylesheet" href="${opts.styleUri}">
  <title>Elixir Agent</title>
</head>
<body data-host="${opts.host}">
  <div id="app" data-testid="chat-root"></div>
  <script nonce="${opts.nonce}" src="${opts.scriptUri}"></script>
</body>
</html>`;
}

/** Scripts on, command URIs off, resources only from dist/ and media/. */
export function chatWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Sets the page of a chat webview. */
export function setChatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, host: 'view' | 'panel'): void {
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  webview.html = chatHtml({
    cspSource: webview.cspSource,
    nonce: nonce(),
    scriptUri: asset('dist', 'webview.js'),
    styleUri: asset('dist', 'webview.css'),
    codiconUri: asset('dist', 'codicon.css'),
    host,
  });
}
