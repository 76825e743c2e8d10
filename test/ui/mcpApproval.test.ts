/**
 * UI: approving a repository's MCP server where the user sees it (mcp_app).
 * A `.mcp.json` written into the workspace brings a notification that shows
 * the definition with Allow / Don't Allow; the status bar shows the server
 * awaiting approval; nothing reaches the server until Allow is clicked; a
 * changed definition asks again; the review command lists the decisions.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRecordingMcpServer, type RecordingMcpServer } from '../support/recordingMcpServer';
import { VsCodeUi } from './harness';

describe('MCP server approval in the VS Code window (mcp_app)', function () {
  this.timeout(240_000);
  let ui: VsCodeUi;
  let listener: RecordingMcpServer;

  before(async () => {
    listener = await startRecordingMcpServer();
    ui = await VsCodeUi.launch({ workspace: 'test/fixtures/mcp_app' });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && ui) {
      console.log(`    screenshot: ${await ui.screenshot(`failed-${this.currentTest.title}`)}`);
      console.log(ui.logs.slice(-40).join('\n'));
    }
  });
  after(async () => {
    await ui?.close();
    await listener?.close();
  });

  const writeMcpJson = (url: string) => fs.writeFileSync(path.join(ui.workspace, '.mcp.json'), JSON.stringify({ mcpServers: { repo: { type: 'http', url } } }));
  /** The notification, read in the notification center (this host may hold toasts back). */
  const notification = async (text: string) => {
    await ui.runCommand('Notifications: Show Notifications');
    const item = ui.page.locator('.notifications-center .notification-list-item', { hasText: text });
    await item.waitFor({ timeout: 90_000 });
    return item;
  };
  const mcpStatus = (text: string) => ui.page.locator('.statusbar-item', { hasText: text });

  it('asks with the definition, shows the server awaiting approval, and connects only after Allow', async () => {
    const url = `${listener.origin}/mcp`;
    writeMcpJson(url);
    // Tidewave (discovered, not running) and repo: none connected, the shield says one awaits approval.
    await mcpStatus('MCP 0/2').waitFor({ timeout: 90_000 });
    const question = await notification('The repository declares the MCP server "repo"');
    assert.ok((await question.innerText()).includes(`connects to ${url} (http)`), await question.innerText());
    await ui.screenshot('mcp-approval-notification');
    assert.strictEqual(listener.connections, 0);

    await question.getByRole('button', { name: 'Allow', exact: true }).click();
    await listener.waitForRequests(1);
    await mcpStatus('MCP 1/2').waitFor({ timeout: 60_000 });
    await ui.runCommand('Notifications: Clear All Notifications');
  });

  it("asks again when the definition changes; Don't Allow keeps it away; the review command lists both decisions", async () => {
    const before = listener.requests.length;
    writeMcpJson(`${listener.origin}/mcp?changed=1`);
    const question = await notification('?changed=1');
    await question.getByRole('button', { name: "Don't Allow", exact: true }).click();
    // The review lists the refused definition and the earlier, allowed one.
    await ui.runCommand('Elixir Agent: Review MCP Server Approvals');
    const rows = ui.page.locator('.quick-input-widget .monaco-list-row');
    await rows.filter({ hasText: 'not allowed' }).waitFor({ timeout: 30_000 });
    await rows.filter({ hasText: 'allowed, no longer declared in this form' }).waitFor();
    await ui.screenshot('mcp-approval-review');
    await ui.page.keyboard.press('Escape');
    await mcpStatus('MCP 0/2').waitFor();
    assert.ok(!listener.requests.slice(before).some((r) => r.url.includes('changed')));
  });
});
