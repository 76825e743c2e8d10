/**
 * Faults the chat suite (test/unit/chat/faults.test.ts) does not play, each
 * striking on the turn AFTER a tool call, when the conversation holds a
 * tool_use/tool_result pair that the next request must carry intact. For each:
 * the user sees a specific message, the conversation on disk (the real
 * history store) survives, and a new session opened from the saved file (as
 * after a restart) retries and gets a valid request through (the scripted
 * server validates tool_use/tool_result pairing as the API does).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toApiMessages, type ConversationRecord } from '../../../src/core/chat/conversation';
import { ConversationStore } from '../../../src/core/chat/historyStore';
import { ChatSession } from '../../../src/core/chat/session';
import { ModelClient } from '../../../src/core/model/client';
import { headlessToolContext } from '../../../src/core/tools/headless';
import { builtinTools } from '../../../src/core/tools/registry';
import type { MessageRecord } from '../../../src/core/chat/records';
import { ScriptedModelServer, turn, type ScriptedTurn } from '../../support/scriptedModelServer';

const KEY = 'sk-ant-hardening-faults-0001';

interface GapFault {
  fault: string;
  turns: ScriptedTurn[];
  /** What the user reads: the error's title and a piece of its detail. */
  title: string;
  detail: RegExp;
  /** Waits the client took before retrying (ms). */
  delays: number[];
  /** Text of the failed answer kept on screen. */
  partial?: string;
}

const FAULTS: GapFault[] = [
  { fault: '400 invalid request (not retried)', turns: [turn.httpError(400, { message: 'messages.1: unexpected field' })], title: 'The API rejected the request (400)', detail: /unexpected field/, delays: [] },
  { fault: '402 billing', turns: [turn.httpError(402, { message: 'Your credit balance is too low' })], title: 'Billing problem on the Anthropic account', detail: /credit balance is too low/, delays: [] },
  { fault: '413 request too large', turns: [turn.httpError(413, { message: 'Request exceeds the maximum size' })], title: 'The API rejected the request (413)', detail: /maximum size/, delays: [] },
  {
    fault: '504 gateway timeout, retried until it gives up',
    turns: [turn.httpError(504), turn.httpError(504), turn.httpError(504)],
    title: 'The API failed (504)',
    detail: /504 \(tried 3 times\)/,
    delays: [-1, -1],
  },
  { fault: '503 HTML page from a proxy', turns: [turn.httpError(503, { rawBody: '<html><h1>503 Service Unavailable</h1></html>' }), turn.httpError(503, { rawBody: '<html>still</html>' }), turn.httpError(503, { rawBody: '<html>down</html>' })], title: 'The API failed (503)', detail: /503 \(tried 3 times\)/, delays: [-1, -1] },
  { fault: '529 with x-should-retry: false (not retried)', turns: [turn.httpError(529, { shouldRetry: false })], title: 'Anthropic’s API is overloaded', detail: /529/, delays: [] },
  { fault: '429 with retry-after-ms honoured, then still limited', turns: [turn.httpError(429, { retryAfterMs: 1500 }), turn.httpError(429, { retryAfterMs: 1500 }), turn.httpError(429, { retryAfterMs: 1500 })], title: 'Rate limit reached', detail: /429 \(tried 3 times\)/, delays: [1500, 1500] },
  {
    fault: 'an api_error event mid-answer',
    turns: [turn.message([{ type: 'text', text: 'Half of the ans' }], { chunkSize: 1_000_000, fault: { kind: 'error-event', afterEvents: 4, errorType: 'api_error', message: 'Internal server error' } })],
    title: 'The API reported an error mid-answer',
    detail: /api_error: Internal server error/,
    delays: [],
    partial: 'Half of the ans',
  },
  {
    fault: 'the connection drops inside a second tool call’s input',
    turns: [turn.toolUse('Read', { file_path: '/elsewhere/lib/never.ex' }, { text: 'Reading more.', fault: { kind: 'drop', afterEvents: 7 } })],
    title: 'The connection was lost mid-answer',
    detail: /closed before the answer was complete/,
    delays: [],
    partial: 'Reading more.',
  },
  {
    fault: 'a malformed event inside a tool call’s input',
    turns: [turn.toolUse('Read', { file_path: '/elsewhere/lib/never.ex' }, { fault: { kind: 'malformed', afterEvents: 5 } })],
    title: 'The API sent a malformed stream',
    detail: /could not be parsed/,
    delays: [],
  },
];

