/** The agent commands: pick the active agent, create an agent file, open the active agent's file. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { agentNameError, BUILTIN_TOOL_NAMES, IDE_TOOL_NAMES, newAgentFile, suggestAgentName, type AgentDefinition } from '../../core/agents';
import { CONFIG_SECTION } from '../ids';
import type { AgentRegistry } from './registry';

const SOURCE_LABEL = { project: 'Project', user: 'User (~/.claude/agents)', bundled: 'Built in' } as const;

const where = (ref: string): string => {
  const [source, ...rest] = ref.split(':');
  const file = rest.join(':');
  return `${source} (${vscode.workspace.asRelativePath(file, false)})`;
};

interface AgentItem extends vscode.QuickPickItem {
  agent?: AgentDefinition;
  action?: 'problems' | 'create';
}

/** `elixirAgent.pickAgent [name]`: a quick pick of the agents, or set `name` directly. */
export async function pickAgent(registry: AgentRegistry, name?: unknown): Promise<string | undefined> {
  await registry.ready();
  let chosen = typeof name === 'string' && name ? name : undefined;
  if (!chosen) {
    const active = registry.active();
    const openButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Open the agent file' };
    const items: AgentItem[] = [];
    for (const source of ['project', 'user', 'bundled'] as const) {
      const agents = registry.all().filter((a) => a.source === source);
      if (agents.length === 0) continue;
      items.push({ label: SOURCE_LABEL[source], kind: vscode.QuickPickItemKind.Separator });
      for (const a of agents) {
        const shadows = a.shadows.length > 0 ? ` · overrides ${a.shadows.map(where).join(', ')}` : '';
        const problems = registry.problems().filter((p) => p.filePath === a.filePath).length;
        items.push({
          label: `${a === active ? '$(check) ' : ''}${a.name}`,
          description: `${a.source}${a.model ? ` · ${a.model}` : ''}${shadows}${problems ? ` · $(warning) ${problems} problem${problems > 1 ? 's' : ''}` : ''}`,
          detail: a.description,
          agent: a,
          buttons: a.filePath ? [openButton] : [],
        });
      }
    }
    const broken = new Set(registry.problems().filter((p) => p.severity === 'error').map((p) => p.filePath));
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    if (broken.size > 0) {
      items.push({ label: `$(warning) ${broken.size} agent file${broken.size > 1 ? 's have' : ' has'} errors`, description: 'Show in the Problems panel', action: 'problems' });
    }
    items.push({ label: '$(new-file) Create Agent File…', action: 'create' });

    const qp = vscode.window.createQuickPick<AgentItem>();
    qp.title = 'Elixir Agent: Pick Agent';
    qp.placeholder = `Active: ${active?.name ?? 'none'}. Agents come from .claude/agents, ~/.claude/agents and the built-in persona.`;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.items = items;
    qp.activeItems = items.filter((i) => i.agent === active);
    const picked = await new Promise<AgentItem | undefined>((resolve) => {
      qp.onDidTriggerItemButton(async (e) => {
        qp.hide();
        if (e.item.agent) await openFile(e.item.agent.filePath);
      });
      qp.onDidAccept(() => {
        resolve(qp.selectedItems[0]);
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (picked?.action === 'problems') {
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    if (picked?.action === 'create') return createAgent(registry);
    chosen = picked?.agent?.name;
  }
  if (!chosen) return undefined;
  await registry.setActive(chosen);
  const setting = registry.settingAgent();
  if (setting && setting !== chosen && registry.get(setting)) {
    const pick = await vscode.window.showInformationMessage(
      `Elixir Agent: the setting elixirAgent.agent ("${setting}") overrides the agent you picked. Clear the setting to use "${chosen}".`,
      'Open Settings',
    );
    if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.agent`);
  }
  return chosen;
}

export interface CreateAgentArgs {
  name?: string;
  description?: string;
  /** Omit for every tool. */
  tools?: string[];
  /** Workspace folder path; default: the only folder, else asked. */
  folder?: string;
  /** Open the new file in an editor (default true). */
  open?: boolean;
}

/** `elixirAgent.createAgent [args]`: asks name, description and tools, writes `.claude/agents/<name>.md`. */
export async function createAgent(registry: AgentRegistry, rawArgs?: unknown): Promise<string | undefined> {
  const args: CreateAgentArgs = typeof rawArgs === 'object' && rawArgs !== null ? (rawArgs as CreateAgentArgs) : {};
  await registry.ready();
  const folders = vscode.workspace.workspaceFolders ?? [];
  let baseDir: string | undefined = args.folder;
  if (!baseDir) {
    if (folders.length === 1) baseDir = folders[0]?.uri.fsPath;
    else if (folders.length > 1) baseDir = (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Create the agent in which folder?' }))?.uri.fsPath;
    else {
      const pick = await vscode.window.showInformationMessage('Elixir Agent: no folder is open. Create the agent in your user folder (~/.claude/agents)?', 'Create in User Folder');
      if (!pick) return undefined;
    }
    if (folders.length > 0 && !baseDir) return undefined;
  }
  const userDir = registry.searchPaths().find((sp) => sp.source === 'user')?.dir;
  const agentsDir = baseDir ? path.join(baseDir, '.claude', 'agents') : userDir;
  if (!agentsDir) return undefined;

  const validateName = (value: string): vscode.InputBoxValidationMessage | string | undefined => {
    const why = agentNameError(value.trim());
    if (why) return `${why}${suggestAgentName(value) && suggestAgentName(value) !== value ? ` (e.g. ${suggestAgentName(value)})` : ''}`;
    const existing = registry.get(value.trim());
    if (existing?.filePath && path.dirname(existing.filePath).startsWith(agentsDir) && existing.source !== 'bundled') {
      return `an agent named "${value.trim()}" already exists: ${vscode.workspace.asRelativePath(existing.filePath)}`;
    }
    if (existing) {
      return { message: `This will override the ${existing.source} agent "${existing.name}".`, severity: vscode.InputBoxValidationSeverity.Warning };
    }
    return undefined;
  };

  const name =
    args.name ??
    (await vscode.window.showInputBox({
      title: 'Create Agent File (1/3): name',
      prompt: 'Lowercase letters, digits and hyphens, e.g. ecto-reviewer',
      placeHolder: 'ecto-reviewer',
      validateInput: validateName,
    }));
  if (name === undefined) return undefined;
  const nameProblem = validateName(name);
  if (typeof nameProblem === 'string') throw new Error(`cannot create the agent: ${nameProblem}`);

  const description =
    args.description ??
    (await vscode.window.showInputBox({
      title: 'Create Agent File (2/3): description',
      prompt: 'When should this agent be used? (the model reads this)',
      placeHolder: 'Reviews Ecto schemas, queries and migrations for correctness and performance',
      validateInput: (v) => (v.trim() ? undefined : 'a description is required'),
    }));
  if (description === undefined) return undefined;

  let tools = args.tools;
  if (!args.name) {
    const all: vscode.QuickPickItem = { label: 'All tools', description: 'leave `tools` out: every tool, MCP servers included', picked: true };
    const toolItems: vscode.QuickPickItem[] = [
      ...BUILTIN_TOOL_NAMES.map((t) => ({ label: t })),
      { label: 'mcp__ide__*', description: 'editor diagnostics and code execution' },
      ...IDE_TOOL_NAMES.map((t) => ({ label: t })),
      { label: 'mcp__tidewave', description: 'every tool of the running Phoenix app (Tidewave)' },
    ];
    const picked = await vscode.window.showQuickPick([all, { label: '', kind: vscode.QuickPickItemKind.Separator }, ...toolItems], {
      title: 'Create Agent File (3/3): tools',
      canPickMany: true,
      placeHolder: 'Pick the tools this agent may use',
    });
    if (picked === undefined) return undefined;
    tools = picked.some((p) => p === all) || picked.length === 0 ? undefined : picked.map((p) => p.label);
  }

  const file = path.join(agentsDir, `${name.trim()}.md`);
  const uri = vscode.Uri.file(file);
  const exists = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (exists) throw new Error(`${vscode.workspace.asRelativePath(file)} already exists`);
  const text = newAgentFile({ name: name.trim(), description, tools, model: 'inherit' });
  await vscode.workspace.fs.createDirectory(vscode.Uri.file(agentsDir));
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  await registry.reload();
  await registry.setActive(name.trim());
  if (args.open !== false) await openFile(file, 0);
  return file;
}

/** `elixirAgent.openAgentFile [name]`: opens the active (or named) agent's file. */
export async function openAgentFile(registry: AgentRegistry, name?: unknown): Promise<void> {
  await registry.ready();
  const agent = typeof name === 'string' && name ? registry.get(name) : registry.active();
  if (!agent) {
    const pick = await vscode.window.showWarningMessage('Elixir Agent: no agent is loaded.', 'Create Agent File…');
    if (pick) await createAgent(registry);
    return;
  }
  await openFile(agent.filePath, agent.bodyLine);
  if (agent.source === 'bundled') {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const pick = await vscode.window.showInformationMessage(
      `"${agent.name}" is the built-in persona; changes here are lost when the extension updates. Copy it to this project's .claude/agents to customise it.`,
      ...(folder ? ['Copy to Project'] : []),
    );
    if (pick && folder) {
      const target = vscode.Uri.joinPath(folder.uri, '.claude', 'agents', path.basename(agent.filePath));
      const exists = await vscode.workspace.fs.stat(target).then(
        () => true,
        () => false,
      );
      if (!exists) await vscode.workspace.fs.copy(vscode.Uri.file(agent.filePath), target);
      await registry.reload();
      await openFile(target.fsPath, agent.bodyLine);
    }
  }
}

async function openFile(file: string, line = 0): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.min(line, Math.max(doc.lineCount - 1, 0)), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: false });
}
