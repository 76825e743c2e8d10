/**
 * The chat webview in a plain Chromium page, without VS Code: a tiny local
 * HTTP server serves index.html (same CSP as the real webview), dist/ and
 * a fake acquireVsCodeApi (fake-vscode.js) that records posted messages and
 * lets a test push HostMessages. Fast UI tests of rendering, streaming,
 * approvals, virtualization and the hostile corpus run here.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Dialog, type Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../../src/shared/protocol';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
const HARNESS_DIR = path.join(REPO_ROOT, 'test/ui/webview-harness');
const DIST_DIR = path.join(REPO_ROOT, 'dist');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/screenshots');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** Serves `/` (index.html), `/harness/*` and `/dist/*`; nothing outside those folders. */
export function startServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file: string | undefined;
    const inside = (root: string, rel: string) => {
      const full = path.resolve(root, `.${path.posix.normalize(`/${decodeURIComponent(rel)}`)}`);
      return full.startsWith(root + path.sep) ? full : undefined;
    };
    if (url.pathname === '/' || url.pathname === '/index.html') file = path.join(HARNESS_DIR, 'index.html');
    else if (url.pathname.startsWith('/harness/')) file = inside(HARNESS_DIR, url.pathname.slice('/harness/'.length));
    else if (url.pathname.startsWith('/dist/')) file = inside(DIST_DIR, url.pathname.slice('/dist/'.length));
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(path.join(DIST_DIR, 'webview.js'))) throw new Error('dist/webview.js is missing: run npm run build first');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface OpenOptions {
  theme?: 'dark' | 'light' | 'hc';
  width?: number;
  height?: number;
}

/** One page of the harness: push host messages, read what the webview posted. */
export class ChatPage {
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];
  /** Every message the webview posted, in order (reported through an exposed binding). */
  readonly messages: WebviewMessage[] = [];
  private waiters: Array<{ pred: (m: WebviewMessage) => boolean; resolve: (m: WebviewMessage) => void }> = [];

  private constructor(readonly page: Page) {
    page.on('dialog', (d: Dialog) => {
      this.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    page.on('pageerror', (e) => this.pageErrors.push(String(e)));
  }

  static async open(browser: Browser, baseUrl: string, opts: OpenOptions = {}): Promise<ChatPage> {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 420, height: opts.height ?? 760 } });
    const page = await context.newPage();
    const chat = new ChatPage(page);
    await page.exposeFunction('__onPosted', (m: WebviewMessage) => chat.record(m));
    // A trap: hostile payloads try to set this or call alert(); nothing may.
    await page.addInitScript(() => {
      (window as unknown as { __pwned: unknown }).__pwned = false;
    });
    await page.goto(`${baseUrl}/?theme=${opts.theme ?? 'dark'}`);
    await chat.waitForPosted((m) => m.type === 'ready');
    return chat;
  }

  async push(...messages: HostMessage[]): Promise<void> {
    await this.page.evaluate((msgs) => {
      for (const m of msgs) (window as unknown as { __host: { push(m: unknown): void } }).__host.push(m);
    }, messages);
  }

  private record(m: WebviewMessage): void {
    this.messages.push(m);
    for (const w of this.waiters.filter((w) => w.pred(m))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(m);
    }
  }

  /** Forgets what was posted so far. */
  clearPosted(): void {
    this.messages.length = 0;
  }

  /** The first posted message matching `pred` (already posted or the next one), within `timeout` ms. */
  waitForPosted(pred: (m: WebviewMessage) => boolean, timeout = 10_000): Promise<WebviewMessage> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (m: WebviewMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching message was posted within ${timeout} ms; posted: ${JSON.stringify(this.messages).slice(0, 2000)}`));
      }, timeout);
      this.waiters.push(waiter);
    });
  }

  /** Resolves after the next animation frame has run (deltas are flushed per frame). */
  async nextFrame(): Promise<void> {
    await this.page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  }

  async pwned(): Promise<unknown> {
    return this.page.evaluate(() => (window as unknown as { __pwned: unknown }).__pwned);
  }

  async cspViolations(): Promise<unknown[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: unknown[] }).__cspViolations);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `harness-${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

/**
 * The mocha hooks of a harness test file: one server and one browser for the
 * file, a fresh chat page for each test (handed to `opened`, which may prepare
 * it), and after each test a screenshot when it failed and the check that the
 * page raised no error, opened no dialog and broke no CSP rule.
 */
export function useChatPage(opened: (chat: ChatPage) => void | Promise<void>): void {
  let browser: Browser | undefined;
  let server: { url: string; close(): Promise<void> } | undefined;
  let chat: ChatPage | undefined;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    assert.ok(browser && server, 'the browser and the harness server started');
    chat = await ChatPage.open(browser, server.url);
    await opened(chat);
  });
  afterEach(async function () {
    if (!chat) return;
    if (this.currentTest?.state === 'failed') await chat.screenshot(`failed-${this.currentTest.title}`);
    assert.deepEqual({ errors: chat.pageErrors, dialogs: chat.dialogs, csp: await chat.cspViolations() }, { errors: [], dialogs: [], csp: [] });
    await chat.close();
    chat = undefined;
  });
}
