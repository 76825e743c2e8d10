/**
 * The chat webview for screen reader and keyboard users, in the static
 * harness: what the live region announces (and what it does not), how VS
 * Code's accessibility settings change that, reduced motion, the @
 * suggestions as a textbox driving a listbox, and where the focus goes
 * after an approval.
 * Run: npm run build && npx tsc -p test/ui/tsconfig.json && npx mocha --timeout 60000 out/test/ui/chatAnnounce.test.js
 */
import * as assert from 'node:assert/strict';
import type { AccessibilityView } from '../../src/shared/protocol';
import { useChatPage, type ChatPage } from './webview-harness/harness';
import { assistantMessage, state, toolCall, userMessage } from './webview-harness/fixtures';

const DEFAULTS: AccessibilityView = { screenReader: false, reduceMotion: 'auto', verbose: true, announceApprovals: true };

describe('chat webview: announcements, accessibility settings and focus (harness)', function () {
  this.timeout(60_000);
  let chat: ChatPage;

  /** Everything the live region said, in order (recorded in the page). */
  const announcements = () => chat.page.evaluate(() => (window as unknown as { __said: string[] }).__said);

  useChatPage(async (opened) => {
    chat = opened;
    await chat.page.evaluate(() => {
      const said: string[] = ((window as unknown as { __said: string[] }).__said = []);
      const live = document.querySelector('[data-testid=announcer]')!;
      new MutationObserver(() => live.textContent && said.push(live.textContent)).observe(live, { childList: true, characterData: true, subtree: true });
    });
  });

  /** Streams an answer, asks for one approval, then finishes; returns what was announced. */
  async function conversation(settings?: AccessibilityView): Promise<string[]> {
    if (settings) await chat.push({ type: 'accessibility', settings });
    const answer = assistantMessage('', { status: 'streaming' });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('Why is list_users slow?'), answer], busy: true }) });
    for (const text of ['## Preloading\n\n', 'Use `preload(:organization)` ', 'in **list_users**.']) await chat.push({ type: 'textDelta', messageId: answer.id, blockIndex: 0, text });
    await chat.push({ type: 'blockAdded', messageId: answer.id, block: { kind: 'tool', call: toolCall({ name: 'Bash', summary: 'mix test', status: 'awaiting-approval', approval: { title: 'Run a command?' } }) } });
    await chat.page.locator('.tool-card.status-awaiting-approval').waitFor();
    await chat.push({ type: 'messageUpdated', messageId: answer.id, status: 'done' });
    const errored = assistantMessage('', { status: 'streaming' });
    await chat.push({ type: 'messageAdded', message: errored }, { type: 'messageUpdated', messageId: errored.id, status: 'error', error: { title: 'Overloaded', detail: 'Anthropic is overloaded; try again.', retryable: true } });
    await chat.page.locator('.msg-error').waitFor();
    await chat.page.waitForFunction(() => (window as unknown as { __said: string[] }).__said.some((s) => s.startsWith('Error')));
    return announcements();
  }

  it('announces an approval with its keys, a finished answer and an error, never the streamed text', async () => {
    assert.deepEqual(await conversation(), [
      'Approval needed: Bash wants to run: Ctrl+Enter allows it once, Ctrl+Alt+Enter denies it',
      'Answer finished',
      'Error: Overloaded. Anthropic is overloaded; try again.',
    ]);
    assert.deepEqual(
      await chat.page.evaluate(() => ({
        live: document.querySelectorAll('[aria-live]').length,
        busyWhileStreaming: document.querySelector('.msg-assistant')?.getAttribute('aria-busy') ?? null,
        names: Array.from(document.querySelectorAll('.msg')).map((m) => m.getAttribute('aria-label')),
        help: document.getElementById('chat-input-help')?.textContent,
      })),
      {
        live: 1,
        busyWhileStreaming: null,
        names: ['Your message', 'Answer from phoenix-elixir-expert', 'Answer from phoenix-elixir-expert, failed'],
        help: 'Enter sends, Shift+Enter starts a new line, @ attaches files, the selection or problems. While an answer runs, Escape or Ctrl+Esc stops it. When a tool call needs approval, Ctrl+Enter allows it once and Ctrl+Alt+Enter denies it.',
      },
    );
  });

  it("follows VS Code's settings: the answer's text in screen reader mode, no approval announcement, no hints, reduced motion", async () => {
    const said = await conversation({ screenReader: true, reduceMotion: 'on', verbose: false, announceApprovals: false });
    assert.deepEqual(said, ['Answer finished: Preloading Use preload(:organization) in list_users.', 'Error: Overloaded. Anthropic is overloaded; try again.']);
    await chat.push({ type: 'busy', busy: true }, { type: 'messageAdded', message: assistantMessage('', { status: 'streaming' }) });
    await chat.page.locator('.msg-working .codicon-modifier-spin').waitFor();
    const spin = () => chat.page.evaluate(() => getComputedStyle(document.querySelector('.msg-working .codicon-modifier-spin')!).animationName);
    assert.deepEqual({ help: await chat.page.locator('#chat-input-help').textContent(), spin: await spin() }, { help: '', spin: 'none' });
    // auto follows the system; off keeps the motion even when the system asks for less.
    await chat.page.emulateMedia({ reducedMotion: 'reduce' });
    await chat.push({ type: 'accessibility', settings: DEFAULTS });
    assert.equal(await spin(), 'none');
    await chat.push({ type: 'accessibility', settings: { ...DEFAULTS, reduceMotion: 'off' } });
    assert.notEqual(await spin(), 'none');
  });

  it('drives the @ suggestions from the textbox (aria-controls, aria-activedescendant) and says how many there are', async () => {
    await chat.push({ type: 'state', state: state() });
    const input = chat.page.getByRole('textbox', { name: 'Message' });
    await input.click();
    await input.type('@acc');
    const query = await chat.waitForPosted((m) => m.type === 'mentionQuery' && m.query === 'acc');
    await chat.push({
      type: 'mentionResults',
      requestId: query.type === 'mentionQuery' ? query.requestId : -1,
      items: [
        { kind: 'file', label: 'accounts.ex', detail: 'lib/app', value: 'lib/app/accounts.ex' },
        { kind: 'file', label: 'accounts_test.exs', detail: 'test/app', value: 'test/app/accounts_test.exs' },
      ],
    });
    await chat.page.getByRole('listbox', { name: 'Context to attach' }).getByRole('option').first().waitFor();
    await input.press('ArrowDown');
    const aria = () => input.evaluate((e) => ({ expanded: e.getAttribute('aria-expanded'), controls: e.getAttribute('aria-controls'), active: e.getAttribute('aria-activedescendant'), autocomplete: e.getAttribute('aria-autocomplete') }));
    assert.deepEqual(await aria(), { expanded: null, controls: 'mention-list', active: 'mention-opt-1', autocomplete: 'list' });
    assert.equal(await chat.page.locator('#mention-opt-1').getAttribute('aria-selected'), 'true');
    await chat.page.waitForFunction(() => (window as unknown as { __said: string[] }).__said.includes('2 suggestions, up and down arrows to choose, Enter to attach'));
    await input.press('Escape');
    assert.deepEqual(await aria(), { expanded: null, controls: null, active: null, autocomplete: 'list' });
  });

  it('brings the focus back to the input after an approval, on the card or from elsewhere', async () => {
    const answer = assistantMessage('', { status: 'streaming' });
    const first = toolCall({ name: 'Bash', summary: 'mix test', status: 'awaiting-approval', approval: { title: 'Run a command?' } });
    const second = toolCall({ name: 'Bash', summary: 'mix format', status: 'awaiting-approval', approval: { title: 'Run a command?' } });
    await chat.push(
      { type: 'state', state: state({ messages: [userMessage('Test and format'), answer], busy: true }) },
      { type: 'blockAdded', messageId: answer.id, block: { kind: 'tool', call: first } },
      { type: 'blockAdded', messageId: answer.id, block: { kind: 'tool', call: second } },
    );
    const input = chat.page.getByRole('textbox', { name: 'Message' });
    const allow = chat.page.locator('.tool-card', { hasText: 'mix test' }).getByRole('button', { name: 'Allow once' });
    assert.deepEqual({ title: await allow.getAttribute('title'), keys: await allow.getAttribute('aria-keyshortcuts') }, { title: 'Allow once (Ctrl+Enter)', keys: 'Control+Enter' });
    await allow.focus();
    await chat.page.keyboard.press('Enter');
    await chat.waitForPosted((m) => m.type === 'approve');
    assert.equal(await input.evaluate((e) => e === document.activeElement), true);
    // The second card is answered from VS Code (its shortcut) while the focus is on it.
    await chat.page.locator('.tool-card', { hasText: 'mix format' }).getByRole('button', { name: 'Deny…' }).focus();
    await chat.push({ type: 'toolUpdated', messageId: answer.id, call: { ...second, status: 'denied', approval: undefined } });
    await chat.page.locator('.tool-card.status-denied').waitFor();
    assert.equal(await input.evaluate((e) => e === document.activeElement), true);
  });
});
