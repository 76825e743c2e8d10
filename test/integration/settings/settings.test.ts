/**
 * Suite `settings` (its own editor: the chat suite's restart test leaves
 * the extension's first runtime disposed), in the real VS Code: the project's .claude/settings.json
 * decides tool calls. A deny rule refuses a Read of .env whatever else
 * allows it, an allow rule runs a command without asking, an ask rule asks;
 * each card says which rule of which file decided. A malformed
 * settings.local.json shows in the Problems panel at its line. CLAUDE.md's
 * imports reach the model, but not a file a deny rule keeps from Read.
 */
import * as assert from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { HostMessage, ToolCallView } from '../../../src/shared/protocol';
import type { ChatController } from '../../../src/vscode/chat/controller';
import { COMMANDS, EXTENSION_ID } from '../../../src/vscode/ids';
import type { Runtime } from '../../../src/vscode/runtime';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';

const KEY = 'sk-ant-integration-settings-3e2d1c';
const root = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

function nextMessage(backend: ChatController, pred: (m: HostMessage) => boolean): Promise<HostMessage> {
  return new Promise((resolve) => {
    const sub = backend.onMessage((m) => {
      if (pred(m)) {
        sub.dispose();
        resolve(m);
      }
    });
  });
}

/** Polls (bounded) until `check` holds: the settings reload after a file watcher event. */
async function until(what: string, check: () => boolean, state: () => unknown = () => undefined): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting until ${what}; state: ${JSON.stringify(state())}`);
}

describe('chat: the project settings decide tool calls (real editor)', function () {
  this.timeout(60_000);
  let server: ScriptedModelServer;
  let rt: Runtime;
  let backend: ChatController;
  const settingsFile = () => path.join(root(), '.claude/settings.json');
  const localFile = () => path.join(root(), '.claude/settings.local.json');

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!;
    await ext.activate();
    rt = await ext.exports.runtime();
    server = await ScriptedModelServer.start({ apiKey: KEY, minCacheTokens: 0 });
    await vscode.workspace.getConfiguration('elixirAgent').update('baseUrl', server.url, vscode.ConfigurationTarget.Global);
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.setApiKey, KEY), true);
    backend = rt.services.chat.backend;
    await backend.newConversation();
    await fs.writeFile(path.join(root(), '.env'), 'SECRET_KEY_BASE=never-shown\n');
    await fs.writeFile(
      settingsFile(),
      `${JSON.stringify({ permissions: { allow: ['Bash(echo from-settings:*)'], ask: ['Bash(echo ask-me:*)'], deny: ['Read(./.env)'] } }, null, 2)}\n`,
    );
    await until('the settings are loaded', () => rt.services.settings.rules().deny.length === 1, () => rt.services.settings.current());
  });

  after(async () => {
    await fs.rm(settingsFile(), { force: true });
    await fs.rm(localFile(), { force: true });
    await fs.rm(path.join(root(), '.env'), { force: true });
    await vscode.commands.executeCommand(COMMANDS.clearApiKey);
    await vscode.workspace.getConfiguration('elixirAgent').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  it('deny refuses, allow runs without asking, ask asks; each card names the rule and its file', async () => {
    server.enqueue(
      turn.toolUse('Read', { file_path: path.join(root(), '.env') }, { id: 'toolu_set_read' }),
      turn.toolUse('Bash', { command: 'echo from-settings' }, { id: 'toolu_set_allow' }),
      turn.toolUse('Bash', { command: 'echo ask-me' }, { id: 'toolu_set_ask' }),
      turn.text('Done.'),
    );
    const asked = nextMessage(backend, (m) => m.type === 'toolUpdated' && m.call.status === 'awaiting-approval');
    const idle = nextMessage(backend, (m) => m.type === 'busy' && !m.busy);
    await backend.handle({ type: 'send', text: 'Check the environment', mentions: [] });
    const card = ((await asked) as Extract<HostMessage, { type: 'toolUpdated' }>).call;
    assert.deepStrictEqual([card.id, card.approval?.warning, card.decidedBy], [
      'toolu_set_ask',
      '`Bash(echo ask-me:*)` in .claude/settings.json asks for this call.',
      'asks because of `Bash(echo ask-me:*)` in .claude/settings.json',
    ]);
    await backend.handle({ type: 'approve', callId: 'toolu_set_ask', decision: 'allowOnce' });
    await idle;

    const calls = backend
      .snapshot()
      .messages.flatMap((m) => m.blocks)
      .flatMap((b) => (b.kind === 'tool' ? [b.call] : []))
      .filter((c: ToolCallView) => c.id.startsWith('toolu_set_'))
      .map((c) => [c.id, c.status, c.decidedBy]);
    assert.deepStrictEqual(calls, [
      ['toolu_set_read', 'denied', 'denied by `Read(./.env)` in .claude/settings.json'],
      ['toolu_set_allow', 'done', 'allowed by `Bash(echo from-settings:*)` in .claude/settings.json'],
      ['toolu_set_ask', 'done', 'asks because of `Bash(echo ask-me:*)` in .claude/settings.json'],
    ]);
    // What the model was told about the denied call, and that the secret never reached it.
    const requests = server.messageRequests();
    const denied = requests[1].messages.at(-1).content[0];
    assert.deepStrictEqual([denied.is_error, denied.content], [
      true,
      'Denied by the approval policy: `Read(./.env)` in .claude/settings.json denies this call. Do not retry this call; ask the user if it is needed.',
    ]);
    assert.ok(!JSON.stringify(requests).includes('never-shown'));
  });

  it("CLAUDE.md imports reach the model, except what a deny rule keeps from Read; the header lists the files", async () => {
    const memoryFile = path.join(root(), 'CLAUDE.md');
    const original = await fs.readFile(memoryFile, 'utf8');
    await fs.mkdir(path.join(root(), 'docs'), { recursive: true });
    await fs.writeFile(path.join(root(), 'docs/ecto.md'), 'Every multi-step write goes through Ecto.Multi (team rule 7).\n');
    await fs.writeFile(memoryFile, `${original}\nMore rules: @docs/ecto.md\nLocal secrets: @.env\n`);
    try {
      server.enqueue(turn.text('Noted.'));
      const idle = nextMessage(backend, (m) => m.type === 'busy' && !m.busy);
      await backend.handle({ type: 'send', text: 'What are the team rules?', mentions: [] });
      await idle;
      const system = JSON.stringify(server.messageRequests().at(-1).system);
      assert.ok(system.includes('team rule 7'), 'the imported file reached the model');
      assert.ok(!system.includes('never-shown'), 'the denied .env did not');
      const memory = backend.snapshot().env.memory;
      assert.deepStrictEqual(memory, {
        files: [{ label: 'CLAUDE.md' }, { label: 'docs/ecto.md', importedBy: 'CLAUDE.md' }],
        notes: ['CLAUDE.md imports .env, denied by `Read(./.env)` in .claude/settings.json: not read'],
      });
    } finally {
      await fs.writeFile(memoryFile, original);
    }
  });

  it('"Always allow" saves the rule to settings.local.json; the next matching call runs without asking, decided by that rule', async () => {
    // A listener stands for the open chat view (when the last one goes, a running answer stops).
    const view = backend.onMessage(() => undefined);
    server.enqueue(turn.toolUse('Bash', { command: 'echo always-me first' }, { id: 'toolu_always_1' }), turn.toolUse('Bash', { command: 'echo always-me again' }, { id: 'toolu_always_2' }), turn.text('Done.'));
    const asked = nextMessage(backend, (m) => m.type === 'toolUpdated' && m.call.status === 'awaiting-approval');
    await backend.handle({ type: 'send', text: 'Echo twice', mentions: [] });
    const card = ((await asked) as Extract<HostMessage, { type: 'toolUpdated' }>).call;
    assert.deepStrictEqual([card.id, card.approval?.alwaysRule], ['toolu_always_1', 'Bash(echo always-me:*)']);
    await backend.handle({ type: 'approve', callId: card.id, decision: 'allowAlways' });
    const calls = () => backend.snapshot().messages.flatMap((m) => m.blocks).flatMap((b) => (b.kind === 'tool' ? [b.call] : []));
    const ran = (id: string) => calls().some((c) => c.id === id && c.status !== 'pending' && c.status !== 'running' && c.status !== 'awaiting-approval');
    await until('both calls have run and the answer ended', () => ran('toolu_always_2') && !backend.snapshot().busy, () => calls());
    // The second command differs: no conversation allowance covers it; the saved rule does.
    assert.deepStrictEqual(calls().filter((c) => c.id.startsWith('toolu_always_')).map((c) => [c.id, c.status, c.decidedBy]), [
      ['toolu_always_1', 'done', undefined],
      ['toolu_always_2', 'done', 'allowed by `Bash(echo always-me:*)` in .claude/settings.local.json'],
    ]);
    const saved = JSON.parse(await fs.readFile(localFile(), 'utf8')) as { permissions: { allow: string[] } };
    assert.deepStrictEqual(saved.permissions.allow, ['Bash(echo always-me:*)']);

    // A new conversation: no conversation allowance, only the saved rule.
    await backend.newConversation();
    server.enqueue(turn.toolUse('Bash', { command: 'echo always-me later' }, { id: 'toolu_always_3' }), turn.text('Done.'));
    await backend.handle({ type: 'send', text: 'Echo once more', mentions: [] });
    await until('the call has run', () => ran('toolu_always_3'), () => calls());
    const later = calls().find((c) => c.id === 'toolu_always_3');
    assert.deepStrictEqual([later?.status, later?.decidedBy], ['done', 'allowed by `Bash(echo always-me:*)` in .claude/settings.local.json']);
    await until('the answer ends', () => !backend.snapshot().busy);
    view.dispose();
    await fs.rm(localFile(), { force: true });
  });

  it('a malformed settings.local.json is shown in the Problems panel at its line, and the rest still applies', async () => {
    await fs.writeFile(localFile(), '{\n  "permissions": {\n    "allow": ["Bash(mix test"]\n  }\n}\n');
    const uri = vscode.Uri.file(localFile());
    await until('the problem is in the Problems panel', () => vscode.languages.getDiagnostics(uri).length > 0);
    const [problem] = vscode.languages.getDiagnostics(uri);
    assert.deepStrictEqual([problem!.severity, problem!.range.start.line, problem!.source], [vscode.DiagnosticSeverity.Error, 2, 'Elixir Agent']);
    assert.match(problem!.message, /Bash\(mix test/);
    assert.strictEqual(rt.services.settings.rules().deny[0]?.rule.text, 'Read(./.env)');
  });
});
