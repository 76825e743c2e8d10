import * as assert from 'node:assert/strict';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { toApiMessages } from '../../../src/core/chat/conversation';
import { makeSession, blockingTool, recordingTool, waitForEvent, ofType, API_KEY } from './harness';

const LONG = 'GenServer.call/3 sends a synchronous request and waits for the reply, with a timeout of five seconds by default. '.repeat(3);

describe('agent loop: stopping at any moment', () => {
  let server: ScriptedModelServer;
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: API_KEY });
  });
  afterEach(() => server.close());

  it('stopping a stream keeps the partial answer, marks it stopped, and the conversation goes on', async () => {
    const h = makeSession(server);
    server.enqueue(turn.slow(LONG, 15), turn.text('Next answer.'));
    const running = h.session.send('Explain call/3');
    await waitForEvent(h, (m) => m.type === 'textDelta');
    await h.session.stop();
    await running;
    const stopped = h.session.views().at(-1)!;
    const text = (stopped.blocks[0] as { text: string }).text;
    assert.equal(stopped.status, 'stopped');
    assert.ok(text.length > 0 && text.length < LONG.length, `partial text kept: ${text.length}`);
    assert.deepStrictEqual(ofType(h.events, 'messageUpdated').at(-1), { type: 'messageUpdated', messageId: stopped.id, status: 'stopped' });
    assert.equal(h.session.busy, false);
    assert.equal(h.saved.at(-1)!.messages.at(-1)!.view.status, 'stopped');

    await h.session.send('And cast/2?');
    assert.deepStrictEqual(
      server.messageRequests()[1].messages.map((m: { role: string; content: Array<{ text: string }> }) => [m.role, m.content[0]?.text]),
      [
        ['user', 'Explain call/3'],
        ['assistant', text],
        ['user', 'And cast/2?'],
      ],
    );
  });

  it('a new message stops the running answer first', async () => {
    const h = makeSession(server);
    server.enqueue(turn.slow(LONG, 15), turn.text('Second.'));
    const first = h.session.send('first');
    await waitForEvent(h, (m) => m.type === 'textDelta');
    await h.session.send('second');
    await first;
    assert.deepStrictEqual(
      h.session.views().map((v) => [v.role, v.status]),
      [
        ['user', 'done'],
        ['assistant', 'stopped'],
        ['user', 'done'],
        ['assistant', 'done'],
      ],
    );
  });

  it('stopping during a running tool cancels it and answers the model with is_error', async () => {
    const tool = blockingTool('Bash');
    const h = makeSession(server, { tools: [tool], policy: { decide: async () => ({ decision: 'allow' }) } });
    server.enqueue(turn.toolUse('Bash', { command: 'mix test' }, { id: 'toolu_b' }), turn.text('Stopped, as you asked.'));
    const running = h.session.send('run the tests');
    await tool.started;
    await waitForEvent(h, (m) => m.type === 'toolUpdated' && m.call.status === 'running');
    await h.session.stop();
    await running;
    const msg = h.session.conversation.messages[1];
    assert.ok(msg, 'the answer is in the conversation');
    assert.equal(msg.view.status, 'stopped');
    assert.deepStrictEqual(
      { status: (msg.view.blocks[0] as { call: { status: string } }).call.status, results: msg.toolResults },
      { status: 'cancelled', results: [{ type: 'tool_result', tool_use_id: 'toolu_b', is_error: true, content: 'Cancelled: the user stopped the answer while this tool was running.' }] },
    );
    await h.session.send('ok, explain instead');
    const sent = server.messageRequests()[1].messages;
    assert.deepStrictEqual(
      sent.map((m: { role: string; content: Array<{ type: string }> }) => [m.role, m.content.map((b) => b.type)]),
      [
        ['user', ['text']],
        ['assistant', ['tool_use']],
        ['user', ['tool_result', 'text']],
      ],
    );
  });

  it('stopping while a tool card waits for approval cancels the call without running it', async () => {
    const edit = recordingTool('Edit', { readOnly: false });
    const h = makeSession(server, { tools: [edit], answer: () => undefined });
    server.enqueue(turn.toolUse('Edit', { path: '/work/project/lib/a.ex' }, { id: 'toolu_a' }));
    const running = h.session.send('edit it');
    await h.nextApproval();
    await h.session.stop();
    await running;
    assert.deepStrictEqual(edit.calls, []);
    const msg = h.session.conversation.messages[1];
    assert.ok(msg, 'the answer is in the conversation');
    assert.deepStrictEqual(msg.toolResults, [{ type: 'tool_result', tool_use_id: 'toolu_a', is_error: true, content: 'Not run: the user stopped the answer before this tool call ran.' }]);
    assert.equal((msg.view.blocks[0] as { call: { status: string } }).call.status, 'cancelled');
    assert.equal(toApiMessages(h.session.conversation).at(-1)!.role, 'user');
  });

  it('stopping during a retry wait ends at once', async () => {
    const h = makeSession(server, { client: { sleep: undefined } });
    server.enqueue(turn.rateLimited(30));
    const running = h.session.send('hi');
    await waitForEvent(h, (m) => m.type === 'blockAdded' && m.block.kind === 'notice');
    await h.session.stop();
    await running;
    assert.deepStrictEqual(
      h.session.views().at(-1)!.blocks.map((b) => [b.kind, (b as { text: string }).text]),
      [['notice', 'Rate limit reached. Retrying in 30 s (attempt 2 of 3)…']],
    );
    assert.equal(h.session.views().at(-1)!.status, 'stopped');
    assert.equal(server.messageRequests().length, 1);
  });

  it('a conversation saved mid-answer (killed host) reopens with that answer marked stopped', async () => {
    const h = makeSession(server, { tools: [blockingTool('Bash')], policy: { decide: async () => ({ decision: 'allow' }) } });
    server.enqueue(turn.toolUse('Bash', { command: 'sleep 100' }, { id: 'toolu_k' }));
    const running = h.session.send('run');
    await waitForEvent(h, (m) => m.type === 'toolUpdated' && m.call.status === 'running');
    const crashed = structuredClone(h.session.conversation);
    await h.session.stop();
    await running;
    const reopened = makeSession(server, { record: crashed });
    assert.deepStrictEqual(
      reopened.session.views().map((v) => [v.status, v.blocks.map((b) => (b.kind === 'tool' ? b.call.status : b.kind))]),
      [
        ['done', ['text']],
        ['done', ['cancelled']],
      ],
    );
    // The tool_use without a result is answered so the API accepts the transcript.
    assert.deepStrictEqual(toApiMessages(reopened.session.conversation)[2]?.content, [
      { type: 'tool_result', tool_use_id: 'toolu_k', is_error: true, content: 'No result: the tool call was interrupted before it finished.' },
    ]);
  });

  it("a running tool's status shows as its card's summary (a compile in getDiagnostics); Stop restores the card's own", async () => {
    let markStarted!: () => void;
    const started = new Promise<void>((r) => (markStarted = r));
    const compiling = {
      ...recordingTool('mcp__ide__getDiagnostics'),
      invoke: (_input: unknown, ctx: import('../../../src/core/tools/types').ToolContext) =>
        new Promise<import('../../../src/core/tools/types').ToolResult>((resolve) => {
          ctx.onProgress?.('first compile of demo (dependencies included): it can take minutes');
          ctx.onOutput?.('Compiling 40 files (.ex)\n');
          markStarted();
          ctx.signal.addEventListener('abort', () => resolve({ content: [{ type: 'text', text: 'Cancelled.' }], isError: true }), { once: true });
        }),
    };
    const h = makeSession(server, { tools: [compiling] });
    server.enqueue(turn.toolUse('mcp__ide__getDiagnostics', { path: 'x' }, { id: 'toolu_diag' }), turn.text('unused'));
    const running = h.session.send('Fix the warnings');
    await started;
    await waitForEvent(h, (m) => m.type === 'toolUpdated' && m.call.status === 'running' && /first compile/.test(m.call.summary ?? ''));
    await h.session.stop();
    await running;
    const cards = ofType(h.events, 'toolUpdated').map((e) => [e.call.status, e.call.summary]);
    const original = cards[0]?.[1];
    assert.notEqual(original, undefined);
    assert.ok(cards.some(([status, summary]) => status === 'running' && summary === 'first compile of demo (dependencies included): it can take minutes'), JSON.stringify(cards));
    assert.deepStrictEqual(cards.at(-1), ['cancelled', original]);
  });
});
