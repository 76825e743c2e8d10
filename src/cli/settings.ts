/**
 * `elixir-agent settings check [DIR] [--json] [--no-user]`: which Claude Code
 * settings files apply to DIR (highest first), the permission rules each
 * gives with their line, the defaultMode that applies, and every problem as
 * `file:line:col: severity: message`. Exit 1 when a file has an error (a rule
 * that is not applied), 0 otherwise, 2 on bad usage. The same loader as the
 * editor and `elixir-agent run`, so a CI job can check a team's files.
 */
import { readFile, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSettings } from '../core/settings/load';
import type { LoadedSettings, SourcedRule } from '../core/settings/types';
import { claudeConfigDir } from '../core/util/claudeConfig';
import { argTokens } from './args';
import { inert, jsonText } from './terminal';

const USAGE = [
  'usage: elixir-agent settings check [DIR] [--json] [--no-user]',
  '',
  '  DIR        the project whose .claude/settings.json and .claude/settings.local.json are read (default: .)',
  '  --json     print the result as JSON',
  '  --no-user  leave out ~/.claude/settings.json ($CLAUDE_CONFIG_DIR/settings.json when set)',
  '',
  'Exit status: 0 when no file has an error (warnings do not fail the check), 1 when any has an error, 2 on bad usage.',
].join('\n');

interface CheckOptions {
  dir: string;
  json: boolean;
  includeUser: boolean;
}

export function parseSettingsArgs(args: string[]): CheckOptions | string {
  const [sub, ...rest] = argTokens(args, [], { terminator: false });
  if (sub?.raw !== 'check') return sub?.raw ? `unknown settings command '${sub.raw}'` : 'missing settings command';
  const positional = rest.filter((t) => t.kind === 'positional');
  const unknown = rest.find((t) => t.kind !== 'positional' && t.raw !== '--json' && t.raw !== '--no-user');
  if (unknown) return `unknown option ${unknown.raw}`;
  if (positional.length > 1) return 'give at most one DIR';
  return { dir: path.resolve(positional[0]?.raw ?? '.'), json: rest.some((t) => t.raw === '--json'), includeUser: !rest.some((t) => t.raw === '--no-user') };
}

const ruleText = (r: SourcedRule) => `${r.rule.text} (${r.file.label}:${r.line})`;

function report(dir: string, s: LoadedSettings, includeUser: boolean): string[] {
  const out = [`Claude Code settings for ${inert(dir)}:`];
  if (s.files.length === 0) out.push(`  no settings files (.claude/settings.json, .claude/settings.local.json${includeUser ? ', ~/.claude/settings.json' : ''})`);
  for (const f of s.files) {
    const count = (list: SourcedRule[]) => list.filter((r) => r.file.path === f.path).length;
    const p = s.permissions;
    out.push(`  ${inert(f.label)} (${f.scope}): allow ${count(p.allow)}, ask ${count(p.ask)}, deny ${count(p.deny)}`);
  }
  for (const list of ['deny', 'ask', 'allow'] as const) {
    const rules = s.permissions[list];
    if (rules.length) out.push('', `${list}:`, ...rules.map((r) => `  ${inert(ruleText(r))}`));
  }
  const { defaultMode, additionalDirectories } = s.permissions;
  if (defaultMode) out.push('', `defaultMode: ${defaultMode.mode} (${inert(defaultMode.file.label)})`);
  if (additionalDirectories.length) out.push('', 'additionalDirectories:', ...additionalDirectories.map((d) => `  ${inert(d.path)} (${inert(d.file.label)})`));
  if (s.files.some((f) => f.scope !== 'user') && s.permissions.allow.some((r) => r.file.scope !== 'user')) {
    out.push('', 'The repository\'s allow rules count in the editor once the workspace is trusted, and in `elixir-agent run` with --trust-project-settings; deny and ask rules always do.');
  }
  return out;
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseSettingsArgs(args);
  if (typeof options === 'string') {
    console.error(`elixir-agent settings: ${inert(options)}\n\n${USAGE}`);
    return 2;
  }
  const isDir = await stat(options.dir).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    console.error(`elixir-agent settings: ${inert(options.dir)} is not a folder`);
    return 2;
  }
  const homeDir = os.homedir();
  const settings = await loadSettings({
    projectRoot: options.dir,
    homeDir,
    userDir: options.includeUser ? claudeConfigDir(process.env, homeDir) : null,
    readFile: (f) => readFile(f, 'utf8').catch(() => undefined),
  });
  const errors = settings.problems.filter((p) => p.severity === 'error').length;
  if (options.json) console.log(jsonText({ dir: options.dir, ...settings }));
  else {
    console.log(report(options.dir, settings, options.includeUser).join('\n'));
    if (settings.problems.length) {
      console.log('');
      for (const p of settings.problems) console.log(inert(`${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message}`));
    }
    console.log(`\n${settings.problems.length ? `${errors} error(s), ${settings.problems.length - errors} warning(s)` : 'no problems'}`);
  }
  return errors ? 1 : 0;
}
