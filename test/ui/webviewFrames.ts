/**
 * Finding an extension's webview document in the VS Code page. A webview is
 * an `<iframe>` on `webview/browser/pre/` (tagged with the extension's id)
 * holding the extension's document in a nested frame of the same kind. VS
 * Code may replace those frames while they load (a view is moved, restored,
 * the theme changes, the workbench re-renders): a frame found a moment ago
 * can be detached before the test uses it. So every lookup here is retried
 * until its deadline, and a wait on a frame that is detached or navigated
 * away starts over with the frame VS Code shows now.
 */
import type { Frame, Page } from 'playwright-core';

const isWebview = (f: Frame): boolean => !f.isDetached() && f.url().includes('webview/browser/pre');

/** The innermost live document of `extensionId`'s webview, if one is attached now. */
export function findWebviewFrame(page: Page, extensionId: string): Frame | undefined {
  const ours = page.frames().filter((f) => isWebview(f) && f.url().includes(`extensionId=${encodeURIComponent(extensionId)}`));
  for (const outer of ours) {
    let inner = outer;
    for (let next = inner.childFrames().find(isWebview); next; next = next.childFrames().find(isWebview)) inner = next;
    if (inner !== outer) return inner;
  }
  return undefined;
}

/** Waits until the webview's document frame exists. */
export async function waitForWebviewFrame(page: Page, extensionId: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = findWebviewFrame(page, extensionId);
    if (frame) return frame;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(`no webview frame of ${extensionId} after ${timeoutMs} ms; frames: ${page.frames().map((f) => f.url().slice(0, 160)).join(', ')}`);
    }
    // A webview's frames attach blank and then navigate to their `pre/` page.
    await Promise.race([page.waitForEvent('frameattached', { timeout: left }), page.waitForEvent('framenavigated', { timeout: left })]).catch(() => undefined);
  }
}

/**
 * The innermost document of the chat webview hosted as a `view` (side bar)
 * or a `panel` (editor tab): its body says which (`data-host`). Frames
 * attach blank and then navigate to their `pre/` page, and a loading one
 * sets `data-host` later: each is a reason to look again, and so is a
 * second passing (an event may come between two looks).
 */
export async function waitForHostFrame(page: Page, host: 'view' | 'panel', timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const loading: Frame[] = [];
    for (const f of page.frames()) {
      if (!isWebview(f) || f.childFrames().some(isWebview)) continue;
      const kind = await f.evaluate(() => document.body?.dataset.host).catch(() => undefined);
      if (kind === host) return f;
      if (kind === undefined) loading.push(f);
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no ${host} webview after ${timeoutMs} ms; frames: ${page.frames().map((f) => f.url().slice(0, 120)).join(', ')}`);
    const step = Math.min(left, 1_000);
    await Promise.race([
      page.waitForEvent('frameattached', { timeout: step }),
      page.waitForEvent('framenavigated', { timeout: step }),
      ...loading.map((f) => f.waitForFunction(() => document.body?.dataset.host !== undefined, null, { timeout: step })),
    ]).catch(() => undefined);
  }
}

/** Errors that mean "the frame went away (or reloaded) under us", not "the content is wrong". */
export function isFrameGone(err: unknown): boolean {
  return /frame (was|got) detached|frame has been detached|execution context was destroyed|target (page, context or browser )?(has been )?closed|navigat/i.test(String(err));
}

export interface ContentWait {
  /** Runs in the document until it returns true. */
  predicate: (arg: unknown) => boolean;
  arg?: unknown;
  /** Then, optionally, an element that must be there. */
  selector?: string;
}

/**
 * Waits until the webview's document satisfies `wait`, and returns that
 * frame. When the frame is replaced or detached meanwhile, looks again and
 * waits on the new one, until the deadline.
 */
export async function waitForWebviewContent(page: Page, extensionId: string, wait: ContentWait, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  let replaced = 0;
  for (;;) {
    const frame = await waitForWebviewFrame(page, extensionId, Math.max(1, deadline - Date.now()));
    try {
      await frame.waitForFunction(wait.predicate, wait.arg, { timeout: Math.max(1, deadline - Date.now()) });
      if (wait.selector) await frame.locator(wait.selector).first().waitFor({ timeout: Math.max(1, deadline - Date.now()) });
      if (!frame.isDetached()) return frame;
    } catch (err) {
      if (!isFrameGone(err) || Date.now() >= deadline) {
        throw replaced > 0 && err instanceof Error ? Object.assign(err, { message: `${err.message} (after the webview's frame was replaced ${replaced} time(s))` }) : err;
      }
    }
    replaced++;
  }
}
