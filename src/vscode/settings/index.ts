/**
 * Claude Code's settings files in the editor: ~/.claude/settings.json
 * ($CLAUDE_CONFIG_DIR/settings.json when set), and
 * the first workspace folder's .claude/settings.json and
 * .claude/settings.local.json. Loaded at start and again when one changes;
 * their problems are shown in the Problems panel at file:line:column (as
 * agent files' are). The approval policy reads the rules from here at each
 * decision (src/vscode/tools/index.ts).
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { claudeConfigDir } from '../../core/util/claudeConfig';
import { EMPTY_SETTINGS_RULES, type SettingsRules } from '../../core/settings/decide';
import { loadSettings, settingsFiles } from '../../core/settings/load';
import { withAllowRule } from '../../core/settings/suggest';
import type { LoadedSettings, SettingsProblem } from '../../core/settings/types';
import type { FeatureContext } from '../context';
import { fileFolderPaths } from '../folders';

export interface ClaudeSettingsService {
  /** The permission rules as last loaded (none before the first load ends). */
  rules(): SettingsRules;
  /** The settings' defaultMode, when one applies. */
  defaultMode(): string | undefined;
  /** What was last loaded: files, permissions, problems. */
  current(): LoadedSettings | undefined;
  /** Resolves once the files have been read (at start, and after a change). */
  ready(): Promise<void>;
  /** "Always allow": adds the rule to the first folder's .claude/settings.local.json (shows its own errors; loses nothing). */
  addAllowRule(rule: string): Promise<void>;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined; // missing or unreadable: the file is not there for us
  }
}

function toDiagnostic(p: SettingsProblem): vscode.Diagnostic {
  const line = Math.max(0, p.line - 1);
  const column = Math.max(0, p.column - 1);
  const d = new vscode.Diagnostic(new vscode.Range(line, column, line, Number.MAX_SAFE_INTEGER), p.message, p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  d.source = 'Elixir Agent';
  return d;
}

export function registerClaudeSettings(rt: FeatureContext, options: { homeDir?: string } = {}): ClaudeSettingsService {
  const homeDir = options.homeDir ?? os.homedir();
  const userDir = claudeConfigDir(process.env, homeDir);
  const diagnostics = rt.track(vscode.languages.createDiagnosticCollection('elixir-agent-settings'));
  let loaded: LoadedSettings | undefined;
  let loading: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = async (): Promise<void> => {
    const projectRoot = fileFolderPaths()[0];
    if (!projectRoot) {
      loaded = undefined;
      diagnostics.clear();
      return;
    }
    const next = await loadSettings({ projectRoot, homeDir, userDir, readFile: readIfPresent });
    loaded = next;
    diagnostics.clear();
    const byFile = new Map<string, SettingsProblem[]>();
    for (const p of next.problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
    for (const [file, problems] of byFile) diagnostics.set(vscode.Uri.file(file), problems.map(toDiagnostic));
    const p = next.permissions;
    rt.log.info(
      `settings: ${next.files.map((f) => f.label).join(', ') || 'no Claude Code settings files'}` +
        `${next.files.length ? ` (allow ${p.allow.length}, ask ${p.ask.length}, deny ${p.deny.length} rules${p.defaultMode ? `, defaultMode ${p.defaultMode.mode}` : ''})` : ''}` +
        `${next.problems.length ? `; ${next.problems.length} problem(s), see the Problems panel` : ''}`,
    );
  };
  const reload = (): void => {
    loading = loading.then(load).catch((err: unknown) => rt.log.error(`settings: could not load: ${err instanceof Error ? err.message : String(err)}`));
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, 150);
  };
  rt.track({ dispose: () => timer && clearTimeout(timer) });

  // `.claude/**` and `.claude` (the folder appearing or going away: a checkout, a `rm -r .claude`); events for the
  // other files there (agents, commands) are dropped. A narrower glob with braces missed the events in the real editor.
  const relevant = (uri: vscode.Uri): boolean => {
    const base = path.basename(uri.fsPath);
    return base === '.claude' || uri.fsPath === userDir || base === 'settings.json' || base === 'settings.local.json';
  };
  const onEvent = (uri: vscode.Uri): void => {
    if (relevant(uri)) schedule();
  };
  const watch = (pattern: vscode.RelativePattern): void => {
    const w = rt.track(vscode.workspace.createFileSystemWatcher(pattern));
    rt.track(w.onDidCreate(onEvent));
    rt.track(w.onDidChange(onEvent));
    rt.track(w.onDidDelete(onEvent));
  };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    watch(new vscode.RelativePattern(folder, '.claude/**'));
    watch(new vscode.RelativePattern(folder, '.claude'));
  }
  // Outside the workspace, non-recursive watches only: never the whole home folder.
  watch(new vscode.RelativePattern(vscode.Uri.file(userDir), 'settings.json'));
  watch(new vscode.RelativePattern(vscode.Uri.file(path.dirname(userDir)), path.basename(userDir)));
  rt.track(vscode.workspace.onDidChangeWorkspaceFolders(schedule));
  reload();

  return {
    rules: () => loaded?.permissions ?? EMPTY_SETTINGS_RULES,
    defaultMode: () => loaded?.permissions.defaultMode?.mode,
    current: () => loaded,
    ready: () => loading,
    addAllowRule: async (rule) => {
      const root = fileFolderPaths()[0];
      if (!root) return;
      const file = settingsFiles(root, homeDir).find((f) => f.scope === 'local')!.path;
      try {
        const next = withAllowRule(await readIfPresent(file), rule);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, next);
        rt.log.info(`settings: "Always allow" saved ${rule} to ${file}`);
        vscode.window.setStatusBarMessage(`$(check) Always allowed: ${rule} (.claude/settings.local.json)`, 8000);
        reload();
        await loading;
      } catch (err) {
        const message = `Could not save the rule ${rule} to .claude/settings.local.json: ${err instanceof Error ? err.message : String(err)}. It is allowed for this conversation only.`;
        rt.log.warn(`settings: ${message}`);
        void vscode.window.showWarningMessage(message, 'Open File').then((pick) => pick && vscode.window.showTextDocument(vscode.Uri.file(file)));
      }
    },
  };
}
