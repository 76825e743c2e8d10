/**
 * Bash: run a command in the workspace folder with a timeout (default 2
 * minutes, at most 10), stdout and stderr interleaved and capped (head and
 * tail kept), live output to the tool card (ctx.onOutput) and optionally a
 * visible terminal (services.bashMirror). Nothing the command starts outlives
 * the call (process/contain.ts): when it exits, times out or is cancelled,
 * every process it started is stopped and the result names them. Only
 * `run_in_background: true` keeps a command running after the call, as a
 * background shell of the conversation (backgroundTasks.ts).
 */
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { EMPTY_REPORT, listCommands, processCount, survivorsText, type StopReport } from '../process/stop';
import { firstLine } from '../../shared/text';
import { stripAnsi } from '../util/ansi';
import { z } from 'zod';
import { defineTool } from './define';
import { TOOL_NAMES } from './names';
import { CappedOutput, spawnShell } from './shell';
import { ToolError, type ToolContext, type ToolResult } from './types';

export const DEFAULT_TIMEOUT_MS = 120_000;
export const MAX_TIMEOUT_MS = 600_000;
export const MAX_OUTPUT_CHARS = 30_000;
/** How long the output may stay open and idle once every process of the run was stopped. */
const STRAY_IDLE_MS = 250;

export interface BashOutcome {
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** The shell's pid. */
  pid?: number;
  /** Every process of the run that was stopped at its end (the shell included when it was still running), and any that survived. */
  stop: StopReport;
}

/** Run one command; the building block of the Bash tool. */
export function runCommand(command: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal; onOutput?: (chunk: string) => void; env?: NodeJS.ProcessEnv }): Promise<BashOutcome> {
  return new Promise((resolve, reject) => {
    let spawned: ReturnType<typeof spawnShell>;
    try {
      spawned = spawnShell(command, { cwd: options.cwd, env: options.env });
    } catch (err) {
      reject(err);
      return;
    }
    const { child, mark } = spawned;
    const out = new CappedOutput(MAX_OUTPUT_CHARS);
    const decoders = [new StringDecoder('utf8'), new StringDecoder('utf8')] as const;
    let timedOut = false;
    let cancelled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let report: StopReport | undefined;
    let stopping: Promise<StopReport> | undefined;
    let closed = false;
    let settled = false;

    /** Stop every process of the run (once); the outcome waits for it. */
    const stopAll = (leftovers = false) => {
      stopping ??= (leftovers ? mark.sweepLeftovers() : mark.stop()).then(
        (r) => (report = r),
        () => (report = EMPTY_REPORT),
      );
      void stopping.then(() => {
        settleSoon();
        void finish();
      });
    };
    let lastData = Date.now();
    const onData = (decoder: StringDecoder) => (b: Buffer) => {
      lastData = Date.now();
      const s = decoder.write(b);
      if (!s) return;
      out.push(s);
      options.onOutput?.(s);
    };
    child.stdout!.on('data', onData(decoders[0]));
    child.stderr!.on('data', onData(decoders[1]));

    const timer = setTimeout(() => {
      timedOut = true;
      stopAll();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stopAll();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });

    /** Everything was stopped but something we could not stop still holds the output: stop reading once it idles. */
    let strayTimer: NodeJS.Timeout | undefined;
    const settleSoon = () => {
      if (closed || strayTimer) return;
      strayTimer = setInterval(() => {
        if (Date.now() - lastData < STRAY_IDLE_MS) return;
        child.stdout!.destroy();
        child.stderr!.destroy();
        closed = true;
        void finish();
      }, STRAY_IDLE_MS);
    };
    const finish = async () => {
      if (settled || !closed || !exit || !report) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(strayTimer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({ output: stripAnsi(out.text()), exitCode: exit.code, signal: exit.signal, timedOut, cancelled, pid: child.pid, stop: report });
    };
    child.on('error', (err) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      mark.closeFd();
      if (settled) return;
      settled = true;
      reject(err);
    });
    child.on('exit', (code, sig) => {
      exit = { code, signal: sig };
      clearTimeout(timer); // the timeout was about the command, not about the cleanup that follows
      // The shell is gone: whatever it left running (background jobs, daemons) is stopped now.
      stopAll(true);
    });
    child.on('close', () => {
      for (const d of decoders) {
        const rest = d.end();
        if (rest) out.push(rest);
      }
      closed = true;
      void finish();
    });
  });
}

/** What happened to the run's processes, in words for the model. */
export function describeOutcome(o: BashOutcome, timeoutMs: number): string[] {
  const others = o.stop.stopped.filter((p) => p.pid !== o.pid);
  const started = others.length ? `, with the ${processCount(others.length)} it had started: ${listCommands(others)}` : '';
  const parts: string[] = [];
  if (o.timedOut) parts.push(`Command timed out after ${timeoutMs} ms and was stopped${started}.`);
  else if (o.cancelled) parts.push(`Command was cancelled and stopped${started}.`);
  else {
    if (o.exitCode === null) parts.push(`Command was killed by signal ${o.signal ?? 'unknown'}.`);
    else if (o.exitCode !== 0) parts.push(`Exit code: ${o.exitCode}`);
    if (others.length) {
      parts.push(
        `The command left ${processCount(others.length)} running: ${listCommands(others)}. ${others.length === 1 ? 'It was' : 'They were'} stopped, since nothing a Bash call starts outlives it; to keep a process running (a server, a watcher), call Bash with run_in_background: true.`,
      );
    }
  }
  const survivors = survivorsText(o.stop);
  if (survivors) parts.push(survivors);
  return parts;
}

