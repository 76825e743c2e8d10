/**
 * Secrets: after a full session through the real agent loop against the
 * scripted model server (tool calls with the real builtin tools, a retried
 * overload, a rejected key whose error body echoes the key, a stream broken
 * mid-answer), the API key appears in no log line, no history file, no
 * message to the webview, no Markdown export, and no request body.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conversationToMarkdown } from '../../../src/core/chat/markdown';
import { ConversationStore } from '../../../src/core/chat/historyStore';
import { ChatSession } from '../../../src/core/chat/session';
import { buildSystemPrompt } from '../../../src/core/chat/systemPrompt';
import { ModelClient, type ModelLogger } from '../../../src/core/model/client';
import { createApprovalPolicy } from '../../../src/core/tools/approval';
import { headlessToolContext } from '../../../src/core/tools/headless';
import { builtinTools } from '../../../src/core/tools/registry';
import type { ChatEvent } from '../../../src/core/chat/events';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';

/** Every file under a folder, recursively, as text. */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((rel) => path.join(dir, rel))
    .filter((f) => fs.statSync(f).isFile())
    .map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
}

describe('hardening: the API key never leaks', function () {
  this.timeout(60_000);
  // A key shaped like a real one, unique per run.
  const KEY = `sk-ant-api03-${randomBytes(24).toString('hex')}-${randomBytes(8).toString('hex')}AA`;
  /** The key and distinctive pieces of it (a truncated key is still a leak). */
  const needles = [KEY, KEY.slice(14, 46), KEY.slice(-24)];
  let server: ScriptedModelServer;
  let base: string;

  const leaksIn = (places: Array<[string, string]>) =>
    places.flatMap(([where, text]) => needles.filter((n) => text.includes(n)).map((n) => `${where} contains ${n === KEY ? 'the key' : `a piece of the key (${n.slice(0, 6)}…)`}`));

  before(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY, minCacheTokens: 0 });
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-secrets-')));
  });
  after(async () => {
    await server.close();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('a session with tools, retries, a rejected key and a broken stream leaves no trace of the key', async () => {
    const ws = path.join(base, 'shop');
    const history = path.join(base, 'history');
    fs.mkdirSync(path.join(ws, 'lib/shop'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'mix.exs'), 'defmodule Shop.MixProject do\n  use Mix.Project\nend\n');
    fs.writeFileSync(path.join(ws, 'lib/shop/accounts.ex'), 'defmodule Shop.Accounts do\n  def list_users, do: Repo.al(User)\nend\n');

    const logLines: string[] = [];
    const logger: ModelLogger = {
      debug: (m) => logLines.push(`debug ${m}`),
      info: (m) => logLines.push(`info ${m}`),
      warn: (m) => logLines.push(`warn ${m}`),
      error: (m) => logLines.push(`error ${m}`),
    };
    const events: ChatEvent[] = [];
    const store = new ConversationStore(history, { log: logger });
    const tools = builtinTools();
    const ctx = headlessToolContext({ cwd: ws });
    const session = new ChatSession({
      // As the extension composes it: a fresh client per run with the key and the logger.
      client: () => new ModelClient({ apiKey: KEY, baseURL: server.url, logger, maxRetries: 2, sleep: async () => undefined }),
      setup: async () => ({
        system: buildSystemPrompt({ persona: 'You are the Phoenix expert.', workspace: { folders: [ws], host: 'tests' } }),
        tools,
        settings: { model: 'claude-sonnet-5-5', maxTokens: 2048, maxTurns: 10 },
      }),
      policy: createApprovalPolicy({ workspaceFolders: [ws], cwd: ws }),
      approve: async () => ({ decision: 'allowOnce' }),
      toolEnv: () => ({ workspaceFolders: [ws], cwd: ws, files: ctx.files, services: ctx.services }),
      save: async (r) => {
        await store.save(r);
        await store.setActive(r.id);
      },
      emit: (m) => events.push(m),
      log: logger,
    });

    const file = path.join(ws, 'lib/shop/accounts.ex');
    server.enqueue(
      turn.toolUse('Grep', { pattern: 'Repo\\.al\\b' }, { text: 'Looking for the typo.' }),
      turn.overloaded(1),
      turn.toolUse('Read', { file_path: file }),
      turn.toolUse('Edit', { file_path: file, old_string: 'Repo.al(User)', new_string: 'Repo.all(User)' }),
      turn.toolUse('Bash', { command: 'mix help compile | head -n 1; echo done', description: 'a command' }),
      turn.text('Fixed `Repo.al` in `Shop.Accounts.list_users/0`.'),
      // A gateway that echoes the credentials it rejected.
      turn.httpError(401, { message: `invalid x-api-key: ${KEY}` }),
      turn.httpError(400, { rawBody: `<html><body>Bad request from Authorization: Bearer ${KEY}</body></html>` }),
      turn.message([{ type: 'text', text: 'Partial answer' }], { chunkSize: 1_000_000, fault: { kind: 'error-event', afterEvents: 4, errorType: 'api_error', message: `upstream rejected key ${KEY}` } }),
    );
    await session.send('Fix the typo in the accounts context.');
    await session.send('And again?');
    await session.retry();
    await session.retry();
    await session.flush();
    await store.flush();

    // The session really happened: tools ran, the file was fixed, the failures were shown.
    const views = session.views();
    const toolRuns = views.flatMap((v) => v.blocks.filter((b) => b.kind === 'tool').map((b) => (b.kind === 'tool' ? `${b.call.name}:${b.call.status}` : '')));
    assert.deepStrictEqual(
      {
        tools: toolRuns,
        fixed: fs.readFileSync(file, 'utf8').includes('Repo.all(User)'),
        errors: views.filter((v) => v.status === 'error').map((v) => v.error?.title),
        requests: server.messageRequests().length,
      },
      {
        tools: ['Grep:done', 'Read:done', 'Edit:done', 'Bash:done'],
        fixed: true,
        errors: ['The API key was rejected', 'The API rejected the request (400)', 'The API reported an error mid-answer'],
        requests: 9,
      },
    );

    const saved = filesUnder(history);
    assert.ok(saved.some((s) => s.file.includes('conversations')), 'the conversation was saved');
    const places: Array<[string, string]> = [
      ['log', logLines.join('\n')],
      ['webview messages', JSON.stringify(events)],
      ['views', JSON.stringify(views)],
      ['markdown export', conversationToMarkdown(session.conversation)],
      ['request bodies', JSON.stringify(server.requests.map((r) => r.body ?? null))],
      ...saved.map((s): [string, string] => [`history file ${path.relative(history, s.file)}`, s.text]),
    ];
    assert.deepStrictEqual(leaksIn(places), []);
    // The key did reach the server, in the auth header only: the check above is not vacuous.
    assert.ok(server.requests.every((r) => (r.headers['x-api-key'] ?? r.headers.authorization ?? '').includes(KEY)));
    // The errors still say what happened, with the key masked.
    assert.match(JSON.stringify(views.filter((v) => v.status === 'error').map((v) => v.error)), /redacted/);
  });
  it('a key taken from ANTHROPIC_API_KEY is not handed to the commands the agent runs', async () => {
    // The extension accepts the key from the environment (src/vscode/secrets/apiKey.ts);
    // then the extension host's environment holds it. A command the agent runs
    // (Bash, or `mix test`, which the default allow-list runs without asking, on
    // a test file that prints System.get_env()) must not be able to read it back
    // into the conversation, which goes to the model, the history and the webview.
    const ws = fs.mkdtempSync(path.join(base, 'env-'));
    const saved = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = KEY;
    try {
      const events: ChatEvent[] = [];
      const ctx = headlessToolContext({ cwd: ws });
      const session = new ChatSession({
        client: () => new ModelClient({ apiKey: process.env.ANTHROPIC_API_KEY, baseURL: server.url }),
        setup: async () => ({ system: [{ type: 'text', text: 'You are a tester.' }], tools: builtinTools(), settings: { model: 'claude-sonnet-5-5', maxTokens: 1024, maxTurns: 5 } }),
        policy: createApprovalPolicy({ workspaceFolders: [ws], cwd: ws }),
        approve: async () => ({ decision: 'allowOnce' }),
        toolEnv: () => ({ workspaceFolders: [ws], cwd: ws, files: ctx.files, services: ctx.services }),
        emit: (m) => events.push(m),
      });
      server.enqueue(turn.toolUse('Bash', { command: 'printenv ANTHROPIC_API_KEY; env | grep -c ANTHROPIC_API_KEY; echo checked' }), turn.text('Done.'));
      await session.send('Check the environment.');
      const card = session.views().flatMap((v) => v.blocks).find((b) => b.kind === 'tool');
      assert.deepStrictEqual(card?.kind === 'tool' && { status: card.call.status, ranToTheEnd: /checked/.test(card.call.output ?? '') }, { status: 'done', ranToTheEnd: true });
      assert.deepStrictEqual(
        leaksIn([
          ['webview messages', JSON.stringify(events)],
          ['request bodies', JSON.stringify(server.messageRequests())],
          ['history record', JSON.stringify(session.conversation)],
        ]),
        [],
      );
    } finally {
      if (saved === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = saved;
    }
  });
});
