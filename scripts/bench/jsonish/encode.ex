defmodule Jsonish.Encode do
  @moduledoc """
  Encodes values to iodata.
  """

  alias Jsonish.{Encoder, EncodeError}

  @escapes Jsonish.Codegen.escapes()

  def encode(value, opts \\ %{}) do
    {:ok, value(value, opts)}
  rescue
    e in EncodeError -> {:error, e}
  end

  def value(value, opts) when is_binary(value), do: string(value, opts)
  def value(value, opts) when is_map(value) and not is_struct(value), do: map(value, opts)
  def value(value, opts) when is_list(value), do: list(value, opts)
  def value(value, opts), do: Encoder.encode(value, opts)

  def atom(nil, _opts), do: "null"
  def atom(true, _opts), do: "true"
  def atom(false, _opts), do: "false"
  def atom(atom, opts), do: string(Atom.to_string(atom), opts)

  def list([], _opts), do: "[]"
  def list([head | tail], opts), do: [?[, value(head, opts) | Enum.map(tail, &[?,, value(&1, opts)])] ++ [?]]

  def map(map, _opts) when map_size(map) == 0, do: "{}"
  def map(map, opts) do
    [{key, val} | rest] = Map.to_list(map)
    [?{, key(key, opts), ?:, value(val, opts) | Enum.flat_map(rest, fn {k, v} -> [?,, key(k, opts), ?:, value(v, opts)] end)] ++ [?}]
  end

  defp key(key, opts) when is_binary(key), do: string(key, opts)
  defp key(key, opts) when is_atom(key), do: string(Atom.to_string(key), opts)
  defp key(key, opts), do: string(String.Chars.to_string(key), opts)

  def string(string, _opts), do: [?", escape(string, []), ?"]

  for {byte, escaped} <- @escapes, escaped != nil do
    defp escape(<<unquote(byte), rest::binary>>, acc), do: escape(rest, [acc | unquote(escaped)])
  end

  defp escape(<<char::utf8, rest::binary>>, acc), do: escape(rest, [acc | <<char::utf8>>])
  defp escape(<<>>, acc), do: acc
  defp escape(<<byte, _rest::binary>>, _acc), do: raise(EncodeError, message: "invalid byte #{byte}")

  # HELPERS
end
