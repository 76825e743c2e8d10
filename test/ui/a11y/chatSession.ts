/**
 * One VS Code window with the chat, the scripted model behind it, and what
 * the accessibility tests do with it: find the sidebar and editor-tab
 * documents, resize the side bar and the editor area, and check a state
 * (axe findings and screenshots) at several widths.
 */
import type { Frame } from 'playwright-core';
import { ScriptedModelServer } from '../../support/scriptedModelServer';
import { type ThemeKind, VsCodeUi } from '../harness';
import { waitForHostFrame } from '../webviewFrames';
import { blocking, describeFindings, runAxe, type AxeFinding } from './axe';

export const WIDTHS = [250, 600] as const;

export class ChatSession {
  /** Every axe finding (all impacts), one line each, for the log. */
  readonly report: string[] = [];
  /** The serious and critical findings: the test fails on any. */
  readonly failures: string[] = [];
  private theme: ThemeKind = 'dark';
  /** The widths `check` visits: both in the dark theme; one in the others (colours do not depend on the width, layout does not depend on the theme). */
  widths: readonly number[] = WIDTHS;

  private constructor(
    readonly ui: VsCodeUi,
    readonly model: ScriptedModelServer,
  ) {}

  static async start(settings: Record<string, unknown> = {}): Promise<ChatSession> {
    const model = await ScriptedModelServer.start({ fallback: 'echo' });
    try {
      const ui = await VsCodeUi.launch({
        workspace: 'test/fixtures/sample_app',
        env: { ANTHROPIC_API_KEY: 'sk-ant-test-key', ANTHROPIC_BASE_URL: model.url },
        settings: { 'elixirAgent.baseUrl': model.url, 'chat.disableAIFeatures': true, ...settings },
        viewport: { width: 1400, height: 860 },
      });
      return new ChatSession(ui, model);
    } catch (err) {
      await model.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.ui?.close();
    await this.model?.close();
  }

  async setTheme(theme: ThemeKind): Promise<void> {
    if (theme !== this.theme) await this.ui.setTheme(theme);
    this.theme = theme;
  }

  /** The sidebar chat's document once it shows our UI (VS Code may swap the frame while it loads: look again then). */
  async sidebar(): Promise<Frame> {
    await this.ui.openChatView();
    for (let attempt = 0; ; attempt++) {
      try {
        const frame = await this.hostFrame('view');
        await frame.locator('.persona-name').waitFor();
        return frame;
      } catch (err) {
        if (attempt >= 2 || !/detached/i.test(String(err))) throw err;
      }
    }
  }

  /** The innermost document of our webview hosted as a `view` (sidebar) or a `panel` (editor tab). */
  hostFrame(host: 'view' | 'panel', timeoutMs = 90_000): Promise<Frame> {
    return waitForHostFrame(this.ui.page, host, timeoutMs);
  }

  /**
   * Makes the editor area `width` px wide by resizing the window. The
   * primary side bar is closed first: VS Code's grid may otherwise share a
   * window resize between the side bar and the editor, and a side bar
   * wider than the shrunken window allows cannot be dragged back. With the
   * editor the only part that grows and shrinks, the window is off by the
   * editor's error; a second step corrects any rounding.
   */
  async setEditorWidth(width: number): Promise<void> {
    const page = this.ui.page;
    const widths = () => page.evaluate(() => ({ window: window.innerWidth, editor: document.querySelector('.part.editor')?.getBoundingClientRect().width ?? 0 }));
    if (await page.locator('.part.sidebar').isVisible()) {
      await this.ui.runCommand('View: Hide Primary Side Bar').catch(() => this.ui.runCommand('View: Close Primary Side Bar'));
      await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
    }
    const start = await widths();
    if (!start.editor) throw new Error('the editor area is not shown');
    let now = start;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (Math.abs(now.editor - width) <= 2) return;
      const viewport = page.viewportSize() ?? { width: now.window, height: 860 };
      const target = Math.round(viewport.width + width - now.editor);
      await page.setViewportSize({ width: target, height: viewport.height });
      await page.waitForFunction((w) => window.innerWidth === w, target, { timeout: 10_000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      now = await widths();
    }
    throw new Error(`the editor area is not ${width} px wide (was ${start.editor} in a ${start.window} px window; now ${JSON.stringify(now)})`);
  }

  /**
   * Checks one state at each width: resizes (the side bar, or the editor area
   * for the editor tab), lets `show` bring the state back (resizing may close
   * a popup), waits until the webview has laid out at that width, saves a
   * screenshot and runs axe.
   */
  async check(state: string, host: 'view' | 'panel', show: (frame: Frame) => Promise<void>): Promise<void> {
    for (const width of this.widths) {
      if (host === 'view') await this.ui.setSidebarWidth(width);
      else await this.setEditorWidth(width);
      const frame = host === 'view' ? await this.sidebar() : await this.hostFrame('panel');
      // The view's border takes a few pixels: the webview is about as wide as asked.
      await frame.waitForFunction((w) => window.innerWidth <= w && window.innerWidth >= w - 6, width, { timeout: 15_000 }).catch(async (err: unknown) => {
        throw new Error(`the ${host} webview is ${await frame.evaluate(() => window.innerWidth)} px wide, not ${width}: ${String(err)}`);
      });
      await show(frame);
      // Two animation frames: the transcript re-measures after a resize.
      await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const where = `${state} ${this.theme} ${width}px`;
      await this.ui.screenshotOf(host === 'view' ? '.part.sidebar' : '.part.editor', `a11y-${state}-${this.theme}-${width}`);
      const findings: AxeFinding[] = await runAxe(frame);
      this.report.push(...describeFindings(where, findings));
      this.failures.push(...describeFindings(where, blocking(findings)));
    }
  }
}
