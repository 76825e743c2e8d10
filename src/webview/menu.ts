/** A small accessible popup menu anchored under a button (keyboard: arrows, Enter, Escape). */
import { h, icon } from './dom';

export type MenuItem =
  | { separator: true }
  | { separator?: false; label: string; detail?: string; badge?: string; leading?: HTMLElement; checked?: boolean; disabled?: boolean; run: () => void };

export class Menu {
  private el?: HTMLElement;
  private readonly onDocPointer = (ev: Event) => {
    if (this.el && !this.el.contains(ev.target as Node) && !this.anchor.contains(ev.target as Node)) this.close(false);
  };

  constructor(private readonly anchor: HTMLElement) {}

  get isOpen(): boolean {
    return !!this.el;
  }

  open(items: MenuItem[]): void {
    if (this.el) {
      this.close(true);
      return;
    }
    const buttons: HTMLButtonElement[] = [];
    const menu = h('div', { class: 'menu', attrs: { role: 'menu' } });
    for (const item of items) {
      if (item.separator) {
        menu.append(h('div', { class: 'menu-separator', attrs: { role: 'separator' } }));
        continue;
      }
      const b = h(
        'button',
        {
          class: `menu-item${item.checked ? ' checked' : ''}`,
          attrs: { type: 'button', role: item.checked !== undefined ? 'menuitemradio' : 'menuitem', 'aria-checked': item.checked !== undefined ? String(item.checked) : undefined, disabled: item.disabled, tabindex: -1 },
          title: item.detail,
          on: {
            click: () => {
              this.close(true);
              item.run();
            },
          },
        },
        h('span', { class: 'menu-leading' }, item.leading ?? null),
        h('span', { class: 'menu-text' }, h('span', { class: 'menu-label', text: item.label }), item.detail ? h('span', { class: 'menu-detail', text: item.detail }) : null),
        item.badge ? h('span', { class: 'menu-badge', text: item.badge }) : null,
        item.checked ? icon('check', 'menu-check') : null,
      );
      buttons.push(b);
      menu.append(b);
    }
    menu.addEventListener('keydown', (ev) => {
      const enabled = buttons.filter((b) => !b.disabled);
      const at = enabled.indexOf(document.activeElement as HTMLButtonElement);
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        const next = ev.key === 'ArrowDown' ? (at + 1) % enabled.length : (at - 1 + enabled.length) % enabled.length;
        enabled[next]?.focus();
      } else if (ev.key === 'Home' || ev.key === 'End') {
        ev.preventDefault();
        (ev.key === 'Home' ? enabled[0] : enabled[enabled.length - 1])?.focus();
      } else if (ev.key === 'Escape' || ev.key === 'Tab') {
        ev.preventDefault();
        this.close(true);
      }
    });
    this.anchor.after(menu);
    this.anchor.setAttribute('aria-expanded', 'true');
    this.el = menu;
    document.addEventListener('pointerdown', this.onDocPointer, true);
    (buttons.find((b) => b.classList.contains('checked')) ?? buttons.find((b) => !b.disabled))?.focus();
  }

  close(focusAnchor: boolean): void {
    if (!this.el) return;
    this.el.remove();
    this.el = undefined;
    this.anchor.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', this.onDocPointer, true);
    if (focusAnchor) this.anchor.focus();
  }
}
