/**
 * Tool calls waiting for the user: the agent loop asks (ask), the tool card
 * answers with an `approve` message (answer). A closed conversation denies
 * what is still waiting (denyAll). "Always allow" allows for the
 * conversation at once and saves the card's rule (saveRule) for later ones.
 */
import type { ApprovalPrompt } from '../../core/chat/toolCalls';
import type { UserApproval } from '../../core/tools/types';
import type { BackendMessage } from './backend';

export class PendingApprovals {
  private readonly pending = new Map<string, { resolve: (a: UserApproval) => void; alwaysRule?: string }>();

  /**
   * `onAsk`: a question is asked (the controller reveals the chat when no view shows it);
   * `saveRule`: writes an "Always allow" rule (it reports its own failures); the call goes on once it is saved and loaded.
   */
  constructor(
    private readonly onAsk: () => void,
    private readonly saveRule: (rule: string) => Promise<void> = async () => undefined,
  ) {}

  /** Asks on the tool card; resolves with the user's answer, rejects when the run is stopped. */
  ask(prompt: ApprovalPrompt, signal: AbortSignal): Promise<UserApproval> {
    return new Promise((resolve, reject) => {
      this.pending.set(prompt.callId, { resolve, alwaysRule: prompt.request.alwaysRule });
      signal.addEventListener(
        'abort',
        () => {
          this.pending.delete(prompt.callId);
          reject(new Error('stopped'));
        },
        { once: true },
      );
      this.onAsk();
    });
  }

  /** The user's answer from the tool card (ignored when nothing waits for it). */
  answer(msg: Extract<BackendMessage, { type: 'approve' }>): void {
    const waiting = this.pending.get(msg.callId);
    if (!waiting) return;
    this.pending.delete(msg.callId);
    if (msg.decision === 'deny') return waiting.resolve({ decision: 'deny', reason: msg.reason?.trim() || undefined });
    const allow = (): void => waiting.resolve({ decision: msg.decision === 'allowOnce' ? 'allowOnce' : 'allowConversation' });
    if (msg.decision === 'allowAlways' && waiting.alwaysRule) void this.saveRule(waiting.alwaysRule).catch(() => undefined).then(allow);
    else allow();
  }

  /** Denies every waiting call (the conversation closed). */
  denyAll(reason: string): void {
    for (const { resolve } of this.pending.values()) resolve({ decision: 'deny', reason });
    this.pending.clear();
  }
}
