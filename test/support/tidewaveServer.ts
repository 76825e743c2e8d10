/**
 * A small server that behaves like Tidewave 0.9's MCP endpoint inside a
 * Phoenix app (reference.md §4), for tests:
 * - `POST /tidewave/mcp` with JSON-RPC answers plain `application/json`
 *   (202 and no body for notifications and responses), no sessions;
 * - `GET` (and every other method) answers 405; an `Origin` header or a
 *   non-loopback client gets 403;
 * - protocol version 2025-03-26 whatever the client asks; `initialize`
 *   without `protocolVersion` fails;
 * - the v0.9 tools with their argument schemas and real-ish answers
 *   (project_eval really evaluates Elixir with the machine's `elixir`),
 *   and `isError` results (e.g. get_source_location of an unknown module).
 *
 * In process: `const tw = await startTidewaveServer(); tw.url ...; await tw.close()`.
 * Standalone: `node out/test/support/tidewaveServer.js --port 4123` prints
 * `{"port":4123,"url":"..."}` on stdout once listening; stop it with SIGTERM.
 */
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const TIDEWAVE_PATH = '/tidewave/mcp';
const PROTOCOL_VERSION = '2025-03-26';
const LEVELS = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;
type Level = (typeof LEVELS)[number];

export interface RecordedRequest {
  method: string;
  /** JSON-RPC method(s) of a POST. */
  rpc: string[];
  headers: http.IncomingHttpHeaders;
  status: number;
}

export interface TidewaveOptions {
  port?: number;
  host?: string;
  /** Log lines the app has written (get_logs reads them). */
  logs?: Array<{ level: Level; message: string }>;
}

export interface TidewaveTestServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Resolves with the first request (already seen or to come) that matches. */
  waitForRequest(match: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** Appends a log line as the app's Logger would. */
  log(level: Level, message: string): void;
  close(): Promise<void>;
}

type JsonRpc = { jsonrpc: '2.0'; id?: string | number; method?: string; params?: Record<string, unknown> };
type ToolAnswer = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

const text = (t: string, isError = false): ToolAnswer => (isError ? { content: [{ type: 'text', text: t }], isError } : { content: [{ type: 'text', text: t }] });

export const TIDEWAVE_TOOLS = [
  {
    name: 'get_logs',
    description:
      'Returns all log output, excluding logs that were caused by other tool calls.\n\nUse this tool to check for request logs or potentially logged errors.',
    inputSchema: {
      type: 'object',
      required: ['tail'],
      properties: {
        tail: { type: 'integer', description: 'The number of log entries to return from the end of the log' },
        grep: { type: 'string', description: 'Filter logs with the given regular expression (case insensitive). E.g. "error" when you want to capture errors in particular' },
        level: { type: 'string', enum: [...LEVELS], description: 'Filter logs with the given level or a more severe one' },
      },
    },
  },
  {
    name: 'get_source_location',
    description:
      'Returns the source location for the given reference.\n\nThe reference may be a module, a module and function separated by a dot (Mod.fun), a module, function and arity (Mod.fun/1), or dep:PACKAGE for the location of a dependency.',
    inputSchema: {
      type: 'object',
      required: ['reference'],
      properties: { reference: { type: 'string', description: 'The reference to find (e.g. `MyApp.Accounts`, `MyApp.Accounts.get_user!/1`, `dep:phoenix`)' } },
    },
  },
  {
    name: 'get_docs',
    description: 'Returns the documentation for the given reference (a module, Mod.fun or Mod.fun/arity) of the project and its dependencies.',
    inputSchema: {
      type: 'object',
      required: ['reference'],
      properties: { reference: { type: 'string', description: 'The reference to get documentation for (e.g. `Enum.map/2`)' } },
    },
  },
  {
    name: 'project_eval',
    description:
      'Evaluates Elixir code in the context of the project.\n\nThe current Elixir version is: 1.14.0\n\nUse this tool every time you need to evaluate Elixir code, including to test the behaviour of a function or to debug something.',
    inputSchema: {
      type: 'object',
      required: ['code'],
      properties: {
        code: { type: 'string', description: 'The Elixir code to evaluate' },
        arguments: { type: 'array', items: {}, description: 'The arguments to pass to evaluation. They are available inside the evaluated code as `arguments`.' },
        timeout: { type: 'integer', description: 'Optional. The maximum time to wait for the evaluation, in milliseconds. Defaults to 30000.' },
      },
    },
  },
  {
    name: 'execute_sql_query',
    description: 'Executes the given SQL query against the given default or specified Ecto repository.\nReturns the result as an Elixir data structure.',
    inputSchema: {
      type: 'object',
      required: ['query'],
      properties: {
        query: { type: 'string', description: 'The SQL query to execute. Use $1, $2 for parameters' },
        repo: { type: 'string', description: 'The Ecto repository to use (default MyApp.Repo)' },
        arguments: { type: 'array', items: {}, description: 'The arguments to pass to the query' },
      },
    },
  },
];

