/**
 * Typed access to the extension's settings (`elixirAgent.*`), with change
 * events, like rust-analyzer's config.ts. Every feature reads its settings
 * here (given by the composition root, runtime.ts); the types and defaults
 * are in defaults.ts, kept equal to package.json by a unit test.
 * Values are read at each call, so a changed setting applies at once.
 */
import * as vscode from 'vscode';
import { CONFIG_SECTION } from '../ids';
import { SETTING_DEFAULTS, SETTING_KEYS, type SettingKey, type Settings } from './defaults';

export { SETTING_DEFAULTS, type SettingKey, type Settings } from './defaults';

/** Which settings a configuration change touched. */
export interface ConfigChange {
  /** True when `key` (or, for a prefix such as `mcp`, any setting under it) changed, for any scope. */
  affects(key: SettingKey | 'languageServer' | 'ideServer' | 'mcp' | 'tidewave' | 'approvals' | 'mix' | 'history'): boolean;
  /** The changed settings. */
  readonly keys: readonly SettingKey[];
}

export class Config implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ConfigChange>();
  /** Fires when any `elixirAgent.*` setting changed. */
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(CONFIG_SECTION)) return;
      const keys = SETTING_KEYS.filter((k) => e.affectsConfiguration(`${CONFIG_SECTION}.${k}`));
      this.emitter.fire({ keys, affects: (key) => e.affectsConfiguration(`${CONFIG_SECTION}.${key}`) });
    });
  }

  /** The value of a setting (for a resource's folder when `scope` is given), else its default (also for a `null` in settings.json). */
  get<K extends SettingKey>(key: K, scope?: vscode.Uri): Settings[K] {
    return vscode.workspace.getConfiguration(CONFIG_SECTION, scope).get<Settings[K] | null>(key) ?? SETTING_DEFAULTS[key];
  }

  /** Where a setting's values come from (user, workspace, folder); for settings a repository may set (mcp.servers). */
  inspect<K extends SettingKey>(key: K, scope?: vscode.Uri) {
    return vscode.workspace.getConfiguration(CONFIG_SECTION, scope).inspect<Settings[K]>(key);
  }

  /** Runs `listener` when one of `keys` (or a prefix) changes. */
  onChange(keys: Parameters<ConfigChange['affects']>[0][], listener: (change: ConfigChange) => void): vscode.Disposable {
    return this.onDidChange((change) => {
      if (keys.some((k) => change.affects(k))) listener(change);
    });
  }

  // --- settings with a meaning beyond their raw value ---

  /** The mix executable for a project (an empty setting means `mix`). */
  mixCommand(scope?: vscode.Uri): string {
    return this.get('mix.command', scope) || SETTING_DEFAULTS['mix.command'];
  }

  /** The answer's max_tokens (at least 256). */
  maxTokens(): number {
    return Math.max(256, this.get('maxTokens'));
  }

  /** The turns of one answer; an agent's own maxTurns wins (at least 1). */
  maxTurns(agentMaxTurns?: number): number {
    return Math.max(1, agentMaxTurns ?? this.get('maxTurns'));
  }

  /** Conversations kept in this workspace's history. */
  maxConversations(): number {
    return Math.max(1, this.get('history.maxConversations'));
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
