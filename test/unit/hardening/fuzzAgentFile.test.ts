/**
 * Fuzzing the agent-file parser (src/core/agents parseAgentFile) with random
 * files, token soups and mutations of real files: the user's persona
 * (test/fixtures/personas/phoenix-elixir-expert.md), the bundled persona and the
 * broken-file fixtures. It never throws, never runs code from the file,
 * never pollutes prototypes; a file it refuses gets an error, one it loads
 * none (warnings at most), and every problem points at a line of the file with a message a person can read.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { AGENT_NAME_PATTERN, parseAgentFile, type ParseResult } from '../../../src/core/agents/parse';
import { AGENT_COLORS } from '../../../src/core/agents/types';
import { mutated, RUNS, seed, seedsIn, tokenSoup } from './mutate';

const FILE = '/work/app/.claude/agents/fuzzed.md';
const PERSONA = seed('test/fixtures/personas/phoenix-elixir-expert.md');
const SEEDS = [PERSONA, seed('media/agents/elixir-expert.md'), ...seedsIn('test/fixtures/agents', '.md')];

/** Lines and fragments agent files have, and ones attackers and accidents add. */
const TOKENS = [
  '---',
  '---js',
  '---javascript',
  '--- ',
  '...',
  'name: phoenix-elixir-expert',
  'name: -leading-hyphen',
  'name: has:colon',
  'name: Upper Case',
  'name: [a, b]',
  'name: 123',
  'name:',
  'name: "\\u0000"',
  `name: ${'x'.repeat(300)}`,
  'description: Use when: the user asks',
  'description: |',
  '  a block scalar line',
  'description: >-',
  'description: ""',
  'description: !!binary aGVsbG8=',
  'tools: Read, Edit, Bash',
  'tools: [Read, {x: 1}]',
  'tools:',
  '  - Read',
  '  - mcp__tidewave__project_eval',
  'tools: *nowhere',
  'disallowedTools: Bash',
  'model: sonnet',
  'model: 42',
  'model: claude-opus-5-5[1m]',
  'color: ultraviolet',
  'color: magenta',
  'tools: Read, Grep, Bash(git *), Bash(mix test:*)',
  'tools: ["Read", "Bash(*)"]',
  'tools: Read, Bash(git *',
  'tools: context-manager, computer-use',
  'disallowedTools: Bash(rm *)',
  'color: [purple]',
  'maxTurns: -3',
  'maxTurns: 1e309',
  'permissionMode: bypassPermissions',
  'permissionMode: {a: 1}',
  '__proto__: {polluted: yes}',
  'constructor: {prototype: {polluted: yes}}',
  'toString: not a function',
  'name: !!js/function "function () { globalThis.__fuzzPwned = 1 }"',
  'description: !!js/undefined ""',
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  '<<: *a',
  '? complex key',
  ': complex value',
  '%YAML 1.2',
  'key: "unterminated',
  "key: 'unterminated",
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  '{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{',
  '\ttab: indented',
  '# a comment',
  '',
  '## Core Expertise Areas',
  'You are an agent. <script>globalThis.__fuzzPwned = 1</script>',
  '\u202Eevil\u202C',
];


function lineCount(text: string): number {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.split(/\r?\n/).length;
}

/** Why a parse result is not sane for `text` (empty when it is). */
function insanity(text: string, r: ParseResult): string[] {
  const bad: string[] = [];
  const last = lineCount(text) - 1;
  const int = (n: unknown) => typeof n === 'number' && Number.isInteger(n);
  for (const p of r.problems) {
    const where = `problem ${JSON.stringify(p).slice(0, 200)}`;
    if (p.filePath !== FILE) bad.push(`${where}: wrong file`);
    if (!int(p.line) || p.line < 0 || p.line > last) bad.push(`${where}: line outside 0..${last}`);
    if (p.column !== undefined && (!int(p.column) || p.column < 0)) bad.push(`${where}: bad column`);
    if (p.endLine !== undefined && (!int(p.endLine) || p.endLine < p.line || p.endLine > last)) bad.push(`${where}: bad end line`);
    if (p.endColumn !== undefined && (!int(p.endColumn) || p.endColumn < 0)) bad.push(`${where}: bad end column`);
    if (p.severity !== 'error' && p.severity !== 'warning') bad.push(`${where}: bad severity`);
    // "undefined", "NaN" or "[object Object]" in a message is a bug unless the file itself says it.
    const junk = ['undefined', 'NaN', '[object Object]'].filter((w) => p.message?.includes(w) && !text.includes(w));
    if (typeof p.message !== 'string' || p.message.trim().length < 10 || junk.length) bad.push(`${where}: unclear message`);
    if (typeof p.code !== 'string' || !/^[a-z][a-z-]*$/i.test(p.code)) bad.push(`${where}: no code`);
  }
  if (!r.agent) {
    if (!r.problems.some((p) => p.severity === 'error')) bad.push('refused without an error');
    return bad;
  }
  const a = r.agent;
  // An error means "this agent does not load"; an agent that loads has warnings at most.
  const errors = r.problems.filter((p) => p.severity === 'error').map((p) => p.code);
  if (errors.length > 0) bad.push(`loaded despite errors: ${errors.join(', ')}`);
  if (!AGENT_NAME_PATTERN.test(a.name) || a.name.length > 64) bad.push(`accepted an invalid name ${JSON.stringify(a.name)}`);
  if (typeof a.description !== 'string' || a.description.trim() === '') bad.push('accepted an empty description');
  if (typeof a.systemPrompt !== 'string') bad.push('system prompt is not text');
  for (const key of ['tools', 'disallowedTools'] as const) {
    const list = a[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((t) => typeof t !== 'string' || t.trim() !== t || t === ''))) bad.push(`${key} is not a clean list of names`);
  }
  if (a.maxTurns !== undefined && (!int(a.maxTurns) || a.maxTurns < 1)) bad.push(`maxTurns ${a.maxTurns}`);
  if (a.color !== undefined && !(AGENT_COLORS as readonly string[]).includes(a.color)) bad.push(`color ${a.color}`);
  if (a.bodyLine !== undefined && (!int(a.bodyLine) || a.bodyLine < 0 || a.bodyLine > last)) bad.push(`bodyLine ${a.bodyLine} outside 0..${last}`);
  return bad;
}

