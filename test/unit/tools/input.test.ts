/** Tool parameters: one zod schema gives the JSON schema the model sees and the parser of what it sends. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { executeCodeTool } from '../../../src/core/ide/executeCode';
import { getDiagnosticsTool } from '../../../src/core/ide/getDiagnostics';
import { builtinTools } from '../../../src/core/tools/registry';
import type { JsonSchema, Tool } from '../../../src/core/tools/types';

const tools: Tool[] = [...builtinTools(), getDiagnosticsTool(), executeCodeTool()];
const tool = (name: string): Tool => {
  const t = tools.find((x) => x.name === name);
  if (!t?.checkInput) throw new Error(`no tool ${name} that checks its input`);
  return t;
};
const check = (name: string, input: unknown) => tool(name).checkInput?.(input);

type Node = Record<string, unknown>;

/** Values the JSON schema allows (strings not blank: several tools refine "required" to "not empty"). */
function arbitraryOf(schema: Node): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'string':
      return fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '' && s !== 'null' && s !== 'undefined');
    case 'integer':
      return fc.integer({ min: (schema.minimum as number | undefined) ?? -1000, max: (schema.maximum as number | undefined) ?? 1_000_000 });
    case 'number':
      return fc.double({ noNaN: true, min: (schema.minimum as number | undefined) ?? -1e6, max: (schema.maximum as number | undefined) ?? 1e6 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryOf(schema.items as Node), { minLength: (schema.minItems as number | undefined) ?? 0, maxLength: 3 });
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Node>;
      const required = (schema.required ?? []) as string[];
      const shape = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryOf(v)]));
      return fc.record(shape, { requiredKeys: required });
    }
    default:
      throw new Error(`no generator for ${JSON.stringify(schema)}`);
  }
}

describe('tool parameters: one schema for the model and the parser', () => {
  it('every builtin and ide tool: a strict object schema, and the parser accepts whatever that schema allows', () => {
    for (const t of tools) {
      const s: JsonSchema = t.inputSchema;
      assert.equal(s.type, 'object', t.name);
      assert.equal(s.additionalProperties, false, `${t.name} refuses unknown parameters, so its schema says so`);
      assert.ok(!('$schema' in s), `${t.name}: no $schema key`);
      for (const k of s.required ?? []) assert.ok(k in (s.properties ?? {}), `${t.name}: required ${k} is a property`);
      assert.ok(t.checkInput, `${t.name} checks its input before approval`);
      fc.assert(
        fc.property(arbitraryOf(s as Node), (input) => {
          assert.equal(t.checkInput?.(input), undefined, `${t.name} refused ${JSON.stringify(input)}`);
        }),
        { numRuns: 150 },
      );
    }
    // The bounds the parser enforces are the ones the model is told about.
    assert.deepEqual(tool('Bash').inputSchema.properties?.timeout, {
      type: 'integer',
      minimum: 1,
      maximum: 600000,
      description: 'Optional timeout in milliseconds (max 600000)',
    });
    assert.deepEqual(Object.keys(tool('Grep').inputSchema.properties ?? {}), ['pattern', 'path', 'glob', 'type', 'output_mode', '-A', '-B', '-C', '-n', '-i', 'head_limit', 'offset', 'multiline']);
  });

  it("forgives models' usual slips: strings for booleans and integers, null for omitted, one string for a list, edits as JSON, earlier names", () => {
    assert.deepEqual(
      [
        check('Bash', { command: 'ls', run_in_background: 'false', timeout: '5000' }),
        check('Read', { file_path: '/a', offset: null, limit: '10' }),
        check('LS', { path: '/a', ignore: '*.beam' }),
        check('MultiEdit', { file_path: '/a', edits: JSON.stringify([{ old_string: 'a', new_string: 'b' }]) }),
        check('Grep', { pattern: 'x', context: 2, '-n': 'true', head_limit: null }),
        check('TaskOutput', { bash_id: 'bash_1', block: 'true' }),
        check('TaskStop', { shell_id: 'bash_1' }),
        check('Glob', { pattern: '*.ex', path: 'undefined' }),
      ],
      [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined],
    );
  });

  it('refuses anything else with one sentence naming the parameter, what it must be and what came', () => {
    assert.deepEqual(
      [
        check('Edit', 'file_path=/a'),
        check('Edit', { file_path: '/a', old_string: 'a', new_string: 'b', replaceAll: true }),
        check('Edit', { file_path: '/a', old_string: 'a' }),
        check('Read', { file_path: '/a', limit: 2.5 }),
        check('Bash', { command: 'ls', timeout: 0 }),
        check('Bash', { command: '   ' }),
        check('Grep', { pattern: 'x', output_mode: 'lines' }),
        check('Grep', { pattern: 'x', '-C': 500 }),
        check('MultiEdit', { file_path: '/a', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c' }] }),
        check('MultiEdit', { file_path: '/a', edits: 'a -> b' }),
        check('LS', { path: '/a', ignore: [1] }),
        check('TaskOutput', { task_id: '  ' }),
        check('NotebookEdit', { notebook_path: '/n.ipynb', new_source: '', cell_type: 'raw' }),
        check('mcp__ide__executeCode', { code: ' \n' }),
        check('mcp__ide__getDiagnostics', { uri: ['file:///a.ex'] }),
      ],
      [
        'Edit expects an object of parameters.',
        'Unknown parameter replaceAll: Edit takes file_path, old_string, new_string, replace_all.',
        'Parameter new_string is required and must be a string.',
        'Parameter limit must be an integer, got 2.5.',
        'Parameter timeout must be at least 1, got 0.',
        'command must not be empty.',
        'Parameter output_mode must be one of content, files_with_matches, count; got "lines".',
        'Parameter -C must be at most 100, got 500.',
        'Parameter edits[1].new_string is required and must be a string.',
        'Parameter edits must be an array of {old_string, new_string, replace_all?} objects, got "a -> b".',
        'Parameter ignore[0] must be a string, got 1.',
        'Parameter task_id is required: the id Bash returned when it started the background task.',
        'Parameter cell_type must be one of code, markdown; got "raw".',
        'Parameter code must be a non-empty string of Elixir code.',
        'Parameter uri must be a string, got an array.',
      ],
    );
  });
});
