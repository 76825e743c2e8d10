/**
 * Running the tool calls of one assistant turn: policy, the user's approval,
 * invocation, results for the model (errors as is_error, large results
 * truncated), live card updates for the user. Consecutive read-only calls run
 * in parallel; every other call runs alone, in order. A stop cancels the
 * running tool and answers the remaining calls with a clear is_error result.
 */
import type { ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import * as os from 'node:os';
import type { ToolCallRecord } from './records';
import { alwaysAllowRule } from '../settings/suggest';
import { ToolError, type ApprovalPolicy, type ApprovalRequest, type Tool, type ToolContext, type ToolResult, type UserApproval } from '../tools/types';
import { truncateToolText } from './context';
import { toolSummary } from './toolSummary';
import { TOOL_CARD_TEXT_CAP } from '../../shared/limits';

export interface PendingCall {
  id: string;
  name: string;
  input: unknown;
  /** Set when the model's input was not valid JSON. */
  inputError?: string;
  /** Set when the call must not run (a malformed response): the is_error result the model gets. */
  rejected?: string;
}

/** What the user is asked on the tool card. */
export interface ApprovalPrompt {
  callId: string;
  tool: Tool;
  input: unknown;
  request: ApprovalRequest;
}

export type Approver = (prompt: ApprovalPrompt, signal: AbortSignal) => Promise<UserApproval>;

export interface ToolRunDeps {
  tools: Map<string, Tool>;
  policy: ApprovalPolicy;
  approve: Approver;
  /** A tool context for one call (signal, live output and status wired by the caller). */
  context: (signal: AbortSignal, onOutput: (chunk: string) => void, onProgress: (status: string) => void) => ToolContext;
  /** Approvals the user gave "for this conversation". */
  allowedForConversation: Set<string>;
  maxResultChars: number;
  workspaceFolders: string[];
  /** A card changed. */
  update: (call: ToolCallRecord) => void;
}

const DISPLAY_CAP = TOOL_CARD_TEXT_CAP;
const OUTPUT_THROTTLE_MS = 100;

export const STOPPED_BEFORE_RUN = 'Not run: the user stopped the answer before this tool call ran.';
export const STOPPED_WHILE_RUNNING = 'Cancelled: the user stopped the answer while this tool was running.';

/** The key under which "allow for this conversation" is remembered: the exact command for commands, else the tool. */
export function conversationApprovalKey(tool: Tool, input: unknown): string {
  const command = (input as { command?: unknown; code?: unknown } | null)?.command ?? (input as { code?: unknown } | null)?.code;
  return tool.kind === 'execute' && typeof command === 'string' ? `${tool.name}:${command}` : tool.name;
}

/**
 * The tool_use ids of a conversation. The API needs every id to be unique in a
 * request, with exactly one tool_result each; a model that repeats an id (in one
 * response, or from an earlier turn) gets its calls renamed (`id_2`, `id_3`...)
 * so the next request stays valid, and the response is reported as malformed.
 */
export class ToolUseIds {
  private readonly taken: Set<string>;

  constructor(private readonly earlier: ReadonlySet<string>) {
    this.taken = new Set(earlier);
  }

  /** The id to use for a call the model named `id`: itself when it is new, else a fresh one. */
  claim(id: string): string {
    let out = id;
    for (let n = 2; this.taken.has(out); n++) out = `${id}_${n}`;
    this.taken.add(out);
    return out;
  }

  /** Why a response whose tool calls carry these ids (as the model sent them) is malformed, or undefined. */
  problem(ids: string[]): string | undefined {
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const problems: string[] = [];
    for (const [id, n] of counts) {
      if (n > 1) problems.push(`${n} tool calls used the same id (${id})`);
      if (this.earlier.has(id)) problems.push(`a tool call reused the id of an earlier tool call (${id})`);
    }
    return problems.length ? problems.join('; ') : undefined;
  }
}

/** The is_error result of every call of a malformed response. */
export const malformedResult = (problem: string): string =>
  `Not run: the response was malformed: ${problem}, so none of the tool calls in it ran. Call the tools again, each with a new, unique id.`;

/**
 * Per-call abort controllers that follow the answer's signal through ONE
 * listener, however many calls run in parallel (a listener per call on the
 * shared signal piles up: Node warns past 10).
 */
class CallSignals {
  private readonly live = new Set<AbortController>();
  private readonly onAbort = () => {
    for (const c of this.live) c.abort();
  };

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  open(): AbortController {
    const c = new AbortController();
    if (this.signal.aborted) c.abort();
    else this.live.add(c);
    return c;
  }

  close(c: AbortController): void {
    this.live.delete(c);
  }

  dispose(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    this.live.clear();
  }
}

export async function runToolCalls(calls: PendingCall[], views: Map<string, ToolCallRecord>, deps: ToolRunDeps, signal: AbortSignal): Promise<ToolResultBlockParam[]> {
  const results = new Map<string, ToolResultBlockParam>();
  const groups: PendingCall[][] = [];
  const parallel = (c: PendingCall) => deps.tools.get(c.name)?.readOnly === true && !c.inputError && !c.rejected;
  for (const call of calls) {
    const last = groups.at(-1);
    if (parallel(call) && last && last.every(parallel)) last.push(call);
    else groups.push([call]);
  }
  const signals = new CallSignals(signal);
  try {
    for (const group of groups) {
      if (signal.aborted) {
        for (const call of group) results.set(call.id, cancelled(call, views, deps, STOPPED_BEFORE_RUN));
        continue;
      }
      const done = await Promise.all(group.map(async (call) => [call.id, await runOne(call, views.get(call.id)!, deps, signals)] as const));
      for (const [id, result] of done) results.set(id, result);
    }
  } finally {
    signals.dispose();
  }
  return calls.map((c) => results.get(c.id)!);
}

function cancelled(call: PendingCall, views: Map<string, ToolCallRecord>, deps: ToolRunDeps, text: string): ToolResultBlockParam {
  const view = views.get(call.id)!;
  Object.assign(view, { status: 'cancelled', isError: true, approval: undefined, output: view.output ?? text });
  deps.update({ ...view });
  return { type: 'tool_result', tool_use_id: call.id, is_error: true, content: text };
}

/** For tools that do not check their own input (MCP servers check theirs): the required parameters that are missing. */
function missingParameters(tool: Tool, input: Record<string, unknown>): string | undefined {
  const missing = (tool.inputSchema.required ?? []).filter((k) => input[k] === undefined);
  return missing.length ? `Missing required parameter${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.` : undefined;
}

async function runOne(call: PendingCall, view: ToolCallRecord, deps: ToolRunDeps, signals: CallSignals): Promise<ToolResultBlockParam> {
  const set = (patch: Partial<ToolCallRecord>) => {
    Object.assign(view, patch);
    deps.update({ ...view });
  };
  const originalSummary = view.summary;
  const fail = (text: string, status: ToolCallRecord['status'] = 'failed'): ToolResultBlockParam => {
    set({ status, isError: true, output: text, approval: undefined, summary: originalSummary });
    return { type: 'tool_result', tool_use_id: call.id, is_error: true, content: text };
  };

  if (call.rejected) return fail(call.rejected);
  const tool = deps.tools.get(call.name);
  if (!tool) {
    const names = [...deps.tools.keys()].join(', ') || 'none';
    return fail(`Unknown tool “${call.name}”: it is not available in this session. Available tools: ${names}.`);
  }
  if (call.inputError) return fail(`The tool input was not valid JSON (${call.inputError}). Send the input again as a JSON object.`);
  if (!call.input || typeof call.input !== 'object' || Array.isArray(call.input)) return fail('The tool input must be a JSON object.');
  // A call that cannot run is answered before anyone is asked to approve it.
  const invalid = tool.checkInput ? tool.checkInput(call.input) : missingParameters(tool, call.input as Record<string, unknown>);
  if (invalid) return fail(invalid);

  const controller = signals.open();
  let output = '';
  let timer: NodeJS.Timeout | undefined;
  const onOutput = (chunk: string) => {
    output = (output + chunk).slice(-DISPLAY_CAP);
    timer ??= setTimeout(() => {
      timer = undefined;
      if (view.status === 'running') set({ output });
    }, OUTPUT_THROTTLE_MS);
  };
  try {
    // A tool's status while it runs ("compiling with mix...") shows as the card's summary until its result replaces it.
    const onProgress = (status: string) => {
      if (view.status === 'running' && status.trim()) set({ summary: status.trim().slice(0, 200) });
    };
    const ctx = deps.context(controller.signal, onOutput, onProgress);
    const key = conversationApprovalKey(tool, call.input);
    const decision = await deps.policy.decide(tool, call.input);
    if (decision.decidedBy) set({ decidedBy: decision.decidedBy });
    if (decision.decision === 'deny') {
      return fail(`Denied by the approval policy${decision.reason ? `: ${decision.reason}` : ''}. Do not retry this call; ask the user if it is needed.`, 'denied');
    }
    if (decision.decision === 'ask') {
      const request: ApprovalRequest = tool.describe
        ? await tool.describe(call.input, ctx)
        : { title: `Run ${tool.name}`, command: JSON.stringify(call.input, null, 2) };
      if (decision.reason && !request.warning) request.warning = decision.reason;
      const everyTime = !!(decision.askEveryTime || request.askEveryTime);
      const alwaysRule = everyTime ? undefined : (request.alwaysRule ?? alwaysAllowRule(tool.name, call.input, { projectRoot: ctx.workspaceFolders[0], homeDir: os.homedir() }));
      if (alwaysRule) request.alwaysRule = alwaysRule;
      if (everyTime || !deps.allowedForConversation.has(key)) {
        const { askEveryTime: _everyTime, ...shown } = request;
        set({ status: 'awaiting-approval', approval: shown });
        const answer = await deps.approve({ callId: call.id, tool, input: call.input, request }, controller.signal);
        if (answer.decision === 'deny') {
          return fail(`The user denied this tool call${answer.reason ? `: ${answer.reason}` : '.'}`, 'denied');
        }
        if (answer.decision === 'allowConversation' && !everyTime) deps.allowedForConversation.add(key);
      }
    }
    set({ status: 'running', approval: undefined });
    const result = await tool.invoke(call.input, ctx);
    if (controller.signal.aborted) throw new Error('aborted');
    view.summary = originalSummary;
    return finish(call, result, set, deps.maxResultChars);
  } catch (err) {
    if (controller.signal.aborted) return fail(view.status === 'running' ? STOPPED_WHILE_RUNNING : STOPPED_BEFORE_RUN, 'cancelled');
    const message = err instanceof ToolError ? err.message : `${tool.name} failed: ${err instanceof Error ? err.message : String(err)}`;
    return fail(message);
  } finally {
    clearTimeout(timer);
    signals.close(controller);
  }
}

function finish(call: PendingCall, result: ToolResult, set: (p: Partial<ToolCallRecord>) => void, maxChars: number): ToolResultBlockParam {
  const texts = result.content.filter((c) => c.type === 'text').length || 1;
  const content = result.content.map((c) => (c.type === 'text' ? { type: 'text' as const, text: truncateToolText(c.text, Math.floor(maxChars / texts)) } : c));
  const display = result.content
    .map((c) => (c.type === 'text' ? c.text : `[image ${c.source.media_type}]`))
    .join('\n')
    .slice(0, DISPLAY_CAP);
  set({
    status: result.isError ? 'failed' : 'done',
    isError: !!result.isError,
    output: display,
    diff: result.display?.diff,
    path: result.display?.path,
    ...(result.display?.summary ? { summary: result.display.summary } : {}),
  });
  return {
    type: 'tool_result',
    tool_use_id: call.id,
    ...(result.isError ? { is_error: true } : {}),
    content: content.length ? (content as ToolResultBlockParam['content']) : [{ type: 'text', text: '(no output)' }],
  };
}

/** A card for a tool call the model just made. */
export function newToolCallRecord(call: PendingCall, workspaceFolders: string[]): ToolCallRecord {
  return { id: call.id, name: call.name, summary: toolSummary(call.name, call.input, workspaceFolders), input: call.input, status: 'pending' };
}
