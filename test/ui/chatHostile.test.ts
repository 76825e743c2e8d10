/**
 * Hostile model output in the static harness: every payload of
 * test/fixtures/hostile/payloads.json is streamed as an answer (in small
 * chunks, so half-written tags are rendered too). Nothing may run (a window
 * flag trap, a dialog listener, CSP reports), no dangerous element or
 * attribute may reach the DOM, clicking everything in the answers may post
 * nothing but file opens/copies, and the UI (input, header, real approval
 * card) stays ours.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { auditMessage } from './webview-harness/audit';
import { ChatPage, launchBrowser, REPO_ROOT, startServer } from './webview-harness/harness';
import { assistantMessage, state, toolCall, userMessage } from './webview-harness/fixtures';

interface Payload {
  id: string;
  category: string;
  markdown: string;
  visible?: string;
}
const PAYLOADS = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/hostile/payloads.json'), 'utf8')) as Payload[];

describe('chat webview: hostile model output (harness)', function () {
  this.timeout(180_000);
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let chat: ChatPage;
  const requests: string[] = [];

  before(async () => {
    assert.ok(PAYLOADS.length >= 50, `corpus has ${PAYLOADS.length} payloads`);
    server = await startServer();
    browser = await launchBrowser();
    chat = await ChatPage.open(browser, server.url);
    chat.page.on('request', (r) => requests.push(r.url()));
  });
  after(async () => {
    await chat?.close();
    await browser?.close();
    await server?.close();
  });

  it('renders every payload as inert text: nothing runs, nothing dangerous reaches the DOM', async () => {
    // A real tool card waits for approval while the hostile answers stream: only its buttons may approve.
    const real = toolCall({ id: 'toolu_real', name: 'Bash', summary: 'mix test', status: 'awaiting-approval', approval: { title: 'Run mix test?', command: 'mix test' } });
    const holder = assistantMessage('', { blocks: [{ kind: 'tool', call: real }], status: 'streaming' });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('Show me something nasty'), holder], busy: true }) });
    await chat.page.locator('.tool-card.status-awaiting-approval').waitFor();
    const problems: Record<string, string[]> = {};
    const notVisible: string[] = [];
    for (const payload of PAYLOADS) {
      const msg = assistantMessage('', { status: 'streaming' });
      const chunks = payload.markdown.match(/[\s\S]{1,11}/g) ?? [];
      await chat.push({ type: 'messageAdded', message: msg }, ...chunks.map((text) => ({ type: 'textDelta' as const, messageId: msg.id, blockIndex: 0, text })));
      await chat.nextFrame(); // rendered while streaming (half-written tags)
      await chat.push({ type: 'messageUpdated', messageId: msg.id, status: 'done' });
      await chat.page.locator(`[data-message-id="${msg.id}"]:not(.streaming)`).waitFor();
      const found = await chat.page.evaluate(auditMessage, msg.id);
      if (found.length) problems[payload.id] = found;
      if (payload.visible) {
        const text = await chat.page.locator(`[data-message-id="${msg.id}"] .md`).textContent();
        if (!text?.includes(payload.visible)) notVisible.push(`${payload.id}: ${JSON.stringify(text?.slice(0, 120))}`);
      }
      // Click every link and button the answer has: at most a file opens or code is copied.
      await chat.page.evaluate((id) => {
        for (const el of Array.from(document.querySelectorAll<HTMLElement>(`[data-message-id="${id}"] .md a, [data-message-id="${id}"] .md button`))) el.click();
      }, msg.id);
    }
    const opened = await chat.page.evaluate(() => (window as unknown as { __openedLinks: string[] }).__openedLinks);
    const posted = chat.messages.filter((m) => m.type !== 'ready' && m.type !== 'focus');
    assert.deepEqual(
      {
        pwned: await chat.pwned(),
        dialogs: chat.dialogs,
        pageErrors: chat.pageErrors,
        csp: await chat.cspViolations(),
        problems,
        notVisible,
        postedTypes: [...new Set(posted.map((m) => m.type))].filter((t) => !['openFile', 'copy', 'insertAtCursor'].includes(t)),
        openedNonHttp: opened.filter((u) => !/^https?:\/\//.test(u)),
        offHostRequests: requests.filter((u) => !u.startsWith(server.url)),
      },
      { pwned: false, dialogs: [], pageErrors: [], csp: [], problems: {}, notVisible: [], postedTypes: [], openedNonHttp: [], offHostRequests: [] },
    );
    // The UI is still ours: nothing covers the input or the header, and the real card still approves.
    const hit = await chat.page.evaluate(() => {
      const at = (sel: string) => {
        const r = document.querySelector(sel)!.getBoundingClientRect();
        return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest(sel) !== null;
      };
      return { input: at('.chat-input'), persona: at('.persona-button'), bodyVisible: getComputedStyle(document.body).display !== 'none' };
    });
    assert.deepEqual(hit, { input: true, persona: true, bodyVisible: true });
    await chat.screenshot('hostile-dark');
    const card = chat.page.locator('.tool-card', { hasText: 'mix test' });
    await chat.page.locator(`[data-message-id="${holder.id}"]`).scrollIntoViewIfNeeded().catch(() => undefined);
    await chat.page.evaluate(() => (document.querySelector('.transcript')!.scrollTop = 0));
    await card.getByRole('button', { name: 'Allow once' }).click();
    const approve = await chat.waitForPosted((m) => m.type === 'approve');
    assert.deepEqual({ approve, approvals: chat.messages.filter((m) => m.type === 'approve').length }, { approve: { type: 'approve', callId: 'toolu_real', decision: 'allowOnce' }, approvals: 1 });
  });

  it('shows host-provided strings (tool output, titles, persona, history, errors) as text', async () => {
    const evil = `<img src=x onerror="window.__pwned='host'"><script>window.__pwned='host'</script>`;
    const call = toolCall({ name: evil, summary: evil, status: 'awaiting-approval', output: evil, approval: { title: evil, command: evil, warning: evil, diff: `+${evil}` }, path: evil });
    const msg = assistantMessage('', { blocks: [{ kind: 'tool', call }, { kind: 'thinking', text: evil }, { kind: 'notice', text: evil }], error: { title: evil, detail: evil, retryable: true } });
    const base = state();
    await chat.push({
      type: 'state',
      state: state({
        messages: [userMessage(evil), msg],
        persona: { ...base.persona!, name: evil, description: evil, model: evil, problems: [evil], tools: [{ name: evil, status: 'unavailable', detail: evil }] },
        history: [{ id: 'conv-evil', title: evil, updatedAt: Date.now(), messageCount: 1 }],
        env: { ...base.env, projectSummary: evil, mcpServers: [{ name: evil, state: 'down', detail: evil }] },
      }),
    });
    await chat.page.locator('.msg-error').waitFor();
    await chat.page.locator('.tools-toggle').click();
    await chat.page.locator('.tool-card .tool-head').click();
    await chat.page.getByRole('button', { name: 'Conversation history' }).click();
    const counts = await chat.page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('body script:not([src])').length,
      shownAsText: document.body.innerText.split('<img src=x onerror=').length - 1 >= 10,
    }));
    assert.deepEqual({ ...counts, pwned: await chat.pwned(), dialogs: chat.dialogs, csp: await chat.cspViolations() }, { img: 0, scripts: 0, shownAsText: true, pwned: false, dialogs: [], csp: [] });
  });
});
