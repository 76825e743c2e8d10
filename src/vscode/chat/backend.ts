/**
 * The seam between the chat webviews (view.ts, src/webview/) and the
 * conversation controller (controller.ts). The view answers the UI-local
 * messages itself (ViewMessage) and forwards the rest (BackendMessage),
 * already validated, to the backend; it relays the backend's host messages.
 * Both switches are exhaustive: a new WebviewMessage type is a BackendMessage
 * unless listed in ViewMessage, and fails to compile until the controller
 * handles it.
 */
import type * as vscode from 'vscode';
import type { ChatStateView, HostMessage, WebviewMessage } from '../../shared/protocol';

/** Messages the view answers itself (view.ts): the page's life cycle, opening files, the clipboard, commands, focus. */
export type ViewMessage = Extract<WebviewMessage, { type: 'ready' | 'openFile' | 'insertAtCursor' | 'copy' | 'command' | 'focus' }>;

/** Messages about the conversation, handled by the backend (controller.ts). */
export type BackendMessage = Exclude<WebviewMessage, ViewMessage>;

export interface ChatBackend {
  /** Full state, sent once when a webview says `ready`. */
  snapshot(): ChatStateView;
  /** A conversation message from a webview, already validated. */
  handle(msg: BackendMessage): Promise<void>;
  /** Deltas for every open chat webview (the sidebar view and editor-tab panels). */
  onMessage(listener: (m: HostMessage) => void): vscode.Disposable;
}

/** The `default:` of an exhaustive switch: compiles only when every case is handled. */
export function unhandled(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
