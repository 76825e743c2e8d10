#!/usr/bin/env node
// Keeps README.md's settings table in sync with package.json's
// contributes.configuration (between <!-- settings:start --> and <!-- settings:end -->).
//   node scripts/readme-settings.mjs           rewrite the table
//   node scripts/readme-settings.mjs --check   exit 1 when the table is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/vscode-host-lib.mjs';

const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';

function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function defaultText(value) {
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  return json.length > 60 ? `\`${json.slice(0, 57)}...\`` : `\`${json}\``;
}

export function settingsTable(manifest) {
  const configs = [manifest.contributes?.configuration ?? []].flat();
  const rows = ['| Setting | Default | Scope | Description |', '| --- | --- | --- | --- |'];
  for (const config of configs) {
    for (const [key, p] of Object.entries(config.properties ?? {})) {
      let description = p.markdownDescription ?? p.description ?? '';
      if (p.enum) description += ` One of: ${p.enum.map((e) => `\`${e}\``).join(', ')}.`;
      rows.push(`| \`${key}\` | ${cell(defaultText(p.default))} | ${p.scope ?? 'window'} | ${cell(description)} |`);
    }
  }
  return rows.join('\n');
}

const readmeFile = join(repoRoot, 'README.md');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const readme = readFileSync(readmeFile, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} ... ${END} block`);
  process.exit(1);
}
const updated = `${readme.slice(0, start + START.length)}\n${settingsTable(manifest)}\n${readme.slice(end)}`;
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md settings table is out of date: run node scripts/readme-settings.mjs');
    process.exit(1);
  }
  console.log('README.md settings table is up to date');
} else {
  writeFileSync(readmeFile, updated);
  console.log('README.md settings table updated');
}
