/**
 * The background-task bar above the input: the commands the agent keeps
 * running in the background (Bash run_in_background), each with its status
 * and a Stop button. It shows while at least one runs; ended ones stay listed
 * (dimmed) until then. They all stop when the conversation ends.
 */
import type { BackgroundTaskView, WebviewMessage } from '../shared/protocol';
import { clear, h, icon, iconButton } from './dom';
import { firstLine } from '../shared/text';

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

function statusText(t: BackgroundTaskView, now: number): string {
  if (t.status === 'running') return `running ${ago(now - t.startedAt)}`;
  if (t.status === 'exited') return t.exitCode === 0 ? 'done' : `exited ${t.exitCode ?? ''}`.trim();
  return t.status;
}

export class BackgroundTasksBar {
  readonly el: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly list: HTMLElement;
  private tasks: BackgroundTaskView[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly post: (msg: WebviewMessage) => void,
    private readonly announce: (text: string) => void,
  ) {
    this.summary = h('div', { class: 'bg-summary' });
    this.list = h('ul', { class: 'bg-list', attrs: { 'aria-label': 'Background tasks' } });
    this.el = h('section', { class: 'bg-tasks', attrs: { 'aria-label': 'Background tasks', hidden: true } }, this.summary, this.list);
  }

  /** The conversation's tasks; changes are announced to screen readers unless this is a fresh state. */
  update(tasks: BackgroundTaskView[] | undefined, announce = true): void {
    const before = new Map(this.tasks.map((t) => [t.id, t.status]));
    this.tasks = tasks ?? [];
    for (const t of announce ? this.tasks : []) {
      const was = before.get(t.id);
      if (was === undefined && t.status === 'running') this.announce(`Background task ${t.id} started`);
      else if (was === 'running' && t.status !== 'running') this.announce(`Background task ${t.id} ${statusText(t, Date.now())}`);
    }
    this.render();
  }

  private render(): void {
    const running = this.tasks.filter((t) => t.status === 'running');
    this.el.hidden = running.length === 0;
    if (this.timer && running.length === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    } else if (!this.timer && running.length > 0) {
      this.timer = setInterval(() => this.renderTimes(), 5000);
    }
    if (running.length === 0) return;
    clear(this.summary);
    this.summary.append(icon('terminal'), h('span', { text: `${running.length} background task${running.length === 1 ? '' : 's'} running` }));
    clear(this.list);
    const now = Date.now();
    for (const t of [...running, ...this.tasks.filter((x) => x.status !== 'running')]) {
      const title = t.description ? `${t.description}\n${t.command}` : t.command;
      const command = firstLine(t.command);
      const row = h(
        'li',
        { class: `bg-task bg-${t.status}`, attrs: { 'data-task-id': t.id } },
        h('span', { class: 'bg-id', text: t.id }),
        h('code', { class: 'bg-command', text: command, title }),
        h('span', { class: 'bg-status', text: statusText(t, now) }),
      );
      if (t.status === 'running') {
        const stop = iconButton('debug-stop', `Stop background task ${t.id}: ${command.slice(0, 80)}`, () => {
          stop.disabled = true;
          this.post({ type: 'stopBackgroundTask', id: t.id });
        }, 'bg-stop');
        row.append(stop);
      }
      this.list.append(row);
    }
  }

  private renderTimes(): void {
    const now = Date.now();
    for (const t of this.tasks) {
      const el = this.list.querySelector(`li[data-task-id="${CSS.escape(t.id)}"] .bg-status`);
      if (el) el.textContent = statusText(t, now);
    }
  }
}
