import * as assert from 'node:assert/strict';
import { ToolProviderRegistry } from '../../../src/vscode/chat/toolProviders';
import { NodeFileAccess } from '../../../src/core/tools/nodeFiles';
import type { ApprovalPolicy } from '../../../src/core/tools/types';
import { recordingTool } from './harness';

describe('tool providers: how builtin, ide and MCP tools reach the chat', () => {
  it('aggregates providers in order, lets a feature replace one by id, and survives a failing provider', () => {
    const failures: string[] = [];
    const r = new ToolProviderRegistry((id, err) => failures.push(`${id}: ${(err as Error).message}`));
    r.register({ id: 'builtin', tools: () => [recordingTool('Read'), recordingTool('Grep')], services: () => ({ ripgrepPath: '/usr/bin/rg' }) });
    r.register({ id: 'ide', tools: () => [recordingTool('mcp__ide__getDiagnostics')], services: () => ({ protectedPaths: ['/x'] }) });
    let servers = [recordingTool('mcp__tidewave__get_logs')];
    r.register({ id: 'mcp', tools: () => servers });
    r.register({ id: 'broken', tools: () => { throw new Error('not ready'); } });
    assert.deepStrictEqual(r.tools().map((t) => t.name), ['Read', 'Grep', 'mcp__ide__getDiagnostics', 'mcp__tidewave__get_logs']);
    assert.deepStrictEqual(failures, ['broken: not ready'], 'the failing provider is reported, not dropped silently');
    servers = []; // a server went down: read at each answer
    assert.deepStrictEqual(r.tools().map((t) => t.name), ['Read', 'Grep', 'mcp__ide__getDiagnostics']);
    assert.deepStrictEqual(r.services(), { ripgrepPath: '/usr/bin/rg', protectedPaths: ['/x'] });

    const files = new NodeFileAccess();
    const policy: ApprovalPolicy = { decide: async () => ({ decision: 'deny' }) };
    const replacement = r.register({ id: 'builtin', tools: () => [recordingTool('Read')], files: () => files, policy: () => policy });
    assert.deepStrictEqual(r.tools().map((t) => t.name), ['Read', 'mcp__ide__getDiagnostics']);
    assert.equal(r.files(), files);
    assert.equal(r.policy(undefined), policy);
    replacement.dispose();
    assert.deepStrictEqual([r.has('builtin'), r.files(), r.policy(undefined)], [false, undefined, undefined]);
  });
});
