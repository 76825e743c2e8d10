/** Past conversations: reopen, rename, export, delete (with a confirmation), filter. */
import type { ConversationSummary, WebviewMessage } from '../shared/protocol';
import { clear, h, icon, iconButton, relativeTime, textButton } from './dom';

export class HistoryPanel {
  readonly el: HTMLElement;
  private readonly listEl: HTMLElement;
  private readonly filter: HTMLInputElement;
  private history: ConversationSummary[] = [];
  private currentId = '';
  private renaming?: string;
  private confirming?: string;

  constructor(
    private readonly post: (msg: WebviewMessage) => void,
    private readonly onClose: () => void,
  ) {
    this.filter = h('input', {
      class: 'history-filter',
      attrs: { type: 'search', placeholder: 'Filter conversations', 'aria-label': 'Filter conversations' },
      on: { input: () => this.render() },
    });
    this.listEl = h('ul', { class: 'history-list', attrs: { 'aria-label': 'Past conversations' } });
    this.el = h(
      'section',
      { class: 'history-panel', attrs: { role: 'dialog', 'aria-label': 'Conversation history' } },
      h('div', { class: 'history-head' }, icon('history'), h('h2', { text: 'History' }), h('span', { class: 'spacer' }), iconButton('close', 'Close history', () => this.onClose())),
      this.filter,
      this.listEl,
    );
    this.el.hidden = true;
    this.el.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && !this.renaming && !this.confirming) {
        ev.preventDefault();
        this.onClose();
      }
    });
  }

  get isOpen(): boolean {
    return !this.el.hidden;
  }

  show(open: boolean): void {
    this.el.hidden = !open;
    this.renaming = undefined;
    this.confirming = undefined;
    if (open) {
      this.render();
      this.filter.focus();
    }
  }

  update(history: ConversationSummary[], currentId: string): void {
    this.history = history;
    this.currentId = currentId;
    if (this.isOpen) this.render();
  }

  private render(): void {
    clear(this.listEl);
    const q = this.filter.value.trim().toLowerCase();
    const items = [...this.history].sort((a, b) => b.updatedAt - a.updatedAt).filter((c) => !q || c.title.toLowerCase().includes(q));
    if (items.length === 0) {
      this.listEl.append(h('li', { class: 'history-empty', text: this.history.length ? 'No conversation matches.' : 'No past conversations yet.' }));
      return;
    }
    const now = Date.now();
    for (const c of items) this.listEl.append(this.item(c, now));
  }

  private item(c: ConversationSummary, now: number): HTMLElement {
    const current = c.id === this.currentId;
    const li = h('li', { class: `history-item${current ? ' current' : ''}` });
    if (this.renaming === c.id) {
      const input = h('input', { class: 'rename-input', attrs: { type: 'text', value: c.title, maxlength: 300, 'aria-label': 'New title' } });
      const save = () => {
        const title = input.value.trim();
        this.renaming = undefined;
        if (title && title !== c.title) this.post({ type: 'renameConversation', id: c.id, title });
        this.render();
      };
      input.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') {
          ev.preventDefault();
          save();
        } else if (ev.key === 'Escape') {
          ev.preventDefault();
          ev.stopPropagation();
          this.renaming = undefined;
          this.render();
        }
      });
      li.append(input, iconButton('check', 'Save title', save), iconButton('close', 'Cancel rename', () => ((this.renaming = undefined), this.render())));
      queueMicrotask(() => {
        input.focus();
        input.select();
      });
      return li;
    }
    if (this.confirming === c.id) {
      li.classList.add('confirming');
      li.append(
        h('span', { class: 'confirm-text', text: `Delete “${c.title}”?` }),
        textButton('Delete', () => {
          this.confirming = undefined;
          this.post({ type: 'deleteConversation', id: c.id });
          this.render();
        }, { class: 'danger' }),
        textButton('Cancel', () => ((this.confirming = undefined), this.render()), { secondary: true }),
      );
      return li;
    }
    const open = h(
      'button',
      {
        class: 'history-open',
        // Named by what it shows (title, age, size); the list says what a click does.
        title: current ? 'The open conversation' : `Open “${c.title}”`,
        attrs: { type: 'button', 'aria-current': current ? 'true' : undefined },
        on: {
          click: () => {
            if (!current) this.post({ type: 'openConversation', id: c.id });
            this.onClose();
          },
        },
      },
      h('span', { class: 'history-title', text: c.title || 'Untitled' }),
      h('span', { class: 'history-meta', text: `${relativeTime(c.updatedAt, now)} · ${c.messageCount} message${c.messageCount === 1 ? '' : 's'}` }),
    );
    li.append(
      open,
      h(
        'span',
        { class: 'history-actions' },
        iconButton('edit', `Rename ${c.title}`, () => ((this.renaming = c.id), this.render())),
        iconButton('export', `Export ${c.title} to Markdown`, () => this.post({ type: 'exportConversation', id: c.id })),
        iconButton('trash', `Delete ${c.title}`, () => ((this.confirming = c.id), this.render())),
      ),
    );
    return li;
  }
}
