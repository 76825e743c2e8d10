/**
 * Suite `tools-restricted` (workspace: test/fixtures/tools_ws in Restricted Mode):
 * only the read tools exist, and the policy refuses anything else with the reason.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../../src/vscode/ids';
import { firstFolder } from '../workspace';

describe('tools in Restricted Mode (tools_ws)', function () {
  this.timeout(60_000);

  it('offers only Read, Glob, Grep and LS, and denies the rest', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the suite must run in Restricted Mode');
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!;
    await ext.activate();
    const tools = (await ext.exports.runtime()).services.tools!;
    const bash = { name: 'Bash', description: '', inputSchema: { type: 'object' as const }, kind: 'execute' as const, readOnly: false, invoke: async () => ({ content: [] }) };
    const root = firstFolder().uri.fsPath;
    const grep = tools.builtinTools().find((t) => t.name === 'Grep')!;
    const found = await grep.invoke({ pattern: 'Hello', output_mode: 'files_with_matches' }, tools.context({ signal: new AbortController().signal, reads: tools.newReadTracker() }));
    assert.deepStrictEqual(
      {
        trusted: vscode.workspace.isTrusted,
        names: tools.builtinTools().map((t) => t.name),
        bash: await tools.policy().decide(bash, { command: 'ls' }),
        grep: found.content,
      },
      {
        trusted: false,
        names: ['Read', 'Glob', 'Grep', 'LS'],
        bash: { decision: 'deny', reason: 'The workspace is in Restricted Mode (not trusted), so the agent can only read files. Trust the workspace to let it use Bash.' },
        grep: [{ type: 'text', text: `Found 1 file\n${root}/lib/greeter.ex` }],
      },
    );
  });
});
