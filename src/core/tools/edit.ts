/**
 * Edit: replace one exact string in a file the agent has read. old_string
 * must occur exactly once (or replace_all); the error says how many times
 * and on which lines it occurs.
 */
import { z } from 'zod';
import { defineTool } from './define';
import { applyStringEdit, approvalFor, assertCreatable, changedSnippet, commitWrite, describeWrite, loadForWrite } from './editing';
import { TOOL_NAMES } from './names';

export const editTool = defineTool({
  name: TOOL_NAMES.edit,
  kind: 'edit',
  readOnly: false,
  description: [
    'Performs an exact string replacement in a file (no regular expressions). file_path must be an absolute path.',
    'Read the file first in this conversation; an edit of a file that was not read, or that changed since it was read, is refused.',
    'old_string must match the file exactly, including indentation; copy it from Read output WITHOUT the line-number prefix (everything up to and including the tab).',
    'The edit fails if old_string occurs more than once: include more surrounding lines to make it unique, or set replace_all to change every occurrence (e.g. to rename a variable). old_string and new_string must differ.',
    'An empty old_string creates a new file (or fills an empty one) with new_string. Prefer editing existing files to creating new ones.',
    'The user sees the change as a diff and may be asked to approve it.',
  ].join('\n'),
  input: z.strictObject({
    file_path: z.string().describe('The absolute path to the file to modify'),
    old_string: z.string().describe('The text to replace'),
    new_string: z.string().describe('The text to replace it with (must be different from old_string)'),
    replace_all: z.boolean().default(false).describe('Replace all occurrences of old_string (default false)'),
  }),
  describe(input, ctx) {
    return describeWrite(ctx, input.file_path, 'file_path', 'Edit', (target) => {
      assertCreatable(target, input.old_string, input.file_path);
      return approvalFor(ctx, 'Edit', target, applyStringEdit(target.oldText, input, target.shown));
    });
  },
  async run(input, ctx) {
    const target = await loadForWrite(ctx, input.file_path);
    assertCreatable(target, input.old_string, input.file_path);
    const newText = applyStringEdit(target.oldText, input, target.shown);
    const verb = target.exists ? `The file ${input.file_path} has been updated` : `Created ${input.file_path}`;
    return commitWrite(ctx, target, newText, `${verb}. The edited part now reads:\n${changedSnippet(target.oldText, newText)}`);
  },
});
