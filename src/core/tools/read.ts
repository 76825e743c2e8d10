/**
 * Read: a file's lines numbered from 1 (`N<TAB>text`), through ctx.files so
 * the editor's unsaved buffer is what the agent sees. Images come back as an
 * image block, notebooks as their cells, binary files as a clear message.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { defineTool } from './define';
import { MAX_READ_WHOLE_BYTES, MAX_TEXT_FILE_BYTES, describeKind, displayPath, resolveInWorkspace, type ResolvedPath } from './paths';
import { HARD_LINKED, readChecked, statChecked } from './nodeFiles';
import { readdirBelow } from './safeFs';
import { TOOL_NAMES } from './names';
import { ToolError, type ToolResult } from './types';
import { renderNotebook } from './notebookFormat';

export const DEFAULT_READ_LIMIT = 2000;
export const MAX_LINE_CHARS = 2000;
/** The whole answer stays under this, whatever offset/limit ask for. */
export const MAX_READ_OUTPUT_CHARS = 100_000;
/** The API accepts images up to 5 MB of base64. */
const MAX_IMAGE_BYTES = Math.floor((5 * 1024 * 1024 * 3) / 4);

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

const BINARY_EXTENSIONS = new Set(
  '.beam .ez .zip .gz .tgz .bz2 .xz .7z .tar .jar .class .o .a .so .dylib .dll .exe .bin .pdf .ico .bmp .tiff .mp3 .mp4 .mov .avi .wav .ogg .woff .woff2 .ttf .otf .eot .sqlite .db .dets .plt .wasm .pyc'.split(' '),
);

