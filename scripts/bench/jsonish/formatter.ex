defmodule Jsonish.Formatter do
  @moduledoc """
  Pretty-printing and minimizing.
  """

  @doc "Pretty-prints JSON text with the given indentation."
  def pretty_print(input, opts \\ []) when is_binary(input) do
    indent = Keyword.get(opts, :indent, "  ")
    {:ok, value} = Jsonish.Decoder.parse(input)
    value |> format(indent, 0) |> IO.iodata_to_binary()
  end

  def minimize(input) when is_binary(input) do
    {:ok, value} = Jsonish.Decoder.parse(input)
    value |> Jsonish.Encode.value(%{}) |> IO.iodata_to_binary()
  end

  defp format(map, indent, depth) when is_map(map) and map_size(map) > 0 do
    inner = String.duplicate(indent, depth + 1)
    entries = Enum.map_intersperse(Enum.sort(map), ",\n", fn {k, v} -> [inner, Jsonish.Encode.string(k, %{}), ": ", format(v, indent, depth + 1)] end)
    ["{\n", entries, ?\n, String.duplicate(indent, depth), ?}]
  end

  defp format(list, indent, depth) when is_list(list) and list != [] do
    inner = String.duplicate(indent, depth + 1)
    ["[\n", Enum.map_intersperse(list, ",\n", &[inner, format(&1, indent, depth + 1)]), ?\n, String.duplicate(indent, depth), ?]]
  end

  defp format(value, _indent, _depth), do: Jsonish.Encode.value(value, %{})

  # HELPERS
end
