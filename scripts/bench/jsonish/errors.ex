defmodule Jsonish.DecodeError do
  @type t :: %__MODULE__{position: integer, data: String.t()}
  defexception [:position, :token, :data]

  def message(%{position: position, token: token}) when is_binary(token) do
    "unexpected sequence at position #{position}: #{inspect(token)}"
  end

  def message(%{position: position, data: data}) when position == byte_size(data) do
    "unexpected end of input at position #{position}"
  end

  def message(%{position: position, data: data}) do
    byte = :binary.at(data, position)
    "unexpected byte at position #{position}: 0x#{Integer.to_string(byte, 16)}"
  end
end

defmodule Jsonish.EncodeError do
  defexception [:message]

  def new({:duplicate_key, key}), do: %__MODULE__{message: "duplicate key: #{key}"}
  def new({:invalid_byte, byte, original}) do
    %__MODULE__{message: "invalid byte #{inspect(byte, base: :hex)} in #{inspect(original)}"}
  end
end
