/**
 * The chat webviews: the sidebar view (`elixirAgent.chat`) and editor-tab
 * panels showing the same conversation. This file owns the webview side of
 * the host: the HTML with a strict CSP, validation of every message a
 * webview posts (src/shared/validate.ts), the UI-local actions (open a file
 * inside the workspace, insert code at the cursor, copy, run a command) and
 * the relay between the webviews and the conversation backend.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChatStateView, HostMessage, WebviewMessage } from '../../shared/protocol';
import { validateWebviewMessage } from '../../shared/validate';
import { CHAT_CONTAINER_ID, CHAT_VIEW_ID, COMMANDS, EXTENSION_ID } from '../ids';
import type { Runtime } from '../runtime';
import { accessibilitySettings, ACCESSIBILITY_SETTINGS, ChatContextKeys } from './accessibility';
import type { ChatBackend } from './backend';

export const CHAT_PANEL_TYPE = 'elixirAgent.chatPanel';
export type BackendProvider = () => ChatBackend | undefined;

type Command = Extract<WebviewMessage, { type: 'command' }>['command'];

/** One live webview (the view or a panel). */
interface Session {
  readonly kind: 'view' | 'panel';
  readonly webview: vscode.Webview;
  /** Said `ready` and got the state: deltas may be sent. */
  ready: boolean;
  /** The sidebar view, for its badge. */
  readonly view?: vscode.WebviewView;
  listener?: vscode.Disposable;
}

function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** The webview's HTML: a nonce'd script, styles from dist/, nothing inline. Exported for tests. */
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

