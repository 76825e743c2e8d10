import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_TOOL_NAMES, cliToolOffer, parseAgentFile, parseToolPattern, resolveTools, toPersonaRecord, type ToolOffer } from '../../../src/core/agents';
import { sharedPersonas } from './helpers';

/** What the editor offers in a trusted workspace with Tidewave 0.9 running. */
const editorOffer = (overrides: Partial<ToolOffer> = {}): ToolOffer => ({
  tools: [...BUILTIN_TOOL_NAMES, 'mcp__ide__getDiagnostics', 'mcp__ide__executeCode'].map((name) => ({ name })),
  mcpServers: [
    {
      name: 'tidewave',
      state: 'connected',
      // Model-facing names, as the MCP manager's status reports them (short names work too).
      tools: ['get_logs', 'get_source_location', 'get_docs', 'project_eval', 'execute_sql_query', 'browser_eval'].map((t) => `mcp__tidewave__${t}`),
    },
  ],
  ...overrides,
});

const compact = (r: ReturnType<typeof resolveTools>) =>
  r.statuses.map((s) => (s.status === 'available' ? [s.name, 'available'] : s.status === 'unavailable' ? [s.name, 'unavailable', s.reason] : [s.name, 'unknown', s.hint]));

describe('agents: tools resolution', () => {
  const persona = parseAgentFile(readFileSync(path.join(sharedPersonas, 'phoenix-elixir-expert.md'), 'utf8'), 'p.md', 'user').agent!;

  it("resolves the user's persona against a running Tidewave 0.9: old names unknown with hints", () => {
    const r = resolveTools(persona, editorOffer());
    const notAvailable = compact(r).filter((s) => s[1] !== 'available');
    // The hints' wording belongs to the MCP module; what matters is the status and the pointer to the replacement.
    assert.deepEqual(
      notAvailable.map(([name, status]) => [name, status]),
      [
        ['mcp__tidewave__get_package_location', 'unknown'],
        ['mcp__tidewave__get_ecto_schemas', 'unknown'],
        ['mcp__tidewave__list_liveview_pages', 'unknown'],
        ['mcp__tidewave__search_package_docs', 'unknown'],
      ],
    );
    assert.match(String(notAvailable[0]![2]), /get_source_location.*"dep:/);
    assert.ok(notAvailable.every(([, , hint]) => /Tidewave/.test(String(hint))), JSON.stringify(notAvailable));
    assert.equal(r.statuses.length, 20);
    assert.deepEqual(r.enabled, [
      'Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'Bash', 'TaskOutput', 'TaskStop', 'NotebookEdit', 'mcp__ide__getDiagnostics', 'mcp__ide__executeCode',
      'mcp__tidewave__get_logs', 'mcp__tidewave__get_source_location', 'mcp__tidewave__get_docs', 'mcp__tidewave__project_eval', 'mcp__tidewave__execute_sql_query',
    ]);
  });

  it('marks tools unavailable with a reason when Tidewave is down or the workspace is restricted', () => {
    const restricted = editorOffer({
      tools: BUILTIN_TOOL_NAMES.map((name) => (['Read', 'Glob', 'Grep', 'LS'].includes(name) ? { name } : { name, unavailable: 'disabled in Restricted Mode' })),
      mcpServers: [{ name: 'tidewave', state: 'down', detail: 'connection refused on localhost:4000' }],
    });
    const r = resolveTools(persona, restricted);
    assert.deepEqual(compact(r).slice(0, 3), [
      ['Bash', 'unavailable', 'disabled in Restricted Mode'],
      ['Glob', 'available'],
      ['Grep', 'available'],
    ]);
    assert.deepEqual(compact(r).find((s) => s[0] === 'mcp__tidewave__get_logs'), [
      'mcp__tidewave__get_logs', 'unavailable', 'MCP server "tidewave" is not running (connection refused on localhost:4000)',
    ]);
    assert.deepEqual(compact(r).find((s) => s[0] === 'mcp__ide__getDiagnostics'), [
      'mcp__ide__getDiagnostics', 'unknown', 'the ide channel is not available here',
    ]);
    assert.deepEqual(r.enabled, ['Read', 'Glob', 'Grep', 'LS']);
  });

  it('treats an omitted tools field as every tool, MCP included, minus disallowedTools', () => {
    const r = resolveTools({ tools: undefined, disallowedTools: ['Bash', 'mcp__tidewave__project_eval'] }, editorOffer());
    assert.deepEqual(compact(r).filter((s) => s[1] !== 'available'), [['Bash', 'unavailable', 'removed by disallowedTools']]);
    assert.deepEqual(
      r.statuses.find((s) => s.name === 'mcp__tidewave'),
      {
        name: 'mcp__tidewave',
        status: 'available',
        detail: '5 tools',
        expandsTo: ['mcp__tidewave__get_logs', 'mcp__tidewave__get_source_location', 'mcp__tidewave__get_docs', 'mcp__tidewave__execute_sql_query', 'mcp__tidewave__browser_eval'],
      },
    );
    assert.ok(!r.enabled.includes('Bash') && !r.enabled.includes('mcp__tidewave__project_eval') && r.enabled.includes('mcp__tidewave__browser_eval'));
    assert.equal(r.enabled.length, 10 + 5);
  });

  it('brings TaskOutput and TaskStop along with Bash, and reads their earlier names (BashOutput, KillShell, KillBash)', () => {
    const offer = editorOffer();
    const enabled = (tools: string[] | undefined, disallowedTools?: string[]) => resolveTools({ tools, disallowedTools }, offer).enabled.filter((n) => !n.startsWith('mcp__'));
    assert.deepEqual(
      {
        withBash: enabled(['Read', 'Bash']),
        withoutBash: enabled(['Read', 'Grep']),
        stopDisallowed: enabled(['Bash'], ['TaskStop']),
        omitted: enabled(undefined),
        omittedNoBash: enabled(undefined, ['Bash']),
      },
      {
        withBash: ['Read', 'Bash', 'TaskOutput', 'TaskStop'],
        withoutBash: ['Read', 'Grep'],
        stopDisallowed: ['Bash', 'TaskOutput'],
        omitted: ['Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'Bash', 'TaskOutput', 'TaskStop', 'NotebookEdit'],
        omittedNoBash: ['Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'NotebookEdit'],
      },
    );
    const old = resolveTools({ tools: ['BashOutput', 'KillShell', 'KillBash'] }, offer);
    assert.deepEqual(compact(old), [['BashOutput', 'available'], ['KillShell', 'available'], ['KillBash', 'available']]);
    assert.deepEqual([old.statuses.map((x) => (x.status === 'available' ? x.detail : x.status)), old.enabled], [['now called TaskOutput', 'now called TaskStop', 'now called TaskStop'], ['TaskOutput', 'TaskStop']]);
    const restricted = resolveTools({ tools: ['BashOutput'] }, { ...offer, tools: offer.tools.map((t) => (t.name === 'TaskOutput' ? { ...t, unavailable: 'disabled in Restricted Mode' } : t)) });
    assert.deepEqual(compact(restricted), [['BashOutput', 'unavailable', 'disabled in Restricted Mode']]);
  });

  it('expands mcp__server and mcp__server__* and applies disallowedTools first', () => {
    const shortNames = editorOffer({ mcpServers: [{ name: 'tidewave', state: 'connected', tools: ['get_logs', 'get_source_location', 'get_docs', 'project_eval', 'execute_sql_query', 'browser_eval'] }] });
    const r = resolveTools({ tools: ['mcp__ide__*', 'mcp__tidewave', 'Edit', 'mcp__github'], disallowedTools: ['mcp__ide__executeCode', 'Edit'] }, shortNames);
    assert.deepEqual(
      r.statuses.map((s) => ({ ...s })),
      [
        { name: 'mcp__ide__*', status: 'available', detail: '1 tool', expandsTo: ['mcp__ide__getDiagnostics'] },
        { name: 'mcp__tidewave', status: 'available', detail: '6 tools', expandsTo: r.enabled.filter((n) => n.startsWith('mcp__tidewave__')) },
        { name: 'Edit', status: 'unavailable', reason: 'removed by disallowedTools' },
        { name: 'mcp__github', status: 'unknown', hint: 'no MCP server named "github" is configured (.mcp.json or the elixirAgent.mcp.servers setting)' },
      ],
    );
    assert.deepEqual(r.enabled.slice(0, 1), ['mcp__ide__getDiagnostics']);
    assert.equal(r.enabled.length, 7);
  });

  it('explains names it does not offer: Claude Code tools, typos, wrong server tools', () => {
    const r = resolveTools({ tools: ['WebFetch', 'TodoWrite', 'WebSearch', 'read', 'Grepp', 'FooBar', 'mcp__tidewave__get_log'] }, editorOffer());
    assert.deepEqual(compact(r), [
      ['WebFetch', 'unknown', 'a Claude Code tool this extension does not offer (no web access); an MCP server can provide one'],
      ['TodoWrite', 'unknown', 'a Claude Code tool this extension does not offer; the agent keeps its plan in the conversation'],
      ['WebSearch', 'unknown', 'a Claude Code tool this extension does not offer (no web access); an MCP server can provide one'],
      ['read', 'unknown', 'not a tool this extension offers; did you mean Read?'],
      ['Grepp', 'unknown', 'not a tool this extension offers; did you mean Grep?'],
      ['FooBar', 'unknown', 'not a tool this extension offers'],
      ['mcp__tidewave__get_log', 'unknown', compact(r)[6]?.[2]],
    ]);
    assert.match(String(compact(r)[6]![2]), /did you mean mcp__tidewave__get_logs\?/);
    assert.deepEqual(r.enabled, []);
  });

  it('in the CLI: builtins available, MCP tools not connected, known removals unknown', () => {
    const r = resolveTools(persona, cliToolOffer());
    const counts = compact(r).reduce<Record<string, number>>((acc, s) => ({ ...acc, [s[1] as string]: (acc[s[1] as string] ?? 0) + 1 }), {});
    assert.deepEqual(counts, { available: 9, unavailable: 7, unknown: 4 });
    assert.deepEqual(compact(r).find((s) => s[0] === 'mcp__ide__executeCode'), ['mcp__ide__executeCode', 'unavailable', 'not connected (MCP servers are not started here)']);
  });

  it('parses tool patterns', () => {
    assert.deepEqual(
      ['Read', 'mcp__tidewave', 'mcp__tidewave__*', 'mcp__tidewave__get_logs', 'mcp__my_server__do__it'].map(parseToolPattern),
      [
        { kind: 'tool', name: 'Read' },
        { kind: 'server', server: 'tidewave' },
        { kind: 'server', server: 'tidewave' },
        { kind: 'tool', name: 'mcp__tidewave__get_logs', server: 'tidewave', tool: 'get_logs' },
        { kind: 'tool', name: 'mcp__my_server__do__it', server: 'my_server', tool: 'do__it' },
      ],
    );
  });

  it('builds the chat persona view with statuses, resolved model and the file problems', () => {
    const view = toPersonaRecord(
      persona,
      resolveTools({ tools: ['Read', 'WebFetch', 'mcp__tidewave__get_logs'] }, editorOffer({ mcpServers: [{ name: 'tidewave', state: 'connecting' }] })),
      { id: 'claude-sonnet-5-5', requested: 'sonnet', via: 'fallback' },
      [
        { filePath: 'p.md', line: 5, severity: 'error', message: 'unknown colour "teal": use one of red, …' },
        { filePath: 'other.md', line: 1, severity: 'error', message: 'not this one' },
      ],
    );
    assert.deepEqual({ ...view, description: undefined }, {
      name: 'phoenix-elixir-expert',
      description: undefined,
      color: 'purple',
      model: 'claude-sonnet-5-5',
      source: 'user',
      filePath: 'p.md',
      tools: [
        { name: 'Read', status: 'available' },
        { name: 'WebFetch', status: 'unknown', detail: 'a Claude Code tool this extension does not offer (no web access); an MCP server can provide one' },
        { name: 'mcp__tidewave__get_logs', status: 'unavailable', detail: 'MCP server "tidewave" is still connecting' },
      ],
      problems: ['Error (p.md line 6): unknown colour "teal": use one of red, …'],
    });
  });
});
