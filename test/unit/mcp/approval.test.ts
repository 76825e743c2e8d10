import * as assert from 'node:assert/strict';
import {
  approvalQuestion,
  approvalRequestFor,
  decideFromSources,
  definitionHash,
  definitionLines,
  McpApprovalStore,
  type ApprovalMemento,
  type McpApprovalSource,
} from '../../../src/core/mcp/approval';
import { checkUrl, parseServerMap } from '../../../src/core/mcp/config';
import { resolveConfig } from '../../../src/core/mcp/expand';
import type { McpServerSpec } from '../../../src/core/mcp/types';
import { HeldSecrets } from '../../../src/core/util/heldSecrets';

const KEY = 'sk-ant-api03-unit-test-key-0123456789';

function parse(entries: Record<string, unknown>): McpServerSpec[] {
  const { servers, problems } = parseServerMap(entries, { source: 'mcp.json', origin: '/repo/.mcp.json', baseDir: '/repo', project: true });
  assert.deepEqual(problems, []);
  return servers;
}
/** The one server of `entries`; fails the test when there is not exactly one. */
function onlyServer(entries: Record<string, unknown>): McpServerSpec {
  const [spec, ...rest] = parse(entries);
  assert.ok(spec && rest.length === 0, `one server from ${JSON.stringify(entries)}`);
  return spec;
}
const one = (entry: unknown): McpServerSpec => onlyServer({ svc: entry });

