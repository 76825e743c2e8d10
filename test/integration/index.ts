/**
 * The test runner loaded by VS Code's extension host (`--extensionTestsPath`).
 * It runs one suite, chosen by the environment (set by scripts/run-integration.mjs
 * from test/integration/suites.json):
 *   ELIXIR_AGENT_SUITE   the suite's name (for messages)
 *   ELIXIR_AGENT_TESTS   what to load, relative to out/test/integration: a folder
 *                        (every *.test.js below it) or one .test.js file; default
 *                        the suite's name. `.ts` spellings are accepted.
 *   ELIXIR_AGENT_GREP    only tests whose full title matches this pattern
 *   ELIXIR_AGENT_MOCHA_TIMEOUT  per-test timeout in ms (default 60000)
 *   ELIXIR_AGENT_RESULT_FILE    where to write the counts as JSON
 * It prints `ELIXIR_AGENT_RESULT suite=NAME passed=N failed=N pending=N` last.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface SuiteResult {
  suite: string;
  passed: number;
  failed: number;
  pending: number;
  failures: Array<{ title: string; error: string }>;
}

/** Where the TypeScript source of a compiled file under out/test/integration is. */
function sourceOf(root: string, compiled: string): string {
  return path.resolve(root, '../../../test/integration', path.relative(root, compiled)).replace(/\.js$/, '.ts');
}

function testFiles(root: string, spec: string): string[] {
  const target = path.resolve(root, spec.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(target)) {
    throw new Error(`no compiled tests at ${target} (did \`npm run compile-tests\` run? is the suite's "tests" path right?)`);
  }
  if (fs.statSync(target).isFile()) return [target];
  const files = (fs.readdirSync(target, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(target, f));
  // tsc never deletes outputs: skip compiled tests whose source was removed or renamed.
  const stale = files.filter((f) => !fs.existsSync(sourceOf(root, f)));
  for (const f of stale) console.log(`skipping ${path.relative(root, f)}: its source ${sourceOf(root, f)} no longer exists`);
  return files.filter((f) => !stale.includes(f));
}

function writeResult(result: SuiteResult): void {
  const file = process.env.ELIXIR_AGENT_RESULT_FILE;
  if (file) fs.writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`ELIXIR_AGENT_RESULT suite=${result.suite} passed=${result.passed} failed=${result.failed} pending=${result.pending}`);
}

export async function run(): Promise<void> {
  const suite = process.env.ELIXIR_AGENT_SUITE ?? '';
  const spec = process.env.ELIXIR_AGENT_TESTS || suite;
  const result: SuiteResult = { suite: suite || spec, passed: 0, failed: 0, pending: 0, failures: [] };
  try {
    if (!spec) throw new Error('no suite chosen: set ELIXIR_AGENT_SUITE (scripts/run-integration.mjs does)');
    const files = testFiles(__dirname, spec);
    if (files.length === 0) throw new Error(`no *.test.js files under ${path.resolve(__dirname, spec)}`);

    const mocha = new Mocha({
      ui: 'bdd',
      reporter: 'spec',
      color: false,
      timeout: Number(process.env.ELIXIR_AGENT_MOCHA_TIMEOUT || 60_000),
      grep: process.env.ELIXIR_AGENT_GREP || undefined,
    });
    for (const f of files) mocha.addFile(f);
    await mocha.loadFilesAsync();

    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => result.passed++);
      runner.on('pending', () => result.pending++);
      runner.on('fail', (test, err: unknown) => {
        result.failed++;
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        result.failures.push({ title: test.fullTitle(), error });
      });
    });
  } catch (err) {
    // A suite that cannot load is a failure, never an empty success.
    result.failed++;
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    result.failures.push({ title: `loading suite ${result.suite}`, error });
    console.error(`suite ${result.suite} failed to load: ${error}`);
  }
  writeResult(result);
  if (result.failed > 0) throw new Error(`${result.failed} test(s) failed in suite ${result.suite}`);
}
