/**
 * Background tasks in the real VS Code (test host) against the scripted
 * model server: the agent starts a command with run_in_background, the user
 * approves it on its card, sees it above the input, stops it with its Stop
 * button (the process and what it started are gone), and a task still
 * running when the user starts a new conversation is gone too.
 * Run: node scripts/run-ui.mjs --grep "background tasks in the real VS Code"
 */
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { eventually, killAll, processesWith, sleepToken } from '../support/orphans';
import { ScriptedModelServer, turn } from '../support/scriptedModelServer';
import { VsCodeUi } from './harness';

describe('background tasks in the real VS Code (sample_app, scripted model)', function () {
  if (process.platform !== 'linux') return;
  this.timeout(300_000);
  let model: ScriptedModelServer;
  let ui: VsCodeUi;
  let chat: Frame;
  const tokens: string[] = [];

  before(async () => {
    model = await ScriptedModelServer.start({ fallback: 'echo' });
    ui = await VsCodeUi.launch({
      workspace: 'test/fixtures/sample_app',
      env: { ANTHROPIC_API_KEY: 'sk-ant-test-key', ANTHROPIC_BASE_URL: model.url },
      settings: { 'elixirAgent.baseUrl': model.url, 'chat.disableAIFeatures': true },
    });
    await ui.openChatView();
    chat = await ui.waitForChatContent();
    await chat.locator('.persona-name').waitFor();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && ui) console.log(`    screenshot: ${await ui.screenshot(`failed-bg-${this.currentTest.title}`)}`);
  });
  after(async () => {
    await ui?.close();
    await model?.close();
    tokens.forEach(killAll);
  });

  /** The agent asks to start `sleep <token>` twice in the background; the user allows it on the card. */
  async function agentStartsTask(): Promise<string> {
    const token = sleepToken();
    tokens.push(token);
    model.enqueue(turn.toolUse('Bash', { command: `sleep ${token} & sleep ${token}`, run_in_background: true, description: 'Start the watcher' }), turn.text('The watcher runs in the background.'));
    await chat.locator('textarea.chat-input').fill('Start the watcher');
    await chat.locator('textarea.chat-input').press('Enter');
    const card = chat.locator('.tool-card.status-awaiting-approval');
    await card.waitFor({ timeout: 60_000 });
    await card.getByRole('button', { name: 'Allow once' }).click();
    await chat.locator('.stop-button').waitFor({ state: 'hidden', timeout: 60_000 });
    return token;
  }

  it('shows the task the agent started, and its Stop button ends it with what it started', async () => {
    const token = await agentStartsTask();
    const bar = chat.locator('section.bg-tasks');
    await bar.waitFor({ state: 'visible' });
    assert.equal(await bar.locator('.bg-summary').textContent(), '1 background task running');
    assert.equal(await bar.locator('li.bg-running .bg-command').textContent(), `sleep ${token} & sleep ${token}`);
    assert.ok(processesWith(token).length >= 2, 'the command and its child run');
    await ui.screenshot('chat-background-task-dark');

    await bar.getByRole('button', { name: `Stop background task shell_1: sleep ${token} & sleep ${token}` }).click();
    await bar.waitFor({ state: 'hidden', timeout: 30_000 });
    assert.deepEqual(processesWith(token), []);
  });

  it('ends a running task when the user starts a new conversation', async () => {
    const token = await agentStartsTask();
    await chat.locator('section.bg-tasks').waitFor({ state: 'visible' });
    await ui.runCommand('Elixir Agent: New Conversation');
    await chat.locator('section.bg-tasks').waitFor({ state: 'hidden', timeout: 30_000 });
    assert.ok(await eventually(() => processesWith(token).length === 0, 30_000), 'gone once the conversation is cleared');
  });
});
