/**
 * The chat's accessibility on the host side: the VS Code settings the chat
 * webviews follow (screen reader mode, reduced motion, verbosity, the
 * "user action required" announcement), and the context keys that the
 * chat's keyboard shortcuts (package.json `keybindings`) depend on: a chat
 * webview has the keyboard focus, a tool call waits for approval.
 */
import * as vscode from 'vscode';
import type { AccessibilityView } from '../../shared/protocol';
import { CONTEXT_KEYS } from '../ids';

/** The settings read by accessibilitySettings(): a change to any is sent to the webviews. */
export const ACCESSIBILITY_SETTINGS = [
  'editor.accessibilitySupport',
  'workbench.reduceMotion',
  'accessibility.verbosity.panelChat',
  'accessibility.signals.chatUserActionRequired',
] as const;

export function accessibilitySettings(config: Pick<vscode.WorkspaceConfiguration, 'get'> = vscode.workspace.getConfiguration()): AccessibilityView {
  const motion = config.get<unknown>('workbench.reduceMotion');
  // A signal setting is { sound, announcement }; announcement 'off' silences it.
  const signal = config.get<unknown>('accessibility.signals.chatUserActionRequired');
  const announcement = typeof signal === 'object' && signal !== null ? (signal as { announcement?: unknown }).announcement : undefined;
  return {
    screenReader: config.get<unknown>('editor.accessibilitySupport') === 'on',
    reduceMotion: motion === 'on' || motion === 'off' ? motion : 'auto',
    verbose: config.get<unknown>('accessibility.verbosity.panelChat') !== false,
    announceApprovals: announcement !== 'off',
  };
}

/** A context key set only when its value changes. */
class ContextKey {
  private value: boolean | undefined;
  constructor(private readonly key: string) {}
  set(value: boolean): void {
    if (value === this.value) return;
    this.value = value;
    void vscode.commands.executeCommand('setContext', this.key, value);
  }
}

/** `elixirAgent.chatFocused` and `elixirAgent.awaitingApproval`, fed by the chat views. */
export class ChatContextKeys {
  private readonly focusedKey = new ContextKey(CONTEXT_KEYS.chatFocused);
  private readonly awaitingKey = new ContextKey(CONTEXT_KEYS.awaitingApproval);
  /** Webviews that have the focus now (focus moving from the view to a panel may report in either order). */
  private readonly focused = new Set<object>();

  constructor() {
    this.focusedKey.set(false);
    this.awaitingKey.set(false);
  }

  setFocused(webview: object, focused: boolean): void {
    if (focused) this.focused.add(webview);
    else this.focused.delete(webview);
    this.focusedKey.set(this.focused.size > 0);
  }

  setAwaitingApproval(count: number): void {
    this.awaitingKey.set(count > 0);
  }
}
