defmodule Jsonish.Codegen do
  @moduledoc false

  defmacro bytecase(var, do: clauses) do
    {ranges, default} = Enum.split_with(clauses, fn {:->, _, [[pattern], _]} -> pattern != :_ end)
    clauses =
      Enum.flat_map(ranges, fn
        {:->, meta, [[{:.., _, [first, last]}], body]} -> for byte <- first..last, do: {:->, meta, [[byte], body]}
        {:->, meta, [[byte], body]} -> [{:->, meta, [[byte], body]}]
      end)
    default = for {:->, meta, [[:_], body]} <- default, do: {:->, meta, [[{:_, [], nil}], body]}
    quote do
      case unquote(var) do
        unquote(clauses ++ default)
      end
    end
  end

  def escapes do
    for byte <- 0..127 do
      cond do
        byte in [?", ?\\] -> {byte, <<?\\, byte>>}
        byte == ?\n -> {byte, "\\n"}
        byte == ?\t -> {byte, "\\t"}
        byte < 0x20 -> {byte, "\\u" <> String.pad_leading(Integer.to_string(byte, 16), 4, "0")}
        true -> {byte, nil}
      end
    end
  end
end
