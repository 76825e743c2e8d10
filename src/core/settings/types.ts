/**
 * Claude Code's settings files as this extension reads them: which files,
 * what they say about permissions, and what was wrong with them. The loader
 * (load.ts) fills these; the approval policy (tools/approval.ts) and the
 * `settings check` command read them.
 */
import type { PermissionRule } from '../permissions';

/** Highest first: local (personal, git-ignored) over project (shared) over user. */
export type SettingsScope = 'local' | 'project' | 'user';

export interface SettingsFile {
  scope: SettingsScope;
  /** Absolute path. */
  path: string;
  /** As shown to the user: `.claude/settings.json`, `.claude/settings.local.json`, `~/.claude/settings.json`. */
  label: string;
}

/** A permission rule and where it was written. */
export interface SourcedRule {
  rule: PermissionRule;
  file: SettingsFile;
  /** 1-based line of the rule in its file. */
  line: number;
}

export interface SettingsPermissions {
  allow: SourcedRule[];
  ask: SourcedRule[];
  deny: SourcedRule[];
  /** The highest-scope defaultMode (a project or local file's `bypassPermissions` is not taken: a problem says so). */
  defaultMode?: { mode: 'default' | 'acceptEdits' | 'plan' | 'dontAsk' | 'bypassPermissions'; file: SettingsFile };
  /** Absolute paths (relative ones resolved against the project root; `~/` against home), with their file. */
  additionalDirectories: Array<{ path: string; file: SettingsFile }>;
}

export interface SettingsProblem {
  /** Absolute path of the file. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface LoadedSettings {
  /** The files that exist and were read, highest scope first. */
  files: SettingsFile[];
  permissions: SettingsPermissions;
  problems: SettingsProblem[];
}
