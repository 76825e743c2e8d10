/**
 * The header: the active persona (colour, name, model, description), its
 * tools with their availability, the project and MCP state, and the
 * controls to switch persona, open history and start a new conversation.
 */
import type { ChatStateView, EnvironmentView, PersonaView, WebviewMessage } from '../shared/protocol';
import { clear, h, icon, iconButton } from './dom';
import { Menu } from './menu';

const COLORS: Record<string, string> = {
  red: 'var(--vscode-charts-red)',
  blue: 'var(--vscode-charts-blue)',
  green: 'var(--vscode-charts-green)',
  yellow: 'var(--vscode-charts-yellow)',
  purple: 'var(--vscode-charts-purple)',
  orange: 'var(--vscode-charts-orange)',
  pink: 'var(--vscode-terminal-ansiMagenta)',
  cyan: 'var(--vscode-terminal-ansiCyan)',
};

/** A persona colour name → a theme colour (unknown names get the default). */
export function personaColor(color: string | undefined): string {
  return COLORS[(color ?? '').toLowerCase()] ?? 'var(--vscode-foreground)';
}

export function colorDot(color: string | undefined, extra = ''): HTMLElement {
  const dot = h('span', { class: `persona-dot${extra ? ' ' + extra : ''}`, attrs: { 'aria-hidden': 'true' } });
  dot.style.setProperty('--persona-color', personaColor(color));
  return dot;
}

export interface HeaderCallbacks {
  post(msg: WebviewMessage): void;
  toggleHistory(): void;
  historyOpen(): boolean;
  isToolsOpen(): boolean;
  onToolsToggle(open: boolean): void;
}

export class Header {
  readonly el: HTMLElement;
  private readonly personaButton: HTMLButtonElement;
  private readonly modelEl: HTMLElement;
  private readonly descEl: HTMLElement;
  private readonly metaEl: HTMLElement;
  private readonly toolsEl: HTMLElement;
  private readonly problemsEl: HTMLElement;
  private readonly historyButton: HTMLButtonElement;
  private readonly menu: Menu;
  private state?: Pick<ChatStateView, 'persona' | 'personas' | 'env' | 'busy'>;

