/**
 * Runs `mix compile` for diagnostics, shared by the editor's mix source and
 * the CLI.
 *
 * It asks mix for its structured diagnostics (bootstrap.ts: the compile
 * task's own `Mix.Task.Compiler.Diagnostic` structs, as JSON), started with
 * the `elixir` next to the mix executable. The printed output is parsed only
 * as the fallback (compilerOutput.ts): when mix stops before compiling
 * (dependencies, mix.exs), when no `elixir` goes with the configured mix, and
 * for the warnings Elixir 1.14 leaves out of the structs when a file fails.
 *
 * It compiles into a build path of its own, `_build/elixir_agent` (set with
 * MIX_BUILD_PATH), so it never races a running `iex -S mix phx.server` or the
 * user's own `mix compile` over `_build/dev`, and never leaves that folder
 * half-built. The first run also compiles the deps there; later runs are
 * incremental, and `--all-warnings` replays the warnings of files that did
 * not need recompiling, so every run reports the whole project.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BOOTSTRAP, OUT_ENV } from './bootstrap';
import { parseCompilerOutput } from './compilerOutput';
import { sameProblem, type CompilerDiagnostic } from './diagnostic';
import { PathResolver, type PathOptions } from './outputPaths';
import { isInside, type MixProject } from './project';
import { CommandNotFoundError, runProcess, type RunResult } from './process';
import { readStructured, type StructuredResult } from './structured';
import { childEnv } from '../util/childEnv';

export const BUILD_DIR_NAME = 'elixir_agent';

/** Files a mix compile reads: Elixir and Erlang sources, templates, mix.exs and config. */
export const ELIXIR_SOURCE = /\.(?:exs?|[hl]?eex|heex|sface|erl|hrl|[xy]rl)$/i;

/**
 * Whether `mix compile` reads this file: mix.exs, or a source under lib/,
 * src/ or config/ of the project or of one of its umbrella apps (mix's
 * defaults; tests, scripts and scratch files are not compiled).
 */
export function compiledByMix(file: string, project: Pick<MixProject, 'root' | 'apps'>): boolean {
  if (!ELIXIR_SOURCE.test(file)) return false;
  return [project.root, ...project.apps.map((a) => a.root)].some((root) => {
    const parts = path.relative(root, path.resolve(file)).split(/[\\/]/);
    const top = parts[0] ?? '';
    if (top === '..' || path.isAbsolute(top)) return false;
    return parts.length === 1 ? top === 'mix.exs' : ['lib', 'src', 'config'].includes(top);
  });
}

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
  /** Skip the structured diagnostics and read mix's printed output only. */
  textOnly?: boolean;
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
  /** Whether mix's structured diagnostics were read (else only its printed output). */
  structured: boolean;
  /** The build path did not exist before: everything, deps included, was compiled. */
  firstCompile: boolean;
  /** Wall time of the run. */
  ms: number;
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

/** The `elixir` that belongs to a mix executable: on PATH for `mix`, else next to it; undefined when unknown. */
export function elixirFor(mixCommand: string): string | undefined {
  if (mixCommand === 'mix') return 'elixir';
  if (!/[\\/]/.test(mixCommand)) return undefined;
  const sibling = path.join(path.dirname(mixCommand), process.platform === 'win32' ? 'elixir.bat' : 'elixir');
  return fs.existsSync(sibling) ? sibling : undefined;
}

/** Reads a file's lines once per run, for telling same-named files of umbrella apps apart. */
function lineReader(): (file: string, line0: number) => string | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file, line0) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, fs.statSync(file).size > 5_000_000 ? undefined : fs.readFileSync(file, 'utf8').split(/\r?\n/));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file)?.[line0];
  };
}

const WARNINGS_AS_ERRORS = /Compilation failed due to warnings while using the --warnings-as-errors option/;

export async function runMixCompile(options: MixCompileOptions): Promise<MixCompileResult> {
  const { project } = options;
  const started = Date.now();
  const mix = options.mixCommand?.trim() || 'mix';
  const buildPath = options.buildPath ?? defaultBuildPath(project.root);
  const firstCompile = !fs.existsSync(buildPath);
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const pathOptions: PathOptions = { projectDir: project.root, appDirs: appDirsOf(project), fileExists: (p) => fs.existsSync(p), lineText: lineReader() };
  const run = (command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> =>
    runProcess(command, args, {
      cwd: project.root,
      env: childEnv(options.env, { MIX_BUILD_PATH: buildPath, ...extraEnv }),
      signal: options.signal,
      timeoutMs,
      onOutput: options.onOutput,
      onSpawn: options.onSpawn,
      // stdin is closed at once, so a prompt ("Shall I install Hex?") takes its default and mix goes on.
      input: '',
    });

  let result: RunResult | undefined;
  let structured: StructuredResult | undefined;
  let commandLine = '';
  const elixir = options.textOnly ? undefined : elixirFor(mix);
  if (elixir) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elixir-agent-compile-'));
    try {
      const script = path.join(dir, 'diagnostics.exs');
      const out = path.join(dir, 'diagnostics.json');
      fs.writeFileSync(script, BOOTSTRAP);
      commandLine = `MIX_BUILD_PATH=${buildPath} ${elixir} <elixir-agent diagnostics task> ${(options.extraArgs ?? []).join(' ')}`.trim();
      result = await run(elixir, [script, ...(options.extraArgs ?? [])], { [OUT_ENV]: out });
      if (fs.existsSync(out)) structured = readStructured(fs.readFileSync(out, 'utf8'), new PathResolver(pathOptions));
      // The task itself did not run (an Elixir too old or too new for it): fall back to plain mix.
      if (!structured && !result.cancelled && !result.timedOut && /ElixirAgent\.Diagnostics|elixir_agent\.diagnostics/.test(result.output)) result = undefined;
    } catch (err) {
      if (!(err instanceof CommandNotFoundError)) throw err;
      result = undefined;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!result) {
    const args = ['compile', '--all-warnings', ...(options.extraArgs ?? [])];
    commandLine = `MIX_BUILD_PATH=${buildPath} ${mix} ${args.join(' ')}`;
    result = await run(mix, args);
  }

  const failed = !result.cancelled && (result.exitCode !== 0 || structured?.status === 'error');
  let diagnostics: CompilerDiagnostic[] = [];
  if (!result.cancelled) {
    const printed = () => parseCompilerOutput(result.output, pathOptions);
    if (structured) {
      diagnostics = structured.diagnostics.slice();
      // Elixir 1.14 returns only the errors of a failed compile; the warnings it printed are added.
      if (structured.status === 'error') {
        for (const d of printed()) if (d.severity === 'warning' && !diagnostics.some((s) => sameProblem(s, d))) diagnostics.push(d);
      }
    } else diagnostics = printed();
    diagnostics = diagnostics.filter((d) => isInside(d.file, project.root) && !isInside(d.file, path.join(project.root, 'deps')) && !isInside(d.file, buildPath));
  }
  const noErrors = !diagnostics.some((d) => d.severity === 'error');
  if (result.timedOut) {
    diagnostics.push({
      file: path.join(project.root, 'mix.exs'),
      severity: 'error',
      line: 0,
      message: `mix compile did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
    });
  } else if (failed && noErrors && WARNINGS_AS_ERRORS.test(result.output) && diagnostics.some((d) => d.severity === 'warning')) {
    // warnings_as_errors: the warnings are what failed the compile.
    for (const d of diagnostics) if (d.severity === 'warning') d.severity = 'error';
  } else if (failed && noErrors) {
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
    commandLine,
    structured: !!structured,
    firstCompile,
    ms: Date.now() - started,
  };
}
