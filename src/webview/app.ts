/**
 * The chat UI: composes the header, banners, transcript, history and input,
 * applies host messages (one full state on `ready`, then deltas) and keeps
 * the UI-only state (draft, scroll position, expanded cards) in the
 * webview's persisted state so it survives hiding and reloads.
 */
import type { AccessibilityView, ChatStateView, HostMessage, MentionItem, WebviewMessage } from '../shared/protocol';
import { BackgroundTasksBar } from './backgroundTasks';
import { Banners, Welcome } from './emptyStates';
import { Composer } from './composer';
import { h } from './dom';
import { Header } from './header';
import { HistoryPanel } from './history';
import { SHORTCUTS } from './keys';
import type { FileTarget } from './links';
import type { MessageContext } from './messageView';
import { toolDisplayName } from './toolCard';
import { Transcript } from './transcript';
import type { Anchor } from './virtualList';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface UiState {
  v: 1;
  draft: string;
  mentions: MentionItem[];
  conversationId?: string;
  anchor?: Anchor;
  expanded: string[];
  dismissed: string[];
  toolsOpen: boolean;
}

function loadUiState(raw: unknown): UiState {
  const base: UiState = { v: 1, draft: '', mentions: [], expanded: [], dismissed: [], toolsOpen: false };
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) return base;
  const s = raw as Partial<UiState>;
  return {
    v: 1,
    draft: typeof s.draft === 'string' ? s.draft : '',
    mentions: Array.isArray(s.mentions) ? s.mentions.filter((m) => m && typeof m.label === 'string' && typeof m.value === 'string') : [],
    conversationId: typeof s.conversationId === 'string' ? s.conversationId : undefined,
    anchor: s.anchor && typeof s.anchor.key === 'string' && typeof s.anchor.offset === 'number' ? s.anchor : undefined,
    expanded: Array.isArray(s.expanded) ? s.expanded.filter((x) => typeof x === 'string').slice(-500) : [],
    dismissed: Array.isArray(s.dismissed) ? s.dismissed.filter((x) => typeof x === 'string') : [],
    toolsOpen: s.toolsOpen === true,
  };
}

