/**
 * The conversation: the message model, deltas applied to it, and its
 * virtualized rendering. Deltas only touch the model and mark the message
 * dirty; once per animation frame the dirty messages that are on screen are
 * re-rendered (incrementally) and the list is re-measured.
 */
import type { BlockView, ErrorView, MessageStatus, MessageView, ToolCallView, UsageView } from '../shared/protocol';
import { h, icon } from './dom';
import { estimateMessageHeight, MessageRenderer, type MessageContext } from './messageView';
import { VirtualList, type Anchor } from './virtualList';

/** Rendered messages kept while off screen (scrolling back is instant). */
const RENDER_CACHE = 200;

export class Transcript {
  readonly el: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly list: VirtualList;
  private readonly jumpButton: HTMLButtonElement;
  private readonly emptyEl: HTMLElement;
  private messages: MessageView[] = [];
  private readonly index = new Map<string, number>();
  private readonly versions = new Map<string, number>();
  private readonly renderers = new Map<string, MessageRenderer>();
  private readonly estimates = new Map<string, { version: number; width: number; height: number }>();
  private readonly dirty = new Set<string>();
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attention = false;
  onScrollChange?: () => void;
  onApprovalNeeded?: (call: ToolCallView) => void;

  constructor(
    private readonly ctx: MessageContext,
    emptyState: HTMLElement,
  ) {
    this.scroller = h('div', { class: 'transcript', attrs: { tabindex: 0, role: 'feed', 'aria-label': 'Conversation' } });
    this.emptyEl = emptyState;
    this.jumpButton = h('button', { class: 'jump-latest', attrs: { type: 'button', 'aria-label': 'Scroll to the latest message' }, on: { click: () => this.scrollToBottom() } });
    this.jumpButton.hidden = true;
    this.el = h('div', { class: 'transcript-wrap' }, this.scroller, this.emptyEl, this.jumpButton);
    this.list = new VirtualList(this.scroller, {
      count: () => this.messages.length,
      key: (i) => this.at(i).id,
      estimate: (i, width) => this.estimate(this.at(i), width),
      render: (i) => this.renderMessage(this.at(i)),
      release: () => this.trimCache(),
    });
    this.list.onStickChange = (stick) => {
      if (stick) this.attention = false;
      this.updateJumpButton();
    };
    this.list.onScrolled = () => this.onScrollChange?.();
    this.updateEmpty();
  }

  get count(): number {
    return this.messages.length;
  }

  get following(): boolean {
    return this.list.stick;
  }

  /** Replaces the whole conversation (the `state` message). */
  setMessages(messages: MessageView[], position?: Anchor): void {
    this.list.reset();
    this.renderers.clear();
    this.estimates.clear();
    this.versions.clear();
    this.dirty.clear();
    this.messages = messages;
    this.reindex();
    for (const m of messages) {
      this.versions.set(m.id, 0);
      for (const b of m.blocks) if (b.kind === 'tool' && b.call.status === 'awaiting-approval') this.onApprovalNeeded?.(b.call);
    }
    this.updateEmpty();
    if (position && this.index.has(position.key)) this.list.scrollToAnchor(position);
    else this.list.scrollToBottom();
    this.updateJumpButton();
  }

  addMessage(message: MessageView): void {
    const at = this.index.get(message.id);
    if (at !== undefined) {
      this.messages[at] = message;
      this.touch(message.id);
      return;
    }
    this.messages.push(message);
    this.index.set(message.id, this.messages.length - 1);
    this.versions.set(message.id, 0);
    // Sending a message brings the view back to the bottom.
    if (message.role === 'user') this.list.stick = true;
    this.updateEmpty();
    this.list.invalidate();
    this.touch(message.id);
  }

  textDelta(messageId: string, blockIndex: number, text: string): void {
    const msg = this.get(messageId);
    if (!msg || blockIndex < 0 || blockIndex > msg.blocks.length) return;
    const block = msg.blocks[blockIndex];
    if (!block) msg.blocks.push({ kind: 'text', text });
    else if (block.kind === 'text' || block.kind === 'thinking') block.text += text;
    else return;
    this.touch(messageId);
  }

  blockAdded(messageId: string, block: BlockView): void {
    const msg = this.get(messageId);
    if (!msg) return;
    msg.blocks.push(block);
    if (block.kind === 'tool' && block.call.status === 'awaiting-approval') this.approvalNeeded(block.call);
    this.touch(messageId);
  }

