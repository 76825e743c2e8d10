/** Builders of protocol data for the chat UI tests. */
import type { ChatStateView, EnvironmentView, MessageView, PersonaView, ToolCallView, UsageView } from '../../../src/shared/protocol';

export const ZERO_USAGE: UsageView = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 };

export function persona(overrides: Partial<PersonaView> = {}): PersonaView {
  return {
    name: 'phoenix-elixir-expert',
    description: 'MUST BE USED for all Elixir, Phoenix, Ecto, OTP, LiveView backend development and testing.',
    color: 'purple',
    model: 'claude-sonnet-5-5',
    source: 'project',
    filePath: '/work/app/.claude/agents/phoenix-elixir-expert.md',
    tools: [
      { name: 'Read', status: 'available' },
      { name: 'Edit', status: 'available' },
      { name: 'Bash', status: 'available' },
      { name: 'Grep', status: 'available' },
      { name: 'mcp__ide__getDiagnostics', status: 'available' },
      { name: 'mcp__tidewave__project_eval', status: 'unknown', detail: 'Tidewave is not connected yet' },
      { name: 'mcp__tidewave__get_ecto_schemas', status: 'unavailable', detail: 'removed in Tidewave 0.4' },
    ],
    problems: [],
    ...overrides,
  };
}

export function env(overrides: Partial<EnvironmentView> = {}): EnvironmentView {
  return {
    hasApiKey: true,
    trusted: true,
    isElixirWorkspace: true,
    projectSummary: 'Phoenix 1.7 · Ecto · LiveView',
    mcpServers: [{ name: 'tidewave', state: 'connected' }],
    ...overrides,
  };
}

export function state(overrides: Partial<ChatStateView> = {}): ChatStateView {
  const p = overrides.persona ?? persona();
  return {
    conversationId: 'conv-1',
    title: 'New conversation',
    messages: [],
    busy: false,
    persona: p,
    personas: [
      { name: p.name, description: p.description, source: p.source, color: p.color },
      { name: 'ecto-reviewer', description: 'Reviews Ecto schemas and queries', source: 'user', color: 'green' },
    ],
    history: [
      { id: 'conv-1', title: 'New conversation', updatedAt: Date.now() - 60_000, messageCount: 0 },
      { id: 'conv-0', title: 'Fix the N+1 in Accounts.list_users', updatedAt: Date.now() - 86_400_000, messageCount: 12 },
    ],
    env: env(),
    totals: ZERO_USAGE,
    contextFill: 0,
    ...overrides,
  };
}

let seq = 0;
export function userMessage(text: string, id = `u${++seq}`): MessageView {
  return { id, role: 'user', blocks: [{ kind: 'text', text }], status: 'done', createdAt: Date.now() };
}

export function assistantMessage(text: string, overrides: Partial<MessageView> = {}): MessageView {
  return { id: `a${++seq}`, role: 'assistant', blocks: text ? [{ kind: 'text', text }] : [], status: 'done', createdAt: Date.now(), ...overrides };
}

export function toolCall(overrides: Partial<ToolCallView> = {}): ToolCallView {
  return { id: `toolu_${++seq}`, name: 'Read', summary: 'lib/app/accounts.ex', input: { file_path: '/work/app/lib/app/accounts.ex' }, status: 'running', ...overrides };
}

export const EDIT_DIFF = [
  '--- a/lib/app/accounts.ex',
  '+++ b/lib/app/accounts.ex',
  '@@ -10,7 +10,8 @@ defmodule App.Accounts do',
  '   def list_users do',
  '-    Repo.all(User)',
  '+    User',
  '+    |> preload(:organization)',
  '+    |> Repo.all()',
  '   end',
].join('\n');

/** A long conversation: `n` messages, every third answer with a long Elixir code block. */
export function longConversation(n: number): MessageView[] {
  const code = Array.from({ length: 60 }, (_, i) => `  def fun_${i}(x), do: {:ok, x + ${i}} # line ${i}`).join('\n');
  const out: MessageView[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) out.push(userMessage(`Question ${i}: how do I handle case ${i}?`, `m${i}`));
    else
      out.push({
        id: `m${i}`,
        role: 'assistant',
        status: 'done',
        createdAt: 0,
        blocks: [{ kind: 'text', text: `Answer ${i}. Use pattern matching.\n\n${i % 3 === 0 ? '```elixir\ndefmodule M' + i + ' do\n' + code + '\nend\n```\n' : 'Short answer with `lib/app/m.ex:' + i + '`.'}` }],
      });
  }
  return out;
}
