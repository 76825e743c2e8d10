/**
 * The chat's keyboard shortcuts as this platform writes them. The bindings
 * themselves are VS Code's (package.json `keybindings`: the webview forwards
 * its key presses to the workbench); the webview only names them, in
 * tooltips, `aria-keyshortcuts` and the input's description.
 */
const platform = typeof navigator === 'undefined' ? '' : `${navigator.platform} ${navigator.userAgent}`;
const mac = /Mac|iPhone|iPad/.test(platform);
const windows = !mac && /Win/.test(platform);

export interface Shortcut {
  /** As shown to the user: "Ctrl+Enter", "⌘Enter". */
  label: string;
  /** For aria-keyshortcuts: "Control+Enter". */
  aria: string;
}

export const SHORTCUTS: Record<'approve' | 'deny' | 'stop', Shortcut> = {
  approve: mac ? { label: '⌘Enter', aria: 'Meta+Enter' } : { label: 'Ctrl+Enter', aria: 'Control+Enter' },
  deny: mac ? { label: '⌥⌘Enter', aria: 'Alt+Meta+Enter' } : { label: 'Ctrl+Alt+Enter', aria: 'Control+Alt+Enter' },
  stop: mac ? { label: '⌘Esc', aria: 'Meta+Escape' } : windows ? { label: 'Alt+Backspace', aria: 'Alt+Backspace' } : { label: 'Ctrl+Esc', aria: 'Control+Escape' },
};

/** What the input's description says when VS Code's chat verbosity is on. */
export function inputHelp(): string {
  return (
    'Enter sends, Shift+Enter starts a new line, @ attaches files, the selection or problems. ' +
    `While an answer runs, Escape or ${SHORTCUTS.stop.label} stops it. ` +
    `When a tool call needs approval, ${SHORTCUTS.approve.label} allows it once and ${SHORTCUTS.deny.label} denies it.`
  );
}
