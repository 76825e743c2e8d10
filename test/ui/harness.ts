/**
 * UI test harness: the real VS Code of the test host (scripts/lib/vscode-host-lib.mjs)
 * in Chromium, driven with Playwright, with this extension loaded as the
 * development extension (no test runner inside VS Code).
 *
 *   const ui = await VsCodeUi.launch({ workspace: 'test/fixtures/sample_app' });
 *   await ui.openChatView();
 *   const chat = await ui.chatFrame();            // the webview's document
 *   await chat.getByText('Elixir Agent').waitFor();
 *   await ui.screenshot('chat-open');             // test-results/screenshots/chat-open.png
 *   await ui.close();
 *
 * Everything waits on the page's state (selectors, frames), never on fixed sleeps,
 * and looks again when VS Code replaces a webview's frames (webviewFrames.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { Browser, Frame, Page } from 'playwright-core';
import { findWebviewFrame, waitForWebviewContent, waitForWebviewFrame } from './webviewFrames';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const EXTENSION_ID = 'elixir-agent.elixir-agent';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/screenshots');

/** Color themes built into VS Code: the `workbench.colorTheme` value, the theme
 *  picker's label, and the classes the workbench and webviews get for each. */
export const THEMES = {
  dark: { setting: 'Default Dark Modern', label: 'Dark Modern', workbenchClass: 'vs-dark', webviewClass: 'vscode-dark' },
  light: { setting: 'Default Light Modern', label: 'Light Modern', workbenchClass: 'vs', webviewClass: 'vscode-light' },
  'high-contrast': { setting: 'Default High Contrast', label: 'Dark High Contrast', workbenchClass: 'hc-black', webviewClass: 'vscode-high-contrast' },
  'high-contrast-light': { setting: 'Default High Contrast Light', label: 'Light High Contrast', workbenchClass: 'hc-light', webviewClass: 'vscode-high-contrast-light' },
} as const;
export type ThemeKind = keyof typeof THEMES;

export interface LaunchOptions {
  /** Folder or .code-workspace, absolute or relative to the repo. Default: test/fixtures/sample_app. */
  workspace?: string;
  /** Open a temporary copy of the workspace (same folder name), so edits never touch the fixture. Default true. */
  copyWorkspace?: boolean;
  /** User settings for this run (merged over the host's defaults). */
  settings?: Record<string, unknown>;
  /** Open the workspace in Restricted Mode (workspace trust on, not trusted). */
  restricted?: boolean;
  /** Extra environment for VS Code's extension host. ANTHROPIC_* names given here are passed through. */
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
}

interface HostServer {
  authority: string;
  userDataDir: string;
  url(o: { workspace?: string; extensionDevelopmentPaths?: string[]; extensionTestsPath?: string }): string;
  stop(): Promise<void>;
  output(): string;
}
interface HostLib {
  copyWorkspace(workspace: string): { path: string; cleanup(): void };
  startServer(o: { settings?: Record<string, unknown>; restricted?: boolean; env?: NodeJS.ProcessEnv }): Promise<HostServer>;
  openWorkbench(url: string, o: { onLog?: (type: string, args: unknown[]) => void; viewport?: { width: number; height: number } }): Promise<{ browser: Browser; page: Page }>;
  hostVersion(): { version: string; text: string };
}

async function loadHostLib(): Promise<HostLib> {
  const file = path.join(REPO_ROOT, 'scripts/lib/vscode-host-lib.mjs');
  return (await import(pathToFileURL(file).href)) as HostLib;
}

export class VsCodeUi {
  private constructor(
    /** What VS Code logged (workbench, extension host, page console), for failure messages. */
    readonly logs: string[],
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: HostServer,
    /** e.g. "VS Code 1.139.1 (commit ..., server of code-server 4.139.1)" */
    readonly version: string,
    /** The workspace VS Code opened: the temporary copy unless launched with copyWorkspace: false. */
    readonly workspace: string,
    private readonly cleanup: () => void,
  ) {}

