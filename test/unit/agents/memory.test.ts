/**
 * Memory files with `@path` imports, on a real file system: what a team's
 * CLAUDE.md pulls in, what stays text, and what a cloned repository's memory
 * may not reach (outside the project, through links, or denied by a settings
 * rule).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRule } from '../../../src/core/permissions';
import { loadProjectMemory, memoryImports, nodeAgentFs } from '../../../src/core/agents';
import { readDeniedBy } from '../../../src/core/settings/decide';

let tmp: string;
const write = (file: string, text: string): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};

describe('agents: memory files and their @imports', () => {
  beforeEach(() => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'ea-memory-')));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('finds imports in prose only: not in code, not in e-mail addresses, without trailing punctuation', () => {
    const text = [
      'See @docs/elixir.md and @README.md.',
      'Personal notes: @~/.claude/phoenix.md, team rules (@./docs/ecto.md)',
      'Mail ops@example.com; `@lib/not_an_import.ex` is code.',
      '```elixir',
      '@moduledoc false',
      '```',
      '@../shared/CONVENTIONS.md',
    ].join('\n');
    assert.deepEqual(memoryImports(text), ['docs/elixir.md', 'README.md', '~/.claude/phoenix.md', '../shared/CONVENTIONS.md']);
  });

  it("reads the user's memory, CLAUDE.md, CLAUDE.local.md and their imports in order, each once, nested up to five levels", async () => {
    const ws = path.join(tmp, 'shop');
    const home = path.join(tmp, 'home');
    write(path.join(home, '.claude/CLAUDE.md'), 'Answer briefly. @~/notes/style.md');
    write(path.join(home, 'notes/style.md'), 'British spelling.');
    write(path.join(ws, 'CLAUDE.md'), '# Shop\nConventions: @docs/conventions.md\nAlso @docs/conventions.md again, and @nobody (a mention).');
    write(path.join(ws, 'docs/conventions.md'), 'Contexts own their schemas. @ecto.md');
    write(path.join(ws, 'docs/ecto.md'), 'Use Ecto.Multi for multi-step writes. @../CLAUDE.md');
    write(path.join(ws, 'CLAUDE.local.md'), 'My database runs on port 5433.');
    // A chain one level deeper than Claude Code follows.
    write(path.join(ws, 'AGENTS.md'), '@chain/1.md');
    for (let i = 1; i <= 6; i++) write(path.join(ws, `chain/${i}.md`), `level ${i} @${i + 1}.md`);

    const memory = await loadProjectMemory([ws], nodeAgentFs, { userDir: path.join(home, '.claude'), homeDir: home });
    assert.deepEqual(
      memory?.entries.map((e) => `${e.label}${e.importedBy ? ` <- ${e.importedBy}` : ''}`),
      [
        '~/.claude/CLAUDE.md',
        '~/notes/style.md <- ~/.claude/CLAUDE.md',
        'CLAUDE.md',
        'docs/conventions.md <- CLAUDE.md',
        'docs/ecto.md <- docs/conventions.md',
        'CLAUDE.local.md',
        'AGENTS.md',
        'chain/1.md <- AGENTS.md',
        'chain/2.md <- chain/1.md',
        'chain/3.md <- chain/2.md',
        'chain/4.md <- chain/3.md',
        'chain/5.md <- chain/4.md',
      ],
    );
    assert.deepEqual(memory?.notes, ['chain/5.md: imports nested deeper than 5 levels are not read']);
    assert.ok(memory?.text.includes(`<project-memory file="docs/ecto.md" imported-by="docs/conventions.md" path="${path.join(ws, 'docs/ecto.md')}">\nUse Ecto.Multi`));
  });

  it("keeps a repository's memory inside its folder, links followed, and refuses what a settings deny rule keeps from Read", async () => {
    const ws = path.join(tmp, 'cloned');
    const home = path.join(tmp, 'home');
    write(path.join(home, '.ssh/id_ed25519'), 'PRIVATE KEY');
    write(path.join(tmp, 'other-client/.env'), 'OTHER_SECRET=1');
    write(path.join(ws, '.env'), 'SECRET_KEY_BASE=local');
    write(path.join(ws, 'CLAUDE.md'), 'Setup: @~/.ssh/id_ed25519 @../other-client/.env @docs/linked.md @.env @docs/ok.md');
    write(path.join(ws, 'docs/ok.md'), 'Fine.');
    symlinkSync(path.join(home, '.ssh/id_ed25519'), path.join(ws, 'docs/linked.md'));
    mkdirSync(path.join(tmp, 'other'), { recursive: true });
    const other = path.join(tmp, 'other');
    symlinkSync(path.join(home, '.ssh/id_ed25519'), path.join(other, 'CLAUDE.md'));

    const deny = parseRule('Read(./.env)');
    assert.ok('rule' in deny);
    const file = { scope: 'project' as const, path: path.join(ws, '.claude/settings.json'), label: '.claude/settings.json' };
    const denied = readDeniedBy({ allow: [], ask: [], deny: [{ rule: deny.rule, file, line: 3 }] }, { projectRoot: ws, homeDir: home });
    const memory = await loadProjectMemory([ws, other], nodeAgentFs, { homeDir: home, denied });
    assert.deepEqual(memory?.entries.map((e) => e.label), ['cloned/CLAUDE.md', 'cloned/docs/ok.md']);
    assert.deepEqual(memory?.notes, [
      'cloned/CLAUDE.md imports ~/.ssh/id_ed25519, outside the project: not read',
      'cloned/CLAUDE.md imports ../other-client/.env, outside the project: not read',
      'cloned/CLAUDE.md imports cloned/docs/linked.md, outside the project: not read',
      'cloned/CLAUDE.md imports cloned/.env, denied by `Read(./.env)` in .claude/settings.json: not read',
      'other/CLAUDE.md is a link outside the project: not read',
    ]);
    assert.ok(!memory?.text.includes('PRIVATE KEY') && !memory?.text.includes('SECRET'));
  });
});
