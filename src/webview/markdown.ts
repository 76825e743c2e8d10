/**
 * Markdown from the model, rendered safely and incrementally.
 *
 * Pipeline per top-level block: marked (raw HTML escaped to text, links and
 * images rewritten) → DOMPurify (strict allowlist, sanitize.ts) → our own DOM
 * work on the sanitized fragment: highlight.js on code blocks, copy/insert
 * toolbars, file links, visible markers for invisible/bidi characters.
 *
 * While a message streams, only the tail is re-lexed and re-rendered: blocks
 * before the last non-blank one are kept as DOM nodes (MarkdownView).
 */
import { Marked, type Token, type Tokens } from 'marked';
import { h, icon } from './dom';
import { HIGHLIGHT_LIMIT, highlight, languageLabel, resolveLanguage } from './highlight';
import { findFileRefs, parseFileTarget, type FileTarget } from './links';
import { isAllowedHref, sanitizeToFragment } from './sanitize';

/** While an answer streams, code blocks this long are not highlighted (re-rendered every frame); they are once complete. */
const STREAMING_HIGHLIGHT_LIMIT = 20_000;

export interface RenderContext {
  openFile(target: FileTarget): void;
  copy(text: string): void;
  insert(text: string): void;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Raw HTML in model output is shown as text, never interpreted.
    html({ text, block }: Tokens.HTML | Tokens.Tag) {
      const escaped = escapeHtml(text);
      return block ? `<p>${escaped.replace(/\n+$/, '').replace(/\n/g, '<br>')}</p>\n` : escaped;
    },
    code({ text, lang }: Tokens.Code) {
      const info = (lang ?? '').trim().split(/\s+/)[0] ?? '';
      const cls = /^[\w+#.-]{1,40}$/.test(info) ? ` class="language-${escapeHtml(info)}"` : '';
      return `<pre><code${cls}>${escapeHtml(text)}</code></pre>\n`;
    },
    link({ href, title, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      if (!isAllowedHref(href)) return inner;
      return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${inner}</a>`;
    },
    // No images from model output (tracking pixels, spoofed UI): a link to it at most.
    image({ href, text }: Tokens.Image) {
      const label = `[image${text ? `: ${escapeHtml(text)}` : ''}]`;
      return /^https?:\/\//i.test(href) ? `<a href="${escapeHtml(href)}">${label}</a>` : label;
    },
    checkbox({ checked }: Tokens.Checkbox) {
      return checked ? '\u2611 ' : '\u2610 ';
    },
  },
});

/** Characters that can hide or reorder what the user reads (Trojan Source, zero-width tricks). */
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF\u00AD\u061C]/g;

/** The string with invisible characters spelled out, for tooltips (a URL's real target). */
export function revealInvisible(s: string): string {
  return s.replace(INVISIBLE, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

function markInvisible(root: Node): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const hits: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    INVISIBLE.lastIndex = 0;
    if (INVISIBLE.test((n as Text).data)) hits.push(n as Text);
  }
  for (const node of hits) {
    const frag = document.createDocumentFragment();
    let last = 0;
    INVISIBLE.lastIndex = 0;
    for (let m = INVISIBLE.exec(node.data); m; m = INVISIBLE.exec(node.data)) {
      if (m.index > last) frag.append(node.data.slice(last, m.index));
      const code = `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      frag.append(h('span', { class: 'invisible-char', text: code, title: `Invisible character ${code}` }));
      last = m.index + m[0].length;
    }
    if (last < node.data.length) frag.append(node.data.slice(last));
    node.replaceWith(frag);
  }
}

export function fileLink(target: FileTarget, text: string, ctx: RenderContext, child?: Node): HTMLElement {
  const label = `Open ${target.path}${target.line ? `:${target.line}` : ''}`;
  const open = (ev: Event) => {
    ev.preventDefault();
    ev.stopPropagation();
    ctx.openFile(target);
  };
  return h(
    'a',
    {
      class: 'file-link',
      title: label,
      attrs: { role: 'link', tabindex: 0 },
      on: { click: open, keydown: (ev) => (ev.key === 'Enter' || ev.key === ' ') && open(ev) },
    },
    child ?? text,
  );
}

function linkifyText(root: Node, ctx: RenderContext): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(n) {
      for (let p = n.parentNode; p && p !== root; p = p.parentNode) {
        const name = p.nodeName;
        if (name === 'A' || name === 'PRE' || name === 'CODE') return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const hits: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (/\.\w/.test((n as Text).data)) hits.push(n as Text);
  }
  for (const node of hits) {
    const parts = findFileRefs(node.data);
    if (parts.length === 1 && typeof parts[0] === 'string') continue;
    const frag = document.createDocumentFragment();
    for (const part of parts) frag.append(typeof part === 'string' ? part : fileLink(part, part.text, ctx));
    node.replaceWith(frag);
  }
}

function enhanceLinks(root: DocumentFragment, ctx: RenderContext): void {
  for (const a of Array.from(root.querySelectorAll('a'))) {
    const href = a.getAttribute('href') ?? '';
    if (/^https?:\/\//i.test(href)) {
      a.title = revealInvisible(href);
      a.rel = 'noopener noreferrer';
      a.className = 'ext-link';
      continue;
    }
    const target = parseFileTarget(href);
    if (target) {
      const link = fileLink(target, '', ctx);
      link.append(...Array.from(a.childNodes));
      a.replaceWith(link);
    } else {
      a.replaceWith(...Array.from(a.childNodes));
    }
  }
  // Inline code that is exactly a path (`lib/foo.ex:12`) opens the file too.
  for (const code of Array.from(root.querySelectorAll('code'))) {
    if (code.parentElement?.nodeName === 'PRE' || code.closest('a')) continue;
    const text = code.textContent ?? '';
    const [ref, ...rest] = findFileRefs(text);
    if (typeof ref === 'object' && rest.length === 0) {
      const link = fileLink(ref, text, ctx, code.cloneNode(true));
      code.replaceWith(link);
    }
  }
}

function codeToolbar(code: string, info: string, ctx: RenderContext): HTMLElement {
  const copyBtn = h('button', { class: 'icon-button', title: 'Copy', attrs: { type: 'button', 'aria-label': 'Copy code' } }, icon('copy'));
  copyBtn.addEventListener('click', () => {
    ctx.copy(code);
    copyBtn.replaceChildren(icon('check'));
    copyBtn.title = 'Copied';
    setTimeout(() => {
      copyBtn.replaceChildren(icon('copy'));
      copyBtn.title = 'Copy';
    }, 1500);
  });
  const insertBtn = h(
    'button',
    { class: 'icon-button', title: 'Insert at cursor', attrs: { type: 'button', 'aria-label': 'Insert code at cursor' }, on: { click: () => ctx.insert(code) } },
    icon('insert'),
  );
  return h('div', { class: 'code-header' }, h('span', { class: 'code-lang', text: languageLabel(info) }), h('span', { class: 'code-actions' }, copyBtn, insertBtn));
}

function enhanceCode(root: DocumentFragment, ctx: RenderContext, final: boolean): void {
  for (const pre of Array.from(root.querySelectorAll('pre'))) {
    const code = pre.querySelector('code');
    if (!code) continue;
    const text = code.textContent ?? '';
    const info = /(?:^|\s)language-([\w+#.-]+)/.exec(code.className)?.[1] ?? '';
    const lang = resolveLanguage(info);
    // While streaming, big blocks are re-rendered every frame: highlight them once they are complete.
    if (lang && (final || text.length < STREAMING_HIGHLIGHT_LIMIT) && text.length <= HIGHLIGHT_LIMIT) {
      const html = highlight(text, lang);
      if (html !== undefined) {
        code.innerHTML = html; // highlight.js output: source text escaped, only <span class="hljs-…">
        code.classList.add('hljs');
      }
    }
    const block = h('div', { class: 'code-block' }, codeToolbar(text, info, ctx));
    pre.replaceWith(block);
    pre.tabIndex = 0;
    pre.setAttribute('aria-label', `${languageLabel(info) || 'Code'} block`);
    block.append(pre);
  }
}

/** Markdown → sanitized, enhanced DOM nodes for the given top-level tokens. */
function renderTokens(tokens: Token[], ctx: RenderContext, final: boolean): Node[] {
  const html = marked.parser(tokens);
  if (!html.trim()) return [];
  const frag = sanitizeToFragment(html);
  enhanceCode(frag, ctx, final);
  enhanceLinks(frag, ctx);
  linkifyText(frag, ctx);
  markInvisible(frag);
  return Array.from(frag.childNodes);
}

function normalize(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

interface Segment {
  token: Token;
  nodes: Node[];
  /** Rendered before the block was complete (a big code block left unhighlighted). */
  partial: boolean;
}

/**
 * A Markdown block that grows while the answer streams. Appends re-lex and
 * re-render only from the last non-blank top-level block; the final update
 * lexes the whole text once and re-renders from the first block that differs.
 */
export class MarkdownView {
  readonly el: HTMLElement;
  private text = '';
  private final = false;
  private segs: Segment[] = [];

  constructor(private readonly ctx: RenderContext) {
    this.el = h('div', { class: 'md' });
  }

  update(rawText: string, final: boolean): void {
    const text = normalize(rawText);
    if (text === this.text && final === this.final) return;
    this.final = final;
    if (final) {
      const tokens = marked.lexer(text);
      // Reference-style links resolve only against the whole text.
      this.reconcile(tokens, Object.keys(tokens.links).length > 0 ? 0 : undefined);
    } else if (this.segs.length > 0 && text.startsWith(this.text)) {
      // Blocks before the last non-blank one cannot change by appending: keep them.
      let k = this.segs.length - 1;
      while (k > 0 && this.segs[k]!.token.type === 'space') k--;
      let offset = 0;
      for (const seg of this.segs.slice(0, k)) offset += seg.token.raw.length;
      const tail = marked.lexer(text.slice(offset));
      this.reconcile([...this.segs.slice(0, k).map((s) => s.token), ...tail]);
    } else {
      this.reconcile(marked.lexer(text), 0);
    }
    this.text = text;
  }

  /** Keeps the rendered prefix whose tokens are unchanged; re-renders the rest. */
  private reconcile(tokens: Token[], from?: number): void {
    let i = from ?? 0;
    if (from === undefined) {
      for (const seg of this.segs) {
        const token = tokens[i];
        if (!token || token.raw !== seg.token.raw || token.type !== seg.token.type || (this.final && seg.partial)) break;
        i++;
      }
    }
    for (const seg of this.segs.splice(i)) for (const n of seg.nodes) n.parentNode?.removeChild(n);
    for (const token of tokens.slice(i)) {
      const nodes = renderTokens([token], this.ctx, this.final);
      this.el.append(...nodes);
      this.segs.push({ token, nodes, partial: !this.final && token.type === 'code' && (token as Tokens.Code).text.length >= STREAMING_HIGHLIGHT_LIMIT });
    }
  }
}