  static async launch(opts: LaunchOptions = {}): Promise<VsCodeUi> {
    const lib = await loadHostLib();
    const env = { ...process.env, ...(opts.env ?? {}), ELIXIR_AGENT_HOST_PASS_ENV: Object.keys(opts.env ?? {}).join(',') };
    const fixture = path.resolve(REPO_ROOT, opts.workspace ?? 'test/fixtures/sample_app');
    const copy = opts.copyWorkspace === false ? undefined : lib.copyWorkspace(fixture);
    const workspace = copy?.path ?? fixture;
    const server = await lib.startServer({ settings: opts.settings, restricted: opts.restricted, env });
    const logs: string[] = [];
    let browser: Browser | undefined;
    try {
      const url = server.url({ workspace, extensionDevelopmentPaths: [REPO_ROOT] });
      const opened = await lib.openWorkbench(url, {
        viewport: opts.viewport,
        onLog: (type, args) => logs.push(`${type}: ${format(...args)}`),
      });
      browser = opened.browser;
      const ui = new VsCodeUi(logs, opened.page, opened.browser, server, lib.hostVersion().text, workspace, () => copy?.cleanup());
      opened.page.on('console', (m) => logs.push(`page ${m.type()}: ${m.text()}`));
      await ui.waitForWorkbench();
      return ui;
    } catch (err) {
      await browser?.close().catch(() => undefined);
      await server.stop();
      copy?.cleanup();
      throw err;
    }
  }

  /** The workbench is up with our extension loaded (the title says so, our activity-bar item is there). */
  async waitForWorkbench(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.waitForFunction(() => document.title.includes('[Extension Development Host]'), null, { timeout: 60_000 });
    await this.activityBarItem().waitFor({ timeout: 60_000 });
  }

  /** Runs a command by its palette label, e.g. "Elixir Agent: Open Chat". */
  async runCommand(label: string): Promise<void> {
    const row = await this.findInPalette(label);
    if (!row) {
      await this.page.keyboard.press('Escape');
      throw new Error(`command "${label}" is not in the command palette`);
    }
    await row.click();
  }

  /** Whether the command palette offers `label` now (its `when` clause holds). */
  async commandAvailable(label: string): Promise<boolean> {
    const row = await this.findInPalette(label);
    await this.page.keyboard.press('Escape');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    return row !== undefined;
  }

  private async findInPalette(label: string) {
    const input = this.page.locator('.quick-input-widget input.input');
    // The workbench sometimes closes a just-opened palette (focus moving to a
    // view or a notification while it starts up): reopen it and type again.
    for (let attempt = 1; ; attempt++) {
      try {
        if (!(await input.isVisible())) {
          await this.page.keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: 10_000 });
        }
        await input.fill(`>${label}`, { timeout: 10_000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await this.page.keyboard.press('Escape');
      }
    }
    return this.pickRow(label);
  }

  /** The row of the open quick pick labelled exactly `label`, once the list shows the filter's result. */
  private async pickRow(label: string) {
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    // Filtered rows carry match highlights; otherwise the palette shows a
    // "similar commands" section or a "No matching ..." row.
    const settled = rows
      .filter({ has: this.page.locator('.highlight') })
      .or(rows.filter({ hasText: /^No matching|similar commands/ }));
    await settled.first().waitFor({ timeout: 15_000 });
    const exact = rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
    return (await exact.count()) > 0 ? exact.first() : undefined;
  }

  /**
   * The values of the workbench's context keys (what `when` clauses see),
   * read with "Developer: Inspect Context Keys", which logs them to the page
   * console when an element is clicked.
   */
  async contextKeys(): Promise<Record<string, unknown>> {
    const logged = this.page.waitForEvent('console', {
      predicate: (m) => m.type() === 'log' && m.args().length === 1 && m.text().startsWith('{'),
      timeout: 15_000,
    });
    await this.runCommand('Developer: Inspect Context Keys');
    await this.page.locator('.part.statusbar').click();
    const msg = await logged;
    return (await msg.args()[0]!.jsonValue()) as Record<string, unknown>; // the predicate asked for one argument
  }

  /** Hides VS Code's secondary side bar (its own Chat) when it is open. */
  async closeSecondarySideBar(): Promise<void> {
    const aux = this.page.locator('.part.auxiliarybar');
    if (await aux.isVisible()) {
      await this.page.locator('.monaco-workbench').focus();
      await this.runCommand('View: Hide Secondary Side Bar').catch(() => this.runCommand('View: Close Secondary Side Bar'));
      await aux.waitFor({ state: 'hidden' });
    }
  }

  activityBarItem() {
    return this.page.locator('.part.activitybar .action-item a[aria-label^="Elixir Agent"]');
  }

  /** Shows our view container in the side bar (a click on an already shown item would hide it). */
  async openChatView(): Promise<void> {
    await this.closeSecondarySideBar();
    const item = this.activityBarItem();
    const li = this.page.locator('.part.activitybar .action-item', { has: this.page.locator('a[aria-label^="Elixir Agent"]') });
    if (!(await li.evaluate((el) => el.classList.contains('checked')))) await item.click();
    await this.page.locator('.part.sidebar .composite.title', { hasText: /Elixir Agent/i }).waitFor();
  }

