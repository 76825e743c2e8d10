/**
 * Approval of the MCP servers a repository declares (`.mcp.json`, workspace and
 * folder settings), in the editor: a notification with Allow / Don't Allow
 * (and the full definition on request) the first time a definition is seen,
 * decisions remembered per workspace by definition hash, and the
 * "Review MCP Server Approvals" command to see, change or forget them.
 */
import * as vscode from 'vscode';
import {
  approvalQuestion,
  decideFromSources,
  definitionLines,
  McpApprovalStore,
  type McpApprovalDecision,
  type McpApprovalRequest,
  type McpApprovalSource,
  type McpManager,
} from '../../core/mcp';

const ALLOW = 'Allow';
const DENY = "Don't Allow";
const DETAILS = 'Show Definition';
const FORGET = 'Forget Decision';

/** Arguments of the review command when a script or test decides (the hash must match the current definition). */
export interface ReviewArgs {
  server: string;
  hash: string;
  decision: McpApprovalDecision | 'forget';
}

const isReviewArgs = (v: unknown): v is ReviewArgs =>
  typeof v === 'object' && v !== null && typeof (v as ReviewArgs).server === 'string' && typeof (v as ReviewArgs).hash === 'string' && ['allow', 'deny', 'forget'].includes((v as ReviewArgs).decision);

export class McpApprovals {
  readonly store: McpApprovalStore;
  /** Questions on screen, by definition hash; settled by the notification or by the review command. */
  private readonly asking = new Map<string, { promise: Promise<boolean>; settle: (allowed: boolean) => void }>();

  constructor(
    memento: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    /** Consulted before the user's own answers (later: Claude Code's enabledMcpjsonServers...). */
    private readonly sources: McpApprovalSource[] = [],
  ) {
    this.store = new McpApprovalStore(memento);
  }

  /** The manager's `approve`: a remembered decision, else a question to the user. */
  readonly approve = async (req: McpApprovalRequest): Promise<boolean> => {
    const decided = await decideFromSources([...this.sources, this.store], req);
    if (decided) return decided === 'allow';
    return this.ask(req);
  };

  private ask(req: McpApprovalRequest): Promise<boolean> {
    const existing = this.asking.get(req.hash);
    if (existing) return existing.promise;
    let settle!: (allowed: boolean) => void;
    const promise = new Promise<boolean>((resolve) => (settle = resolve)).finally(() => this.asking.delete(req.hash));
    this.asking.set(req.hash, { promise, settle });
    this.log.info(`MCP ${req.name}: asking for approval of ${definitionLines(req).join('; ')}`);
    const question = approvalQuestion(req, req.origin && vscode.workspace.asRelativePath(req.origin));
    void Promise.resolve(vscode.window.showWarningMessage(question, ALLOW, DENY, DETAILS)).then(async (pick) => {
      if (!this.asking.has(req.hash)) return; // decided elsewhere meanwhile
      const decision = pick === DETAILS ? await this.askWithDetails(req) : pick === ALLOW ? 'allow' : pick === DENY ? 'deny' : undefined;
      // Closing the notification decides nothing: the server stays waiting and the status shows it.
      if (decision) await this.decide(req, decision);
      else this.asking.get(req.hash)?.settle(false);
    });
    return promise;
  }

  /** A modal with the full definition; undefined when closed. */
  private async askWithDetails(req: McpApprovalRequest, canForget = false): Promise<McpApprovalDecision | 'forget' | undefined> {
    const buttons = canForget ? [ALLOW, DENY, FORGET] : [ALLOW, DENY];
    const pick = await vscode.window.showWarningMessage(
      `Allow the MCP server "${req.name}" that the repository declares?`,
      { modal: true, detail: `${definitionLines(req).join('\n')}\n\nAllowing it lets Elixir Agent connect to it (or start it) in this workspace until its definition changes.` },
      ...buttons,
    );
    return pick === ALLOW ? 'allow' : pick === DENY ? 'deny' : pick === FORGET ? 'forget' : undefined;
  }

