/**
 * A tool call as a compact card: what runs, on what, its status, its output
 * and, while it waits, the approval buttons. These buttons exist only here,
 * built from the structured ToolCallView the host sent; Markdown from the
 * model never produces them (it cannot create buttons at all).
 */
import type { ApprovalDecision, ToolCallStatus, ToolCallView } from '../shared/protocol';
import { clear, h, icon, textButton, withCode } from './dom';
import { diffStats, renderDiff } from './diffView';
import { SHORTCUTS } from './keys';
import type { FileTarget } from './links';
import { TOOL_CARD_TEXT_CAP } from '../shared/limits';

export interface ToolCardContext {
  approve(callId: string, decision: ApprovalDecision, reason?: string): void;
  openFile(target: FileTarget): void;
  isExpanded(callId: string): boolean;
  setExpanded(callId: string, expanded: boolean): void;
  /** After an approval the focus goes back to the message input. */
  focusInput(): void;
}

let cards = 0;

const STATUS: Record<ToolCallStatus, { label: string; icon: string }> = {
  pending: { label: 'Queued', icon: 'circle-large-outline' },
  'awaiting-approval': { label: 'Needs approval', icon: 'shield' },
  running: { label: 'Running', icon: 'loading' },
  done: { label: 'Done', icon: 'pass' },
  failed: { label: 'Failed', icon: 'error' },
  cancelled: { label: 'Cancelled', icon: 'circle-slash' },
  denied: { label: 'Denied', icon: 'circle-slash' },
};

const TOOL_ICONS: Record<string, string> = {
  Read: 'file',
  Write: 'new-file',
  Edit: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'notebook',
  Glob: 'file-submodule',
  Grep: 'search',
  LS: 'list-tree',
  Bash: 'terminal',
  TaskOutput: 'output',
  TaskStop: 'debug-stop',
  getDiagnostics: 'warning',
  executeCode: 'play',
  project_eval: 'play',
  execute_sql_query: 'database',
  get_logs: 'output',
  get_docs: 'book',
  get_source_location: 'go-to-file',
};

/** "mcp__tidewave__project_eval" → { name: "project_eval", server: "tidewave" }. */
export function toolDisplayName(name: string): { name: string; server?: string } {
  const m = /^mcp__([^_]+(?:_[^_]+)*?)__(.+)$/.exec(name);
  return m ? { name: m[2]!, server: m[1] } : { name };
}

/** What the output shows at most (the host caps it too). */
const OUTPUT_DISPLAY_LIMIT = 50_000;

export class ToolCard {
  readonly el: HTMLElement;
  private readonly head: HTMLButtonElement;
  private readonly approvalEl: HTMLElement;
  private readonly bodyEl: HTMLElement;
  private call?: ToolCallView;
  private approvalKey = '';
  private bodyKey = '';
  private denying = false;
  private decided = false;

