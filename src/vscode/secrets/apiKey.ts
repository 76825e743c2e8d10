/**
 * The Anthropic API key: kept in the editor's SecretStorage (the OS keychain),
 * else taken from the ANTHROPIC_API_KEY environment variable. Never written to
 * settings, logs, the webview or saved history. Keeps the context key
 * `elixirAgent.hasApiKey` current. Also: the base URL (setting, else
 * ANTHROPIC_BASE_URL).
 */
import * as vscode from 'vscode';
import type { Config } from '../config';
import { COMMANDS, CONTEXT_KEYS, SECRET_API_KEY } from '../ids';
import type { FeatureContext } from '../context';

export type KeySource = 'secret' | 'env' | 'none';

/** Checks what was typed or pasted; returns the problem, or undefined when it looks usable. */
export function validateApiKey(value: string): string | undefined {
  const key = value.trim();
  if (!key) return 'Paste your Anthropic API key (it starts with sk-ant-).';
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks.';
  if (key.length < 20) return 'That is too short to be an API key.';
  if (/^(export\s+)?ANTHROPIC_API_KEY=/.test(key)) return 'Paste only the key, without ANTHROPIC_API_KEY=.';
  return undefined;
}

export class ApiKeyStore implements vscode.Disposable {
  private secret: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  private constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange(async (e) => {
      if (e.key !== SECRET_API_KEY) return;
      await this.refresh();
    });
  }

  static async create(secrets: vscode.SecretStorage): Promise<ApiKeyStore> {
    const store = new ApiKeyStore(secrets);
    await store.refresh();
    return store;
  }

  /** The key to use now (SecretStorage first, then the environment). */
  get key(): string | undefined {
    return this.secret || process.env.ANTHROPIC_API_KEY?.trim() || undefined;
  }

  get source(): KeySource {
    return this.secret ? 'secret' : process.env.ANTHROPIC_API_KEY?.trim() ? 'env' : 'none';
  }

  async set(value: string): Promise<void> {
    const problem = validateApiKey(value);
    if (problem) throw new Error(problem);
    await this.secrets.store(SECRET_API_KEY, value.trim());
    await this.refresh();
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_API_KEY);
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const before = this.key;
    this.secret = (await this.secrets.get(SECRET_API_KEY))?.trim() || undefined;
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.hasApiKey, !!this.key);
    if (before !== this.key) this.changed.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** The Messages API base URL: the elixirAgent.baseUrl setting, else ANTHROPIC_BASE_URL, else Anthropic's. */
export function configuredBaseUrl(config: Config): string | undefined {
  const setting = config.get('baseUrl').trim();
  return setting || process.env.ANTHROPIC_BASE_URL?.trim() || undefined;
}

/** Registers elixirAgent.setApiKey / clearApiKey; returns the store. */
export async function registerApiKey(rt: FeatureContext): Promise<ApiKeyStore> {
  const store = rt.track(await ApiKeyStore.create(rt.context.secrets));

  rt.registerCommand(COMMANDS.setApiKey, async (...args: unknown[]) => {
    // Tests and scripts may pass the key; people get a password box.
    const given = typeof args[0] === 'string' ? args[0] : undefined;
    const value =
      given ??
      (await vscode.window.showInputBox({
        title: 'Anthropic API Key',
        prompt: 'Stored in your system keychain (VS Code SecretStorage). Create one at console.anthropic.com.',
        placeHolder: 'sk-ant-…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v ? validateApiKey(v) : undefined),
      }));
    if (value === undefined) return false;
    await store.set(value);
    rt.log.info('Anthropic API key stored in SecretStorage');
    if (!given) void vscode.window.showInformationMessage('Elixir Agent: API key saved.');
    return true;
  });

  rt.registerCommand(COMMANDS.clearApiKey, async () => {
    await store.clear();
    rt.log.info('Anthropic API key removed from SecretStorage');
    const env = store.source === 'env' ? ' ANTHROPIC_API_KEY from the environment is still used.' : '';
    void vscode.window.showInformationMessage(`Elixir Agent: API key removed.${env}`);
  });

  return store;
}
