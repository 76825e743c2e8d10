/**
 * Suite `agents` (workspace: test/fixtures/agents_workspace). In the real
 * VS Code: a broken agent file's diagnostic in the Problems panel at the right
 * line, live reload on create / edit / rename / delete (waiting on the
 * registry's onDidChange), the active agent per workspace, and the commands.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { COMMANDS, EXTENSION_ID } from '../../../src/vscode/ids';
import type { AgentsService } from '../../../src/vscode/agents/service';

type Agents = AgentsService;

/** Resolves on the first onDidChange after which `check` holds (subscribe before acting). */
function changeUntil(agents: Agents, what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = agents.onDidChange(() => {
      if (!check()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Elixir Agent');
const summary = (d: vscode.Diagnostic) => ({ line: d.range.start.line, severity: vscode.DiagnosticSeverity[d.severity], code: d.code, message: d.message });

describe('agents: personas in the editor', () => {
  let agents: Agents;
  let agentsDir: string;
  const created: string[] = [];
  const track = (file: string): string => {
    created.push(file);
    return file;
  };

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.equal(folder && path.basename(folder.uri.fsPath), 'agents_workspace', 'the suite must open test/fixtures/agents_workspace');
    agentsDir = path.join(folder!.uri.fsPath, '.claude', 'agents');
    const rt = await (await ext!.activate()).runtime();
    assert.ok(rt.services.agents, 'the runtime offers services.agents');
    agents = rt.services.agents;
    await agents.ready();
  });

  after(async () => {
    for (const f of created) rmSync(f, { force: true });
    await vscode.workspace.getConfiguration('elixirAgent').update('agent', undefined, vscode.ConfigurationTarget.Global);
  });

  it("shows a broken file's diagnostic in the Problems panel at the right line and loads the others", () => {
    const broken = vscode.Uri.file(path.join(agentsDir, 'broken.md'));
    assert.deepEqual(ours(broken).map(summary), [
      { line: 5, severity: 'Error', code: 'duplicate-key', message: '`model` is given twice (first on line 4): YAML allows each key once, so the front matter does not parse; keep one' },
    ]);
    // The others load; the project's elixir-expert overrides the built-in one.
    const byName = Object.fromEntries(agents.all().map((a) => [a.name, [a.source, path.basename(a.filePath), a.shadows.map((s) => s.split(':')[0])]]));
    assert.deepEqual([byName['reviewer'], byName['elixir-expert'], byName['broken-agent']], [
      ['project', 'reviewer.md', []],
      ['project', 'elixir-expert.md', ['bundled']],
      undefined,
    ]);
    assert.deepEqual(
      agents.problems().map((p) => [path.basename(p.filePath), p.line, p.severity]),
      [['broken.md', 5, 'error']],
    );
  });

  it("reads user agents from the run's own Claude Code folder ($CLAUDE_CONFIG_DIR), never the machine's ~/.claude", async () => {
    const configDir = process.env.CLAUDE_CONFIG_DIR;
    assert.ok(configDir && path.isAbsolute(configDir) && configDir !== path.join(os.homedir(), '.claude'), `CLAUDE_CONFIG_DIR is ${configDir}`);
    assert.deepEqual(agents.all().filter((a) => a.source === 'user'), [], 'no user agent of the machine');
    const file = track(path.join(configDir, 'agents', 'user-helper.md'));
    const changed = changeUntil(agents, 'the user agent to load', () => agents.get('user-helper') !== undefined);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '---\nname: user-helper\ndescription: A personal agent in the Claude Code folder\n---\nYou help.\n');
    await changed;
    assert.deepEqual([agents.get('user-helper')?.source, agents.get('user-helper')?.filePath], ['user', file]);
    const gone = changeUntil(agents, 'the user agent to go', () => agents.get('user-helper') === undefined);
    rmSync(file);
    await gone;
  });

  it('reloads live when an agent file is created, edited, renamed and deleted', async () => {
    const file = track(path.join(agentsDir, 'live.md'));
    const uri = vscode.Uri.file(file);

    // Created with an unknown colour: loads, with a warning at line 3.
    let changed = changeUntil(agents, 'live.md to load', () => agents.get('live-agent') !== undefined);
    writeFileSync(file, '---\nname: live-agent\ndescription: Created by the test\ncolor: teal\n---\nFirst version.\n');
    await changed;
    assert.deepEqual(ours(uri).map(summary), [
      { line: 3, severity: 'Warning', code: 'unknown-color', message: 'unknown colour "teal" (ignored): use one of red, blue, green, yellow, purple, orange, pink, cyan' },
    ]);

    // Edited: fixed, new prompt, the diagnostic goes away.
    changed = changeUntil(agents, 'the edit to load', () => agents.get('live-agent')?.systemPrompt === 'Second version.');
    writeFileSync(file, '---\nname: live-agent\ndescription: Edited by the test\ncolor: cyan\n---\nSecond version.\n');
    await changed;
    assert.deepEqual([agents.get('live-agent')?.color, ours(uri)], ['cyan', []]);

    // Renamed: same agent, new path.
    const renamed = track(path.join(agentsDir, 'team', 'live-renamed.md'));
    changed = changeUntil(agents, 'the rename', () => agents.get('live-agent')?.filePath === renamed);
    await vscode.workspace.fs.rename(uri, vscode.Uri.file(renamed));
    await changed;

    // Deleted: gone.
    changed = changeUntil(agents, 'the delete', () => agents.get('live-agent') === undefined);
    rmSync(renamed);
    await changed;
    assert.ok(!agents.all().some((a) => a.name === 'live-agent'));
  });

  it('checks an agent file while it is edited, before it is saved', async () => {
    const uri = vscode.Uri.file(path.join(agentsDir, 'reviewer.md'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diagnosticsUntil = (what: string, check: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => (sub.dispose(), reject(new Error(`timed out waiting for ${what}`))), 20_000);
        const sub = vscode.languages.onDidChangeDiagnostics((e) => {
          if (!e.uris.some((u) => u.fsPath === uri.fsPath) || !check()) return;
          clearTimeout(timer);
          sub.dispose();
          resolve();
        });
      });

    let changed = diagnosticsUntil('the live problems', () => ours(uri).length > 1);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, doc.lineAt(5).range, 'color: lime');
    edit.replace(uri, doc.lineAt(3).range, 'tools: Read, Grep, context-manager, Bash(git diff:*)');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await changed;
    assert.deepEqual(ours(uri).map(summary), [
      {
        line: 3,
        severity: 'Warning',
        code: 'unknown-tool',
        message: '`tools`: "context-manager" is neither a Claude Code tool nor an MCP tool (mcp__<server>__<tool>), so it grants nothing (if it names an agent: agents are called through Task, not listed in `tools`)',
      },
      { line: 5, severity: 'Warning', code: 'unknown-color', message: 'unknown colour "lime" (ignored): use one of red, blue, green, yellow, purple, orange, pink, cyan' },
    ]);
    assert.deepEqual([ours(uri)[0]?.range.start.character, ours(uri)[0]?.range.end.character], [19, 34], 'the warning underlines the name');
    // The saved file is untouched: the registry still has the saved agent.
    assert.equal(agents.get('reviewer')?.color, 'green');

    changed = diagnosticsUntil('the live error to clear', () => ours(uri).length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await changed;
    assert.equal(doc.isDirty, false);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('keeps the active agent per workspace, lets the setting override it, and falls back', async () => {
    let changed = changeUntil(agents, 'reviewer to be active', () => agents.active()?.name === 'reviewer');
    await vscode.commands.executeCommand(COMMANDS.pickAgent, 'reviewer');
    await changed;
    await assert.rejects(agents.setActive('nobody'), /no agent named "nobody"/);

    const config = vscode.workspace.getConfiguration('elixirAgent');
    changed = changeUntil(agents, 'the setting to apply', () => agents.active()?.name === 'elixir-expert');
    await config.update('agent', 'elixir-expert', vscode.ConfigurationTarget.Global);
    await changed;
    assert.equal(agents.active()?.source, 'project');

    changed = changeUntil(agents, 'the setting to be cleared', () => agents.active()?.name === 'reviewer');
    await config.update('agent', undefined, vscode.ConfigurationTarget.Global);
    await changed;
  });

  it('creates an agent file from the template, loads it and makes it active', async () => {
    const file = track(path.join(agentsDir, 'made-by-test.md'));
    const result = await vscode.commands.executeCommand<string>(COMMANDS.createAgent, {
      name: 'made-by-test',
      description: 'Reviews migrations: checks locks and indexes',
      tools: ['Read', 'Grep', 'mcp__tidewave'],
      open: false,
    });
    assert.equal(result, file);
    assert.ok(existsSync(file));
    const agent = agents.get('made-by-test');
    assert.deepEqual(
      [agent?.description, agent?.tools, agent?.model, agents.active()?.name, agents.problems().filter((p) => p.filePath === file)],
      ['Reviews migrations: checks locks and indexes', ['Read', 'Grep', 'mcp__tidewave'], 'inherit', 'made-by-test', []],
    );
  });

  it('gives the chat a persona view with resolved tools and model, and the project memory', async () => {
    const view = await agents.persona(
      { tools: ['Read', 'Grep', 'Glob'].map((name) => ({ name })), mcpServers: [{ name: 'tidewave', state: 'down', detail: 'the app is not running' }] },
      'reviewer',
    );
    assert.deepEqual(view && { ...view, filePath: path.basename(view.filePath) }, {
      name: 'reviewer',
      description: 'Reviews Elixir changes for correctness, clarity and test coverage',
      color: 'green',
      model: view?.model,
      source: 'project',
      filePath: 'reviewer.md',
      tools: [
        { name: 'Read', status: 'available' },
        { name: 'Grep', status: 'available' },
        { name: 'Glob', status: 'available' },
        { name: 'mcp__tidewave__get_docs', status: 'unavailable', detail: 'MCP server "tidewave" is not running (the app is not running)' },
        { name: 'WebFetch', status: 'unknown', detail: 'a Claude Code tool this extension does not offer (no web access); an MCP server can provide one' },
      ],
      problems: [],
    });
    assert.match(view!.model, /^claude-haiku-/);
    const memory = await agents.projectMemory();
    assert.deepEqual(memory?.files.map((f) => path.basename(f)), ['CLAUDE.md']);
    assert.match(memory!.text, /Run `mix test` before declaring a change done\./);
  });
});
