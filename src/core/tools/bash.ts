/**
 * Bash: run a command in the workspace folder with a timeout (default 2
 * minutes, at most 10), stdout and stderr interleaved and capped (head and
 * tail kept), live output to the tool card (ctx.onOutput) and optionally a
 * visible terminal (services.bashMirror). On timeout or cancel the whole
 * process tree is killed. The exit code is reported.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { defineTool, optInt, optStr, str } from './define';
import { TOOL_NAMES } from './names';
import { killTree } from './processTree';
import { ToolError, type ToolResult } from './types';
import { childEnv } from '../util/childEnv';

export const DEFAULT_TIMEOUT_MS = 120_000;
export const MAX_TIMEOUT_MS = 600_000;
export const MAX_OUTPUT_CHARS = 30_000;
/** How long the output may stay open and idle after the shell exited. */
const STRAY_IDLE_MS = 250;

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
export const stripAnsi = (s: string) => s.replace(ANSI, '');

/** Keeps the first and last halves of a stream that may be huge, and how much fell between. */
class CappedOutput {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly max: number) {}

  push(chunk: string): void {
    const half = this.max / 2;
    if (this.head.length < half) {
      const take = chunk.slice(0, half - this.head.length);
      this.head += take;
      chunk = chunk.slice(take.length);
    }
    if (!chunk) return;
    this.tail += chunk;
    if (this.tail.length > half) {
      this.dropped += this.tail.length - half;
      this.tail = this.tail.slice(this.tail.length - half);
    }
  }

  text(): string {
    if (this.dropped === 0) return this.head + this.tail;
    return `${this.head}\n\n... [output truncated: ${this.dropped} characters omitted] ...\n\n${this.tail}`;
  }
}

function shell(): { file: string; args: (cmd: string) => string[]; argv0?: string } {
  if (process.platform === 'win32') {
    const comspec = process.env.ComSpec ?? 'cmd.exe';
    return { file: comspec, args: (cmd) => ['/d', '/s', '/c', cmd] };
  }
  const file = ['/bin/bash', '/usr/bin/bash', '/bin/sh'].find((f) => fs.existsSync(f)) ?? '/bin/sh';
  // argv0 'bash' so messages read "bash: line 1: ..." as in a terminal.
  return { file, args: (cmd) => ['-c', cmd], argv0: file.split('/').pop() };
}

export interface BashOutcome {
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Background processes still holding the output open were stopped. */
  strays: boolean;
}

