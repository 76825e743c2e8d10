defprotocol Jsonish.Encoder do
  @moduledoc "Encodes a value to JSON iodata."
  @fallback_to_any true

  @spec encode(t, map()) :: iodata
  def encode(value, opts)
end

defimpl Jsonish.Encoder, for: Any do
  defmacro __deriving__(module, struct, opts) do
    fields = Keyword.get(opts, :only, Map.keys(struct) -- [:__struct__])
    quote do
      defimpl Jsonish.Encoder, for: unquote(module) do
        def encode(struct, opts), do: Jsonish.Encode.map(Map.take(struct, unquote(fields)), opts)
      end
    end
  end

  def encode(%_{} = struct, _opts) do
    raise Protocol.UndefinedError, protocol: @protocol, value: struct, description: "derive Jsonish.Encoder"
  end

  def encode(value, _opts), do: raise(Protocol.UndefinedError, protocol: @protocol, value: value)
end

defimpl Jsonish.Encoder, for: Atom do
  def encode(atom, opts), do: Jsonish.Encode.atom(atom, opts)
end

defimpl Jsonish.Encoder, for: Integer do
  def encode(integer, _opts), do: Integer.to_string(integer)
end

defimpl Jsonish.Encoder, for: Float do
  def encode(float, _opts), do: :io_lib_format.fwrite_g(float)
end

defimpl Jsonish.Encoder, for: List do
  def encode(list, opts), do: Jsonish.Encode.list(list, opts)
end

defimpl Jsonish.Encoder, for: Map do
  def encode(map, opts), do: Jsonish.Encode.map(map, opts)
end

defimpl Jsonish.Encoder, for: BitString do
  def encode(binary, opts) when is_binary(binary), do: Jsonish.Encode.string(binary, opts)
  def encode(bits, _opts), do: raise(Protocol.UndefinedError, protocol: @protocol, value: bits)
end

defimpl Jsonish.Encoder, for: [Date, Time, NaiveDateTime, DateTime] do
  def encode(value, _opts), do: [?", @for.to_iso8601(value), ?"]
end
