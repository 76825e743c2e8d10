/**
 * Memory, as Claude Code keeps it: the user's `~/.claude/CLAUDE.md`
 * (`$CLAUDE_CONFIG_DIR/CLAUDE.md`), then `CLAUDE.md`, `CLAUDE.local.md` and
 * `AGENTS.md` at the root of each workspace folder, given to the model with
 * the persona's system prompt. A memory file imports another with `@path`
 * (relative to the importing file, `~/` for home, or absolute), recursively
 * up to five levels; `@x` inside code (fenced or `inline`) is text, not an
 * import, and a path that does not exist is left as text (it may be a
 * mention).
 *
 * A repository's memory is untrusted input: its imports must stay inside its
 * workspace folder (after following links), so a cloned CLAUDE.md cannot pull
 * `~/.ssh/id_rsa` or `../other-client/.env` into the prompt; and a path the
 * settings deny to Read (`Read(./.env)`) is refused wherever the import comes
 * from. The user's own memory may import from anywhere. Loops and files seen
 * twice are included once.
 */
import * as path from 'node:path';
import type { AgentFs } from './discover';

/** The files read at each workspace folder's root, in order. */
export const MEMORY_FILE_NAMES = ['CLAUDE.md', 'CLAUDE.local.md', 'AGENTS.md'] as const;

/** Per file; a longer file is cut with a marker (it is sent with every request). */
export const MEMORY_MAX_CHARS = 40_000;
/** All memory together: files past this are left out, with a note. */
export const MEMORY_MAX_TOTAL_CHARS = 120_000;
/** Claude Code's limit on nested imports. */
export const MEMORY_MAX_IMPORT_DEPTH = 5;

export interface MemoryFile {
  /** Absolute path. */
  path: string;
  /** As shown: `CLAUDE.md`, `app/CLAUDE.md`, `docs/conventions.md`, `~/.claude/CLAUDE.md`. */
  label: string;
  /** The file that imported it (its label), for imports. */
  importedBy?: string;
}

export interface ProjectMemory {
  /** The block to append to the system prompt. */
  text: string;
  /** Absolute paths of the files it holds, in order. */
  files: string[];
  /** The same files with their labels and who imported them (for the header and the log). */
  entries: MemoryFile[];
  /** Imports that were refused or cut, in words ("CLAUDE.md imports ~/.ssh/id_rsa, outside the project: not read"). */
  notes: string[];
}

export interface MemoryOptions {
  maxChars?: number;
  maxTotalChars?: number;
  /** Claude Code's configuration folder; its CLAUDE.md is the user's memory. Omitted: no user memory. */
  userDir?: string;
  /** For `@~/x`; default: none (such imports are not read). */
  homeDir?: string;
  /** Why a file may not be read into memory (a settings deny rule), or undefined. */
  denied?: (file: string) => string | undefined;
}

type MemoryFs = Pick<AgentFs, 'readFile'> & { realpath?: (p: string) => Promise<string> };

/** `@path` references outside code: fenced blocks and inline code spans are skipped; trailing punctuation is not part of the path. */
export function memoryImports(text: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const prose = line.replace(/(`+)[\s\S]*?\1/g, ' ');
    for (const m of prose.matchAll(/(?:^|\s)@((?:~\/|\.{1,2}\/|\/)?[\w.\-/~]+)/g)) {
      const ref = (m[1] ?? '').replace(/[.,;:!?]+$/, '');
      if (ref && ref !== '~' && !/^\.+$/.test(ref)) out.push(ref);
    }
  }
  return out;
}

interface Source {
  file: string;
  label: string;
  /** The folder imports must stay in (after links); undefined: the user's memory, anywhere. */
  boundary?: string;
  /** The workspace folder as opened (labels are relative to it). */
  folder?: string;
  importedBy?: string;
  depth: number;
}

const inside = (dir: string, file: string): boolean => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** Reads the memory files; undefined when there are none (or all are empty). */
export async function loadProjectMemory(workspaceFolders: readonly string[], fs: MemoryFs, options: MemoryOptions = {}): Promise<ProjectMemory | undefined> {
  const max = options.maxChars ?? MEMORY_MAX_CHARS;
  const maxTotal = options.maxTotalChars ?? MEMORY_MAX_TOTAL_CHARS;
  const real = async (p: string): Promise<string> => (fs.realpath ? fs.realpath(p).catch(() => path.resolve(p)) : path.resolve(p));
  const multi = workspaceFolders.length > 1;
  const labelIn = (folder: string, file: string): string => [...(multi ? [path.basename(folder)] : []), ...path.relative(folder, file).split(path.sep)].join('/');
  const roots: Source[] = [];
  if (options.userDir) roots.push({ file: path.join(options.userDir, 'CLAUDE.md'), label: '~/.claude/CLAUDE.md', depth: 0 });
  for (const folder of workspaceFolders) {
    const boundary = await real(folder);
    for (const name of MEMORY_FILE_NAMES) roots.push({ file: path.join(folder, name), label: labelIn(folder, path.join(folder, name)), boundary, folder, depth: 0 });
  }

  const sections: string[] = [];
  const entries: MemoryFile[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  let total = 0;

  const include = async (src: Source): Promise<void> => {
    const resolved = await real(src.file);
    if (seen.has(resolved)) return;
    const refusal = src.boundary !== undefined && !inside(src.boundary, resolved) ? 'outside the project' : options.denied?.(resolved);
    if (refusal) {
      notes.push(src.importedBy ? `${src.importedBy} imports ${src.label}, ${refusal}: not read` : `${src.label} is a link ${refusal}: not read`);
      return;
    }
    let text: string;
    try {
      text = await fs.readFile(src.file);
    } catch {
      return; // absent or unreadable: nothing to add (an @word that is no file stays text)
    }
    seen.add(resolved);
    text = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').trim();
    if (text === '') return;
    if (text.length > max) text = `${text.slice(0, max)}\n\n[… ${src.label} was cut here: ${(text.length - max).toLocaleString('en-US')} more characters not shown]`;
    if (total + text.length > maxTotal) {
      notes.push(`${src.label} left out: the memory files already hold ${total.toLocaleString('en-US')} characters`);
      return;
    }
    total += text.length;
    const by = src.importedBy ? ` imported-by="${src.importedBy}"` : '';
    sections.push(`<project-memory file="${src.label}"${by} path="${src.file}">\n${text}\n</project-memory>`);
    entries.push({ path: src.file, label: src.label, ...(src.importedBy ? { importedBy: src.importedBy } : {}) });
    const refs = memoryImports(text);
    if (refs.length && src.depth >= MEMORY_MAX_IMPORT_DEPTH) {
      notes.push(`${src.label}: imports nested deeper than ${MEMORY_MAX_IMPORT_DEPTH} levels are not read`);
      return;
    }
    for (const ref of refs) {
      const home = ref === '~' || ref.startsWith('~/');
      if (home && !options.homeDir) continue;
      const file = home ? path.join(options.homeDir ?? '', ref.slice(2)) : path.resolve(path.dirname(src.file), ref);
      const label = src.folder && inside(path.resolve(src.folder), file) ? labelIn(src.folder, file) : ref;
      await include({ file, label, boundary: src.boundary, folder: src.folder, importedBy: src.label, depth: src.depth + 1 });
    }
  };
  for (const r of roots) await include(r);

  if (sections.length === 0) return undefined;
  const intro = 'Project memory: instructions the team (and the user) keep for this workspace. Follow them; they take precedence over general habits.';
  return { text: `${intro}\n\n${sections.join('\n\n')}`, files: entries.map((e) => e.path), entries, notes };
}
