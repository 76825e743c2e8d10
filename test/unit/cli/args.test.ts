import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseCheckArgs } from '../../../src/cli/agents';
import { argTokens } from '../../../src/cli/args';
import { parseDiagnosticsArgs } from '../../../src/cli/diagnostics';
import { parseRunArgs } from '../../../src/cli/runArgs';

describe('CLI arguments (util.parseArgs tokens, our own checks and messages)', () => {
  it('reads long options, their values, single-dash words whole and `--`', () => {
    assert.deepEqual(
      argTokens(['--agent', 'x', '-abc', '--json=1', '--', '--agent'], ['agent']).map((t) => [t.kind, t.raw, 'value' in t ? t.value : undefined]),
      [
        ['option', '--agent', 'x'],
        ['short', '-abc', undefined],
        ['option', '--json=1', '1'],
        ['terminator', '--', undefined],
        ['positional', '--agent', undefined],
      ],
    );
    // Without `--`, the words after it are options again.
    assert.deepEqual(argTokens(['--', '--agent', 'x'], ['agent'], { terminator: false }).map((t) => t.kind), ['terminator', 'option']);
  });

  it('run: the accepted forms and the messages', () => {
    const ok = parseRunArgs(['--agent', 'a', '--allow-tools', 'Edit, Write', '--trust-project-mcp=x,y', '-v', 'fix', '--', '--json']);
    assert.ok(typeof ok !== 'string');
    assert.deepEqual([ok.agent, ok.allow, ok.trustProjectMcp, ok.prompt, ok.json, ok.cwd], ['a', ['Edit', 'Write'], ['x', 'y'], '-v fix --json', false, path.resolve('.')]);
    assert.deepEqual(
      [
        ['--agent'],
        ['--agent', '--json', 'hi'],
        ['--agent=a', 'hi'],
        ['--max-turns', '0', 'hi'],
        ['--trust-project-mcp=', 'hi'],
        ['--bogus', 'hi'],
        ['--json'],
      ].map(parseRunArgs),
      [
        '--agent needs a value',
        '--agent needs a value',
        'unknown option --agent=a',
        '--max-turns needs a whole number of at least 1',
        '--trust-project-mcp= needs server names (or no "=" for all of them)',
        'unknown option --bogus',
        'missing PROMPT',
      ],
    );
  });

  it('agents check: key options anywhere, `--` is unknown, one DIR', () => {
    const ok = parseCheckArgs(['--api-key-fd', '3', 'check', '--json', 'dir']);
    assert.ok(typeof ok !== 'string');
    assert.deepEqual([ok.key, ok.json, ok.includeUser, ok.target], [{ apiKeyFd: '3' }, true, true, path.resolve('dir')]);
    assert.deepEqual(
      [[], [''], ['lint'], ['check', '--api-key-file'], ['check', '--', 'x'], ['check', 'a', '-b']].map(parseCheckArgs),
      ['missing agents command', 'missing agents command', "unknown agents command 'lint'", '--api-key-file needs a value', 'unknown option --', 'give at most one DIR'],
    );
  });

  it('diagnostics: every dash word is an option, --help unless an error comes first', () => {
    assert.deepEqual(parseDiagnosticsArgs(['d', '--mix', '--x', '--max', '3']), { dir: 'd', mix: '--x', max: 3 });
    assert.equal(parseDiagnosticsArgs(['--file', 'a', '-h', '--max', '0']), 'help');
    assert.deepEqual(
      [['--max', '0', '--help'], ['--file'], ['-'], ['--'], ['-hx'], ['--mix=m']].map(parseDiagnosticsArgs),
      [
        { error: '--max needs a positive whole number' },
        { error: '--file needs a path' },
        { error: 'unknown option -' },
        { error: 'unknown option --' },
        { error: 'unknown option -hx' },
        { error: 'unknown option --mix=m' },
      ],
    );
  });
});
