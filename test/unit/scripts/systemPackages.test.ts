/**
 * scripts/system-packages.sh, what `npm test`, `npm start` and `.ci/run` run
 * first, on fake machines: a PATH of fake commands (`id`, `sudo`, `apt-get`,
 * the packages' own) and ELIXIR_AGENT_SYSROOT for the header probe. Nothing
 * is installed on this machine.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../../..');
/** A tool of this machine by absolute path (the fake machines' PATH has only fakes). */
const hostTool = (name: string): string => ['/usr/bin', '/bin'].map((d) => path.join(d, name)).find((f) => fs.existsSync(f)) ?? name;
const BASH = hostTool('bash');
const ALL = ['chromium', 'libkrb5-dev', 'elixir', 'ripgrep', 'unzip', 'python3', 'make', 'g++'];
/** The commands each package brings (libkrb5-dev: a header under the sysroot). */
const COMMANDS: Record<string, string[]> = { chromium: ['chromium'], elixir: ['elixir', 'mix'], ripgrep: ['rg'], unzip: ['unzip'], python3: ['python3'], make: ['make'], 'g++': ['g++'] };

interface Machine {
  dir: string;
  bin: string;
  sysroot: string;
  log: string;
}

function script(file: string, body: string): void {
  fs.writeFileSync(file, `#!${BASH}\n${body}\n`, { mode: 0o755 });
}

/** A fake machine: `present` packages installed; uid 0 or not; sudo that works without a password or not; apt-get or not (failing or not). */
function machine(dir: string, o: { present: string[]; root?: boolean; sudo?: boolean; apt?: 'ok' | 'fails' | 'none' }): Machine {
  const bin = path.join(dir, 'bin');
  const sysroot = path.join(dir, 'root');
  const log = path.join(dir, 'calls.log');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(sysroot, { recursive: true });
  fs.writeFileSync(log, '');
  const install = (pkg: string) => {
    if (pkg === 'libkrb5-dev') {
      fs.mkdirSync(path.join(sysroot, 'usr/include/gssapi'), { recursive: true });
      fs.writeFileSync(path.join(sysroot, 'usr/include/gssapi/gssapi.h'), '');
    } else {
      const commands = COMMANDS[pkg];
      if (!commands) throw new Error(`the fake machine knows no commands of ${pkg}`);
      for (const c of commands) script(path.join(bin, c), 'exit 0');
    }
  };
  o.present.forEach(install);
  fs.symlinkSync(hostTool('env'), path.join(bin, 'env'));
  script(path.join(bin, 'id'), `[ "$1" = "-u" ] && echo ${o.root ? 0 : 1000}`);
  if (o.sudo !== undefined) script(path.join(bin, 'sudo'), `echo "sudo $*" >> ${log}\n[ "$1" = "-n" ] && shift\n[ "$1" = "true" ] && exit ${o.sudo ? 0 : 1}\nexec "$@"`);
  if (o.apt && o.apt !== 'none') {
    // apt-get install PKG...: creates what each package brings, as the real one would.
    const make = Object.entries(COMMANDS)
      .map(([pkg, cmds]) => `${pkg}) ${cmds.map((c) => `printf '#!${BASH}\\nexit 0\\n' > ${bin}/${c}; ${hostTool('chmod')} +x ${bin}/${c}`).join('; ')} ;;`)
      .join('\n      ');
    script(
      path.join(bin, 'apt-get'),
      `echo "apt-get DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> ${log}
${o.apt === 'fails' ? 'exit 100' : ''}
[ "$1" = "install" ] || exit 0
for p in "$@"; do
  case "$p" in
      libkrb5-dev) ${hostTool('mkdir')} -p ${sysroot}/usr/include/gssapi && : > ${sysroot}/usr/include/gssapi/gssapi.h ;;
      ${make}
  esac
done`,
    );
  }
  return { dir, bin, sysroot, log };
}

function run(m: Machine, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; calls: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BASH, [path.join(repo, 'scripts/system-packages.sh'), ...args], {
      env: { PATH: m.bin, ELIXIR_AGENT_SYSROOT: m.sysroot, HOME: m.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, calls: fs.readFileSync(m.log, 'utf8').split('\n').filter(Boolean) }));
  });
}