export const bashTool = defineTool({
  name: TOOL_NAMES.bash,
  kind: 'execute',
  readOnly: false,
  description: [
    'Runs a shell command (bash) in the workspace folder and returns its combined stdout and stderr and its exit code.',
    `timeout is in milliseconds: default ${DEFAULT_TIMEOUT_MS} (2 minutes), at most ${MAX_TIMEOUT_MS} (10 minutes). When the call ends (the command exits, times out or is cancelled), every process it started is stopped, background jobs (\`cmd &\`, nohup, setsid) included.`,
    `Output over ${MAX_OUTPUT_CHARS} characters is cut in the middle. Each call starts in the workspace folder (a \`cd\` does not carry over to the next call): use absolute paths or \`cd DIR && cmd\`.`,
    'The command has no terminal and no input: avoid interactive commands (pass flags such as --yes, use `git --no-pager`).',
    `To keep a long-running process (mix phx.server, a watcher, a long test run) going while you work, set run_in_background: true: the call returns at once with a task id; read its output with ${TOOL_NAMES.taskOutput} and stop it with ${TOOL_NAMES.taskStop}. Background tasks are stopped when the conversation ends. Do not use \`&\` for this.`,
    'Use the Read, Edit, Write, Glob and Grep tools instead of cat, sed, echo >, find and grep. Chain dependent commands with && and quote paths that contain spaces.',
    'For Elixir: `mix compile`, `mix test path/to/test.exs:LINE`, `mix format`, `mix credo` are typical. Give a short description (5-10 words) of what the command does; the user sees the exact command and may be asked to approve it.',
  ].join('\n'),
  input: z
    .strictObject({
      command: z.string().describe('The command to execute'),
      timeout: z.int().min(1).max(MAX_TIMEOUT_MS).optional().describe(`Optional timeout in milliseconds (max ${MAX_TIMEOUT_MS})`),
      description: z.string().optional().describe('Clear, concise description of what this command does in 5-10 words'),
      run_in_background: z.boolean().default(false).describe(`Set to true to run this command in the background. Use ${TOOL_NAMES.taskOutput} to read the output later.`),
    })
    .transform(({ run_in_background, ...rest }) => {
      if (!rest.command.trim()) throw new ToolError('command must not be empty.');
      return { ...rest, background: run_in_background };
    }),
  async describe(input) {
    const first = firstLine(input.command);
    const short = first.length > 80 ? `${first.slice(0, 77)}…` : first;
    const title = input.description ? `Run: ${input.description}` : `Run \`${short}\``;
    return { title: input.background ? `${title} (in the background)` : title, command: input.command };
  },
  async run(input, ctx): Promise<ToolResult> {
    const timeoutMs = input.timeout ?? DEFAULT_TIMEOUT_MS;
    if (!fs.existsSync(ctx.cwd)) throw new ToolError(`The working folder ${ctx.cwd} does not exist.`);
    if (input.background) return startInBackground(input, ctx);
    const mirror = ctx.services.bashMirror?.start(input.command, ctx.cwd);
    let outcome: BashOutcome;
    try {
      outcome = await runCommand(input.command, {
        cwd: ctx.cwd,
        timeoutMs,
        signal: ctx.signal,
        onOutput: (chunk) => {
          ctx.onOutput?.(chunk);
          mirror?.write(chunk);
        },
      });
    } catch (err) {
      mirror?.end({ exitCode: null, timedOut: false, cancelled: false });
      throw new ToolError(`Could not start the shell: ${err instanceof Error ? err.message : String(err)}`);
    }
    mirror?.end({ exitCode: outcome.exitCode, timedOut: outcome.timedOut, cancelled: outcome.cancelled });
    const parts: string[] = [outcome.output.trimEnd() || '(no output)', ...describeOutcome(outcome, timeoutMs)];
    const failed = outcome.timedOut || outcome.cancelled || outcome.exitCode !== 0;
    return {
      content: [{ type: 'text', text: parts.join('\n\n') }],
      isError: failed || undefined,
      display: { exitCode: outcome.exitCode, summary: input.description ?? firstLine(input.command) },
    };
  },
});

function startInBackground(input: { command: string; description?: string }, ctx: ToolContext): ToolResult {
  const bg = ctx.services.background;
  if (!bg) throw new ToolError('Background commands are not available here: run the command without run_in_background (it then runs until it exits or times out).');
  let task;
  try {
    task = bg.start(input.command, { cwd: ctx.cwd, description: input.description });
  } catch (err) {
    throw new ToolError(`Could not start the command in the background: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = [
    `Command running in the background with ID: ${task.id}${task.pid ? ` (pid ${task.pid})` : ''}.`,
    `Read its output with ${TOOL_NAMES.taskOutput} (task_id "${task.id}", block: false to check without waiting) and stop it with ${TOOL_NAMES.taskStop}. It is stopped, with everything it started, when the conversation ends.`,
  ].join('\n');
  return { content: [{ type: 'text', text }], display: { summary: input.description ?? firstLine(input.command) } };
}
