import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { agentSearchPaths, loadAgents, loadProjectMemory, nodeAgentFs } from '../../../src/core/agents';
import { claudeConfigDir } from '../../../src/core/util/claudeConfig';
import { agentText, fixtures, memoryFs, repoRoot } from './helpers';

describe('agents: discovery and precedence', () => {
  const paths = agentSearchPaths({ workspaceFolders: ['/ws/a', '/ws/b'], homeDir: '/home/u', bundledDir: '/ext/media/agents' });

  it('builds the search paths: every workspace folder, then the user, then the bundled folder', () => {
    assert.deepEqual(paths, [
      { dir: '/ws/a/.claude/agents', source: 'project' },
      { dir: '/ws/b/.claude/agents', source: 'project' },
      { dir: '/home/u/.claude/agents', source: 'user' },
      { dir: '/ext/media/agents', source: 'bundled' },
    ]);
  });

  it("takes the user's agents from $CLAUDE_CONFIG_DIR/agents when it is set, as Claude Code does", () => {
    const user = (env: NodeJS.ProcessEnv) => agentSearchPaths({ workspaceFolders: [], userConfigDir: claudeConfigDir(env, '/home/u') });
    assert.deepEqual(
      [user({}), user({ CLAUDE_CONFIG_DIR: '/srv/claude-work' }), user({ CLAUDE_CONFIG_DIR: '  ' })].map((p) => p.map((x) => x.dir)),
      [['/home/u/.claude/agents'], ['/srv/claude-work/agents'], ['/home/u/.claude/agents']],
    );
  });

  it('applies project > user > bundled by name, fills shadows, and finds files in subfolders', async () => {
    const fs = memoryFs({
      '/ws/a/.claude/agents/team/backend/elixir-expert.md': agentText('elixir-expert', 'model: opus\n'),
      '/ws/a/.claude/agents/notes.txt': 'not an agent',
      '/ws/a/.claude/agents/.drafts/draft.md': agentText('draft'),
      '/ws/b/.claude/agents/reviewer.md': agentText('reviewer'),
      '/home/u/.claude/agents/elixir-expert.md': agentText('elixir-expert'),
      '/home/u/.claude/agents/reviewer.md': agentText('reviewer'),
      '/home/u/.claude/agents/personal.md': agentText('personal'),
      '/ext/media/agents/elixir-expert.md': agentText('elixir-expert'),
    });
    const catalog = await loadAgents(paths, fs);
    assert.deepEqual(
      catalog.agents.map((a) => [a.name, a.source, a.filePath, a.shadows]),
      [
        ['elixir-expert', 'project', '/ws/a/.claude/agents/team/backend/elixir-expert.md', ['user:/home/u/.claude/agents/elixir-expert.md', 'bundled:/ext/media/agents/elixir-expert.md']],
        ['reviewer', 'project', '/ws/b/.claude/agents/reviewer.md', ['user:/home/u/.claude/agents/reviewer.md']],
        ['personal', 'user', '/home/u/.claude/agents/personal.md', []],
      ],
    );
    assert.deepEqual(
      catalog.definitions.filter((d) => d.shadowedBy).map((d) => [d.filePath, d.shadowedBy]),
      [
        ['/home/u/.claude/agents/elixir-expert.md', 'project:/ws/a/.claude/agents/team/backend/elixir-expert.md'],
        ['/home/u/.claude/agents/reviewer.md', 'project:/ws/b/.claude/agents/reviewer.md'],
        ['/ext/media/agents/elixir-expert.md', 'project:/ws/a/.claude/agents/team/backend/elixir-expert.md'],
      ],
    );
    // Cross-source shadowing is intended: no problem. Hidden folders and non-.md files are not read.
    assert.deepEqual(catalog.problems, []);
    assert.equal(catalog.files.length, 6);
    assert.ok(!fs.reads.some((r) => r.endsWith('.txt') || r.includes('.drafts')));
  });

  it('warns when two files of one source define the same name; the first folder wins', async () => {
    const fs = memoryFs({
      '/ws/a/.claude/agents/x.md': agentText('dup'),
      '/ws/b/.claude/agents/y.md': `---\ndescription: second\nmodel: haiku\nname: dup\n---\nBody\n`,
    });
    const catalog = await loadAgents(paths, fs);
    assert.deepEqual(
      [catalog.agents.map((a) => [a.filePath, a.shadows]), catalog.problems.map((p) => [p.filePath, p.line, p.severity, p.code])],
      [[['/ws/a/.claude/agents/x.md', ['project:/ws/b/.claude/agents/y.md']]], [['/ws/b/.claude/agents/y.md', 3, 'warning', 'duplicate-name']]],
    );
    assert.match(catalog.problems[0]!.message, /another project agent file also defines "dup" and wins: \/ws\/a\/\.claude\/agents\/x\.md/);
  });

  it('keeps loading the other agents when files are broken or unreadable', async () => {
    const fs = memoryFs({
      '/ws/a/.claude/agents/good.md': agentText('good'),
      '/ws/a/.claude/agents/broken.md': '---\nname: broken\ndescription: [oops\n---\n',
    });
    const failing = { ...fs, readFile: async (f: string) => (f.endsWith('good.md') ? fs.readFile(f) : Promise.reject(new Error('EACCES: permission denied'))) };
    const [catalog, unreadable] = await Promise.all([loadAgents(paths, fs), loadAgents(paths, failing)]);
    assert.deepEqual(
      [catalog.agents.map((a) => a.name), catalog.problems.map((p) => [path.basename(p.filePath), p.line, p.severity, p.code])],
      [['good'], [['broken.md', 2, 'error', 'yaml']]],
    );
    assert.deepEqual(
      [unreadable.agents.map((a) => a.name), unreadable.problems.map((p) => [path.basename(p.filePath), p.code, p.message])],
      [['good'], [['broken.md', 'unreadable', 'cannot read the file: EACCES: permission denied']]],
    );
  });

  it('loads the broken and unusual fixture folder from disk: valid files load, each broken one is reported', async () => {
    const catalog = await loadAgents([{ dir: fixtures(), source: 'project' }], nodeAgentFs);
    assert.deepEqual(catalog.agents.map((a) => a.name).sort(), [
      'bash-everything', 'bom-agent', 'crlf-agent', 'empty-body', 'git-reviewer', 'list-tools', 'misspelled-field', 'unknown-color', 'unknown-tools', 'unquoted-colon',
    ]);
    const broken = [...new Set(catalog.problems.filter((p) => p.severity === 'error').map((p) => path.basename(p.filePath)))].sort();
    assert.deepEqual(broken, [
      'bad-yaml.md', 'color-twice.md', 'invalid-name.md', 'missing-description.md', 'missing-name.md', 'no-front-matter.md', 'tools-wrong-type.md', 'unclosed-front-matter.md',
    ]);
    // An error means the agent does not load; an agent that loads has warnings at most.
    const loaded = new Set(catalog.agents.map((a) => a.filePath));
    assert.deepEqual(catalog.problems.filter((p) => p.severity === 'error' && loaded.has(p.filePath)), []);
  });

  describe('on a real folder', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'agents-'));
    });
    afterEach(() => rmSync(tmp, { recursive: true, force: true }));

    it('follows symlinked agent folders, and a missing folder is simply empty', async () => {
      const shared = path.join(tmp, 'shared');
      mkdirSync(shared);
      writeFileSync(path.join(shared, 'linked.md'), agentText('linked'));
      mkdirSync(path.join(tmp, 'ws', '.claude', 'agents'), { recursive: true });
      symlinkSync(shared, path.join(tmp, 'ws', '.claude', 'agents', 'team'));
      symlinkSync(path.join(tmp, 'nowhere'), path.join(tmp, 'ws', '.claude', 'agents', 'dangling.md'));
      const catalog = await loadAgents(
        agentSearchPaths({ workspaceFolders: [path.join(tmp, 'ws'), path.join(tmp, 'missing')], homeDir: path.join(tmp, 'nohome') }),
        nodeAgentFs,
      );
      assert.deepEqual(
        [catalog.agents.map((a) => [a.name, a.filePath]), catalog.problems],
        [[['linked', path.join(tmp, 'ws', '.claude', 'agents', 'team', 'linked.md')]], []],
      );
    });

    it('reads CLAUDE.md and AGENTS.md of every folder as project memory', async () => {
      const a = path.join(tmp, 'app');
      const b = path.join(tmp, 'lib');
      mkdirSync(a);
      mkdirSync(b);
      writeFileSync(path.join(a, 'CLAUDE.md'), '\uFEFFUse `mix test --stale`.\r\nNever touch priv/static.\r\n');
      writeFileSync(path.join(a, 'AGENTS.md'), '   \n');
      writeFileSync(path.join(b, 'AGENTS.md'), `Long rules\n${'x'.repeat(200)}`);
      const memory = await loadProjectMemory([a, b], nodeAgentFs, { maxChars: 50 });
      assert.deepEqual(memory?.files, [path.join(a, 'CLAUDE.md'), path.join(b, 'AGENTS.md')]);
      assert.ok(memory?.text.includes(`<project-memory file="app/CLAUDE.md" path="${path.join(a, 'CLAUDE.md')}">\nUse \`mix test --stale\`.\nNever touch priv/static.\n</project-memory>`));
      assert.match(memory?.text ?? '', /<project-memory file="lib\/AGENTS\.md"[^>]*>\nLong rules\nx{39}\n\n\[… lib\/AGENTS\.md was cut here: 161 more characters not shown\]/);
      assert.equal(await loadProjectMemory([path.join(tmp, 'empty')], nodeAgentFs), undefined);
    });
  });

  it('ships a valid bundled persona with the expected tools', async () => {
    const catalog = await loadAgents([{ dir: path.join(repoRoot, 'media', 'agents'), source: 'bundled' }], nodeAgentFs);
    assert.deepEqual(
      [catalog.problems, catalog.agents.map((a) => [a.name, a.source, a.model, a.color, a.tools])],
      [[], [['elixir-expert', 'bundled', 'sonnet', 'purple', ['Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'Bash', 'NotebookEdit', 'mcp__ide__*', 'mcp__tidewave']]]],
    );
    assert.ok(catalog.agents[0]!.systemPrompt.length > 3000);
  });
});
