/**
 * Headless diagnostics (`elixir-agent run`, `elixir-agent diagnostics`): each
 * refresh compiles with mix (into the projects' own build path), joining a
 * compile already in progress for the same files, and get() reports what the
 * last compile found. Compiling runs the project's code (mix.exs, macros), so
 * it only happens when allowed; otherwise refresh says why, in words.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompileRuns } from '../elixir/compileRuns';
import { defaultBuildPath, runMixCompile, type MixCompileResult } from '../elixir/mixCompile';
import { isInside, type MixProject } from '../elixir/project';
import type { DiagnosticsProvider, FileDiagnostics, RefreshOutcome, RefreshRequest } from '../tools/types';
import { toFileDiagnostics } from './format';
import { seconds } from './outcome';

export type CompilePermission = { allowed: true } | { allowed: false; reason: string };

export interface MixProviderOptions {
  mixCommand?: string;
  timeoutMs?: number;
  /** Stops every compile (the CLI's Ctrl+C). */
  signal?: AbortSignal;
  /** Whether compiling may run; default allowed. */
  compile?: CompilePermission;
}

export interface MixDiagnosticsProvider extends DiagnosticsProvider {
  refresh(request: RefreshRequest): Promise<RefreshOutcome>;
  changed(absPath: string): void;
}

type Project = Pick<MixProject, 'root' | 'app' | 'apps'>;

function fileOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : path.resolve(uri);
  } catch {
    return undefined;
  }
}

/** Filters to one file (by URI or path) when uri is given. */
export function selectFile(files: FileDiagnostics[], uri: string | undefined): FileDiagnostics[] {
  if (!uri) return files;
  const target = fileOf(uri);
  if (!target) return [];
  return files.filter((f) => fileOf(f.uri) === target);
}

export function mixDiagnosticsProvider(projects: readonly Project[], options: MixProviderOptions = {}): MixDiagnosticsProvider {
  const permission = options.compile ?? { allowed: true };
  const runs = new Map(projects.map((p) => [p.root, new CompileRuns<MixCompileResult>()]));
  let refreshed = false;

  const compileOne = async (project: Project, request: RefreshRequest) => {
    const compiles = runs.get(project.root)!;
    const firstCompile = !fs.existsSync(defaultBuildPath(project.root));
    const name = project.app ?? path.basename(project.root);
    request.onProgress?.(firstCompile ? `first compile of ${name} (dependencies included): it can take minutes` : `compiling ${name} with mix`);
    if (firstCompile) request.onOutput?.(`Compiling ${name} for the first time (dependencies included); on a large project this takes minutes.\n`);
    const { result, joined } = await compiles.ensure(
      async (signal, onOutput) => {
        const stop = options.signal ? AbortSignal.any([signal, options.signal]) : signal;
        const r = await runMixCompile({ project, mixCommand: options.mixCommand, timeoutMs: options.timeoutMs, signal: stop, onOutput });
        return { result: r, cancelled: r.cancelled };
      },
      request.signal,
      request.onOutput,
    );
    return result ? { root: project.root, ms: result.ms, firstCompile: result.firstCompile, joined } : undefined;
  };

  const provider: MixDiagnosticsProvider = {
    async refresh(request) {
      if (projects.length === 0) return { kind: 'not-compiled', reason: 'there is no mix project (mix.exs) here, so there is nothing to compile.' };
      if (!permission.allowed) return { kind: 'not-compiled', reason: permission.reason };
      refreshed = true;
      const target = fileOf(request.uri);
      const chosen = target ? projects.filter((p) => isInside(target, p.root)) : [];
      const done: Array<Extract<RefreshOutcome, { kind: 'compiled' }>['runs'][number]> = [];
      try {
        for (const project of chosen.length ? chosen : projects) {
          const run = await compileOne(project, request);
          if (run) done.push(run);
          if (request.signal.aborted) break;
        }
      } catch (err) {
        return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
      }
      if (done.length) request.onProgress?.(`compiled in ${seconds(Math.max(...done.map((r) => r.ms)))}`);
      return { kind: 'compiled', runs: done };
    },

    changed(absPath) {
      for (const p of projects) if (isInside(absPath, p.root)) runs.get(p.root)?.changed();
    },

    async get(uri) {
      if (!refreshed && permission.allowed) await provider.refresh({ uri, signal: options.signal ?? new AbortController().signal });
      const all = projects.flatMap((p) => toFileDiagnostics(runs.get(p.root)?.lastResult?.diagnostics ?? []));
      return selectFile(all, uri);
    },
  };
  return provider;
}
