/**
 * The `@` suggestions under the input: a listbox driven from the textarea.
 * The textarea keeps its textbox role (ARIA in HTML allows no other role on
 * a textarea), with the combobox's working parts, as the editor's suggest
 * widget does in VS Code: aria-autocomplete="list", aria-controls naming the
 * listbox while it is open, aria-activedescendant following the active
 * option (the focus stays in the text), and the number of suggestions
 * announced when the list opens or changes.
 */
import type { MentionItem } from '../shared/protocol';
import { clear, h, icon } from './dom';

const MENTION_ICONS: Record<MentionItem['kind'], string> = { file: 'file', selection: 'selection', problems: 'warning' };
const LIST_ID = 'mention-list';

export function mentionIcon(kind: MentionItem['kind']): HTMLElement {
  return icon(MENTION_ICONS[kind] ?? 'file');
}

export class MentionList {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private items: MentionItem[] = [];
  private active = 0;
  private announced = '';

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly onPick: (item: MentionItem) => void,
    private readonly announce: (text: string) => void,
  ) {
    this.list = h('div', { class: 'mention-options', attrs: { role: 'listbox', id: LIST_ID, 'aria-label': 'Context to attach' } });
    this.emptyEl = h('div', { class: 'mention-empty' });
    this.el = h('div', { class: 'mention-popup' }, this.list, this.emptyEl);
    this.el.hidden = true;
    this.input.setAttribute('aria-autocomplete', 'list');
  }

  get isOpen(): boolean {
    return !this.el.hidden;
  }

  /** Open with options to choose from (arrows, Enter and Tab go to the list). */
  get choosing(): boolean {
    return this.isOpen && this.items.length > 0;
  }

  contains(node: Node | null): boolean {
    return !!node && this.el.contains(node);
  }

  show(items: MentionItem[], query: string): void {
    this.items = items;
    this.active = 0;
    this.emptyEl.textContent = items.length ? '' : query ? `No files match “${query}”` : 'Type to search files';
    this.emptyEl.hidden = items.length > 0;
    this.list.hidden = items.length === 0;
    this.el.hidden = false;
    this.render();
    const summary = items.length ? `${items.length} suggestion${items.length === 1 ? '' : 's'}, up and down arrows to choose, Enter to attach` : this.emptyEl.textContent;
    if (summary !== this.announced) {
      this.announced = summary;
      this.announce(summary);
    }
  }

  hide(): void {
    if (this.el.hidden && this.items.length === 0) return;
    this.items = [];
    this.announced = '';
    this.el.hidden = true;
    clear(this.list);
    this.input.removeAttribute('aria-controls');
    this.input.removeAttribute('aria-activedescendant');
  }

  move(delta: 1 | -1): void {
    const n = this.items.length;
    if (n === 0) return;
    this.active = (this.active + delta + n) % n;
    this.render();
  }

  pickActive(): void {
    const item = this.items[this.active];
    if (item) this.onPick(item);
  }

  private render(): void {
    clear(this.list);
    this.items.forEach((item, i) => {
      const selected = i === this.active;
      this.list.append(
        h(
          'div',
          {
            class: `mention-option${selected ? ' active' : ''}`,
            title: item.detail ? `${item.label} — ${item.detail}` : item.label,
            attrs: { role: 'option', id: `mention-opt-${i}`, 'aria-selected': String(selected) },
            // The focus stays in the textarea.
            on: { mousedown: (ev) => ev.preventDefault(), click: () => this.onPick(item) },
          },
          mentionIcon(item.kind),
          h('span', { class: 'mention-label', text: item.label }),
          item.detail ? h('span', { class: 'mention-detail', text: item.detail }) : null,
        ),
      );
    });
    if (this.items.length) {
      this.input.setAttribute('aria-controls', LIST_ID);
      this.input.setAttribute('aria-activedescendant', `mention-opt-${this.active}`);
      this.list.querySelector('.active')?.scrollIntoView({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-controls');
      this.input.removeAttribute('aria-activedescendant');
    }
  }
}
