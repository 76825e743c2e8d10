/**
 * The MCP status item (connected / connecting / down / awaiting approval) and
 * its details picker: reconnect one server or all, review (allow, refuse) a
 * server the repository declares, show the log.
 */
import * as vscode from 'vscode';
import type { McpManager, McpServerStatus } from '../../core/mcp';
import { COMMANDS } from '../ids';

const ICON: Record<McpServerStatus['state'], string> = {
  connected: '$(pass-filled)',
  connecting: '$(sync~spin)',
  down: '$(debug-disconnect)',
  disabled: '$(circle-slash)',
};

/** One line of text for a server, as the status tooltip and the picker show it. */
export function describeServer(s: McpServerStatus): string {
  return `${s.name}: ${s.needsApproval ? 'awaiting approval' : s.state}${s.detail ? ` (${s.detail})` : ''}`;
}

/** Short text of the overall state for the status bar. */
export function summarize(states: McpServerStatus[]): { text: string; summary: string } {
  const count = (st: McpServerStatus['state']) => states.filter((s) => s.state === st).length;
  const connected = count('connected');
  const approval = states.filter((s) => s.needsApproval).length;
  if (count('connecting') > 0) return { text: '$(sync~spin) MCP', summary: 'connecting' };
  if (approval > 0) return { text: `$(shield) MCP ${connected}/${states.length}`, summary: `${approval} awaiting your approval` };
  if (count('down') > 0) return { text: `$(debug-disconnect) MCP ${connected}/${states.length}`, summary: `${count('down')} down` };
  if (connected === states.length) return { text: `$(plug) MCP ${connected}`, summary: 'all connected' };
  return { text: `$(plug) MCP ${connected}/${states.length}`, summary: `${connected} connected` };
}

export class McpStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('elixirAgent.mcp', vscode.StatusBarAlignment.Left, 20);
  private readonly sub: { dispose(): void };

  constructor(
    private readonly manager: McpManager,
    command: string,
    /** Shows a repository server's definition to allow or refuse it. */
    private readonly review: (name: string) => Promise<unknown>,
  ) {
    this.item.name = 'Elixir Agent: MCP servers';
    this.item.command = command;
    this.sub = manager.onDidChange(() => this.update());
    this.update();
  }

  update(): void {
    const states = this.manager.states();
    if (states.length === 0) {
      this.item.hide();
      return;
    }
    const { text, summary } = summarize(states);
    this.item.text = text;
    const md = new vscode.MarkdownString(`**MCP servers** (${summary})\n\n`);
    md.supportThemeIcons = true;
    for (const s of states) {
      md.appendMarkdown(`${ICON[s.state]} `);
      md.appendText(`${describeServer(s)}\n`);
      md.appendMarkdown('\n');
    }
    for (const p of this.manager.problems()) {
      md.appendMarkdown('$(warning) ');
      md.appendText(`${p}\n`);
      md.appendMarkdown('\n');
    }
    md.appendMarkdown(states.some((s) => s.needsApproval) ? '\n_Click to review the servers awaiting your approval._' : '\n_Click to reconnect or see details._');
    this.item.tooltip = md;
    this.item.show();
  }

  /** The details picker behind the item and the Reconnect MCP Servers command. */
  async pick(): Promise<void> {
    const states = this.manager.states();
    if (states.length === 0) {
      const problems = this.manager.problems();
      void vscode.window.showInformationMessage(
        problems.length
          ? `Elixir Agent: no usable MCP server. ${problems.join(' ')}`
          : 'Elixir Agent: no MCP servers are configured. Add them to .mcp.json or the elixirAgent.mcp.servers setting; Tidewave is found when mix.exs depends on it.',
      );
      return;
    }
    type Item = vscode.QuickPickItem & { run: () => Promise<unknown> };
    const items: Item[] = [
      { label: '$(refresh) Reconnect all', description: `${states.length} server${states.length === 1 ? '' : 's'}`, run: () => this.manager.reconnect() },
      ...states.map<Item>((s) => ({
        label: `${ICON[s.state]} ${s.name}`,
        description: s.needsApproval ? 'awaiting your approval: review its definition' : s.state === 'connected' ? `${s.tools.length} tools` : s.state,
        detail: [s.detail, s.target].filter(Boolean).join(' · '),
        run: () => (s.needsApproval ? this.review(s.name) : this.manager.reconnect(s.name)),
      })),
      ...(states.some((s) => s.project)
        ? [{ label: '$(shield) Review approvals', description: 'servers the repository declares', run: () => Promise.resolve(vscode.commands.executeCommand(COMMANDS.reviewMcpApprovals)) }]
        : []),
      { label: '$(output) Show log', run: () => Promise.resolve(vscode.commands.executeCommand(COMMANDS.showLog)) },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'MCP servers', placeHolder: 'Reconnect a server, or all of them' });
    await picked?.run();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
