/**
 * Suite `chat` (workspace: test/fixtures/sample_app), in the real VS Code:
 * the chat backend holds a two-turn conversation with a tool call against the
 * scripted model server (reached only through the elixirAgent.baseUrl
 * setting, with the key in SecretStorage), bridges an approval to its tool
 * card, and after the runtime is torn down and started again (what an
 * extension-host restart does: deactivate, then activate on the same
 * storage) the conversation is restored intact from disk.
 */
import * as assert from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { HostMessage, MessageView } from '../../../src/shared/protocol';
import { EXTENSION_ID, COMMANDS } from '../../../src/vscode/ids';
import type { Runtime } from '../../../src/vscode/runtime';
import type { ChatController } from '../../../src/vscode/chat/controller';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { firstFolder } from '../workspace';

const KEY = 'sk-ant-integration-7c1e9a2b4d';
const root = () => firstFolder().uri.fsPath;

/** Resolves when the backend emits a message matching `pred` (event-driven). */
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

const shape = (v: MessageView) => ({
  role: v.role,
  status: v.status,
  blocks: v.blocks.map((b) => (b.kind === 'tool' ? `${b.call.name}:${b.call.status}` : b.kind === 'text' ? b.text : b.kind)),
});

describe('chat in the real editor (sample_app)', function () {
  this.timeout(60_000);
  let server: ScriptedModelServer;
  let rt: Runtime;
  let backend: ChatController;
  let restarted: Runtime | undefined;

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    rt = await ext.exports.runtime();
    server = await ScriptedModelServer.start({ apiKey: KEY, minCacheTokens: 0 });
    await vscode.workspace.getConfiguration('elixirAgent').update('baseUrl', server.url, vscode.ConfigurationTarget.Global);
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.setApiKey, KEY), true);
    assert.ok(rt.services.chat, 'the chat feature registered services.chat');
    backend = rt.services.chat.backend;
    await backend.newConversation();
  });

  after(async () => {
    await restarted?.dispose();
    await vscode.commands.executeCommand(COMMANDS.clearApiKey);
    await vscode.workspace.getConfiguration('elixirAgent').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  it('holds a two-turn conversation with a tool call through the backend', async () => {
    const accounts = path.join(root(), 'lib/sample_app/accounts.ex');
    const seen: HostMessage[] = [];
    const sub = backend.onMessage((m) => seen.push(m));
    server.enqueue(turn.toolUse('Read', { file_path: accounts }, { text: 'Let me read the context.', id: 'toolu_int_1' }), turn.text('Accounts is the users context.'));
    const idle = nextMessage(backend, (m) => m.type === 'busy' && !m.busy);
    await backend.handle({ type: 'send', text: 'What does the Accounts context do?', mentions: [] });
    await idle;

    // Turn 2, with a file mentioned as context.
    server.enqueue(turn.text('mix.exs declares Phoenix and Ecto.'));
    const idle2 = nextMessage(backend, (m) => m.type === 'busy' && !m.busy);
    await backend.handle({ type: 'send', text: 'And the dependencies?', mentions: [{ kind: 'file', label: 'mix.exs', value: 'mix.exs' }] });
    await idle2;
    sub.dispose();

    assert.deepStrictEqual(backend.snapshot().messages.map(shape), [
      { role: 'user', status: 'done', blocks: ['What does the Accounts context do?'] },
      { role: 'assistant', status: 'done', blocks: ['Let me read the context.', 'Read:done'] },
      { role: 'assistant', status: 'done', blocks: ['Accounts is the users context.'] },
      { role: 'user', status: 'done', blocks: ['And the dependencies?'] },
      { role: 'assistant', status: 'done', blocks: ['mix.exs declares Phoenix and Ecto.'] },
    ]);
    // What was sent: persona + project memory + workspace; the real Read result; the mention as context; pairing kept.
    const [first, second, third] = server.messageRequests();
    const system = (first.system as Array<{ text: string }>).map((b) => b.text).join('\n');
    assert.match(system, /CLAUDE\.md/);
    assert.match(system, /# Environment\n- Running in: VS Code/);
    assert.ok((first.tools as Array<{ name: string }>).some((t) => t.name === 'Read'));
    assert.strictEqual(second.messages[2].content[0].tool_use_id, 'toolu_int_1');
    assert.match(second.messages[2].content[0].content[0].text, /defmodule SampleApp\.Accounts/);
    const lastUser = third.messages.at(-1).content as Array<{ type: string; text: string }>;
    const [mention] = lastUser;
    assert.ok(mention, 'the last user message has content');
    assert.match(mention.text, /^<file path=".*mix\.exs">\ndefmodule SampleApp\.MixProject/);
    assert.strictEqual(lastUser.at(-1)!.text, 'And the dependencies?');
    assert.deepStrictEqual(third.messages.slice(0, 3).map((m: { role: string }) => m.role), ['user', 'assistant', 'user']);
    // Deltas streamed to the view, usage and totals reported, nothing left busy.
    assert.ok(seen.some((m) => m.type === 'textDelta'));
    assert.ok(seen.some((m) => m.type === 'totals' && m.totals.costUsd > 0));
    assert.strictEqual(backend.snapshot().busy, false);
  });

  it('asks for approval on the tool card and a denial reaches the model as is_error', async () => {
    server.enqueue(turn.toolUse('Write', { file_path: path.join(root(), 'lib/new.ex'), content: 'defmodule New do\nend\n' }, { id: 'toolu_int_w' }), turn.text('I will not write it.'));
    const asked = nextMessage(backend, (m) => m.type === 'toolUpdated' && m.call.status === 'awaiting-approval');
    const idle = nextMessage(backend, (m) => m.type === 'busy' && !m.busy);
    await backend.handle({ type: 'send', text: 'Create lib/new.ex', mentions: [] });
    const card = (await asked) as Extract<HostMessage, { type: 'toolUpdated' }>;
    assert.strictEqual(card.call.id, 'toolu_int_w');
    assert.ok(card.call.approval?.title, 'the card carries what is asked');
    await backend.handle({ type: 'approve', callId: 'toolu_int_w', decision: 'deny', reason: 'not now' });
    await idle;
    const result = server.messageRequests().at(-1).messages.at(-1).content[0];
    assert.deepStrictEqual({ id: result.tool_use_id, isError: result.is_error, text: result.content }, { id: 'toolu_int_w', isError: true, text: 'The user denied this tool call: not now' });
    await assert.rejects(fs.stat(path.join(root(), 'lib/new.ex')));
  });

  it("runs the commands an agent's Bash rule names without asking; other commands still ask", async () => {
    const agents = rt.services.agents!;
    const previous = agents.active()?.name;
    const file = path.join(root(), '.claude/agents/echo-helper.md');
    const loaded = new Promise<void>((resolve) => {
      const sub = agents.onDidChange(() => {
        if (!agents.get('echo-helper')) return;
        sub.dispose();
        resolve();
      });
    });
    await fs.writeFile(file, '---\nname: echo-helper\ndescription: Prints what it is asked to print\ntools: Read, Bash(echo *)\n---\nYou print things with echo.\n');
    await loaded;
    await agents.setActive('echo-helper');
    try {
      server.enqueue(
        turn.toolUse('Bash', { command: 'echo agent-rule-ok' }, { id: 'toolu_int_echo' }),
        turn.toolUse('Bash', { command: 'echo a && date' }, { id: 'toolu_int_date' }),
        turn.text('Printed it.'),
      );
      const cards: string[] = [];
      const sub = backend.onMessage((m) => m.type === 'toolUpdated' && cards.push(`${m.call.id}:${m.call.status}`));
      const asked = nextMessage(backend, (m) => m.type === 'toolUpdated' && m.call.status === 'awaiting-approval');
      const idle = nextMessage(backend, (m) => m.type === 'busy' && !m.busy);
      await backend.handle({ type: 'send', text: 'Print agent-rule-ok', mentions: [] });
      const card = (await asked) as Extract<HostMessage, { type: 'toolUpdated' }>;
      await backend.handle({ type: 'approve', callId: card.call.id, decision: 'deny', reason: 'not that one' });
      await idle;
      sub.dispose();
      assert.strictEqual(card.call.id, 'toolu_int_date');
      assert.ok(cards.includes('toolu_int_echo:done') && !cards.includes('toolu_int_echo:awaiting-approval'), cards.join(', '));
      const requests = server.messageRequests().slice(-3);
      assert.deepStrictEqual((requests[0].tools as Array<{ name: string }>).map((t) => t.name).sort(), ['Bash', 'Read', 'TaskOutput', 'TaskStop']);
      const echoed = requests[1].messages.at(-1).content[0];
      assert.deepStrictEqual([echoed.tool_use_id, echoed.is_error ?? false, JSON.stringify(echoed.content).includes('agent-rule-ok')], ['toolu_int_echo', false, true]);
    } finally {
      if (previous) await agents.setActive(previous);
      await fs.rm(file, { force: true });
    }
  });

  it('survives a runtime restart with the history intact, and goes on', async () => {
    const id = backend.conversation.id;
    const before = backend.snapshot().messages;
    const file = path.join(rt.context.storageUri!.fsPath, 'chat', 'conversations', `${id}.json`);
    const onDisk = await fs.readFile(file, 'utf8');
    assert.strictEqual(JSON.parse(onDisk).messages.length, before.length);
    assert.ok(!onDisk.includes(KEY), 'the API key is never saved with the history');

    // Deactivate (what VS Code does before the extension host goes away), then activate afresh on the same storage.
    await rt.dispose();
    const runtimeModule = require(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist/runtime.js')) as typeof import('../../../src/vscode/runtime'); // eslint-disable-line @typescript-eslint/no-require-imports
    restarted = await runtimeModule.createRuntime(rt.context, rt.log);
    const again = restarted.services.chat!.backend;
    const state = again.snapshot();
    assert.deepStrictEqual({ id: state.conversationId, messages: state.messages.map(shape), hasKey: state.env.hasApiKey }, { id, messages: before.map(shape), hasKey: true });
    assert.ok(state.history.some((c) => c.id === id && c.messageCount === before.length));

    server.enqueue(turn.text('Still here.'));
    const idle = nextMessage(again, (m) => m.type === 'busy' && !m.busy);
    await again.handle({ type: 'send', text: 'Are you still there?', mentions: [] });
    await idle;
    const sent = server.messageRequests().at(-1).messages;
    assert.strictEqual(sent[0].content[0].text, 'What does the Accounts context do?');
    assert.strictEqual(again.snapshot().messages.at(-1)!.blocks[0]?.kind === 'text' && (again.snapshot().messages.at(-1)!.blocks[0] as { text: string }).text, 'Still here.');

    const exported = await again.exportConversation(id, vscode.Uri.file(path.join(rt.context.storageUri!.fsPath, 'export.md')));
    const md = await fs.readFile(exported!.fsPath, 'utf8');
    assert.match(md, /^# What does the Accounts context do\?\n/);
    assert.match(md, /\*\*Tool Read\*\* `[^`]*lib\/sample_app\/accounts\.ex[^`]*` \(done\)/);
  });
});