  toolUpdated(messageId: string, call: ToolCallView): void {
    const msg = this.get(messageId);
    if (!msg) return;
    const i = msg.blocks.findIndex((b) => b.kind === 'tool' && b.call.id === call.id);
    const before = i >= 0 ? (msg.blocks[i] as { call: ToolCallView }).call.status : undefined;
    if (i >= 0) msg.blocks[i] = { kind: 'tool', call };
    else msg.blocks.push({ kind: 'tool', call });
    if (call.status === 'awaiting-approval' && before !== 'awaiting-approval') this.approvalNeeded(call);
    this.touch(messageId);
  }

  messageUpdated(messageId: string, status: MessageStatus, usage?: UsageView, error?: ErrorView): void {
    const msg = this.get(messageId);
    if (!msg) return;
    msg.status = status;
    if (usage) msg.usage = usage;
    msg.error = error;
    this.touch(messageId);
  }

  /** The text of a message's text blocks without the Markdown marks that read badly aloud (fences, #, **, `). */
  plainText(messageId: string): string {
    const msg = this.get(messageId);
    if (!msg) return '';
    return msg.blocks
      .map((b) => (b.kind === 'text' ? b.text : ''))
      .join('\n')
      .replace(/```[\w+#.-]*\n?/g, '')
      .replace(/^\s{0,3}(?:#{1,6}|>)\s+/gm, '')
      .replace(/\*\*|`/g, '')
      .replace(/\s+/g, ' ')
      .trim();
  }

  anchor(): Anchor | undefined {
    return this.list.stick ? undefined : this.list.anchor();
  }

  scrollToBottom(): void {
    this.attention = false;
    this.list.scrollToBottom();
    this.updateJumpButton();
  }

  /** Applies pending deltas now (normally once per animation frame). */
  flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer) clearTimeout(this.timer);
    this.frame = 0;
    this.timer = undefined;
    if (this.dirty.size === 0) return;
    for (const id of this.dirty) {
      const r = this.renderers.get(id);
      const msg = this.get(id);
      if (!msg) continue;
      if (r && this.list.isMounted(id)) r.sync(msg, this.versions.get(id) ?? 0);
      else this.list.forget(id); // measured height is stale; re-measured when shown
    }
    this.dirty.clear();
    this.list.invalidate();
    this.list.update();
    this.updateJumpButton();
  }

  /** The message at a list index: the list asks only for 0 <= i < count. */
  private at(i: number): MessageView {
    const msg = this.messages[i];
    if (!msg) throw new RangeError(`no message at index ${i} of ${this.messages.length}`);
    return msg;
  }

  private get(id: string): MessageView | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.messages[i];
  }

  private touch(id: string): void {
    this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
    this.dirty.add(id);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => this.flush());
    // Animation frames pause while the view is hidden: do not let deltas pile up.
    this.timer ??= setTimeout(() => this.flush(), 250);
  }

  private reindex(): void {
    this.index.clear();
    this.messages.forEach((m, i) => this.index.set(m.id, i));
  }

  private estimate(msg: MessageView, width: number): number {
    const version = this.versions.get(msg.id) ?? 0;
    const cached = this.estimates.get(msg.id);
    if (cached && cached.version === version && Math.abs(cached.width - width) < 8) return cached.height;
    const height = estimateMessageHeight(msg, width);
    this.estimates.set(msg.id, { version, width, height });
    return height;
  }

  private renderMessage(msg: MessageView): HTMLElement {
    let r = this.renderers.get(msg.id);
    if (r) this.renderers.delete(msg.id);
    else r = new MessageRenderer(this.ctx, msg.id, msg.role);
    this.renderers.set(msg.id, r); // most recently used last
    r.sync(msg, this.versions.get(msg.id) ?? 0);
    return r.el;
  }

  private trimCache(): void {
    if (this.renderers.size <= RENDER_CACHE) return;
    for (const [id] of this.renderers) {
      if (this.renderers.size <= RENDER_CACHE) break;
      if (!this.list.isMounted(id)) this.renderers.delete(id);
    }
  }

  private approvalNeeded(call: ToolCallView): void {
    this.onApprovalNeeded?.(call);
    if (!this.list.stick) {
      this.attention = true;
      this.updateJumpButton();
    }
  }

  private updateJumpButton(): void {
    const show = !this.list.stick && this.messages.length > 0;
    this.jumpButton.hidden = !show;
    this.jumpButton.classList.toggle('attention', this.attention);
    this.jumpButton.replaceChildren(icon(this.attention ? 'shield' : 'arrow-down'), h('span', { text: this.attention ? 'Approval needed' : 'Latest' }));
  }

  private updateEmpty(): void {
    const empty = this.messages.length === 0;
    this.emptyEl.hidden = !empty;
    this.scroller.hidden = empty;
  }
}
