import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseMiseToml, parseMixExs, parseMixLock, parseToolVersions } from '../../../src/core/elixir/mixFiles';
import { detectInFolder, detectProjects, projectFor, projectPromptSection, projectSummary } from '../../../src/core/elixir/project';

const fixtures = path.resolve(__dirname, '../../../../test/fixtures');
const fx = (...p: string[]): string => path.join(fixtures, ...p);

describe('mix project detection', () => {
  it('reads a plain, dependency-free project', async () => {
    const projects = await detectInFolder(fx('plain_mix'));
    assert.deepEqual(
      projects.map((p) => ({ root: p.root, kind: p.kind, app: p.app, apps: p.apps, req: p.elixirRequirement, deps: p.deps, features: p.features })),
      [{ root: fx('plain_mix'), kind: 'app', app: 'plain_mix', apps: [], req: '~> 1.14', deps: [], features: {} }],
    );
    assert.equal(projectSummary(projects), 'Mix app plain_mix');
    assert.match(projectPromptSection(projects) ?? '', /a Mix project `plain_mix` at .*plain_mix; Elixir requirement `~> 1\.14`\./);
  });

  it('reads an umbrella: its apps, their deps, the shared lock and .tool-versions', async () => {
    const [umbrella, ...rest] = await detectInFolder(fx('umbrella_app'));
    assert.ok(umbrella, 'the umbrella is found');
    assert.equal(rest.length, 0, 'the apps belong to the umbrella, they are not projects of their own');
    assert.deepEqual(
      {
        kind: umbrella.kind,
        app: umbrella.app,
        apps: umbrella.apps.map((a) => [a.name, path.relative(umbrella.root, a.root)]),
        req: umbrella.elixirRequirement,
        features: umbrella.features,
        toolVersions: umbrella.toolVersions,
      },
      {
        kind: 'umbrella',
        app: undefined,
        apps: [
          ['shop', 'apps/shop'],
          ['shop_web', 'apps/shop_web'],
          ['worker', 'apps/worker'],
        ],
        req: '~> 1.15',
        features: {
          phoenix: { version: '1.7.14' },
          phoenix_live_view: { version: '0.20.17' },
          ecto_sql: { version: '3.12.1' },
          ecto: { version: '3.12.4' },
          credo: { version: '1.7.8' },
        },
        toolVersions: { elixir: '1.17.3-otp-27', erlang: '27.1.2', source: '.tool-versions' },
      },
    );
    assert.ok(!umbrella.deps.includes('dialyxir'), 'a commented-out dependency does not count');
    assert.equal(projectSummary([umbrella]), 'Phoenix 1.7 · Ecto · LiveView · umbrella (3 apps)');
    const prompt = projectPromptSection([umbrella]) ?? '';
    assert.match(prompt, /an umbrella Mix project at .*umbrella_app with apps shop \(apps\/shop\), shop_web \(apps\/shop_web\), worker \(apps\/worker\)/);
    assert.match(prompt, /\.tool-versions pins elixir 1\.17\.3-otp-27, erlang 27\.1\.2/);
    assert.match(prompt, /uses Phoenix 1\.7\.14, LiveView 0\.20\.17, Ecto SQL 3\.12\.1, Ecto 3\.12\.4, Credo 1\.7\.8\. `mix credo` is available\./);
    assert.equal(projectFor([umbrella], fx('umbrella_app/apps/shop/lib/shop/repo.ex'))?.root, umbrella.root);
  });

  it('finds a project in a subfolder and ignores a non-Elixir folder (multi-root)', async () => {
    // The folder itself holds no mix.exs: the project is one level down (nested).
    const nested = await detectInFolder(fx('multi_root'));
    assert.deepEqual(
      nested.map((p) => ({ root: p.root, folder: p.folder, app: p.app, features: p.features, tv: p.toolVersions })),
      [
        {
          root: fx('multi_root/service'),
          folder: fx('multi_root'),
          app: 'service',
          features: { tidewave: { version: '0.5.1' }, credo: { version: '1.7.8' } },
          tv: { elixir: '1.18.4-otp-27', erlang: '27.3', source: 'mise.toml' },
        },
      ],
    );
    // The workspace file's two folders: one Elixir, one not.
    const workspace = JSON.parse(fs.readFileSync(fx('multi_root/multi_root.code-workspace'), 'utf8')) as { folders: Array<{ path: string }> };
    const folders = workspace.folders.map((f) => fx('multi_root', f.path));
    const projects = await detectProjects(folders);
    assert.deepEqual(
      projects.map((p) => [p.root, p.folder]),
      [[fx('multi_root/service'), fx('multi_root/service')]],
    );
    assert.deepEqual(await detectInFolder(fx('multi_root/website')), []);
    assert.equal(projectSummary(projects), 'Mix app service · Tidewave');
    assert.match(projectPromptSection(projects) ?? '', /Tidewave runs inside the app in dev: prefer its mcp__tidewave__\* tools/);
  });

  it('lists several projects once each, even when folders overlap', async () => {
    const projects = await detectProjects([fx('plain_mix'), fx('umbrella_app'), fx('umbrella_app/apps/worker'), fx('multi_root')]);
    assert.deepEqual(
      projects.map((p) => path.basename(p.root)),
      ['plain_mix', 'umbrella_app', 'service'],
    );
    assert.equal(projectSummary(projects), '3 Mix projects: plain_mix, umbrella_app (Phoenix 1.7 · Ecto · LiveView · umbrella (3 apps)), service (Tidewave)');
  });

  it('reports nothing for a folder without Elixir, and skips deps, builds and tests', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-detect-'));
    try {
      for (const d of ['deps/jason', '_build/dev', 'node_modules/x', 'test/fixtures/app', '.hidden/app']) {
        fs.mkdirSync(path.join(dir, d), { recursive: true });
        fs.writeFileSync(path.join(dir, d, 'mix.exs'), 'defmodule X.MixProject do\nend\n');
      }
      fs.writeFileSync(path.join(dir, 'README.md'), '# not elixir\n');
      assert.deepEqual(await detectInFolder(dir), []);
      assert.equal(projectSummary([]), undefined);
      assert.equal(projectPromptSection([]), undefined);
      assert.deepEqual(await detectInFolder(path.join(dir, 'does-not-exist')), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mix files without running Elixir', () => {
  it('parses mix.exs: app, @attribute requirement, deps of every form, comments ignored', () => {
    const info = parseMixExs(`
defmodule MyApp.MixProject do
  use Mix.Project
  @elixir_requirement "~> 1.16"
  def project do
    [app: :my_app, elixir: @elixir_requirement, deps: deps()]
  end
  defp deps do
    [
      {:phoenix, "~> 1.7"}, # the web framework
      {:ecto_sql, ">= 3.0.0", override: true},
      {:my_lib, path: "../my_lib"},
      {:tidewave, github: "tidewave-ai/tidewave_phoenix", only: :dev},
      {:core, in_umbrella: true},
      # {:credo, "~> 1.7"},
      {:char, "?#"}
    ]
  end
end`);
    assert.deepEqual(info, {
      app: 'my_app',
      elixirRequirement: '~> 1.16',
      appsPath: undefined,
      deps: ['phoenix', 'ecto_sql', 'my_lib', 'tidewave', 'char'],
      umbrellaDeps: ['core'],
    });
    assert.deepEqual(parseMixExs(''), { app: undefined, elixirRequirement: undefined, appsPath: undefined, deps: [], umbrellaDeps: [] });
    assert.deepEqual(parseMixExs(undefined as unknown as string).deps, []);
  });

  it('parses mix.lock (hex and git), .tool-versions and mise.toml forms', () => {
    assert.deepEqual(
      parseMixLock(`%{
  "phoenix": {:hex, :phoenix, "1.7.14", "abc", [:mix], [], "hexpm", "def"},
  "tidewave": {:git, "https://github.com/tidewave-ai/tidewave_phoenix.git", "0123456789abcdef0123456789abcdef01234567", []},
}`),
      { phoenix: '1.7.14', tidewave: 'git 0123456' },
    );
    assert.deepEqual(parseToolVersions('# pinned\nerlang 27.1 # otp\nelixir 1.17.3-otp-27\nnodejs 22\n'), { elixir: '1.17.3-otp-27', erlang: '27.1' });
    assert.deepEqual(parseMiseToml('[env]\nelixir = "no"\n[tools]\nelixir = ["1.18", "1.17"]\nerlang = { version = "27.2" }\n'), { elixir: '1.18', erlang: '27.2' });
    assert.deepEqual(parseMiseToml('[tools]\n"elixir" = \'1.16\'\n'), { elixir: '1.16' });
    assert.deepEqual(parseMiseToml('garbage ['), {});
  });
});
