defmodule Jsonish.Sigil do
  @moduledoc """
  The ~j and ~J sigils.
  """

  defmacro sigil_j(term, modifiers)
  defmacro sigil_j({:<<>>, _meta, [string]}, modifiers) when is_binary(string) do
    keys = if ?a in modifiers, do: :atoms, else: :strings
    {:ok, value} = Jsonish.Decoder.parse(string, keys: keys)
    Macro.escape(value)
  end

  defmacro sigil_J(term, modifiers), do: quote(do: sigil_j(unquote(term), unquote(modifiers)))

  # HELPERS
end
