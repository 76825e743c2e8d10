/**
 * `elixir-agent` command line. Same core as the extension, no `vscode`.
 *   elixir-agent agents check [DIR]
 *   elixir-agent run [--agent NAME] [--cwd DIR] [--allow-tools A,B] [--json] "PROMPT"
 *   elixir-agent diagnostics [DIR]
 *   elixir-agent settings check [DIR]
 */
import { inert } from './terminal';

type Subcommand = (args: string[]) => Promise<number>;

const subcommands: Record<string, () => Promise<Subcommand>> = {
  // Each feature adds its entry: name -> lazy import of its `main`, exported from commands.ts
  // (one bundle, dist/cli-commands.js, loaded on first use: this file stays tiny so every command starts fast).
  agents: () => import('./commands.js').then((m) => m.agents),
  // diagnostics is its own small bundle (dist/cli-diagnostics.js): a warm run must cost little more than mix itself.
  diagnostics: () => import('./diagnostics.js').then((m) => m.main),
  run: () => import('./commands.js').then((m) => m.run),
  settings: () => import('./commands.js').then((m) => m.settings),
};

function usage(): string {
  return [
    'usage: elixir-agent <command> [options]',
    '',
    'commands:',
    '  agents check [DIR]     list the agents of DIR (default .) and report broken agent files',
    '  run [options] PROMPT   run an agent headless (see `elixir-agent run --help`)',
    '  diagnostics [DIR]      run mix compile in DIR and print the diagnostics as JSON',
    '  settings check [DIR]   show the Claude Code settings files and permission rules for DIR and report their problems',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(usage());
    return command ? 0 : 2;
  }
  const load = subcommands[command];
  if (!load) {
    console.error(`elixir-agent: unknown command '${inert(command)}'\n\n${usage()}`);
    return 2;
  }
  const run = await load();
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`elixir-agent: ${inert(err instanceof Error ? err.message : String(err))}`);
    process.exitCode = 1;
  },
);
