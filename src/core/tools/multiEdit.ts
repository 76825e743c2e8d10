/**
 * MultiEdit: several Edit-style replacements in one file, each applied to the
 * result of the previous one. Atomic: if any fails, none is applied.
 */
import { z } from 'zod';
import { defineTool } from './define';
import { applyStringEdit, approvalFor, assertCreatable, changedSnippet, commitWrite, describeWrite, loadForWrite, type StringEdit } from './editing';
import { TOOL_NAMES } from './names';
import { ToolError } from './types';

/** The first edit's old_string: an empty one creates the file (the schema asks for at least one edit). */
const firstOld = (edits: StringEdit[]): string => edits[0]?.old_string ?? '';

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
  input: z.strictObject({
    file_path: z.string().describe('The absolute path to the file to modify'),
    edits: z
      .array(
        z.strictObject({
          old_string: z.string().describe('The text to replace'),
          new_string: z.string().describe('The text to replace it with'),
          replace_all: z.boolean().default(false).describe('Replace all occurrences of old_string (default false).'),
        }),
      )
      .min(1)
      .describe('Array of edit operations to perform sequentially on the file'),
  }),
  describe(input, ctx) {
    return describeWrite(ctx, input.file_path, 'file_path', 'Edit', (target) => {
      assertCreatable(target, firstOld(input.edits), input.file_path);
      return approvalFor(ctx, 'Edit', target, applyAll(target.oldText, input.edits, target.shown));
    });
  },
  async run(input, ctx) {
    const target = await loadForWrite(ctx, input.file_path);
    assertCreatable(target, firstOld(input.edits), input.file_path);
    const newText = applyAll(target.oldText, input.edits, target.shown);
    const n = input.edits.length;
    const verb = target.exists ? `Applied ${n} edit${n === 1 ? '' : 's'} to ${input.file_path}` : `Created ${input.file_path}`;
    return commitWrite(ctx, target, newText, `${verb}. The changed region now reads:\n${changedSnippet(target.oldText, newText)}`);
  },
});
