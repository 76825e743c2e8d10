/**
 * The input: a textarea that grows, Enter to send and Shift+Enter for a
 * newline, Escape to stop, `@` mentions (files, the selection, the current
 * file's problems) shown as chips, a send/stop button, the usage strip.
 * Ctrl+Enter is left to VS Code (it allows a pending tool call).
 */
import type { MentionItem, UsageView, WebviewMessage } from '../shared/protocol';
import { clear, compactNumber, formatCost, h, icon } from './dom';
import { inputHelp, SHORTCUTS } from './keys';
import { mentionIcon, MentionList } from './mentionList';

const MAX_INPUT_HEIGHT = 240;
const PLACEHOLDER = 'Ask a question (@ adds context)';

export interface ComposerCallbacks {
  post(msg: WebviewMessage): void;
  onDraftChange(): void;
  announce(text: string): void;
}

export class Composer {
  readonly el: HTMLElement;
  readonly input: HTMLTextAreaElement;
  private readonly chipsEl: HTMLElement;
  private readonly popup: MentionList;
  private readonly helpEl: HTMLElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly fillBar: HTMLElement;
  private readonly fillEl: HTMLElement;
  private readonly fillLabel: HTMLElement;
  private readonly totalsEl: HTMLElement;
  private mentions: MentionItem[] = [];
  private requestId = 0;
  private query?: { start: number; text: string };
  private busy = false;
  private enabled = true;

