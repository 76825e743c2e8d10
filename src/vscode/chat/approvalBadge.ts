/**
 * Tool calls waiting for approval, followed from the backend's messages:
 * the sidebar view's badge (visible even when the view is hidden), the
 * `awaitingApproval` context key, and the oldest waiting call for the
 * allow/deny keyboard shortcuts.
 */
import type * as vscode from 'vscode';
import type { HostMessage } from '../../shared/protocol';
import type { ChatContextKeys } from './accessibility';

export class ApprovalBadge {
  private readonly awaiting = new Set<string>();

  constructor(
    private readonly contextKeys: ChatContextKeys,
    /** The sidebar views showing the badge. */
    private readonly views: () => Iterable<vscode.WebviewView>,
  ) {}

  /** The oldest call waiting for approval. */
  oldest(): string | undefined {
    return this.awaiting.values().next().value;
  }

  /** Follows one host message; updates the badge when the count changed. */
  track(m: HostMessage): void {
    const before = this.awaiting.size;
    if (m.type === 'state') {
      this.awaiting.clear();
      for (const msg of m.state.messages) for (const b of msg.blocks) if (b.kind === 'tool' && b.call.status === 'awaiting-approval') this.awaiting.add(b.call.id);
    } else if (m.type === 'blockAdded' && m.block.kind === 'tool') {
      if (m.block.call.status === 'awaiting-approval') this.awaiting.add(m.block.call.id);
    } else if (m.type === 'toolUpdated') {
      if (m.call.status === 'awaiting-approval') this.awaiting.add(m.call.id);
      else this.awaiting.delete(m.call.id);
    } else if (m.type === 'busy' && !m.busy) {
      this.awaiting.clear();
    } else {
      return;
    }
    if (this.awaiting.size !== before) this.update();
  }

  /** Sets the badge and the context key (also for a view that was just opened). */
  update(): void {
    const n = this.awaiting.size;
    this.contextKeys.setAwaitingApproval(n);
    for (const view of this.views()) {
      view.badge = n ? { value: n, tooltip: n === 1 ? 'A tool call needs your approval' : `${n} tool calls need your approval` } : undefined;
    }
  }
}
