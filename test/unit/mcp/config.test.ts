import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectServers } from '../../../src/core/mcp';
import { parseMcpJson, type ParseOptions } from '../../../src/core/mcp/config';
import { matchesMcpPattern, mcpToolHint, mcpToolName, parseMcpToolName } from '../../../src/core/mcp/naming';
import { dependsOnTidewave, devPortFromConfig } from '../../../src/core/mcp/tidewave';

const opts = (): ParseOptions => ({ source: 'mcp.json', origin: '/p/.mcp.json', baseDir: '/p' });

async function project(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mcp-config-'));
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  return dir;
}

describe('MCP configuration', () => {
  it('reads Claude Code .mcp.json entries of every type as declared (variables expanded only after approval), each a project server', () => {
    const text = JSON.stringify({
      mcpServers: {
        tidewave: { type: 'http', url: 'http://localhost:${PORT:-4000}/tidewave/mcp' },
        remote: { type: 'sse', url: 'https://mcp.example.com/sse', headers: { Authorization: 'Bearer ${TOKEN}' } },
        local: { command: 'npx', args: ['-y', 'pkg@${VERSION:-latest}'], env: { KEY: '${TOKEN}', N: 3 }, cwd: 'tools' },
        needsVar: { type: 'http', url: 'https://x.example/${MISSING}' },
        wrong: { type: 'ws', url: 'ws://localhost' },
        empty: {},
        badArgs: { command: 'x', args: 'nope' },
        badUrl: { type: 'http', url: 'not a url' },
      },
    });
    const { servers, problems } = parseMcpJson(text, opts());
    const declared = { source: 'mcp.json', origin: '/p/.mcp.json', project: true };
    assert.deepEqual(servers, [
      { name: 'tidewave', config: { type: 'http', url: 'http://localhost:${PORT:-4000}/tidewave/mcp', headers: undefined }, ...declared, tidewave: true },
      { name: 'remote', config: { type: 'sse', url: 'https://mcp.example.com/sse', headers: { Authorization: 'Bearer ${TOKEN}' } }, ...declared },
      {
        name: 'local',
        config: { type: 'stdio', command: 'npx', args: ['-y', 'pkg@${VERSION:-latest}'], env: { KEY: '${TOKEN}', N: '3' }, cwd: '/p/tools' },
        ...declared,
        baseDir: '/p',
      },
      { name: 'needsVar', config: { type: 'http', url: 'https://x.example/${MISSING}', headers: undefined }, ...declared },
    ]);
    assert.deepEqual(problems, [
      '/p/.mcp.json: server "wrong" has type "ws"; supported types are "stdio", "http" and "sse"',
      '/p/.mcp.json: server "empty" needs a "command" (stdio) or a "url" (http, sse)',
      '/p/.mcp.json: server "badArgs": "args" must be an array of strings',
      '/p/.mcp.json: server "badUrl": "url" is not a valid URL: not a url',
    ]);
  });

  it('reports an unreadable .mcp.json clearly and keeps the other sources', async () => {
    const dir = await project({ '.mcp.json': '{"mcpServers": {"a": {"type": "http", "url": "http://localhost:1/mcp"},}' });
    const { servers, problems } = await collectServers({ folders: [dir], settings: { mine: { type: 'http', url: 'http://127.0.0.1:9/mcp' } } });
    assert.deepEqual(servers.map((s) => [s.name, s.source]), [['mine', 'settings']]);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.mcp\\.json: invalid JSON`));
  });

  it('merges settings, .mcp.json files of several folders and Tidewave discovery, first source winning', async () => {
    const a = await project({
      '.mcp.json': JSON.stringify({ mcpServers: { shared: { type: 'http', url: 'http://a/mcp' }, onlyA: { command: 'a-server' } } }),
      'mix.exs': 'defp deps, do: [{:tidewave, "~> 0.9", only: :dev}]',
      'config/dev.exs': 'config :app, AppWeb.Endpoint, http: [ip: {127, 0, 0, 1}, port: String.to_integer(System.get_env("PORT") || "4100")]',
    });
    const b = await project({ '.mcp.json': JSON.stringify({ mcpServers: { shared: { type: 'http', url: 'http://b/mcp' } } }) });
    const { servers, problems } = await collectServers({
      folders: [a, b],
      settings: { onlyA: { type: 'http', url: 'http://settings/mcp' }, mine: { command: 'my-server' } },
      projectSettings: [{ value: { mine: { type: 'http', url: 'http://workspace/mcp' } }, origin: `${a}/.vscode/settings.json`, baseDir: a }],
      env: {},
    });
    assert.deepEqual(
      servers.map((s) => [s.name, s.source, s.config.type === 'stdio' ? s.config.command : s.config.url, !!s.project]),
      [
        ['mine', 'settings', 'http://workspace/mcp', true],
        ['onlyA', 'settings', 'http://settings/mcp', false],
        ['shared', 'mcp.json', 'http://a/mcp', true],
        ['tidewave', 'tidewave', 'http://127.0.0.1:4100/tidewave/mcp', false],
      ],
    );
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /server "onlyA" from .* is ignored: "onlyA" from setting elixirAgent\.mcp\.servers has the same name/);
    // The workspace's value wins over the user's (as VS Code merges settings), and needs approval.
    assert.match(problems.join('\n'), /server "mine" from setting elixirAgent\.mcp\.servers is ignored: "mine" from .*\.vscode\/settings\.json has the same name/);

    // A declared Tidewave is not discovered twice; the port setting wins over config/dev.exs.
    const declared = await collectServers({ folders: [a], settings: { tidewave: { type: 'http', url: 'http://localhost:4000/tidewave/mcp' } } });
    assert.deepEqual(declared.servers.filter((s) => s.tidewave).map((s) => s.source), ['settings']);
    const byPort = await collectServers({ folders: [a], tidewave: { port: 4555 } });
    assert.deepEqual(byPort.servers.filter((s) => s.source === 'tidewave').map((s) => s.config.type !== 'stdio' && s.config.url), ['http://127.0.0.1:4555/tidewave/mcp']);
    const off = await collectServers({ folders: [a], tidewave: false });
    assert.equal(off.servers.some((s) => s.source === 'tidewave'), false);
  });

  it('finds tidewave among mix deps (umbrella apps too), ignoring comments', async () => {
    assert.deepEqual(
      [
        '[{:phoenix, "~> 1.7"}, {:tidewave, "~> 0.9", only: :dev}]',
        '[{ :tidewave,\n "~> 0.9"}]',
        '# {:tidewave, "~> 0.9"}\n[{:phoenix, "~> 1.7"}]',
        '[{:tidewave_ext, "~> 1.0"}]',
      ].map(dependsOnTidewave),
      [true, true, false, false],
    );
    const umbrella = await project({
      'mix.exs': 'defmodule Umbrella.MixProject do\n  def project, do: [apps_path: "apps"]\nend',
      'apps/app_web/mix.exs': 'defp deps, do: [{:tidewave, "~> 0.9"}]',
    });
    const found = await collectServers({ folders: [umbrella] });
    assert.deepEqual(found.servers.map((s) => s.config.type !== 'stdio' && s.config.url), ['http://127.0.0.1:4000/tidewave/mcp']);
  });

  it('reads the dev port from the forms config/dev.exs uses', () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['http: [ip: {127, 0, 0, 1}, port: 4001],', {}],
      ['http: [ip: {0, 0, 0, 0, 0, 0, 0, 1}, port: 4002]', {}],
      ['http: [port: String.to_integer(System.get_env("PORT") || "4003")]', {}],
      ['http: [port: String.to_integer(System.get_env("PORT") || "4003")]', { PORT: '5000' }],
      ['http: [port: System.get_env("DEV_PORT", "4004")]', {}],
      ['# http: [port: 9999]\nurl: [host: "localhost"]', {}],
    ];
    assert.deepEqual(
      cases.map(([src, env]) => devPortFromConfig(`config :app, AppWeb.Endpoint,\n  ${src}\n`, env)),
      [
        { port: 4001, ipv6Loopback: false },
        { port: 4002, ipv6Loopback: true },
        { port: 4003, ipv6Loopback: false },
        { port: 5000, ipv6Loopback: false },
        { port: 4004, ipv6Loopback: false },
        undefined,
      ],
    );
  });
});

describe('MCP tool names', () => {
  it('names tools mcp__server__tool as Claude Code does and matches persona patterns', () => {
    const long = mcpToolName('my server', 'a'.repeat(80));
    assert.deepEqual(
      {
        plain: mcpToolName('tidewave', 'get_logs'),
        normalized: mcpToolName('my.server', 'do it'),
        long: [long.length, long.startsWith('mcp__my_server__aaaa'), long === mcpToolName('my server', 'a'.repeat(80))],
        parsed: [parseMcpToolName('mcp__tidewave__get_logs'), parseMcpToolName('mcp__tidewave'), parseMcpToolName('mcp__tidewave__*'), parseMcpToolName('Read')],
      },
      {
        plain: 'mcp__tidewave__get_logs',
        normalized: 'mcp__my_server__do_it',
        long: [64, true, true],
        parsed: [{ server: 'tidewave', tool: 'get_logs' }, { server: 'tidewave' }, { server: 'tidewave', tool: '*' }, undefined],
      },
    );
    const name = 'mcp__tidewave__get_logs';
    assert.deepEqual(
      ['mcp__tidewave__get_logs', 'mcp__tidewave', 'mcp__tidewave__*', 'mcp__tidewave__get_docs', 'mcp__other', 'mcp__tide', 'Read'].map((p) => matchesMcpPattern(p, name)),
      [true, true, true, false, false, false, false],
    );
  });

  it('hints at Tidewave tools that were renamed or removed, and at near names elsewhere', () => {
    const now = ['get_logs', 'get_source_location', 'get_docs', 'project_eval', 'execute_sql_query'];
    assert.deepEqual(
      {
        renamed: mcpToolHint('tidewave', 'get_package_location', now),
        removed: ['list_liveview_pages', 'search_package_docs', 'get_ecto_schemas', 'read_project_file'].map((t) => mcpToolHint('tidewave', t, now)?.split(':')[0]),
        offered: mcpToolHint('tidewave', 'get_logs', now),
        near: mcpToolHint('github', 'list_issue', ['list_issues', 'create_issue']),
        none: mcpToolHint('github', 'fly', ['list_issues']),
        unknownServer: mcpToolHint('nowhere', 'x'),
      },
      {
        renamed: 'Tidewave 0.5.0 folded get_package_location into get_source_location: call mcp__tidewave__get_source_location with reference "dep:PACKAGE" (e.g. "dep:phoenix").',
        // As its changelog has them: not all "in 0.9".
        removed: [
          'Tidewave 0.4.0 removed list_liveview_pages',
          'Tidewave 0.6.0 moved search_package_docs out of its MCP server into the Hex CLI',
          'Tidewave 0.9.0 removed get_ecto_schemas',
          'Tidewave 0.4.0 removed its file tools',
        ],
        offered: undefined,
        near: 'the server "github" has no tool "list_issue"; did you mean mcp__github__list_issues?',
        none: 'the server "github" has no tool "fly" (it offers: list_issues)',
        unknownServer: undefined,
      },
    );
  });
});
