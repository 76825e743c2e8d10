/**
 * What the CLI prints is mostly written by others: the model's text, tool
 * output, error bodies from the API or a gateway, names and paths from the
 * repository. A terminal obeys control sequences in it: OSC 52 writes the
 * clipboard, `ESC[2J` clears the screen, `\r` overwrites what was shown, OSC 8
 * disguises links. The human output shows every such character inert, as a
 * visible escape (`\x1b]52;c;...\x07`), keeping newlines and tabs.
 *
 * Always, not only on a terminal: output sent to a file or a CI log is read on
 * a terminal later (`cat`, `less -R`, log viewers that interpret ANSI), and the
 * human format is meant for people. Scripts that need the exact text use
 * `--json`, where it stays exact and JSON-escaped.
 */

// C0 controls except \t and \n, DEL, and the C1 controls (U+0080-U+009F: U+009B is a one-character CSI).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

const visible = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** `text` with every control character but newline and tab shown as a visible `\xNN`; `\r\n` becomes `\n`. */
export function inert(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, visible);
}

/**
 * For text that arrives in pieces (streamed deltas): a `\r` at the end of one
 * piece may be the start of a `\r\n`, so it is held back until the next piece.
 */
export class InertStream {
  private held = '';

  constructor(private readonly write: (s: string) => void) {}

  push(piece: string): void {
    let text = this.held + piece;
    this.held = '';
    if (text.endsWith('\r')) {
      this.held = '\r';
      text = text.slice(0, -1);
    }
    if (text) this.write(inert(text));
  }

  /** Writes what was held back. */
  flush(): void {
    if (this.held) this.write(inert(this.held));
    this.held = '';
  }
}

/**
 * JSON text as printed: JSON.stringify escapes U+0000-U+001F but leaves DEL and
 * the C1 controls raw; they are escaped too (`\u009b`), which parses to the
 * same text. Only strings can hold them, so the replacement is always valid.
 */
export function safeJson(json: string): string {
  return json.replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const jsonText = (value: unknown, space?: number): string => safeJson(JSON.stringify(value, null, space));

export const jsonLine = (value: unknown): string => `${jsonText(value)}\n`;
