/**
 * Tool calls waiting for the user: the agent loop asks (ask), the tool card
 * answers with an `approve` message (answer). A closed conversation denies
 * what is still waiting (denyAll).
 */
import type { ApprovalPrompt } from '../../core/chat/toolCalls';
import type { UserApproval } from '../../core/tools/types';
import type { BackendMessage } from './backend';

export class PendingApprovals {
  private readonly pending = new Map<string, (a: UserApproval) => void>();

  /** `onAsk`: a question is asked (the controller reveals the chat when no view shows it). */
  constructor(private readonly onAsk: () => void) {}

  /** Asks on the tool card; resolves with the user's answer, rejects when the run is stopped. */
  ask(prompt: ApprovalPrompt, signal: AbortSignal): Promise<UserApproval> {
    return new Promise((resolve, reject) => {
      this.pending.set(prompt.callId, resolve);
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
    const resolve = this.pending.get(msg.callId);
    if (!resolve) return;
    this.pending.delete(msg.callId);
    resolve(msg.decision === 'deny' ? { decision: 'deny', reason: msg.reason?.trim() || undefined } : { decision: msg.decision });
  }

  /** Denies every waiting call (the conversation closed). */
  denyAll(reason: string): void {
    for (const resolve of this.pending.values()) resolve({ decision: 'deny', reason });
    this.pending.clear();
  }
}
