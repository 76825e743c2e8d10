/**
 * The chat webview in the static harness: the background tasks the agent
 * keeps running are shown above the input with a Stop button each, updated
 * as they start and end, and hidden once none runs.
 */
import * as assert from 'node:assert/strict';
import type { BackgroundTaskView } from '../../src/shared/protocol';
import { useChatPage, type ChatPage } from './webview-harness/harness';
import { state, userMessage } from './webview-harness/fixtures';

const task = (id: string, command: string, extra: Partial<BackgroundTaskView> = {}): BackgroundTaskView => ({
  id,
  command,
  status: 'running',
  pid: 4242,
  exitCode: null,
  startedAt: Date.now() - 75_000,
  ...extra,
});

describe('chat webview: background tasks (harness)', function () {
  this.timeout(60_000);
  let chat: ChatPage;
  useChatPage((opened) => {
    chat = opened;
  });

  it('lists running background tasks with a stop button, posts the stop, and hides the bar when none runs', async () => {
    const bar = chat.page.locator('section.bg-tasks');
    await chat.push({ type: 'state', state: { ...state({ messages: [userMessage('Start the server')] }), backgroundTasks: [task('shell_1', 'mix phx.server', { description: 'Start the Phoenix server' })] } });
    await bar.waitFor({ state: 'visible' });
    await chat.push({ type: 'backgroundTasks', tasks: [task('shell_1', 'mix phx.server'), task('shell_2', 'mix test --stale\n--trace', { status: 'exited', exitCode: 2, endedAt: Date.now() })] });
    await chat.page.locator('li.bg-task[data-task-id="shell_2"]').waitFor();
    assert.deepEqual(
      await bar.evaluate((el) => ({
        summary: el.querySelector('.bg-summary')?.textContent,
        rows: Array.from(el.querySelectorAll('li.bg-task')).map((li) => [
          li.querySelector('.bg-id')?.textContent,
          li.querySelector('.bg-command')?.textContent,
          li.querySelector('.bg-status')?.textContent,
          li.querySelector('button')?.getAttribute('aria-label') ?? null,
        ]),
      })),
      {
        summary: '1 background task running',
        rows: [
          ['shell_1', 'mix phx.server', 'running 1m', 'Stop background task shell_1: mix phx.server'],
          ['shell_2', 'mix test --stale', 'exited 2', null],
        ],
      },
    );
    await chat.screenshot('background-tasks');

    await chat.page.getByRole('button', { name: 'Stop background task shell_1: mix phx.server' }).click();
    assert.deepEqual(chat.messages.filter((m) => m.type === 'stopBackgroundTask'), [{ type: 'stopBackgroundTask', id: 'shell_1' }]);
    await chat.push({ type: 'backgroundTasks', tasks: [task('shell_1', 'mix phx.server', { status: 'stopped', endedAt: Date.now() })] });
    await bar.waitFor({ state: 'hidden' });
    // Screen readers hear it (the live region is filled a moment after it is cleared).
    await chat.page.locator('.sr-only[role=status]', { hasText: 'Background task shell_1 stopped' }).waitFor({ state: 'attached' });
  });
});
