/**
 * The chat webview in the static harness (no VS Code): header, welcome,
 * streaming Markdown, code blocks, file links, errors and empty states.
 * Run: npm run build && npx tsc -p test/ui/tsconfig.json && npx mocha --timeout 60000 out/test/ui/chatRender.test.js
 */
import * as assert from 'node:assert/strict';
import { useChatPage, type ChatPage } from './webview-harness/harness';
import { assistantMessage, env, persona, state, toolCall, userMessage } from './webview-harness/fixtures';

describe('chat webview: rendering (harness)', function () {
  this.timeout(60_000);
  let chat: ChatPage;
  useChatPage((opened) => {
    chat = opened;
  });

  it('shows the persona, its tools, the project and MCP state, and a welcome with Elixir examples', async () => {
    await chat.push({ type: 'state', state: state() });
    const page = chat.page;
    await page.locator('.persona-name', { hasText: 'phoenix-elixir-expert' }).waitFor();
    const header = await page.evaluate(() => ({
      model: document.querySelector('.model-badge')?.textContent,
      tools: document.querySelector('.tools-toggle')?.textContent,
      project: document.querySelector('.meta-chip.project')?.textContent,
      mcp: document.querySelector('.meta-chip.mcp')?.className,
      examples: document.querySelectorAll('.welcome .example').length,
      title: document.querySelector('.welcome-title')?.textContent,
    }));
    assert.deepEqual(header, {
      model: 'claude-sonnet-5-5',
      tools: '5 tools 1 unavailable 1 unknown',
      project: 'Phoenix 1.7 · Ecto · LiveView',
      mcp: 'meta-chip mcp state-connected',
      examples: 5,
      title: 'Chat with phoenix-elixir-expert',
    });
    await chat.screenshot('welcome-dark');
    // Tools expand into chips with their availability.
    await page.locator('.tools-toggle').click();
    const chips = await page.locator('.tool-chip').evaluateAll((els) => els.map((e) => `${e.className.replace('tool-chip ', '')}:${e.textContent}`));
    assert.deepEqual(chips.sort(), [
      'available:Bash', 'available:Edit', 'available:Grep', 'available:Read', 'available:mcp__ide__getDiagnostics',
      'unavailable:mcp__tidewave__get_ecto_schemas', 'unknown:mcp__tidewave__project_eval',
    ]);
    // An example fills the input (editable, not sent).
    await page.locator('.welcome .example').first().click();
    assert.equal(await page.locator('.chat-input').inputValue(), 'Explain the supervision tree of this application');
    assert.equal(chat.messages.filter((m) => m.type === 'send').length, 0);
  });

  it('streams an answer: deltas are batched per frame and render Markdown, highlighted Elixir and file links', async () => {
    const answer = assistantMessage('', { status: 'streaming' });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('Why is list_users slow?')] }) }, { type: 'messageAdded', message: answer });
    const text = [
      '## The N+1 query\n\n',
      'In `lib/app/accounts.ex:12` each user loads its **organization** separately:\n\n',
      '```elixir\ndefmodule App.Accounts do\n  def list_users do\n    User |> preload(:organization) |> Repo.all()\n  end\nend\n```\n\n',
      'See [the test](test/app/accounts_test.exs#L5) and [Ecto docs](https://hexdocs.pm/ecto/Ecto.Query.html#preload/3).',
    ].join('');
    // Many deltas in one task: nothing is rendered synchronously, all of it on the next frame.
    const syncRendered = await chat.page.evaluate(
      ({ id, chunks }) => {
        const host = (window as unknown as { __host: { push(m: unknown): void } }).__host;
        for (const c of chunks) host.push({ type: 'textDelta', messageId: id, blockIndex: 0, text: c });
        return document.querySelector(`[data-message-id="${id}"] .md`)?.textContent ?? '';
      },
      { id: answer.id, chunks: text.match(/[\s\S]{1,7}/g) ?? [] },
    );
    assert.equal(syncRendered, '');
    const md = chat.page.locator(`[data-message-id="${answer.id}"] .md`);
    await md.locator('a.ext-link').waitFor();
    const rendered = await md.evaluate((el) => ({
      heading: el.querySelector('h2')?.textContent,
      keywords: Array.from(el.querySelectorAll('.hljs-keyword')).map((k) => k.textContent),
      lang: el.querySelector('.code-lang')?.textContent,
      fileLinks: Array.from(el.querySelectorAll('a.file-link')).map((a) => [a.textContent, a.getAttribute('href')]),
      external: Array.from(el.querySelectorAll('a.ext-link')).map((a) => a.getAttribute('href')),
      streaming: el.closest('.msg')?.classList.contains('streaming'),
    }));
    assert.deepEqual(rendered, {
      heading: 'The N+1 query',
      keywords: ['defmodule', 'do', 'def', 'do', 'end', 'end'],
      lang: 'elixir',
      fileLinks: [['lib/app/accounts.ex:12', null], ['the test', null]],
      external: ['https://hexdocs.pm/ecto/Ecto.Query.html#preload/3'],
      streaming: true,
    });
    await md.locator('a.file-link').first().click();
    await md.locator('a.file-link').nth(1).click();
    await md.locator('.code-block button[aria-label="Copy code"]').click();
    await md.locator('.code-block button[aria-label="Insert code at cursor"]').click();
    const code = 'defmodule App.Accounts do\n  def list_users do\n    User |> preload(:organization) |> Repo.all()\n  end\nend';
    await chat.waitForPosted((m) => m.type === 'insertAtCursor');
    assert.deepEqual(chat.messages.filter((m) => m.type !== 'ready' && m.type !== 'focus'), [
      { type: 'openFile', path: 'lib/app/accounts.ex', line: 12 },
      { type: 'openFile', path: 'test/app/accounts_test.exs', line: 5 },
      { type: 'copy', text: code },
      { type: 'insertAtCursor', code },
    ]);
    // Done: the streaming state goes, usage shows.
    const usage = { inputTokens: 1200, outputTokens: 350, cacheReadTokens: 10_000, cacheWriteTokens: 0, costUsd: 0.0123 };
    await chat.push({ type: 'messageUpdated', messageId: answer.id, status: 'done', usage }, { type: 'totals', totals: usage, contextFill: 0.42 });
    await chat.page.locator(`[data-message-id="${answer.id}"] .msg-usage`).waitFor();
    const footer = await chat.page.evaluate((id) => ({
      usage: document.querySelector(`[data-message-id="${id}"] .msg-usage`)?.textContent,
      streaming: document.querySelector(`[data-message-id="${id}"]`)?.classList.contains('streaming'),
      fill: document.querySelector('.context-fill')?.getAttribute('aria-valuenow'),
      totals: document.querySelector('.totals')?.textContent,
    }), answer.id);
    assert.deepEqual(footer, { usage: '11k in · 350 out · 10k cached · $0.012', streaming: false, fill: '42', totals: '12k tok · $0.012' });
    await chat.screenshot('streamed-answer-dark');
  });

  it('highlights HEEx (HTML with Elixir inside), shell, JSON and diff blocks', async () => {
    const text = [
      '```heex\n<.link navigate={~p"/users/#{@user}"}>\n  <%= @user.name %>\n</.link>\n```',
      '```bash\nmix ecto.migrate && mix test --failed\n```',
      '```json\n{"deps": ["phoenix"], "ok": true}\n```',
      '```diff\n-    Repo.all(User)\n+    Repo.all(preload(User, :org))\n```',
    ].join('\n\n');
    const msg = assistantMessage(text);
    await chat.push({ type: 'state', state: state({ messages: [msg] }) });
    await chat.page.locator('.hljs-addition').waitFor();
    const blocks = await chat.page.locator('.code-block').evaluateAll((els) =>
      els.map((el) => ({
        lang: el.querySelector('.code-lang')?.textContent,
        classes: [...new Set(Array.from(el.querySelectorAll('pre code [class]')).map((s) => s.className.split(' ')[0]))].sort(),
      })),
    );
    // HEEx: HTML highlighted as XML with Elixir inside <%= %> and { } (@user is an Elixir variable).
    const has = (i: number, ...classes: string[]) => classes.every((c) => blocks[i]?.classes.includes(c));
    assert.deepEqual(
      { langs: blocks.map((b) => b.lang), heex: has(0, 'language-xml', 'language-elixir', 'hljs-variable'), bash: has(1, 'hljs-built_in'), json: has(2, 'hljs-attr', 'hljs-literal'), diff: has(3, 'hljs-addition', 'hljs-deletion') },
      { langs: ['heex', 'bash', 'json', 'diff'], heex: true, bash: true, json: true, diff: true },
    );
  });

  it('re-renders only the changed message while streaming', async () => {
    const first = assistantMessage('First answer with `code`.');
    const live = assistantMessage('', { status: 'streaming' });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('q'), first] }) }, { type: 'messageAdded', message: live });
    await chat.page.locator(`[data-message-id="${first.id}"] code`).waitFor();
    // Mark the first message's DOM; it must survive the stream untouched.
    await chat.page.evaluate((id) => document.querySelector(`[data-message-id="${id}"] .md p`)?.setAttribute('data-probe', '1'), first.id);
    for (const piece of ['Para one.\n\n', 'Para two ', 'continues.\n\n', '- item']) {
      await chat.push({ type: 'textDelta', messageId: live.id, blockIndex: 0, text: piece });
      await chat.nextFrame();
    }
    const result = await chat.page.evaluate(({ a, b }) => ({
      probe: document.querySelector(`[data-message-id="${a}"] .md p`)?.getAttribute('data-probe'),
      live: Array.from(document.querySelectorAll(`[data-message-id="${b}"] .md > *`)).map((e) => `${e.tagName}:${e.textContent?.trim()}`),
    }), { a: first.id, b: live.id });
    assert.deepEqual(result, { probe: '1', live: ['P:Para one.', 'P:Para two continues.', 'UL:item'] });
  });

  it('shows errors inline with retry and their action, and marks stopped answers', async () => {
    const failed = assistantMessage('Partial', { status: 'error', error: { title: 'Invalid API key', detail: 'The API answered 401.', retryable: true, action: 'setApiKey' } });
    const cut = assistantMessage('max', { status: 'error', error: { title: 'The answer hit max_tokens', detail: '', retryable: false, action: 'continue' } });
    const stopped = assistantMessage('I was about to', { status: 'stopped' });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('hi'), failed, cut, stopped] }) });
    await chat.page.locator('.msg-stopped').waitFor();
    const err = chat.page.locator(`[data-message-id="${failed.id}"] .msg-error`);
    assert.deepEqual(await err.evaluate((e) => [e.getAttribute('role'), e.querySelector('.error-title')?.textContent, e.querySelector('.error-detail')?.textContent]), ['alert', 'Invalid API key', 'The API answered 401.']);
    await err.getByRole('button', { name: 'Set API Key' }).click();
    await err.getByRole('button', { name: 'Retry' }).click();
    await chat.page.locator(`[data-message-id="${cut.id}"]`).getByRole('button', { name: 'Continue' }).click();
    await chat.waitForPosted((m) => m.type === 'continue');
    assert.deepEqual(chat.messages.filter((m) => m.type !== 'ready' && m.type !== 'focus'), [{ type: 'command', command: 'setApiKey' }, { type: 'retry' }, { type: 'continue' }]);
    assert.equal(await chat.page.locator(`[data-message-id="${stopped.id}"] .msg-stopped`).textContent(), 'Stopped');
    await chat.screenshot('errors-dark');
  });

  it('a tool card says which rule of which settings file decided it (denied, allowed)', async () => {
    const denied = toolCall({ name: 'Read', summary: '.env', input: { file_path: '/work/app/.env' }, status: 'denied', isError: true, output: 'Denied by the approval policy: `Read(./.env)` in .claude/settings.json denies this call. Do not retry this call; ask the user if it is needed.', decidedBy: 'denied by `Read(./.env)` in .claude/settings.json' });
    const allowed = toolCall({ name: 'Bash', summary: 'mix test', input: { command: 'mix test' }, status: 'done', output: '4 tests, 0 failures', decidedBy: 'allowed by `Bash(mix test:*)` in .claude/settings.json' });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('Run the tests'), assistantMessage('', { blocks: [{ kind: 'tool', call: denied }, { kind: 'tool', call: allowed }] })] }) });
    for (const head of await chat.page.locator('.tool-card .tool-head').all()) await head.click();
    assert.deepEqual(await chat.page.locator('.tool-card .tool-decided-by').allTextContents(), [
      'Denied by Read(./.env) in .claude/settings.json',
      'Allowed by Bash(mix test:*) in .claude/settings.json',
    ]);
    // The rule shows as code; nothing in it is read as HTML.
    assert.deepEqual(await chat.page.locator('.tool-card .tool-decided-by code').allTextContents(), ['Read(./.env)', 'Bash(mix test:*)']);
    await chat.screenshot('tool-decided-by');
  });

  it('the header names the memory files the agent follows and says which imports were not read', async () => {
    const memory = {
      files: [{ label: 'CLAUDE.md' }, { label: 'docs/conventions.md', importedBy: 'CLAUDE.md' }, { label: 'CLAUDE.local.md' }],
      notes: ['CLAUDE.md imports ~/.ssh/id_ed25519, outside the project: not read'],
    };
    await chat.push({ type: 'state', state: state({ env: env({ memory }) }) });
    const chip = chat.page.locator('.meta-chip.memory');
    assert.deepEqual(
      [await chip.locator('span[aria-hidden="true"]').allTextContents(), await chip.locator('.sr-only').textContent()],
      [
        ['CLAUDE.md +2', ' 1 not read'],
        'Memory files: CLAUDE.md, docs/conventions.md (imported by CLAUDE.md), CLAUDE.local.md. Not read: CLAUDE.md imports ~/.ssh/id_ed25519, outside the project: not read',
      ],
    );
    assert.match((await chip.getAttribute('title')) ?? '', /^Memory the agent follows:\n• CLAUDE\.md\n• docs\/conventions\.md \(imported by CLAUDE\.md\)\n• CLAUDE\.local\.md\nNot read:\n• CLAUDE\.md imports ~\/\.ssh/);
    await chat.screenshot('header-memory');
    // No memory files: no chip.
    await chat.push({ type: 'env', env: env() });
    assert.equal(await chip.count(), 0);
  });

  it('shows helpful empty states: no API key, Restricted Mode, no mix project, no agent files', async () => {
    const bundled = persona({ name: 'elixir-expert', source: 'bundled', color: 'blue' });
    await chat.push({
      type: 'state',
      state: state({ persona: bundled, personas: [{ name: 'elixir-expert', description: 'Built-in', source: 'bundled' }], env: env({ hasApiKey: false, trusted: false, isElixirWorkspace: false, mcpServers: [], projectSummary: undefined }) }),
    });
    await chat.page.locator('.banner').first().waitFor();
    const banners = await chat.page.locator('.banner .banner-title').allTextContents();
    assert.deepEqual(banners, ['Set your Anthropic API key to start', 'Restricted Mode: read-only agent', 'No mix project in this workspace', 'No agent files found']);
    assert.match((await chat.page.locator('.banner-untrusted .banner-detail').textContent()) ?? '', /writing files, running commands, code execution, language servers and MCP servers are disabled/);
    await chat.screenshot('empty-states-dark');
    await chat.page.getByRole('button', { name: 'Set API Key' }).click();
    await chat.page.getByRole('button', { name: 'Manage Workspace Trust' }).click();
    await chat.page.getByRole('button', { name: 'Create Agent File' }).click();
    await chat.waitForPosted((m) => m.type === 'command' && m.command === 'createAgent');
    assert.deepEqual(chat.messages.filter((m) => m.type === 'command').map((m) => m.type === 'command' && m.command), ['setApiKey', 'manageTrust', 'createAgent']);
    // Dismissing a banner keeps it dismissed across a reload.
    await chat.page.locator('.banner-not-elixir .banner-close').click();
    await chat.page.reload();
    await chat.push({ type: 'state', state: state({ persona: bundled, personas: [], env: env({ hasApiKey: false, isElixirWorkspace: false }) }) });
    await chat.page.locator('.banner').first().waitFor();
    assert.deepEqual(await chat.page.locator('.banner .banner-title').allTextContents(), ['Set your Anthropic API key to start', 'No agent files found']);
  });

  it('renders in the light and high-contrast themes with theme colours', async () => {
    const harness = new URL(chat.page.url()).origin;
    await chat.page.goto(`${harness}/?theme=light`);
    await chat.waitForPosted((m) => m.type === 'ready');
    const answer = assistantMessage('Use `Ecto.Multi`:\n\n```elixir\nMulti.new()\n|> Multi.insert(:user, changeset)\n|> Repo.transaction()\n```', { usage: { inputTokens: 900, outputTokens: 120, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.004 } });
    await chat.push({ type: 'state', state: state({ messages: [userMessage('How do I insert atomically?'), answer] }) });
    await chat.page.locator('.hljs-title').first().waitFor();
    const colors = await chat.page.evaluate(() => ({
      body: document.body.className,
      bubble: getComputedStyle(document.querySelector('.user-bubble')!).backgroundColor,
      dot: getComputedStyle(document.querySelector('.persona-button .persona-dot')!).backgroundColor,
      code: getComputedStyle(document.querySelector('.code-block')!).backgroundColor,
      title: getComputedStyle(document.querySelector('.hljs-title')!).color,
    }));
    // Light Modern: white editor, purple persona (charts.purple), module names in symbolIcon.classForeground.
    assert.deepEqual(colors, { body: 'vscode-light', bubble: 'rgb(255, 255, 255)', dot: 'rgb(101, 45, 144)', code: 'rgb(255, 255, 255)', title: 'rgb(214, 126, 0)' });
    await chat.screenshot('answer-light');
    // High contrast: borders from contrastBorder around cards and blocks.
    await chat.page.goto(`${harness}/?theme=hc`);
    await chat.push({ type: 'state', state: state({ messages: [userMessage('How do I insert atomically?'), answer, assistantMessage('', { blocks: [{ kind: 'tool', call: toolCall({ status: 'awaiting-approval', approval: { title: 'Read a file outside the workspace?' } }) }] })] }) });
    await chat.page.locator('.tool-card').waitFor();
    const hc = await chat.page.evaluate(() => [getComputedStyle(document.querySelector('.code-block')!).borderTopColor, getComputedStyle(document.querySelector('.user-bubble')!).borderTopColor]);
    assert.deepEqual(hc, ['rgb(111, 195, 223)', 'rgb(111, 195, 223)']);
    await chat.screenshot('answer-high-contrast');
  });
});
