/**
 * Elixir intelligence in the editor: mix project detection (context keys,
 * chat header, system prompt), the mix compile diagnostics source, language
 * servers and the editor's diagnostics for the ide channel. Built by the
 * composition root (runtime.ts), which offers them as services.elixir and
 * services.diagnostics; the editor actions (actions.ts) are registered there
 * once the chat exists.
 */
import * as vscode from 'vscode';
import type { MixProject } from '../../core/elixir/project';
import { ideTools, type IdeToolsOptions } from '../../core/ide';
import type { Tool, ToolServices } from '../../core/tools/types';
import { COMMANDS } from '../ids';
import type { FeatureContext } from '../context';
import type { McpService } from '../mcp';
import { editorDiagnosticsService, type EditorDiagnosticsService } from './diagnostics';
import { installedElixirExtension, LanguageServers, type LanguageServerStatus } from './languageServer';
import { MixDiagnosticsSource, type MixRunSummary } from './mixSource';
import { ElixirWorkspace } from './workspace';

export type { EditorDiagnosticsService } from './diagnostics';
export type { LanguageServerStatus } from './languageServer';
export type { MixRunSummary } from './mixSource';

/** services.elixir */
export interface ElixirService {
  /** The workspace's mix projects (top-level; an umbrella holds its apps). */
  projects(): readonly MixProject[];
  /** The project of a file, if any. */
  projectOf(uri: vscode.Uri): MixProject | undefined;
  /** One line for the chat header (EnvironmentView.projectSummary); undefined: no mix project. */
  summary(): string | undefined;
  /** A paragraph for the system prompt; undefined: no mix project. */
  promptSection(): string | undefined;
  /** Resolves once detection has run. */
  ready(): Promise<void>;
  /** Fires when the projects (or facts about them) change, e.g. after editing mix.exs. */
  onDidChange: vscode.Event<readonly MixProject[]>;
  /** The mix compile diagnostics source. */
  mix: {
    /** Compiles all projects (trusted workspaces only), replacing runs in progress. */
    run(): Promise<MixRunSummary[]>;
    busy(): boolean;
    idle(signal?: AbortSignal): Promise<void>;
    onDidFinish: vscode.Event<MixRunSummary>;
  };
  /** The language server(s) started by the extension. */
  languageServer: {
    current(): LanguageServerStatus;
    ready(): Promise<void>;
    restart(): Promise<void>;
    onDidChange: vscode.Event<LanguageServerStatus>;
  };
  /** mcp__ide__getDiagnostics and mcp__ide__executeCode, wired to the settings and Tidewave's status. */
  tools(): Tool[];
  /** What those tools need in ToolContext.services: the editor's diagnostics (with settle). */
  toolServices(): Pick<ToolServices, 'diagnostics'>;
}

export interface ElixirDeps {
  /** executeCode mentions Tidewave's project_eval while it is connected. */
  mcp: Pick<McpService, 'tidewaveConnected'>;
}

export interface ElixirFeature {
  service: ElixirService;
  diagnostics: EditorDiagnosticsService;
  /** elixirAgent.runMixCompile (checks trust and projects, reports in the status bar). */
  runMixCompile(): Promise<MixRunSummary[] | undefined>;
}

export function registerElixir(rt: FeatureContext, deps: ElixirDeps): ElixirFeature {
  const { log } = rt;
  const workspace = rt.track(new ElixirWorkspace(log));
  const mix = rt.track(new MixDiagnosticsSource(workspace, log, rt.config));
  const servers = rt.track(new LanguageServers(workspace, log, rt.config));
  const diagnostics: EditorDiagnosticsService = editorDiagnosticsService({
    mix,
    projects: () => workspace.projects(),
    projectOf: (uri) => workspace.projectOf(uri),
    ready: () => workspace.ready(),
    // A language server of ours running for the project, or the user's Elixir extension running its own.
    languageServerPublishes: (project) =>
      !!installedElixirExtension() || servers.current().clients.some((c) => c.root === project.root && c.state === 'running'),
  });

  const runMixCompile = async (): Promise<MixRunSummary[] | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Elixir Agent: mix compile runs the project\'s code, so it only runs in a trusted workspace.');
      return undefined;
    }
    await workspace.ready();
    if (workspace.projects().length === 0) {
      void vscode.window.showInformationMessage('Elixir Agent: there is no mix project (mix.exs) in this workspace.');
      return undefined;
    }
    const results = await mix.run();
    const errors = results.reduce((n, r) => n + r.errors, 0);
    const warnings = results.reduce((n, r) => n + r.warnings, 0);
    if (results.every((r) => !r.cancelled)) {
      vscode.window.setStatusBarMessage(`$(check) mix compile: ${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`, 8000);
    }
    return results;
  };

  rt.registerCommand(COMMANDS.runMixCompile, runMixCompile);
  rt.registerCommand(COMMANDS.restartLanguageServer, async () => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Elixir Agent: language servers only run in a trusted workspace.');
      return servers.current();
    }
    await servers.restart();
    const status = servers.current();
    if (status.clients.length === 0) {
      void vscode.window.showInformationMessage(`Elixir Agent: no language server started: ${status.reason ?? 'unknown reason'}.`);
    } else {
      vscode.window.setStatusBarMessage(`$(debug-restart) ${status.clients.map((c) => `${c.server}: ${c.state}`).join(', ')}`, 5000);
    }
    return status;
  });

  const service: ElixirService = {
    projects: () => workspace.projects(),
    projectOf: (uri) => workspace.projectOf(uri),
    summary: () => workspace.summary(),
    promptSection: () => workspace.promptSection(),
    ready: () => workspace.ready(),
    onDidChange: workspace.onDidChange,
    mix: { run: () => mix.run(), busy: () => mix.busy(), idle: (signal) => mix.idle(signal), onDidFinish: mix.onDidFinish },
    languageServer: { current: () => servers.current(), ready: () => servers.ready(), restart: () => servers.restart(), onDidChange: servers.onDidChange },
    tools: () => {
      const options: IdeToolsOptions = {
        mixCommand: () => rt.config.get('mix.command'),
        isTidewaveConnected: () => deps.mcp.tidewaveConnected(),
      };
      return ideTools(options);
    },
    // diagnosticsAfterEdit is the tools feature's (src/vscode/tools); diagnostics.afterEdit offers the same for others.
    toolServices: () => ({ diagnostics }),
  };

  // The first language server start waits for detection; nothing here blocks activation.
  void servers.restart();
  return { service, diagnostics, runMixCompile };
}
