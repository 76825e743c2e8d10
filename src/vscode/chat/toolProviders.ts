/**
 * How agent tools reach the chat: every feature that offers tools (builtin,
 * the ide channel, MCP servers, ...) registers a provider under an id; the
 * chat reads all of them at the start of each answer, so tools that appear
 * later (an MCP server connecting) are picked up. Registering an id again
 * replaces the earlier provider. The chat builds its registry from the
 * services it is given (chatToolProviders in index.ts):
 *
 *   registry.register({ id: 'builtin', tools: () => builtinTools(...), files: () => editorFiles, services: () => ({...}) });
 */
import type * as vscode from 'vscode';
import type { ApprovalPolicy, FileAccess, Tool, ToolServices } from '../../core/tools/types';
import type { AgentDefinition } from '../../core/agents';

export interface ChatToolProvider {
  /** 'builtin', 'ide', 'mcp', ... */
  readonly id: string;
  /** The tools offered now (model-facing names). */
  tools(): Tool[];
  /** Capabilities these tools need in their ToolContext.services (diagnostics, notebooks, a terminal mirror...). */
  services?(): Partial<ToolServices>;
  /** File access for all tools (the editor's: unsaved buffers, undoable edits). The last provider offering it wins. */
  files?(): FileAccess;
  /** The approval policy for an agent (settings, permissionMode, trust). The last provider offering it wins. */
  policy?(agent: AgentDefinition | undefined): ApprovalPolicy;
}

export class ToolProviderRegistry {
  private readonly providers = new Map<string, ChatToolProvider>();

  /** onError hears of a provider whose tools() threw (its tools are left out; the others still count). */
  constructor(private readonly onError: (id: string, err: unknown) => void = () => undefined) {}

  register(provider: ChatToolProvider): vscode.Disposable {
    this.providers.set(provider.id, provider);
    return { dispose: () => this.providers.get(provider.id) === provider && this.providers.delete(provider.id) };
  }

  has(id: string): boolean {
    return this.providers.has(id);
  }

  /** Every tool, first provider first; a name offered twice keeps the first. */
  tools(): Tool[] {
    const seen = new Map<string, Tool>();
    for (const p of this.providers.values()) {
      let tools: Tool[] = [];
      try {
        tools = p.tools();
      } catch (err) {
        this.onError(p.id, err); // one failing provider must not take the others down
        continue;
      }
      for (const t of tools) if (!seen.has(t.name)) seen.set(t.name, t);
    }
    return [...seen.values()];
  }

  services(): ToolServices {
    return Object.assign({}, ...[...this.providers.values()].map((p) => p.services?.() ?? {})) as ToolServices;
  }

  files(): FileAccess | undefined {
    return [...this.providers.values()].reverse().find((p) => p.files)?.files?.();
  }

  policy(agent: AgentDefinition | undefined): ApprovalPolicy | undefined {
    return [...this.providers.values()].reverse().find((p) => p.policy)?.policy?.(agent);
  }
}
