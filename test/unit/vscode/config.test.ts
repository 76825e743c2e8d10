import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTING_DEFAULTS } from '../../../src/vscode/config/defaults';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } | Array<{ properties: Record<string, { default?: unknown }> }> };
}

function manifestDefaults(): Record<string, unknown> {
  // out/test/unit/vscode -> the repository root, or the sources when run with ts-node.
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || !fs.existsSync(path.join(dir, 'src'))) dir = path.dirname(dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  const out: Record<string, unknown> = {};
  for (const s of sections) for (const [key, spec] of Object.entries(s.properties)) out[key.replace(/^elixirAgent\./, '')] = spec.default;
  return out;
}

describe('settings: one typed module, defaults as package.json declares them', () => {
  it('has every setting of package.json, with the same default', () => {
    assert.deepStrictEqual({ ...SETTING_DEFAULTS }, manifestDefaults());
  });
});
