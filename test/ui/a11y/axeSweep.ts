/**
 * axe-core finds no serious or critical violation in any state of the chat
 * (welcome, streaming, tool card awaiting approval, tool done with output,
 * error with actions, persona menu, @ suggestions, editor tab, history), in
 * the dark, light and high-contrast themes, in a 250 px and a 600 px wide
 * side bar (and editor tab) in the dark theme and at 250 px in the others
 * (contrast depends on the theme, reflow on the width); each is screenshotted to
 * test-results/screenshots/a11y-<state>-<theme>-<width>.png.
 * The tests of a `describe` in chatA11y.test.ts (they share its window).
 */
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { turn } from '../../support/scriptedModelServer';
import { WIDTHS, type ChatSession } from './chatSession';

const THEMES = ['dark', 'light', 'high-contrast'] as const;

export function axeSweep(session: () => ChatSession): void {
  let s: ChatSession;
  before(() => {
    s = session();
  });

  for (const theme of THEMES) {
    it(`has no serious or critical axe violation in the ${theme} theme`, async () => {
      const known = s.failures.length;
      // Nothing left open by an earlier test (a quick pick would take the palette's input, an editor the tab's width).
      if (await s.ui.page.locator('.quick-input-widget').isVisible()) await s.ui.page.keyboard.press('Escape');
      await s.ui.page.setViewportSize({ width: 1400, height: 860 });
      await s.ui.runCommand('View: Close All Editors');
      await s.setTheme(theme);
      s.widths = theme === 'dark' ? WIDTHS : [WIDTHS[0]];
      await s.ui.runCommand('Elixir Agent: New Conversation');
      let chat = await s.sidebar();
      await chat.locator('.welcome .example').first().waitFor();
      await s.check('welcome', 'view', async (f) => void (await f.locator('.welcome .example').first().waitFor()));

      const input = () => chat.locator('textarea.chat-input');
      const send = async (text: string) => {
        await input().fill(text);
        await input().press('Enter');
      };
      const idle = () => chat.locator('.stop-button').waitFor({ state: 'hidden', timeout: 60_000 });

      // Streaming: the stream stalls after its first words, so the state lasts until stopped.
      s.model.enqueue(turn.stall('Looking at `lib/sample_app/accounts.ex` to see how users are loaded'));
      await send('Why is list_users slow?');
      await chat.locator('.msg-assistant.streaming .md', { hasText: 'Looking at' }).waitFor({ timeout: 60_000 });
      await s.check('streaming', 'view', async (f) => void (await f.locator('.msg-assistant.streaming').waitFor()));
      chat = await s.sidebar();
      await chat.locator('.stop-button').click();
      await idle();

      // A tool card awaiting approval, then done with its output.
      s.model.enqueue(turn.toolUse('Bash', { command: "echo '4 tests, 0 failures'", description: 'Report the test results' }, { text: 'Let me check.' }), turn.text('All 4 tests pass.'));
      await send('Run the account tests');
      await chat.locator('.tool-card.status-awaiting-approval').waitFor({ timeout: 60_000 });
      await s.check('approval', 'view', async (f) => void (await f.locator('.tool-card.status-awaiting-approval .approve-once').waitFor()));
      chat = await s.sidebar();
      // Announced once (VS Code's "user action required" announcement is on by default), with its keys (verbosity on).
      await chat.locator('[data-testid=announcer]', { hasText: 'Approval needed: Bash wants to run: Ctrl+Enter allows it once, Ctrl+Alt+Enter denies it' }).waitFor();
      assert.match((await chat.locator('#chat-input-help').textContent()) ?? '', /Ctrl\+Enter allows it once/);
      await chat.locator('.tool-card.status-awaiting-approval .approve-once').click();
      await chat.locator('.msg-assistant', { hasText: 'All 4 tests pass.' }).waitFor({ timeout: 120_000 });
      await idle();
      await chat.locator('[data-testid=announcer]', { hasText: /^Answer finished$/ }).waitFor();
      const openCard = async (f: Frame) => {
        const head = f.locator('.tool-card.status-done .tool-head').last();
        if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
        await f.locator('.tool-card.status-done .tool-output').last().waitFor();
      };
      await s.check('tool-done', 'view', openCard);

      // An error with actions (Open Settings, Retry).
      s.model.enqueue(turn.httpError(403));
      await send('Try once more');
      await chat.locator('.msg-error').last().waitFor({ timeout: 60_000 });
      await idle();
      await s.check('error', 'view', async (f) => void (await f.locator('.msg-error .error-actions button').first().waitFor()));

      // The persona menu.
      await s.check('persona-menu', 'view', async (f) => {
        if (!(await f.locator('.menu').isVisible())) await f.locator('.persona-button').click();
        await f.locator('.menu [role=menuitemradio]').first().waitFor();
      });
      chat = await s.sidebar();
      await chat.locator('.menu').press('Escape');
      await chat.locator('.menu').waitFor({ state: 'detached' });

      // The @ mention list (it closes when the chat loses focus: typed again after each resize).
      await s.check('mentions', 'view', async (f) => {
        const box = f.locator('textarea.chat-input');
        await box.fill('');
        await box.pressSequentially('Look at @acc');
        await f.locator('.mention-popup .mention-option').first().waitFor({ timeout: 30_000 });
      });
      chat = await s.sidebar();
      await input().press('Escape');
      await input().fill('');

      // The editor tab, and its history panel.
      await s.ui.runCommand('Elixir Agent: Open Chat in Editor Tab');
      // The tab opens beside the file being edited: one group, so the tab gets the whole editor area.
      await s.ui.runCommand('View: Join All Editor Groups');
      await s.ui.page.waitForFunction(() => document.querySelectorAll('.part.editor .editor-group-container').length === 1, null, { timeout: 10_000 });
      const tab = await s.hostFrame('panel');
      await tab.locator('.msg-error').last().waitFor({ timeout: 30_000 });
      await s.check('editor-tab', 'panel', async (f) => void (await f.locator('.msg-error').last().waitFor()));
      await s.check('history', 'panel', async (f) => {
        if (!(await f.locator('.history-panel').isVisible())) await f.getByRole('button', { name: 'Conversation history' }).click();
        await f.locator('.history-item').first().waitFor();
      });
      await s.ui.runCommand('View: Close All Editors');
      await s.ui.page.setViewportSize({ width: 1400, height: 860 });
      assert.deepEqual(s.failures.slice(known), []);
    });
  }
}