export class App {
  private state?: ChatStateView;
  private readonly ui: UiState;
  private readonly expanded: Set<string>;
  private readonly header: Header;
  private readonly banners: Banners;
  private readonly welcome: Welcome;
  private readonly transcript: Transcript;
  private readonly history: HistoryPanel;
  private readonly composer: Composer;
  private readonly backgroundTasks: BackgroundTasksBar;
  private readonly live: HTMLElement;
  private a11y: AccessibilityView = { screenReader: false, reduceMotion: 'auto', verbose: true, announceApprovals: true };
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: VsCodeApi,
    root: HTMLElement,
  ) {
    this.ui = loadUiState(api.getState());
    this.expanded = new Set(this.ui.expanded);
    const post = (msg: WebviewMessage) => this.post(msg);
    const ctx: MessageContext = {
      post,
      openFile: (t: FileTarget) => post(t.line ? { type: 'openFile', path: t.path, line: t.line } : { type: 'openFile', path: t.path }),
      copy: (text) => post({ type: 'copy', text }),
      insert: (code) => post({ type: 'insertAtCursor', code }),
      approve: (callId, decision, reason) => post(reason ? { type: 'approve', callId, decision, reason } : { type: 'approve', callId, decision }),
      isExpanded: (id) => this.expanded.has(id),
      setExpanded: (id, open) => {
        if (open) this.expanded.add(id);
        else this.expanded.delete(id);
        this.saveSoon();
      },
      personaName: () => this.state?.persona?.name ?? 'Agent',
      focusInput: () => this.composer.focus(),
    };
    this.header = new Header({
      post,
      toggleHistory: () => this.showHistory(!this.history.isOpen),
      historyOpen: () => this.history?.isOpen ?? false,
      isToolsOpen: () => this.ui.toolsOpen,
      onToolsToggle: (open) => {
        this.ui.toolsOpen = open;
        this.saveSoon();
      },
    });
    this.banners = new Banners({
      post,
      dismissed: new Set(this.ui.dismissed),
      onDismiss: (id) => {
        this.ui.dismissed.push(id);
        this.banners.update(this.requireState());
        this.save();
      },
    });
    this.welcome = new Welcome((text) => this.composer.prefill(text));
    this.transcript = new Transcript(ctx, this.welcome.el);
    this.transcript.onScrollChange = () => this.saveSoon();
    this.transcript.onApprovalNeeded = (call) => this.approvalNeeded(toolDisplayName(call.name).name);
    this.history = new HistoryPanel(post, () => this.showHistory(false));
    // The draft is saved at once: the view may be hidden (and its page torn down) any moment.
    this.composer = new Composer({ post, onDraftChange: () => this.save(), announce: (text) => this.announce(text) });
    this.composer.restore(this.ui.draft, this.ui.mentions);
    // One polite live region for what a screen reader user must hear: an answer finished, an approval
    // is needed, an error, the suggestions list. Streamed text is never live (the feed is not a live region).
    this.live = h('div', { class: 'sr-only', attrs: { 'aria-live': 'polite', role: 'status', 'data-testid': 'announcer' } });
    const main = h('main', { class: 'main' }, this.transcript.el, this.history.el, this.live);
    this.backgroundTasks = new BackgroundTasksBar(post, (text) => this.announce(text));
    root.append(this.header.el, this.banners.el, main, this.backgroundTasks.el, this.composer.el);
    root.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.history.isOpen) {
        ev.preventDefault();
        this.showHistory(false);
      }
    });
    window.addEventListener('message', (ev: MessageEvent) => this.receive(ev.data));
    window.addEventListener('pagehide', () => this.save());
    // VS Code's keybindings for the chat (allow, deny) apply while a chat webview has the focus.
    window.addEventListener('focus', () => {
      this.post({ type: 'focus', focused: true });
      // Focused from VS Code (Open Chat, the view's title) with nothing focused inside yet: the input, as VS Code's chat does.
      if (document.activeElement === document.body || !document.activeElement) this.composer.focus();
    });
    window.addEventListener('blur', () => this.post({ type: 'focus', focused: false }));
    this.post({ type: 'ready' });
    this.composer.focus();
    if (document.hasFocus()) this.post({ type: 'focus', focused: true });
  }

  private requireState(): ChatStateView {
    if (!this.state) throw new Error('no state yet');
    return this.state;
  }

  private post(msg: WebviewMessage): void {
    this.api.postMessage(msg);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string') return;
    try {
      this.handle(data as HostMessage);
    } catch (err) {
      // Surface in the webview's developer tools without breaking the UI.
      setTimeout(() => {
        throw err;
      });
    }
  }

  handle(msg: HostMessage): void {
    const s = this.state;
    switch (msg.type) {
      case 'state':
        this.applyState(msg.state);
        return;
      case 'messageAdded':
        this.transcript.addMessage(msg.message);
        return;
      case 'textDelta':
        this.transcript.textDelta(msg.messageId, msg.blockIndex, msg.text);
        return;
      case 'blockAdded':
        this.transcript.blockAdded(msg.messageId, msg.block);
        return;
      case 'toolUpdated':
        this.transcript.toolUpdated(msg.messageId, msg.call);
        return;
      case 'messageUpdated':
        this.transcript.messageUpdated(msg.messageId, msg.status, msg.usage, msg.error);
        if (msg.status === 'error' && msg.error) this.announce(`Error: ${msg.error.title}. ${msg.error.detail}`);
        else if (msg.status === 'done') this.announce(this.finished(msg.messageId));
        else if (msg.status === 'stopped') this.announce('Answer stopped');
        return;
      case 'busy':
        if (s) s.busy = msg.busy;
        this.composer.setBusy(msg.busy);
        return;
      case 'totals':
        if (s) {
          s.totals = msg.totals;
          s.contextFill = msg.contextFill;
        }
        this.composer.setUsage(msg.totals, msg.contextFill);
        return;
      case 'persona':
        if (!s) return;
        s.persona = msg.persona;
        s.personas = msg.personas;
        this.refreshChrome();
        return;
      case 'history':
        if (!s) return;
        s.history = msg.history;
        this.history.update(msg.history, s.conversationId);
        return;
      case 'env':
        if (!s) return;
        s.env = msg.env;
        this.refreshChrome();
        return;
      case 'prefill':
        this.composer.prefill(msg.text);
        return;
      case 'mentionResults':
        this.composer.showMentionResults(msg.requestId, msg.items);
        return;
      case 'backgroundTasks':
        if (s) s.backgroundTasks = msg.tasks;
        this.backgroundTasks.update(msg.tasks);
          return;
      case 'accessibility':
        this.applyAccessibility(msg.settings);
        return;
    }
  }

  private applyAccessibility(settings: AccessibilityView): void {
    this.a11y = settings;
    document.body.classList.toggle('reduce-motion', settings.reduceMotion === 'on');
    document.body.classList.toggle('allow-motion', settings.reduceMotion === 'off');
    this.composer.setVerbose(settings.verbose);
  }

  /** "Answer finished"; in screen reader mode with the answer's text, as VS Code's own chat reads it. */
  private finished(messageId: string): string {
    if (!this.a11y.screenReader) return 'Answer finished';
    const text = this.transcript.plainText(messageId);
    return text ? `Answer finished: ${text.length > 2000 ? `${text.slice(0, 2000)}…` : text}` : 'Answer finished';
  }

  private approvalNeeded(tool: string): void {
    if (!this.a11y.announceApprovals) return;
    const keys = this.a11y.verbose ? `: ${SHORTCUTS.approve.label} allows it once, ${SHORTCUTS.deny.label} denies it` : '';
    this.announce(`Approval needed: ${tool} wants to run${keys}`);
  }

  private applyState(state: ChatStateView): void {
    const sameConversation = this.ui.conversationId === state.conversationId;
    if (!sameConversation && this.history.isOpen) this.showHistory(false);
    this.state = state;
    this.refreshChrome();
    this.history.update(state.history, state.conversationId);
    this.composer.setBusy(state.busy);
    this.composer.setUsage(state.totals, state.contextFill);
    this.backgroundTasks.update(state.backgroundTasks, false);
    this.transcript.setMessages(state.messages, sameConversation ? this.ui.anchor : undefined);
    if (!sameConversation) {
      this.ui.conversationId = state.conversationId;
      this.ui.anchor = undefined;
      this.save();
    }
    document.title = state.title || 'Elixir Agent';
  }

  private refreshChrome(): void {
    const s = this.state;
    if (!s) return;
    this.header.update(s);
    this.banners.update(s);
    this.welcome.update(s);
  }

  private showHistory(open: boolean): void {
    this.history.show(open);
    if (this.state) this.header.update(this.state);
    if (!open) this.composer.focus();
  }

  private announce(text: string): void {
    this.live.textContent = '';
    // A fresh text node is announced even when the text repeats.
    setTimeout(() => (this.live.textContent = text), 50);
  }

  private saveSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.save(), 200);
  }

  private save(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.ui.draft = this.composer.draft;
    this.ui.mentions = this.composer.attached;
    this.ui.anchor = this.transcript.anchor();
    this.ui.expanded = [...this.expanded].slice(-500);
    this.api.setState(this.ui);
  }
}
