/**
 * A ToolContext for headless runs (the `elixir-agent` CLI, tests): plain
 * file system, ripgrep from PATH, no editor. The same tools as in VS Code.
 */
import * as path from 'node:path';
import { MemoryReadTracker, NodeFileAccess } from './nodeFiles';
import { ripgrepOnPath } from './ripgrep';
import type { ReadTracker, ToolContext, ToolServices } from './types';

export interface HeadlessContextOptions {
  /** Workspace folders (absolute); default [cwd]. */
  workspaceFolders?: string[];
  cwd: string;
  signal?: AbortSignal;
  reads?: ReadTracker;
  onOutput?: (chunk: string) => void;
  /** Ripgrep binary; default `rg` on PATH; `null` forces the JS search. */
  ripgrepPath?: string | null;
  services?: Partial<ToolServices>;
}

export function headlessToolContext(options: HeadlessContextOptions): ToolContext {
  const cwd = path.resolve(options.cwd);
  return {
    workspaceFolders: (options.workspaceFolders ?? [cwd]).map((f) => path.resolve(f)),
    cwd,
    signal: options.signal ?? new AbortController().signal,
    files: new NodeFileAccess(),
    reads: options.reads ?? new MemoryReadTracker(),
    onOutput: options.onOutput,
    services: { ripgrepPath: options.ripgrepPath === null ? undefined : (options.ripgrepPath ?? ripgrepOnPath()), ...options.services },
  };
}
