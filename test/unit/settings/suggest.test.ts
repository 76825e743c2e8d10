/**
 * "Always allow": the rule offered for a call (narrow, and covering that
 * call), and the settings.local.json it is written to (formatting, comments
 * and other keys kept; a broken file left alone).
 */
import * as assert from 'node:assert/strict';
import { alwaysAllowRule, withAllowRule } from '../../../src/core/settings/suggest';

const ctx = { projectRoot: '/work/shop', homeDir: '/home/dev' };
const bash = (command: string) => alwaysAllowRule('Bash', { command }, ctx);

describe('settings: the "Always allow" rule', () => {
  it('offers the command and its subcommand for a plain Bash command, nothing for what should always ask', () => {
    assert.deepEqual(
      ['mix test test/shop/orders_test.exs', 'MIX_ENV=test mix ecto.migrate', 'mix phx.gen.live Catalog Product products', 'ls -la lib', 'git log --oneline -5', 'mix format'].map(bash),
      ['Bash(mix test:*)', 'Bash(mix ecto.migrate:*)', 'Bash(mix phx.gen.live:*)', 'Bash(ls:*)', 'Bash(git log:*)', 'Bash(mix format:*)'],
    );
    assert.deepEqual(
      ['mix test && rm -rf _build', 'sh -c "mix test"', 'find . -exec rm {} +', 'echo $(cat ~/.ssh/id_rsa)', './bin/deploy prod', 'mix test > out.txt'].map(bash),
      [undefined, undefined, undefined, undefined, undefined, undefined],
    );
  });

  it('offers the one file for edits inside the project, the name for other tools, nothing for Task or outside files', () => {
    assert.deepEqual(
      [
        alwaysAllowRule('Edit', { file_path: '/work/shop/lib/shop/orders.ex', old_string: 'a', new_string: 'b' }, ctx),
        alwaysAllowRule('Write', { file_path: '/work/shop/priv/repo/seeds.exs', content: '' }, ctx),
        alwaysAllowRule('Edit', { file_path: '/etc/hosts', old_string: 'a', new_string: 'b' }, ctx),
        alwaysAllowRule('mcp__tidewave__project_eval', { code: '1 + 1' }, ctx),
        alwaysAllowRule('WebFetch', { url: 'https://hexdocs.pm' }, ctx),
        alwaysAllowRule('Task', { prompt: 'x', description: 'y' }, ctx),
        alwaysAllowRule('Bash', { command: 'mix test' }, {}),
      ],
      ['Edit(./lib/shop/orders.ex)', 'Edit(./priv/repo/seeds.exs)', undefined, 'mcp__tidewave__project_eval', 'WebFetch', undefined, undefined],
    );
  });

  it('adds the rule to permissions.allow, keeping the file as it was written; a broken file is refused whole', () => {
    assert.equal(withAllowRule(undefined, 'Bash(mix test:*)'), '{\n  "permissions": {\n    "allow": [\n      "Bash(mix test:*)"\n    ]\n  }\n}\n');
    const mine = '{\n  // my machine\n  "permissions": {\n    "allow": ["Bash(iex -S mix:*)"],\n    "deny": ["Read(./.env)"]\n  },\n  "model": "sonnet"\n}\n';
    const next = withAllowRule(mine, 'Bash(mix test:*)');
    assert.ok(next.includes('// my machine') && next.includes('"deny": ["Read(./.env)"]') && next.includes('"model": "sonnet"'), next);
    assert.deepEqual(JSON.parse(next.replace('// my machine', '')).permissions.allow, ['Bash(iex -S mix:*)', 'Bash(mix test:*)']);
    assert.equal(withAllowRule(next, 'Bash(mix test:*)'), next, 'a rule already there is not added twice');
    assert.throws(() => withAllowRule('{ "permissions": ', 'Bash'), /not a valid JSON object: fix it first, nothing was changed/);
    assert.throws(() => withAllowRule('{ "permissions": { "allow": "Bash" } }', 'Bash'), /permissions\.allow is not a list/);
  });
});
