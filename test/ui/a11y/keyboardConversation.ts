/**
 * The chat with the keyboard alone, in the real VS Code (test host) against
 * the scripted model: into the chat with its shortcut, send, open a file
 * link, insert and copy code, allow and deny tool calls with VS Code's
 * shortcuts and on the card, expand a card, stop, switch persona and reopen
 * a past conversation; the focus shows wherever it goes and comes back to
 * the input after sending and after an approval. Screen reader mode is
 * switched on from the palette for one answer: the chat reads its text.
 * The tests of a `describe` in chatA11y.test.ts (they share its window).
 */
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { turn } from '../../support/scriptedModelServer';
import type { ChatSession } from './chatSession';
import { tabTo, waitForFocus } from './keyboard';

const ANSWER = [
  '## Preloading organizations\n\n',
  'The query in `lib/sample_app/accounts.ex:3` loads each organization separately. Preload it:\n\n',
  '```elixir\nUser\n|> preload(:organization)\n|> Repo.all()\n```\n',
].join('');
const INPUT = 'textarea.chat-input';

export function keyboardConversation(session: () => ChatSession): void {
  let s: ChatSession;
  let chat: Frame;
  const page = () => s.ui.page;
  const press = (key: string) => page().keyboard.press(key);
  const lastAnswer = () => chat.locator('.msg-assistant').last();
  const lastToolResult = () => JSON.stringify(s.model.messageRequests().at(-1).messages.at(-1));

  /** Types a message into the focused input and sends it with Enter. */
  async function send(text: string): Promise<void> {
    await waitForFocus(chat, INPUT);
    await page().keyboard.type(text);
    await press('Enter');
  }
  const idle = () => chat.locator('.stop-button').waitFor({ state: 'hidden', timeout: 60_000 });

  /** Back into the chat with Elixir Agent: Open Chat's shortcut. */
  async function intoChat(): Promise<void> {
    await press('Control+Alt+A');
    chat = await s.hostFrame('view');
    await chat.waitForFunction(() => document.hasFocus(), null, { timeout: 15_000 });
  }

  /** The chat gave the focus to the editor (opening a file, inserting code). */
  const editorFocused = () => page().locator('.editor-instance .monaco-editor.focused').waitFor({ timeout: 30_000 });

  /** Runs a command from the palette with the keyboard. */
  async function palette(label: string): Promise<void> {
    await press('F1');
    const input = page().locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await page().keyboard.type(label);
    const first = page().locator('.quick-input-list .monaco-list-row').first();
    await first.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor({ timeout: 15_000 });
    await press('Enter');
  }

  before(async () => {
    s = session();
    await s.ui.closeSecondarySideBar();
  });

  it('sends, opens a file link, inserts and copies code, with the focus shown and back in the input', async () => {
    await intoChat();
    await chat.locator('.persona-name').waitFor();
    await waitForFocus(chat, INPUT);
    // The input's description tells its keys (VS Code's chat verbosity is on by default).
    assert.match((await chat.locator('#chat-input-help').textContent()) ?? '', /Ctrl\+Enter allows it once and Ctrl\+Alt\+Enter denies it/);

    // In screen reader mode (switched on from the palette) the finished answer is read out, once, not token by token.
    await palette('Toggle Screen Reader Accessibility Mode');
    await page().locator('.part.statusbar', { hasText: 'Screen Reader Optimized' }).waitFor();
    await intoChat();
    s.model.enqueue(turn.slow(ANSWER, 20, 8));
    await send('Why is list_users slow?');
    await lastAnswer().locator('.msg-usage').waitFor({ timeout: 60_000 });
    await waitForFocus(chat, INPUT);
    await chat.locator('[data-testid=announcer]', { hasText: /^Answer finished: Preloading organizations The query in lib\/sample_app\/accounts\.ex:3/ }).waitFor();
    await palette('Toggle Screen Reader Accessibility Mode');
    await page().locator('.part.statusbar', { hasText: 'Screen Reader Optimized' }).waitFor({ state: 'detached' });

    await tabTo(page(), chat, '.msg-assistant a.file-link');
    await press('Enter');
    await page().locator('.tabs-container .tab', { hasText: 'accounts.ex' }).waitFor();
    await editorFocused();

    await intoChat();
    await tabTo(page(), chat, '.msg-assistant button[aria-label="Insert code at cursor"]');
    await press('Enter');
    await page().locator('.editor-instance .view-lines', { hasText: 'preload(:organization)' }).waitFor();
    await editorFocused();

    await intoChat();
    await tabTo(page(), chat, '.msg-assistant button[aria-label="Copy code"]');
    await press('Enter');
    await page().locator('.part.statusbar', { hasText: 'Copied' }).waitFor();

    // Send with the button: the focus comes back to the input.
    await tabTo(page(), chat, INPUT);
    await page().keyboard.type('Thanks');
    s.model.enqueue(turn.text('You are welcome.'));
    await tabTo(page(), chat, 'button.send-button');
    await press('Enter');
    await waitForFocus(chat, INPUT);
    await lastAnswer().getByText('You are welcome.').waitFor({ timeout: 60_000 });
    await idle();
  });

  it("allows and denies tool calls with VS Code's shortcuts and on the card; the focus returns to the input", async () => {
    const ask = async (tag: string) => {
      s.model.enqueue(turn.toolUse('Bash', { command: `echo ${tag}`, description: `Say ${tag}` }, { text: 'Let me check.' }), turn.text(`Finished ${tag}.`));
      await send(`Run the ${tag} check`);
      const card = chat.locator('.tool-card.status-awaiting-approval');
      await card.waitFor({ timeout: 60_000 });
      return card;
    };
    const finished = async (tag: string) => {
      await lastAnswer().getByText(`Finished ${tag}.`).waitFor({ timeout: 60_000 });
      await idle();
    };

    // Ctrl+Enter allows the pending call (package.json keybinding, while the chat has the focus).
    const card = await ask('shortcut-allowed');
    const allow = card.locator('button.approve-once');
    assert.deepEqual(
      { title: await allow.getAttribute('title'), keys: await allow.getAttribute('aria-keyshortcuts'), deny: await card.locator('button.deny').getAttribute('aria-keyshortcuts') },
      { title: 'Allow once (Ctrl+Enter)', keys: 'Control+Enter', deny: 'Control+Alt+Enter' },
    );
    // Announced once, with its keys.
    await chat.locator('[data-testid=announcer]', { hasText: 'Approval needed: Bash wants to run: Ctrl+Enter allows it once, Ctrl+Alt+Enter denies it' }).waitFor();
    await press('Control+Enter');
    await finished('shortcut-allowed');
    assert.match(lastToolResult(), /shortcut-allowed/);
    await waitForFocus(chat, INPUT);

    // Allow once on the card, reached with Shift+Tab.
    await ask('card-allowed');
    await tabTo(page(), chat, '.tool-card.status-awaiting-approval button.approve-once');
    await press('Enter');
    await waitForFocus(chat, INPUT);
    await finished('card-allowed');

    // Ctrl+Alt+Enter denies it.
    await ask('shortcut-denied');
    await press('Control+Alt+Enter');
    await finished('shortcut-denied');
    assert.match(lastToolResult(), /The user denied this tool call/);

    // Deny… on the card, with a reason typed in its box.
    await ask('card-denied');
    await tabTo(page(), chat, '.tool-card.status-awaiting-approval button.deny');
    await press('Enter');
    await waitForFocus(chat, 'input.deny-reason');
    await page().keyboard.type('Not on my machine');
    await press('Enter');
    await waitForFocus(chat, INPUT);
    await finished('card-denied');
    assert.match(lastToolResult(), /The user denied this tool call: Not on my machine/);
    assert.equal(await chat.locator('.tool-card.status-denied').count(), 2);

    // Expand a card from the keyboard.
    const head = chat.locator('.tool-card.status-done .tool-head').last();
    // (Going back from the input, the first done card met is the last one: card-allowed.)
    await tabTo(page(), chat, '.tool-card.status-done .tool-head', { max: 60 });
    await press('Enter');
    assert.equal(await head.getAttribute('aria-expanded'), 'true');
    await chat.locator('.tool-card.status-done .tool-output', { hasText: 'card-allowed' }).waitFor();
  });

  it('stops a streaming answer with its shortcut', async () => {
    await tabTo(page(), chat, INPUT);
    s.model.enqueue(turn.stall('Counting slowly: 1 2 3'));
    await send('Count for me');
    await chat.locator('.msg-assistant.streaming .md', { hasText: 'Counting slowly' }).waitFor({ timeout: 60_000 });
    assert.equal(await chat.locator('.stop-button').getAttribute('title'), 'Stop (Ctrl+Esc, or Escape in the input)');
    await press('Control+Escape');
    await lastAnswer().locator('.msg-stopped').waitFor({ timeout: 30_000 });
    await idle();
    await chat.locator('[data-testid=announcer]', { hasText: 'Answer stopped' }).waitFor();
    await waitForFocus(chat, INPUT);
  });

  /** Opens the persona menu from its button (focused) and picks `which` with the arrows; returns its name. */
  async function pickPersona(which: (radios: Array<{ name: string; checked: boolean }>) => number): Promise<string> {
    await press('Enter');
    await waitForFocus(chat, '.menu [role=menuitemradio][aria-checked=true]');
    const radios = await chat.locator('.menu [role=menuitemradio]').evaluateAll((els) => els.map((e) => ({ name: e.querySelector('.menu-label')?.textContent ?? '', checked: e.getAttribute('aria-checked') === 'true' })));
    const index = which(radios);
    const radio = radios[index];
    assert.ok(radio, `a persona to pick among ${JSON.stringify(radios)}`);
    await press('Home');
    for (let i = 0; i < index; i++) await press('ArrowDown');
    await press('Enter');
    await chat.locator('.persona-name', { hasText: radio.name }).waitFor({ timeout: 30_000 });
    await waitForFocus(chat, '.persona-button');
    return radio.name;
  }

  it('switches persona from its menu and reopens a past conversation, keyboard only', async () => {
    const before = (await chat.locator('.persona-name').textContent()) ?? '';
    await tabTo(page(), chat, '.persona-button', { max: 80 });
    const name = await pickPersona((radios) => radios.findIndex((r) => !r.checked));
    assert.notEqual(name, before);
    assert.equal(await pickPersona((radios) => radios.findIndex((r) => r.name === before)), before);

    // A new conversation, then the first one again from the history (VS Code's quick pick).
    await palette('Elixir Agent: New Conversation');
    await chat.locator('.welcome').waitFor();
    await palette('Elixir Agent: Show Conversation History');
    // The extension's own quick pick opens once the history is read: type into it only then.
    const conversation = page().locator('.quick-input-list .monaco-list-row', { hasText: 'Why is list_users slow?' }).first();
    await conversation.waitFor();
    await page().keyboard.type('Why is list_users');
    await page().locator('.quick-input-list .monaco-list-row').first().locator('.highlight').first().waitFor();
    await press('Enter');
    await chat.locator('.msg-user', { hasText: 'Count for me' }).waitFor({ timeout: 30_000 });
    await chat.waitForFunction(() => document.hasFocus(), null, { timeout: 15_000 });
  });
}
