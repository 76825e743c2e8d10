/**
 * TaskOutput and TaskStop: the model's handles on the background shells that
 * Bash `run_in_background: true` starts (Claude Code's current names and
 * input schemas; agent files may still say BashOutput or KillShell, which
 * resolve to these). Both only touch this conversation's tasks, so they run
 * without asking, like reading.
 */
import type { BackgroundTaskInfo, BackgroundTasks } from './backgroundTasks';
import { z } from 'zod';
import { firstLine } from '../../shared/text';
import { defineTool } from './define';
import { MAX_OUTPUT_CHARS } from './bash';
import { TOOL_NAMES } from './names';
import { listCommands, processCount, survivorsText } from '../process/stop';
import { ToolError, errorResult, type ToolContext, type ToolResult } from './types';

export const DEFAULT_WAIT_MS = 30_000;
export const MAX_WAIT_MS = 600_000;

function tasksOf(ctx: ToolContext): BackgroundTasks {
  const bg = ctx.services.background;
  if (!bg) throw new ToolError('Background shells are not available here, so there is no task to read or stop.');
  return bg;
}

function duration(ms: number): string {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "shell_1 (`mix phx.server`): running for 12 s (pid 4242)". */
export function taskLine(t: BackgroundTaskInfo, now = Date.now()): string {
  const head = `${t.id} (\`${firstLine(t.command).slice(0, 100)}\`)`;
  if (t.status === 'running') return `${head}: running for ${duration(now - t.startedAt)}${t.pid ? ` (pid ${t.pid})` : ''}`;
  const after = t.endedAt ? ` after ${duration(t.endedAt - t.startedAt)}` : '';
  if (t.status === 'stopped') return `${head}: stopped${t.stoppedBy ? ` (${t.stoppedBy})` : ''}${after}`;
  if (t.status === 'failed') return `${head}: failed to start`;
  return `${head}: exited ${t.exitCode !== null ? `with code ${t.exitCode}` : `on signal ${t.signal ?? 'unknown'}`}${after}`;
}

/** What the end of a task stopped besides its shell, and what survived. */
export function endReport(t: BackgroundTaskInfo): string[] {
  if (!t.stop) return [];
  const others = t.stop.stopped.filter((p) => p.pid !== t.pid);
  const parts: string[] = [];
  if (others.length) parts.push(`${t.status === 'stopped' ? 'Stopped with it' : 'It had left running, and these were stopped'}: ${processCount(others.length)}, ${listCommands(others)}.`);
  const survivors = survivorsText(t.stop);
  if (survivors) parts.push(survivors);
  return parts;
}

function unknownTask(bg: BackgroundTasks, id: string): ToolResult {
  const list = bg.list();
  return errorResult(
    list.length
      ? `No background task "${id}". This conversation's background tasks:\n${list.map((t) => `- ${taskLine(t)}`).join('\n')}`
      : `No background task "${id}": this conversation has started none (Bash with run_in_background: true starts one).`,
  );
}

/** The id, trimmed; the earlier names (BashOutput's bash_id, KillShell's shell_id) are aliases. */
const taskId = z
  .string()
  .transform((id) => id.trim())
  .refine((id) => id !== '', 'Parameter task_id is required: the id Bash returned when it started the background task.');
const taskIdAliases = { shell_id: 'task_id', bash_id: 'task_id' };

export const taskOutputTool = defineTool({
  name: TOOL_NAMES.taskOutput,
  kind: 'read',
  readOnly: true,
  description: [
    '- Reads the output and status of a background task: a command started by Bash with run_in_background: true',
    '- Takes the task_id Bash returned; returns the status (running, exited with its exit code, stopped) and the output produced since the last TaskOutput call for that task',
    `- With block=true (the default) it waits until the task ends, at most timeout milliseconds (default ${DEFAULT_WAIT_MS}, max ${MAX_WAIT_MS}); block=false returns at once (use it to check on a server)`,
    '- An unknown task_id lists the background tasks of this conversation',
  ].join('\n'),
  input: z
    .strictObject({
      task_id: taskId.describe('The task ID to get output from'),
      block: z.boolean().default(true).describe('Whether to wait for completion'),
      timeout: z.int().min(0).max(MAX_WAIT_MS).default(DEFAULT_WAIT_MS).describe('Max wait time in ms'),
    })
    .transform((i) => ({ id: i.task_id, block: i.block, timeout: i.timeout })),
  aliases: taskIdAliases,
  async describe(input) {
    return { title: `Read the output of ${input.id}` };
  },
  async run(input, ctx): Promise<ToolResult> {
    const bg = tasksOf(ctx);
    const r = await bg.read(input.id, { block: input.block, timeoutMs: input.timeout, signal: ctx.signal });
    if (!r) return unknownTask(bg, input.id);
    const parts = [`Task ${taskLine(r.info)}.`];
    if (input.block && r.info.status === 'running') parts.push(ctx.signal.aborted ? 'Stopped waiting (cancelled).' : `Still running after waiting ${duration(input.timeout)}.`);
    parts.push(...endReport(r.info));
    let output = r.output.trimEnd();
    if (output.length > MAX_OUTPUT_CHARS) {
      const half = MAX_OUTPUT_CHARS / 2;
      output = `${output.slice(0, half)}\n\n... [${output.length - MAX_OUTPUT_CHARS} characters omitted] ...\n\n${output.slice(-half)}`;
    }
    if (r.dropped) parts.push(`(${r.dropped} characters of older output were dropped before they were read.)`);
    parts.push(output ? `Output since the last read:\n${output}` : 'No new output since the last read.');
    return { content: [{ type: 'text', text: parts.join('\n') }], display: { summary: input.id } };
  },
});

export const taskStopTool = defineTool({
  name: TOOL_NAMES.taskStop,
  kind: 'execute',
  // Only this conversation's own background tasks can be stopped: no approval needed.
  readOnly: true,
  description: [
    '- Stops a running background task (started by Bash with run_in_background: true) by its ID, with every process it started',
    '- Takes a task_id parameter identifying the task to stop',
    '- Returns what was stopped, or an error when the task is unknown or already ended',
  ].join('\n'),
  input: z
    .strictObject({ task_id: taskId.describe('The ID of the background task to stop') })
    .transform((i) => ({ id: i.task_id })),
  aliases: taskIdAliases,
  async describe(input) {
    return { title: `Stop ${input.id}` };
  },
  async run(input, ctx): Promise<ToolResult> {
    const bg = tasksOf(ctx);
    const before = bg.get(input.id);
    if (!before) return unknownTask(bg, input.id);
    if (before.status !== 'running') return errorResult(`Task ${taskLine(before)}; there is nothing to stop.`);
    const after = (await bg.stop(input.id, 'by TaskStop'))!;
    const text = [`Task ${taskLine(after)}.`, ...endReport(after)].join('\n');
    return { content: [{ type: 'text', text }], isError: after.stop?.survived.length ? true : undefined, display: { summary: input.id } };
  },
});
