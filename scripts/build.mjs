// Builds the extension: the Node bundles (extension host + CLI) and the
// browser bundle (chat webview), separately, with esbuild.
//   node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { mkdirSync, copyFileSync, cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  absWorkingDir: root,
};

/** Node side. `extension.js` is what VS Code loads at activation and must stay
 *  small; `runtime.js` holds the heavy parts (SDK, MCP, language client,
 *  tools) and is required on first use. */
const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', './runtime.js'],
  mainFields: ['module', 'main'],
  entryPoints: {
    extension: 'src/extension.ts',
    runtime: 'src/vscode/runtime.ts',
    // Grep's regex worker (no ripgrep): runtime.js and cli.js load it from next to themselves.
    grepWorker: 'src/core/tools/grepWorker.ts',
    // The watchdog that stops the agent's processes when the host dies (src/core/process/contain.ts).
    reaper: 'src/core/process/reaper.ts',
  },
  outdir: 'dist',
  metafile: true,
};

/** The command-line tool (`elixir-agent agents check | run | diagnostics`):
 *  the same core, no `vscode`. `cli.js` only dispatches; each command's code
 *  is loaded on use from `cli-commands.js` (agents, run) or
 *  `cli-diagnostics.js`, so no command pays for parsing the others. */
const CLI_PARTS = { './commands.js': './cli-commands.js', './diagnostics.js': './cli-diagnostics.js' };
const cliParts = {
  name: 'cli-parts',
  setup(build) {
    build.onResolve({ filter: /^\.\/(commands|diagnostics)\.js$/ }, (args) =>
      args.importer.endsWith(join('src', 'cli', 'main.ts')) ? { path: CLI_PARTS[args.path], external: true } : undefined,
    );
  },
};
const cli = {
  ...node,
  external: [],
  entryPoints: { cli: 'src/cli/main.ts', 'cli-commands': 'src/cli/commands.ts', 'cli-diagnostics': 'src/cli/diagnostics.ts' },
  plugins: [cliParts],
  // import() of the parts becomes require(): Node's ESM loader would scan each part for its exports first.
  supported: { 'dynamic-import': false },
  banner: { js: '#!/usr/bin/env node' },
};

const web = {
  ...common,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  entryPoints: { webview: 'src/webview/main.ts' },
  outdir: 'dist',
  loader: { '.css': 'css', '.ttf': 'file' },
  metafile: true,
};

function copyAssets() {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  copyFileSync(join(codicons, 'codicon.css'), join(root, 'dist/codicon.css'));
  copyFileSync(join(codicons, 'codicon.ttf'), join(root, 'dist/codicon.ttf'));
}

copyAssets();
if (watch) {
  const contexts = await Promise.all([esbuild.context(node), esbuild.context(cli), esbuild.context(web)]);
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching src/ ...');
} else {
  const results = await Promise.all([esbuild.build(node), esbuild.build(cli), esbuild.build(web)]);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(root, 'dist/meta.json'), JSON.stringify({ node: results[0].metafile, cli: results[1].metafile, web: results[2].metafile }));
  console.log(`built dist/ (${production ? 'production' : 'development'})`);
}
