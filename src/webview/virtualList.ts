/**
 * A virtualized vertical list: only the items near the viewport are in the
 * DOM; the others are represented by two spacers whose heights come from
 * measured heights (once an item has been shown) or estimates. Scroll
 * position is anchored to an item so measurements above it never make the
 * view jump, and the list follows the bottom while the user is there.
 *
 * Our own rather than a library's: the webview has no framework, the
 * libraries that do this (react-window, TanStack Virtual) assume one, and a
 * streaming answer grows the last item every frame, which needs the anchor
 * kept here rather than a fixed or estimated size.
 */

export interface ListSource {
  count(): number;
  key(index: number): string;
  /** Best guess of an item's height at this width, before it is measured. */
  estimate(index: number, width: number): number;
  /** The element for an item (the source may cache it). */
  render(index: number): HTMLElement;
  /** The item left the DOM. */
  release(key: string, el: HTMLElement): void;
}

export interface Anchor {
  key: string;
  offset: number;
}

const STICK_THRESHOLD = 32;

export class VirtualList {
  readonly items: HTMLElement;
  private readonly top: HTMLElement;
  private readonly bottom: HTMLElement;
  private readonly heights = new Map<string, number>();
  private readonly mounted = new Map<string, HTMLElement>();
  private prefix = new Float64Array(1);
  private prefixValid = false;
  private width = 0;
  private frame = 0;
  /** The scrollTop we set ourselves, so its scroll event is not taken for the user's. */
  private programmaticTop: number | undefined;
  private readonly resizeObserver: ResizeObserver;
  /** Following the newest item (scrolled to the bottom). */
  stick = true;
  onStickChange?: (stick: boolean) => void;
  onScrolled?: () => void;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly source: ListSource,
  ) {
    this.top = document.createElement('div');
    this.top.className = 'vlist-spacer';
    this.items = document.createElement('div');
    this.items.className = 'vlist-items';
    this.bottom = document.createElement('div');
    this.bottom.className = 'vlist-spacer';
    scroller.append(this.top, this.items, this.bottom);
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // Scrolling up with the wheel or keys stops following the stream at once.
    scroller.addEventListener('wheel', (ev) => ev.deltaY < 0 && this.setStick(false), { passive: true });
    scroller.addEventListener('keydown', (ev) => ['PageUp', 'ArrowUp', 'Home'].includes(ev.key) && this.setStick(false));
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(scroller);
  }

  /** Items were added, removed or replaced: forget positions (heights stay keyed). */
  invalidate(): void {
    this.prefixValid = false;
  }

  /** Drops every measured height and mounted item (a new conversation). */
  reset(): void {
    for (const [key, el] of this.mounted) {
      this.resizeObserver.unobserve(el);
      el.remove();
      this.source.release(key, el);
    }
    this.mounted.clear();
    this.heights.clear();
    this.prefixValid = false;
  }

  forget(key: string): void {
    this.heights.delete(key);
    this.prefixValid = false;
  }

  isMounted(key: string): boolean {
    return this.mounted.has(key);
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.update();
    });
  }

  scrollToBottom(): void {
    this.setStick(true);
    this.update();
  }

  /** The item at the top of the viewport and how far into it the view is scrolled. */
  anchor(): Anchor | undefined {
    const n = this.source.count();
    if (n === 0) return undefined;
    this.ensurePrefix();
    const i = this.indexAt(this.scroller.scrollTop);
    return { key: this.source.key(i), offset: this.scroller.scrollTop - this.offsetAt(i) };
  }

  scrollToAnchor(anchor: Anchor): void {
    this.setStick(false);
    this.update(anchor);
  }

  /** Brings an item into view (e.g. a tool card that needs approval). */
  reveal(key: string): void {
    const n = this.source.count();
    for (let i = n - 1; i >= 0; i--) {
      if (this.source.key(i) !== key) continue;
      this.ensurePrefix();
      const top = this.offsetAt(i);
      const bottom = this.offsetAt(i + 1);
      const view = this.scroller.scrollTop;
      if (top >= view && bottom <= view + this.scroller.clientHeight) return;
      this.setStick(i === n - 1);
      this.update(this.stick ? undefined : { key, offset: Math.max(0, bottom - top - this.scroller.clientHeight + 16) });
      return;
    }
  }

  /** Renders the items near the viewport, measures them and keeps the view anchored. */
  update(forcedAnchor?: Anchor): void {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    const width = this.scroller.clientWidth;
    if (width !== this.width) {
      // Measured heights were for another width; they remain the best estimates until re-measured.
      this.width = width;
    }
    const anchor = forcedAnchor ?? (this.stick ? undefined : this.anchor());
    for (let pass = 0; pass < 4; pass++) {
      this.ensurePrefix();
      const n = this.source.count();
      const total = this.offsetAt(n);
      const viewH = this.scroller.clientHeight || 600;
      let scrollTop = this.scroller.scrollTop;
      if (this.stick) scrollTop = Math.max(0, total - viewH);
      else if (anchor) scrollTop = this.offsetOf(anchor) ?? scrollTop;
      const overscan = Math.max(400, viewH);
      const start = n === 0 ? 0 : this.indexAt(Math.max(0, scrollTop - overscan));
      const end = n === 0 ? -1 : this.indexAt(scrollTop + viewH + overscan);
      this.mount(start, end);
      this.top.style.height = `${this.prefix[start] ?? 0}px`;
      this.bottom.style.height = `${Math.max(0, total - (this.prefix[end + 1] ?? total))}px`;
      const changed = this.measure(start, end);
      if (changed) this.ensurePrefix();
      this.applyScroll(anchor);
      if (!changed) break;
    }
  }

  private applyScroll(anchor: Anchor | undefined): void {
    const max = this.scroller.scrollHeight - this.scroller.clientHeight;
    let target: number | undefined;
    if (this.stick) target = max;
    else if (anchor) target = this.offsetOf(anchor);
    if (target === undefined) return;
    target = Math.max(0, Math.min(max, target));
    if (Math.abs(this.scroller.scrollTop - target) >= 1) {
      this.scroller.scrollTop = target;
      this.programmaticTop = this.scroller.scrollTop;
    }
  }

  private offsetOf(anchor: Anchor): number | undefined {
    const n = this.source.count();
    for (let i = n - 1; i >= 0; i--) if (this.source.key(i) === anchor.key) return this.offsetAt(i) + anchor.offset;
    return undefined;
  }

  private mount(start: number, end: number): void {
    const wanted: HTMLElement[] = [];
    const keys = new Set<string>();
    for (let i = start; i <= end; i++) {
      const key = this.source.key(i);
      keys.add(key);
      let el = this.mounted.get(key);
      if (!el) {
        el = this.source.render(i);
        this.mounted.set(key, el);
        this.resizeObserver.observe(el);
      }
      wanted.push(el);
    }
    for (const [key, el] of this.mounted) {
      if (keys.has(key)) continue;
      this.resizeObserver.unobserve(el);
      el.remove();
      this.mounted.delete(key);
      this.source.release(key, el);
    }
    // Put the wanted elements in order with as few DOM moves as possible.
    let cursor = this.items.firstElementChild;
    for (const el of wanted) {
      if (cursor === el) {
        cursor = cursor.nextElementSibling;
      } else {
        this.items.insertBefore(el, cursor);
      }
    }
    while (cursor) {
      const next = cursor.nextElementSibling;
      cursor.remove();
      cursor = next;
    }
  }

  private measure(start: number, end: number): boolean {
    let changed = false;
    for (let i = start; i <= end; i++) {
      const key = this.source.key(i);
      const el = this.mounted.get(key);
      if (!el) continue;
      const height = el.getBoundingClientRect().height;
      if (height <= 0) continue; // not laid out (hidden view)
      if (Math.abs((this.heights.get(key) ?? -1) - height) > 0.5) {
        this.heights.set(key, height);
        changed = true;
      }
    }
    if (changed) this.prefixValid = false;
    return changed;
  }

  private ensurePrefix(): void {
    const n = this.source.count();
    if (this.prefixValid && this.prefix.length === n + 1) return;
    if (this.prefix.length !== n + 1) this.prefix = new Float64Array(n + 1);
    const width = this.scroller.clientWidth || 320;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      this.prefix[i] = sum;
      sum += this.heights.get(this.source.key(i)) ?? this.source.estimate(i, width);
    }
    this.prefix[n] = sum;
    this.prefixValid = true;
  }

  /** Where item i starts (i = count: the total height); 0 <= i <= count, and ensurePrefix() has run. */
  private offsetAt(i: number): number {
    return this.prefix[i]!;
  }

  /** Index of the item covering offset y (binary search in the prefix sums). */
  private indexAt(y: number): number {
    const n = this.source.count();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsetAt(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, Math.min(n - 1, lo));
  }

  private setStick(stick: boolean): void {
    if (this.stick === stick) return;
    this.stick = stick;
    this.onStickChange?.(stick);
  }

  private onScroll(): void {
    const el = this.scroller;
    if (this.programmaticTop !== undefined && Math.abs(el.scrollTop - this.programmaticTop) < 1) {
      // Our own scroll: keep the stick state.
      this.programmaticTop = undefined;
      this.schedule();
      return;
    }
    this.programmaticTop = undefined;
    this.setStick(el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD);
    this.schedule();
    this.onScrolled?.();
  }
}
