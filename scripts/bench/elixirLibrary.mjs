// Writes a mix library the size of jason (12 files, about 3,000 lines): a
// JSON encoder and decoder with a protocol and its implementations, structs,
// exceptions, a macro that generates function clauses at compile time
// (scripts/bench/jsonish/, hand-written), and many small multi-clause
// functions generated here in place of each `# HELPERS` line. No network and
// no Hex package; it compiles without a warning on Elixir 1.14+.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'jsonish');

/** Generated helper functions per file: [prefix, count]. */
const HELPERS = {
  'jsonish.ex': ['normalize', 24],
  'encode.ex': ['encode_step', 22],
  'decoder.ex': ['decode_step', 18],
  'formatter.ex': ['format_step', 22],
  'ordered_object.ex': ['order_step', 20],
  'fragment.ex': ['fragment_step', 22],
  'sigil.ex': ['sigil_step', 22],
  'helpers.ex': ['helper_step', 24],
};

/** `count` public functions over the same pattern, each with four clauses and guards. */
function helpers(prefix, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(
      `  @doc """`,
      `  Normalizes a value for step ${i} of the ${prefix} pipeline.`,
      `  """`,
      `  @spec ${prefix}_${i}(term(), keyword()) :: {:ok, term()} | {:error, String.t()}`,
      `  def ${prefix}_${i}(value, opts \\\\ [])`,
      `  def ${prefix}_${i}(value, opts) when is_binary(value) do`,
      `    limit = Keyword.get(opts, :limit, ${64 + i})`,
      `    if byte_size(value) <= limit, do: {:ok, String.trim(value)}, else: {:error, "too long: #{byte_size(value)}"}`,
      `  end`,
      `  def ${prefix}_${i}(value, opts) when is_list(value) do`,
      `    value |> Enum.map(&elem(${prefix}_${i}(&1, opts), 1)) |> then(&{:ok, &1})`,
      `  end`,
      `  def ${prefix}_${i}(value, _opts) when is_integer(value) and value > ${i}, do: {:ok, value * ${i + 1}}`,
      `  def ${prefix}_${i}(value, _opts), do: {:ok, value}`,
      '',
    );
  }
  return out.join('\n');
}

/** Writes the library into `dir` (created if missing). Returns the number of .ex lines written. */
export function writeElixirLibrary(dir) {
  let lines = 0;
  for (const name of readdirSync(TEMPLATES).sort()) {
    let text = readFileSync(join(TEMPLATES, name), 'utf8');
    const generated = HELPERS[name];
    if (generated) text = text.replace('  # HELPERS\n', `${helpers(...generated)}\n`);
    const file = name === 'mix.exs' ? join(dir, name) : join(dir, 'lib', name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    if (name.endsWith('.ex')) lines += text.split('\n').length;
  }
  return lines;
}