/** Parses and checks: no throw, sane, deterministic, no side effects. */
function check(text: string): void {
  let first: ParseResult;
  try {
    first = parseAgentFile(text, FILE, 'project');
  } catch (err) {
    throw new Error(`parseAgentFile threw on ${JSON.stringify(text.slice(0, 300))}: ${err instanceof Error ? err.stack : String(err)}`);
  }
  const side = {
    executed: (globalThis as { __fuzzPwned?: unknown }).__fuzzPwned,
    polluted: ({} as { polluted?: unknown }).polluted,
  };
  const again = parseAgentFile(text, FILE, 'project');
  // frontMatter keeps YAML aliases as shared references (an alias bomb stays small
  // in memory but has no JSON form): compare everything else.
  const plain = (r: ParseResult) => JSON.stringify({ ...r, agent: r.agent && { ...r.agent, frontMatter: Object.keys(r.agent.frontMatter) } });
  assert.deepStrictEqual(
    { insanity: insanity(text, first), side, deterministic: plain(again) === plain(first) },
    { insanity: [], side: { executed: undefined, polluted: undefined }, deterministic: true },
    `input: ${JSON.stringify(text.slice(0, 400))}`,
  );
}

describe('hardening: fuzzing the agent-file parser', function () {
  this.timeout(60_000);

  it('the seeds themselves parse as their fixtures intend (the user persona loads)', () => {
    const persona = parseAgentFile(PERSONA, FILE, 'project');
    assert.deepStrictEqual(
      { name: persona.agent?.name, model: persona.agent?.model, color: persona.agent?.color, errors: persona.problems.filter((p) => p.severity === 'error') },
      { name: 'phoenix-elixir-expert', model: 'sonnet', color: 'purple', errors: [] },
    );
    for (const s of SEEDS) check(s);
  });

  it('random text, binary junk and token soups: no throw, sane problems, no code run', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          tokenSoup(TOKENS),
          tokenSoup(TOKENS).map((body) => `---\n${body}\n---\nYou are an agent.\n`),
        ),
        check,
      ),
      { numRuns: RUNS },
    );
  });

  it('mutated real files (the user persona first): no throw, sane problems, no code run', () => {
    fc.assert(fc.property(mutated([PERSONA, PERSONA, ...SEEDS], TOKENS), check), { numRuns: RUNS * 2 });
  });

  it('a YAML alias bomb (nine levels of nine) loads without being expanded', () => {
    const levels = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    const text = `---\nname: yaml-bomb\ndescription: Expands to 387 million strings if anything walks it\n${levels.join('\n')}\n---\nBody.\n`;
    check(text);
    const r = parseAgentFile(text, FILE, 'project');
    assert.deepStrictEqual({ name: r.agent?.name, prompt: r.agent?.systemPrompt, errors: r.problems.filter((p) => p.severity === 'error') }, { name: 'yaml-bomb', prompt: 'Body.', errors: [] });
  });

  it('a duplicated key before an indented line gives a problem at a column the editor accepts (never negative)', () => {
    const text = '---\nname: empty-body\nname: empty-body\n        description: A\n---\n\n';
    const r = parseAgentFile(text, FILE, 'project');
    assert.deepStrictEqual(
      r.problems.filter((p) => (p.column ?? 0) < 0),
      [],
    );
  });

  it('front matter in another language or with executable YAML tags never runs, and is refused with a clear error', () => {
    const attempts = [
      '---js\n{ name: (globalThis.__fuzzPwned = 1, "x"), description: "d" }\n---\nbody\n',
      '---javascript\nglobalThis.__fuzzPwned = 1\n---\nbody\n',
      '---\nname: !!js/function "function () { globalThis.__fuzzPwned = 1 }"\ndescription: d\n---\nbody\n',
      '---\nname: x\ndescription: !!js/regexp /a/\n---\nbody\n',
    ];
    const results = attempts.map((text) => {
      check(text);
      const r = parseAgentFile(text, FILE, 'project');
      return { loaded: !!r.agent, error: r.problems.find((p) => p.severity === 'error')?.code };
    });
    assert.deepStrictEqual(
      results.map((r) => r.loaded),
      [false, false, false, false],
    );
    assert.ok(results.every((r) => typeof r.error === 'string'), JSON.stringify(results));
  });
});
