/**
 * `mcp__ide__executeCode` for Elixir: evaluates code in the project with
 * `mix run` (the app started, in a VM of its own), or with plain `elixir`
 * outside a mix project. Always asks on the tool card first, has a timeout
 * that stops the whole process tree, and returns the result, stdout, stderr
 * and exit status.
 *
 * The code goes in on stdin and is evaluated by a small wrapper with
 * Code.eval_string, so the value of the last expression can be shown (mix run
 * -e alone prints nothing) and no argument-length limit applies.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultBuildPath } from '../elixir/mixCompile';
import { detectProjects, isInside } from '../elixir/project';
import { runProcess, CommandNotFoundError } from '../elixir/process';
import { listCommands, processCount, survivorsText } from '../process/stop';
import { z } from 'zod';
import { defineTool } from '../tools/define';
import { errorResult, type Tool, type ToolContext } from '../tools/types';
import { childEnv } from '../util/childEnv';

export const EXECUTE_CODE = 'mcp__ide__executeCode';
export const DEFAULT_EXECUTE_TIMEOUT_MS = 120_000;
const MAX_CODE_CHARS = 200_000;
const MAX_SECTION_CHARS = 15_000;

export interface ExecuteCodeOptions {
  /** The mix executable (setting elixirAgent.mix.command); default "mix". */
  mixCommand?: () => string | undefined;
  /** The elixir executable; default "elixir". */
  elixirCommand?: () => string | undefined;
  timeoutMs?: number;
  /** True while Tidewave's MCP server is connected (its project_eval runs inside the live app). */
  isTidewaveConnected?: () => boolean;
}

/** Where the code runs: the mix project holding cwd (an umbrella's root), else the first in the workspace, else none. */
export async function findEvalProject(ctx: Pick<ToolContext, 'cwd' | 'workspaceFolders'>): Promise<string | undefined> {
  const folders = ctx.workspaceFolders.map((f) => path.resolve(f));
  const folder = folders.find((f) => isInside(path.resolve(ctx.cwd), f));
  if (folder) {
    let found: string | undefined;
    for (let dir = path.resolve(ctx.cwd); isInside(dir, folder); dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'mix.exs'))) found = dir; // keep going up: an umbrella root wins over its app
      if (dir === folder || path.dirname(dir) === dir) break;
    }
    if (found) return found;
  }
  const projects = await detectProjects(folders);
  return projects[0]?.root;
}

function wrapper(marker: string): string {
  return [
    'code = IO.read(:stdio, :eof)',
    'code = if is_binary(code), do: code, else: ""',
    '{result, _binding} = Code.eval_string(code, [], file: "executeCode.exs")',
    `IO.puts("\\n${marker}")`,
    'IO.inspect(result, pretty: true, limit: 500, printable_limit: 8192)',
  ].join('\n');
}

function clipSection(text: string): string {
  const t = text.replace(/\s+$/, '');
  return t.length > MAX_SECTION_CHARS ? `... (${t.length - MAX_SECTION_CHARS} characters cut)\n${t.slice(t.length - MAX_SECTION_CHARS)}` : t;
}

export function executeCodeTool(options: ExecuteCodeOptions = {}): Tool {
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS;
  const base =
    'Evaluate Elixir code and return the value of its last expression, its output and its exit status. ' +
    'In a Mix project it runs with `mix run` from the project root: the project is compiled and its application started in a NEW VM (separate from any running server), ' +
    `so Repo queries and the project's modules work. Outside a project it runs with plain \`elixir\`. The user confirms every run. Times out after ${Math.round(timeoutMs / 1000)} s. ` +
    'Keep the code short and side-effect free unless the user asked for changes.';
  return defineTool({
    name: EXECUTE_CODE,
    get description(): string {
      return options.isTidewaveConnected?.()
        ? `${base} Tidewave is connected: mcp__tidewave__project_eval evaluates code inside the RUNNING app (its processes, ETS tables, live state); prefer it for inspecting the live system, and this tool for a clean, separate run.`
        : base;
    },
    input: z.strictObject({
      code: z
        .string()
        .refine((code) => code.trim() !== '', 'must be a non-empty string of Elixir code')
        .refine((code) => code.length <= MAX_CODE_CHARS, `is too long (at most ${MAX_CODE_CHARS} characters)`)
        .describe('The Elixir code to evaluate.'),
    }),
    kind: 'execute',
    readOnly: false,
    async describe(input, ctx) {
      const root = await findEvalProject(ctx);
      return {
        title: root ? `Evaluate Elixir with mix run in ${path.basename(root)}` : 'Evaluate Elixir with elixir',
        command: input.code,
        warning: root ? 'Starts your application (supervision tree, repos) in a new VM and runs the code there.' : undefined,
        askEveryTime: true,
      };
    },
    async run({ code }, ctx) {
      const root = await findEvalProject(ctx);
      const marker = `--elixir-agent-result-${randomBytes(6).toString('hex')}--`;
      const command = root ? options.mixCommand?.()?.trim() || 'mix' : options.elixirCommand?.()?.trim() || 'elixir';
      const args = root ? ['run', '-e', wrapper(marker)] : ['-e', wrapper(marker)];
      const env: NodeJS.ProcessEnv = root ? childEnv({ MIX_BUILD_PATH: defaultBuildPath(root) }) : childEnv();
      const started = Date.now();
      let run;
      try {
        run = await runProcess(command, args, { cwd: root ?? ctx.cwd, env, signal: ctx.signal, timeoutMs, input: code, onOutput: ctx.onOutput });
      } catch (err) {
        if (err instanceof CommandNotFoundError) {
          return errorResult(`${command} was not found on PATH. Install Elixir${root ? ' or set elixirAgent.mix.command' : ''}.`);
        }
        return errorResult(`Could not start ${command}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const at = run.stdout.lastIndexOf(`\n${marker}\n`);
      const stdout = at >= 0 ? run.stdout.slice(0, at) : run.stdout;
      const result = at >= 0 ? run.stdout.slice(at + marker.length + 2) : undefined;
      const where = root ? `mix run in ${root}` : `elixir in ${ctx.cwd}`;
      const status = run.cancelled
        ? 'Cancelled.'
        : run.timedOut
          ? `Timed out after ${Math.round(timeoutMs / 1000)} s; the process was stopped.`
          : `Exit status ${run.exitCode ?? run.signal} (${seconds} s, ${where}).`;
      const parts = [status];
      const left = run.stop.stopped.length;
      if (left && !run.timedOut && !run.cancelled) parts.push(`The code left ${processCount(left)} running (${listCommands(run.stop.stopped)}); stopped, since nothing a run starts outlives it.`);
      else if (left) parts.push(`Stopped with it: ${processCount(left)} it had started (${listCommands(run.stop.stopped)}).`);
      if (run.stop.survived.length) parts.push(survivorsText(run.stop));
      if (result !== undefined) parts.push(`Result:\n${clipSection(result)}`);
      if (stdout.trim()) parts.push(`Output:\n${clipSection(stdout)}`);
      if (run.stderr.trim()) parts.push(`Errors and warnings:\n${clipSection(run.stderr)}`);
      const failed = run.cancelled || run.timedOut || run.exitCode !== 0;
      return {
        content: [{ type: 'text', text: parts.join('\n\n') }],
        isError: failed || undefined,
        display: { exitCode: run.exitCode, summary: failed ? status : `ok (${seconds} s)` },
      };
    },
  });
}
