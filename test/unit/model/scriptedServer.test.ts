import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ScriptedModelServer, turn, block } from '../../support/scriptedModelServer';

const headers = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2026-10-21' };
const ask = (extra: Record<string, unknown> = {}) => ({ model: 'claude-sonnet-5-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }], ...extra });

async function post(server: ScriptedModelServer, body: unknown, path = '/v1/messages') {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { res, text: await res.text() };
}

/** Parses an SSE body strictly: every event is an `event:` line, a `data:` line and a blank line. */
function parseSse(text: string): Array<{ event: string; data: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.ok(text.endsWith('\n\n'));
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((chunk) => {
      const [e = '', d = '', ...rest] = chunk.split('\n');
      assert.deepStrictEqual(rest, []);
      assert.match(e, /^event: [a-z_]+$/);
      assert.match(d, /^data: \{/);
      return { event: e.slice(7), data: JSON.parse(d.slice(6)) };
    });
}

describe('scripted model server: the Messages API wire format', () => {
  let server: ScriptedModelServer;
  beforeEach(async () => {
    server = await ScriptedModelServer.start();
  });
  afterEach(() => server.close());

  it('streams SSE as the API does: events in order, input JSON split over deltas, thinking signed', async () => {
    server.enqueue(turn.message([block.thinking('hmm'), block.text('Hello there'), block.toolUse('Read', { file_path: '/a/b.ex', limit: 20 }, 'toolu_1')]));
    const { res, text } = await post(server, ask());
    assert.deepStrictEqual([res.status, res.headers.get('content-type')], [200, 'text/event-stream; charset=utf-8']);
    assert.match(res.headers.get('request-id') ?? '', /^req_[0-9a-f]{24}$/);
    const events = parseSse(text);
    assert.deepStrictEqual(
      events.map((e) => (e.event === 'content_block_delta' ? `${e.event}:${e.data.delta.type}` : e.event)),
      [
        'message_start',
        'ping',
        'content_block_start',
        'content_block_delta:thinking_delta',
        'content_block_delta:signature_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta:text_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta:input_json_delta',
        'content_block_delta:input_json_delta',
        'content_block_delta:input_json_delta',
        'content_block_delta:input_json_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    );
    assert.ok(events.every((e) => e.data.type === e.event));
    const start = events[0]!.data.message;
    assert.deepStrictEqual({ content: start.content, stop_reason: start.stop_reason, role: start.role, output: start.usage.output_tokens }, { content: [], stop_reason: null, role: 'assistant', output: 1 });
    assert.deepStrictEqual(events[9]!.data.content_block, { type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} });
    const json = events.filter((e) => e.data.delta?.type === 'input_json_delta').map((e) => e.data.delta.partial_json);
    assert.equal(json[0], '');
    assert.deepStrictEqual(JSON.parse(json.join('')), { file_path: '/a/b.ex', limit: 20 });
    const delta = events.at(-2)!.data;
    assert.equal(delta.delta.stop_reason, 'tool_use');
    assert.ok(delta.usage.output_tokens > 0);
  });

  it('answers errors with the API status, JSON body, request id and retry-after', async () => {
    server.enqueue(turn.rateLimited(12));
    const { res, text } = await post(server, ask());
    const body = JSON.parse(text);
    assert.deepStrictEqual(
      { status: res.status, retryAfter: res.headers.get('retry-after'), type: body.type, errorType: body.error.type, id: body.request_id === res.headers.get('request-id') },
      { status: 429, retryAfter: '12', type: 'error', errorType: 'rate_limit_error', id: true },
    );
    server.enqueue(turn.streamError('partial'));
    const mid = parseSse((await post(server, ask())).text);
    assert.deepStrictEqual(mid.at(-1), { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: mid.at(-1)!.data.request_id } });
  });

  it('validates requests as the API does', async () => {
    server.enqueue(turn.text('never served'));
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ temperature: 0.5 }, 400, /temperature: Extra inputs are not permitted/],
      [{ model: 'claude-nope' }, 404, /model: claude-nope/],
      [{ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, 400, /text content blocks must be non-empty/],
      [
        { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }] }, { role: 'user', content: 'no result' }] },
        400,
        /`tool_use` ids were found without `tool_result` blocks immediately after: t1/,
      ],
      [{ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 'forged' }] }, { role: 'user', content: 'b' }] }, 400, /Invalid `signature` in `thinking` block/],
      [
        { tools: [1, 2, 3, 4, 5].map((i) => ({ name: `t${i}`, input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } })) },
        400,
        /A maximum of 4 blocks with cache_control may be provided\. Found 5\./,
      ],
    ];
    for (const [extra, status, message] of cases) {
      const { res, text } = await post(server, ask(extra));
      assert.equal(res.status, status, text);
      assert.match(JSON.parse(text).error.message, message);
    }
    const noKey = await fetch(`${server.url}/v1/messages`, { method: 'POST', headers: { 'anthropic-version': 'x' }, body: '{}' });
    assert.equal(noKey.status, 401);
    assert.equal(server.pending, 1, 'rejected requests do not consume scripted turns');
  });

  it('lists models, counts tokens, and reports an empty script clearly', async () => {
    const list = (await (await fetch(`${server.url}/v1/models?limit=2`, { headers })).json()) as { data: Array<{ id: string }>; has_more: boolean };
    assert.deepStrictEqual({ ids: list.data.map((m: { id: string }) => m.id), more: list.has_more }, { ids: ['claude-opus-5-5', 'claude-sonnet-5-5'], more: true });
    const one = (await (await fetch(`${server.url}/v1/models/claude-haiku-4-5`, { headers })).json()) as { type: string; max_input_tokens: number };
    assert.deepStrictEqual([one.type, one.max_input_tokens], ['model', 200_000]);
    const count = JSON.parse((await post(server, { model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'x'.repeat(400) }] }, '/v1/messages/count_tokens')).text);
    assert.ok(count.input_tokens > 100);
    const empty = await post(server, ask());
    assert.deepStrictEqual([empty.res.status, JSON.parse(empty.text).error.message], [400, 'scripted model server: no scripted turn left for this request']);
  });

  it('runs standalone with a script file, and takes turns and reports requests over its control endpoints', async function () {
    this.timeout(20_000);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-sms-'));
    const script = path.join(dir, 'script.json');
    await fs.writeFile(script, JSON.stringify({ turns: [turn.text('from the file')], fallback: 'echo' }));
    const child = spawn(process.execPath, [path.resolve(__dirname, '../../support/scriptedModelServer.js'), '--port', '0', '--script', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve) =>
        child.stdout.on('data', (d: Buffer) => {
          const listening = /listening on (\S+)/.exec(d.toString());
          if (listening) resolve(listening[1]!);
        }),
      );
      const text = async () => parseSse(await (await fetch(`${url}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(ask()) })).text()).filter((e) => e.data.delta?.type === 'text_delta').map((e) => e.data.delta.text).join('');
      assert.equal(await text(), 'from the file');
      await fetch(`${url}/__scripted/turns`, { method: 'POST', body: JSON.stringify([turn.text('posted turn')]) });
      assert.equal(await text(), 'posted turn');
      assert.equal(await text(), 'Echo: hi');
      const requests = (await (await fetch(`${url}/__scripted/requests`)).json()) as Array<{ path: string; headers: Record<string, string> }>;
      assert.deepStrictEqual(requests.map((r) => [r.path, r.headers['x-api-key']]), Array(3).fill(['/v1/messages', 'k']));
    } finally {
      child.kill();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