const SOURCES: Record<string, string> = {
  'MyApp.Accounts': 'lib/my_app/accounts.ex:1',
  'MyApp.Accounts.get_user!': 'lib/my_app/accounts.ex:37',
  'MyApp.Accounts.get_user!/1': 'lib/my_app/accounts.ex:37',
  'MyApp.Accounts.User': 'lib/my_app/accounts/user.ex:1',
  'MyApp.Repo': 'lib/my_app/repo.ex:1',
  'MyAppWeb.Router': 'lib/my_app_web/router.ex:1',
  'dep:phoenix': 'deps/phoenix',
  'dep:ecto': 'deps/ecto',
  'dep:tidewave': 'deps/tidewave',
};

const DOCS: Record<string, string> = {
  'Enum.map/2':
    '# Enum.map/2\n\n```elixir\ndef map(enumerable, fun)\n```\n\nReturns a list where each element is the result of invoking `fun` on each corresponding element of `enumerable`.\n\n## Examples\n\n    iex> Enum.map([1, 2, 3], fn x -> x * 2 end)\n    [2, 4, 6]',
  Enum: '# Enum\n\nFunctions for working with collections (known as enumerables).',
  'Ecto.Query.preload/3': '# Ecto.Query.preload/3\n\nPreloads the associations into the result set.',
  'MyApp.Accounts': '# MyApp.Accounts\n\nThe Accounts context.',
};

const TABLES: Record<string, { columns: string[]; rows: unknown[][] }> = {
  users: {
    columns: ['id', 'email', 'confirmed'],
    rows: [
      [1, 'jose@example.com', true],
      [2, 'chris@example.com', false],
    ],
  },
  posts: { columns: ['id', 'title', 'user_id'], rows: [[1, 'Hello LiveView', 1]] },
};

const inspect = (v: unknown): string => (v === null ? 'nil' : typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(inspect).join(', ')}]` : String(v));

/** JSON as an Elixir literal (for project_eval's `arguments`). */
function elixirLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/#\{/g, '\\#{').replace(/\n/g, '\\n')}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(elixirLiteral).join(', ')}]`;
  return `%{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${elixirLiteral(k)} => ${elixirLiteral(x)}`).join(', ')}}`;
}

const EVAL_WRAPPER = `
{:ok, dev} = StringIO.open("")
gl = Process.group_leader()
Process.group_leader(self(), dev)
args = Code.eval_string(System.get_env("TW_ARGS")) |> elem(0)
result =
  try do
    {value, _} = Code.eval_string(System.get_env("TW_CODE"), [arguments: args], file: "project_eval")
    {:ok, value}
  rescue
    e -> {:error, Exception.format(:error, e, __STACKTRACE__)}
  catch
    kind, reason -> {:error, Exception.format(kind, reason, __STACKTRACE__)}
  end
Process.group_leader(self(), gl)
{_, out} = StringIO.contents(dev)
case result do
  {:ok, v} ->
    shown = inspect(v, pretty: true)
    IO.write(if out == "", do: shown, else: "IO output:\\n\\n" <> out <> "\\n\\nResult:\\n\\n" <> shown)
  {:error, msg} ->
    IO.write(out <> msg)
    System.halt(1)
