/**
 * The DOM audit of a rendered answer, run inside the webview (page.evaluate /
 * frame.evaluate): must stay self-contained (no imports, no closures).
 */

/** Runs in the page: what is wrong with the rendered answer `id`. */
export function auditMessage(id: string): string[] {
  const problems: string[] = [];
  const msg = document.querySelector(`[data-message-id="${id}"]`);
  if (!msg) return [`message ${id} is not rendered`];
  const md = msg.querySelectorAll('.md');
  // Tags Markdown may produce, plus what the UI adds around code and links.
  const allowed = new Set(['P', 'BR', 'HR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'STRONG', 'B', 'EM', 'I', 'DEL', 'S', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'SPAN', 'DIV', 'BUTTON']);
  for (const root of Array.from(md)) {
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const where = `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}`;
      if (!allowed.has(el.tagName)) problems.push(`element ${where}`);
      if (el.tagName === 'BUTTON' && !el.closest('.code-header')) problems.push(`button outside a code toolbar: ${el.textContent}`);
      if (el.tagName === 'DIV' && !['code-block', 'code-header'].includes(el.className)) problems.push(`div ${where}`);
      const spanOk = el.closest('pre') ? /^(hljs-|language-|invisible-char$)/ : /^(invisible-char$|code-lang$|code-actions$)/;
      if (el.tagName === 'SPAN' && !spanOk.test(el.className)) problems.push(`span ${where}`);
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        const value = attr.value;
        if (name.startsWith('on')) problems.push(`handler ${name} on ${where}`);
        if (name === 'style' || name === 'srcdoc' || name === 'src' || name === 'action' || name === 'formaction' || name.includes('href') && name !== 'href') problems.push(`attribute ${name} on ${where}`);
        if (name.startsWith('data-')) problems.push(`data attribute ${name} on ${where}`);
        if (name === 'href' && !/^https?:\/\//i.test(value)) problems.push(`href ${value} on ${where}`);
        if (name === 'class' && el.closest('.code-block') === null && !['ext-link', 'file-link', 'invisible-char'].includes(value) && !(el.tagName === 'CODE' && /^language-[\w+#.-]+$/.test(value))) problems.push(`class ${value} on ${where}`);
        if (/javascript:|vbscript:|data:text\/html/i.test(value)) problems.push(`script URL in ${name} on ${where}`);
      }
    }
  }
  return problems;
}

