import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConversationStore } from '../../../src/core/chat/historyStore';
import { newConversation, type ConversationRecord } from '../../../src/core/chat/conversation';
import { conversationToMarkdown } from '../../../src/core/chat/markdown';

function conversation(title: string, count: number, updatedAt = Date.now()): ConversationRecord {
  const r = newConversation('elixir-expert', updatedAt);
  r.title = title;
  r.updatedAt = updatedAt;
  for (let i = 0; i < count; i++) {
    const role = i % 2 === 0 ? 'user' : 'assistant';
    r.messages.push({ view: { id: `m${i}`, role, blocks: [{ kind: 'text', text: `message ${i}` }], status: 'done', createdAt: updatedAt }, content: [{ type: 'text', text: `message ${i}` }] });
  }
  return r;
}

describe('history store: saved per workspace, atomic, never corrupted', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ea-history-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('saves, lists newest first, renames, deletes and remembers the open conversation', async () => {
    const store = new ConversationStore(dir);
    const a = conversation('Ecto preload question', 2, 1000);
    const b = conversation('LiveView upload', 4, 2000);
    await store.save(a);
    await store.save(b);
    await store.save(newConversation()); // empty conversations are not saved
    await store.setActive(a.id);
    await store.rename(a.id, '  Preloading   associations ');

    const reopened = new ConversationStore(dir);
    assert.deepStrictEqual(await reopened.list(), [
      { id: b.id, title: 'LiveView upload', updatedAt: 2000, messageCount: 4 },
      { id: a.id, title: 'Preloading associations', updatedAt: 1000, messageCount: 2 },
    ]);
    assert.equal(await reopened.getActive(), a.id);
    assert.deepStrictEqual((await reopened.load(a.id))!.messages, a.messages);
    await reopened.delete(a.id);
    assert.deepStrictEqual((await reopened.list()).map((c) => c.id), [b.id]);
    assert.equal(await reopened.getActive(), undefined);
    assert.equal(await reopened.load(a.id), undefined);
    assert.equal(await reopened.load('../../etc/passwd'), undefined);
    await assert.rejects(reopened.rename(b.id, '   '), /cannot be empty/);
  });

  it('a write interrupted by a crash leaves a temp file that changes nothing and is cleaned up', async () => {
    const store = new ConversationStore(dir);
    const r = conversation('Supervisor tree', 3);
    await store.save(r);
    // What a crash mid-write leaves: half a JSON document in a temporary file, older than a minute.
    const convDir = path.join(dir, 'conversations');
    const stale = path.join(convDir, `.${r.id}.json.4242.deadbeef.tmp`);
    const fresh = path.join(dir, `.index.json.4243.cafebabe.tmp`);
    await fs.writeFile(stale, JSON.stringify(conversation('Supervisor tree', 9)).slice(0, 200));
    await fs.writeFile(fresh, '{"version":1,"conv');
    const old = new Date(Date.now() - 5 * 60_000);
    await fs.utimes(stale, old, old);

    const reopened = new ConversationStore(dir);
    assert.deepStrictEqual(await reopened.list(), [{ id: r.id, title: 'Supervisor tree', updatedAt: r.updatedAt, messageCount: 3 }]);
    assert.deepStrictEqual(await reopened.load(r.id), r);
    assert.deepStrictEqual((await fs.readdir(convDir)).sort(), [`${r.id}.json`]);
    assert.ok((await fs.readdir(dir)).includes(path.basename(fresh)), 'a recent temp file (another window writing) is left alone');
  });

  it('survives being killed (SIGKILL) while saving: the last completed save is intact', async function () {
    this.timeout(30_000);
    const storeModule = path.resolve(__dirname, '../../../src/core/chat/historyStore.js');
    const script = `
      const { ConversationStore } = require(${JSON.stringify(storeModule)});
      const store = new ConversationStore(${JSON.stringify(dir)});
      const record = { version: 1, id: 'ckilled', title: 'Killed mid-write', createdAt: 1, updatedAt: 1, messages: [], totals: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 } };
      (async () => {
        for (let i = 0; ; i++) {
          record.messages.push({ view: { id: 'm' + i, role: i % 2 ? 'assistant' : 'user', blocks: [{ kind: 'text', text: 'x'.repeat(20000) }], status: 'done', createdAt: i }, content: [{ type: 'text', text: 'x'.repeat(20000) }] });
          record.updatedAt = i;
          await store.save(record);
          process.stdout.write(i + 1 + '\\n');
        }
      })();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let saved = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        saved = Math.max(saved, ...d.toString().trim().split('\n').map(Number));
        if (saved >= 25) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));

    const store = new ConversationStore(dir);
    const record = await store.load('ckilled');
    assert.ok(record, 'the conversation is readable');
    assert.ok(record.messages.length >= saved, `at least the ${saved} acknowledged messages are there (found ${record.messages.length})`);
    assert.deepStrictEqual(record.messages.map((m) => m.view.id), record.messages.map((_, i) => `m${i}`));
    assert.deepStrictEqual((await store.list()).map((c) => c.id), ['ckilled']);
  });

  it('rebuilds a missing or damaged index, and adds conversations the index missed', async () => {
    const store = new ConversationStore(dir);
    const a = conversation('First', 2, 100);
    const b = conversation('Second', 2, 200);
    await store.save(a);
    await fs.writeFile(path.join(dir, 'index.json'), '{"version":1,"conversations":[{"id":');
    assert.deepStrictEqual((await new ConversationStore(dir).list()).map((c) => c.title), ['First']);
    // A crash between the conversation file and the index: the file wins.
    await fs.writeFile(path.join(dir, 'conversations', `${b.id}.json`), JSON.stringify(b));
    await fs.writeFile(path.join(dir, 'index.json'), JSON.stringify({ version: 1, conversations: [{ id: a.id, title: 'First', updatedAt: 100, messageCount: 2 }, { id: 'cgone', title: 'Gone', updatedAt: 50, messageCount: 1 }] }));
    assert.deepStrictEqual((await new ConversationStore(dir).list()).map((c) => c.title), ['Second', 'First']);
  });

  it('says when it rebuilt a damaged or lost index (log and onRepaired), not on a fresh start', async () => {
    const warnings: string[] = [];
    const repairs: unknown[] = [];
    const options = { log: { warn: (m: string) => warnings.push(m) }, onRepaired: (r: unknown) => repairs.push(r) };
    assert.deepStrictEqual(await new ConversationStore(dir, options).list(), []);
    assert.deepStrictEqual([warnings, repairs], [[], []]);
    await new ConversationStore(dir).save(conversation('First', 2, 100));
    await fs.writeFile(path.join(dir, 'index.json'), '{"version":1,"conversations":[{"id":');
    assert.equal((await new ConversationStore(dir, options).list()).length, 1);
    await fs.rm(path.join(dir, 'index.json'));
    assert.equal((await new ConversationStore(dir, options).list()).length, 1);
    assert.equal(repairs.length, 2);
    assert.deepStrictEqual(repairs[1], { reason: 'missing', recovered: 1 });
    assert.match((repairs[0] as { reason: string }).reason, /JSON/);
    assert.equal(warnings.length, 2, `one warning for each repair: ${JSON.stringify(warnings)}`);
    assert.match(warnings[0]!, /history index .* was damaged \(.*\); rebuilt it from 1 conversation file/);
    assert.match(warnings[1]!, /was missing; rebuilt it from 1 conversation file/);
  });

  it('reads maxConversations at each save when it is a function (the setting may change)', async () => {
    let max = 3;
    const store = new ConversationStore(dir, { maxConversations: () => max });
    for (let i = 1; i <= 3; i++) await store.save(conversation(`c${i}`, 2, i));
    assert.equal((await store.list()).length, 3);
    max = 1;
    await store.save(conversation('c4', 2, 4));
    assert.deepStrictEqual((await store.list()).map((c) => c.title), ['c4']);
  });

  it('a damaged conversation file is set aside with a warning, the others still open', async () => {
    const warnings: string[] = [];
    const store = new ConversationStore(dir, { log: { warn: (m) => warnings.push(m) } });
    const good = conversation('Good', 2);
    await store.save(good);
    await fs.writeFile(path.join(dir, 'conversations', 'cbroken.json'), '{"not": "a conversation"}');
    assert.equal(await store.load('cbroken'), undefined);
    assert.match(warnings.join('\n'), /conversation cbroken could not be read \(not a conversation\); moved to .*cbroken\.json\.unreadable-\d+/);
    assert.deepStrictEqual(await store.load(good.id), good);
  });

  it('keeps at most maxConversations, never dropping the open one', async () => {
    const store = new ConversationStore(dir, { maxConversations: 2 });
    const oldest = conversation('oldest', 2, 1);
    await store.save(oldest);
    await store.setActive(oldest.id);
    for (let i = 2; i <= 4; i++) await store.save(conversation(`c${i}`, 2, i));
    assert.deepStrictEqual((await store.list()).map((c) => c.title), ['c4', 'c3', 'oldest']);
    assert.equal((await fs.readdir(path.join(dir, 'conversations'))).length, 3);
  });

  it('exports a conversation to Markdown: messages, tool cards with safe fences, errors, cost', () => {
    const r = conversation('Fix the failing test', 1, Date.UTC(2026, 10, 3, 9, 30));
    r.totals.costUsd = 0.0123;
    r.messages.push({
      view: {
        id: 'a1',
        role: 'assistant',
        status: 'stopped',
        createdAt: 0,
        blocks: [
          { kind: 'thinking', text: 'Check the test first.' },
          { kind: 'tool', call: { id: 't', name: 'Bash', summary: 'mix test', input: { command: 'mix test' }, status: 'done', output: 'has ``` fences\n1 failure' } },
          { kind: 'notice', text: 'Older tool results were shortened.' },
        ],
        error: { title: 'The connection was lost mid-answer', detail: 'Retry to ask again.', retryable: true },
      },
      content: [],
    });
    const md = conversationToMarkdown(r);
    assert.equal(
      md,
      [
        '# Fix the failing test',
        '',
        '- Started: 2026-11-03 09:30 UTC',
        '- Agent: elixir-expert',
        '- Messages: 2',
        '- Cost: $0.0123',
        '',
        '## You',
        '',
        'message 0',
        '',
        '---',
        '',
        '## Agent (stopped)',
        '',
        '<details><summary>Thinking</summary>\n\nCheck the test first.\n\n</details>',
        '',
        '**Tool Bash** `mix test` (done)',
        '',
        '```json\n{\n  "command": "mix test"\n}\n```',
        '',
        '````\nhas ``` fences\n1 failure\n````',
        '',
        '> ℹ️ Older tool results were shortened.',
        '',
        '> **The connection was lost mid-answer**: Retry to ask again.',
        '',
      ].join('\n'),
    );
  });
});
