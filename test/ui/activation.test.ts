/**
 * UI: the extension in the real VS Code (sample_app): its activity-bar item
 * opens the chat view and the webview renders, in every kind of theme; its
 * commands are in the palette; its context key is set.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import { VsCodeUi, type ThemeKind } from './harness';

describe('Elixir Agent in the VS Code window (sample_app)', function () {
  this.timeout(180_000);
  let ui: VsCodeUi;

  before(async () => {
    ui = await VsCodeUi.launch({ workspace: 'test/fixtures/sample_app' });
    console.log(`    in ${ui.version}`);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && ui) {
      console.log(`    screenshot: ${await ui.screenshot(`failed-${this.currentTest.title}`)}`);
      console.log(ui.logs.slice(-40).join('\n'));
    }
  });

  after(async () => {
    await ui?.close();
  });

  it('opens the chat view from the activity bar and its webview renders', async () => {
    await ui.openChatView();
    const frame = await ui.waitForChatContent();
    const content = await frame.evaluate(() => ({
      hasRoot: document.querySelector('[data-testid=chat-root]') !== null,
      text: document.body.innerText,
    }));
    assert.ok(content.hasRoot || content.text.includes('Elixir Agent'), `unexpected webview content: ${JSON.stringify(content)}`);
    const file = await ui.screenshot('chat-view-dark');
    assert.ok(fs.statSync(file).size > 5_000, `${file} looks empty`);
  });

  it('follows the color theme into the webview (light, high contrast, back to dark)', async () => {
    const kinds: ThemeKind[] = ['light', 'high-contrast', 'dark'];
    for (const kind of kinds) {
      await ui.setTheme(kind);
      await ui.waitForChatContent();
      await ui.screenshot(`chat-view-${kind}`);
    }
  });

  it('sets its context key once active', async () => {
    const keys = await ui.contextKeys();
    assert.strictEqual(keys['elixirAgent.activated'], true, 'elixirAgent.activated is not set');
  });

  it('offers its commands in the palette, and hides the internal ones', async () => {
    const available = {
      openChat: await ui.commandAvailable('Elixir Agent: Open Chat'),
      showLog: await ui.commandAvailable('Elixir Agent: Show Log'),
      fixDiagnosticIsInternal: await ui.commandAvailable('Elixir Agent: Ask Elixir Agent to Fix'),
    };
    assert.deepStrictEqual(available, { openChat: true, showLog: true, fixDiagnosticIsInternal: false });
  });

  it('runs a command from the palette: Show Log shows the Elixir Agent log', async () => {
    await ui.runCommand('Elixir Agent: Show Log');
    const panel = ui.page.locator('.part.panel');
    await panel.locator('.view-lines', { hasText: /\[(trace|debug|info|warning|error)\]/ }).first().waitFor();
    const channel = await panel.locator('select.monaco-select-box').first().evaluate((s: HTMLSelectElement) => s.options[s.selectedIndex]?.text);
    assert.strictEqual(channel, 'Elixir Agent');
    await ui.screenshot('show-log');
  });
});
