/**
 * A server that never sends the response headers (the scripted server's
 * `hang`) no longer holds a run for undici's 300 s per attempt: each attempt
 * waits at most the headers limit (default 60 s, configurable; short here),
 * then the usual retry policy applies and the run ends with "The API did not
 * start answering within N s". A stream that has started answering is
 * governed by its idle timeout only, however late its first event.
 * No timed asserts: each case only checks how it ended.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelClient, type StreamEvent } from '../../../src/core/model/client';
import { ModelError } from '../../../src/core/model/errors';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { ensureBuilt, runCli } from './cli';

const KEY = 'sk-ant-hardening-stall-0001';
const params = { model: 'claude-sonnet-5-5', max_tokens: 256, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('hardening: an API that does not start answering', function () {
  this.timeout(90_000);
  let server: ScriptedModelServer;

  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
  });
  afterEach(() => server.close());

  const answered = () => server.requests.filter((r) => r.path === '/v1/messages').map((r) => r.answeredWith);

  it('each attempt gives up on missing headers and is retried; a later answer gets through', async () => {
    server.enqueue(turn.hang(), turn.hang(), turn.text('At last.'));
    const client = new ModelClient({ apiKey: KEY, baseURL: server.url, maxRetries: 3, headersTimeoutMs: 300, sleep: async () => undefined });
    const events: StreamEvent[] = [];
    const { message } = await client.stream(params, new AbortController().signal, (e) => events.push(e));
    assert.deepStrictEqual(message.content, [{ type: 'text', text: 'At last.' }]);
    assert.deepStrictEqual(answered(), ['hang', 'hang', '200']);
    assert.deepStrictEqual(
      events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.reason),
      ['The API did not start answering within 0.3 s', 'The API did not start answering within 0.3 s'],
    );
  });

  it('when every attempt hangs, the error says so', async () => {
    server.enqueue(turn.hang(), turn.hang(), turn.hang());
    const client = new ModelClient({ apiKey: KEY, baseURL: server.url, maxRetries: 2, headersTimeoutMs: 250, sleep: async () => undefined });
    await assert.rejects(client.stream(params, new AbortController().signal, () => undefined), (err: ModelError) => {
      assert.deepStrictEqual([err.kind, err.view.title, err.view.retryable], ['timeout', 'The API did not start answering within 0.3 s', true]);
      assert.match(err.view.detail, /No response from http:\/\/127\.0\.0\.1:\d+ \(tried 3 times\)/);
      return true;
    });
    assert.deepStrictEqual(answered(), ['hang', 'hang', 'hang']);
  });

  it('a stream whose headers came is not cut by the headers limit, however late its first event', async () => {
    server.enqueue(turn.text('Slow first token.', { firstEventDelayMs: 3000 }));
    const client = new ModelClient({ apiKey: KEY, baseURL: server.url, maxRetries: 0, headersTimeoutMs: 2000 });
    const { message } = await client.stream(params, new AbortController().signal, () => undefined);
    assert.deepStrictEqual(message.content, [{ type: 'text', text: 'Slow first token.' }]);
  });

  it('the default limit is at most 60 s, and a configured one at most Node’s own 300 s', () => {
    const limit = (headersTimeoutMs?: number) => new ModelClient({ apiKey: KEY, headersTimeoutMs }).headersTimeoutMs;
    assert.deepStrictEqual([limit() <= 60_000 && limit() > 0, limit(900_000), limit(0) === limit()], [true, 300_000, true]);
  });

  describe('elixir-agent run', () => {
    let project: string;
    before(ensureBuilt);
    beforeEach(() => {
      project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-stall-')));
    });
    afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

    it('ends with the error (after the retries, each shown) instead of waiting minutes', async () => {
      server.enqueue(turn.hang(), turn.hang(), turn.hang(), turn.hang());
      const r = await runCli(['run', '--no-user', '--cwd', project, 'hi'], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url, ELIXIR_AGENT_HEADERS_TIMEOUT: '0.2' }, project);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.match(/The API did not start answering within 0\.2 s\. Retrying in \d+ s \(attempt \d of 4\)/g)?.length, 3);
      assert.match(r.stderr, /elixir-agent: The API did not start answering within 0\.2 s: No response from .* \(tried 4 times\)/);
      assert.deepStrictEqual(answered(), ['hang', 'hang', 'hang', 'hang']);
    });

    it('refuses a limit it cannot use', async () => {
      for (const value of ['soon', '0', '301']) {
        const r = await runCli(['run', '--no-user', '--cwd', project, 'hi'], { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url, ELIXIR_AGENT_HEADERS_TIMEOUT: value }, project);
        assert.deepStrictEqual([r.code, /ELIXIR_AGENT_HEADERS_TIMEOUT=\S+: give a number of seconds above 0 and at most 300/.test(r.stderr)], [2, true], value);
      }
      assert.equal(server.requests.length, 0);
    });
  });
});
