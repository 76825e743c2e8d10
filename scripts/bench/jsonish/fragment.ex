defmodule Jsonish.Fragment do
  @moduledoc """
  Pre-encoded JSON.
  """

  defstruct [:encode]

  def new(iodata) when is_list(iodata) or is_binary(iodata), do: %__MODULE__{encode: fn _ -> iodata end}
  def new(encode) when is_function(encode, 1), do: %__MODULE__{encode: encode}

  defimpl Jsonish.Encoder do
    def encode(%{encode: encode}, opts), do: encode.(opts)
  end

  # HELPERS
end
