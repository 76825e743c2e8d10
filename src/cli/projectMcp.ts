/**
 * The project's MCP servers in `elixir-agent run`: a repository's `.mcp.json`
 * could send your secrets anywhere or run any command, so its servers are used
 * only with `--trust-project-mcp` (all of them) or `--trust-project-mcp=a,b`
 * (exactly those names). Whatever is trusted, `${VAR}` never expands to the
 * API key or a credential variable.
 */
import type { CreateMcpManagerOptions, McpManager } from '../core/mcp';
import { HeldSecrets } from '../core/util/heldSecrets';

export type ProjectMcpTrust = true | readonly string[] | undefined;

/** The manager options that decide about the project's servers and guard the key. */
export function projectMcpOptions(trust: ProjectMcpTrust, apiKey: string | undefined): Pick<CreateMcpManagerOptions, 'approve' | 'approvalHint' | 'secrets'> {
  const secrets = new HeldSecrets();
  secrets.addSource(() => apiKey);
  return {
    approve: (req) => trust === true || (Array.isArray(trust) && trust.includes(req.name)),
    approvalHint: `pass --trust-project-mcp or --trust-project-mcp=<name> to use it`,
    secrets,
  };
}

/** Says on stderr which project servers were skipped and how to allow them, and what went wrong with the trusted ones. */
export function reportProjectMcp(mcp: McpManager, trust: ProjectMcpTrust, warn: (line: string) => void): void {
  const project = mcp.states().filter((s) => s.project);
  const skipped = project.filter((s) => s.needsApproval);
  if (skipped.length) {
    const list = skipped.map((s) => `${s.name} (${s.transport} ${s.target})`).join(', ');
    warn(
      `elixir-agent: skipped the MCP server${skipped.length > 1 ? 's' : ''} the project declares: ${list}. ` +
        `A repository's server can receive your secrets or run code, so it is used only when you say so: ` +
        `--trust-project-mcp uses all of them, --trust-project-mcp=${skipped.map((s) => s.name).join(',')} exactly those.`,
    );
  }
  if (Array.isArray(trust)) {
    const unknown = trust.filter((n) => !project.some((s) => s.name === n));
    if (unknown.length) warn(`elixir-agent: --trust-project-mcp names ${unknown.map((n) => `"${n}"`).join(', ')}, which the project does not declare (it declares: ${project.map((s) => s.name).join(', ') || 'none'})`);
  }
  for (const s of project.filter((x) => !x.needsApproval && x.state !== 'connected')) warn(`elixir-agent: MCP server "${s.name}" is ${s.state}: ${s.detail ?? 'no detail'}`);
}
