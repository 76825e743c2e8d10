defmodule Jsonish.OrderedObject do
  @moduledoc """
  A map that keeps the order of its keys.
  """

  @behaviour Access
  defstruct values: []

  @impl Access
  def fetch(%__MODULE__{values: values}, key) do
    case :lists.keyfind(key, 1, values) do
      {_, value} -> {:ok, value}
      false -> :error
    end
  end

  @impl Access
  def get_and_update(%__MODULE__{values: values} = object, key, fun) do
    {current, rest} = Enum.split_with(values, &(elem(&1, 0) == key))
    case fun.(current |> List.first() |> then(&(&1 && elem(&1, 1)))) do
      {get, update} -> {get, %{object | values: rest ++ [{key, update}]}}
      :pop -> {current |> List.first() |> then(&(&1 && elem(&1, 1))), %{object | values: rest}}
    end
  end

  @impl Access
  def pop(%__MODULE__{values: values} = object, key, default \\ nil) do
    case :lists.keyfind(key, 1, values) do
      {_, value} -> {value, %{object | values: List.keydelete(values, key, 0)}}
      false -> {default, object}
    end
  end

  defimpl Enumerable do
    def count(%{values: values}), do: {:ok, length(values)}
    def member?(%{values: values}, value), do: {:ok, value in values}
    def slice(%{values: values}), do: {:ok, length(values), &Enum.slice(values, &1, &2)}
    def reduce(%{values: values}, acc, fun), do: Enumerable.List.reduce(values, acc, fun)
  end

  defimpl Jsonish.Encoder do
    def encode(%{values: values}, opts), do: Jsonish.Encode.map(Map.new(values), opts)
  end

  # HELPERS
end