  /**
   * The document of our chat webview: the innermost frame under a
   * `webview/browser/pre` frame opened for this extension. Waits for it.
   */
  async chatFrame(timeoutMs = 30_000): Promise<Frame> {
    return waitForWebviewFrame(this.page, EXTENSION_ID, timeoutMs);
  }

  /**
   * Waits until the chat webview shows our content (`[data-testid=chat-root]`
   * or the text "Elixir Agent"; then `selector`, when given) and returns its
   * frame. VS Code may replace the webview's frames while they load: a
   * detached frame is looked up again, never a failure (webviewFrames.ts).
   */
  async waitForChatContent(options: number | { timeoutMs?: number; selector?: string } = {}): Promise<Frame> {
    const { timeoutMs = 30_000, selector } = typeof options === 'number' ? { timeoutMs: options } : options;
    return waitForWebviewContent(
      this.page,
      EXTENSION_ID,
      { predicate: () => document.querySelector('[data-testid=chat-root]') !== null || (document.body?.innerText ?? '').includes('Elixir Agent'), selector },
      timeoutMs,
    );
  }

  /** Saves a PNG of the whole window to test-results/screenshots/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Switches the color theme the way a user does (Preferences: Color Theme,
   * which writes `workbench.colorTheme` to the user settings; to start in a
   * theme, launch with `settings: { 'workbench.colorTheme': THEMES.light.setting }`) and waits until
   * the workbench, and an open chat webview, show it. (The settings file
   * itself is read at launch only: pass other settings to launch().)
   */
  async setTheme(kind: ThemeKind): Promise<void> {
    // The picker can be slow to fill on a busy machine (it also asks the
    // marketplace, offline here): a second try after closing it.
    try {
      await this.pickTheme(kind);
    } catch (err) {
      console.log(`    setTheme(${kind}) failed once, trying again: ${String(err).split('\n')[0]}`);
      if (await this.page.locator('.quick-input-widget').isVisible()) await this.page.keyboard.press('Escape');
      await this.pickTheme(kind, true);
    }
  }

  private async pickTheme(kind: ThemeKind, retry = false): Promise<void> {
    const theme = THEMES[kind];
    // On a retry the first pick may have landed late: then only the webview is left to check.
    const landed = retry && (await this.page.evaluate((cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls) ?? false, theme.workbenchClass));
    if (!landed) await this.selectThemeInPicker(theme.label);
    await this.page.waitForFunction((cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls) ?? false, theme.workbenchClass, { timeout: 30_000 });
    if (findWebviewFrame(this.page, EXTENSION_ID)) {
      await waitForWebviewContent(this.page, EXTENSION_ID, { predicate: (cls) => document.body?.classList.contains(cls as string) ?? false, arg: theme.webviewClass }, 30_000);
    }
  }

  private async selectThemeInPicker(label: string): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(label);
    const row = await this.pickRow(label);
    if (!row) throw new Error(`theme "${label}" is not in the theme picker`);
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /**
   * Drags the sash at the right edge of the primary side bar until the side
   * bar is `width` CSS pixels wide (as a user resizes it), and waits for it.
   */
  async setSidebarWidth(width: number): Promise<void> {
    const sidebar = this.page.locator('.part.sidebar');
    for (let attempt = 1; ; attempt++) {
      const box = await sidebar.boundingBox();
      if (!box) throw new Error('the primary side bar is not shown');
      if (Math.abs(box.width - width) <= 1) return;
      const right = box.x + box.width;
      const sash = await this.page.evaluate((edge) => {
        for (const el of document.querySelectorAll('.monaco-sash.vertical')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.height > 100 && Math.abs(r.left + r.width / 2 - edge) <= 4) return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
        return undefined;
      }, right);
      if (!sash) throw new Error(`no sash at the side bar's right edge (x=${right})`);
      await this.page.mouse.move(sash.x, sash.y);
      await this.page.mouse.down();
      await this.page.mouse.move(sash.x + (width - box.width) / 2, sash.y, { steps: 2 });
      await this.page.mouse.move(sash.x + (width - box.width), sash.y, { steps: 2 });
      await this.page.mouse.up();
      await this.page.mouse.move(0, 0);
      const done = await this.page
        .waitForFunction((w) => Math.abs((document.querySelector('.part.sidebar')?.getBoundingClientRect().width ?? 0) - w) <= 1, width, { timeout: 5_000 })
        .then(() => true, () => false);
      if (done) return;
      if (attempt >= 3) throw new Error(`the side bar is ${(await sidebar.boundingBox())?.width} px wide, not ${width}`);
    }
  }

  /** Saves a PNG of one part of the window (e.g. '.part.sidebar') to test-results/screenshots/<name>.png. */
  async screenshotOf(selector: string, name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.locator(selector).first().screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    this.cleanup();
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