end
`;

function projectEval(args: Record<string, unknown>): Promise<ToolAnswer> {
  const timeout = typeof args.timeout === 'number' && args.timeout > 0 ? args.timeout : 30_000;
  return new Promise((resolve) => {
    const child = spawn('elixir', ['-e', EVAL_WRAPPER], {
      env: { ...process.env, TW_CODE: String(args.code), TW_ARGS: elixirLiteral(Array.isArray(args.arguments) ? args.arguments : []) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(text(`Evaluation timed out after ${timeout} milliseconds.`, true));
    }, timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve(text(`Failed to evaluate: ${err.message}`, true));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(text(out, code !== 0));
    });
  });
}

function sqlQuery(args: Record<string, unknown>): ToolAnswer {
  const repo = typeof args.repo === 'string' ? args.repo : 'MyApp.Repo';
  if (repo !== 'MyApp.Repo') return text(`No repo named ${repo}. Available repos: MyApp.Repo`, true);
  const query = String(args.query).trim().replace(/;$/, '');
  const params = Array.isArray(args.arguments) ? args.arguments : [];
  if (/^select\s+1$/i.test(query)) return text('%Postgrex.Result{command: :select, columns: ["?column?"], rows: [[1]], num_rows: 1}');
  const m = /^select\s+(.+?)\s+from\s+(\w+)(?:\s+where\s+(\w+)\s*=\s*(\$\d+|'[^']*'|\d+))?(?:\s+limit\s+(\d+))?$/i.exec(query);
  if (!m) return text(`** (Postgrex.Error) ERROR 42601 (syntax_error) syntax error at or near "${query.split(/\s+/)[0] ?? ''}"`, true);
  // The select list and the table are not optional in the pattern.
  const list = m[1]!;
  const tableName = m[2]!;
  const table = TABLES[tableName.toLowerCase()];
  if (!table) return text(`** (Postgrex.Error) ERROR 42P01 (undefined_table) relation "${tableName}" does not exist`, true);
  const cols = list.trim() === '*' ? table.columns : list.split(',').map((c) => c.trim());
  const missing = cols.find((c) => !table.columns.includes(c));
  if (missing) return text(`** (Postgrex.Error) ERROR 42703 (undefined_column) column "${missing}" does not exist`, true);
  let rows = table.rows;
  if (m[3]) {
    const idx = table.columns.indexOf(m[3]);
    const raw = m[4]!; // the where clause's value comes with its column
    const value = raw.startsWith('$') ? params[Number(raw.slice(1)) - 1] : raw.startsWith("'") ? raw.slice(1, -1) : Number(raw);
    rows = rows.filter((r) => r[idx] === value);
  }
  if (m[5]) rows = rows.slice(0, Number(m[5]));
  const picked = rows.map((r) => cols.map((c) => r[table.columns.indexOf(c)]));
  return text(`%Postgrex.Result{command: :select, columns: ${inspect(cols)}, rows: ${inspect(picked)}, num_rows: ${picked.length}}`);
}

export async function startTidewaveServer(opts: TidewaveOptions = {}): Promise<TidewaveTestServer> {
  const logs = [...(opts.logs ?? [
    { level: 'info' as Level, message: 'Running MyAppWeb.Endpoint with Bandit 1.5.7 at 127.0.0.1:4000 (http)' },
    { level: 'info' as Level, message: 'GET /users' },
    { level: 'info' as Level, message: 'Sent 200 in 4ms' },
    { level: 'error' as Level, message: '** (Ecto.NoResultsError) expected at least one result but got none in query' },
    { level: 'warning' as Level, message: 'MyAppWeb.UserLive.Index: handle_event "delete" received an unknown id' },
  ])];
  const stamp = () => new Date().toISOString().slice(11, 23);
  const lines = logs.map((l) => ({ ...l, line: `${stamp()} [${l.level}] ${l.message}` }));
  const requests: RecordedRequest[] = [];
  const waiters = new Set<(r: RecordedRequest) => boolean>();

  const callTool = async (name: string, args: Record<string, unknown>): Promise<ToolAnswer | undefined> => {
    const def = TIDEWAVE_TOOLS.find((t) => t.name === name);
    if (!def) return undefined;
    const missing = def.inputSchema.required.filter((r) => args[r] === undefined);
    if (missing.length) return text(`Missing required argument${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, true);
    switch (name) {
      case 'get_logs': {
        const tail = Number(args.tail);
        if (!Number.isInteger(tail) || tail < 0) return text('tail must be a non-negative integer', true);
        let picked = lines;
        if (typeof args.level === 'string') {
          const max = LEVELS.indexOf(args.level as Level);
          if (max < 0) return text(`Invalid level ${args.level}. Valid levels: ${LEVELS.join(', ')}`, true);
          picked = picked.filter((l) => LEVELS.indexOf(l.level) <= max);
        }
        if (typeof args.grep === 'string') {
          let re: RegExp;
          try {
            re = new RegExp(args.grep, 'i');
          } catch (err) {
            return text(`Invalid grep regex: ${(err as Error).message}`, true);
          }
          picked = picked.filter((l) => re.test(l.line));
        }
        return text(picked.slice(Math.max(0, picked.length - tail)).map((l) => l.line).join('\n'));
      }
      case 'get_source_location': {
        const ref = String(args.reference);
        const found = SOURCES[ref];
        if (found) return text(found);
        return text(ref.startsWith('dep:') ? `Package ${ref.slice(4)} not found. Make sure it is listed in your mix.exs.` : `Could not find source for ${ref}`, true);
      }
      case 'get_docs': {
        const ref = String(args.reference);
        return DOCS[ref] ? text(DOCS[ref]) : text(`Could not find docs for ${ref}`, true);
      }
      case 'project_eval':
        return projectEval(args);
      case 'execute_sql_query':
        return sqlQuery(args);
    }
    return undefined;
  };

  const handle = async (msg: JsonRpc): Promise<object | undefined> => {
    if (msg.id === undefined || msg.method === undefined) return undefined; // notification or a response
    const ok = (result: unknown) => ({ jsonrpc: '2.0', id: msg.id, result });
    const fail = (code: number, message: string) => ({ jsonrpc: '2.0', id: msg.id, error: { code, message } });
    const params = msg.params ?? {};
    switch (msg.method) {
      case 'initialize':
        if (typeof params.protocolVersion !== 'string') return fail(-32602, 'Invalid params: protocolVersion is required');
        return ok({
          protocolVersion: PROTOCOL_VERSION,
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: 'Tidewave MCP Server', version: '0.9.0' },
        });
      case 'ping':
        return ok({});
      case 'tools/list':
        return ok({ tools: TIDEWAVE_TOOLS });
      case 'tools/call': {
        const name = String(params.name);
        const answer = await callTool(name, (params.arguments as Record<string, unknown> | undefined) ?? {});
        return answer ? ok(answer) : fail(-32602, `Unknown tool: ${name}`);
      }
      default:
        return fail(-32601, `Method not found: ${msg.method}`);
    }
  };

  const server = http.createServer((req, res) => {
    const record = (status: number, rpc: string[] = []) => {
      const r = { method: req.method ?? '', rpc, headers: req.headers, status };
      requests.push(r);
      for (const w of [...waiters]) if (w(r)) waiters.delete(w);
    };
    const reply = (status: number, body?: unknown, headers: http.OutgoingHttpHeaders = {}) => {
      res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const remote = req.socket.remoteAddress ?? '';
    if (!/^(127\.|::1$|::ffff:127\.)/.test(remote)) {
      record(403);
      return reply(403, { error: 'For security reasons, Tidewave only accepts requests from localhost' });
    }
    if (req.headers.origin !== undefined) {
      record(403);
      return reply(403, { error: 'For security reasons, Tidewave does not accept requests with an origin header' });
    }
    if ((req.url ?? '').split('?')[0] !== TIDEWAVE_PATH) {
      record(404);
      return reply(404, { error: 'Not found' });
    }
    if (req.method !== 'POST') {
      record(405);
      return reply(405, undefined, { allow: 'POST' });
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      let parsed: JsonRpc | JsonRpc[];
      try {
        parsed = JSON.parse(body) as JsonRpc | JsonRpc[];
      } catch {
        record(400);
        return reply(400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      }
      const batch = Array.isArray(parsed) ? parsed : [parsed];
      const rpc = batch.map((m) => m.method ?? 'response');
      void Promise.all(batch.map(handle)).then((answers) => {
        const out = answers.filter((a): a is object => a !== undefined);
        const status = out.length ? 200 : 202;
        record(status, rpc);
        if (!out.length) return reply(202);
        reply(200, Array.isArray(parsed) ? out : out[0]);
      });
    });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}${TIDEWAVE_PATH}`,
    port,
    requests,
    waitForRequest: (match) =>
      new Promise((resolve) => {
        const seen = requests.find(match);
        if (seen) return resolve(seen);
        waiters.add((r) => (match(r) ? (resolve(r), true) : false));
      }),
    log: (level, message) => lines.push({ level, message, line: `${stamp()} [${level}] ${message}` }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (require.main === module) {
  const i = process.argv.indexOf('--port');
  const port = i >= 0 ? Number(process.argv[i + 1]) : 0;
  startTidewaveServer({ port }).then(
    (tw) => {
      process.stdout.write(`${JSON.stringify({ port: tw.port, url: tw.url })}\n`);
      const stop = () => void tw.close().then(() => process.exit(0));
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (err: unknown) => {
      process.stderr.write(`tidewave test server: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
