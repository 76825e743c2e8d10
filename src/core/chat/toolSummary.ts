/** The one line a tool card shows: the key input (a path, a pattern, a command). */
import * as path from 'node:path';

const MAX = 120;

function relative(p: string, folders: string[]): string {
  for (const f of folders) {
    const rel = path.relative(f, p);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
    if (!rel) return path.basename(f) || p;
  }
  return p;
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX ? `${one.slice(0, MAX - 1)}…` : one;
}

export function toolSummary(name: string, input: unknown, folders: string[] = []): string {
  if (!input || typeof input !== 'object') return '';
  const i = input as Record<string, unknown>;
  const str = (k: string) => (typeof i[k] === 'string' ? (i[k] as string) : undefined);
  const file = str('file_path') ?? str('notebook_path') ?? str('path');
  if (name === 'Grep' || name === 'Glob') {
    const where = file ? ` in ${relative(file, folders)}` : '';
    return clip(`${str('pattern') ?? ''}${str('glob') ? ` (${str('glob')})` : ''}${where}`);
  }
  if (str('command')) return clip(str('command')!);
  if (file) {
    const rel = relative(file, folders);
    if (name === 'Read' && typeof i.offset === 'number') return clip(`${rel}:${i.offset}`);
    return clip(rel);
  }
  for (const k of ['pattern', 'query', 'reference', 'code', 'url', 'uri', 'tail', 'task_id', 'shell_id']) {
    if (i[k] !== undefined && i[k] !== null && i[k] !== '') return clip(String(i[k]));
  }
  const first = Object.values(i).find((v) => typeof v === 'string' && v);
  return first ? clip(first as string) : '';
}