/** The media type from the file's first bytes, whatever its extension says. */
function sniffImage(b: Buffer): string | undefined {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && (b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/** A NUL byte, or many control characters, in the first 8 KB means binary. */
export function looksBinary(head: Buffer): boolean {
  if (head.includes(0)) return true;
  let control = 0;
  for (const c of head) if (c < 8 || (c > 13 && c < 32 && c !== 27)) control++;
  return head.length > 0 && control / head.length > 0.1;
}

function cutLine(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… [line truncated: ${line.length - MAX_LINE_CHARS} more characters]` : line;
}

/** Number lines from `offset` (1-based), at most `limit`, within the output budget. */
export function numberLines(text: string, offset: number, limit: number): { body: string; first: number; last: number; total: number } {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  const out: string[] = [];
  let size = 0;
  let last = offset - 1;
  for (let n = offset; n <= total && n < offset + limit; n++) {
    const entry = `${n}\t${cutLine(lines[n - 1] ?? '')}`;
    if (size + entry.length > MAX_READ_OUTPUT_CHARS && out.length > 0) break;
    out.push(entry);
    size += entry.length + 1;
    last = n;
  }
  return { body: out.join('\n'), first: offset, last, total };
}

export const readTool = defineTool({
  name: TOOL_NAMES.read,
  kind: 'read',
  readOnly: true,
  description: [
    'Reads a file from the workspace. file_path must be an absolute path.',
    `By default it returns up to ${DEFAULT_READ_LIMIT} lines from the start of the file; for long files pass offset (the line number to start at, 1-based) and limit (how many lines).`,
    `Lines are returned numbered from 1 as \`N<TAB>text\` (like cat -n); the number and the tab are not part of the file, so never include them in old_string for Edit. Lines longer than ${MAX_LINE_CHARS} characters are cut.`,
    'If the file is open in the editor with unsaved changes, you see the editor\'s text. Images (PNG, JPEG, GIF, WebP) are returned as images; Jupyter notebooks (.ipynb) as their cells with their ids; binary files give an error.',
    'Read a file before editing or overwriting it. Reading a directory is an error: use LS or Glob. It is fine to read several files in parallel.',
  ].join('\n'),
  input: z.strictObject({
    file_path: z.string().describe('The absolute path to the file to read'),
    offset: z.int().min(0).optional().describe('The line number to start reading from (1-based). Only provide if the file is too large to read at once'),
    limit: z.int().min(1).optional().describe('The number of lines to read. Only provide if the file is too large to read at once.'),
  }),
  async run(input, ctx): Promise<ToolResult> {
    const p = resolveInWorkspace(input.file_path, ctx.workspaceFolders, { param: 'file_path', cwd: ctx.cwd });
    const shown = displayPath(p, ctx.workspaceFolders);
    const info = statChecked(p);
    if (info.kind === 'missing') throw new ToolError(`File does not exist: ${input.file_path}.${await similarName(p)}`);
    if (info.kind === 'directory') throw new ToolError(`${input.file_path} is a directory, not a file. Use LS to list it or Glob to find files in it.`);
    if (info.kind !== 'file') throw new ToolError(`${input.file_path} is ${describeKind(info.kind)}; Read only reads regular files.`);
    if (info.nlink > 1) throw new ToolError(HARD_LINKED(input.file_path, info.nlink));
    const ext = path.extname(p.real).toLowerCase();

    if (IMAGE_TYPES[ext]) {
      if (info.size > MAX_IMAGE_BYTES) throw new ToolError(`${input.file_path} is an image of ${info.size} bytes; images over ${MAX_IMAGE_BYTES} bytes cannot be sent to the model.`);
      const { data } = await readChecked(p, MAX_IMAGE_BYTES);
      const mediaType = sniffImage(data);
      if (!mediaType) throw new ToolError(`${input.file_path} has an image extension but is not a PNG, JPEG, GIF or WebP image.`);
      return { content: [{ type: 'image', source: { type: 'base64', media_type: mediaType, data: data.toString('base64') } }], display: { path: p.path, summary: `Read image ${shown} (${info.size} bytes)` } };
    }

    const partial = input.offset !== undefined || input.limit !== undefined;
    if (info.size > MAX_TEXT_FILE_BYTES) {
      throw new ToolError(`${input.file_path} is ${info.size} bytes, too large to read. Use Grep to search it, or Bash (e.g. \`sed -n '100,200p' FILE\`) to see a part.`);
    }
    if (info.size > MAX_READ_WHOLE_BYTES && !partial && ext !== '.ipynb') {
      throw new ToolError(
        `${input.file_path} is ${Math.round(info.size / 1024)} KB, more than the ${MAX_READ_WHOLE_BYTES / 1024} KB Read returns at once. Pass offset and limit to read a part, or use Grep to find what you need.`,
      );
    }
    const binary = () => new ToolError(`${input.file_path} is a binary file (${info.size} bytes), not text; Read cannot show it. Use Bash (e.g. \`file\`, \`xxd | head\`) if you need to inspect it.`);
    // A big file's first bytes are looked at before it is read whole; a small one's after (one open instead of two).
    if (BINARY_EXTENSIONS.has(ext) || (info.size > MAX_READ_WHOLE_BYTES && looksBinary((await readChecked(p, 8192, { whole: false })).data))) throw binary();

    const { text, version } = await ctx.files.readText(p);
    if (looksBinary(Buffer.from(text.slice(0, 8192), 'utf8'))) throw binary();
    ctx.reads.markRead(p.path, version);
    if (ext === '.ipynb') {
      return { content: [{ type: 'text', text: renderNotebook(text, input.file_path) }], display: { path: p.path, summary: `Read notebook ${shown}` } };
    }
    if (text === '') {
      return { content: [{ type: 'text', text: `(${input.file_path} exists but is empty.)` }], display: { path: p.path, summary: `Read ${shown} (empty)` } };
    }
    const offset = input.offset && input.offset > 0 ? input.offset : 1;
    const limit = input.limit ?? DEFAULT_READ_LIMIT;
    const { body, first, last, total } = numberLines(text, offset, limit);
    if (offset > total) throw new ToolError(`${input.file_path} has ${total} lines; offset ${offset} is past the end.`);
    let out = body;
    if (last < total) out += `\n\n(Showing lines ${first}-${last} of ${total}. Use offset=${last + 1} to read more.)`;
    return { content: [{ type: 'text', text: out }], display: { path: p.path, summary: `Read ${shown} lines ${first}-${last} of ${total}` } };
  },
});

/** " Did you mean lib/Foo.ex?" when a file differing only in case sits beside it. */
async function similarName(p: ResolvedPath): Promise<string> {
  try {
    const base = path.posix.basename(p.rel).toLowerCase();
    const entries = await readdirBelow({ root: p.root, rel: path.posix.dirname(p.rel) === '.' ? '' : path.posix.dirname(p.rel) });
    const hit = entries.find((e) => e.name.toLowerCase() === base);
    return hit ? ` Did you mean ${path.join(path.dirname(p.path), hit.name)}?` : '';
  } catch {
    return '';
  }
}
