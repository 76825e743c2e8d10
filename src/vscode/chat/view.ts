/**
 * The chat webviews: the sidebar view (`elixirAgent.chat`) and editor-tab
 * panels showing the same conversation. This file owns the webview side of
 * the host: the pages (html.ts), validation of every message a webview posts
 * (src/shared/validate.ts), the UI-local actions (viewActions.ts), and the
 * relay between the webviews and the conversation backend.
 */
import * as vscode from 'vscode';
import type { HostMessage } from '../../shared/protocol';
import { validateWebviewMessage } from '../../shared/validate';
import type { FeatureContext } from '../context';
import { CHAT_CONTAINER_ID, CHAT_VIEW_ID, COMMANDS } from '../ids';
import { accessibilitySettings, ACCESSIBILITY_SETTINGS, ChatContextKeys } from './accessibility';
import { ApprovalBadge } from './approvalBadge';
import { unhandled, type BackendMessage, type ChatBackend, type ViewMessage } from './backend';
import { chatWebviewOptions, setChatHtml } from './html';
import { ViewActions } from './viewActions';

export { chatHtml } from './html';

export const CHAT_PANEL_TYPE = 'elixirAgent.chatPanel';

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

export class ChatViews implements vscode.Disposable {
  private readonly sessions = new Set<Session>();
  private subscription?: vscode.Disposable;
  private panel?: vscode.WebviewPanel;
  /** A prefill sent while no webview was ready (the view is still opening): delivered after the next state. */
  private pendingPrefill?: HostMessage;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly contextKeys = new ChatContextKeys();
  private readonly badge = new ApprovalBadge(this.contextKeys, () => [...this.sessions].flatMap((s) => (s.view ? [s.view] : [])));
  private readonly actions = new ViewActions(() => this.openPanel());

  constructor(
    private readonly rt: Pick<FeatureContext, 'context' | 'log'>,
    private readonly backend: ChatBackend,
  ) {
    this.disposables.push(
      this.actions,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!ACCESSIBILITY_SETTINGS.some((key) => e.affectsConfiguration(key))) return;
        const settings = accessibilitySettings();
        for (const s of this.sessions) if (s.ready) void s.webview.postMessage({ type: 'accessibility', settings } satisfies HostMessage);
      }),
    );
  }

  dispose(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private get extensionUri(): vscode.Uri {
    return this.rt.context.extensionUri;
  }

  /** The sidebar view was resolved (opened, or shown again after being hidden). */
  resolveView(view: vscode.WebviewView): void {
    view.webview.options = chatWebviewOptions(this.extensionUri);
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
    this.badge.update();
  }

  /** Opens the conversation in an editor tab (or reveals the one already open). */
  openPanel(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(CHAT_PANEL_TYPE, 'Elixir Agent', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
      ...chatWebviewOptions(this.extensionUri),
      enableFindWidget: true,
      retainContextWhenHidden: false,
    });
    this.adoptPanel(panel);
  }

  /** A panel created by us or restored after a reload (the serializer). */
  adoptPanel(panel: vscode.WebviewPanel): void {
    panel.webview.options = chatWebviewOptions(this.extensionUri);
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

  /** Answers the oldest tool call that waits for approval (the chat's keyboard shortcuts). */
  async decidePending(decision: 'allowOnce' | 'deny'): Promise<void> {
    const callId = this.badge.oldest();
    if (callId === undefined) {
      void vscode.window.showInformationMessage('Elixir Agent: no tool call is waiting for approval.');
      return;
    }
    this.subscribe();
    await this.backend.handle({ type: 'approve', callId, decision });
  }

  private attach(webview: vscode.Webview, kind: Session['kind'], view?: vscode.WebviewView): Session {
    const session: Session = { kind, webview, ready: false, view };
    this.sessions.add(session);
    session.listener = webview.onDidReceiveMessage((raw: unknown) => this.receive(session, raw));
    setChatHtml(webview, this.extensionUri, kind);
    this.subscribe();
    return session;
  }

  private detach(session: Session): void {
    session.listener?.dispose();
    this.sessions.delete(session);
    this.contextKeys.setFocused(session, false);
    if (this.sessions.size === 0) {
      this.subscription?.dispose();
      this.subscription = undefined;
    }
  }

  /** Follows the backend's deltas while a webview is open (closing the last one lets the backend stop a running answer). */
  private subscribe(): void {
    this.subscription ??= this.backend.onMessage((m) => this.broadcast(m));
  }

  private broadcast(m: HostMessage): void {
    this.badge.track(m);
    let delivered = false;
    for (const s of this.sessions) {
      if (!s.ready) continue;
      delivered = true;
      void s.webview.postMessage(m).then(undefined, () => (s.ready = false));
    }
    if (m.type === 'prefill' && !delivered) this.pendingPrefill = m;
  }

  private receive(session: Session, raw: unknown): void {
    const result = validateWebviewMessage(raw);
    if (!result.ok) {
      const type = typeof raw === 'object' && raw !== null ? String((raw as { type?: unknown }).type).slice(0, 40) : typeof raw;
      this.rt.log.warn(`chat: dropped a message from the ${session.kind} webview (${type}): ${result.error}`);
      return;
    }
    const msg = result.message;
    const handled = isViewMessage(msg) ? this.handle(session, msg) : this.forward(msg);
    void handled.catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.rt.log.error(`chat: ${msg.type} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
      void vscode.window.showErrorMessage(`Elixir Agent: ${message}`);
    });
  }

  /** A conversation message: the backend's. */
  private forward(msg: BackendMessage): Promise<void> {
    this.subscribe();
    return this.backend.handle(msg);
  }

  /** The messages the view answers itself; the others go to the backend (forward). */
  private async handle(session: Session, msg: ViewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        return this.sendState(session);
      case 'openFile':
        return this.actions.openFile(msg.path, msg.line, session.kind === 'panel');
      case 'insertAtCursor':
        return this.actions.insertAtCursor(msg.code);
      case 'copy':
        return this.actions.copy(msg.text);
      case 'command':
        return this.actions.runCommand(msg.command);
      case 'focus':
        this.contextKeys.setFocused(session, msg.focused);
        return;
      default:
        return unhandled(msg, 'view message');
    }
  }

  private async sendState(session: Session): Promise<void> {
    this.subscribe();
    const state = this.backend.snapshot();
    this.badge.track({ type: 'state', state });
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
}

/** Every ViewMessage type (a Record, so the list cannot miss one). */
const VIEW_MESSAGES: Record<ViewMessage['type'], true> = { ready: true, openFile: true, insertAtCursor: true, copy: true, command: true, focus: true };

function isViewMessage(msg: { type: string }): msg is ViewMessage {
  return Object.hasOwn(VIEW_MESSAGES, msg.type);
}

/**
 * Registers the editor-tab panel (with its serializer, so it comes back
 * after a reload) and the commands that show the chat. Returns the views;
 * the composition root hands the sidebar view to resolveView.
 */
export function registerChatView(rt: FeatureContext, backend: ChatBackend): ChatViews {
  const views = rt.track(new ChatViews(rt, backend));
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