/** Whether `file` (already resolved through symlinks) lies inside one of `folders`. */
export function isInside(file: string, folders: string[]): boolean {
  return folders.some((folder) => {
    const rel = path.relative(folder, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}

export class ChatViews implements vscode.Disposable {
  private readonly sessions = new Set<Session>();
  private subscription?: { backend: ChatBackend; disposable: vscode.Disposable };
  private panel?: vscode.WebviewPanel;
  private lastEditor?: vscode.TextEditor;
  private readonly awaitingApproval = new Set<string>();
  /** A prefill sent while no webview was ready (the view is still opening): delivered after the next state. */
  private pendingPrefill?: HostMessage;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly contextKeys = new ChatContextKeys();

  constructor(
    private readonly rt: Runtime,
    private readonly backendProvider: BackendProvider,
  ) {
    this.lastEditor = vscode.window.activeTextEditor;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!ACCESSIBILITY_SETTINGS.some((key) => e.affectsConfiguration(key))) return;
        const settings = accessibilitySettings();
        for (const s of this.sessions) if (s.ready) void s.webview.postMessage({ type: 'accessibility', settings } satisfies HostMessage);
      }),
    );
  }

  dispose(): void {
    this.subscription?.disposable.dispose();
    this.subscription = undefined;
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private get extensionUri(): vscode.Uri {
    return this.rt.context.extensionUri;
  }

  private webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  /** The sidebar view was resolved (opened, or shown again after being hidden). */
  resolveView(view: vscode.WebviewView): void {
    view.webview.options = this.webviewOptions();
    const session = this.attach(view.webview, 'view', view);
    const subs = [
      view.onDidChangeVisibility(() => {
        // A hidden view's page is torn down; it says `ready` again when shown.
        if (!view.visible) {
          session.ready = false;
          this.contextKeys.setFocused(session, false);
        }
      }),
      view.onDidDispose(() => {
        this.detach(session);
        for (const d of subs) d.dispose();
      }),
    ];
    this.updateBadge();
  }

  /** Opens the conversation in an editor tab (or reveals the one already open). */
  openPanel(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(CHAT_PANEL_TYPE, 'Elixir Agent', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      ...this.webviewOptions(),
      enableFindWidget: true,
      retainContextWhenHidden: false,
    });
    this.adoptPanel(panel);
  }

  /** A panel created by us or restored after a reload (the serializer). */
  adoptPanel(panel: vscode.WebviewPanel): void {
    panel.webview.options = this.webviewOptions();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    this.panel?.dispose();
    this.panel = panel;
    const session = this.attach(panel.webview, 'panel');
    const subs = [
      panel.onDidChangeViewState(() => {
        if (!panel.visible) {
          session.ready = false;
          this.contextKeys.setFocused(session, false);
        }
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
        this.detach(session);
        for (const d of subs) d.dispose();
      }),
    ];
  }

  private attach(webview: vscode.Webview, kind: Session['kind'], view?: vscode.WebviewView): Session {
    const session: Session = { kind, webview, ready: false, view };
    this.sessions.add(session);
    const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    session.listener = webview.onDidReceiveMessage((raw: unknown) => this.receive(session, raw));
    webview.html = chatHtml({
      cspSource: webview.cspSource,
      nonce: nonce(),
      scriptUri: asset('dist', 'webview.js'),
      styleUri: asset('dist', 'webview.css'),
      codiconUri: asset('dist', 'codicon.css'),
      host: kind,
    });
    this.ensureSubscription();
    return session;
  }

  private detach(session: Session): void {
    session.listener?.dispose();
    this.sessions.delete(session);
    this.contextKeys.setFocused(session, false);
    if (this.sessions.size === 0) {
      this.subscription?.disposable.dispose();
      this.subscription = undefined;
    }
  }

  /** Follows the backend's deltas (re-subscribes if the backend was replaced). */
  private ensureSubscription(): ChatBackend | undefined {
    const backend = this.backendProvider();
    if (!backend) return undefined;
    if (this.subscription?.backend !== backend) {
      this.subscription?.disposable.dispose();
      this.subscription = { backend, disposable: backend.onMessage((m) => this.broadcast(m)) };
    }
    return backend;
  }

  private broadcast(m: HostMessage): void {
    this.trackApprovals(m);
    let delivered = false;
    for (const s of this.sessions) {
      if (!s.ready) continue;
      delivered = true;
      void s.webview.postMessage(m).then(undefined, () => (s.ready = false));
    }
    if (m.type === 'prefill' && !delivered) this.pendingPrefill = m;
  }

  /** The view's badge counts tool calls waiting for approval (visible even when the view is hidden). */
  private trackApprovals(m: HostMessage): void {
    const before = this.awaitingApproval.size;
    if (m.type === 'state') {
      this.awaitingApproval.clear();
      for (const msg of m.state.messages) for (const b of msg.blocks) if (b.kind === 'tool' && b.call.status === 'awaiting-approval') this.awaitingApproval.add(b.call.id);
    } else if (m.type === 'blockAdded' && m.block.kind === 'tool') {
      if (m.block.call.status === 'awaiting-approval') this.awaitingApproval.add(m.block.call.id);
    } else if (m.type === 'toolUpdated') {
      if (m.call.status === 'awaiting-approval') this.awaitingApproval.add(m.call.id);
      else this.awaitingApproval.delete(m.call.id);
    } else if (m.type === 'busy' && !m.busy) {
      this.awaitingApproval.clear();
    } else {
      return;
    }
    if (this.awaitingApproval.size !== before) this.updateBadge();
  }

  private updateBadge(): void {
    const n = this.awaitingApproval.size;
    this.contextKeys.setAwaitingApproval(n);
    for (const s of this.sessions) {
      if (s.view) s.view.badge = n ? { value: n, tooltip: n === 1 ? 'A tool call needs your approval' : `${n} tool calls need your approval` } : undefined;
    }
  }

  private receive(session: Session, raw: unknown): void {
    const result = validateWebviewMessage(raw);
    if (!result.ok) {
      const type = typeof raw === 'object' && raw !== null ? String((raw as { type?: unknown }).type).slice(0, 40) : typeof raw;
      this.rt.log.warn(`chat: dropped a message from the ${session.kind} webview (${type}): ${result.error}`);
      return;
    }
    void this.handle(session, result.message).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.rt.log.error(`chat: ${result.message.type} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
      void vscode.window.showErrorMessage(`Elixir Agent: ${message}`);
    });
  }

  private async handle(session: Session, msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        await this.sendState(session);
        return;
      case 'openFile':
        await this.openFile(msg.path, msg.line, session.kind === 'panel');
        return;
      case 'insertAtCursor':
        await this.insertAtCursor(msg.code);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(msg.text);
        vscode.window.setStatusBarMessage('$(check) Copied', 2000);
        return;
      case 'command':
        await this.runCommand(msg.command);
        return;
      case 'focus':
        this.contextKeys.setFocused(session, msg.focused);
        return;
      default: {
        const backend = this.ensureSubscription();
        if (!backend) {
          void vscode.window.showWarningMessage('Elixir Agent: the conversation engine is not available. See the log (Elixir Agent: Show Log).');
          return;
        }
        await backend.handle(msg);
      }
    }
  }

  private async sendState(session: Session): Promise<void> {
    const backend = this.ensureSubscription();
    const state = backend ? backend.snapshot() : this.unavailableState();
    if (backend) this.trackApprovals({ type: 'state', state });
    // Ready before posting: deltas that follow the snapshot must reach this webview, in order.
    session.ready = true;
    const prefill = this.pendingPrefill;
    this.pendingPrefill = undefined;
    const delivered = await session.webview.postMessage({ type: 'state', state } satisfies HostMessage);
    if (!delivered) {
      session.ready = false;
      this.pendingPrefill = prefill;
      return;
    }
    await session.webview.postMessage({ type: 'accessibility', settings: accessibilitySettings() } satisfies HostMessage);
    if (prefill) await session.webview.postMessage(prefill);
  }

  /** Answers the oldest tool call that waits for approval (the chat's keyboard shortcuts). */
  async decidePending(decision: 'allowOnce' | 'deny'): Promise<void> {
    const callId = this.awaitingApproval.values().next().value;
    const backend = callId === undefined ? undefined : this.ensureSubscription();
    if (callId === undefined || !backend) {
      void vscode.window.showInformationMessage('Elixir Agent: no tool call is waiting for approval.');
      return;
    }
    await backend.handle({ type: 'approve', callId, decision });
  }

  /** What the panel shows when the conversation engine failed to start. */
  private unavailableState(): ChatStateView {
    this.rt.log.warn('chat: a webview opened but no conversation backend is registered');
    const zero = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };
    return {
      conversationId: 'unavailable',
      title: 'Elixir Agent',
      messages: [
        {
          id: 'unavailable',
          role: 'assistant',
          status: 'error',
          blocks: [],
          createdAt: Date.now(),
          error: { title: 'The conversation engine is not available', detail: 'It did not start. The log has the reason: run “Elixir Agent: Show Log”.', retryable: false },
        },
      ],
      busy: false,
      personas: [],
      history: [],
      env: { hasApiKey: true, trusted: vscode.workspace.isTrusted, isElixirWorkspace: true, mcpServers: [] },
      totals: zero,
      contextFill: 0,
    };
  }

  private async runCommand(command: Command): Promise<void> {
    switch (command) {
      case 'setApiKey':
        await vscode.commands.executeCommand(COMMANDS.setApiKey);
        return;
      case 'createAgent':
        await vscode.commands.executeCommand(COMMANDS.createAgent);
        return;
      case 'openAgentFile':
        await vscode.commands.executeCommand(COMMANDS.openAgentFile);
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${EXTENSION_ID}`);
        return;
      case 'manageTrust':
        await vscode.commands.executeCommand('workbench.trust.manage');
        return;
      case 'openInEditor':
        this.openPanel();
        return;
    }
  }

  /** Opens a file the answer names, only when it lies inside a workspace folder. */
  private async openFile(requested: string, line: number | undefined, beside: boolean): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    const realFolders = await Promise.all(folders.map((f) => fs.realpath(f).catch(() => f)));
    const candidates = path.isAbsolute(requested) ? [requested] : folders.map((f) => path.resolve(f, requested));
    let target: string | undefined;
    for (const candidate of candidates) {
      const real = await fs.realpath(candidate).catch(() => undefined);
      if (!real || !isInside(real, realFolders)) continue;
      if ((await fs.stat(real).catch(() => undefined))?.isFile()) {
        target = candidate;
        break;
      }
    }
    if (!target && !path.isAbsolute(requested) && !requested.split(/[\\/]/).includes('..')) {
      // Umbrella apps and answers that drop the leading folder: look for the path anywhere in the workspace.
      const glob = `**/${requested.replace(/^\.\//, '').replace(/[{}[\]*?!]/g, '')}`;
      const found = await vscode.workspace.findFiles(glob, '{**/node_modules/**,**/_build/**,**/deps/**,**/.git/**}', 10);
      const inside: vscode.Uri[] = [];
      for (const uri of found) {
        const real = await fs.realpath(uri.fsPath).catch(() => undefined);
        if (real && isInside(real, realFolders)) inside.push(uri);
      }
      if (inside.length === 1) target = inside[0].fsPath;
      else if (inside.length > 1) {
        const pick = await vscode.window.showQuickPick(
          inside.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
          { placeHolder: `Several files match ${requested}` },
        );
        target = pick?.uri.fsPath;
        if (!pick) return;
      }
    }
    if (!target) {
      void vscode.window.showWarningMessage(`Elixir Agent: ${requested} is not a file in this workspace.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
    const at = line ? Math.min(Math.max(0, line - 1), Math.max(0, doc.lineCount - 1)) : undefined;
    const selection = at !== undefined ? new vscode.Range(at, 0, at, 0) : undefined;
    const editor = await vscode.window.showTextDocument(doc, { selection, preview: true, viewColumn: beside ? vscode.ViewColumn.Beside : undefined });
    if (selection) editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Replaces each selection of the active (or last active) editor with the code. */
  private async insertAtCursor(code: string): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? (this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor : undefined);
    if (!editor) {
      void vscode.window.showWarningMessage('Elixir Agent: open a file and place the cursor where the code should go.');
      return;
    }
    const ok = await editor.edit((b) => {
      for (const sel of editor.selections) b.replace(sel, code);
    });
    if (!ok) {
      void vscode.window.showWarningMessage(`Elixir Agent: could not insert into ${path.basename(editor.document.fileName)} (read-only?).`);
      return;
    }
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
  }
}

/**
 * Registers the chat view resolver, the editor-tab panel (with its
 * serializer, so it comes back after a reload) and the commands that show
 * them. The backend is looked up on use: the conversation controller
 * registers it (rt.services) and may arrive after this call.
 */
export function registerChatView(rt: Runtime, backendProvider: BackendProvider): ChatViews {
  const views = rt.track(new ChatViews(rt, backendProvider));
  rt.setChatViewResolver((view) => views.resolveView(view));
  rt.track(
    vscode.window.registerWebviewPanelSerializer(CHAT_PANEL_TYPE, {
      deserializeWebviewPanel: async (panel) => views.adoptPanel(panel),
    }),
  );
  rt.registerCommand(COMMANDS.openChatInEditor, () => views.openPanel());
  rt.registerCommand(COMMANDS.approveTool, () => views.decidePending('allowOnce'));
  rt.registerCommand(COMMANDS.denyTool, () => views.decidePending('deny'));
  rt.registerCommand(COMMANDS.openChat, async () => {
    await vscode.commands.executeCommand(`workbench.view.extension.${CHAT_CONTAINER_ID}`);
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  });
  return views;
}
