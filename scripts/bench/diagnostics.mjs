// getDiagnostics (src/core/ide) over 10,000 diagnostics in 1,000 files, the
// compiler-output parser (src/core/elixir) on 10,000 lines of mix output
// built from the recorded outputs in test/fixtures/compiler-output/, and what
// a warm `elixir-agent diagnostics` adds to mix (mixOverhead.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '../lib/vscode-host-lib.mjs';
import { benchMixOverhead } from './mixOverhead.mjs';
import { figure, notMeasured } from './stats.mjs';

const require = createRequire(import.meta.url);
const SEVERITIES = ['Error', 'Warning', 'Warning', 'Information', 'Hint'];

export function diagnosticsFixture(files = 1000, perFile = 10) {
  const out = [];
  for (let f = 0; f < files; f++) {
    const diagnostics = [];
    for (let d = 0; d < perFile; d++) {
      const line = d * 7 + 3;
      diagnostics.push({
        message: `variable "conn_${d}" is unused (if the variable is not meant to be used, prefix it with an underscore)`,
        severity: SEVERITIES[(f + d) % SEVERITIES.length],
        range: { start: { line, character: 4 }, end: { line, character: 14 } },
        source: d % 2 ? 'elixir-ls' : 'mix compile',
        code: d % 3 ? undefined : 'unused_variable',
      });
    }
    out.push({ uri: `file:///work/shop/lib/shop/context_${Math.floor(f / 10)}/item_${f}.ex`, diagnostics });
  }
  return out;
}

/** At least `lines` lines of mix output: the recordings, paths renamed per copy. */
export function compilerOutputFixture(lines = 10_000) {
  const dir = join(repoRoot, 'test/fixtures/compiler-output');
  const samples = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
  const parts = [];
  let count = 0;
  for (let copy = 0; count < lines; copy++) {
    for (const s of samples) {
      const text = s.replace(/lib\//g, `lib/gen_${copy}/`).replace(/\n*$/, '\n');
      parts.push(text);
      count += text.split('\n').length - 1;
      if (count >= lines) break;
    }
  }
  return parts.join('').split('\n').slice(0, lines).join('\n');
}

export async function benchDiagnostics({ runs, log }) {
  const group = 'diagnostics';
  const all = figure({ id: 'diagnostics.getAll', group, label: 'getDiagnostics, 10,000 in 1,000 files (capped)', unit: 'ms', target: { max: 100, source: 'budget' } });
  const one = figure({ id: 'diagnostics.getOne', group, label: 'getDiagnostics for one file of the 1,000', unit: 'ms', target: { max: 100, source: 'budget' } });
  const parse = figure({ id: 'diagnostics.parse', group, label: 'parse 10,000 lines of mix compile output', unit: 'ms', target: { max: 100, source: 'budget' } });
  let ide;
  let parser;
  let headless;
  try {
    ide = require(join(repoRoot, 'out/src/core/ide/index.js'));
    headless = require(join(repoRoot, 'out/src/core/tools/headless.js'));
  } catch (err) {
    all.notMeasured = one.notMeasured = `src/core/ide is not compiled (npm run compile-tests): ${err.message.split('\n')[0]}`;
  }
  try {
    parser = require(join(repoRoot, 'out/src/core/elixir/compilerOutput.js'));
  } catch (err) {
    parse.notMeasured = `src/core/elixir is not compiled (npm run compile-tests): ${err.message.split('\n')[0]}`;
  }

  const iterations = Math.max(10, runs * 6);
  if (ide) {
    const files = diagnosticsFixture();
    const provider = { get: async (uri) => (uri ? ide.selectFile(files, uri) : files) };
    const ctx = headless.headlessToolContext({ cwd: '/work/shop', services: { diagnostics: provider } });
    const tool = ide.getDiagnosticsTool();
    const target = files[500].uri;
    let shown;
    for (let i = 0; i < 3 + iterations; i++) {
      const a = performance.now();
      const r = await tool.invoke({}, ctx);
      const b = performance.now();
      const r1 = await tool.invoke({ uri: target }, ctx);
      const c = performance.now();
      if (r.isError || r1.isError) throw new Error(`getDiagnostics failed: ${r.content[0].text}`);
      shown = { returned: JSON.parse(r.content[0].text).reduce((n, f) => n + f.diagnostics.length, 0), oneFile: JSON.parse(r1.content[0].text)[0]?.diagnostics.length };
      if (i < 3) continue;
      all.samples.push(b - a);
      one.samples.push(c - b);
    }
    all.extra = shown;
    log(`diagnostics: getDiagnostics returned ${shown.returned} of 10000 (capped), ${shown.oneFile} for one file`);
  }
  if (parser) {
    const text = compilerOutputFixture();
    let found = 0;
    for (let i = 0; i < 3 + iterations; i++) {
      const a = performance.now();
      found = parser.parseCompilerOutput(text, { projectDir: '/work/shop' }).length;
      const ms = performance.now() - a;
      if (i >= 3) parse.samples.push(ms);
    }
    parse.extra = { lines: text.split('\n').length, diagnostics: found };
    log(`diagnostics: ${text.split('\n').length} lines of compiler output give ${found} diagnostics`);
  }
  let overhead;
  try {
    overhead = await benchMixOverhead({ runs, log });
  } catch (err) {
    overhead = [notMeasured({ id: 'diagnostics.cliOverhead', group: 'diagnostics', label: 'warm `elixir-agent diagnostics` over warm `mix compile`', unit: 'ms' }, err.message.split('\n')[0])];
  }
  return [all, one, parse, ...overhead];
}
