// Agent-loop overhead: time to first token through the extension's loop
// (src/core/chat ChatSession, composed as src/vscode/chat/controller.ts does:
// a fresh ModelClient per run, the real history store, the user's persona as
// the system prompt and every builtin tool's schema) versus a bare
// `@anthropic-ai/sdk` messages.stream call that sends the very same request
// body, against the same scripted model server (out/test/support).
// Runs are interleaved (loop, bare, loop, bare ...) after a warm-up, and the
// added time is the median of the per-pair differences.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../lib/vscode-host-lib.mjs';
import { figure, median, notMeasured } from './stats.mjs';

const require = createRequire(import.meta.url);
const API_KEY = 'sk-ant-bench-0123456789abcdef';
const PERSONA = join(repoRoot, 'test/fixtures/personas/phoenix-elixir-expert.md');

function load() {
  const out = (p) => require(join(repoRoot, 'out', p));
  return {
    server: out('test/support/scriptedModelServer.js'),
    session: out('src/core/chat/session.js'),
    client: out('src/core/model/client.js'),
    store: out('src/core/chat/historyStore.js'),
    conversation: out('src/core/chat/conversation.js'),
    systemPrompt: out('src/core/chat/systemPrompt.js'),
    registry: out('src/core/tools/registry.js'),
    headless: out('src/core/tools/headless.js'),
    agents: out('src/core/agents/parse.js'),
    ide: (() => {
      try {
        return out('src/core/ide/index.js');
      } catch {
        return undefined;
      }
    })(),
  };
}

export async function benchLoop({ runs, log }) {
  const group = 'agent loop (scripted model server)';
  const added = figure({ id: 'loop.added', group, label: 'first token: added by the extension loop', unit: 'ms', target: { max: 5, source: 'issue' } });
  const loopOnly = figure({ id: 'loop.addedLoopOnly', group, label: '  of which the loop itself (warm client, no store)', unit: 'ms' });
  const modelInfo = figure({ id: 'loop.addedModelInfo', group, label: '  of which the model lookup of a fresh client', unit: 'ms' });
  const saving = figure({ id: 'loop.addedSave', group, label: '  of which saving the question first (fsync)', unit: 'ms' });
  const bare = figure({ id: 'loop.bare', group, label: 'first token: bare SDK messages.stream', unit: 'ms' });
  const through = figure({ id: 'loop.extension', group, label: 'first token: through the extension loop', unit: 'ms' });
  const all = [added, loopOnly, modelInfo, saving, bare, through];
  let m;
  try {
    m = load();
  } catch (err) {
    return all.map((f) => notMeasured(f, `the compiled loop is missing (npm run compile-tests): ${err.message.split('\n')[0]}`));
  }
  const { ScriptedModelServer } = m.server;
  const { default: Anthropic } = await import('@anthropic-ai/sdk');
  const server = await ScriptedModelServer.start({ fallback: 'echo', apiKey: API_KEY });
  // On the same disk as a user's workspace storage (fsync costs what it costs there); git-ignored.
  mkdirSync(join(repoRoot, 'bench-results'), { recursive: true });
  const temp = mkdtempSync(join(repoRoot, 'bench-results', 'history-'));
  const store = new m.store.ConversationStore(temp);
  const folder = repoRoot;
  let personaText = 'You are a helpful coding agent.';
  try {
    const parsed = m.agents.parseAgentFile(readFileSync(PERSONA, 'utf8'), PERSONA, 'project');
    if (parsed.agent) personaText = parsed.agent.systemPrompt;
  } catch {
    log(`loop: ${PERSONA} not readable; a one-line persona is used`);
  }
  const tools = [...m.registry.builtinTools(), ...(m.ide ? m.ide.ideTools() : [])];
  const system = m.systemPrompt.buildSystemPrompt({ persona: personaText, workspace: { folders: [folder], host: 'VS Code, through the Elixir Agent extension (edits land in the editor and can be undone)' } });
  const settings = { model: 'claude-sonnet-5-5', maxTokens: 16000, maxTurns: 50 };
  const prompt = 'Explain what a GenServer is in two sentences, with an example of handle_call.';
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const shared = new m.client.ModelClient({ apiKey: API_KEY, baseURL: server.url, logger: silent });

  /** One question through a new ChatSession; resolves with ms from send() to the first textDelta. */
  const throughLoop = async ({ freshClient, store: useStore }) => {
    let t0 = 0;
    let first;
    const session = new m.session.ChatSession(
      {
        client: () => (freshClient ? new m.client.ModelClient({ apiKey: API_KEY, baseURL: server.url, logger: silent }) : shared),
        setup: async () => ({ system, tools, settings }),
        policy: { decide: async () => ({ decision: 'allow' }) },
        approve: async () => ({ decision: 'allowOnce' }),
        toolEnv: () => ({ workspaceFolders: [folder], cwd: folder, files: m.headless.headlessToolContext({ cwd: folder }).files, services: {} }),
        save: useStore
          ? async (r) => {
              await store.save(r);
              await store.setActive(r.id);
              await store.list();
            }
          : undefined,
        emit: (msg) => {
          if (msg.type === 'textDelta' && first === undefined) first = performance.now() - t0;
        },
        log: silent,
      },
      m.conversation.newConversation('phoenix-elixir-expert'),
    );
    t0 = performance.now();
    await session.send(prompt);
    await session.flush();
    if (first === undefined) throw new Error(`the loop streamed no text: ${JSON.stringify(session.views().at(-1)?.error ?? {})}`);
    return first;
  };

  /** The same body as the loop's last request, straight through the SDK. */
  const sdk = new Anthropic({ apiKey: API_KEY, baseURL: server.url, maxRetries: 0 });
  const bareCall = async (body) => {
    const { stream: _s, ...params } = body;
    const t0 = performance.now();
    let first;
    const stream = sdk.messages.stream(params);
    stream.on('text', () => {
      if (first === undefined) first = performance.now() - t0;
    });
    await stream.done();
    if (first === undefined) throw new Error('the bare call streamed no text');
    return first;
  };

  try {
    const extension = { freshClient: true, store: true };
    await throughLoop(extension);
    const body = server.messageRequests().at(-1);
    const warmup = 5;
    const pairs = Math.max(10, runs * 6);
    log(`loop: ${pairs} interleaved rounds (bare, extension, fresh client, warm client) after ${warmup} warm-up rounds; request body ${JSON.stringify(body).length} bytes, ${tools.length} tools`);
    for (let i = 0; i < warmup + pairs; i++) {
      const b = await bareCall(body);
      const ext = await throughLoop(extension);
      const fresh = await throughLoop({ freshClient: true, store: false });
      const alone = await throughLoop({ freshClient: false, store: false });
      if (i < warmup) continue;
      through.samples.push(ext);
      bare.samples.push(b);
      added.samples.push(ext - b);
      loopOnly.samples.push(alone - b);
      modelInfo.samples.push(fresh - alone);
      saving.samples.push(ext - fresh);
    }
    const requests = server.requests.filter((r) => r.path.startsWith('/v1/models/')).length;
    added.extra = { bareMedianMs: median(bare.samples), modelInfoRequests: requests, requestBodyBytes: JSON.stringify(body).length };
  } catch (err) {
    return all.map((f) => notMeasured(f, err.message.split('\n')[0]));
  } finally {
    await server.close();
    await store.flush().catch(() => undefined);
    rmSync(temp, { recursive: true, force: true });
  }
  return all;
}
