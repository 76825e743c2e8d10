defmodule Jsonish.MixProject do
  use Mix.Project

  def project do
    [
      app: :jsonish,
      version: "1.4.0",
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      consolidate_protocols: Mix.env() != :test,
      deps: []
    ]
  end

  def application do
    [extra_applications: []]
  end
end