describe('hardening: faults after a tool call keep the conversation and its history', function () {
  this.timeout(60_000);
  let server: ScriptedModelServer;
  let base: string;
  let ws: string;

  before(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY, minCacheTokens: 0 });
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-faults-')));
    ws = path.join(base, 'shop');
    fs.mkdirSync(path.join(ws, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'lib/accounts.ex'), 'defmodule Shop.Accounts do\n  def list_users, do: []\nend\n');
  });
  after(async () => {
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  function session(store: ConversationStore, delays: number[], record?: ConversationRecord): ChatSession {
    const ctx = headlessToolContext({ cwd: ws });
    return new ChatSession(
      {
        client: () => new ModelClient({ apiKey: KEY, baseURL: server.url, maxRetries: 2, sleep: async (ms) => void delays.push(ms) }),
        setup: async () => ({ system: [{ type: 'text', text: 'You are the Phoenix expert.' }], tools: builtinTools(), settings: { model: 'claude-sonnet-5-5', maxTokens: 1024, maxTurns: 10 } }),
        policy: { decide: async (tool) => ({ decision: tool.readOnly ? 'allow' : 'ask' }) },
        approve: async () => ({ decision: 'allowOnce' }),
        toolEnv: () => ({ workspaceFolders: [ws], cwd: ws, files: ctx.files, services: ctx.services }),
        save: async (r) => {
          await store.save(r);
          await store.setActive(r.id);
        },
      },
      record,
    );
  }

  const shown = (v: MessageRecord) => ({ status: v.status, title: v.error?.title, text: v.blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : [])).join('') });

  for (const c of FAULTS) {
    it(c.fault, async () => {
      server.reset();
      const dir = fs.mkdtempSync(path.join(base, 'history-'));
      const delays: number[] = [];
      const first = session(new ConversationStore(dir), delays);
      server.enqueue(turn.toolUse('Read', { file_path: path.join(ws, 'lib/accounts.ex') }, { text: 'Let me read it.' }), ...c.turns);
      await first.send('What does list_users return?');
      await first.flush();

      // What the user sees: the tool ran, then the fault with a specific message.
      const failed = first.views().at(-1)!;
      assert.deepStrictEqual(shown(failed), { status: 'error', title: c.title, text: c.partial ?? '' });
      assert.match(failed.error!.detail, c.detail);
      assert.deepStrictEqual(
        delays.map((d) => (c.delays.includes(-1) ? -1 : d)),
        c.delays,
      );
      const tool = first.views().flatMap((v) => v.blocks).find((b) => b.kind === 'tool');
      assert.equal(tool?.kind === 'tool' && tool.call.status, 'done');

      // After a restart: the saved conversation opens with the error shown, and a retry goes through.
      const store = new ConversationStore(dir);
      const saved = await store.load((await store.getActive())!);
      assert.ok(saved, 'the conversation was saved');
      assert.deepStrictEqual(shown(saved.messages.at(-1)!.view), shown(failed));
      const reopened = session(store, [], saved);
      const before = server.messageRequests().length;
      server.enqueue(turn.text('It returns an empty list.'));
      await reopened.retry();
      await reopened.flush();
      assert.deepStrictEqual(shown(reopened.views().at(-1)!), { status: 'done', title: undefined, text: 'It returns an empty list.' });
      // The retried request carries the question and the tool round trip, and not the failed answer.
      const request = server.messageRequests().slice(before)[0];
      assert.deepStrictEqual(
        request.messages.map((m: { role: string; content: Array<{ type: string }> }) => `${m.role}:${m.content.map((b) => b.type).join('+')}`),
        ['user:text', 'assistant:text+tool_use', 'user:tool_result'],
      );
      assert.deepStrictEqual(toApiMessages(reopened.conversation).length, 4);
    });
  }
});
