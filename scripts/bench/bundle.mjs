// Bundle sizes: what the VSIX ships. `npm run package` (production build +
// vsce) runs in a private copy of the working tree (see packageProduction),
// and sizes are read from the VSIX itself. What activation loads is
// extension/dist/extension.js alone; its esbuild inputs (dist/meta.json of
// that build) show that no package is bundled into it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib/vscode-host-lib.mjs';
import { figure, notMeasured } from './stats.mjs';
import { readZip } from './vsix.mjs';

export const VSIX = join(repoRoot, 'bench-results', 'elixir-agent.vsix');

/** A production bundle has no source map reference (build.mjs: sourcemap false, minify). */
function isProduction(entries) {
  const js = entries.filter((e) => e.name.startsWith('extension/dist/') && e.name.endsWith('.js'));
  return js.length > 0 && js.every((e) => !e.data().toString('utf8').includes('sourceMappingURL'));
}

/** What a build and `vsce package` read; node_modules is linked, not copied. */
const PACKAGE_INPUTS = ['package.json', '.vscodeignore', 'README.md', 'LICENSE', 'CHANGELOG.md', 'tsconfig.json', 'tsconfig.base.json', 'media', 'src', 'scripts/build.mjs'];

/**
 * `npm run package` (production build + vsce) in a private copy of the
 * working tree under bench-results/, so that others' `npm run build` of the
 * shared dist/ cannot mix development files into the figures. The VSIX is
 * left at bench-results/elixir-agent.vsix. Returns an error text or undefined.
 */
export function packageProduction(log) {
  const work = join(repoRoot, 'bench-results', 'package');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'scripts'), { recursive: true });
  for (const rel of PACKAGE_INPUTS) {
    if (existsSync(join(repoRoot, rel))) cpSync(join(repoRoot, rel), join(work, rel), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(work, 'node_modules'), 'dir');
  log('bundle: npm run package (production build + VSIX) in bench-results/package/');
  const r = spawnSync('npm', ['run', 'package'], { cwd: work, encoding: 'utf8' });
  if (r.status !== 0) return `npm run package failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`;
  renameSync(join(work, 'elixir-agent.vsix'), VSIX);
  if (!isProduction(readZip(VSIX))) return 'the VSIX does not hold a production build (a source map reference was found)';
  return undefined;
}

export function benchBundle({ packageError }) {
  const group = 'bundle (production build, as shipped in the VSIX)';
  const vsix = figure({ id: 'bundle.vsix', group, label: 'elixir-agent.vsix', unit: 'bytes', target: { max: 1.5 * 1024 * 1024, source: 'issue' } });
  const activation = figure({ id: 'bundle.activation', group, label: 'dist/extension.js (all that activation loads)', unit: 'bytes', target: { max: 150 * 1024, source: 'issue' } });
  if (packageError) return [notMeasured(vsix, packageError), notMeasured(activation, packageError)];
  if (!existsSync(VSIX)) return [notMeasured(vsix, 'bench-results/elixir-agent.vsix is missing (run without --no-build)'), notMeasured(activation, 'no VSIX')];
  const entries = readZip(VSIX);
  const production = isProduction(entries);
  vsix.samples.push(statSync(VSIX).size);
  vsix.extra = { production, entries: entries.map((e) => ({ name: e.name, size: e.size, compressedSize: e.compressedSize })) };
  if (!production) vsix.note = 'the VSIX holds a development build';

  const figures = [vsix];
  const ext = entries.find((e) => e.name === 'extension/dist/extension.js');
  if (ext) {
    activation.samples.push(ext.size);
    const metaFile = join(repoRoot, 'bench-results/package/dist/meta.json');
    const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : undefined;
    const inputs = Object.keys(meta?.node?.outputs?.['dist/extension.js']?.inputs ?? {});
    activation.extra = { esbuildInputs: inputs, fromNodeModules: inputs.filter((i) => i.includes('node_modules')) };
    figures.push(activation);
  } else figures.push(notMeasured(activation, 'the VSIX has no extension/dist/extension.js'));

  for (const e of entries.filter((x) => x.name.startsWith('extension/dist/') && x.name !== 'extension/dist/extension.js').sort((a, b) => b.size - a.size)) {
    const name = e.name.slice('extension/'.length);
    const f = figure({ id: `bundle.${name}`, group, label: `${name} (in the VSIX: ${(e.compressedSize / 1024).toFixed(0)} KB)`, unit: 'bytes' });
    f.samples.push(e.size);
    figures.push(f);
  }
  return figures;
}
