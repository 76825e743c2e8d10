import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { ScriptedModelServer, turn, type ScriptedTurn } from '../../support/scriptedModelServer';
import { toApiMessages } from '../../../src/core/chat/conversation';
import type { MessageRecord } from '../../../src/core/chat/records';
import { makeSession, API_KEY, type HarnessOptions } from './harness';

/** What the user sees of the last answer. */
function seen(v: MessageRecord) {
  return strip({
    status: v.status,
    title: v.error?.title,
    action: v.error?.action,
    retryable: v.error?.retryable,
    text: v.blocks.filter((b) => b.kind === 'text').map((b) => (b as { text: string }).text).join(''),
  });
}

const strip = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;

interface FaultCase {
  fault: string;
  turns: ScriptedTurn[];
  options?: HarnessOptions;
  user: { status: MessageRecord['status']; title: string; action?: string; retryable: boolean; text: string };
  detail: RegExp;
  requests: number;
  delays?: number[];
}

const faults: FaultCase[] = [
  {
    fault: '401 bad key',
    turns: [turn.httpError(401)],
    user: { status: 'error', title: 'The API key was rejected', action: 'setApiKey', retryable: true, text: '' },
    detail: /401 \(authentication_error: invalid x-api-key\)/,
    requests: 1,
  },
  {
    fault: '403 permission',
    turns: [turn.httpError(403)],
    user: { status: 'error', title: 'Not allowed with this API key', action: 'openSettings', retryable: true, text: '' },
    detail: /403 \(permission_error/,
    requests: 1,
  },
  {
    fault: '429 rate limit, retried honouring retry-after, then a message',
    turns: [turn.rateLimited(7), turn.rateLimited(7), turn.rateLimited(7)],
    user: { status: 'error', title: 'Rate limit reached', retryable: true, text: '' },
    detail: /Anthropic answered 429 \(tried 3 times\)/,
    requests: 3,
    delays: [7000, 7000],
  },
  {
    fault: '429 asking to wait longer than a minute',
    turns: [turn.rateLimited(300)],
    user: { status: 'error', title: 'Rate limit reached', retryable: true, text: '' },
    detail: /asks to wait 300 s/,
    requests: 1,
    delays: [],
  },
  {
    fault: '529 overloaded, retried with backoff, then a message',
    turns: [turn.overloaded(), turn.overloaded(), turn.overloaded()],
    user: { status: 'error', title: 'Anthropic’s API is overloaded', retryable: true, text: '' },
    detail: /529 \(tried 3 times\) \(overloaded_error: Overloaded\)/,
    requests: 3,
  },
  {
    fault: '500 server error',
    turns: [turn.httpError(500), turn.httpError(500), turn.httpError(502, { rawBody: '<html>Bad gateway</html>' })],
    user: { status: 'error', title: 'The API failed (502)', retryable: true, text: '' },
    detail: /answered 502 \(tried 3 times\)/,
    requests: 3,
  },
  {
    fault: 'an error event mid-stream',
    turns: [turn.streamError('The answer beg')],
    user: { status: 'error', title: 'Anthropic’s API became overloaded mid-answer', retryable: true, text: 'The answer beg' },
    detail: /overloaded_error: Overloaded\. The partial answer is kept/,
    requests: 1,
  },
  {
    fault: 'a malformed stream',
    turns: [turn.malformed('Half')],
    user: { status: 'error', title: 'The API sent a malformed stream', retryable: true, text: 'Half' },
    detail: /could not be parsed/,
    requests: 1,
  },
  {
    fault: 'a dropped connection mid-stream',
    turns: [turn.dropped('Cut o')],
    user: { status: 'error', title: 'The connection was lost mid-answer', retryable: true, text: 'Cut o' },
    detail: /closed before the answer was complete/,
    requests: 1,
  },
  {
    fault: 'a stream that ends without message_stop',
    turns: [turn.truncated('Ends')],
    user: { status: 'error', title: 'The answer ended unexpectedly', retryable: true, text: 'Ends' },
    detail: /closed the stream before the message was complete/,
    requests: 1,
  },
  {
    fault: 'a stream that goes silent',
    turns: [turn.stall('Waiting')],
    options: { client: { idleTimeoutMs: 300 } },
    user: { status: 'error', title: 'The answer stalled', retryable: true, text: 'Waiting' },
    detail: /sent nothing for 0 s|sent nothing for \d+ s/,
    requests: 1,
  },
  {
    fault: 'a timeout waiting for the response',
    turns: [turn.text('late', { headersDelayMs: 3000 })],
    options: { client: { headersTimeoutMs: 200, maxRetries: 0 } },
    user: { status: 'error', title: 'The API did not start answering within 0.2 s', retryable: true, text: '' },
    detail: /No response from http:\/\/127\.0\.0\.1:\d+/,
    requests: 1,
  },
];

describe('agent loop: every fault becomes a clear message and the conversation stays intact', () => {
  let server: ScriptedModelServer;
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: API_KEY });
  });
  afterEach(() => server.close());

  for (const c of faults) {
    it(c.fault, async () => {
      const h = makeSession(server, c.options);
      server.enqueue(...c.turns, turn.text('Recovered answer.'));
      await h.session.send('Explain GenServer.call/3');
      const failed = h.session.views().at(-1)!;
      assert.deepStrictEqual(seen(failed), c.user);
      assert.match(failed.error!.detail, c.detail);
      assert.match(failed.error!.detail, /\(request req_[0-9a-f]+\)$|^(?!.*request req_)/);
      assert.equal(server.messageRequests().length, c.requests);
      if (c.delays) assert.deepStrictEqual(h.delays, c.delays);
      // Intact: the question is kept, the failed answer is shown but never sent back, nothing is busy.
      assert.deepStrictEqual(toApiMessages(h.session.conversation), [{ role: 'user', content: [{ type: 'text', text: 'Explain GenServer.call/3' }] }]);
      assert.equal(h.saved.at(-1)!.messages.length, 2);
      assert.equal(h.session.busy, false);

      await h.session.retry();
      assert.deepStrictEqual(seen(h.session.views().at(-1)!), { status: 'done', text: 'Recovered answer.' });
      assert.equal(server.messageRequests().at(-1).messages.length, 1);
      assert.ok(!JSON.stringify(h.saved).includes(API_KEY));
    });
  }

  it('429 and 529 that clear up are retried and the answer streams, with a notice of the retry', async () => {
    const h = makeSession(server);
    server.enqueue(turn.rateLimited(2), turn.overloaded(), turn.text('Here it is.'));
    await h.session.send('hi');
    const answer = h.session.views().at(-1)!;
    assert.deepStrictEqual(
      answer.blocks.map((b) => (b.kind === 'notice' || b.kind === 'text' ? b.text : b.kind)),
      ['Rate limit reached. Retrying in 2 s (attempt 2 of 3)…', 'Anthropic’s API is overloaded. Retrying in 1 s (attempt 3 of 3)…', 'Here it is.'],
    );
    assert.equal(answer.status, 'done');
    assert.equal(h.delays[0], 2000);
  });

  it('no API key: a prompt to set one, and nothing is sent', async () => {
    const h = makeSession(server, { apiKey: '' });
    await h.session.send('hello?');
    assert.deepStrictEqual(seen(h.session.views().at(-1)!), { status: 'error', title: 'No Anthropic API key', action: 'setApiKey', retryable: true, text: '' });
    assert.equal(server.requests.length, 0);
  });

  it('404 model not found names the model and points to the setting', async () => {
    const h = makeSession(server, { settings: { model: 'claude-nonexistent-9' } });
    await h.session.send('hi');
    const v = h.session.views().at(-1)!;
    assert.deepStrictEqual(seen(v), { status: 'error', title: 'Model not found: claude-nonexistent-9', action: 'openSettings', retryable: true, text: '' });
    assert.match(v.error!.detail, /not_found_error: model: claude-nonexistent-9.*elixirAgent\.model setting/);
  });

  it('network down: says the API cannot be reached, after retrying', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const down = { url: `http://127.0.0.1:${port}` } as ScriptedModelServer;
    const h = makeSession(down);
    await h.session.send('hi');
    const v = h.session.views().at(-1)!;
    assert.deepStrictEqual(seen(v), { status: 'error', title: 'Cannot reach the Anthropic API', action: 'openSettings', retryable: true, text: '' });
    assert.match(v.error!.detail, /Could not connect to http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) \(tried 3 times\)/);
    assert.equal(h.delays.length, 2);
  });

  it('max_tokens offers to continue, and continuing asks the model to go on', async () => {
    const h = makeSession(server);
    server.enqueue(turn.maxTokens('The first half of a long'), turn.text(' answer, finished.'));
    await h.session.send('write a long answer');
    const cut = h.session.views().at(-1)!;
    assert.deepStrictEqual(seen(cut), { status: 'done', title: 'The answer reached the output limit', action: 'continue', retryable: false, text: 'The first half of a long' });
    await h.session.continue();
    assert.deepStrictEqual(server.messageRequests()[1].messages.slice(1).map((m: { role: string; content: Array<{ text: string }> }) => [m.role, m.content[0]?.text]), [
      ['assistant', 'The first half of a long'],
      ['user', 'Continue from where you stopped.'],
    ]);
    assert.equal(seen(h.session.views().at(-1)!).text, ' answer, finished.');
  });
});
