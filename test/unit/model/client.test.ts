import * as assert from 'node:assert/strict';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { ModelClient, type StreamEvent } from '../../../src/core/model/client';
import { classifyError, ModelError } from '../../../src/core/model/errors';
import { contextWindowFor, costUsd, priceFor } from '../../../src/core/model/models';

const KEY = 'sk-ant-client-test-123456';

describe('model client', () => {
  let server: ScriptedModelServer;
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
  });
  afterEach(() => server.close());

  const client = (opts: Partial<ConstructorParameters<typeof ModelClient>[0]> = {}) =>
    new ModelClient({ apiKey: KEY, baseURL: server.url, maxRetries: 2, sleep: async () => undefined, ...opts });
  const params = { model: 'claude-sonnet-5-5', max_tokens: 256, messages: [{ role: 'user' as const, content: 'hi' }] };

  it('streams events and returns the final message, sending the key, version and base URL', async () => {
    server.enqueue(turn.toolUse('Grep', { pattern: 'defmodule' }, { text: 'Searching.', id: 'toolu_g' }));
    const events: StreamEvent[] = [];
    const { message, requestId } = await client().stream(params, new AbortController().signal, (e) => events.push(e));
    assert.deepStrictEqual(message.content, [
      { type: 'text', text: 'Searching.' },
      { type: 'tool_use', id: 'toolu_g', name: 'Grep', input: { pattern: 'defmodule' } },
    ]);
    assert.equal(message.stop_reason, 'tool_use');
    assert.match(requestId ?? '', /^req_/);
    assert.deepStrictEqual(
      events.map((e) => e.type),
      ['blockStart', 'textDelta', 'blockStop', 'blockStart', 'inputJsonDelta', 'inputJsonDelta', 'inputJsonDelta', 'inputJsonDelta', 'blockStop'],
    );
    const sent = server.requests[0];
    assert.ok(sent, 'the request reached the server');
    assert.deepStrictEqual([sent.headers.authorization, sent.headers['anthropic-version'], sent.body.stream], [`Bearer ${KEY}`, '2026-10-21', true]);
  });

  it('without a key nothing is sent and the error says how to set one', async () => {
    const c = new ModelClient({ apiKey: undefined, baseURL: server.url });
    await assert.rejects(c.stream(params, new AbortController().signal, () => undefined), (err: ModelError) => err.kind === 'no-api-key' && err.view.action === 'setApiKey');
    assert.equal(server.requests.length, 0);
  });

  it('reads the context window from the Models API, falling back to the table', async () => {
    server.setOptions({ contextWindow: 12_345 });
    assert.equal((await client().modelInfo('claude-sonnet-5-5')).contextWindow, 12_345);
    assert.equal((await client().modelInfo('claude-unknown-1')).contextWindow, 200_000);
    assert.deepStrictEqual([contextWindowFor('claude-opus-5-5'), contextWindowFor('claude-sonnet-5'), contextWindowFor('claude-haiku-4-5')], [1_000_000, 1_000_000, 200_000]);
  });

  it('counts tokens and lists models through the same key and base URL', async () => {
    assert.ok((await client().countTokens({ model: 'claude-sonnet-5-5', messages: [{ role: 'user', content: 'x'.repeat(4000) }] })) > 900);
    assert.deepStrictEqual((await client().listModels()).slice(0, 2).map((m) => m.id), ['claude-opus-5-5', 'claude-sonnet-5-5']);
  });

  it('never puts the API key in an error message', async () => {
    const err = Object.assign(new Error(`request failed for key ${KEY}`), {});
    const view = classifyError(err, { secrets: [KEY] });
    assert.equal(view.detail, 'request failed for key «redacted»');
  });
});

describe('pricing', () => {
  it('prices by model line, cache writes at 1.25× and reads at 0.1× input', () => {
    assert.deepStrictEqual(
      ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-opus-4-1', 'claude-haiku-4-5', 'gateway-model'].map((m) => [priceFor(m).input, priceFor(m).output, priceFor(m).estimated]),
      [
        [3, 15, false],
        [5, 25, false],
        [15, 75, false],
        [1, 5, false],
        [3, 15, true],
      ],
    );
    assert.equal(costUsd('claude-sonnet-5-5', { inputTokens: 1_000_000, outputTokens: 100_000, cacheWriteTokens: 1_000_000, cacheReadTokens: 1_000_000 }), 3 + 1.5 + 3.75 + 0.3);
  });
});
