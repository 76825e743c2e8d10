import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelResolver, pickNewest, type ListedModel } from '../../../src/core/agents';
import { modelsApiLister } from '../../../src/core/agents/modelsApi';

/** What GET /v1/models might list (newest first), with an older sonnet and a deprecated opus. */
const LISTED: ListedModel[] = [
  { id: 'claude-opus-6', created_at: '2026-11-01T00:00:00Z', line: 'opus', lifecycle: 'deprecated' },
  { id: 'claude-sonnet-6', created_at: '2026-10-20T00:00:00Z', line: 'sonnet', lifecycle: 'active' },
  { id: 'claude-opus-5-5', created_at: '2026-09-01T00:00:00Z', line: 'opus', lifecycle: 'active' },
  { id: 'claude-sonnet-5-5', created_at: '2026-09-01T00:00:00Z', line: 'sonnet', lifecycle: 'active' },
  { id: 'claude-haiku-4-5-20251001', created_at: '2025-10-01T00:00:00Z', line: null, lifecycle: 'active' },
];

describe('agents: model aliases', () => {
  it('picks the newest active model per family from the API list', () => {
    assert.deepEqual(
      ['sonnet', 'opus', 'haiku', 'fable'].map((f) => pickNewest(LISTED, f)),
      ['claude-sonnet-6', 'claude-opus-5-5', 'claude-haiku-4-5-20251001', undefined],
    );
    // Without dates the API's order (newest first) decides.
    assert.equal(pickNewest([{ id: 'claude-sonnet-9' }, { id: 'claude-sonnet-8' }], 'sonnet'), 'claude-sonnet-9');
  });

  it('resolves overrides first, then the Models API, and uses full ids as written', async () => {
    let calls = 0;
    const resolver = new ModelResolver({
      overrides: { haiku: 'claude-haiku-internal', opus: 'sonnet' },
      listModels: async () => {
        calls++;
        return LISTED;
      },
    });
    const results = await Promise.all(
      ['sonnet', 'Opus', 'haiku', 'claude-opus-4-1-20250805', 'sonnet[1m]', 'opusplan'].map((m) => resolver.resolve(m)),
    );
    assert.deepEqual(results, [
      { id: 'claude-sonnet-6', requested: 'sonnet', via: 'api' },
      { id: 'claude-sonnet-6', requested: 'Opus', via: 'override', note: 'Opus → sonnet (elixirAgent.modelAliases)' },
      { id: 'claude-haiku-internal', requested: 'haiku', via: 'override', note: 'elixirAgent.modelAliases' },
      { id: 'claude-opus-4-1-20250805', requested: 'claude-opus-4-1-20250805', via: 'as-written' },
      { id: 'claude-sonnet-6', requested: 'sonnet[1m]', via: 'api' },
      { id: 'claude-opus-5-5', requested: 'opusplan', via: 'api' },
    ]);
    assert.equal(calls, 1, 'the list is asked once and cached');
  });

  it('resolves inherit (and an absent model) to the parent, else the default, else sonnet', async () => {
    const offline = new ModelResolver();
    const withDefault = new ModelResolver({ defaultModel: 'haiku' });
    assert.deepEqual(
      await Promise.all([
        offline.resolve(undefined),
        offline.resolve('inherit', 'claude-opus-5'),
        offline.resolve('inherit', 'opus'),
        withDefault.resolve('inherit'),
        withDefault.resolve('inherit', 'inherit'),
      ]),
      [
        { id: 'claude-sonnet-5-5', requested: 'inherit', via: 'inherit' },
        { id: 'claude-opus-5', requested: 'inherit', via: 'inherit' },
        { id: 'claude-opus-5-5', requested: 'inherit', via: 'inherit' },
        { id: 'claude-haiku-5-5', requested: 'inherit', via: 'inherit' },
        { id: 'claude-sonnet-5-5', requested: 'inherit', via: 'inherit' },
      ],
    );
  });

  it('falls back to the table when the API fails or lacks a family, and retries later', async () => {
    let now = 0;
    let fail = true;
    const resolver = new ModelResolver({
      now: () => now,
      retryAfterMs: 1000,
      listModels: async () => {
        if (fail) throw new Error('401 invalid x-api-key');
        return [{ id: 'claude-opus-7', line: 'opus' }];
      },
    });
    assert.deepEqual(await resolver.resolve('opus'), {
      id: 'claude-opus-5-5',
      requested: 'opus',
      via: 'fallback',
      note: 'Models API unavailable (401 invalid x-api-key); using the built-in table',
    });
    fail = false;
    assert.equal((await resolver.resolve('opus')).via, 'fallback', 'a failure is remembered for a while');
    now = 2000;
    assert.deepEqual(
      [await resolver.resolve('opus'), await resolver.resolve('haiku')],
      [
        { id: 'claude-opus-7', requested: 'opus', via: 'api' },
        { id: 'claude-haiku-5-5', requested: 'haiku', via: 'fallback', note: 'the Models API lists no haiku model; using the built-in table' },
      ],
    );
  });

  describe('the Models API through the SDK', () => {
    let server: http.Server;
    let baseURL: string;
    const requests: Array<{ url: string; auth?: string; version?: string }> = [];
    before(async () => {
      server = http.createServer((req, res) => {
        requests.push({ url: req.url ?? '', auth: req.headers.authorization, version: req.headers['anthropic-version'] as string | undefined });
        const url = new URL(req.url ?? '/', 'http://x');
        if (req.headers.authorization !== 'Bearer sk-test') {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
          return;
        }
        const page = url.searchParams.get('after_id') ? LISTED.slice(3) : LISTED.slice(0, 3);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            data: page.map((m) => ({ type: 'model', display_name: m.id, capabilities: null, deprecated_at: null, max_input_tokens: null, max_tokens: null, retires_at: null, ...m })),
            has_more: !url.searchParams.get('after_id'),
            first_id: page[0]!.id,
            last_id: page.at(-1)!.id,
          }),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('lists every page with the key as a bearer token, and the resolver uses it', async () => {
      const listed = await modelsApiLister({ apiKey: 'sk-test', baseURL })();
      assert.deepEqual(listed.map((m) => [m.id, m.line, m.lifecycle]), LISTED.map((m) => [m.id, m.line, m.lifecycle]));
      assert.deepEqual(requests.map((r) => [r.url.split('?')[0], r.auth]), [['/v1/models', 'Bearer sk-test'], ['/v1/models', 'Bearer sk-test']]);
      assert.match(requests[1]!.url, /after_id=claude-opus-5-5/);
      const resolver = new ModelResolver({ listModels: modelsApiLister({ apiKey: 'sk-test', baseURL }) });
      assert.deepEqual(await resolver.resolve('sonnet'), { id: 'claude-sonnet-6', requested: 'sonnet', via: 'api' });
    });

    it('reports a rejected key as a fallback with the reason', async () => {
      const resolver = new ModelResolver({ listModels: modelsApiLister({ apiKey: 'sk-wrong', baseURL }) });
      const r = await resolver.resolve('haiku');
      assert.deepEqual([r.id, r.via], ['claude-haiku-5-5', 'fallback']);
      assert.match(r.note ?? '', /^Models API unavailable \(.*401.*\); using the built-in table$/);
    });
  });
});
