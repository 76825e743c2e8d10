/**
 * The tools feature in the editor: the builtin tools, a ToolContext wired to
 * the editor (dirty buffers, undoable WorkspaceEdits, the notebook API,
 * diagnostics after edits (an incremental mix compile for Elixir files, see
 * src/vscode/elixir/diagnostics.ts), VS Code's bundled ripgrep, the optional Bash
 * terminal) and the approval policy from settings and workspace trust.
 * The chat gets all of it as `services.tools`.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RuleSet } from '../../core/permissions';
import { createApprovalPolicy, type ToolApprovalPolicy } from '../../core/tools/approval';
import { MemoryReadTracker } from '../../core/tools/nodeFiles';
import { builtinTools } from '../../core/tools/registry';
import { findRipgrep } from '../../core/tools/ripgrep';
import type { ReadTracker, Tool, ToolContext, ToolServices } from '../../core/tools/types';
import type { ToolEnvironment } from '../../core/chat/session';
import type { FeatureContext } from '../context';
import type { EditorDiagnosticsService } from '../elixir/diagnostics';
import type { ClaudeSettingsService } from '../settings';
import { DiagnosticsAfterEdit } from './diagnostics';
import { EditorFileAccess } from './files';
import { EditorNotebookAccess } from './notebooks';
import { BashTerminalMirror } from './terminal';
import { fileFolderPaths } from '../folders';

/** What the chat session needs for its tools (the loop's own type). */
export type { ToolEnvironment };

export interface ToolsService {
  /** The builtin tools for the current trust state (in Restricted Mode only Read, Glob, Grep and LS; the policy denies the rest). */
  builtinTools(): Tool[];
  /**
   * The approval policy: the permission rules of Claude Code's settings files,
   * elixirAgent.approvals.tools / .bashAllow and workspace trust, read at each
   * decision (changes apply at once), with the persona's permissionMode (else
   * the settings' defaultMode) and its own rules (agentPermissionRules).
   */
  policy(options?: { permissionMode?: string; agentRules?: RuleSet }): ToolApprovalPolicy;
  /** Folders, editor FileAccess and services, for a session's toolEnv(). */
  environment(): ToolEnvironment;
  /** A complete ToolContext for one call. Pass the conversation's ReadTracker (newReadTracker()). */
  context(options: { signal: AbortSignal; reads: ReadTracker; onOutput?: (chunk: string) => void }): ToolContext;
  newReadTracker(): ReadTracker;
}

export interface ToolsDeps {
  /** The editor's diagnostics (the Elixir feature's): an edited Elixir file may be compiled by mix. */
  diagnostics: Pick<EditorDiagnosticsService, 'compilesAfterEdit' | 'afterEdit'>;
  /** Claude Code's settings files: their permission rules and defaultMode. */
  settings: Pick<ClaudeSettingsService, 'rules' | 'defaultMode'>;
}

export function registerTools(rt: FeatureContext, deps: ToolsDeps): ToolsService {
  const files = new EditorFileAccess();
  const notebooks = new EditorNotebookAccess();
  const diagnostics = rt.track(new DiagnosticsAfterEdit());
  const terminal = rt.track(new BashTerminalMirror());
  let ripgrep: string | null | undefined;
  const ripgrepPath = () => {
    if (ripgrep === undefined) {
      ripgrep = findRipgrep({ appRoot: vscode.env.appRoot }) ?? null;
      rt.log.info(ripgrep ? `tools: ripgrep at ${ripgrep}` : 'tools: no ripgrep found, Glob and Grep use the JS search');
    }
    return ripgrep ?? undefined;
  };
  const { config } = rt;

  /** Paths that need an explicit confirmation besides .vscode/ and friends (paths.ts): the open .code-workspace file. */
  const protectedPaths = (): string[] => {
    const out: string[] = [];
    const wsFile = vscode.workspace.workspaceFile;
    if (wsFile?.scheme === 'file') out.push(wsFile.fsPath);
    return out;
  };

  const environment = (): ToolEnvironment => {
    const folders = fileFolderPaths();
    const services: ToolServices = {
      ripgrepPath: ripgrepPath(),
      // An edited Elixir file is compiled (incrementally) when mix is its diagnostics source; else its diagnostics are awaited.
      diagnosticsAfterEdit: (absPath, signal) => {
        const editor = deps.diagnostics;
        return editor.compilesAfterEdit(absPath) ? editor.afterEdit(absPath, signal) : diagnostics.collect(absPath, signal);
      },
      notebooks,
      protectedPaths: protectedPaths(),
    };
    if (config.get('bash.useTerminal')) services.bashMirror = terminal;
    return { workspaceFolders: folders, cwd: folders[0] ?? path.resolve(rt.context.extensionPath), files, services };
  };

  return {
    builtinTools: () => builtinTools({ trusted: vscode.workspace.isTrusted }),
    policy(options = {}) {
      const current = () =>
        createApprovalPolicy({
          tools: config.get('approvals.tools'),
          bashAllow: config.get('approvals.bashAllow'),
          permissionMode: options.permissionMode ?? deps.settings.defaultMode(),
          agentRules: options.agentRules,
          settingsRules: deps.settings.rules(),
          // The repository's allow rules count once the user trusts the workspace (its deny and ask rules always do).
          trustRepositoryAllowRules: vscode.workspace.isTrusted,
          homeDir: os.homedir(),
          trusted: vscode.workspace.isTrusted,
          workspaceFolders: fileFolderPaths(),
          protectedPaths: protectedPaths(),
        });
      return {
        get mode() {
          return current().mode;
        },
        decide: (tool, input) => current().decide(tool, input),
      };
    },
    environment,
    context({ signal, reads, onOutput }) {
      return { ...environment(), signal, reads, onOutput };
    },
    newReadTracker: () => new MemoryReadTracker(),
  };
}