/** Run one command; the building block of the Bash tool. */
export function runCommand(command: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal; onOutput?: (chunk: string) => void; env?: NodeJS.ProcessEnv }): Promise<BashOutcome> {
  const sh = shell();
  return new Promise((resolve, reject) => {
    const child = spawn(sh.file, sh.args(command), {
      cwd: options.cwd,
      argv0: sh.argv0,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: {
        ...childEnv(options.env),
        GIT_PAGER: 'cat',
        PAGER: 'cat',
        GIT_TERMINAL_PROMPT: '0',
        GIT_EDITOR: 'true',
        EDITOR: 'true',
        ELIXIR_AGENT: '1',
      },
    });
    const out = new CappedOutput(MAX_OUTPUT_CHARS);
    const decoders = [new StringDecoder('utf8'), new StringDecoder('utf8')];
    let timedOut = false;
    let cancelled = false;
    let strays = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let killing: Promise<void> | undefined;
    let settled = false;

    const kill = () => {
      if (child.pid !== undefined) killing ??= killTree(child.pid);
      return killing ?? Promise.resolve();
    };
    let lastData = Date.now();
    const onData = (i: number) => (b: Buffer) => {
      lastData = Date.now();
      const s = decoders[i].write(b);
      if (!s) return;
      out.push(s);
      options.onOutput?.(s);
    };
    child.stdout.on('data', onData(0));
    child.stderr.on('data', onData(1));

    const timer = setTimeout(() => {
      timedOut = true;
      void kill();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      void kill();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });

    let strayTimer: NodeJS.Timeout | undefined;
    const groupAlive = () => {
      if (child.pid === undefined || process.platform === 'win32') return false;
      try {
        process.kill(-child.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    /** Stop waiting for the output to close: something outside our control holds it. */
    const abandon = () => {
      strays = true;
      void kill();
      child.stdout.destroy();
      child.stderr.destroy();
      void finish();
    };
    const finish = async () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(strayTimer);
      options.signal.removeEventListener('abort', onAbort);
      if (killing) await killing;
      resolve({ output: stripAnsi(out.text()), exitCode: exit?.code ?? null, signal: exit?.signal ?? null, timedOut, cancelled, strays });
    };
    child.on('error', (err) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      settled = true;
      reject(err);
    });
    child.on('exit', (code, sig) => {
      exit = { code, signal: sig };
      // The shell is gone. Its output may still be draining (keep reading while data
      // flows); if it stays open and idle, background processes hold it: stop them.
      strayTimer = setInterval(() => {
        if (groupAlive() || Date.now() - lastData > STRAY_IDLE_MS || timedOut || cancelled) abandon();
      }, STRAY_IDLE_MS);
    });
    child.on('close', () => {
      for (const d of decoders) {
        const rest = d.end();
        if (rest) out.push(rest);
      }
      void finish();
    });
  });
}

export const bashTool = defineTool({
  name: TOOL_NAMES.bash,
  kind: 'execute',
  readOnly: false,
  description: [
    'Runs a shell command (bash) in the workspace folder and returns its combined stdout and stderr and its exit code.',
    `timeout is in milliseconds: default ${DEFAULT_TIMEOUT_MS} (2 minutes), at most ${MAX_TIMEOUT_MS} (10 minutes); on timeout the command and every process it started are killed.`,
    `Output over ${MAX_OUTPUT_CHARS} characters is cut in the middle. Each call starts in the workspace folder (a \`cd\` does not carry over to the next call): use absolute paths or \`cd DIR && cmd\`.`,
    'The command has no terminal and no input: avoid interactive commands (pass flags such as --yes, use `git --no-pager`); long-running servers (mix phx.server, iex -S mix) would only run until the timeout.',
    'Use the Read, Edit, Write, Glob and Grep tools instead of cat, sed, echo >, find and grep. Chain dependent commands with && and quote paths that contain spaces.',
    'For Elixir: `mix compile`, `mix test path/to/test.exs:LINE`, `mix format`, `mix credo` are typical. Give a short description (5-10 words) of what the command does; the user sees the exact command and may be asked to approve it.',
  ].join('\n'),
  inputSchema: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command to execute' },
      timeout: { type: 'number', description: `Optional timeout in milliseconds (max ${MAX_TIMEOUT_MS})` },
      description: { type: 'string', description: 'Clear, concise description of what this command does in 5-10 words' },
    },
    required: ['command'],
    additionalProperties: false,
  },
  parse: (input) => {
    const command = str(input, 'command');
    if (!command.trim()) throw new ToolError('command must not be empty.');
    return { command, timeout: optInt(input, 'timeout', { min: 1, max: MAX_TIMEOUT_MS }), description: optStr(input, 'description') };
  },
  async describe(input) {
    const firstLine = input.command.split('\n')[0];
    const short = firstLine.length > 80 ? `${firstLine.slice(0, 77)}…` : firstLine;
    return { title: input.description ? `Run: ${input.description}` : `Run \`${short}\``, command: input.command };
  },
  async run(input, ctx): Promise<ToolResult> {
    const timeoutMs = input.timeout ?? DEFAULT_TIMEOUT_MS;
    if (!fs.existsSync(ctx.cwd)) throw new ToolError(`The working folder ${ctx.cwd} does not exist.`);
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
    const parts: string[] = [outcome.output.trimEnd() || '(no output)'];
    if (outcome.timedOut) parts.push(`Command timed out after ${timeoutMs} ms; it and every process it started were killed.`);
    else if (outcome.cancelled) parts.push('Command was cancelled; it and every process it started were killed.');
    else if (outcome.exitCode === null) parts.push(`Command was killed by signal ${outcome.signal ?? 'unknown'}.`);
    else if (outcome.exitCode !== 0) parts.push(`Exit code: ${outcome.exitCode}`);
    if (outcome.strays) parts.push('Background processes started by the command were still holding its output and were stopped.');
    const failed = outcome.timedOut || outcome.cancelled || outcome.exitCode !== 0;
    return {
      content: [{ type: 'text', text: parts.join('\n\n') }],
      isError: failed || undefined,
      display: { exitCode: outcome.exitCode, summary: input.description ?? input.command.split('\n')[0] },
    };
  },
});
