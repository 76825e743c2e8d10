/**
 * The core keeps its own records and emits its own events; the VS Code layer
 * maps them to the webview's messages (src/vscode/chat/toWebview.ts). A
 * conversation saved before the core had its own types still opens and saves
 * byte for byte the same, and the webview gets the same messages as when the
 * core sent protocol messages itself (what postMessage delivers: JSON).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { ConversationStore } from '../../../src/core/chat/historyStore';
import type { ChatEvent } from '../../../src/core/chat/events';
import { conversationSummary, hostMessage, messageView, usageView } from '../../../src/vscode/chat/toWebview';
import { makeSession, recordingTool, API_KEY } from './harness';

const fixture = path.resolve(__dirname, '../../../../test/fixtures/history/v1');
const ID = 'cmfixture01';

/** What postMessage delivers: undefined-valued keys are dropped. */
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('core records: the saved format and the webview messages are unchanged', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-records-'));
    await fs.cp(fixture, dir, { recursive: true });
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('opens a conversation saved before the change and saves it back unchanged', async () => {
    const saved = await fs.readFile(path.join(fixture, 'conversations', `${ID}.json`), 'utf8');
    const store = new ConversationStore(dir);
    assert.deepStrictEqual(await store.list(), [{ id: ID, title: 'Why does App.hello fail?', updatedAt: 1764630060000, messageCount: 3 }]);
    assert.equal(await store.getActive(), ID);
    const record = await store.load(ID);
    assert.ok(record, 'the saved conversation loads');
    assert.deepStrictEqual(record, JSON.parse(saved));
    await store.save(record);
    assert.equal(await fs.readFile(path.join(dir, 'conversations', `${ID}.json`), 'utf8'), saved);
  });

  it('maps the saved messages to the same webview views (text, thinking, tool calls with output, diff and approval, notice, error, usage)', async () => {
    const record = (await new ConversationStore(dir).load(ID))!;
    const before = JSON.parse(await fs.readFile(path.join(fixture, 'conversations', `${ID}.json`), 'utf8')) as { messages: Array<{ view: unknown }>; totals: unknown };
    // Before the change the webview got the stored view itself.
    assert.deepStrictEqual(wire(record.messages.map((m) => messageView(m.view))), before.messages.map((m) => m.view));
    assert.deepStrictEqual(wire(usageView(record.totals)), before.totals);
    const entries = await new ConversationStore(dir).list();
    assert.deepStrictEqual(entries.map(conversationSummary), entries);
    // The views are copies: the webview's side cannot change the record.
    const second = record.messages[1];
    assert.ok(second, 'the fixture has a second message');
    const view = messageView(second.view);
    assert.notEqual(view.blocks, second.view.blocks);
  });

  it('maps each event of a live conversation to the message the core used to send', async () => {
    const server = await ScriptedModelServer.start({ apiKey: API_KEY, minCacheTokens: 0 });
    try {
      const h = makeSession(server, { tools: [recordingTool('Read')] });
      server.enqueue(turn.toolUse('Read', { path: '/work/project/lib/app.ex' }, { text: 'Let me look.', id: 'toolu_1' }), turn.text('It says hello.'));
      await h.session.send('What does lib/app.ex do?');
      const types = new Set(h.events.map((e) => e.type));
      for (const t of ['messageAdded', 'textDelta', 'blockAdded', 'toolUpdated', 'messageUpdated', 'busy', 'totals'] as const) assert.ok(types.has(t), `a ${t} event`);
      for (const e of h.events) assert.deepStrictEqual(wire(hostMessage(e)), wire(e), e.type);
    } finally {
      await server.close();
    }
  });

  it('maps the events the loop sends on failures and background shells', () => {
    const events: ChatEvent[] = [
      { type: 'messageUpdated', messageId: 'm1', status: 'stopped', usage: undefined },
      { type: 'messageUpdated', messageId: 'm1', status: 'error', error: { title: 'No Anthropic API key', detail: 'Set it.', retryable: true, action: 'setApiKey' } },
      {
        type: 'backgroundTasks',
        tasks: [
          { id: 'b1', command: 'mix phx.server', description: 'server', status: 'running', pid: 42, exitCode: null, startedAt: 1, endedAt: undefined },
          { id: 'b2', command: 'mix test', status: 'exited', exitCode: 1, startedAt: 1, endedAt: 2 },
        ],
      },
    ];
    for (const e of events) assert.deepStrictEqual(wire(hostMessage(e)), wire(e), e.type);
  });
});
