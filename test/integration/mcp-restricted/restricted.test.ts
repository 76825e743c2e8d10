/**
 * Suite `mcp-restricted` (workspace: test/fixtures/mcp_app in Restricted Mode).
 * No MCP server runs in an untrusted workspace: a project's `.mcp.json` could
 * point anywhere, and stdio servers would run its commands.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { McpServerStatus } from '../../../src/core/mcp';
import type { ExtensionApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../../src/vscode/ids';
import type { Runtime } from '../../../src/vscode/runtime';

describe('MCP in Restricted Mode (mcp_app)', function () {
  this.timeout(60_000);
  let rt: Runtime;

  before(async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the suite must run in Restricted Mode');
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    rt = await ext.exports.runtime();
  });

  it('keeps the discovered Tidewave disabled, with the reason, and offers no MCP tools', async () => {
    const mcp = rt.services.mcp!;
    const s = await new Promise<McpServerStatus>((resolve) => {
      const check = () => {
        const found = mcp.states().find((x) => x.name === 'tidewave');
        if (found && found.state !== 'connecting') {
          sub.dispose();
          resolve(found);
        }
      };
      const sub = mcp.onDidChange(check);
      check();
    });
    assert.deepStrictEqual(
      { state: s.state, detail: s.detail, source: s.source, tools: mcp.tools() },
      { state: 'disabled', detail: 'MCP servers are disabled in Restricted Mode: trust this workspace to use them', source: 'tidewave', tools: [] },
    );
  });
});
