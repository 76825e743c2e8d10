/**
 * Small DOM helpers. Every element the UI builds goes through `h`, which sets
 * text with textContent and wires events with closures: nothing here parses
 * HTML, so nothing here can be forged by model output.
 */

type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  /** Attributes set with setAttribute (never `style` or `on*`). */
  attrs?: Record<string, string | number | boolean | undefined>;
  text?: string;
  title?: string;
  /** Event listeners, bound as closures. */
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (ev: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  if (props.attrs) {
    for (const [name, value] of Object.entries(props.attrs)) {
      if (value === undefined || value === false) continue;
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  if (props.text !== undefined) el.textContent = props.text;
  if (props.on) {
    for (const [name, listener] of Object.entries(props.on)) {
      if (listener) el.addEventListener(name, listener as EventListener);
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** Text whose `backticked` parts show as code (rule names, commands); still no HTML is parsed. */
export function withCode(text: string): Array<Node | string> {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', { text: part }) : part));
}

/** A codicon glyph, hidden from screen readers (the button carries the label). */
export function icon(name: string, extra = ''): HTMLElement {
  return h('i', { class: `codicon codicon-${name}${extra ? ' ' + extra : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** A button with an icon and an accessible name. */
export function iconButton(name: string, label: string, onClick: (ev: MouseEvent) => void, extraClass = ''): HTMLButtonElement {
  return h('button', { class: `icon-button${extraClass ? ' ' + extraClass : ''}`, title: label, attrs: { type: 'button', 'aria-label': label }, on: { click: onClick } }, icon(name));
}

export function textButton(label: string, onClick: (ev: MouseEvent) => void, opts: { secondary?: boolean; iconName?: string; title?: string; class?: string } = {}): HTMLButtonElement {
  const cls = ['button', opts.secondary ? 'secondary' : '', opts.class ?? ''].filter(Boolean).join(' ');
  return h('button', { class: cls, title: opts.title, attrs: { type: 'button' }, on: { click: onClick } }, opts.iconName ? icon(opts.iconName) : null, h('span', { text: label }));
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** 1234 → "1.2k", 1234567 → "1.2M". */
export function compactNumber(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${(n / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e3) return `${(n / 1e3).toFixed(abs >= 1e4 ? 0 : 1)}k`;
  return String(Math.round(n));
}

export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}

export function relativeTime(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const hrs = Math.round(m / 60);
  if (hrs < 24) return `${hrs} h ago`;
  const d = Math.round(hrs / 24);
  if (d < 7) return `${d} d ago`;
  return new Date(ms).toLocaleDateString();
}
