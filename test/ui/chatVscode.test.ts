/**
 * The chat panel in the real VS Code (test host) against the scripted model
 * server: a message streams, a tool card is approved, a stream is stopped,
 * the persona is switched, a past conversation is reopened, hostile model
 * output stays inert; screenshots of the main states in dark and light.
 * Run: node scripts/run-ui.mjs --grep "real VS Code"
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { ScriptedModelServer, turn } from '../support/scriptedModelServer';
import { REPO_ROOT, VsCodeUi } from './harness';
import { auditMessage } from './webview-harness/audit';
import { waitForHostFrame } from './webviewFrames';

const ANSWER = [
  '## Preloading organizations\n\n',
  'The query in `lib/sample_app/accounts.ex:3` loads each organization separately. Preload it:\n\n',
  '```elixir\ndef list_users do\n  User\n  |> preload(:organization)\n  |> Repo.all()\nend\n```\n\n',
  'Then run `mix test`.',
].join('');

/** The sidebar chat's document once it shows our UI (the harness looks again when VS Code swaps the frame while it loads). */
function chatDocument(ui: VsCodeUi): Promise<Frame> {
  return ui.waitForChatContent({ selector: '.persona-name' });
}

/** The innermost document of our webview hosted as a `view` (sidebar) or a `panel` (editor tab). */
const hostFrame = (ui: VsCodeUi, host: 'view' | 'panel', timeoutMs = 30_000): Promise<Frame> => waitForHostFrame(ui.page, host, timeoutMs);

