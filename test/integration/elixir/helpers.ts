/** Shared by the `elixir` suites: the runtime, waiting on editor events, running the ide tools. */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ToolContext, ToolResult } from '../../../src/core/tools/types';
import type { ExtensionApi } from '../../../src/extension';
import { EXTENSION_ID } from '../../../src/vscode/ids';
import type { Runtime } from '../../../src/vscode/runtime';
import type { ElixirService } from '../../../src/vscode/elixir';
import type { HostMessage, ToolCallView } from '../../../src/shared/protocol';
import { ScriptedModelServer, turn, type ScriptedTurn } from '../../support/scriptedModelServer';
import { firstFolder } from '../workspace';

export async function runtime(): Promise<Runtime> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  return api.runtime();
}

export async function elixirService(rt: Runtime): Promise<ElixirService> {
  const elixir = rt.services.elixir;
  assert.ok(elixir, 'services.elixir is registered');
  await elixir.ready();
  return elixir;
}

/**
 * Resolves once `check` holds: checked now, then again on each firing of the
 * given events. Fails after `timeoutMs` saying what it waited for.
 */
export function until(check: () => boolean, events: Array<vscode.Event<unknown>>, what: string, timeoutMs = 45_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const subs: vscode.Disposable[] = [];
    const done = (err?: Error): void => {
      clearTimeout(timer);
      for (const s of subs) s.dispose();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    for (const e of events) subs.push(e(() => check() && done()));
  });
}

export const text = (r: ToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

export function toolContext(elixir: ElixirService, signal = new AbortController().signal): ToolContext {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  return {
    workspaceFolders: folders,
    cwd: firstFolder().uri.fsPath,
    signal,
    files: {
      readText: async () => {
        throw new Error('not used');
      },
      version: async () => undefined,
      writeText: async () => {
        throw new Error('not used');
      },
    },
    reads: { markRead: () => undefined, lastRead: () => undefined },
    services: elixir.toolServices(),
  };
}

/** Runs mcp__ide__getDiagnostics the way the chat does, and parses its JSON. */
export async function getDiagnostics(elixir: ElixirService, uri?: vscode.Uri): Promise<Array<{ uri: string; diagnostics: Array<Record<string, unknown>> }>> {
  const tool = elixir.tools().find((t) => t.name === 'mcp__ide__getDiagnostics');
  assert.ok(tool, 'getDiagnostics is offered');
  const result = await tool.invoke(uri ? { uri: uri.toString() } : {}, toolContext(elixir));
  assert.notStrictEqual(result.isError, true, text(result));
  const [first] = result.content;
  return JSON.parse(first?.type === 'text' ? first.text : 'null');
}

/**
 * One chat exchange against the scripted model: it calls getDiagnostics (for
 * `uri`, or all files), then answers. Returns the tool_result content the
 * model received in its next request.
 */
export async function modelSeesDiagnostics(rt: Runtime, uri?: vscode.Uri): Promise<string> {
  const chat = rt.services.chat;
  assert.ok(chat, 'services.chat is registered');
  const server = await ScriptedModelServer.start();
  const config = vscode.workspace.getConfiguration('elixirAgent');
  try {
    await config.update('baseUrl', server.url, vscode.ConfigurationTarget.Global);
    server.enqueue(turn.toolUse('mcp__ide__getDiagnostics', uri ? { uri: uri.toString() } : {}, { id: 'toolu_diag_1' }), turn.text('I see the problems.'));
    await chat.backend.newConversation();
    await chat.backend.send('Which problems does the workspace have?');
    await server.waitForRequests(2);
    await chat.backend.whenIdle();
    const second = server.messageRequests()[1] as { messages: Array<{ role: string; content: unknown }> };
    const results = second.messages
      .flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []))
      .filter((b) => b.type === 'tool_result' && b.tool_use_id === 'toolu_diag_1');
    assert.strictEqual(results.length, 1, 'the model got one tool_result for its getDiagnostics call');
    const result = results[0]!;
    assert.notStrictEqual(result.is_error, true, JSON.stringify(result));
    const content = result.content;
    return typeof content === 'string' ? content : (content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('\n');
  } finally {
    await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  }
}

export interface ChatExchange {
  /** The tool_result the model received for each tool_use id, as text. */
  results: Record<string, { text: string; isError: boolean }>;
  /** The tool_result for one tool_use id; fails the test when the model received none. */
  result: (id: string) => { text: string; isError: boolean };
  /** Every state of every tool card, in order. */
  cards: ToolCallView[];
}

/**
 * One chat exchange against the scripted model: `turns` are its answers in
 * order (tool calls, then text). Returns what the model received and what the
 * tool cards showed.
 */
export async function chatWith(rt: Runtime, turns: ScriptedTurn[], prompt: string): Promise<ChatExchange> {
  const chat = rt.services.chat;
  assert.ok(chat, 'services.chat is registered');
  const server = await ScriptedModelServer.start();
  const config = vscode.workspace.getConfiguration('elixirAgent');
  const cards: ToolCallView[] = [];
  const sub = chat.backend.onMessage((m: HostMessage) => {
    if (m.type === 'toolUpdated') cards.push(structuredClone(m.call));
  });
  try {
    await config.update('baseUrl', server.url, vscode.ConfigurationTarget.Global);
    server.enqueue(...turns);
    await chat.backend.newConversation();
    await chat.backend.send(prompt);
    await server.waitForRequests(turns.length);
    await chat.backend.whenIdle();
    const results: ChatExchange['results'] = {};
    for (const req of server.messageRequests() as Array<{ messages: Array<{ content: unknown }> }>) {
      for (const m of req.messages) {
        for (const b of Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []) {
          if (b.type !== 'tool_result') continue;
          const c = b.content;
          results[String(b.tool_use_id)] = { text: typeof c === 'string' ? c : (c as Array<{ text?: string }>).map((x) => x.text ?? '').join('\n'), isError: b.is_error === true };
        }
      }
    }
    const result = (id: string) => {
      const r = results[id];
      assert.ok(r, `a tool_result for ${id} (got ${Object.keys(results).join(', ') || 'none'})`);
      return r;
    };
    return { results, result, cards };
  } finally {
    sub.dispose();
    await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server.close();
  }
}
