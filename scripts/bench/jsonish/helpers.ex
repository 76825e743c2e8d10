defmodule Jsonish.Helpers do
  @moduledoc """
  Compile-time helpers.
  """

  defmacro json_map(kv) do
    quote do
      Jsonish.Fragment.new(Jsonish.Encode.map(Map.new(unquote(kv)), %{}))
    end
  end

  defmacro json_map_take(map, take) do
    quote do
      Jsonish.Fragment.new(Jsonish.Encode.map(Map.take(unquote(map), unquote(take)), %{}))
    end
  end

  # HELPERS
end
