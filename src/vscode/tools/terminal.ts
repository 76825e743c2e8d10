/**
 * The visible terminal for Bash (elixirAgent.bash.useTerminal): a read-only
 * pseudoterminal that shows each command and its live output. The command
 * itself still runs as the tool's own process, so output capture, timeout
 * and process-tree kill work the same.
 */
import * as vscode from 'vscode';
import type { BashMirror } from '../../core/tools/types';

export class BashTerminalMirror implements BashMirror, vscode.Disposable {
  private terminal?: vscode.Terminal;
  private readonly output = new vscode.EventEmitter<string>();
  private opened = false;
  private pending: string[] = [];

  private write(text: string): void {
    const data = text.replace(/\r?\n/g, '\r\n');
    if (this.opened) this.output.fire(data);
    else this.pending.push(data);
  }

  private ensure(): void {
    if (this.terminal && this.terminal.exitStatus === undefined) return;
    this.opened = false;
    const pty: vscode.Pseudoterminal = {
      onDidWrite: this.output.event,
      open: () => {
        this.opened = true;
        for (const d of this.pending.splice(0)) this.output.fire(d);
      },
      close: () => {
        this.terminal = undefined;
        this.opened = false;
      },
    };
    this.terminal = vscode.window.createTerminal({ name: 'Elixir Agent: Bash', pty, iconPath: new vscode.ThemeIcon('hubot'), isTransient: true });
  }

  start(command: string, cwd: string): ReturnType<BashMirror['start']> {
    this.ensure();
    this.terminal?.show(true);
    this.write(`\x1b[2m${cwd}\x1b[0m\n\x1b[1m$ ${command}\x1b[0m\n`);
    return {
      write: (chunk) => this.write(chunk),
      end: ({ exitCode, timedOut, cancelled }) => {
        const why = timedOut ? 'timed out, killed' : cancelled ? 'cancelled, killed' : `exit ${exitCode ?? 'signal'}`;
        this.write(`\x1b[${exitCode === 0 ? '32' : '31'}m[${why}]\x1b[0m\n\n`);
      },
    };
  }

  dispose(): void {
    this.terminal?.dispose();
    this.output.dispose();
  }
}
