import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAgentFile, type AgentProblem } from '../../../src/core/agents';
import { fixtures, sharedPersonas } from './helpers';

const parseFixture = (name: string) => parseAgentFile(readFileSync(fixtures(name), 'utf8'), fixtures(name), 'project');
/** Problems as [line, severity, code] for compact whole-result comparisons. */
const brief = (problems: AgentProblem[]) => problems.map((p) => [p.line, p.severity, p.code]);

describe('agents: parsing agent files', () => {
  it("reads the user's persona with every field, tools in order and the body as system prompt", () => {
    const file = path.join(sharedPersonas, 'phoenix-elixir-expert.md');
    const text = readFileSync(file, 'utf8');
    const { agent, problems } = parseAgentFile(text, file, 'user');
    assert.deepEqual(problems, []);
    assert.ok(agent);
    const { systemPrompt, frontMatter, ...rest } = agent;
    assert.deepEqual(rest, {
      name: 'phoenix-elixir-expert',
      description: rest.description,
      tools: [
        'Bash', 'Glob', 'Grep', 'LS', 'Read', 'Edit', 'MultiEdit', 'Write', 'NotebookEdit',
        'mcp__tidewave__get_logs', 'mcp__tidewave__get_source_location', 'mcp__tidewave__get_docs',
        'mcp__tidewave__get_package_location', 'mcp__tidewave__project_eval', 'mcp__tidewave__execute_sql_query',
        'mcp__tidewave__get_ecto_schemas', 'mcp__tidewave__list_liveview_pages', 'mcp__tidewave__search_package_docs',
        'mcp__ide__getDiagnostics', 'mcp__ide__executeCode',
      ],
      disallowedTools: undefined,
      model: 'sonnet',
      color: 'purple',
      permissionMode: undefined,
      maxTurns: undefined,
      source: 'user',
      filePath: file,
      shadows: [],
      bodyLine: 7,
      fieldLines: { name: 1, description: 2, tools: 3, model: 4, color: 5 },
    });
    assert.match(rest.description, /^MUST BE USED for all Elixir, Phoenix, Ecto, OTP, LiveView/);
    assert.deepEqual(Object.keys(frontMatter), ['name', 'description', 'tools', 'model', 'color']);
    assert.ok(systemPrompt.startsWith('You are a **battle-tested Elixir/Phoenix architect**'));
    assert.ok(systemPrompt.endsWith('maintainability in production environments.'));
    assert.equal(systemPrompt, text.slice(text.indexOf('\n---\n') + 5).trim());
  });

  it('reads tools as a YAML list and keeps newer and unknown fields', () => {
    const { agent, problems } = parseFixture('list-tools.md');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      {
        tools: agent?.tools,
        disallowedTools: agent?.disallowedTools,
        model: agent?.model,
        color: agent?.color,
        permissionMode: agent?.permissionMode,
        maxTurns: agent?.maxTurns,
        kept: {
          effort: agent?.frontMatter.effort,
          skills: agent?.frontMatter.skills,
          owner: agent?.frontMatter['x-team-owner'],
          hooks: agent?.frontMatter.hooks,
        },
      },
      {
        tools: ['Read', 'Grep', 'mcp__tidewave__get_docs'],
        disallowedTools: ['Bash'],
        model: 'opus',
        color: 'green',
        permissionMode: 'acceptEdits',
        maxTurns: 12,
        kept: { effort: 'high', skills: ['ecto'], owner: 'platform', hooks: { PreToolUse: [{ matcher: 'Edit' }] } },
      },
    );
  });

  it('reads CRLF and BOM files like LF ones, with the same lines', () => {
    const crlf = parseFixture('crlf.md');
    const bom = parseFixture('bom.md');
    assert.deepEqual(
      [crlf.problems, crlf.agent && { name: crlf.agent.name, tools: crlf.agent.tools, color: crlf.agent.color, prompt: crlf.agent.systemPrompt, lines: crlf.agent.fieldLines }],
      [[], { name: 'crlf-agent', tools: ['Read', 'Glob'], color: 'blue', prompt: 'Line one.\nLine two.', lines: { name: 1, description: 2, tools: 3, color: 4 } }],
    );
    assert.deepEqual([bom.problems, bom.agent?.name, bom.agent?.description, bom.agent?.systemPrompt], [[], 'bom-agent', 'Starts with a byte order mark', 'Hello.']);
    // A broken CRLF file reports the same line as its LF twin.
    const broken = '---\nname: x\ndescription: y\ncolor: teal\n---\nBody\n';
    assert.deepEqual(brief(parseAgentFile(broken.replace(/\n/g, '\r\n'), 'w.md', 'project').problems), [[3, 'warning', 'unknown-color']]);
    assert.deepEqual(brief(parseAgentFile(`\uFEFF${broken}`, 'b.md', 'project').problems), [[3, 'warning', 'unknown-color']]);
  });

  it('loads an empty body with a warning, and a huge body whole with a warning', () => {
    const empty = parseFixture('empty-body.md');
    assert.deepEqual([empty.agent?.systemPrompt, brief(empty.problems)], ['', [[3, 'warning', 'empty-body']]]);

    const paragraph = Array(20).fill('Prefer pattern matching over nested conditionals.').join(' ');
    const body = Array.from({ length: 300 }, (_, i) => `## Rule ${i}\n\n${paragraph}`).join('\n\n');
    const huge = parseAgentFile(`---\nname: huge\ndescription: A very long prompt\n---\n${body}\n`, 'huge.md', 'project');
    assert.equal(huge.agent?.systemPrompt, body);
    assert.deepEqual(brief(huge.problems), [[4, 'warning', 'large-body']]);
    assert.match(huge.problems[0]!.message, /very long \(\d{3},\d{3} characters, about [\d,]+ tokens\)/);
  });

  it('reports each broken file at the line of the offending key and loads no agent', () => {
    const cases: Record<string, unknown[]> = {
      'bad-yaml.md': [[4, 'error', 'yaml']],
      'missing-name.md': [[0, 'error', 'missing-name']],
      'missing-description.md': [[0, 'error', 'missing-description']],
      'invalid-name.md': [[2, 'error', 'invalid-name']],
      'tools-wrong-type.md': [[4, 'error', 'invalid-tools']],
      'no-front-matter.md': [[0, 'error', 'no-front-matter']],
      'unclosed-front-matter.md': [[0, 'error', 'no-front-matter']],
    };
    const got = Object.fromEntries(
      Object.keys(cases).map((f) => {
        const r = parseFixture(f);
        return [f, [r.agent === undefined, brief(r.problems)]];
      }),
    );
    assert.deepEqual(got, Object.fromEntries(Object.entries(cases).map(([f, p]) => [f, [true, p]])));
    assert.match(parseFixture('invalid-name.md').problems[0]!.message, /invalid name "Phoenix Expert".*e\.g\. `phoenix-expert`/);
    assert.match(parseFixture('bad-yaml.md').problems[0]!.message, /^invalid YAML in the front matter: missed comma between flow collection entries/);
    assert.deepEqual(parseFixture('bad-yaml.md').problems[0]!.filePath, fixtures('bad-yaml.md'));
  });

  it('loads an agent with an unknown colour (six real files say magenta), with a warning only', () => {
    const { agent, problems } = parseFixture('unknown-color.md');
    assert.deepEqual([agent?.name, agent?.color, agent?.frontMatter.color, brief(problems)], ['unknown-color', undefined, 'magenta', [[4, 'warning', 'unknown-color']]]);
    assert.equal(problems[0]!.message, 'unknown colour "magenta" (ignored): use one of red, blue, green, yellow, purple, orange, pink, cyan');
  });

  it('reads an unquoted value containing ": " as Claude Code does, with a warning', () => {
    const { agent, problems } = parseFixture('unquoted-colon.md');
    assert.deepEqual(
      [agent?.description, agent?.tools, problems.map((p) => [p.line, p.column, p.severity, p.code])],
      ['Use this agent when: the user asks about Ecto', ['Read', 'Grep'], [[2, 13, 'warning', 'yaml-unquoted-colon']]],
    );
  });

  it('warns about misspelled fields and ignores invalid optional values', () => {
    const { agent, problems } = parseFixture('misspelled-field.md');
    assert.deepEqual(
      [agent?.disallowedTools, agent?.maxTurns, agent?.permissionMode, agent?.frontMatter.disallowed_tools, brief(problems)],
      [undefined, undefined, undefined, 'Bash', [[3, 'warning', 'misspelled-field'], [4, 'warning', 'invalid-max-turns'], [5, 'warning', 'unknown-permission-mode']]],
    );
    assert.match(problems[0]!.message, /did you mean `disallowedTools`\?/);
  });

  it('rejects tools of the wrong type and flags suspicious tool lists', () => {
    const parse = (fields: string) => parseAgentFile(`---\nname: t\ndescription: d\n${fields}---\nBody\n`, 't.md', 'project');
    const results = {
      number: parse('tools: 42\n'),
      listOfNumbers: parse('tools:\n  - Read\n  - 7\n'),
      disallowedMapping: parse('disallowedTools: {Bash: true}\n'),
      spaces: parse('tools: Read Grep Glob\n'),
      empty: parse('tools: ""\n'),
      duplicate: parse('tools: Read, Read, Grep\n'),
      nullTools: parse('tools:\n'),
      numberName: parse('model: 3\n'),
    };
    assert.deepEqual(
      Object.fromEntries(Object.entries(results).map(([k, r]) => [k, [r.agent ? r.agent.tools ?? 'all' : 'not loaded', brief(r.problems)]])),
      {
        number: ['not loaded', [[3, 'error', 'invalid-tools']]],
        listOfNumbers: ['not loaded', [[3, 'error', 'invalid-tools']]],
        disallowedMapping: ['not loaded', [[3, 'error', 'invalid-disallowedTools']]],
        spaces: [['Read Grep Glob'], [[3, 'warning', 'tools-separator']]],
        empty: [[], [[3, 'warning', 'empty-tools']]],
        duplicate: [['Read', 'Grep'], [[3, 'warning', 'duplicate-tool']]],
        nullTools: ['all', []],
        numberName: ['all', [[3, 'warning', 'invalid-model']]],
      },
    );
    assert.match(results.number.problems[0]!.message, /expected a comma-separated string or a list of tool names, found number 42/);
  });

  it('validates names and reports several problems of one file together, in line order', () => {
    const r = parseAgentFile('---\nname: -lead:er\ndescription: 12\ncolor: 5\nmodel: gpt-4o\n---\nx\n', 'm.md', 'project');
    assert.deepEqual(brief(r.problems), [
      [1, 'error', 'invalid-name'],
      [2, 'error', 'invalid-description'],
      [3, 'warning', 'unknown-color'],
      [4, 'warning', 'unusual-model'],
    ]);
    assert.equal(r.agent, undefined);
    const names = ['a', 'ecto-2', 'UPPER', 'has_underscore', 'with space', '-lead', 'a:b', 'x'.repeat(65)].map(
      (n) => parseAgentFile(`---\nname: "${n}"\ndescription: d\n---\n`, 'n.md', 'project').agent !== undefined,
    );
    assert.deepEqual(names, [true, true, false, false, false, false, false, false]);
  });
});