  constructor(private readonly cb: ComposerCallbacks) {
    this.input = h('textarea', {
      class: 'chat-input',
      attrs: { rows: 1, placeholder: PLACEHOLDER, 'aria-label': 'Message', spellcheck: 'true', 'aria-describedby': 'chat-input-help' },
    });
    this.helpEl = h('div', { class: 'sr-only', attrs: { id: 'chat-input-help' } });
    this.setVerbose(true);
    this.chipsEl = h('div', { class: 'mention-chips', attrs: { role: 'list', 'aria-label': 'Attached context' } });
    this.popup = new MentionList(this.input, (item) => this.pick(item), (text) => cb.announce(text));
    this.sendButton = h('button', { class: 'send-button', title: 'Send (Enter)', attrs: { type: 'button', 'aria-label': 'Send', 'aria-keyshortcuts': 'Enter' }, on: { click: () => this.send(true) } }, icon('send'));
    this.stopButton = h(
      'button',
      { class: 'stop-button', title: `Stop (${SHORTCUTS.stop.label}, or Escape in the input)`, attrs: { type: 'button', 'aria-label': 'Stop', 'aria-keyshortcuts': SHORTCUTS.stop.aria }, on: { click: () => this.stop() } },
      icon('debug-stop'),
    );
    const atButton = h('button', { class: 'icon-button at-button', title: 'Add context (@)', attrs: { type: 'button', 'aria-label': 'Add context' }, on: { click: () => this.startMention() } }, icon('mention'));
    this.fillEl = h('div', { class: 'context-fill-value' });
    this.fillBar = h('div', { class: 'context-fill', attrs: { role: 'progressbar', 'aria-label': 'Context window used', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 } }, this.fillEl);
    this.fillLabel = h('span', { class: 'context-label' });
    this.totalsEl = h('span', { class: 'totals' });
    this.el = h(
      'section',
      { class: 'composer', attrs: { 'aria-label': 'Message input' } },
      this.popup.el,
      h('div', { class: 'input-box' }, this.chipsEl, this.input, h('div', { class: 'input-toolbar' }, atButton, h('span', { class: 'usage-strip' }, this.fillBar, this.fillLabel, this.totalsEl), h('span', { class: 'spacer' }), this.stopButton, this.sendButton)),
      this.helpEl,
    );
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (ev) => this.onKeyDown(ev));
    this.input.addEventListener('blur', () => setTimeout(() => !this.popup.contains(document.activeElement) && this.closePopup(), 150));
    // The placeholder may wrap in a narrow view: the input grows to show it (re-measured when the width changes).
    let width = 0;
    new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width ?? 0;
      if (Math.abs(w - width) < 1) return;
      width = w;
      requestAnimationFrame(() => this.autosize());
    }).observe(this.input);
    this.setBusy(false);
  }

  /** With VS Code's chat verbosity on, the input's description tells its keys. */
  setVerbose(verbose: boolean): void {
    this.helpEl.textContent = verbose ? inputHelp() : '';
  }

  get draft(): string {
    return this.input.value;
  }

  get attached(): MentionItem[] {
    return [...this.mentions];
  }

  restore(draft: string, mentions: MentionItem[]): void {
    this.input.value = draft;
    this.mentions = mentions.slice(0, 50);
    this.renderChips();
    this.autosize();
    this.updateButtons();
  }

  prefill(text: string): void {
    this.input.value = text;
    this.autosize();
    this.updateButtons();
    this.focus();
    this.input.setSelectionRange(text.length, text.length);
    this.cb.onDraftChange();
  }

  focus(): void {
    this.input.focus();
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.updateButtons();
  }

  setEnabled(enabled: boolean, why?: string): void {
    this.enabled = enabled;
    this.input.disabled = !enabled;
    this.input.placeholder = enabled ? PLACEHOLDER : (why ?? 'Chat is unavailable');
    this.updateButtons();
  }

  setUsage(totals: UsageView, fill: number): void {
    const pct = Math.max(0, Math.min(100, Math.round(fill * 100)));
    this.fillEl.style.width = `${pct}%`;
    this.fillBar.setAttribute('aria-valuenow', String(pct));
    this.fillBar.classList.toggle('warn', pct >= 80 && pct < 95);
    this.fillBar.classList.toggle('full', pct >= 95);
    this.fillLabel.textContent = pct === 0 && fill > 0 ? '<1%' : `${pct}%`;
    const tokensUsed = totals.inputTokens + totals.outputTokens + totals.cacheReadTokens + totals.cacheWriteTokens;
    // Nothing to show before the first answer.
    this.fillBar.hidden = fill <= 0 && tokensUsed === 0;
    this.fillLabel.hidden = this.fillBar.hidden;
    this.fillBar.title = `Context window ${this.fillLabel.textContent} full`;
    this.fillLabel.title = this.fillBar.title;
    const tokens = totals.inputTokens + totals.outputTokens + totals.cacheReadTokens + totals.cacheWriteTokens;
    this.totalsEl.textContent = tokens > 0 ? `${compactNumber(tokens)} tok · ${formatCost(totals.costUsd)}` : '';
    this.totalsEl.title = `This conversation: input ${totals.inputTokens}, output ${totals.outputTokens}, cache read ${totals.cacheReadTokens}, cache write ${totals.cacheWriteTokens} tokens; about ${formatCost(totals.costUsd)}`;
  }

  showMentionResults(requestId: number, items: MentionItem[]): void {
    if (requestId !== this.requestId || !this.query) return;
    this.popup.show(items.slice(0, 50), this.query.text);
  }

  private updateButtons(): void {
    const hasContent = this.input.value.trim() !== '' || this.mentions.length > 0;
    this.stopButton.hidden = !this.busy;
    this.sendButton.hidden = this.busy && !hasContent;
    this.sendButton.disabled = !hasContent || !this.enabled;
  }

  private stop(): void {
    this.cb.post({ type: 'stop' });
    this.focus();
  }

  /** Sends the draft; from the button, the focus goes back to the input. */
  private send(fromButton = false): void {
    const text = this.input.value;
    if (fromButton) this.focus();
    if (!this.enabled || (text.trim() === '' && this.mentions.length === 0)) return;
    this.cb.post({ type: 'send', text, mentions: this.attached });
    this.input.value = '';
    this.mentions = [];
    this.renderChips();
    this.closePopup();
    this.autosize();
    this.updateButtons();
    this.cb.onDraftChange();
  }

  private autosize(): void {
    const input = this.input;
    input.style.height = 'auto';
    // An empty input is as tall as its placeholder (measured as if it were the text).
    const showsPlaceholder = input.value === '' && input.placeholder !== '';
    if (showsPlaceholder) input.value = input.placeholder;
    const height = input.scrollHeight;
    if (showsPlaceholder) input.value = '';
    input.style.height = `${Math.min(MAX_INPUT_HEIGHT, height)}px`;
    input.style.overflowY = height > MAX_INPUT_HEIGHT ? 'auto' : 'hidden';
  }

  private onInput(): void {
    this.autosize();
    this.updateButtons();
    this.detectMention();
    this.cb.onDraftChange();
  }

  private onKeyDown(ev: KeyboardEvent): void {
    if (this.popup.choosing) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        this.popup.move(ev.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if ((ev.key === 'Enter' && !ev.ctrlKey && !ev.metaKey && !ev.altKey) || ev.key === 'Tab') {
        ev.preventDefault();
        this.popup.pickActive();
        return;
      }
    }
    if (ev.key === 'Escape') {
      if (this.popup.isOpen) {
        ev.preventDefault();
        this.closePopup();
      } else if (this.busy) {
        ev.preventDefault();
        this.cb.post({ type: 'stop' });
      }
      return;
    }
    // Ctrl/Cmd(+Alt)+Enter belong to VS Code's keybindings (allow or deny a pending tool call).
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.ctrlKey && !ev.metaKey && !ev.altKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      this.send();
      return;
    }
    if (ev.key === 'Backspace' && this.input.selectionStart === 0 && this.input.selectionEnd === 0 && this.mentions.length > 0) {
      ev.preventDefault();
      this.mentions.pop();
      this.renderChips();
      this.updateButtons();
      this.cb.onDraftChange();
    }
  }

  private startMention(): void {
    const pos = this.input.selectionStart ?? this.input.value.length;
    const before = this.input.value.slice(0, pos);
    const needsSpace = before !== '' && !/\s$/.test(before);
    this.input.setRangeText(`${needsSpace ? ' ' : ''}@`, pos, this.input.selectionEnd ?? pos, 'end');
    this.input.focus();
    this.onInput();
  }

  private detectMention(): void {
    const pos = this.input.selectionStart ?? 0;
    const before = this.input.value.slice(0, pos);
    const m = /(?:^|\s)@([^\s@]{0,200})$/.exec(before);
    if (!m) {
      this.closePopup();
      return;
    }
    const text = m[1]!;
    this.query = { start: pos - text.length - 1, text };
    this.requestId++;
    this.cb.post({ type: 'mentionQuery', requestId: this.requestId, query: text });
  }

  private pick(item: MentionItem | undefined): void {
    if (!item) return;
    if (this.query) {
      const end = this.query.start + 1 + this.query.text.length;
      this.input.setRangeText('', this.query.start, end, 'end');
    }
    if (!this.mentions.some((m) => m.kind === item.kind && m.value === item.value)) this.mentions.push(item);
    this.closePopup();
    this.renderChips();
    this.autosize();
    this.updateButtons();
    this.input.focus();
    this.cb.onDraftChange();
  }

  private closePopup(): void {
    this.query = undefined;
    this.popup.hide();
  }

  private renderChips(): void {
    clear(this.chipsEl);
    this.chipsEl.hidden = this.mentions.length === 0;
    this.mentions.forEach((m, i) => {
      const remove = h(
        'button',
        {
          class: 'chip-remove',
          title: `Remove ${m.label}`,
          attrs: { type: 'button', 'aria-label': `Remove ${m.label}` },
          on: {
            click: () => {
              this.mentions.splice(i, 1);
              this.renderChips();
              this.updateButtons();
              this.cb.onDraftChange();
              this.input.focus();
            },
          },
        },
        icon('close'),
      );
      this.chipsEl.append(h('span', { class: `mention-chip kind-${m.kind}`, title: m.detail ?? m.value, attrs: { role: 'listitem' } }, mentionIcon(m.kind), h('span', { class: 'chip-label', text: m.label }), remove));
    });
  }
}
