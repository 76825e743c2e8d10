// The chat webview (dist/webview.js) in Chromium, on the static harness of
// the UI tests (test/ui/webview-harness: the real bundle, the real CSP, a fake
// host that delivers HostMessages as VS Code does).
//   streaming: an answer arrives at 200 tokens per second for 5 s (a generator
//     inside the page pushes textDelta messages on time); every frame's time
//     is taken from its start (the rAF timestamp) to the end of its rendering
//     (a message posted from rAF runs after style, layout and paint).
//   opening a 2,000-message conversation: from pushing the `state` message to
//     the end of the first frame that shows the last message; then the JS heap
//     (after a forced GC, through the DevTools protocol) and the DOM size.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../lib/vscode-host-lib.mjs';
import { figure, median, notMeasured, percentile } from './stats.mjs';

const require = createRequire(import.meta.url);
const TOKENS_PER_SECOND = 200;
const STREAM_SECONDS = 5;

/** A realistic answer: prose, lists, inline code, an Elixir block; cut in ~4-character tokens. */
export function answerTokens(count) {
  const code = Array.from({ length: 24 }, (_, i) => `  def handle_event("step_${i}", %{"id" => id}, socket) do\n    {:noreply, assign(socket, :step, ${i})}\n  end`).join('\n\n');
  const unit = [
    'The N+1 comes from `Accounts.list_users/0` calling `Repo.preload/2` inside the loop. ',
    'Preload once in the query instead:\n\n',
    '- move the `preload: [:organization]` into `list_users/0`\n- drop the per-row `Repo.preload` in the LiveView\n- add a test that counts queries with `Ecto.Adapters.SQL.Sandbox`\n\n',
    '```elixir\ndefmodule ShopWeb.UserLive.Index do\n  use ShopWeb, :live_view\n\n',
    code,
    '\nend\n```\n\n',
    'Run `mix test test/shop_web/live/user_live_test.exs` to check. **Note**: the `:organization` association must exist on `User`.\n\n',
  ].join('');
  const tokens = [];
  let text = '';
  while (tokens.length < count) {
    text += unit;
    for (let i = tokens.length * 4; i + 4 <= text.length && tokens.length < count; i += 4) tokens.push(text.slice(i, i + 4));
  }
  return tokens;
}

function loadHarness(log) {
  const harnessJs = join(repoRoot, 'out/test/ui/webview-harness/harness.js');
  if (!existsSync(harnessJs) || process.env.ELIXIR_AGENT_BENCH_RECOMPILE_UI !== '0') {
    log('webview: compiling test/ui (tsc -p test/ui/tsconfig.json)');
    spawnSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'test/ui/tsconfig.json'], { cwd: repoRoot, encoding: 'utf8' });
  }
  return { harness: require(harnessJs), fixtures: require(join(repoRoot, 'out/test/ui/webview-harness/fixtures.js')) };
}

