/**
 * Write: create a file or overwrite one the agent has read (and that has not
 * changed since). Goes through ctx.files: in the editor an undoable
 * WorkspaceEdit, saved afterwards.
 */
import { z } from 'zod';
import { defineTool } from './define';
import { approvalFor, commitWrite, describeWrite, loadForWrite } from './editing';
import { TOOL_NAMES } from './names';

const lineCount = (s: string) => (s === '' ? 0 : s.split('\n').length - (s.endsWith('\n') ? 1 : 0));

export const writeTool = defineTool({
  name: TOOL_NAMES.write,
  kind: 'edit',
  readOnly: false,
  description: [
    'Writes a file in the workspace, replacing it entirely if it exists. file_path must be an absolute path; missing parent folders are created.',
    'An existing file must have been read with Read in this conversation first, and must not have changed since; otherwise the write is refused.',
    'Prefer Edit or MultiEdit to change part of an existing file: they send only the change. Do not create documentation files unless asked.',
    'The user sees the change as a diff and may be asked to approve it.',
  ].join('\n'),
  input: z.strictObject({
    file_path: z.string().describe('The absolute path to the file to write (must be absolute, not relative)'),
    content: z.string().describe('The content to write to the file'),
  }),
  describe(input, ctx) {
    return describeWrite(ctx, input.file_path, 'file_path', 'Overwrite', (target) => approvalFor(ctx, 'Overwrite', target, input.content));
  },
  async run(input, ctx) {
    const target = await loadForWrite(ctx, input.file_path);
    const n = lineCount(input.content);
    const message = target.exists
      ? target.oldText === input.content
        ? `${input.file_path} already had exactly this content; nothing changed.`
        : `Updated ${input.file_path} (${n} lines).`
      : `Created ${input.file_path} (${n} lines).`;
    return commitWrite(ctx, target, input.content, message, `${target.exists ? 'Wrote' : 'Created'} ${target.shown} (${n} lines)`);
  },
});
