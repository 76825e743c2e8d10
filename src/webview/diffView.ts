/** A unified diff, colourised line by line (built with textContent only). */
import { h } from './dom';

export interface DiffStats {
  added: number;
  removed: number;
}

export function diffStats(diff: string): DiffStats {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}

/** Renders at most `maxLines` lines; the rest is summarised. */
export function renderDiff(diff: string, maxLines = 2000): HTMLElement {
  const lines = diff.replace(/\n$/, '').split('\n');
  const body = h('div', { class: 'diff-lines' });
  let oldLine = 0;
  let newLine = 0;
  const shown = lines.slice(0, maxLines);
  for (const line of shown) {
    let kind = 'ctx';
    let a = '';
    let b = '';
    if (line.startsWith('@@')) {
      kind = 'hunk';
      const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      if (m) {
        oldLine = Number(m[1]);
        newLine = Number(m[2]);
      }
    } else if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index ')) {
      kind = 'file';
    } else if (line.startsWith('+')) {
      kind = 'add';
      b = String(newLine++);
    } else if (line.startsWith('-')) {
      kind = 'del';
      a = String(oldLine++);
    } else if (line.startsWith('\\')) {
      kind = 'meta';
    } else {
      a = String(oldLine++);
      b = String(newLine++);
    }
    body.append(
      h(
        'div',
        { class: `diff-line diff-${kind}` },
        h('span', { class: 'diff-num', text: a, attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'diff-num', text: b, attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'diff-text', text: line || ' ' }),
      ),
    );
  }
  if (lines.length > shown.length) body.append(h('div', { class: 'diff-line diff-meta', text: `… ${lines.length - shown.length} more lines` }));
  return h('div', { class: 'diff-view', attrs: { role: 'region', 'aria-label': 'Diff', tabindex: 0 } }, body);
}
