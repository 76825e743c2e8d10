import * as assert from 'node:assert/strict';
import { LIMITS, validateWebviewMessage } from '../../../src/shared/validate';

const ok = (raw: unknown) => {
  const r = validateWebviewMessage(raw);
  return r.ok ? r.message : { rejected: r.error };
};

describe('validateWebviewMessage', () => {
  it('accepts every message of the protocol and returns clean copies without unknown keys', () => {
    const inputs: unknown[] = [
      { type: 'ready', extra: 1 },
      { type: 'send', text: 'Explain @lib/a.ex', mentions: [{ kind: 'file', label: 'a.ex', detail: 'lib', value: 'lib/a.ex', evil: true }] },
      { type: 'send', text: '', mentions: [{ kind: 'selection', label: 'selection', value: 'selection' }] },
      { type: 'stop' },
      { type: 'retry' },
      { type: 'continue' },
      { type: 'approve', callId: 'toolu_01ABC', decision: 'allowOnce' },
      { type: 'approve', callId: 'toolu_01ABC', decision: 'deny', reason: 'not now' },
      { type: 'approve', callId: 'toolu_01ABC', decision: 'deny', reason: '   ' },
      { type: 'newConversation' },
      { type: 'pickPersona' },
      { type: 'pickPersona', name: 'ecto-reviewer' },
      { type: 'openConversation', id: 'c-2026-11-26T10:00:00.000Z' },
      { type: 'deleteConversation', id: 'abc' },
      { type: 'renameConversation', id: 'abc', title: '  N+1 fix  ' },
      { type: 'exportConversation', id: 'abc' },
      { type: 'openFile', path: 'lib/app/accounts.ex', line: 12 },
      { type: 'openFile', path: '/abs/lib/x.ex' },
      { type: 'insertAtCursor', code: 'IO.inspect(x)' },
      { type: 'copy', text: 'mix test' },
      { type: 'mentionQuery', requestId: 3, query: 'acc' },
      { type: 'command', command: 'setApiKey' },
      { type: 'focus', focused: true, extra: 'dropped' },
    ];
    assert.deepEqual(inputs.map(ok), [
      { type: 'ready' },
      { type: 'send', text: 'Explain @lib/a.ex', mentions: [{ kind: 'file', label: 'a.ex', detail: 'lib', value: 'lib/a.ex' }] },
      { type: 'send', text: '', mentions: [{ kind: 'selection', label: 'selection', value: 'selection' }] },
      { type: 'stop' },
      { type: 'retry' },
      { type: 'continue' },
      { type: 'approve', callId: 'toolu_01ABC', decision: 'allowOnce' },
      { type: 'approve', callId: 'toolu_01ABC', decision: 'deny', reason: 'not now' },
      { type: 'approve', callId: 'toolu_01ABC', decision: 'deny' },
      { type: 'newConversation' },
      { type: 'pickPersona' },
      { type: 'pickPersona', name: 'ecto-reviewer' },
      { type: 'openConversation', id: 'c-2026-11-26T10:00:00.000Z' },
      { type: 'deleteConversation', id: 'abc' },
      { type: 'renameConversation', id: 'abc', title: 'N+1 fix' },
      { type: 'exportConversation', id: 'abc' },
      { type: 'openFile', path: 'lib/app/accounts.ex', line: 12 },
      { type: 'openFile', path: '/abs/lib/x.ex' },
      { type: 'insertAtCursor', code: 'IO.inspect(x)' },
      { type: 'copy', text: 'mix test' },
      { type: 'mentionQuery', requestId: 3, query: 'acc' },
      { type: 'command', command: 'setApiKey' },
      { type: 'focus', focused: true },
    ]);
  });

  it('refuses wrong shapes, types, values and lengths with a reason', () => {
    const bad: Array<[unknown, RegExp]> = [
      [null, /must be an object/],
      ['ready', /must be an object/],
      [[{ type: 'ready' }], /must be an object/],
      [{}, /string type/],
      [{ type: 'eval', code: 'x' }, /unknown message type "eval"/],
      [{ type: '__proto__' }, /unknown message type/],
      [{ type: 'send', text: 42, mentions: [] }, /text must be a string/],
      [{ type: 'send', text: '   ', mentions: [] }, /nothing to send/],
      [{ type: 'send', text: 'x'.repeat(LIMITS.sendText + 1), mentions: [] }, /longer than/],
      [{ type: 'send', text: 'x', mentions: {} }, /mentions must be an array/],
      [{ type: 'send', text: 'x', mentions: Array(LIMITS.mentions + 1).fill({ kind: 'file', label: 'a', value: 'a' }) }, /at most/],
      [{ type: 'send', text: 'x', mentions: [{ kind: 'url', label: 'a', value: 'a' }] }, /kind must be one of/],
      [{ type: 'send', text: 'x', mentions: [{ kind: 'file', label: 'a', value: 'a\0b' }] }, /NUL/],
      [{ type: 'approve', callId: 'toolu_1', decision: 'allowForever' }, /decision must be one of/],
      [{ type: 'approve', callId: 'toolu 1', decision: 'allowOnce' }, /callId has characters/],
      [{ type: 'approve', callId: '', decision: 'allowOnce' }, /callId must not be empty/],
      [{ type: 'approve', callId: 'toolu_1', decision: 'allowOnce', reason: 'x' }, /only a denial carries a reason/],
      [{ type: 'approve', callId: 'toolu_1', decision: 'deny', reason: 'x'.repeat(LIMITS.reason + 1) }, /longer than/],
      [{ type: 'openConversation', id: '../../etc' }, /characters an id cannot have/],
      [{ type: 'renameConversation', id: 'a', title: 'line\nbreak' }, /control characters/],
      [{ type: 'renameConversation', id: 'a', title: ' ' }, /must not be empty/],
      [{ type: 'openFile', path: '' }, /must not be empty/],
      [{ type: 'openFile', path: 'a.ex', line: 0 }, /between 1 and/],
      [{ type: 'openFile', path: 'a.ex', line: 1.5 }, /integer/],
      [{ type: 'openFile', path: 'a\0.ex' }, /NUL/],
      [{ type: 'insertAtCursor', code: 'x'.repeat(LIMITS.code + 1) }, /longer than/],
      [{ type: 'mentionQuery', requestId: -1, query: '' }, /between 0 and/],
      [{ type: 'command', command: 'workbench.action.terminal.new' }, /command must be one of/],
      [{ type: 'pickPersona', name: '' }, /must not be empty/],
      [{ type: 'focus', focused: 'yes' }, /focused must be a boolean/],
      [{ type: 'focus' }, /focused must be a boolean/],
    ];
    assert.deepEqual(
      bad.map(([raw, re]) => {
        const r = ok(raw) as { rejected?: string };
        return r.rejected !== undefined && re.test(r.rejected) ? 'rejected as expected' : `unexpected: ${JSON.stringify(r)}`;
      }),
      bad.map(() => 'rejected as expected'),
    );
  });
});
