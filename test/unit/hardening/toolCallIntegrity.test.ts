/**
 * Responses that put the tool loop under strain, played by the scripted model
 * server through the real agent loop and the real builtin tools:
 * - tool_use ids that collide (in one response, or with an earlier turn): the
 *   response is malformed, none of its calls run, each call is answered with
 *   its own is_error result under an id of its own, the user is told, and the
 *   next request is one the API accepts (the server checks, as the API does,
 *   that tool_use ids are unique and each has exactly one tool_result);
 * - 100 parallel read-only calls in one response: all run, and Node emits no
 *   warning (no listener piles up on the answer's abort signal).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatSession } from '../../../src/core/chat/session';
import { ModelClient } from '../../../src/core/model/client';
import { createApprovalPolicy } from '../../../src/core/tools/approval';
import { headlessToolContext } from '../../../src/core/tools/headless';
import { builtinTools } from '../../../src/core/tools/registry';
import type { ChatEvent } from '../../../src/core/chat/events';
import type { ToolCallRecord } from '../../../src/core/chat/records';
import { block, ScriptedModelServer, turn } from '../../support/scriptedModelServer';

const KEY = 'sk-ant-hardening-integrity-0001';

describe('hardening: tool call integrity', function () {
  this.timeout(60_000);
  let server: ScriptedModelServer;
  let ws: string;

  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
    ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-integrity-')));
    fs.mkdirSync(path.join(ws, 'lib'));
    fs.writeFileSync(path.join(ws, 'lib/app.ex'), 'defmodule App do\n  def hello, do: :world\nend\n');
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(ws, { recursive: true, force: true });
  });

  function session(events: ChatEvent[] = []): ChatSession {
    const ctx = headlessToolContext({ cwd: ws });
    return new ChatSession({
      client: () => new ModelClient({ apiKey: KEY, baseURL: server.url, maxRetries: 0 }),
      setup: async () => ({ system: [{ type: 'text', text: 'You are a tester.' }], tools: builtinTools(), settings: { model: 'claude-sonnet-5-5', maxTokens: 1024, maxTurns: 10 } }),
      policy: createApprovalPolicy({ workspaceFolders: [ws], cwd: ws }),
      approve: async () => ({ decision: 'allowOnce' }),
      toolEnv: () => ({ workspaceFolders: [ws], cwd: ws, files: ctx.files, services: ctx.services }),
      emit: (m) => events.push(m),
    });
  }

  /** What the server answered to each Messages request. */
  const answers = () => server.requests.filter((r) => r.path === '/v1/messages').map((r) => r.answeredWith);
  const cards = (s: ChatSession): ToolCallRecord[] => s.views().flatMap((v) => v.blocks.flatMap((b) => (b.kind === 'tool' ? [b.call] : [])));
  const notices = (s: ChatSession): string[] => s.views().flatMap((v) => v.blocks.flatMap((b) => (b.kind === 'notice' ? [b.text] : [])));
  /** The ids of an assistant message's tool_use blocks, and of the tool_results answering them. */
  const pairing = (messages: Array<{ role: string; content: unknown }>, at: number) => {
    const [assistant, user] = [messages[at], messages[at + 1]];
    assert.ok(assistant && user, `messages ${at} and ${at + 1} of ${messages.length}`);
    return {
      uses: (assistant.content as Array<{ type: string; id?: string }>).filter((b) => b.type === 'tool_use').map((b) => b.id),
      results: (user.content as Array<{ type: string; tool_use_id?: string; is_error?: boolean; content?: unknown }>)
        .filter((b) => b.type === 'tool_result')
        .map((b) => ({ id: b.tool_use_id, is_error: b.is_error, text: typeof b.content === 'string' ? b.content : JSON.stringify(b.content) })),
    };
  };

  it('two tool_use blocks with the same id: neither runs, both get an error, and the next request is valid', async () => {
    const target = path.join(ws, 'lib/app.ex');
    const events: ChatEvent[] = [];
    const s = session(events);
    server.enqueue(
      turn.message([
        block.text('Editing twice.'),
        block.toolUse('Write', { file_path: target, content: 'first\n' }, 'toolu_same'),
        block.toolUse('Write', { file_path: target, content: 'second\n' }, 'toolu_same'),
      ]),
      turn.text('Understood, I will call them again with distinct ids.'),
    );
    await s.send('Rewrite lib/app.ex');

    // Nothing ran: the file is untouched.
    assert.equal(fs.readFileSync(target, 'utf8'), 'defmodule App do\n  def hello, do: :world\nend\n');
    const [, second] = server.messageRequests();
    assert.ok(second, 'the loop went on with a second request, which the server accepted');
    assert.deepStrictEqual(answers(), ['200', '200']);
    const { uses, results } = pairing(second.messages, 1);
    assert.equal(uses.length, 2);
    assert.equal(new Set(uses).size, 2, 'each tool_use sent back has an id of its own');
    assert.equal(uses[0], 'toolu_same');
    assert.deepStrictEqual(results.map((r) => [r.id, r.is_error]), uses.map((id) => [id, true]));
    for (const r of results) assert.match(r.text, /same id \(toolu_same\).*none of the tool calls in it ran/i);
    // The user sees both cards as failed, with the reason, and a notice on the answer.
    assert.deepStrictEqual(cards(s).map((c) => [c.name, c.status, c.isError]), [['Write', 'failed', true], ['Write', 'failed', true]]);
    assert.equal(new Set(cards(s).map((c) => c.id)).size, 2, 'two distinct cards, not one updated twice');
    assert.match(notices(s).join('\n'), /malformed.*toolu_same/i);
    assert.equal(s.views().at(-1)?.status, 'done');
    // Each card got its own updates (the view would otherwise show one card twice).
    const updated = new Set(events.filter((e) => e.type === 'toolUpdated').map((e) => (e.type === 'toolUpdated' ? e.call.id : '')));
    assert.deepStrictEqual([...updated].sort(), cards(s).map((c) => c.id).sort());
  });

  it('a collision runs none of the response’s calls, even the well-formed ones; three copies get three ids', async () => {
    const s = session();
    server.enqueue(
      turn.message([
        block.toolUse('Write', { file_path: path.join(ws, 'lib/new.ex'), content: 'x\n' }, 'toolu_w'),
        block.toolUse('Read', { file_path: path.join(ws, 'lib/app.ex') }, 'toolu_dup'),
        block.toolUse('Read', { file_path: path.join(ws, 'lib/app.ex') }, 'toolu_dup'),
        block.toolUse('Read', { file_path: path.join(ws, 'lib/app.ex') }, 'toolu_dup'),
        // A genuine id that looks like a renamed one must not collide with it either.
        block.toolUse('Read', { file_path: path.join(ws, 'lib/app.ex') }, 'toolu_dup_2'),
      ]),
      turn.text('ok'),
    );
    await s.send('go');
    assert.equal(fs.existsSync(path.join(ws, 'lib/new.ex')), false);
    const { uses, results } = pairing(server.messageRequests()[1].messages, 1);
    assert.equal(uses.length, 5);
    assert.equal(new Set(uses).size, 5);
    assert.deepStrictEqual(results.map((r) => r.id), uses);
    assert.ok(results.every((r) => r.is_error && /Not run/.test(r.text)));
    assert.ok(cards(s).every((c) => c.status === 'failed'));
  });

  it('a tool_use id reused from an earlier turn is a collision too: the conversation stays valid', async () => {
    const s = session();
    const file = path.join(ws, 'lib/app.ex');
    server.enqueue(
      turn.toolUse('Read', { file_path: file }, { id: 'toolu_again' }),
      turn.toolUse('Read', { file_path: file }, { id: 'toolu_again' }),
      turn.text('done'),
    );
    await s.send('read it twice');
    const requests = server.messageRequests();
    assert.equal(requests.length, 3);
    assert.deepStrictEqual(answers(), ['200', '200', '200'], 'every request was accepted');
    const first = pairing(requests[2].messages, 1);
    const second = pairing(requests[2].messages, 3);
    assert.deepStrictEqual(first.results.map((r) => [r.is_error, r.id]), [[undefined, 'toolu_again']]);
    assert.notEqual(second.uses[0], 'toolu_again');
    assert.deepStrictEqual(second.results.map((r) => [r.is_error, r.id]), [[true, second.uses[0]]]);
    assert.match(second.results[0]!.text, /earlier tool call/);
    // The next question carries the whole conversation again without a 400.
    server.enqueue(turn.text('still fine'));
    await s.send('and now?');
    assert.deepStrictEqual(answers(), ['200', '200', '200', '200']);
  });

  it('100 parallel read-only tool calls all run and emit no process warning', async () => {
    for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(ws, `lib/m${i}.ex`), `defmodule M${i} do\nend\n`);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const s = session();
      server.enqueue(
        turn.toolUses(Array.from({ length: 100 }, (_, i) => (i % 2 ? { name: 'Read', input: { file_path: path.join(ws, `lib/m${i}.ex`) } } : { name: 'Grep', input: { pattern: `M${i} do`, path: path.join(ws, 'lib') } }))),
        turn.text('Read them all.'),
      );
      await s.send('read every module');
      // Warnings are emitted on a later tick.
      await new Promise((r) => setImmediate(r));
      const statuses = cards(s).map((c) => c.status);
      assert.deepStrictEqual({ calls: statuses.length, done: statuses.filter((x) => x === 'done').length }, { calls: 100, done: 100 });
      assert.deepStrictEqual(warnings.map((w) => `${w.name}: ${w.message}`), []);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
