defmodule Jsonish do
  @moduledoc """
  A JSON library for Elixir (a benchmark fixture).
  """

  @type decode_opt :: {:keys, :strings | :atoms | :atoms!}

  @doc "Parses a JSON value from iodata."
  def decode(input, opts \\ []), do: input |> IO.iodata_to_binary() |> Jsonish.Decoder.parse(opts)

  def decode!(input, opts \\ []) do
    case decode(input, opts) do
      {:ok, value} -> value
      {:error, error} -> raise error
    end
  end

  @doc "Generates the JSON of a term."
  def encode(input, opts \\ []) do
    case Jsonish.Encode.encode(input, Map.new(opts)) do
      {:ok, iodata} -> {:ok, IO.iodata_to_binary(iodata)}
      {:error, error} -> {:error, error}
    end
  end

  def encode!(input, opts \\ []) do
    case encode(input, opts) do
      {:ok, result} -> result
      {:error, error} -> raise error
    end
  end

  def encode_to_iodata!(input, opts \\ []), do: input |> Jsonish.Encode.value(Map.new(opts))

  # HELPERS
end
