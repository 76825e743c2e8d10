/**
 * The Elixir script that asks mix for its structured diagnostics: it loads
 * a task (compiled once per Elixir version into the build path, which is the
 * extension's own), starts mix as the `mix` script does and runs that task in
 * the project, with the script's arguments after the task's own. The task runs the compile task's module directly (a project alias
 * of `compile` would otherwise swallow the result), with `--return-errors`,
 * collects every `Mix.Task.Compiler.Diagnostic` in what it returns (one app or
 * an umbrella's list), and writes them as JSON to the file named by
 * ELIXIR_AGENT_DIAGNOSTICS_OUT. Struct fields differ between Elixir 1.14 and
 * 1.19 (1.15 adds stacktrace, 1.16 span and source), so each is read with
 * Map.get. No JSON library is needed (1.18's JSON module is not in 1.14).
 * If mix raises before compiling (dependencies, mix.exs), nothing is written
 * and the printed output is all there is.
 */
export const OUT_ENV = 'ELIXIR_AGENT_DIAGNOSTICS_OUT';
export const TASK = 'elixir_agent.diagnostics';

export const BOOTSTRAP = String.raw`
source = ~S"""
defmodule Mix.Tasks.ElixirAgent.Diagnostics do
  @moduledoc false
  use Mix.Task

  @impl true
  def run(args) do
    result = Mix.Task.get!("compile").run(["--return-errors", "--all-warnings" | args])
    status = status(result)
    diagnostics = result |> collect([]) |> Enum.reverse() |> Enum.map(&diagnostic/1)
    payload = %{"status" => status, "elixir" => System.version(), "diagnostics" => diagnostics}
    File.write!(System.fetch_env!("${OUT_ENV}"), json(payload))
    if status == "error", do: exit({:shutdown, 1})
  end

  defp collect(%Mix.Task.Compiler.Diagnostic{} = d, acc), do: [d | acc]
  defp collect(list, acc) when is_list(list), do: Enum.reduce(list, acc, &collect/2)
  defp collect(tuple, acc) when is_tuple(tuple), do: collect(Tuple.to_list(tuple), acc)
  defp collect(_other, acc), do: acc

  defp status(result) do
    atoms = statuses(result, [])
    cond do
      :error in atoms -> "error"
      :ok in atoms -> "ok"
      true -> "noop"
    end
  end

  defp statuses({atom, _} = _tuple, acc) when is_atom(atom), do: [atom | acc]
  defp statuses(atom, acc) when atom in [:ok, :noop, :error], do: [atom | acc]
  defp statuses(list, acc) when is_list(list), do: Enum.reduce(list, acc, &statuses/2)
  defp statuses(_other, acc), do: acc

  defp diagnostic(d) do
    %{
      "file" => text(Map.get(d, :file)),
      "severity" => text(Map.get(d, :severity)),
      "message" => text(Map.get(d, :message)),
      "position" => position(Map.get(d, :position)),
      "span" => position(Map.get(d, :span)),
      "compiler" => text(Map.get(d, :compiler_name)),
      "exception" => exception(Map.get(d, :details)),
      "frames" => frames(Map.get(d, :stacktrace))
    }
  end

  defp position(line) when is_integer(line), do: [line]
  defp position({line, column}) when is_integer(line) and is_integer(column), do: [line, column]
  defp position({l1, c1, l2, c2}) when is_integer(l1) and is_integer(c1) and is_integer(l2) and is_integer(c2), do: [l1, c1, l2, c2]
  defp position(_other), do: nil

  defp exception(%{__exception__: true, __struct__: module}), do: inspect(module)
  defp exception({_kind, %{__exception__: true} = e}), do: exception(e)
  defp exception(_other), do: nil

  defp frames(list) when is_list(list) do
    for {_module, _fun, _arity, info} <- list, is_list(info), info[:file] != nil do
      %{"file" => text(info[:file]), "line" => info[:line]}
    end
  end

  defp frames(_other), do: []

  defp text(nil), do: nil
  defp text(value) when is_binary(value), do: value
  defp text(value) when is_atom(value), do: Atom.to_string(value)

  defp text(value) when is_list(value) do
    IO.chardata_to_string(value)
  rescue
    _ -> inspect(value)
  end

  defp text(value), do: inspect(value)

  defp json(nil), do: "null"
  defp json(true), do: "true"
  defp json(false), do: "false"
  defp json(value) when is_integer(value), do: Integer.to_string(value)
  defp json(value) when is_binary(value), do: [?", escape(value), ?"]
  defp json(value) when is_list(value), do: [?[, Enum.intersperse(Enum.map(value, &json/1), ?,), ?]]

  defp json(value) when is_map(value) do
    pairs = Enum.map(value, fn {k, v} -> [json(to_string(k)), ?:, json(v)] end)
    [?{, Enum.intersperse(pairs, ?,), ?}]
  end

  defp json(value), do: json(inspect(value))

  defp escape(<<>>), do: []
  defp escape(<<?", rest::binary>>), do: ["\\\"" | escape(rest)]
  defp escape(<<?\\, rest::binary>>), do: ["\\\\" | escape(rest)]
  defp escape(<<c, rest::binary>>) when c < 0x20, do: [:io_lib.format("\\u~4.16.0B", [c]) | escape(rest)]
  defp escape(<<c::utf8, rest::binary>>), do: [<<c::utf8>> | escape(rest)]
  defp escape(<<_byte, rest::binary>>), do: ["\\ufffd" | escape(rest)]
end
"""

# The task compiled once per Elixir/OTP and source, kept in the build path (ours): compiling it costs more than loading it.
build = System.get_env("MIX_BUILD_PATH") || Path.join("_build", "elixir_agent")
dir = Path.join([build, "elixir_agent_task", "#{System.version()}-#{System.otp_release()}-#{:erlang.phash2(source)}"])
beam = Path.join(dir, "Elixir.Mix.Tasks.ElixirAgent.Diagnostics.beam")

compile = fn ->
  [{_module, binary} | _] = Code.compile_string(source, "elixir_agent_diagnostics.ex")
  tmp = beam <> ".#{System.unique_integer([:positive])}"
  with :ok <- File.mkdir_p(dir), :ok <- File.write(tmp, binary), do: File.rename(tmp, beam)
end

case File.read(beam) do
  {:ok, binary} ->
    case :code.load_binary(Mix.Tasks.ElixirAgent.Diagnostics, String.to_charlist(beam), binary) do
      {:module, _} -> :ok
      _ -> compile.()
    end

  _ ->
    compile.()
end

Mix.start()
Mix.CLI.main(["${TASK}" | System.argv()])
`;