/** Installs the frame monitor in the page: window.__frames = [{ start, work }]. */
async function startFrameMonitor(page) {
  await page.evaluate(() => {
    const frames = [];
    window.__frames = frames;
    window.__monitor = true;
    const channel = new MessageChannel();
    let pending;
    channel.port1.onmessage = () => {
      if (pending !== undefined) frames.push({ start: pending, work: performance.now() - pending });
      pending = undefined;
    };
    const tick = (ts) => {
      if (!window.__monitor) return;
      pending = ts;
      channel.port2.postMessage(0);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function streamRun(ChatPage, browser, url, fixtures, tokens) {
  const chat = await ChatPage.open(browser, url);
  try {
    const live = fixtures.assistantMessage('', { status: 'streaming' });
    await chat.push({ type: 'state', state: fixtures.state({ messages: fixtures.longConversation(40) }) });
    await chat.push({ type: 'messageAdded', message: live }, { type: 'blockAdded', messageId: live.id, block: { kind: 'text', text: '' } });
    await chat.nextFrame();
    await startFrameMonitor(chat.page);
    const result = await chat.page.evaluate(
      ({ tokens, rate, id }) =>
        new Promise((resolve) => {
          const host = window.__host;
          const t0 = performance.now();
          let sent = 0;
          let maxLag = 0;
          const timer = setInterval(() => {
            const due = Math.min(tokens.length, Math.floor(((performance.now() - t0) / 1000) * rate));
            if (due - sent > maxLag) maxLag = due - sent;
            while (sent < due) host.push({ type: 'textDelta', messageId: id, blockIndex: 0, text: tokens[sent++] });
            if (sent >= tokens.length) {
              clearInterval(timer);
              const end = performance.now();
              requestAnimationFrame(() =>
                setTimeout(() => {
                  window.__monitor = false;
                  const frames = window.__frames.filter((f) => f.start >= t0 && f.start <= end);
                  resolve({ frames: frames.map((f) => f.work), seconds: (end - t0) / 1000, sent, maxLag });
                }, 0),
              );
            }
          }, 5);
        }),
      { tokens, rate: TOKENS_PER_SECOND, id: live.id },
    );
    await chat.push({ type: 'messageUpdated', messageId: live.id, status: 'done' });
    const shown = await chat.page.evaluate((id) => document.querySelector(`[data-message-id="${id}"]`)?.textContent?.length ?? 0, live.id);
    if (chat.pageErrors.length) throw new Error(`page errors: ${chat.pageErrors.join('; ')}`);
    return { ...result, shownChars: shown };
  } finally {
    await chat.close();
  }
}

async function openRun(ChatPage, browser, url, fixtures, messages) {
  const chat = await ChatPage.open(browser, url);
  try {
    const cdp = await chat.page.context().newCDPSession(chat.page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const before = await heap();
    const state = fixtures.state({ messages });
    const lastId = messages.at(-1).id;
    const paintMs = await chat.page.evaluate(
      ({ state, lastId }) =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          const t0 = performance.now();
          window.__host.push({ type: 'state', state });
          const check = () => {
            requestAnimationFrame(() => channel.port2.postMessage(0));
          };
          channel.port1.onmessage = () => {
            if (document.querySelector(`[data-message-id="${lastId}"]`)) resolve(performance.now() - t0);
            else check();
          };
          check();
        }),
      { state, lastId },
    );
    const after = await heap();
    const dom = await chat.page.evaluate(() => ({ nodes: document.getElementsByTagName('*').length, messages: document.querySelectorAll('.msg').length }));
    if (chat.pageErrors.length) throw new Error(`page errors: ${chat.pageErrors.join('; ')}`);
    return { paintMs, heapMB: after / 1024 / 1024, heapDeltaMB: (after - before) / 1024 / 1024, dom };
  } finally {
    await chat.close();
  }
}

export async function benchWebview({ runs, log }) {
  const group = 'chat webview (Chromium, static harness)';
  const p95 = figure({ id: 'webview.stream.p95', group, label: `streaming ${TOKENS_PER_SECOND} tokens/s: frame time p95`, unit: 'ms', target: { max: 16, source: 'issue' } });
  const maxFrame = figure({ id: 'webview.stream.max', group, label: '  worst frame of the stream', unit: 'ms' });
  const fps = figure({ id: 'webview.stream.fps', group, label: '  frames per second during the stream', unit: '' });
  const paint = figure({ id: 'webview.open.paint', group, label: 'open 2,000 messages: time to first paint', unit: 'ms', target: { max: 1000, source: 'budget' } });
  const heap = figure({ id: 'webview.open.heap', group, label: '  JS heap with 2,000 messages open', unit: 'MB', target: { max: 50, source: 'budget' } });
  const heapDelta = figure({ id: 'webview.open.heapDelta', group, label: '  of which the conversation', unit: 'MB' });
  const all = [p95, maxFrame, fps, paint, heap, heapDelta];
  if (!existsSync(join(repoRoot, 'dist/webview.js'))) {
    log('webview: dist/webview.js is missing: npm run build');
    spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
    if (!existsSync(join(repoRoot, 'dist/webview.js'))) return all.map((f) => notMeasured(f, 'dist/webview.js is missing and npm run build did not make it'));
  }
  let harness;
  let fixtures;
  try {
    ({ harness, fixtures } = loadHarness(log));
  } catch (err) {
    return all.map((f) => notMeasured(f, `the webview harness (test/ui/webview-harness) is not available: ${err.message.split('\n')[0]}`));
  }
  const server = await harness.startServer();
  let browser;
  try {
    browser = await harness.launchBrowser();
    const tokens = answerTokens(TOKENS_PER_SECOND * STREAM_SECONDS);
    const messages = fixtures.longConversation(2000);
    log(`webview: ${runs} run(s): stream ${tokens.length} tokens in ${STREAM_SECONDS} s, open ${messages.length} messages`);
    let last;
    for (let i = 0; i < runs; i++) {
      const s = await streamRun(harness.ChatPage, browser, server.url, fixtures, tokens);
      p95.samples.push(percentile(s.frames, 95));
      maxFrame.samples.push(Math.max(...s.frames));
      fps.samples.push(s.frames.length / s.seconds);
      const o = await openRun(harness.ChatPage, browser, server.url, fixtures, messages);
      paint.samples.push(o.paintMs);
      heap.samples.push(o.heapMB);
      heapDelta.samples.push(o.heapDeltaMB);
      last = { stream: { frames: s.frames.length, medianFrameMs: median(s.frames), sent: s.sent, shownChars: s.shownChars, maxLagTokens: s.maxLag }, open: o.dom };
      log(`  run ${i + 1}: frame p95 ${percentile(s.frames, 95).toFixed(1)} ms over ${s.frames.length} frames; paint ${o.paintMs.toFixed(0)} ms, heap ${o.heapMB.toFixed(1)} MB, ${o.dom.messages} messages in the DOM`);
    }
    p95.extra = last?.stream;
    paint.extra = last?.open;
  } catch (err) {
    return all.map((f) => (f.samples.length ? f : notMeasured(f, err.message.split('\n')[0])));
  } finally {
    await browser?.close();
    await server.close();
  }
  return all;
}