  constructor(private readonly ctx: ToolCardContext) {
    const bodyId = `tool-body-${++cards}`;
    this.head = h('button', { class: 'tool-head', attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': bodyId }, on: { click: () => this.toggle() } });
    this.approvalEl = h('div', { class: 'tool-approval' });
    this.bodyEl = h('div', { class: 'tool-body', attrs: { id: bodyId } });
    this.approvalEl.hidden = true;
    this.bodyEl.hidden = true;
    this.el = h('div', { class: 'tool-card', attrs: { role: 'group' } }, this.head, this.approvalEl, this.bodyEl);
  }

  update(call: ToolCallView): void {
    const prev = this.call;
    this.call = call;
    if (prev?.status !== call.status) this.decided = false;
    // Answered elsewhere (a shortcut, the other chat view) while the focus was on this card: back to the input.
    const answered = prev?.status === 'awaiting-approval' && call.status !== 'awaiting-approval' && this.el.contains(document.activeElement);
    this.el.className = `tool-card status-${call.status}${call.isError ? ' is-error' : ''}`;
    const display = toolDisplayName(call.name);
    const status = STATUS[call.status] ?? STATUS.pending;
    this.el.setAttribute('aria-label', `Tool ${display.name}${call.summary ? `: ${call.summary}` : ''}, ${status.label}`);
    const expanded = this.ctx.isExpanded(call.id);
    this.head.setAttribute('aria-expanded', String(expanded));
    const stats = call.diff ? diffStats(call.diff) : undefined;
    clear(this.head);
    this.head.append(
      icon(status.icon, `tool-status-icon${call.status === 'running' ? ' codicon-modifier-spin' : ''}`),
      icon(TOOL_ICONS[display.name] ?? (display.server ? 'plug' : 'tools'), 'tool-icon'),
      h('span', { class: 'tool-name', text: display.name }),
      display.server ? h('span', { class: 'tool-server', text: display.server }) : '',
      h('span', { class: 'tool-summary', text: call.summary, title: call.summary }),
      stats && (stats.added || stats.removed)
        ? h('span', { class: 'tool-stats' }, h('span', { class: 'added', text: `+${stats.added}` }), h('span', { class: 'removed', text: `\u2212${stats.removed}` }))
        : '',
      h('span', { class: 'tool-status-label', text: status.label }),
      icon(expanded ? 'chevron-up' : 'chevron-down', 'tool-chevron'),
    );
    this.renderApproval(call);
    this.renderBody(call, expanded);
    if (answered) this.ctx.focusInput();
  }

  private toggle(): void {
    if (!this.call) return;
    this.ctx.setExpanded(this.call.id, !this.ctx.isExpanded(this.call.id));
    this.update(this.call);
  }

  private renderApproval(call: ToolCallView): void {
    const waiting = call.status === 'awaiting-approval';
    const key = waiting ? `${call.id}|${JSON.stringify(call.approval ?? null)}|${this.denying}|${this.decided}` : '';
    if (key === this.approvalKey) return;
    this.approvalKey = key;
    clear(this.approvalEl);
    this.approvalEl.hidden = !waiting;
    if (!waiting) {
      this.denying = false;
      return;
    }
    const approval = call.approval;
    this.approvalEl.append(h('div', { class: 'approval-title' }, icon('shield'), h('span', { text: approval?.title ?? `Allow ${toolDisplayName(call.name).name} to run?` })));
    if (approval?.warning) this.approvalEl.append(h('div', { class: 'approval-warning' }, icon('warning'), h('span', { text: approval.warning })));
    if (approval?.command) this.approvalEl.append(h('pre', { class: 'approval-command', attrs: { tabindex: 0, 'aria-label': 'Command' } }, h('code', { text: approval.command })));
    if (approval?.diff) this.approvalEl.append(renderDiff(approval.diff));
    if (this.decided) {
      this.approvalEl.append(h('div', { class: 'approval-sent' }, icon('loading', 'codicon-modifier-spin'), h('span', { text: 'Sent…' })));
      return;
    }
    if (this.denying) {
      const input = h('input', {
        class: 'deny-reason',
        attrs: { type: 'text', placeholder: 'Why not? (optional, the agent sees it)', 'aria-label': 'Reason for denying', maxlength: 2000 },
      });
      const deny = () => this.decide('deny', input.value.trim() || undefined);
      input.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') {
          ev.preventDefault();
          deny();
        } else if (ev.key === 'Escape') {
          ev.preventDefault();
          ev.stopPropagation();
          this.cancelDeny(call);
        }
      });
      this.approvalEl.append(
        h(
          'div',
          { class: 'approval-actions' },
          input,
          textButton('Deny', deny, { class: 'danger', iconName: 'circle-slash' }),
          textButton('Cancel', () => this.cancelDeny(call), { secondary: true }),
        ),
      );
      queueMicrotask(() => input.focus());
      return;
    }
    const rule = call.approval?.alwaysRule;
    this.approvalEl.append(
      h(
        'div',
        { class: 'approval-actions' },
        withShortcut(textButton('Allow once', () => this.decide('allowOnce'), { iconName: 'check', class: 'approve-once', title: `Allow once (${SHORTCUTS.approve.label})` }), SHORTCUTS.approve.aria),
        textButton('Allow for this conversation', () => this.decide('allowConversation'), { secondary: true, iconName: 'check-all', class: 'approve-conversation' }),
        rule ? textButton('Always allow', () => this.decide('allowAlways'), { secondary: true, iconName: 'pass-filled', class: 'approve-always', title: `Allow now, and save ${rule} to .claude/settings.local.json so that matching calls run without asking` }) : null,
        withShortcut(
          textButton('Deny…', () => {
            this.denying = true;
            this.renderApproval(call);
          }, { secondary: true, iconName: 'circle-slash', class: 'deny', title: `Deny, with a reason for the agent (${SHORTCUTS.deny.label} denies without one)` }),
          SHORTCUTS.deny.aria,
        ),
      ),
      ...(rule ? [h('div', { class: 'approval-always-hint' }, ...withCode(`Always allow saves \`${rule}\` to .claude/settings.local.json.`))] : []),
    );
  }

  private cancelDeny(call: ToolCallView): void {
    this.denying = false;
    this.renderApproval(call);
    this.approvalEl.querySelector<HTMLElement>('.deny')?.focus();
  }

  private decide(decision: ApprovalDecision, reason?: string): void {
    const call = this.call;
    if (!call || call.status !== 'awaiting-approval' || this.decided) return;
    this.decided = true;
    this.denying = false;
    this.ctx.approve(call.id, decision, reason);
    this.renderApproval(call);
    this.ctx.focusInput();
  }

  private renderBody(call: ToolCallView, expanded: boolean): void {
    const key = expanded ? `${call.status}|${call.decidedBy ?? ''}|${call.path ?? ''}|${call.output?.length ?? -1}|${call.output?.slice(-64) ?? ''}|${call.diff?.length ?? -1}|${call.isError}` : '';
    if (key === this.bodyKey) return;
    this.bodyKey = key;
    clear(this.bodyEl);
    this.bodyEl.hidden = !expanded;
    if (!expanded) return;
    if (call.decidedBy) this.bodyEl.append(h('div', { class: 'tool-decided-by' }, icon('law'), h('span', {}, ...withCode(capitalize(call.decidedBy)))));
    if (call.path) {
      const path = call.path;
      this.bodyEl.append(
        h(
          'a',
          {
            class: 'file-link tool-path',
            title: `Open ${path}`,
            attrs: { role: 'link', tabindex: 0 },
            on: {
              click: () => this.ctx.openFile({ path }),
              keydown: (ev) => ev.key === 'Enter' && this.ctx.openFile({ path }),
            },
          },
          icon('go-to-file'),
          h('span', { text: path }),
        ),
      );
    }
    const input = formatInput(call);
    if (input) this.bodyEl.append(h('div', { class: 'tool-section-label', text: 'Input' }), h('pre', { class: 'tool-input', attrs: { tabindex: 0 } }, h('code', { text: input })));
    if (call.diff) this.bodyEl.append(h('div', { class: 'tool-section-label', text: 'Changes' }), renderDiff(call.diff));
    if (call.output !== undefined && call.output !== '') {
      const out = call.output.length > OUTPUT_DISPLAY_LIMIT ? `${call.output.slice(0, OUTPUT_DISPLAY_LIMIT)}\n… (${call.output.length - OUTPUT_DISPLAY_LIMIT} more characters)` : call.output;
      this.bodyEl.append(
        h('div', { class: 'tool-section-label', text: call.isError ? 'Error' : 'Output' }),
        h('pre', { class: `tool-output${call.isError ? ' error' : ''}`, attrs: { tabindex: 0, 'aria-label': 'Tool output' } }, h('code', { text: out })),
      );
    } else if (call.status === 'running') {
      this.bodyEl.append(h('div', { class: 'tool-waiting', text: 'Waiting for output…' }));
    }
  }
}

/** The input as the user would want to read it: without what the summary/diff already shows. */
function formatInput(call: ToolCallView): string {
  if (call.input === undefined || call.input === null) return '';
  if (typeof call.input !== 'object') return String(call.input);
  const skip = new Set(call.diff ? ['old_string', 'new_string', 'edits', 'content'] : []);
  const rest = Object.fromEntries(Object.entries(call.input as Record<string, unknown>).filter(([k]) => !skip.has(k)));
  if (Object.keys(rest).length === 0) return '';
  const json = JSON.stringify(rest, null, 2);
  return json.length > TOOL_CARD_TEXT_CAP ? `${json.slice(0, TOOL_CARD_TEXT_CAP)}\n…` : json;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function withShortcut(button: HTMLButtonElement, keys: string): HTMLButtonElement {
  button.setAttribute('aria-keyshortcuts', keys);
  return button;
}