describe('chat in the real VS Code (sample_app, scripted model)', function () {
  this.timeout(300_000);
  let model: ScriptedModelServer;
  let ui: VsCodeUi;
  let chat: Frame;
  const dialogs: string[] = [];

  const input = () => chat.locator('textarea.chat-input');
  const lastAnswer = () => chat.locator('.msg-assistant').last();
  async function send(text: string): Promise<void> {
    await input().fill(text);
    await input().press('Enter');
  }
  async function idle(): Promise<void> {
    await chat.locator('.stop-button').waitFor({ state: 'hidden', timeout: 60_000 });
  }

  before(async () => {
    model = await ScriptedModelServer.start({ fallback: 'echo' });
    ui = await VsCodeUi.launch({
      workspace: 'test/fixtures/sample_app',
      env: { ANTHROPIC_API_KEY: 'sk-ant-test-key', ANTHROPIC_BASE_URL: model.url },
      settings: { 'elixirAgent.baseUrl': model.url, 'chat.disableAIFeatures': true },
    });
    console.log(`    in ${ui.version}`);
    ui.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss().catch(() => undefined);
    });
    await ui.openChatView();
    chat = await chatDocument(ui);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && ui) {
      console.log(`    screenshot: ${await ui.screenshot(`failed-chat-${this.currentTest.title}`)}`);
      console.log(ui.logs.slice(-40).join('\n'));
    }
  });

  after(async () => {
    await ui?.close();
    await model?.close();
  });

  it('shows the persona header and a welcome, and sends a message that streams in', async () => {
    assert.equal(await chat.locator('.welcome .example').count(), 5);
    await ui.screenshot('chat-welcome-dark');
    model.enqueue(turn.slow(ANSWER, 25, 6));
    await send('Why is list_users slow?');
    await chat.locator('.msg-assistant.streaming').waitFor();
    await chat.locator('.msg-assistant:not(.streaming) .msg-usage').waitFor({ timeout: 60_000 });
    const answer = await lastAnswer().evaluate((m) => ({
      heading: m.querySelector('h2')?.textContent,
      highlighted: m.querySelectorAll('.hljs-keyword').length > 0,
      fileLink: m.querySelector('a.file-link')?.textContent,
      user: document.querySelector('.msg-user .user-bubble')?.textContent,
    }));
    assert.deepEqual(answer, { heading: 'Preloading organizations', highlighted: true, fileLink: 'lib/sample_app/accounts.ex:3', user: 'Why is list_users slow?' });
    const sent = model.messageRequests().at(-1);
    assert.equal(JSON.stringify(sent.messages.at(-1)).includes('Why is list_users slow?'), true);
    await ui.screenshot('chat-answer-dark');
    // The file link opens the file in an editor at the line.
    await lastAnswer().locator('a.file-link').first().click();
    await ui.page.locator('.tabs-container .tab', { hasText: 'accounts.ex' }).waitFor();
  });

  it('inserts a code block at the cursor of the editor, and opens only files inside the workspace', async () => {
    // accounts.ex was opened by the file link; focus is in the chat, the editor stays the target.
    await lastAnswer().locator('.code-block button[aria-label="Insert code at cursor"]').click();
    await ui.page.locator('.editor-instance .view-lines', { hasText: 'preload(:organization)' }).waitFor();
    // Inserted, not saved (auto-save is off, as on the desktop): revert, so closing the editor later asks nothing.
    await ui.page.locator('.tabs-container .tab.dirty', { hasText: 'accounts.ex' }).waitFor();
    await ui.runCommand('File: Revert File');
    await ui.page.locator('.tabs-container .tab.dirty').waitFor({ state: 'detached' });
    model.enqueue(turn.text('See [the password file](/etc/passwd) and [hosts](../../../../../etc/hosts).'));
    await send('Show me system files');
    await lastAnswer().locator('a.file-link').nth(1).waitFor({ timeout: 60_000 });
    await idle();
    await lastAnswer().locator('a.file-link').nth(0).click();
    await lastAnswer().locator('a.file-link').nth(1).click();
    // Refused with a warning each (read in the notification center: toasts may be held back in this host).
    await ui.runCommand('Notifications: Show Notifications');
    const refused = ui.page.locator('.notifications-center .notification-list-item', { hasText: 'is not a file in this workspace' });
    await refused.nth(1).waitFor();
    assert.deepEqual(
      { refused: (await refused.allTextContents()).map((t) => /\/etc\/passwd|etc\/hosts/.exec(t)?.[0]).sort(), tabs: await ui.page.locator('.tabs-container .tab').allTextContents() },
      { refused: ['/etc/passwd', 'etc/hosts'], tabs: ['accounts.ex'] },
    );
    await ui.runCommand('Notifications: Clear All Notifications');
  });

  it('asks for approval on a tool card and runs the tool once allowed', async () => {
    model.enqueue(turn.toolUse('Bash', { command: 'echo approved-by-ui', description: 'Say hello' }, { text: 'Let me check.' }), turn.text('The command printed approved-by-ui.'));
    await send('Run a harmless command');
    const card = chat.locator('.tool-card.status-awaiting-approval');
    await card.waitFor({ timeout: 60_000 });
    assert.match((await card.locator('.tool-head').textContent()) ?? '', /Bash.*echo approved-by-ui.*Needs approval/);
    await ui.screenshot('chat-approval-dark');
    await card.getByRole('button', { name: 'Allow once' }).click();
    await chat.locator('.tool-card.status-done').waitFor({ timeout: 60_000 });
    await lastAnswer().getByText('The command printed approved-by-ui.').waitFor({ timeout: 60_000 });
    await idle();
    const results = JSON.stringify(model.messageRequests().at(-1).messages.at(-1));
    assert.match(results, /tool_result/);
    assert.match(results, /approved-by-ui/);
    await chat.locator('.tool-card.status-done .tool-head').click();
    await chat.locator('.tool-card .tool-output').waitFor();
    await ui.screenshot('chat-tool-done-dark');
  });

  it('stops a streaming answer and marks it stopped', async () => {
    model.enqueue(turn.slow('Counting slowly: ' + Array.from({ length: 400 }, (_, i) => i).join(' '), 40, 3));
    await send('Count for me');
    await chat.locator('.msg-assistant.streaming .md', { hasText: 'Counting slowly' }).waitFor({ timeout: 60_000 });
    await chat.locator('.stop-button').click();
    await lastAnswer().locator('.msg-stopped').waitFor({ timeout: 30_000 });
    await idle();
    // The partial answer is kept, and it really was cut.
    const kept = (await lastAnswer().locator('.md').textContent()) ?? '';
    assert.deepEqual({ partial: kept.startsWith('Counting slowly'), cut: !kept.includes(' 399') }, { partial: true, cut: true });
    await ui.screenshot('chat-stopped-dark');
  });

  it('keeps the draft and the conversation when the view is hidden and shown again', async () => {
    const messages = await chat.locator('.msg').count();
    await input().fill('A half-written question about GenServer timeouts');
    const gone = ui.page.waitForEvent('framedetached', { predicate: (f) => f === chat });
    await ui.runCommand('View: Toggle Primary Side Bar Visibility');
    await gone;
    await ui.openChatView();
    chat = await chatDocument(ui);
    await chat.locator('.msg').nth(messages - 1).waitFor();
    assert.deepEqual({ draft: await input().inputValue(), messages: await chat.locator('.msg').count() }, { draft: 'A half-written question about GenServer timeouts', messages });
    await input().fill('');
  });

  it('switches persona from the header, and back', async () => {
    const before = (await chat.locator('.persona-name').textContent()) ?? '';
    await chat.locator('.persona-button').click();
    const other = chat.getByRole('menuitemradio').filter({ hasNotText: before }).first();
    const name = (await other.locator('.menu-label').textContent()) ?? '';
    await ui.screenshot('chat-persona-menu-dark');
    await other.click();
    await chat.locator('.persona-name', { hasText: name }).waitFor({ timeout: 30_000 });
    await ui.screenshot('chat-persona-switched-dark');
    await chat.locator('.persona-button').click();
    await chat.getByRole('menuitemradio', { name: new RegExp(`^${before}`) }).click();
    await chat.locator('.persona-name', { hasText: before }).waitFor({ timeout: 30_000 });
    assert.notEqual(name, before);
  });

  it('shows the same conversation in an editor tab, and reopens a past conversation from its history', async () => {
    const inView = await chat.locator('.msg').count();
    await ui.runCommand('Elixir Agent: Open Chat in Editor Tab');
    const tab = await hostFrame(ui, 'panel');
    await tab.locator('.msg-user', { hasText: 'Why is list_users slow?' }).waitFor({ timeout: 30_000 });
    assert.equal(await tab.locator('.msg').count(), inView);
    // New conversation from the tab: both webviews follow.
    await tab.getByRole('button', { name: 'New conversation' }).click();
    await tab.locator('.welcome').waitFor();
    await chat.locator('.welcome').waitFor();
    await tab.getByRole('button', { name: 'Conversation history' }).click();
    const history = tab.getByRole('dialog', { name: 'Conversation history' });
    await history.locator('.history-item:not(.current) .history-open').first().waitFor();
    await ui.screenshot('chat-history-dark');
    await history.locator('.history-item', { hasText: 'Why is list_users slow?' }).locator('.history-open').click();
    await tab.locator('.msg-user', { hasText: 'Why is list_users slow?' }).waitFor({ timeout: 30_000 });
    await chat.locator('.msg-user', { hasText: 'Why is list_users slow?' }).waitFor({ timeout: 30_000 });
    assert.equal(await history.isVisible(), false);
    await ui.screenshot('chat-editor-tab-dark');
    await ui.runCommand('View: Close All Editors');
  });

  it('renders the hostile corpus streamed by the model as inert text', async () => {
    const payloads = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/hostile/payloads.json'), 'utf8')) as Array<{ markdown: string }>;
    await chat.evaluate(() => ((window as unknown as { __pwned: unknown }).__pwned = false));
    model.enqueue(turn.message([{ type: 'text', text: payloads.map((p) => p.markdown).join('\n\n---\n\n') }], { chunkSize: 64 }));
    await send('Show me hostile output');
    await chat.locator('.msg-assistant:not(.streaming) .msg-usage').last().waitFor({ timeout: 60_000 });
    await idle();
    const id = await lastAnswer().getAttribute('data-message-id');
    const problems = await chat.evaluate(auditMessage, id ?? '');
    const trap = await chat.evaluate(() => ({ pwned: (window as unknown as { __pwned: unknown }).__pwned, injected: document.querySelectorAll('#app script, #app iframe, #app object, #app embed, #app style').length }));
    assert.deepEqual({ problems, trap, dialogs }, { problems: [], trap: { pwned: false, injected: 0 }, dialogs: [] });
    await ui.screenshot('chat-hostile-dark');
  });

  it('looks right in the light theme', async () => {
    await ui.setTheme('light');
    await chat.locator('.msg').first().waitFor();
    await ui.screenshot('chat-conversation-light');
    await ui.runCommand('Elixir Agent: New Conversation');
    await chat.locator('.welcome').waitFor();
    await ui.screenshot('chat-welcome-light');
    model.enqueue(turn.toolUse('Bash', { command: 'echo light-theme', description: 'Say hello' }, { text: 'Checking.' }), turn.text(ANSWER));
    await send('Run a command in the light theme');
    const card = chat.locator('.tool-card.status-awaiting-approval');
    await card.waitFor({ timeout: 60_000 });
    await ui.screenshot('chat-approval-light');
    await card.getByRole('button', { name: 'Allow once' }).click();
    await chat.locator('.msg-assistant:not(.streaming) .msg-usage').last().waitFor({ timeout: 60_000 });
    await idle();
    await ui.screenshot('chat-answer-light');
    await ui.setTheme('dark');
  });
});