  /** Records a decision and answers a question still on screen. Returns whether a question was waiting. */
  async decide(req: McpApprovalRequest, decision: McpApprovalDecision | 'forget'): Promise<boolean> {
    if (decision === 'forget') await this.store.forget(req.hash);
    else await this.store.record(req, decision);
    this.log.info(`MCP ${req.name}: ${decision === 'forget' ? 'decision forgotten' : decision === 'allow' ? 'allowed' : 'not allowed'} (definition ${req.hash})`);
    // Forgetting decides nothing: a question on screen stays open.
    const waiting = decision === 'forget' ? undefined : this.asking.get(req.hash);
    waiting?.settle(decision === 'allow');
    return !!waiting;
  }

  /** The review command: with ReviewArgs it decides directly; otherwise it shows every repository server and past decision. */
  async review(manager: McpManager, arg?: unknown): Promise<boolean | undefined> {
    if (isReviewArgs(arg)) {
      const req = manager.approvalRequest(arg.server);
      if (!req || req.hash !== arg.hash) {
        if (arg.decision === 'forget' && (await this.store.forget(arg.hash))) return true;
        throw new Error(`no MCP server "${arg.server}" with that definition is declared by the repository`);
      }
      await this.apply(manager, req, arg.decision);
      return true;
    }
    if (typeof arg === 'string') return this.reviewServer(manager, arg);
    type Item = vscode.QuickPickItem & { run: () => Promise<unknown> };
    const records = this.store.list();
    const current = manager.states().filter((s) => s.project);
    const items: Item[] = current.map((s) => {
      const req = manager.approvalRequest(s.name);
      const decided = req && records.find((r) => r.hash === req.hash)?.decision;
      return {
        label: `${decided === 'allow' ? '$(pass)' : decided === 'deny' ? '$(circle-slash)' : '$(shield)'} ${s.name}`,
        description: decided === 'allow' ? 'allowed' : decided === 'deny' ? 'not allowed' : 'awaiting your approval',
        detail: req ? definitionLines(req).join(' · ') : s.target,
        run: () => this.reviewServer(manager, s.name),
      };
    });
    const currentHashes = new Set(current.map((s) => manager.approvalRequest(s.name)?.hash));
    for (const r of records.filter((x) => !currentHashes.has(x.hash))) {
      items.push({
        label: `$(history) ${r.name}`,
        description: `${r.decision === 'allow' ? 'allowed' : 'not allowed'}, no longer declared in this form`,
        detail: r.definition.join(' · '),
        run: async () => {
          const pick = await vscode.window.showInformationMessage(`Forget the decision about this definition of "${r.name}"?`, { modal: true, detail: r.definition.join('\n') }, FORGET);
          if (pick === FORGET) await this.store.forget(r.hash);
        },
      });
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage('Elixir Agent: this workspace declares no MCP servers that need approval, and no decision is remembered.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, { title: 'MCP servers the repository declares', placeHolder: 'Pick one to allow, refuse or forget it', matchOnDetail: true });
    await picked?.run();
    return picked !== undefined;
  }

  private async reviewServer(manager: McpManager, name: string): Promise<boolean | undefined> {
    const req = manager.approvalRequest(name);
    if (!req) return undefined;
    const decision = await this.askWithDetails(req, this.store.decide(req) !== undefined);
    if (!decision) return undefined;
    await this.apply(manager, req, decision);
    return true;
  }

  private async apply(manager: McpManager, req: McpApprovalRequest, decision: McpApprovalDecision | 'forget'): Promise<void> {
    const answeredQuestion = await this.decide(req, decision);
    // A question on screen was answered: its connection goes on by itself. Otherwise start over:
    // allowed or refused, that is quick; forgotten, it asks again, and nobody waits for the answer here.
    if (answeredQuestion) return;
    const reconnecting = manager.reconnect(req.name);
    if (decision === 'forget') void reconnecting;
    else await reconnecting;
  }
}
