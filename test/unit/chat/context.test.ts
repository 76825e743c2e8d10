import * as assert from 'node:assert/strict';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { withCacheBreakpoints, truncateToolText, SHORTENED_MARKER } from '../../../src/core/chat/context';
import { SUMMARY_PREFIX, toApiMessages, newConversation } from '../../../src/core/chat/conversation';
import { SUMMARY_SYSTEM } from '../../../src/core/chat/summarize';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { makeSession, recordingTool, API_KEY } from './harness';

const notices = (h: ReturnType<typeof makeSession>) =>
  h.session.views().flatMap((v) => v.blocks.filter((b) => b.kind === 'notice').map((b) => (b as { text: string }).text));

describe('context: cache breakpoints, truncation, staying inside the window', () => {
  it('marks at most 4 cache breakpoints: tools, system, and the last two user turns (never on thinking)', () => {
    const eph = { type: 'ephemeral' };
    const messages: MessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: 'q1' }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'text', text: 'a1' }] },
      { role: 'user', content: [{ type: 'text', text: 'q2' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'a2' }] },
      { role: 'user', content: [{ type: 'text', text: 'q3' }] },
    ];
    const out = withCacheBreakpoints([{ type: 'text', text: 'persona' }, { type: 'text', text: 'env' }], [{ name: 'A', input_schema: { type: 'object' } }, { name: 'B', input_schema: { type: 'object' } }], messages);
    const marked = JSON.stringify(out).split('"cache_control"').length - 1;
    assert.equal(marked, 4);
    assert.deepStrictEqual([out.tools.map((t) => t.cache_control), out.system.map((b) => b.cache_control)], [[undefined, eph], [undefined, eph]]);
    assert.deepStrictEqual(
      out.messages.map((m) => (m.content as Array<{ cache_control?: unknown }>).map((b) => !!b.cache_control)),
      [[false], [false, false], [true], [false], [true]],
    );
    // The inputs are not changed.
    assert.equal(JSON.stringify(messages).includes('cache_control'), false);
  });

  it('truncates a large tool result keeping head and tail, with a marker the model understands', () => {
    const text = `${'a'.repeat(900)}${'b'.repeat(200)}`;
    const out = truncateToolText(text, 500);
    assert.deepStrictEqual(
      { head: out.slice(0, 400), tail: out.slice(-100), marker: /\[\.\.\. 600 characters truncated by Elixir Agent: the result had 1100 characters; the first 400 and the last 100 are shown/.test(out) },
      { head: 'a'.repeat(400), tail: 'b'.repeat(100), marker: true },
    );
    assert.equal(truncateToolText('short', 500), 'short');
  });

  it('pairs every tool_use with a result and merges consecutive user turns (results first)', () => {
    const record = newConversation();
    const view = (id: string, role: 'user' | 'assistant') => ({ id, role, blocks: [], status: 'done' as const, createdAt: 0 });
    record.messages.push(
      { view: view('u1', 'user'), content: [{ type: 'text', text: 'go' }] },
      { view: view('a1', 'assistant'), content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }, { type: 'tool_use', id: 't2', name: 'Read', input: {} }], toolResults: [{ type: 'tool_result', tool_use_id: 't2', content: 'ok' }] },
      { view: view('a2', 'assistant'), content: [{ type: 'text', text: 'failed' }], excluded: true },
      { view: view('u2', 'user'), content: [{ type: 'text', text: 'again' }] },
    );
    assert.deepStrictEqual(toApiMessages(record), [
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }, { type: 'tool_use', id: 't2', name: 'Read', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', is_error: true, content: 'No result: the tool call was interrupted before it finished.' },
          { type: 'tool_result', tool_use_id: 't2', content: 'ok' },
          { type: 'text', text: 'again' },
        ],
      },
    ]);
  });

  describe('long conversations', () => {
    let server: ScriptedModelServer;
    beforeEach(async () => {
      server = await ScriptedModelServer.start({ apiKey: API_KEY, contextWindow: 6000 });
    });
    afterEach(() => server.close());

    it('shortens older tool results first, and tells the user', async () => {
      const read = recordingTool('Read', { reply: (i) => `${String(i.path)}:${'x'.repeat(7000)}` });
      const h = makeSession(server, { tools: [read], settings: { maxTokens: 1000 } });
      server.enqueue(turn.toolUse('Read', { path: 'one' }), turn.toolUse('Read', { path: 'two' }), turn.toolUse('Read', { path: 'three' }), turn.text('All read.'));
      await h.session.send('read three files');
      const last = server.messageRequests().at(-1);
      const results = last.messages.filter((m: MessageParam) => m.role === 'user').slice(1).map((m: { content: Array<{ content: Array<{ text: string }> }> }) => m.content[0]?.content[0]?.text);
      assert.ok(results[0].startsWith(SHORTENED_MARKER), results[0].slice(0, 80));
      assert.match(results[0], /It had 7004 characters; the first 400 follow/);
      assert.deepStrictEqual(results.slice(1).map((t: string) => t.slice(0, 6)), ['two:xx', 'three:']);
      assert.deepStrictEqual(notices(h), ['1 older tool result was shortened to keep the conversation within the model’s context window.']);
      assert.equal(h.session.views().at(-1)!.status, 'done');
      // The user still sees the full output on the card.
      const card = h.session.views()[1]?.blocks.find((b) => b.kind === 'tool') as { call: { output: string } };
      assert.equal(card.call.output.length, 7004);
    });

    it('summarizes the older part when shortening is not enough, and keeps the full history visible', async () => {
      const h = makeSession(server, { settings: { maxTokens: 1000 } });
      server.enqueue(turn.text('Answer A.'), turn.text('Answer B.'), turn.text('The user asked about A (AAAA...) and B.'), turn.text('Answer C.'));
      await h.session.send(`A ${'A'.repeat(6000)}`);
      await h.session.send(`B ${'B'.repeat(6000)}`);
      await h.session.send(`C ${'C'.repeat(6000)}`);
      const [, , summarize, answer] = server.messageRequests();
      assert.deepStrictEqual({ system: summarize.system, tools: summarize.tools }, { system: SUMMARY_SYSTEM, tools: undefined });
      assert.match(summarize.messages[0].content, /USER:\nA AAAA/);
      assert.equal(answer.messages[0].content[0].text, `${SUMMARY_PREFIX}\n\nThe user asked about A (AAAA...) and B.`);
      assert.ok(!JSON.stringify(answer).includes('A'.repeat(100)));
      assert.equal(h.session.conversation.summary!.text, 'The user asked about A (AAAA...) and B.');
      assert.deepStrictEqual(notices(h), ['The earlier part of this conversation was summarized to fit the model’s context window. The full history stays visible here; the model sees the summary.']);
      assert.equal(h.session.views().length, 6);
      assert.equal(h.session.views().at(-1)!.blocks.at(-1)!.kind === 'text' && (h.session.views().at(-1)!.blocks.at(-1) as { text: string }).text, 'Answer C.');
    });

    it('when the API says the prompt is too long, it learns the window, shortens and retries once', async () => {
      const sizes: Record<string, number> = { '1': 22_000, '2': 500, '3': 2500 };
      const read = recordingTool('Read', { reply: (i) => 'y'.repeat(sizes[String(i.path)] ?? 0) });
      // We believe the window is huge; the server knows it is 6000 tokens.
      const h = makeSession(server, { tools: [read], settings: { maxTokens: 1000, contextWindow: 1_000_000 } });
      server.enqueue(turn.toolUse('Read', { path: '1' }), turn.toolUse('Read', { path: '2' }), turn.toolUse('Read', { path: '3' }), turn.text('Done.'));
      await h.session.send('read');
      assert.equal(h.session.views().at(-1)!.status, 'done');
      assert.deepStrictEqual(notices(h), ['1 older tool result was shortened to keep the conversation within the model’s context window.']);
      assert.deepStrictEqual(server.requests.filter((r) => r.path === '/v1/messages').map((r) => r.answeredWith), ['200', '200', '200', '400', '200']);
    });

    it('a single message larger than the window: a clear error, and the question is kept', async () => {
      const h = makeSession(server, { settings: { maxTokens: 1000, contextWindow: 1_000_000 } });
      await h.session.send('Z'.repeat(40_000));
      const v = h.session.views().at(-1)!;
      assert.deepStrictEqual({ status: v.status, title: v.error?.title, retryable: v.error?.retryable }, { status: 'error', title: 'The conversation is too long for the model', retryable: true });
      assert.match(v.error!.detail, /prompt is too long: \d+ tokens > 6000 maximum/);
      assert.equal(toApiMessages(h.session.conversation).length, 1);
    });
  });
});
