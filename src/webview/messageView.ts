/**
 * One message of the transcript as DOM. A renderer is created when the
 * message comes near the viewport and is then updated in place: text blocks
 * grow incrementally, tool cards update, the footer shows the status,
 * errors with their actions, and usage.
 */
import type { BlockView, MessageView, ToolCallView, WebviewMessage } from '../shared/protocol';
import { clear, compactNumber, formatCost, h, icon, textButton } from './dom';
import { findFileRefs } from './links';
import { fileLink, MarkdownView, type RenderContext } from './markdown';
import { ToolCard, type ToolCardContext } from './toolCard';

export interface MessageContext extends RenderContext, ToolCardContext {
  post(msg: WebviewMessage): void;
  personaName(): string;
}

type BlockRenderer =
  | { kind: 'text'; el: HTMLElement; view: MarkdownView }
  | { kind: 'thinking'; el: HTMLDetailsElement; body: HTMLElement; text: string }
  | { kind: 'tool'; el: HTMLElement; card: ToolCard; call?: ToolCallView }
  | { kind: 'notice'; el: HTMLElement; text: string };

export class MessageRenderer {
  readonly el: HTMLElement;
  private readonly blocksEl: HTMLElement;
  private readonly footerEl: HTMLElement;
  private blocks: BlockRenderer[] = [];
  private footerKey = '';
  /** The model version last rendered. */
  version = -1;

  constructor(
    private readonly ctx: MessageContext,
    readonly id: string,
    private readonly role: MessageView['role'],
  ) {
    this.blocksEl = h('div', { class: 'msg-blocks' });
    this.footerEl = h('div', { class: 'msg-footer' });
    this.el = h('div', { class: `msg msg-${role}`, attrs: { role: 'article', 'data-message-id': id } }, this.blocksEl, this.footerEl);
  }

  sync(msg: MessageView, version: number): void {
    if (version === this.version) return;
    this.version = version;
    const streaming = msg.status === 'streaming';
    this.el.classList.toggle('streaming', streaming);
    // A screen reader reads an answer once it is complete (aria-busy while it streams).
    if (streaming) this.el.setAttribute('aria-busy', 'true');
    else this.el.removeAttribute('aria-busy');
    const status = streaming ? ', in progress' : msg.status === 'stopped' ? ', stopped' : msg.status === 'error' ? ', failed' : '';
    this.el.setAttribute('aria-label', msg.role === 'user' ? 'Your message' : `Answer from ${this.ctx.personaName()}${status}`);
    if (msg.role === 'user') this.syncUser(msg);
    else this.syncBlocks(msg);
    this.syncFooter(msg);
  }

  private syncUser(msg: MessageView): void {
    const text = msg.blocks.map((b) => (b.kind === 'text' ? b.text : '')).join('\n\n');
    const existing = this.blocks[0];
    if (existing?.kind === 'notice' && existing.text === text) return;
    const bubble = h('div', { class: 'user-bubble' });
    for (const part of findFileRefs(text)) bubble.append(typeof part === 'string' ? part : fileLink(part, part.text, this.ctx));
    clear(this.blocksEl);
    this.blocksEl.append(bubble);
    this.blocks = [{ kind: 'notice', el: bubble, text }];
  }

  private syncBlocks(msg: MessageView): void {
    const final = msg.status !== 'streaming';
    msg.blocks.forEach((block, i) => {
      let r = this.blocks[i];
      if (!r || r.kind !== block.kind) {
        const fresh = this.createBlock(block);
        if (r) r.el.replaceWith(fresh.el);
        else this.blocksEl.append(fresh.el);
        this.blocks[i] = fresh;
        r = fresh;
      }
      this.updateBlock(r, block, final, msg.status === 'streaming' && i === msg.blocks.length - 1);
    });
    for (const extra of this.blocks.splice(msg.blocks.length)) extra.el.remove();
    const waiting = msg.status === 'streaming' && (msg.blocks.length === 0 || msg.blocks.every((b) => b.kind === 'text' && b.text.trim() === ''));
    let indicator = this.blocksEl.querySelector(':scope > .msg-working');
    if (waiting && !indicator) {
      indicator = h('div', { class: 'msg-working', attrs: { 'aria-label': 'Working' } }, icon('loading', 'codicon-modifier-spin'), h('span', { text: 'Working…' }));
      this.blocksEl.append(indicator);
    } else if (!waiting && indicator) {
      indicator.remove();
    }
  }

  private createBlock(block: BlockView): BlockRenderer {
    switch (block.kind) {
      case 'text': {
        const view = new MarkdownView(this.ctx);
        return { kind: 'text', el: view.el, view };
      }
      case 'thinking': {
        const body = h('div', { class: 'thinking-body' });
        const el = h('details', { class: 'thinking' }, h('summary', {}, icon('lightbulb'), h('span', { text: 'Thinking' })), body);
        return { kind: 'thinking', el, body, text: '' };
      }
      case 'tool': {
        const card = new ToolCard(this.ctx);
        return { kind: 'tool', el: card.el, card };
      }
      case 'notice':
        return { kind: 'notice', el: h('div', { class: 'msg-notice' }), text: '\u0000' };
    }
  }

