/**
 * The UI harness's webview lookup (webviewFrames.ts) when VS Code replaces
 * the webview's frames: a page laid out like the workbench (an outer
 * `webview/browser/pre` frame tagged with the extension id, the document in
 * a nested one) whose frames are swapped at the worst moment, while the
 * harness waits on them. In Chromium, without VS Code.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './webview-harness/harness';
import { findWebviewFrame, waitForWebviewContent } from './webviewFrames';

const EXT = 'elixir-agent.elixir-agent';
const hasChat = { predicate: () => document.querySelector('[data-testid=chat-root]') !== null };

/**
 * `/` is the workbench: `?swaps=N` replaces the whole webview N times, each
 * time right when the harness first looks into the current document (its
 * querySelector is the trigger), before the document shows any content;
 * `?swaps=N&inner=1` replaces only the nested document frame.
 */
function startWorkbench(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><body>${body}</body></html>`);
    if (url.pathname === '/') {
      const swaps = Number(url.searchParams.get('swaps') ?? 0);
      const innerOnly = url.searchParams.get('inner') === '1';
      return html(`<div id="host"></div><script>
        let generation = 0;
        const left = { swaps: ${swaps} };
        function outer() {
          const f = document.createElement('iframe');
          f.src = '/webview/browser/pre/index.html?extensionId=${encodeURIComponent(EXT)}&generation=' + (++generation);
          document.getElementById('host').replaceChildren(f);
        }
        // Called by a document when the harness first looks into it.
        window.swapSoon = (frameElement) => {
          if (left.swaps <= 0) return false;
          left.swaps--;
          setTimeout(() => {
            if (${innerOnly}) {
              const next = frameElement.ownerDocument.createElement('iframe');
              next.src = '/webview/browser/pre/doc.html?generation=' + (++generation);
              frameElement.replaceWith(next);
            } else outer();
          }, 0);
          return true;
        };
        outer();
      </script>`);
    }
    if (url.pathname === '/webview/browser/pre/index.html') return html(`<iframe src="/webview/browser/pre/doc.html?generation=${url.searchParams.get('generation')}"></iframe>`);
    if (url.pathname === '/webview/browser/pre/doc.html') {
      // Shows its content a moment after load, unless the workbench swaps it away first.
      return html(`<script>
        const original = Document.prototype.querySelector;
        let looked = false;
        document.querySelector = function (sel) {
          if (!looked) { looked = true; if (top.swapSoon(frameElement)) return null; }
          return original.call(this, sel);
        };
        setTimeout(() => { document.body.insertAdjacentHTML('beforeend', '<main data-testid="chat-root"><span class="persona-name">Elixir Agent</span></main>'); }, 50);
      </script>`);
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

describe('UI harness: webview frames that VS Code replaces', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startWorkbench>>;
  let page: Page;

  before(async () => {
    server = await startWorkbench();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page.close();
  });

  const generation = (frame: { url(): string }) => new URL(frame.url()).searchParams.get('generation');

  it('waits on the new frame when the whole webview is replaced while waiting for its content (twice)', async () => {
    await page.goto(`${server.url}/?swaps=2`);
    const frame = await waitForWebviewContent(page, EXT, { ...hasChat, selector: '.persona-name' }, 30_000);
    assert.deepEqual([generation(frame), frame.isDetached(), await frame.locator('.persona-name').textContent()], ['3', false, 'Elixir Agent']);
  });

  it('waits on the new document when only the nested frame is replaced', async () => {
    await page.goto(`${server.url}/?swaps=1&inner=1`);
    const frame = await waitForWebviewContent(page, EXT, hasChat, 30_000);
    assert.deepEqual([generation(frame), frame.isDetached()], ['2', false]);
    assert.equal(findWebviewFrame(page, EXT), frame, 'the lookup never returns a detached frame');
  });

  it('still fails, saying so, when the content never comes', async () => {
    await page.goto(`${server.url}/?swaps=1`);
    await assert.rejects(waitForWebviewContent(page, EXT, { predicate: () => false }, 3_000), /Timeout 3\d* ?ms exceeded|timed out|Timeout/i);
  });
});
