/**
 * Terminal escape sequences taken out of text the model or the user reads:
 * mix's coloured compiler output, Bash and background-shell output.
 *
 * One pattern: ECMA-48 CSI sequences (`ESC [` parameter bytes 0x30-0x3F,
 * intermediate bytes 0x20-0x2F, a final byte; colours, cursor moves, private
 * modes such as `ESC[?25l` or `ESC[>4;2m`, colon colours `ESC[38:2:1:2:3m`),
 * OSC sequences whatever they hold (window titles, OSC 8 links, OSC 52)
 * ended by BEL or ST, and two-character escapes (`ESC M`).
 *
 * Why not util.stripVTControlCharacters: it only knows OSC contents made of
 * URL-ish characters and CSI parameters of a few digits, so a window title
 * with a space (`ESC]0;my title BEL`) or a `>`/`:` parameter leaves part of
 * the sequence behind as garbage (`y title BEL`, `:2:1:2:3m`).
 */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** `text` without terminal escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
