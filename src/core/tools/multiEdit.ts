/**
 * MultiEdit: several Edit-style replacements in one file, each applied to the
 * result of the previous one. Atomic: if any fails, none is applied.
 */
import { defineTool, str } from './define';
import { applyStringEdit, approvalFor, assertCreatable, changedSnippet, commitWrite, describeWrite, loadForWrite, type StringEdit } from './editing';
import { TOOL_NAMES } from './names';
import { ToolError } from './types';

function parseEdits(raw: unknown): StringEdit[] {
  let value = raw;
  // Some models send the array as a JSON string.
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ToolError('edits must be an array of {old_string, new_string, replace_all?} objects.');
    }
  }
  if (!Array.isArray(value) || value.length === 0) throw new ToolError('edits must be a non-empty array of {old_string, new_string, replace_all?} objects.');
  return value.map((e: unknown, i) => {
    const o = e as Record<string, unknown>;
    if (!o || typeof o !== 'object' || typeof o.old_string !== 'string' || typeof o.new_string !== 'string') {
      throw new ToolError(`edits[${i}] must have string old_string and new_string.`);
    }
    if (o.replace_all !== undefined && typeof o.replace_all !== 'boolean') throw new ToolError(`edits[${i}].replace_all must be true or false.`);
    return { old_string: o.old_string, new_string: o.new_string, replace_all: o.replace_all === true };
  });
}

function applyAll(text: string, edits: StringEdit[], shown: string): string {
  let out = text;
  edits.forEach((edit, i) => {
    try {
      out = applyStringEdit(out, edit, shown);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ToolError(`Edit ${i + 1} of ${edits.length} failed, so none of the edits were applied: ${why}${i > 0 ? ' (Edits apply in order, each to the result of the previous ones.)' : ''}`);
    }
  });
  return out;
}

export const multiEditTool = defineTool({
  name: TOOL_NAMES.multiEdit,
  kind: 'edit',
  readOnly: false,
  description: [
    'Makes several exact string replacements in one file in a single atomic operation. file_path must be an absolute path; read the file first.',
    'Each edit has old_string, new_string and optional replace_all, with the same rules as Edit (old_string must occur exactly once unless replace_all; old and new must differ).',
    'Edits apply in order, each to the result of the previous one, so later edits must match the text as earlier edits left it. If any edit fails, none is applied.',
    'To create a new file, give a first edit with an empty old_string and the file content as new_string.',
  ].join('\n'),
  inputSchema: {
    type: 'object',
    properties: {
      file_path: { type: 'string', description: 'The absolute path to the file to modify' },
      edits: {
        type: 'array',
        minItems: 1,
        description: 'Array of edit operations to perform sequentially on the file',
        items: {
          type: 'object',
          properties: {
            old_string: { type: 'string', description: 'The text to replace' },
            new_string: { type: 'string', description: 'The text to replace it with' },
            replace_all: { type: 'boolean', default: false, description: 'Replace all occurrences of old_string (default false).' },
          },
          required: ['old_string', 'new_string'],
          additionalProperties: false,
        },
      },
    },
    required: ['file_path', 'edits'],
    additionalProperties: false,
  },
  parse: (input) => ({ file_path: str(input, 'file_path'), edits: parseEdits(input.edits) }),
  describe(input, ctx) {
    return describeWrite(ctx, input.file_path, 'file_path', 'Edit', (target) => {
      assertCreatable(target, input.edits[0].old_string, input.file_path);
      return approvalFor(ctx, 'Edit', target, applyAll(target.oldText, input.edits, target.shown));
    });
  },
  async run(input, ctx) {
    const target = await loadForWrite(ctx, input.file_path);
    assertCreatable(target, input.edits[0].old_string, input.file_path);
    const newText = applyAll(target.oldText, input.edits, target.shown);
    const n = input.edits.length;
    const verb = target.exists ? `Applied ${n} edit${n === 1 ? '' : 's'} to ${input.file_path}` : `Created ${input.file_path}`;
    return commitWrite(ctx, target, newText, `${verb}. The changed region now reads:\n${changedSnippet(target.oldText, newText)}`);
  },
});
