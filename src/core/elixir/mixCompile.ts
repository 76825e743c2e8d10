/**
 * Runs `mix compile` for diagnostics, shared by the editor's mix source and
 * `elixir-agent diagnostics`.
 *
 * It compiles into a build path of its own, `_build/elixir_agent` (set with
 * MIX_BUILD_PATH), so it never races a running `iex -S mix phx.server` or the
 * user's own `mix compile` over `_build/dev`, and never leaves that folder
 * half-built. `_build/` is ignored by every generated mix project's
 * .gitignore. The first run also compiles the deps there; later runs are
 * incremental, and `--all-warnings` replays the warnings of files that did
 * not need recompiling, so every run reports the whole project.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCompilerOutput, type CompilerDiagnostic } from './compilerOutput';
import { isInside, type MixProject } from './project';
import { runProcess } from './process';
import { childEnv } from '../util/childEnv';

export const BUILD_DIR_NAME = 'elixir_agent';

export interface MixCompileOptions {
  /** The project (its root and, for umbrellas, its apps). */
  project: Pick<MixProject, 'root' | 'app' | 'apps'>;
  /** The mix executable (default "mix"). */
  mixCommand?: string;
  signal?: AbortSignal;
  /** Default 10 minutes (a first run compiles the deps). */
  timeoutMs?: number;
  /** Where to build; default `<root>/_build/elixir_agent`. */
  buildPath?: string;
  /** Extra arguments, e.g. ["--force"]. */
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  onOutput?: (chunk: string) => void;
  onSpawn?: (pid: number) => void;
}

export interface MixCompileResult {
  /** Problems in the project's own files (deps and build output left out). */
  diagnostics: CompilerDiagnostic[];
  exitCode: number | null;
  cancelled: boolean;
  timedOut: boolean;
  /** The compiler's output (stdout and stderr interleaved). */
  output: string;
  /** The command as run, for logs. */
  commandLine: string;
}

export function defaultBuildPath(root: string): string {
  return path.join(root, '_build', BUILD_DIR_NAME);
}

/** `==> name` -> directory, for the project and its umbrella apps. */
export function appDirsOf(project: Pick<MixProject, 'root' | 'app' | 'apps'>): Record<string, string> {
  const dirs: Record<string, string> = {};
  if (project.app) dirs[project.app] = project.root;
  for (const app of project.apps) {
    dirs[app.name] = app.root;
    dirs[path.basename(app.root)] = app.root;
  }
  return dirs;
}

export async function runMixCompile(options: MixCompileOptions): Promise<MixCompileResult> {
  const { project } = options;
  const mix = options.mixCommand?.trim() || 'mix';
  const buildPath = options.buildPath ?? defaultBuildPath(project.root);
  const args = ['compile', '--all-warnings', ...(options.extraArgs ?? [])];
  const env: NodeJS.ProcessEnv = childEnv(options.env, { MIX_BUILD_PATH: buildPath });
  // stdin is closed at once, so a prompt ("Shall I install Hex?") takes its default and mix goes on.
  const result = await runProcess(mix, args, {
    cwd: project.root,
    env,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    onOutput: options.onOutput,
    onSpawn: options.onSpawn,
    input: '',
  });
  const diagnostics = result.cancelled
    ? []
    : parseCompilerOutput(result.output, {
        projectDir: project.root,
        appDirs: appDirsOf(project),
        fileExists: (p) => fs.existsSync(p),
      }).filter((d) => isInside(d.file, project.root) && !isInside(d.file, path.join(project.root, 'deps')) && !isInside(d.file, buildPath));
  if (result.timedOut) {
    diagnostics.push({
      file: path.join(project.root, 'mix.exs'),
      severity: 'error',
      line: 0,
      message: `mix compile did not finish within ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s and was stopped.`,
    });
  } else if (!result.cancelled && result.exitCode !== 0 && !diagnostics.some((d) => d.severity === 'error')) {
    const tail = result.output.trim().split('\n').slice(-15).join('\n');
    diagnostics.push({
      file: path.join(project.root, 'mix.exs'),
      severity: 'error',
      line: 0,
      message: `mix compile failed (exit ${result.exitCode ?? result.signal}) without a diagnostic it could be parsed into:\n${tail}`,
    });
  }
  return {
    diagnostics,
    exitCode: result.exitCode,
    cancelled: result.cancelled,
    timedOut: result.timedOut,
    output: result.output,
    commandLine: `MIX_BUILD_PATH=${buildPath} ${mix} ${args.join(' ')}`,
  };
}
