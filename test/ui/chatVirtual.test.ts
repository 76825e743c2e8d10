/**
 * Long conversations in the static harness: 2,000 messages with long code
 * blocks render only what is near the viewport, scroll without jumps, and
 * the stream does not move a user who scrolled up.
 */
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ChatPage, launchBrowser, startServer } from './webview-harness/harness';
import { assistantMessage, longConversation, state } from './webview-harness/fixtures';

/** What is in the DOM and what is on screen. */
function snapshot(chat: ChatPage) {
  return chat.page.evaluate(() => {
    const t = document.querySelector('.transcript')!;
    const box = t.getBoundingClientRect();
    const msgs = Array.from(document.querySelectorAll<HTMLElement>('.msg'));
    const visible = msgs.filter((m) => {
      const r = m.getBoundingClientRect();
      return r.bottom > box.top && r.top < box.bottom;
    });
    return {
      inDom: msgs.length,
      visible: visible.map((m) => m.getAttribute('data-message-id')!),
      scrollTop: t.scrollTop,
      scrollHeight: t.scrollHeight,
      clientHeight: t.clientHeight,
    };
  });
}

describe('chat webview: long conversations (harness)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let chat: ChatPage;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    chat = await ChatPage.open(browser, server.url);
    await chat.push({ type: 'state', state: state({ messages: longConversation(2000) }) });
    await chat.page.locator('[data-message-id="m1999"]').waitFor();
  });
  after(async () => {
    assert.deepEqual({ errors: chat.pageErrors, csp: await chat.cspViolations() }, { errors: [], csp: [] });
    await chat.close();
    await browser?.close();
    await server?.close();
  });

  it('opens 2,000 messages at the bottom with only the messages near the viewport in the DOM', async () => {
    const s = await snapshot(chat);
    assert.ok(s.inDom < 60, `${s.inDom} messages in the DOM`);
    assert.ok(s.visible.includes('m1999'), `last message visible: ${s.visible.join(',')}`);
    assert.ok(s.scrollTop + s.clientHeight >= s.scrollHeight - 2, 'scrolled to the bottom');
    // The spacers stand in for the rest: the scroll height covers thousands of messages.
    assert.ok(s.scrollHeight > 2000 * 40, `scroll height ${s.scrollHeight}`);
    await chat.screenshot('long-conversation-dark');
  });

  it('renders the right messages wherever the user scrolls, top to middle to bottom', async () => {
    await chat.page.evaluate(() => (document.querySelector('.transcript')!.scrollTop = 0));
    await chat.page.locator('[data-message-id="m0"]').waitFor();
    let s = await snapshot(chat);
    assert.deepEqual({ first: s.visible[0], small: s.inDom < 60, lastGone: (await chat.page.locator('[data-message-id="m1999"]').count()) === 0 }, { first: 'm0', small: true, lastGone: true });
    await chat.page.evaluate(() => {
      const t = document.querySelector('.transcript')!;
      t.scrollTop = t.scrollHeight / 2;
    });
    await chat.page.waitForFunction(() => {
      const ids = Array.from(document.querySelectorAll('.msg')).map((m) => Number(m.getAttribute('data-message-id')!.slice(1)));
      return ids.length > 0 && Math.min(...ids) > 500 && Math.max(...ids) < 1500;
    });
    s = await snapshot(chat);
    assert.ok(s.visible.length > 0 && s.inDom < 60, JSON.stringify(s));
    // Consecutive: nothing is missing between the rendered items.
    const ids = await chat.page.evaluate(() => Array.from(document.querySelectorAll('.msg')).map((m) => Number(m.getAttribute('data-message-id')!.slice(1))));
    assert.deepEqual(ids, ids.map((_, i) => ids[0]! + i));
  });

  it('keeps the message under the reader still while heights are measured and while the answer streams', async () => {
    // Scroll step by step through unmeasured messages: the anchor must not jump.
    for (let step = 0; step < 5; step++) {
      const before = await chat.page.evaluate(() => {
        const t = document.querySelector('.transcript')!;
        t.scrollTop -= 700;
        const box = t.getBoundingClientRect();
        const m = Array.from(document.querySelectorAll('.msg')).find((e) => e.getBoundingClientRect().bottom > box.top + 1)!;
        return { id: m.getAttribute('data-message-id')!, top: m.getBoundingClientRect().top - box.top };
      });
      await chat.nextFrame();
      await chat.nextFrame();
      const after = await chat.page.evaluate((id) => {
        const t = document.querySelector('.transcript')!.getBoundingClientRect();
        const el = document.querySelector(`[data-message-id="${id}"]`);
        return el ? el.getBoundingClientRect().top - t.top : undefined;
      }, before.id);
      assert.ok(after !== undefined && Math.abs(after - before.top) <= 2, `step ${step}: ${before.id} moved from ${before.top} to ${after}`);
    }
    // A stream at the bottom does not move a reader who scrolled up, and offers a way back.
    const anchor = await chat.page.evaluate(() => {
      const box = document.querySelector('.transcript')!.getBoundingClientRect();
      const m = Array.from(document.querySelectorAll('.msg')).find((e) => e.getBoundingClientRect().bottom > box.top + 1)!;
      return { id: m.getAttribute('data-message-id')!, top: m.getBoundingClientRect().top - box.top };
    });
    const live = assistantMessage('', { status: 'streaming' });
    await chat.push({ type: 'messageAdded', message: live });
    for (let i = 0; i < 5; i++) {
      await chat.push({ type: 'textDelta', messageId: live.id, blockIndex: 0, text: `Line ${i}\n\n`.repeat(20) });
      await chat.nextFrame();
    }
    const top = await chat.page.evaluate((id) => document.querySelector(`[data-message-id="${id}"]`)!.getBoundingClientRect().top - document.querySelector('.transcript')!.getBoundingClientRect().top, anchor.id);
    assert.ok(Math.abs(top - anchor.top) <= 2, `${anchor.id} moved from ${anchor.top} to ${top}`);
    await chat.page.getByRole('button', { name: 'Scroll to the latest message' }).click();
    await chat.page.locator(`[data-message-id="${live.id}"]`).waitFor();
    const s = await snapshot(chat);
    assert.deepEqual({ atBottom: s.scrollTop + s.clientHeight >= s.scrollHeight - 2, last: s.visible.at(-1) }, { atBottom: true, last: live.id });
    // Following again: more text keeps the view at the bottom.
    await chat.push({ type: 'textDelta', messageId: live.id, blockIndex: 0, text: 'More text\n\n'.repeat(30) });
    await chat.nextFrame();
    const s2 = await snapshot(chat);
    assert.ok(s2.scrollTop + s2.clientHeight >= s2.scrollHeight - 2, 'still following the stream');
  });
});