describe('system packages for npm test / npm start / .ci/run', function () {
  this.timeout(30_000);
  let tmp: string;
  let n = 0;
  const fresh = (o: Parameters<typeof machine>[1]) => machine(path.join(tmp, String(n++)), o);

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ea-syspkg-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('does nothing when every package is there', async () => {
    const r = await run(fresh({ present: ALL, sudo: true, apt: 'ok' }), ALL);
    assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', []]);
  });

  it('without root or passwordless sudo: stops at once with one line naming the exact command', async () => {
    const r = await run(fresh({ present: ['chromium', 'unzip', 'python3', 'make', 'g++'], sudo: false, apt: 'ok' }), ALL);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'system packages: missing system packages: libkrb5-dev elixir ripgrep. Install them with: sudo apt-get install -y libkrb5-dev elixir ripgrep\n');
    assert.deepEqual(r.calls, ['sudo -n true'], 'nothing is installed');
    const noSudo = await run(fresh({ present: [], apt: 'ok' }), ['elixir']);
    assert.deepEqual([noSudo.code, noSudo.stderr], [1, 'system packages: missing system packages: elixir. Install them with: sudo apt-get install -y elixir\n']);
  });

  it('with passwordless sudo or as root: installs the missing ones with apt-get, non-interactively', async () => {
    const viaSudo = fresh({ present: ['chromium', 'unzip', 'python3', 'make', 'g++'], sudo: true, apt: 'ok' });
    const r = await run(viaSudo, ALL);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.calls, [
      'sudo -n true',
      'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -q',
      'apt-get DEBIAN_FRONTEND=noninteractive update -q',
      'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libkrb5-dev elixir ripgrep',
      'apt-get DEBIAN_FRONTEND=noninteractive install -y -q --no-install-recommends libkrb5-dev elixir ripgrep',
    ]);
    assert.equal(r.stdout, 'system packages: installing missing system packages: libkrb5-dev elixir ripgrep\n');
    assert.equal((await run(viaSudo, ['--check', ...ALL])).code, 0, 'everything is there afterwards');

    const asRoot = await run(fresh({ present: [], root: true, apt: 'ok' }), ['ripgrep', 'unzip']);
    assert.deepEqual([asRoot.code, asRoot.calls], [0, ['apt-get DEBIAN_FRONTEND=noninteractive update -q', 'apt-get DEBIAN_FRONTEND=noninteractive install -y -q --no-install-recommends ripgrep unzip']]);
  });

  it('says what to run when apt-get fails or does not exist, and --check only reports', async () => {
    const failing = await run(fresh({ present: [], root: true, apt: 'fails' }), ['elixir']);
    assert.deepEqual([failing.code, failing.stderr.trim().split('\n').at(-1)], [1, 'system packages: apt-get could not install: elixir. Run: apt-get install -y elixir']);
    const noApt = await run(fresh({ present: [], sudo: true, apt: 'none' }), ['make']);
    assert.deepEqual(
      [noApt.code, noApt.stderr],
      [1, 'system packages: missing system packages: make, and there is no apt-get here: install them with your package manager (Debian: sudo apt-get install -y make)\n'],
    );
    const check = await run(fresh({ present: ['make'], root: true, apt: 'ok' }), ['--check', 'make', 'g++']);
    assert.deepEqual([check.code, check.stderr, check.calls], [1, 'missing system packages: g++. Install them with: sudo apt-get install -y g++\n', []]);
  });

  it('npm test and npm start on a machine without them: one line and stop, before anything else runs', async () => {
    const m = fresh({ present: [], sudo: false, apt: 'ok' });
    // The shell tools the scripts themselves use, and nothing else of this machine.
    for (const tool of ['bash', 'dirname', 'mkdir']) fs.symlinkSync(hostTool(tool), path.join(m.bin, tool));
    const npm = (scriptFile: string) =>
      new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const child = spawn(BASH, [path.join(repo, scriptFile)], {
          env: { PATH: m.bin, ELIXIR_AGENT_SYSROOT: m.sysroot, HOME: m.dir, ELIXIR_AGENT_TEST_HOST: path.join(m.dir, 'no-host') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, out }));
      });
    const test = await npm('scripts/test-all.sh');
    assert.deepEqual(test, {
      code: 1,
      out: 'npm test: missing system packages: chromium elixir ripgrep unzip libkrb5-dev python3 make g++. Install them with: sudo apt-get install -y chromium elixir ripgrep unzip libkrb5-dev python3 make g++\n',
    });
    const start = await npm('scripts/start.sh');
    assert.deepEqual(start, { code: 1, out: 'npm start: missing system packages: elixir. Install them with: sudo apt-get install -y elixir\n' });
  });
});
