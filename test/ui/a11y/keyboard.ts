/**
 * Keyboard helpers for the UI tests: where the focus is in a webview
 * document, whether it shows, and moving it with Tab alone.
 */
import type { Frame, Page } from 'playwright-core';

export interface Focused {
  /** e.g. "button.approve-once" or "textarea.chat-input". */
  what: string;
  /** Its accessible-ish name: aria-label, else its text. */
  name: string;
  /** The document has the focus (not the workbench around it). */
  documentFocused: boolean;
  /** The element draws a focus indicator: an outline, or (menus, lists) a selection background. */
  indicator: boolean;
}

export async function focused(frame: Frame): Promise<Focused> {
  return frame.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { what: 'body', name: '', documentFocused: document.hasFocus(), indicator: false };
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const background = el.classList.contains('menu-item') && cs.backgroundColor !== 'rgba(0, 0, 0, 0)';
    // The message input shows its focus on the box around it (.input-box:focus-within takes the focus border colour).
    const inputBox = el.classList.contains('chat-input') ? el.closest('.input-box') : null;
    const box = !!inputBox && inputBox.matches(':focus-within');
    const cls = typeof el.className === 'string' ? el.className.split(/\s+/).filter(Boolean).join('.') : '';
    return {
      what: `${el.tagName.toLowerCase()}${cls ? `.${cls}` : ''}`,
      name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 80),
      documentFocused: document.hasFocus(),
      indicator: outline || background || box,
    };
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focused element of `frame` matches
 * `selector`; every element passed on the way must show its focus.
 * Fails after `max` presses.
 */
export async function tabTo(page: Page, frame: Frame, selector: string, opts: { back?: boolean; max?: number } = {}): Promise<Focused> {
  const max = opts.max ?? 40;
  // By default toward the target: back when it comes before the focused element in the document.
  const back =
    opts.back ??
    (await frame.evaluate((sel) => {
      const target = Array.from(document.querySelectorAll(sel)).at(-1);
      const from = document.activeElement;
      return !!target && !!from && from !== document.body && (from.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING) !== 0;
    }, selector));
  const unseen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(frame);
    if (!now.indicator && now.what !== 'body') unseen.push(now.what);
    if (await frame.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) {
      if (unseen.length) throw new Error(`focus was not visible on: ${unseen.join(', ')}`);
      return now;
    }
  }
  throw new Error(`${selector} not reached with ${max} ${back ? 'Shift+Tab' : 'Tab'} presses; focus is on ${(await focused(frame)).what}`);
}

/** Waits until the focus is on an element matching `selector` in `frame` (focus moves are asynchronous across frames). */
export async function waitForFocus(frame: Frame, selector: string, timeout = 15_000): Promise<void> {
  await frame.waitForFunction((sel) => document.hasFocus() && (document.activeElement?.matches(sel) ?? false), selector, { timeout }).catch(async (err: unknown) => {
    throw new Error(`focus is not on ${selector} but on ${JSON.stringify(await focused(frame))}: ${String(err)}`);
  });
}
