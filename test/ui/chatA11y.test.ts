/**
 * Accessibility of the chat in the real VS Code (test host), against the
 * scripted model, in one window: a whole conversation with the keyboard
 * alone (a11y/keyboardConversation.ts), then axe-core in every state, theme
 * and width (a11y/axeSweep.ts), with screenshots in test-results/screenshots/.
 * Run: node scripts/run-ui.mjs --grep "accessibility"
 */
import { axeSweep } from './a11y/axeSweep';
import { ChatSession } from './a11y/chatSession';
import { focused } from './a11y/keyboard';
import { keyboardConversation } from './a11y/keyboardConversation';

describe('chat accessibility in the real VS Code', function () {
  this.timeout(600_000);
  let s: ChatSession;

  before(async () => {
    s = await ChatSession.start();
    console.log(`    in ${s.ui.version}`);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && s) {
      console.log(`    screenshot: ${await s.ui.screenshot(`failed-a11y-${this.currentTest.title}`)}`);
      for (const frame of s.ui.page.frames()) {
        if (await frame.evaluate(() => document.hasFocus() && document.body?.dataset.host !== undefined).catch(() => false)) console.log(`    focus: ${JSON.stringify(await focused(frame))}`);
      }
      console.log(s.ui.logs.slice(-40).join('\n'));
    }
  });

  after(async () => {
    if (s?.report.length) console.log(`    axe findings (all impacts):\n      ${[...new Set(s.report)].join('\n      ')}`);
    await s?.close();
  });

  describe('with the keyboard alone', () => keyboardConversation(() => s));
  describe('axe in every state', () => axeSweep(() => s));
});
