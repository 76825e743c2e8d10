/**
 * The seam between the chat webview (view.ts, src/webview/) and the
 * conversation controller (controller.ts). The view forwards validated
 * webview messages to the backend and relays the backend's host messages.
 */
import type * as vscode from 'vscode';
import type { ChatStateView, HostMessage, WebviewMessage } from '../../shared/protocol';

export interface ChatBackend {
  /** Full state, sent once when a webview says `ready`. */
  snapshot(): ChatStateView;
  /** A message from a webview, already validated. */
  handle(msg: WebviewMessage): Promise<void>;
  /** Deltas for every open chat webview (the sidebar view and editor-tab panels). */
  onMessage(listener: (m: HostMessage) => void): vscode.Disposable;
}
