/** `elixir-agent` command line: agents check | run | diagnostics. Subcommands are added by their features. */
const [, , command] = process.argv;
console.error(`elixir-agent: unknown command ${command ?? '(none)'}`);
process.exit(2);
