/**
 * File references in answers: `lib/foo.ex:12`, `test/foo_test.exs`, links
 * written as [x](lib/foo.ex#L3). They become links that ask the host to open
 * the file (the host checks it lies inside a workspace folder).
 */

export interface FileTarget {
  path: string;
  line?: number;
}

const EXTENSIONS = [
  'ex', 'exs', 'heex', 'eex', 'leex', 'sface', 'erl', 'hrl', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'css', 'scss',
  'json', 'md', 'yml', 'yaml', 'toml', 'lock', 'sql', 'html', 'sh', 'txt', 'config', 'conf', 'env', 'dockerfile', 'xml', 'csv',
];

/** A path in running text: optional ./ ../ or /, directories, a file name with a known extension, optional :line[:col]. */
export const FILE_REF = new RegExp(
  String.raw`(?<![\w/.@-])((?:\.{1,2}/|/)?(?:[\w@.+-]+/)*[\w@+-][\w@.+-]*\.(?:${EXTENSIONS.join('|')}))(?::(\d{1,7})(?::\d{1,5})?)?(?![\w/])`,
  'g',
);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Turns a link target into a file to open, or undefined when it is not a plain path. */
export function parseFileTarget(href: string): FileTarget | undefined {
  let value = href.trim();
  if (!value || value.length > 4096 || /[\u0000-\u001f\u007f]/.test(value)) return undefined;
  if (/^file:\/\//i.test(value)) value = safeDecode(value.replace(/^file:\/\/(localhost)?/i, ''));
  else if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//') || value.startsWith('#') || value.startsWith('?')) return undefined;
  else value = safeDecode(value);
  let line: number | undefined;
  const hash = /#L(\d{1,7})(?:C\d+)?(?:-L?\d+)?$/.exec(value);
  if (hash) {
    line = Number(hash[1]);
    value = value.slice(0, hash.index);
  } else {
    const colon = /:(\d{1,7})(?::\d{1,5})?$/.exec(value);
    if (colon) {
      line = Number(colon[1]);
      value = value.slice(0, colon.index);
    }
  }
  value = value.replace(/[?#].*$/, '');
  if (!value || value.includes('\0')) return undefined;
  return line && line > 0 ? { path: value, line } : { path: value };
}

/** Splits running text into plain strings and file references. */
export function findFileRefs(text: string): Array<string | (FileTarget & { text: string })> {
  const parts: Array<string | (FileTarget & { text: string })> = [];
  let last = 0;
  FILE_REF.lastIndex = 0;
  for (let m = FILE_REF.exec(text); m; m = FILE_REF.exec(text)) {
    // Skip things that are more likely URLs or module names than paths (e.g. "example.com/x.js" inside a URL is in a link anyway).
    if (m.index > last) parts.push(text.slice(last, m.index));
    const path = m[1]!;
    const line = m[2] ? Number(m[2]) : undefined;
    parts.push(line ? { text: m[0], path, line } : { text: m[0], path });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
