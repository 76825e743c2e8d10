defmodule Jsonish.Decoder do
  @moduledoc """
  A recursive-descent JSON parser.
  """

  import Jsonish.Codegen, only: [bytecase: 2]
  alias Jsonish.DecodeError

  def parse(data, opts \\ []) when is_binary(data) do
    keys = Keyword.get(opts, :keys, :strings)
    case value(skip_ws(data), keys) do
      {:error, rest} ->
        {:error, %DecodeError{position: byte_size(data) - byte_size(rest), data: data}}
      {value, rest} ->
        case skip_ws(rest) do
          "" -> {:ok, value}
          other -> {:error, %DecodeError{position: byte_size(data) - byte_size(other), data: data}}
        end
    end
  end

  defp skip_ws(<<byte, rest::binary>>) when byte in [?\s, ?\n, ?\t, ?\r], do: skip_ws(rest)
  defp skip_ws(rest), do: rest

  defp value(<<byte, _::binary>> = data, keys) do
    bytecase byte do
      ?0..?9 -> number(data, [])
      ?- -> number(data, [])
      ?" -> string(binary_part(data, 1, byte_size(data) - 1), [])
      ?[ -> array(skip_ws(binary_part(data, 1, byte_size(data) - 1)), keys, [])
      ?{ -> object(skip_ws(binary_part(data, 1, byte_size(data) - 1)), keys, %{})
      ?t -> literal(data, "true", true)
      ?f -> literal(data, "false", false)
      ?n -> literal(data, "null", nil)
      _ -> {:error, data}
    end
  end

  defp value(<<>>, _keys), do: {:error, <<>>}

  defp literal(data, word, value) do
    size = byte_size(word)
    case data do
      <<^word::binary-size(size), rest::binary>> -> {value, rest}
      _ -> {:error, data}
    end
  end

  defp number(<<byte, rest::binary>>, acc) when byte in ?0..?9 or byte in [?-, ?., ?e, ?E, ?+], do: number(rest, [byte | acc])
  defp number(rest, acc) do
    text = acc |> Enum.reverse() |> List.to_string()
    case Integer.parse(text) do
      {int, ""} -> {int, rest}
      _ -> {String.to_float(text), rest}
    end
  end

  defp string(<<?", rest::binary>>, acc), do: {acc |> Enum.reverse() |> IO.iodata_to_binary(), rest}
  defp string(<<?\\, ?n, rest::binary>>, acc), do: string(rest, ["\n" | acc])
  defp string(<<?\\, ?t, rest::binary>>, acc), do: string(rest, ["\t" | acc])
  defp string(<<?\\, char, rest::binary>>, acc), do: string(rest, [<<char>> | acc])
  defp string(<<char::utf8, rest::binary>>, acc), do: string(rest, [<<char::utf8>> | acc])
  defp string(rest, _acc), do: {:error, rest}

  defp array(<<?], rest::binary>>, _keys, acc), do: {Enum.reverse(acc), rest}
  defp array(data, keys, acc) do
    with {value, rest} <- value(data, keys) do
      case skip_ws(rest) do
        <<?,, rest::binary>> -> array(skip_ws(rest), keys, [value | acc])
        <<?], rest::binary>> -> {Enum.reverse([value | acc]), rest}
        other -> {:error, other}
      end
    end
  end

  defp object(<<?}, rest::binary>>, _keys, acc), do: {acc, rest}
  defp object(<<?", data::binary>>, keys, acc) do
    with {key, rest} <- string(data, []),
         <<?:, rest::binary>> <- skip_ws(rest),
         {value, rest} <- value(skip_ws(rest), keys) do
      acc = Map.put(acc, key(key, keys), value)
      case skip_ws(rest) do
        <<?,, rest::binary>> -> object(skip_ws(rest), keys, acc)
        <<?}, rest::binary>> -> {acc, rest}
        other -> {:error, other}
      end
    else
      {:error, rest} -> {:error, rest}
      other when is_binary(other) -> {:error, other}
    end
  end

  defp object(data, _keys, _acc), do: {:error, data}

  defp key(key, :strings), do: key
  defp key(key, :atoms), do: String.to_atom(key)
  defp key(key, :atoms!), do: String.to_existing_atom(key)

  # HELPERS
end
