/**
 * The chat webview in the static harness: what the user does and what the
 * webview posts: tool approvals, stop, send, @ mentions, persona, history,
 * and the UI state that survives a reload.
 */
import * as assert from 'node:assert/strict';
import type { WebviewMessage } from '../../src/shared/protocol';
import { useChatPage, type ChatPage } from './webview-harness/harness';
import { assistantMessage, EDIT_DIFF, longConversation, state, toolCall, userMessage } from './webview-harness/fixtures';

const userPosts = (chat: ChatPage): WebviewMessage[] => chat.messages.filter((m) => m.type !== 'ready' && m.type !== 'mentionQuery' && m.type !== 'focus');

describe('chat webview: interactions (harness)', function () {
  this.timeout(60_000);
  let chat: ChatPage;
  useChatPage((opened) => {
    chat = opened;
  });

  it('approves a tool call from its card, then shows it running and done with its output and diff', async () => {
    const answer = assistantMessage('I will fix the query.', { status: 'streaming' });
    const edit = toolCall({
      name: 'Edit',
      summary: 'lib/app/accounts.ex',
      path: 'lib/app/accounts.ex',
      status: 'awaiting-approval',
      input: { file_path: '/work/app/lib/app/accounts.ex', old_string: 'Repo.all(User)', new_string: 'User |> preload(:organization) |> Repo.all()' },
      approval: { title: 'Edit lib/app/accounts.ex?', diff: EDIT_DIFF },
      diff: EDIT_DIFF,
    });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('Fix the N+1'), answer], busy: true }) }, { type: 'blockAdded', messageId: answer.id, block: { kind: 'tool', call: edit } });
    const card = chat.page.locator('.tool-card.status-awaiting-approval');
    await card.waitFor();
    assert.deepEqual(
      await card.evaluate((c) => ({
        head: c.querySelector('.tool-head')?.textContent,
        title: c.querySelector('.approval-title')?.textContent,
        added: c.querySelectorAll('.tool-approval .diff-add').length,
        removed: c.querySelectorAll('.tool-approval .diff-del').length,
        buttons: Array.from(c.querySelectorAll('.approval-actions button')).map((b) => b.textContent),
      })),
      { head: 'Editlib/app/accounts.ex+3−1Needs approval', title: 'Edit lib/app/accounts.ex?', added: 3, removed: 1, buttons: ['Allow once', 'Allow for this conversation', 'Deny…'] },
    );
    await chat.screenshot('approval-dark');
    await card.getByRole('button', { name: 'Allow once' }).click();
    await chat.waitForPosted((m) => m.type === 'approve');
    // Buttons are gone at once (no double decision) until the host updates the card.
    assert.equal(await card.locator('.approval-actions').count(), 0);
    await chat.push({ type: 'toolUpdated', messageId: answer.id, call: { ...edit, status: 'running', approval: undefined } });
    await chat.page.locator('.tool-card.status-running').waitFor();
    await chat.push({ type: 'toolUpdated', messageId: answer.id, call: { ...edit, status: 'done', approval: undefined, output: 'The file lib/app/accounts.ex was edited.' } });
    const done = chat.page.locator('.tool-card.status-done');
    await done.waitFor();
    await done.locator('.tool-head').click();
    await done.locator('.tool-output').waitFor();
    assert.deepEqual(
      await done.evaluate((c) => ({
        expanded: c.querySelector('.tool-head')?.getAttribute('aria-expanded'),
        output: c.querySelector('.tool-output')?.textContent,
        diffLines: c.querySelectorAll('.tool-body .diff-line').length,
        input: c.querySelector('.tool-input')?.textContent,
      })),
      { expanded: 'true', output: 'The file lib/app/accounts.ex was edited.', diffLines: 9, input: '{\n  "file_path": "/work/app/lib/app/accounts.ex"\n}' },
    );
    await done.locator('.tool-path').click();
    await chat.waitForPosted((m) => m.type === 'openFile');
    assert.deepEqual(userPosts(chat), [
      { type: 'approve', callId: edit.id, decision: 'allowOnce' },
      { type: 'openFile', path: 'lib/app/accounts.ex' },
    ]);
  });

  it('allows for the conversation, and denies with a reason typed on the card', async () => {
    const answer = assistantMessage('', { status: 'streaming' });
    const bash = toolCall({ name: 'Bash', summary: 'mix ecto.reset', status: 'awaiting-approval', input: { command: 'mix ecto.reset' }, approval: { title: 'Run a command?', command: 'mix ecto.reset', warning: 'Drops and recreates the dev database.' } });
    const eval_ = toolCall({ name: 'mcp__tidewave__project_eval', summary: 'Repo.aggregate(User, :count)', status: 'awaiting-approval', approval: { title: 'Evaluate Elixir in the running app?' } });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('Reset'), answer], busy: true }) }, { type: 'blockAdded', messageId: answer.id, block: { kind: 'tool', call: bash } }, { type: 'blockAdded', messageId: answer.id, block: { kind: 'tool', call: eval_ } });
    const bashCard = chat.page.locator('.tool-card', { hasText: 'mix ecto.reset' });
    await bashCard.locator('.approval-warning').waitFor();
    await bashCard.getByRole('button', { name: 'Deny…' }).click();
    const reason = bashCard.getByRole('textbox', { name: 'Reason for denying' });
    await reason.waitFor();
    assert.equal(await reason.evaluate((e) => e === document.activeElement), true);
    await reason.fill('Never reset my database');
    await reason.press('Enter');
    const evalCard = chat.page.locator('.tool-card', { hasText: 'project_eval' });
    assert.equal(await evalCard.locator('.tool-server').textContent(), 'tidewave');
    await evalCard.getByRole('button', { name: 'Allow for this conversation' }).click();
    await chat.waitForPosted((m) => m.type === 'approve' && m.decision === 'allowConversation');
    assert.deepEqual(userPosts(chat), [
      { type: 'approve', callId: bash.id, decision: 'deny', reason: 'Never reset my database' },
      { type: 'approve', callId: eval_.id, decision: 'allowConversation' },
    ]);
  });

  it('"Always allow" shows the rule it will save and sends allowAlways; a call without a rule has no such button', async () => {
    const answer = assistantMessage('', { status: 'streaming' });
    const test = toolCall({ name: 'Bash', summary: 'mix test test/app/accounts_test.exs', status: 'awaiting-approval', input: { command: 'mix test test/app/accounts_test.exs' }, approval: { title: 'Run a command?', command: 'mix test test/app/accounts_test.exs', alwaysRule: 'Bash(mix test:*)' } });
    const pipe = toolCall({ name: 'Bash', summary: 'mix test | tee log', status: 'awaiting-approval', input: { command: 'mix test | tee log' }, approval: { title: 'Run a command?', command: 'mix test | tee log' } });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('Test'), answer], busy: true }) }, { type: 'blockAdded', messageId: answer.id, block: { kind: 'tool', call: test } }, { type: 'blockAdded', messageId: answer.id, block: { kind: 'tool', call: pipe } });
    const testCard = chat.page.locator('.tool-card', { hasText: 'accounts_test.exs' });
    await testCard.locator('.approval-always-hint').waitFor();
    assert.deepEqual(
      [await testCard.locator('.approval-always-hint').textContent(), await testCard.locator('.approval-always-hint code').textContent(), await chat.page.locator('.tool-card', { hasText: 'tee log' }).getByRole('button', { name: 'Always allow' }).count()],
      ['Always allow saves Bash(mix test:*) to .claude/settings.local.json.', 'Bash(mix test:*)', 0],
    );
    await chat.screenshot('approval-always-allow');
    await testCard.getByRole('button', { name: 'Always allow' }).click();
    await chat.waitForPosted((m) => m.type === 'approve' && m.decision === 'allowAlways');
    assert.deepEqual(userPosts(chat), [{ type: 'approve', callId: test.id, decision: 'allowAlways' }]);
  });

  it('sends with Enter, makes a newline with Shift+Enter, and stops with the stop button and Escape', async () => {
    await chat.push({ type: 'state', state: state() });
    const input = chat.page.getByRole('textbox', { name: 'Message' });
    await input.click();
    await input.type('Explain GenServer.call');
    await input.press('Shift+Enter');
    await input.type('with a timeout');
    const heightTwoLines = await input.evaluate((e) => e.getBoundingClientRect().height);
    assert.equal(await chat.page.locator('.stop-button').isVisible(), false);
    await input.press('Enter');
    await chat.waitForPosted((m) => m.type === 'send');
    assert.equal(await input.inputValue(), '');
    assert.ok((await input.evaluate((e) => e.getBoundingClientRect().height)) < heightTwoLines, 'the input shrinks back after sending');
    await chat.push({ type: 'busy', busy: true });
    await chat.page.locator('.stop-button').waitFor();
    await chat.page.getByRole('button', { name: 'Stop' }).click();
    await input.focus();
    await input.press('Escape');
    await chat.waitForPosted((m) => m.type === 'stop' && chat.messages.filter((x) => x.type === 'stop').length === 2);
    await chat.push({ type: 'busy', busy: false });
    await chat.page.locator('.stop-button').waitFor({ state: 'hidden' });
    assert.deepEqual(userPosts(chat), [{ type: 'send', text: 'Explain GenServer.call\nwith a timeout', mentions: [] }, { type: 'stop' }, { type: 'stop' }]);
  });

  it('attaches @ mentions as chips (files, selection, problems) and sends them with the message', async () => {
    await chat.push({ type: 'state', state: state() });
    const input = chat.page.getByRole('textbox', { name: 'Message' });
    await input.click();
    await input.type('Look at @acc');
    const query = await chat.waitForPosted((m) => m.type === 'mentionQuery' && m.query === 'acc');
    assert.equal(query.type === 'mentionQuery' && Number.isInteger(query.requestId), true);
    const requestId = query.type === 'mentionQuery' ? query.requestId : -1;
    await chat.push({
      type: 'mentionResults',
      requestId,
      items: [
        { kind: 'file', label: 'accounts.ex', detail: 'lib/app', value: 'lib/app/accounts.ex' },
        { kind: 'selection', label: 'Selection', detail: 'accounts.ex:10-14', value: 'selection' },
        { kind: 'problems', label: 'Problems in accounts.ex', detail: '2 warnings', value: 'lib/app/accounts.ex' },
      ],
    });
    await chat.page.locator('.mention-popup .mention-option').first().waitFor();
    await chat.screenshot('mentions-dark');
    await input.press('ArrowDown');
    await input.press('Enter');
    await chat.page.locator('.mention-chip').waitFor();
    assert.equal(await input.inputValue(), 'Look at ');
    chat.clearPosted();
    await input.type('and @');
    const second = await chat.waitForPosted((m) => m.type === 'mentionQuery' && m.query === '');
    await chat.push({ type: 'mentionResults', requestId: second.type === 'mentionQuery' ? second.requestId : -1, items: [{ kind: 'problems', label: 'Problems in accounts.ex', value: 'lib/app/accounts.ex' }] });
    await chat.page.locator('.mention-option').first().click();
    await chat.page.locator('.mention-chip').nth(1).waitFor();
    await input.type('please');
    await input.press('Enter');
    const sent = await chat.waitForPosted((m) => m.type === 'send');
    assert.deepEqual(sent, {
      type: 'send',
      text: 'Look at and please',
      mentions: [
        { kind: 'selection', label: 'Selection', detail: 'accounts.ex:10-14', value: 'selection' },
        { kind: 'problems', label: 'Problems in accounts.ex', value: 'lib/app/accounts.ex' },
      ],
    });
    assert.equal(await chat.page.locator('.mention-chip').count(), 0);
  });

  it('switches persona from the header menu and manages history (reopen, rename, export, delete)', async () => {
    await chat.push({ type: 'state', state: state() });
    await chat.page.locator('.persona-button').click();
    const menu = chat.page.getByRole('menu');
    await menu.waitFor();
    await chat.screenshot('persona-menu-dark');
    await menu.getByRole('menuitemradio', { name: /ecto-reviewer/ }).click();
    await chat.page.getByRole('button', { name: 'Conversation history' }).click();
    const panel = chat.page.getByRole('dialog', { name: 'Conversation history' });
    await panel.waitFor();
    await chat.screenshot('history-dark');
    await panel.getByRole('button', { name: 'Rename Fix the N+1 in Accounts.list_users' }).click();
    const title = panel.getByRole('textbox', { name: 'New title' });
    await title.fill('N+1 in list_users');
    await title.press('Enter');
    await panel.getByRole('button', { name: 'Export Fix the N+1 in Accounts.list_users to Markdown' }).click();
    await panel.getByRole('button', { name: 'Delete Fix the N+1 in Accounts.list_users' }).click();
    await panel.getByRole('button', { name: 'Delete', exact: true }).click();
    await panel.getByRole('button', { name: /^Fix the N\+1 in Accounts\.list_users/ }).click();
    await panel.waitFor({ state: 'hidden' });
    await chat.waitForPosted((m) => m.type === 'openConversation');
    assert.deepEqual(userPosts(chat), [
      { type: 'pickPersona', name: 'ecto-reviewer' },
      { type: 'renameConversation', id: 'conv-0', title: 'N+1 in list_users' },
      { type: 'exportConversation', id: 'conv-0' },
      { type: 'deleteConversation', id: 'conv-0' },
      { type: 'openConversation', id: 'conv-0' },
    ]);
  });

  it('keeps the draft, the chips and the scroll position across a reload (the transcript comes from the host)', async () => {
    const messages = longConversation(200);
    await chat.push({ type: 'state', state: state({ messages }) });
    await chat.page.locator('[data-message-id="m199"]').waitFor();
    // Scroll up to message m100 and type a draft.
    await chat.page.evaluate(() => {
      const t = document.querySelector('.transcript')!;
      t.scrollTop = t.scrollHeight / 2;
    });
    await chat.page.locator('.jump-latest:not([hidden])').waitFor();
    const before = await chat.page.evaluate(() => {
      const t = document.querySelector('.transcript')!.getBoundingClientRect();
      const first = Array.from(document.querySelectorAll('.msg')).find((m) => m.getBoundingClientRect().bottom > t.top + 1)!;
      return { id: first.getAttribute('data-message-id'), offset: Math.round(first.getBoundingClientRect().top - t.top) };
    });
    const input = chat.page.getByRole('textbox', { name: 'Message' });
    await input.fill('Half-written question about Ecto.Multi');
    await input.dispatchEvent('input');
    await chat.page.waitForFunction(() => (sessionStorage.getItem('elixir-agent-harness-state') ?? '').includes('Half-written'));
    chat.clearPosted();
    await chat.page.reload();
    await chat.waitForPosted((m) => m.type === 'ready');
    assert.equal(await input.inputValue(), 'Half-written question about Ecto.Multi');
    await chat.push({ type: 'state', state: state({ messages }) });
    await chat.page.locator(`[data-message-id="${before.id}"]`).waitFor();
    const after = await chat.page.evaluate((id) => {
      const t = document.querySelector('.transcript')!.getBoundingClientRect();
      return Math.round(document.querySelector(`[data-message-id="${id}"]`)!.getBoundingClientRect().top - t.top);
    }, before.id);
    assert.ok(Math.abs(after - before.offset) <= 2, `message ${before.id} at ${after}px after reload, ${before.offset}px before`);
  });
});