  private updateBlock(r: BlockRenderer, block: BlockView, final: boolean, live: boolean): void {
    if (r.kind === 'text' && block.kind === 'text') {
      r.view.update(block.text, final);
    } else if (r.kind === 'thinking' && block.kind === 'thinking') {
      if (r.text !== block.text) {
        r.text = block.text;
        r.body.textContent = block.text;
      }
      r.el.classList.toggle('live', live);
      const label = r.el.querySelector('summary span');
      if (label) label.textContent = live ? 'Thinking…' : 'Thinking';
    } else if (r.kind === 'tool' && block.kind === 'tool') {
      if (r.call !== block.call) {
        r.call = block.call;
        r.card.update(block.call);
      }
    } else if (r.kind === 'notice' && block.kind === 'notice') {
      if (r.text !== block.text) {
        r.text = block.text;
        r.el.replaceChildren(icon('info'), h('span', { text: block.text }));
      }
    }
  }

  private syncFooter(msg: MessageView): void {
    const key = JSON.stringify([msg.status, msg.usage ?? null, msg.error ?? null]);
    if (key === this.footerKey) return;
    this.footerKey = key;
    clear(this.footerEl);
    if (msg.error) this.footerEl.append(this.errorCallout(msg));
    const meta = h('div', { class: 'msg-meta' });
    if (msg.status === 'stopped') meta.append(h('span', { class: 'msg-stopped' }, icon('debug-stop'), h('span', { text: 'Stopped' })));
    if (msg.usage && msg.role === 'assistant') {
      const u = msg.usage;
      const parts = [`${compactNumber(u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens)} in`, `${compactNumber(u.outputTokens)} out`];
      if (u.cacheReadTokens > 0) parts.push(`${compactNumber(u.cacheReadTokens)} cached`);
      parts.push(formatCost(u.costUsd));
      meta.append(
        h('span', {
          class: 'msg-usage',
          text: parts.join(' · '),
          title: `Input ${u.inputTokens} · cache read ${u.cacheReadTokens} · cache write ${u.cacheWriteTokens} · output ${u.outputTokens} tokens · about ${formatCost(u.costUsd)}`,
        }),
      );
    }
    if (meta.childElementCount > 0) this.footerEl.append(meta);
  }

  private errorCallout(msg: MessageView): HTMLElement {
    const err = msg.error!;
    const actions = h('div', { class: 'error-actions' });
    if (err.action === 'setApiKey') actions.append(textButton('Set API Key', () => this.ctx.post({ type: 'command', command: 'setApiKey' }), { iconName: 'key' }));
    if (err.action === 'continue') actions.append(textButton('Continue', () => this.ctx.post({ type: 'continue' }), { iconName: 'debug-continue' }));
    if (err.action === 'openSettings') actions.append(textButton('Open Settings', () => this.ctx.post({ type: 'command', command: 'openSettings' }), { iconName: 'settings-gear', secondary: true }));
    if (err.retryable) actions.append(textButton('Retry', () => this.ctx.post({ type: 'retry' }), { iconName: 'refresh', secondary: err.action !== undefined }));
    return h(
      'div',
      { class: 'msg-error', attrs: { role: 'alert' } },
      h('div', { class: 'error-title' }, icon('error'), h('span', { text: err.title })),
      err.detail ? h('div', { class: 'error-detail', text: err.detail }) : null,
      actions.childElementCount ? actions : null,
    );
  }
}

/** A height guess for a message never shown yet, from its text and blocks. */
export function estimateMessageHeight(msg: MessageView, width: number): number {
  const charsPerLine = Math.max(16, Math.floor((width - 48) / 7));
  let height = 24;
  for (const block of msg.blocks) {
    if (block.kind === 'tool') height += 38;
    else if (block.kind === 'thinking') height += 30;
    else if (block.kind === 'notice') height += 26;
    else height += estimateText(block.text, charsPerLine, msg.role === 'user');
  }
  if (msg.error) height += 90;
  if (msg.usage || msg.status === 'stopped') height += 20;
  return height;
}

function estimateText(text: string, charsPerLine: number, plain: boolean): number {
  let height = 0;
  let inCode = false;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const len = end - start;
    const fence = !plain && text.startsWith('```', start);
    if (fence) {
      height += inCode ? 12 : 40; // code header and padding
      inCode = !inCode;
    } else if (inCode) {
      height += 18;
    } else if (len === 0) {
      height += 8;
    } else {
      height += Math.ceil(len / charsPerLine) * 20;
    }
    start = end + 1;
  }
  return height + 8;
}
