/**
 * MCP tools inside the real agent loop (ChatSession) with the scripted model:
 * what the model asks for reaches the Tidewave-like server, and what the
 * server answers (or a failure) comes back as the tool_result.
 */
import * as assert from 'node:assert/strict';
import { McpManager } from '../../../src/core/mcp';
import type { ApprovalPolicy } from '../../../src/core/tools/types';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { API_KEY, makeSession } from '../chat/harness';
import { startTidewaveProcess, textOf, waitForState, type Spawned } from './helpers';

const FAST = { backoff: { initialMs: 50, maxMs: 200 }, healthIntervalMs: 0 };

/** The tool_result blocks of each request after the first. */
function toolResults(server: ScriptedModelServer): unknown[] {
  return server
    .messageRequests()
    .slice(1)
    .map((r: { messages: Array<{ role: string; content: Array<{ type: string }> }> }) => {
      const last = r.messages.at(-1)!;
      return last.content.filter((c) => c.type === 'tool_result').map((c) => {
        const { cache_control: _ignored, tool_use_id: _id, ...rest } = c as Record<string, unknown>;
        return rest;
      });
    });
}

describe('MCP tools in the agent loop', function () {
  this.timeout(30_000);
  let model: ScriptedModelServer;
  let tidewave: Spawned;
  let manager: McpManager;

  beforeEach(async () => {
    model = await ScriptedModelServer.start({ apiKey: API_KEY, minCacheTokens: 0 });
    tidewave = await startTidewaveProcess();
    manager = new McpManager({ servers: [{ name: 'tidewave', config: { type: 'http', url: `http://127.0.0.1:${tidewave.port}/tidewave/mcp` }, source: 'mcp.json' }], approve: () => true, ...FAST });
    manager.start();
    await waitForState(manager, 'tidewave', 'connected');
  });
  afterEach(async () => {
    await manager.dispose();
    await tidewave.stop();
    await model.close();
  });

  it('the model calls mcp__tidewave__get_logs (after approval) and gets the server answer', async () => {
    const h = makeSession(model, { tools: manager.tools() });
    model.enqueue(turn.toolUse('mcp__tidewave__get_logs', { tail: 1, grep: 'NoResults' }, { id: 'toolu_logs' }), turn.text('The last request raised Ecto.NoResultsError.'));
    await h.session.send('Why did the last request fail?');

    const [first] = model.messageRequests();
    const sent = (first.tools as Array<{ name: string; input_schema: unknown }>).find((t) => t.name === 'mcp__tidewave__get_logs');
    assert.deepEqual(sent?.input_schema, manager.tools().find((t) => t.name === 'mcp__tidewave__get_logs')?.inputSchema);
    // MCP tools are not read-only: the user approved the call on its card.
    assert.deepEqual(
      h.approvals.map((a) => ({ tool: a.tool.name, title: a.request.title })),
      [{ tool: 'mcp__tidewave__get_logs', title: 'tidewave: get_logs' }],
    );
    const results = toolResults(model) as Array<Array<{ content: Array<{ type: string; text: string }>; is_error?: boolean }>>;
    const [result, ...others] = results[0] ?? [];
    assert.ok(result && others.length === 0, `one result in the first answer: ${JSON.stringify(results)}`);
    assert.equal(result.is_error, undefined);
    assert.match(textOf(result), /^\d\d:\d\d:\d\d\.\d{3} \[error\] \*\* \(Ecto\.NoResultsError\) expected at least one result but got none in query$/);
  });

  it('a server killed mid-conversation gives an is_error result, then the conversation goes on after it reconnects', async () => {
    const port = tidewave.port;
    let calls = 0;
    // The policy runs before each call: the second call finds the app dead, the third finds it restarted.
    const policy: ApprovalPolicy = {
      decide: async () => {
        calls++;
        if (calls === 2) await tidewave.stop();
        if (calls === 3) {
          tidewave = await startTidewaveProcess(port);
          await waitForState(manager, 'tidewave', 'connected');
        }
        return { decision: 'allow' };
      },
    };
    const h = makeSession(model, { tools: manager.tools(), policy });
    const docs = (id: string) => turn.toolUse('mcp__tidewave__get_docs', { reference: 'Enum.map/2' }, { id });
    model.enqueue(docs('toolu_1'), docs('toolu_2'), docs('toolu_3'), turn.text('Enum.map/2 maps a function over an enumerable.'));
    await h.session.send('What does Enum.map/2 do?');

    const results = toolResults(model) as Array<Array<{ content: Array<{ type: string; text: string }>; is_error?: boolean }>>;
    assert.equal(results.length, 3);
    const [ok, failed, again] = results.map((r) => r[0]);
    assert.ok(ok && failed, JSON.stringify(results));
    assert.match(textOf(ok), /^# Enum\.map\/2/);
    assert.equal(failed.is_error, true);
    assert.match(textOf(failed), /^MCP server "tidewave" is (not reachable \(connection refused\)|down: )/);
    assert.deepEqual(again, ok);
    assert.equal(h.session.views().at(-1)?.status, 'done');
  });
});
