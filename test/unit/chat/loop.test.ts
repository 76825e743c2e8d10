import * as assert from 'node:assert/strict';
import { ScriptedModelServer, turn, block } from '../../support/scriptedModelServer';
import { toApiMessages } from '../../../src/core/chat/conversation';
import { makeSession, recordingTool, ofType, API_KEY } from './harness';

describe('agent loop: conversations with tools', () => {
  let server: ScriptedModelServer;
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: API_KEY, minCacheTokens: 0 });
  });
  afterEach(() => server.close());

  it('holds a two-turn conversation with a tool call and sends what the API expects', async () => {
    const read = recordingTool('Read');
    const h = makeSession(server, { tools: [read], system: 'You are the Phoenix expert.' });
    server.enqueue(
      turn.toolUse('Read', { path: '/work/project/lib/app.ex' }, { text: 'Let me look.', id: 'toolu_1' }),
      turn.text('The module defines `App.hello/0`.'),
    );
    await h.session.send('What does lib/app.ex do?');

    const [first, second] = server.messageRequests();
    assert.deepStrictEqual(
      { system: first.system, tools: first.tools, messages: first.messages, model: first.model, stream: first.stream },
      {
        system: [{ type: 'text', text: 'You are the Phoenix expert.', cache_control: { type: 'ephemeral' } }],
        tools: [{ name: 'Read', description: 'Read for tests', input_schema: read.inputSchema, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What does lib/app.ex do?', cache_control: { type: 'ephemeral' } }] }],
        model: 'claude-sonnet-5-5',
        stream: true,
      },
    );
    // The tool_use is answered by its tool_result in the next user turn; the growing conversation carries the cache breakpoints.
    assert.deepStrictEqual(second.messages.slice(1), [
      { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: '/work/project/lib/app.ex' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Read result for /work/project/lib/app.ex' }], cache_control: { type: 'ephemeral' } }] },
    ]);
    assert.deepStrictEqual(second.messages[0].content[0].cache_control, { type: 'ephemeral' });
    assert.deepStrictEqual(read.calls, [{ path: '/work/project/lib/app.ex' }]);

    // What the user saw: their message, the assistant's text and a finished tool card, then the answer.
    const views = h.session.views();
    assert.deepStrictEqual(
      views.map((v) => ({ role: v.role, status: v.status, blocks: v.blocks.map((b) => (b.kind === 'tool' ? { tool: b.call.name, status: b.call.status, summary: b.call.summary } : b)) })),
      [
        { role: 'user', status: 'done', blocks: [{ kind: 'text', text: 'What does lib/app.ex do?' }] },
        { role: 'assistant', status: 'done', blocks: [{ kind: 'text', text: 'Let me look.' }, { tool: 'Read', status: 'done', summary: 'lib/app.ex' }] },
        { role: 'assistant', status: 'done', blocks: [{ kind: 'text', text: 'The module defines `App.hello/0`.' }] },
      ],
    );
    // Deltas, never whole transcripts: busy on, messages, text deltas, tool updates, busy off.
    const types = h.events.map((e) => e.type);
    assert.deepStrictEqual([...types.slice(0, 2), types.at(-1)], ['messageAdded', 'busy', 'busy']);
    assert.ok(!(types as string[]).includes('state')); // ChatEvent has no 'state': the type says so too
    assert.equal(ofType(h.events, 'textDelta').map((d) => d.text).join(''), 'Let me look.The module defines `App.hello/0`.');
    assert.deepStrictEqual(ofType(h.events, 'toolUpdated').map((u) => u.call.status), ['pending', 'running', 'done']);
    // Usage per turn and totals; the record is saved as messages complete and holds no API key.
    const usage = views[2]!.usage!;
    assert.ok(usage.inputTokens > 0 && usage.outputTokens > 0 && usage.costUsd > 0);
    assert.ok(h.session.conversation.totals.costUsd > usage.costUsd);
    assert.equal(h.saved.at(-1)!.messages.length, 3);
    assert.ok(!JSON.stringify(h.saved).includes(API_KEY));
    assert.equal(h.session.conversation.title, 'What does lib/app.ex do?');
  });

  it('reads the prompt cache on the next turn (cache_creation then cache_read in usage)', async () => {
    const h = makeSession(server, { tools: [recordingTool('Read')] });
    server.enqueue(turn.text('one'), turn.text('two'));
    await h.session.send('first question');
    await h.session.send('second question');
    const [a, b] = h.session.views().filter((v) => v.role === 'assistant');
    assert.ok(a && b, 'two answers');
    assert.ok(a.usage!.cacheWriteTokens > 0 && a.usage!.cacheReadTokens === 0);
    assert.ok(b.usage!.cacheReadTokens >= a.usage!.cacheWriteTokens);
  });

  it('keeps thinking blocks and passes them back with their signatures', async () => {
    const h = makeSession(server, { tools: [recordingTool('Read')] });
    server.enqueue(turn.thinking('I should read the file first.', [block.toolUse('Read', { path: '/work/project/mix.exs' }, 'toolu_t')]), turn.text('Done.'));
    await h.session.send('check mix.exs');
    const first = h.session.conversation.messages[1];
    assert.ok(first, 'the answer is in the conversation');
    const thinking = first.content[0] as { type: string; thinking: string; signature: string };
    assert.equal(thinking.type, 'thinking');
    assert.ok(thinking.signature.length > 10);
    // The server rejects unknown signatures; this second request was accepted and carries the block unchanged.
    assert.deepStrictEqual(server.messageRequests()[1].messages[1].content[0], thinking);
    assert.deepStrictEqual(first.view.blocks[0], { kind: 'thinking', text: 'I should read the file first.' });
  });

  it('runs read-only calls of one turn in parallel and the others in order', async () => {
    const order: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const slowRead = (name: string) => ({
      ...recordingTool(name),
      invoke: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        order.push(`start ${name}`);
        await new Promise<void>((r) => setImmediate(r));
        await new Promise<void>((r) => setImmediate(r));
        order.push(`end ${name}`);
        inFlight--;
        return { content: [{ type: 'text' as const, text: name }] };
      },
    });
    const write = { ...recordingTool('Write', { readOnly: false }), invoke: async () => (order.push('Write'), { content: [{ type: 'text' as const, text: 'written' }] }) };
    const h = makeSession(server, { tools: [slowRead('Glob'), slowRead('Grep'), write] });
    server.enqueue(
      turn.toolUses([
        { name: 'Glob', input: { path: 'a' } },
        { name: 'Grep', input: { path: 'b' } },
        { name: 'Write', input: { path: 'c' } },
        { name: 'Glob', input: { path: 'd' } },
      ]),
      turn.text('ok'),
    );
    await h.session.send('go');
    assert.equal(maxInFlight, 2);
    assert.deepStrictEqual(order.slice(0, 2).sort(), ['start Glob', 'start Grep']);
    assert.deepStrictEqual(order.slice(4), ['Write', 'start Glob', 'end Glob']);
    // Results go back in the order of the calls.
    const results = server.messageRequests()[1].messages[2].content.map((b: { content: Array<{ text: string }> }) => b.content[0]?.text);
    assert.deepStrictEqual(results, ['Glob', 'Grep', 'written', 'Glob']);
  });

  it('asks before a writing tool; a denial reaches the model as is_error with the reason', async () => {
    const edit = recordingTool('Edit', { readOnly: false });
    const h = makeSession(server, { tools: [edit], answer: () => ({ decision: 'deny', reason: 'not that file' }) });
    server.enqueue(turn.toolUse('Edit', { path: '/work/project/config/prod.exs' }, { id: 'toolu_e' }), turn.text('Understood.'));
    await h.session.send('edit prod config');
    assert.deepStrictEqual(edit.calls, []);
    assert.deepStrictEqual(h.approvals.map((a) => a.request), [{ title: 'Edit /work/project/config/prod.exs', diff: '--- a\n+++ b\n' }]);
    const statuses = ofType(h.events, 'toolUpdated').map((u) => ({ status: u.call.status, approval: u.call.approval }));
    assert.deepStrictEqual(statuses.slice(1), [
      { status: 'awaiting-approval', approval: { title: 'Edit /work/project/config/prod.exs', diff: '--- a\n+++ b\n' } },
      { status: 'denied', approval: undefined },
    ]);
    assert.deepStrictEqual(server.messageRequests()[1].messages[2].content[0], {
      type: 'tool_result',
      tool_use_id: 'toolu_e',
      is_error: true,
      content: 'The user denied this tool call: not that file',
      cache_control: { type: 'ephemeral' },
    });
  });

  it('remembers "allow for this conversation" and honours a policy denial', async () => {
    const edit = recordingTool('Edit', { readOnly: false });
    const bash = recordingTool('Bash', { readOnly: false });
    const h = makeSession(server, {
      tools: [edit, bash],
      policy: { decide: async (tool) => (tool.name === 'Bash' ? { decision: 'deny', reason: 'Bash is disabled in Restricted Mode' } : { decision: 'ask' }) },
      answer: () => ({ decision: 'allowConversation' }),
    });
    server.enqueue(
      turn.toolUses([{ name: 'Edit', input: { path: 'a.ex' } }, { name: 'Edit', input: { path: 'b.ex' } }, { name: 'Bash', input: { path: 'x' } }]),
      turn.text('done'),
    );
    await h.session.send('edit both');
    assert.equal(h.approvals.length, 1);
    assert.deepStrictEqual(edit.calls, [{ path: 'a.ex' }, { path: 'b.ex' }]);
    assert.deepStrictEqual(bash.calls, []);
    const bashResult = server.messageRequests()[1].messages[2].content[2];
    assert.equal(bashResult.is_error, true);
    assert.match(bashResult.content, /Denied by the approval policy: Bash is disabled in Restricted Mode/);
  });

  it('answers unknown tools, bad input and failing tools with is_error results, and truncates huge results', async () => {
    const big = recordingTool('Grep', { reply: () => 'x'.repeat(5000) });
    const h = makeSession(server, { tools: [big, recordingTool('Read', { fail: true })], settings: { maxToolResultChars: 1000 } });
    server.enqueue(
      turn.toolUses([
        { name: 'WebFetch', input: { url: 'https://example.com' } },
        { name: 'Read', input: {} },
        { name: 'Read', input: { path: '/x' } },
        { name: 'Grep', input: { path: '/y' } },
      ]),
      turn.text('ok'),
    );
    await h.session.send('try things');
    const results = server.messageRequests()[1].messages[2].content as Array<{ is_error?: boolean; content: unknown }>;
    assert.deepStrictEqual(
      results.slice(0, 3).map((r) => [r.is_error, r.content]),
      [
        [true, 'Unknown tool “WebFetch”: it is not available in this session. Available tools: Grep, Read.'],
        [true, 'Missing required parameter: path.'],
        [true, 'Read could not do it'],
      ],
    );
    const grepResult = results[3];
    assert.ok(grepResult, 'the fourth call has a result');
    const grep = (grepResult.content as [{ text: string }])[0].text;
    assert.ok(grep.length < 1300 && grep.length > 1000);
    assert.match(grep, /\[\.\.\. 4000 characters truncated by Elixir Agent: the result had 5000 characters/);
  });

  it('stops at the turn limit and continues when asked', async () => {
    const h = makeSession(server, { tools: [recordingTool('Read')], settings: { maxTurns: 2 } });
    server.enqueue(turn.toolUse('Read', { path: '1' }), turn.toolUse('Read', { path: '2' }), turn.text('finished'));
    await h.session.send('loop');
    const last = h.session.views().at(-1)!;
    assert.deepStrictEqual({ status: last.status, action: last.error?.action, title: last.error?.title }, { status: 'stopped', action: 'continue', title: 'Paused after 2 model turns' });
    assert.equal(server.messageRequests().length, 2);
    await h.session.continue();
    assert.equal(server.messageRequests().length, 3);
    // Continuing after tool results needs no extra user message: the transcript already ends with the results.
    assert.equal(toApiMessages(h.session.conversation).at(-1)!.role, 'assistant');
    assert.equal(h.session.views().at(-1)!.blocks[0]?.kind === 'text' && (h.session.views().at(-1)!.blocks[0] as { text: string }).text, 'finished');
  });
});
