/**
 * Host-side validation of every message a chat webview posts. The webview
 * renders model output, so the host treats whatever arrives from it as
 * untrusted: the shape, the types and the lengths are checked, unknown keys
 * are dropped, and anything that does not match the protocol is refused
 * (the caller logs and drops it). Returns a fresh, clean object on success.
 */
import type { ApprovalDecision, MentionItem, WebviewMessage } from './protocol';

export type ValidationResult = { ok: true; message: WebviewMessage } | { ok: false; error: string };

/** Limits, generous for real use and small enough to refuse abuse. */
export const LIMITS = {
  sendText: 200_000,
  mentions: 50,
  mentionLabel: 500,
  mentionDetail: 2_000,
  mentionValue: 4_096,
  id: 200,
  title: 300,
  reason: 2_000,
  path: 4_096,
  line: 10_000_000,
  code: 1_000_000,
  query: 500,
  personaName: 200,
} as const;

const DECISIONS: readonly ApprovalDecision[] = ['allowOnce', 'allowConversation', 'allowAlways', 'deny'];
const MENTION_KINDS: readonly MentionItem['kind'][] = ['file', 'selection', 'problems'];
const COMMANDS = ['setApiKey', 'createAgent', 'openAgentFile', 'openSettings', 'manageTrust', 'openInEditor'] as const;
/** Conversation and tool-call ids: printable, no spaces, no control characters. */
const ID_PATTERN = /^[\w.:@-]+$/;

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(obj: Record<string, unknown>, key: string, max: number, opts: { optional?: boolean; nonEmpty?: boolean } = {}): string | undefined {
  const value = obj[key];
  if (value === undefined && opts.optional) return undefined;
  if (typeof value !== 'string') fail(`${key} must be a string`);
  if (value.length > max) fail(`${key} is longer than ${max} characters`);
  if (opts.nonEmpty && value.trim() === '') fail(`${key} must not be empty`);
  return value;
}

function id(obj: Record<string, unknown>, key: string): string {
  const value = str(obj, key, LIMITS.id, { nonEmpty: true }) as string;
  if (!ID_PATTERN.test(value)) fail(`${key} has characters an id cannot have`);
  return value;
}

function int(obj: Record<string, unknown>, key: string, min: number, max: number, optional = false): number | undefined {
  const value = obj[key];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(`${key} must be an integer`);
  if (value < min || value > max) fail(`${key} must be between ${min} and ${max}`);
  return value;
}

function oneOf<T extends string>(obj: Record<string, unknown>, key: string, allowed: readonly T[]): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail(`${key} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Text must not smuggle NUL bytes (paths and ids reach the file system and logs). */
function noNul(value: string, key: string): string {
  if (value.includes('\0')) fail(`${key} contains a NUL character`);
  return value;
}

function mention(raw: unknown, index: number): MentionItem {
  if (!isRecord(raw)) fail(`mentions[${index}] must be an object`);
  const kind = oneOf(raw, 'kind', MENTION_KINDS);
  const label = str(raw, 'label', LIMITS.mentionLabel, { nonEmpty: true }) as string;
  const detail = str(raw, 'detail', LIMITS.mentionDetail, { optional: true });
  const value = noNul(str(raw, 'value', LIMITS.mentionValue) as string, `mentions[${index}].value`);
  return detail === undefined ? { kind, label, value } : { kind, label, detail, value };
}

function parse(raw: unknown): WebviewMessage {
  if (!isRecord(raw)) fail('a message must be an object');
  const type = raw.type;
  if (typeof type !== 'string') fail('a message must have a string type');
  switch (type) {
    case 'ready':
    case 'stop':
    case 'retry':
    case 'continue':
    case 'newConversation':
      return { type };
    case 'send': {
      const text = str(raw, 'text', LIMITS.sendText) as string;
      const list = raw.mentions ?? [];
      if (!Array.isArray(list)) fail('mentions must be an array');
      if (list.length > LIMITS.mentions) fail(`at most ${LIMITS.mentions} mentions`);
      const mentions = list.map(mention);
      if (text.trim() === '' && mentions.length === 0) fail('nothing to send');
      return { type, text, mentions };
    }
    case 'approve': {
      const callId = id(raw, 'callId');
      const decision = oneOf(raw, 'decision', DECISIONS);
      const reason = str(raw, 'reason', LIMITS.reason, { optional: true });
      if (reason !== undefined && decision !== 'deny') fail('only a denial carries a reason');
      return reason === undefined || reason.trim() === '' ? { type, callId, decision } : { type, callId, decision, reason };
    }
    case 'pickPersona': {
      const name = str(raw, 'name', LIMITS.personaName, { optional: true, nonEmpty: true });
      return name === undefined ? { type } : { type, name };
    }
    case 'openConversation':
    case 'deleteConversation':
    case 'exportConversation':
    case 'stopBackgroundTask':
      return { type, id: id(raw, 'id') };
    case 'renameConversation': {
      const title = (str(raw, 'title', LIMITS.title, { nonEmpty: true }) as string).trim();
      if (/[\u0000-\u001f\u007f]/.test(title)) fail('title contains control characters');
      return { type, id: id(raw, 'id'), title };
    }
    case 'openFile': {
      const path = noNul(str(raw, 'path', LIMITS.path, { nonEmpty: true }) as string, 'path');
      const line = int(raw, 'line', 1, LIMITS.line, true);
      return line === undefined ? { type, path } : { type, path, line };
    }
    case 'insertAtCursor':
      return { type, code: str(raw, 'code', LIMITS.code) as string };
    case 'copy':
      return { type, text: str(raw, 'text', LIMITS.code) as string };
    case 'mentionQuery':
      return { type, requestId: int(raw, 'requestId', 0, Number.MAX_SAFE_INTEGER) as number, query: str(raw, 'query', LIMITS.query) as string };
    case 'command':
      return { type, command: oneOf(raw, 'command', COMMANDS) };
    case 'focus':
      if (typeof raw.focused !== 'boolean') fail('focused must be a boolean');
      return { type, focused: raw.focused };
    default:
      fail(`unknown message type ${JSON.stringify(type.slice(0, 40))}`);
  }
}

/** Checks one message from a webview; never throws. */
export function validateWebviewMessage(raw: unknown): ValidationResult {
  try {
    return { ok: true, message: parse(raw) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message };
    return { ok: false, error: `unreadable message: ${String(err)}` };
  }
}
