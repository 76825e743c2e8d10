/**
 * The sanitizer between rendered Markdown and the DOM. Markdown renders to
 * HTML with raw HTML already escaped to text (see markdown.ts); DOMPurify is
 * the second fence with a strict allowlist: text formatting, lists, tables,
 * code and links. No scripts, styles, frames, SVG/MathML, forms, buttons,
 * images, event handlers, style/class/data/aria attributes (a class survives
 * only as `language-x` on <code>), and links only to http(s) or plain paths.
 */
import DOMPurify from 'dompurify';

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'del', 's',
  'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const ALLOWED_ATTR = ['href', 'title', 'start', 'align', 'class'];
const LANGUAGE_CLASS = /^language-[\w+#.-]{1,40}$/;

let configured = false;

function configure(): void {
  if (configured) return;
  configured = true;
  DOMPurify.addHook('uponSanitizeAttribute', (node, data) => {
    if (data.attrName === 'class') data.keepAttr = node.nodeName === 'CODE' && LANGUAGE_CLASS.test(data.attrValue);
    if (data.attrName === 'href') data.keepAttr = isAllowedHref(data.attrValue);
    if (data.attrName === 'align') data.keepAttr = /^(left|right|center)$/.test(data.attrValue);
    if (data.attrName === 'start') data.keepAttr = /^\d{1,9}$/.test(data.attrValue);
  });
}

/** http(s) URLs, or a relative/absolute path with no scheme (handled as a file link by the UI). */
export function isAllowedHref(href: string): boolean {
  const value = href.trim();
  if (/^https?:\/\//i.test(value)) return true;
  if (/^file:\/\//i.test(value)) return true;
  // Any other scheme (javascript:, data:, vscode:, command:, mailto: ...) is refused,
  // including ones hidden behind whitespace or control characters.
  if (/[\u0000-\u001f\u007f]/.test(value)) return false;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return false;
  if (value.startsWith('//')) return false;
  return value.length > 0;
}

/** Sanitizes HTML produced by our Markdown renderer into a fragment. */
export function sanitizeToFragment(html: string): DocumentFragment {
  configure();
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    ALLOW_SELF_CLOSE_IN_ATTR: false,
    SAFE_FOR_XML: true,
    KEEP_CONTENT: true,
    RETURN_DOM_FRAGMENT: true,
  });
}
