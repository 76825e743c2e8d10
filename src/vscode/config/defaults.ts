/**
 * The extension's settings (`elixirAgent.*`): their types and defaults, in
 * one place. No `vscode` import, so unit tests can check these defaults
 * against package.json's contributes.configuration (test/unit/vscode/config.test.ts).
 */

export interface Settings {
  agent: string;
  model: string;
  modelAliases: Record<string, string>;
  baseUrl: string;
  maxTokens: number;
  maxTurns: number;
  'approvals.tools': Record<string, unknown>;
  'approvals.bashAllow': string[];
  'bash.useTerminal': boolean;
  'mix.compileOnSave': boolean;
  'mix.command': string;
  'languageServer.kind': string;
  'languageServer.path': string;
  'mcp.servers': Record<string, unknown>;
  'tidewave.enabled': boolean;
  'tidewave.port': number;
  'ideServer.enabled': boolean;
  'history.maxConversations': number;
}

export type SettingKey = keyof Settings;

/** The defaults package.json declares (a unit test keeps them equal). */
export const SETTING_DEFAULTS: Readonly<Settings> = Object.freeze({
  agent: '',
  model: '',
  modelAliases: {},
  baseUrl: '',
  maxTokens: 16_000,
  maxTurns: 50,
  'approvals.tools': {},
  'approvals.bashAllow': ['mix test', 'mix compile', 'mix format --check-formatted', 'mix credo', 'git status', 'git diff', 'git log', 'ls', 'pwd'],
  'bash.useTerminal': false,
  'mix.compileOnSave': false,
  'mix.command': 'mix',
  'languageServer.kind': 'auto',
  'languageServer.path': '',
  'mcp.servers': {},
  'tidewave.enabled': true,
  'tidewave.port': 0,
  'ideServer.enabled': false,
  'history.maxConversations': 200,
});

export const SETTING_KEYS = Object.keys(SETTING_DEFAULTS) as SettingKey[];