  constructor(private readonly cb: HeaderCallbacks) {
    this.personaButton = h('button', {
      class: 'persona-button',
      attrs: { type: 'button', 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
      on: { click: () => this.openPersonaMenu() },
    });
    this.modelEl = h('span', { class: 'model-badge' }, icon('sparkle'));
    this.modelEl.append(h('span', { class: 'model-name' }));
    this.historyButton = iconButton('history', 'Conversation history', () => cb.toggleHistory(), 'history-button');
    this.historyButton.setAttribute('aria-pressed', 'false');
    const newButton = iconButton('add', 'New conversation', () => cb.post({ type: 'newConversation' }), 'new-button');
    this.descEl = h('div', { class: 'persona-desc', attrs: { tabindex: 0, role: 'button', 'aria-expanded': 'false' } });
    const toggleDesc = () => {
      const open = !this.descEl.classList.contains('open');
      this.descEl.classList.toggle('open', open);
      this.descEl.setAttribute('aria-expanded', String(open));
    };
    this.descEl.addEventListener('click', toggleDesc);
    this.descEl.addEventListener('keydown', (ev) => (ev.key === 'Enter' || ev.key === ' ') && (ev.preventDefault(), toggleDesc()));
    this.metaEl = h('div', { class: 'header-meta' });
    this.toolsEl = h('div', { class: 'tools-list', attrs: { role: 'list', 'aria-label': 'Tools' } });
    this.problemsEl = h('div', { class: 'persona-problems' });
    this.el = h(
      'header',
      { class: 'chat-header' },
      h('h1', { class: 'sr-only', text: 'Elixir Agent chat' }),
      // Persona and model wrap onto two lines in a narrow view rather than being cut.
      h('div', { class: 'header-row' }, h('div', { class: 'persona-line' }, this.personaButton, this.modelEl), this.historyButton, newButton),
      this.descEl,
      this.problemsEl,
      this.metaEl,
      this.toolsEl,
    );
    this.menu = new Menu(this.personaButton);
  }

  update(state: Pick<ChatStateView, 'persona' | 'personas' | 'env' | 'busy'>): void {
    this.state = state;
    this.historyButton.setAttribute('aria-pressed', String(this.cb.historyOpen()));
    this.historyButton.classList.toggle('active', this.cb.historyOpen());
    const p = state.persona;
    clear(this.personaButton);
    this.personaButton.append(
      colorDot(p?.color),
      h('span', { class: 'persona-name', text: p?.name ?? 'No persona' }),
      icon('chevron-down', 'persona-chevron'),
    );
    this.personaButton.title = p ? `Persona: ${p.name} (${sourceLabel(p.source)}) — switch persona` : 'Pick a persona';
    this.personaButton.setAttribute('aria-label', p ? `Persona ${p.name}, switch persona` : 'Pick a persona');
    this.modelEl.lastElementChild!.textContent = p?.model ?? '';
    this.modelEl.title = p ? `Model: ${p.model}` : '';
    this.modelEl.hidden = !p?.model;
    this.descEl.textContent = p?.description ?? '';
    this.descEl.title = p?.description ?? '';
    this.descEl.hidden = !p?.description;
    clear(this.problemsEl);
    for (const problem of p?.problems ?? []) this.problemsEl.append(h('div', { class: 'persona-problem' }, icon('warning'), h('span', { text: problem })));
    this.problemsEl.hidden = !p?.problems?.length;
    this.renderMeta(p, state.env);
    this.renderTools(p);
  }

  private renderMeta(p: PersonaView | undefined, env: EnvironmentView): void {
    clear(this.metaEl);
    if (p) {
      const available = p.tools.filter((t) => t.status === 'available').length;
      const unavailable = p.tools.filter((t) => t.status === 'unavailable').length;
      const unknown = p.tools.filter((t) => t.status === 'unknown').length;
      const open = this.cb.isToolsOpen();
      const label = `${available} tool${available === 1 ? '' : 's'}`;
      // Named by its visible text (the spaces keep the counts apart for a screen reader); aria-expanded tells the rest.
      const toggle = h(
        'button',
        {
          class: 'meta-chip tools-toggle',
          title: open ? 'Hide the tools' : 'Show the tools and their availability',
          attrs: { type: 'button', 'aria-expanded': String(open) },
          on: {
            click: () => {
              this.cb.onToolsToggle(!this.cb.isToolsOpen());
              if (this.state) this.update(this.state);
            },
          },
        },
        icon('tools'),
        h('span', { text: label }),
        unavailable ? ' ' : null,
        unavailable ? h('span', { class: 'warn-count', text: `${unavailable} unavailable` }) : null,
        unknown ? ' ' : null,
        unknown ? h('span', { class: 'unknown-count', text: `${unknown} unknown` }) : null,
        icon(open ? 'chevron-up' : 'chevron-down'),
      );
      this.metaEl.append(toggle);
    }
    if (env.projectSummary) this.metaEl.append(h('span', { class: 'meta-chip project', title: env.projectSummary }, icon('package'), h('span', { text: env.projectSummary })));
    if (env.memory && (env.memory.files.length || env.memory.notes.length)) this.metaEl.append(memoryChip(env.memory));
    for (const server of env.mcpServers) {
      const title = `MCP server ${server.name}: ${server.state}${server.detail ? ` — ${server.detail}` : ''}`;
      this.metaEl.append(
        h(
          'span',
          { class: `meta-chip mcp state-${server.state}`, title },
          h('span', { class: 'state-dot', attrs: { 'aria-hidden': 'true' } }),
          h('span', { text: server.name }),
          h('span', { class: 'sr-only', text: `: MCP server ${server.state}${server.detail ? `, ${server.detail}` : ''}` }),
        ),
      );
    }
    this.metaEl.hidden = this.metaEl.childElementCount === 0;
  }

  private renderTools(p: PersonaView | undefined): void {
    clear(this.toolsEl);
    const open = this.cb.isToolsOpen() && !!p;
    this.toolsEl.hidden = !open;
    if (!open || !p) return;
    const order = { available: 0, unknown: 1, unavailable: 2 } as const;
    const tools = [...p.tools].sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name));
    for (const t of tools) {
      const glyph = t.status === 'available' ? 'pass' : t.status === 'unavailable' ? 'circle-slash' : 'question';
      const title = `${t.name}: ${t.status}${t.detail ? ` — ${t.detail}` : ''}`;
      this.toolsEl.append(h('span', { class: `tool-chip ${t.status}`, title, attrs: { role: 'listitem', 'aria-label': title } }, icon(glyph), h('span', { text: t.name })));
    }
    if (tools.length === 0) this.toolsEl.append(h('span', { class: 'tool-chip unknown', text: 'No tools' }));
  }

  private openPersonaMenu(): void {
    const state = this.state;
    const current = state?.persona?.name;
    const items = (state?.personas ?? []).map((p) => ({
      label: p.name,
      detail: p.description,
      badge: sourceLabel(p.source),
      leading: colorDot(p.color),
      checked: p.name === current,
      run: () => this.cb.post({ type: 'pickPersona', name: p.name }),
    }));
    this.menu.open([
      ...items,
      { separator: true },
      { label: 'Pick from all agents…', leading: icon('person'), run: () => this.cb.post({ type: 'pickPersona' }) },
      { label: 'Open agent file', leading: icon('go-to-file'), run: () => this.cb.post({ type: 'command', command: 'openAgentFile' }), disabled: !state?.persona || state.persona.source === 'bundled' },
      { label: 'Create agent file…', leading: icon('new-file'), run: () => this.cb.post({ type: 'command', command: 'createAgent' }) },
    ]);
  }
}

function sourceLabel(source: string): string {
  return source === 'project' ? 'project' : source === 'user' ? 'user' : source === 'bundled' ? 'built-in' : source;
}

/** "CLAUDE.md +2": the memory files the agent follows; the tooltip and screen readers get the list, and what was not read. */
function memoryChip(memory: NonNullable<EnvironmentView['memory']>): HTMLElement {
  const files = memory.files.map((f) => (f.importedBy ? `${f.label} (imported by ${f.importedBy})` : f.label));
  const first = memory.files[0]?.label;
  const text = first ? `${first}${memory.files.length > 1 ? ` +${memory.files.length - 1}` : ''}` : 'memory';
  const refused = memory.notes.length;
  const title = [
    files.length ? 'Memory the agent follows:' : 'No memory file was read.',
    ...files.map((f) => `• ${f}`),
    ...(refused ? ['Not read:', ...memory.notes.map((n) => `• ${n}`)] : []),
  ].join('\n');
  return h(
    'span',
    { class: 'meta-chip memory', title },
    icon('book'),
    h('span', { text, attrs: { 'aria-hidden': 'true' } }),
    refused ? h('span', { class: 'warn-count', text: ` ${refused} not read`, attrs: { 'aria-hidden': 'true' } }) : null,
    h('span', { class: 'sr-only', text: `Memory files: ${files.join(', ') || 'none'}${refused ? `. Not read: ${memory.notes.join('; ')}` : ''}` }),
  );
}