class MemoryMemento implements ApprovalMemento {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

describe('MCP approvals of repository servers', () => {
  it('hashes the normalized definition: key order does not matter, every meaningful change does', () => {
    const base = { type: 'http', url: 'https://mcp.example.com/mcp', headers: { A: '1', B: '${TOKEN}' } };
    const h = definitionHash(one(base));
    assert.equal(definitionHash(one({ headers: { B: '${TOKEN}', A: '1' }, url: 'https://mcp.example.com/mcp', type: 'http' })), h);
    const changed = [
      { ...base, url: 'https://mcp.example.com/mcp2' },
      { ...base, type: 'sse' },
      { ...base, headers: { A: '1', B: '${OTHER}' } },
      { ...base, headers: { A: '1', B: '${TOKEN}', C: 'x' } },
    ].map((e) => definitionHash(one(e)));
    const stdio = { command: 'npx', args: ['-y', 'pkg'], env: { X: '1' } };
    const stdioChanged = [{ ...stdio, args: ['-y', 'pkg2'] }, { ...stdio, command: 'bunx' }, { ...stdio, env: { X: '2' } }, { ...stdio, cwd: 'sub' }].map((e) => definitionHash(one(e)));
    const renamed = definitionHash(onlyServer({ other: base }));
    const all = [h, ...changed, definitionHash(one(stdio)), ...stdioChanged, renamed];
    assert.equal(new Set(all).size, all.length);
  });

  it('shows the exact definition: transport, url or command line, header and env names, variables; never a value', () => {
    const http = approvalRequestFor(one({ type: 'http', url: 'https://x.example/${TENANT}/mcp', headers: { Authorization: 'Bearer literal-token-abc' } }), () => false);
    const stdio = approvalRequestFor(
      one({ command: '${HOME}/bin/server', args: ['--key', '${ANTHROPIC_API_KEY}', 'a b'], env: { DB_URL: '${DATABASE_URL}', LEVEL: 'debug' }, cwd: 'tools' }),
      (n) => new HeldSecrets({}).isSecretName(n),
    );
    assert.deepEqual(
      { ...stdio, hash: stdio.hash.length },
      {
        name: 'svc',
        transport: 'stdio',
        command: '${HOME}/bin/server',
        args: ['--key', '${ANTHROPIC_API_KEY}', 'a b'],
        cwd: '/repo/tools',
        headerNames: [],
        envNames: ['DB_URL', 'LEVEL'],
        variables: ['HOME', 'ANTHROPIC_API_KEY', 'DATABASE_URL'],
        refusedVariables: ['ANTHROPIC_API_KEY'],
        origin: '/repo/.mcp.json',
        hash: 32,
      },
    );
    assert.deepEqual(definitionLines(stdio), [
      'Transport: stdio',
      'Command: ${HOME}/bin/server --key ${ANTHROPIC_API_KEY} "a b"',
      'Working directory: /repo/tools',
      'Environment it sets: DB_URL, LEVEL (plus your environment, without the Anthropic credentials)',
      'Environment variables it receives: HOME, DATABASE_URL; never ANTHROPIC_API_KEY (credentials are not expanded: the server would not start)',
      'Declared in: /repo/.mcp.json',
    ]);
    assert.equal(
      approvalQuestion(http, '.mcp.json'),
      'The repository declares the MCP server "svc" in .mcp.json: it connects to https://x.example/${TENANT}/mcp (http) sending the headers Authorization. Environment variables it receives: TENANT. Allow it?',
    );
    assert.ok(![...definitionLines(http), approvalQuestion(http)].join('\n').includes('literal-token-abc'));
  });

  it('remembers decisions per definition, forgets them on request, and ignores a corrupt store', async () => {
    const memento = new MemoryMemento();
    const store = new McpApprovalStore(memento);
    const first = approvalRequestFor(one({ type: 'http', url: 'https://a.example/mcp' }), () => false);
    const changed = approvalRequestFor(one({ type: 'http', url: 'https://b.example/mcp' }), () => false);
    assert.equal(store.decide(first), undefined);
    await store.record(first, 'allow', 1000);
    await store.record(changed, 'deny', 2000);
    assert.deepEqual([store.decide(first), store.decide(changed)], ['allow', 'deny']);
    assert.deepEqual(
      store.list().map((r) => [r.name, r.decision, r.at, r.definition[1]]),
      [
        ['svc', 'deny', 2000, 'URL: https://b.example/mcp'],
        ['svc', 'allow', 1000, 'URL: https://a.example/mcp'],
      ],
    );
    assert.equal(await store.forget(first.hash), true);
    assert.deepEqual([store.decide(first), await store.forget(first.hash)], [undefined, false]);
    memento.data.set('elixirAgent.mcp.serverApprovals', { [first.hash]: { decision: 'yes please', name: 'svc' }, x: 'nope' });
    assert.deepEqual([store.decide(first), store.list()], [undefined, []]);
    memento.data.set('elixirAgent.mcp.serverApprovals', ['not', 'an', 'object']);
    assert.equal(store.decide(first), undefined);
  });

  it('consults other decision sources first (where Claude Code settings will plug in)', async () => {
    const store = new McpApprovalStore(new MemoryMemento());
    const req = approvalRequestFor(one({ type: 'http', url: 'https://a.example/mcp' }), () => false);
    await store.record(req, 'allow');
    // Like disabledMcpjsonServers: decides by name.
    const disabledByName: McpApprovalSource = { decide: (r) => (r.name === 'svc' ? 'deny' : undefined) };
    const silent: McpApprovalSource = { decide: () => Promise.resolve(undefined) };
    assert.deepEqual(
      [await decideFromSources([disabledByName, store], req), await decideFromSources([silent, store], req), await decideFromSources([silent], req)],
      ['deny', 'allow', undefined],
    );
  });
});

describe('expanding ${VAR} when a server connects', () => {
  const secrets = async (env: Record<string, string | undefined>, ...held: string[]) => {
    const h = new HeldSecrets(env);
    for (const v of held) h.addSource(() => v);
    return h.snapshot();
  };

  it('expands defaults and the user variables, resolves a cwd with variables against the project folder', async () => {
    const env = { TOKEN: 'user-token-1', SUB: 'tools', EMPTY: '' };
    const s = await secrets(env);
    assert.deepEqual(resolveConfig(one({ type: 'sse', url: 'http://localhost:${PORT:-4000}/sse', headers: { Authorization: 'Bearer ${TOKEN}', E: '${EMPTY:-dflt}' } }), env, s, checkUrl), {
      type: 'sse',
      url: 'http://localhost:4000/sse',
      headers: { Authorization: 'Bearer user-token-1', E: 'dflt' },
    });
    assert.deepEqual(resolveConfig(one({ command: 'srv', args: ['${SUB}'], cwd: '${SUB}/bin' }), env, s, checkUrl), {
      type: 'stdio',
      command: 'srv',
      args: ['tools'],
      env: undefined,
      cwd: '/repo/tools/bin',
    });
  });

  it('says what is missing or invalid, showing the url as declared (its expansion may hold a token)', async () => {
    const env = { HOST: 'not a host', TOKEN: 'tok-secret-ish' };
    const s = await secrets(env);
    assert.deepEqual(
      [
        resolveConfig(one({ type: 'http', url: 'https://x.example/${A}/${B}' }), env, s, checkUrl),
        resolveConfig(one({ type: 'http', url: 'http://${HOST}/${TOKEN}' }), env, s, checkUrl),
      ],
      ['missing environment variables A, B (used in /repo/.mcp.json)', '"url" is not a valid URL: http://${HOST}/${TOKEN} (used in /repo/.mcp.json)'],
    );
  });

  it('refuses credential names, held values under other names, and values that contain a held secret', async () => {
    const env = { ANTHROPIC_API_KEY: KEY, WRAPPED: `Bearer ${KEY}`, SHORT: 'abc' };
    const s = await secrets(env, 'oauth-token-from-a-store-123');
    const refuse = (entry: unknown) => resolveConfig(one(entry), { ...env, OAUTH: 'oauth-token-from-a-store-123' }, s, checkUrl);
    assert.deepEqual(
      [
        refuse({ type: 'http', url: 'https://x.example/${CLAUDE_CODE_OAUTH_TOKEN:-}' }),
        refuse({ type: 'http', url: 'https://x.example/', headers: { A: '${WRAPPED}' } }),
        refuse({ command: 'x', env: { T: '${OAUTH}' } }),
        refuse({ command: 'x', args: [KEY] }),
      ],
      [
        'refused: ${CLAUDE_CODE_OAUTH_TOKEN} in the url names a credential (CLAUDE_CODE_OAUTH_TOKEN) that Elixir Agent never hands to MCP servers. The server was not started.',
        'refused: ${WRAPPED} in header A has the value of a secret Elixir Agent holds (the Anthropic API key or a token). The server was not started.',
        'refused: ${OAUTH} in env T has the value of a secret Elixir Agent holds (the Anthropic API key or a token). The server was not started.',
        'refused: argument 1 would contain a secret Elixir Agent holds (the Anthropic API key or a token). The server was not started.',
      ],
    );
    // Short values are never treated as secrets; a source that fails holds nothing; names can be added.
    const h = new HeldSecrets({ ANTHROPIC_AUTH_TOKEN: 'abc' }).addName('GITHUB_OAUTH');
    h.addSource(() => Promise.reject(new Error('keychain locked')));
    const sub = h.addSource(() => [undefined, 'later-oauth-token-xyz']);
    assert.deepEqual([await h.values(), h.isSecretName('github_oauth')], [['later-oauth-token-xyz'], true]);
    sub.dispose();
    assert.deepEqual(await h.values(), []);
  });
});
