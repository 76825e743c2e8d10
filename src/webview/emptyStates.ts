/**
 * States that help: banners for a missing API key, Restricted Mode, a folder
 * without mix.exs and no agent files; and the welcome shown in an empty
 * conversation, with example prompts for Elixir work.
 */
import type { ChatStateView, WebviewMessage } from '../shared/protocol';
import { clear, h, icon, iconButton, textButton } from './dom';
import { personaColor } from './header';

export const EXAMPLE_PROMPTS = [
  { icon: 'type-hierarchy', text: 'Explain the supervision tree of this application' },
  { icon: 'beaker', text: 'Run mix test, then fix the failing tests' },
  { icon: 'warning', text: 'Fix the compiler warnings in this project' },
  { icon: 'database', text: 'Find N+1 queries in our Ecto code and preload instead' },
  { icon: 'browser', text: 'Add a LiveView page that lists and filters records' },
];

export interface BannerCallbacks {
  post(msg: WebviewMessage): void;
  dismissed: Set<string>;
  onDismiss(id: string): void;
}

export function noAgentsFound(state: Pick<ChatStateView, 'persona' | 'personas'>): boolean {
  return !!state.persona && state.persona.source === 'bundled' && state.personas.every((p) => p.source === 'bundled');
}

export class Banners {
  readonly el: HTMLElement;

  constructor(private readonly cb: BannerCallbacks) {
    this.el = h('div', { class: 'banners', attrs: { role: 'region', 'aria-label': 'Notices' } });
  }

  update(state: Pick<ChatStateView, 'env' | 'persona' | 'personas'>): void {
    clear(this.el);
    const env = state.env;
    if (!env.hasApiKey) {
      this.el.append(
        this.banner('api-key', 'key', 'Set your Anthropic API key to start', 'It is kept in VS Code’s secret storage (or set ANTHROPIC_API_KEY before starting VS Code). Nothing is sent until a key is set.', [
          textButton('Set API Key', () => this.cb.post({ type: 'command', command: 'setApiKey' }), { iconName: 'key' }),
        ], false, 'primary'),
      );
    }
    if (!env.trusted) {
      this.el.append(
        this.banner('untrusted', 'shield', 'Restricted Mode: read-only agent', 'This folder is not trusted, so the agent can read files and answer, but writing files, running commands, code execution, language servers and MCP servers are disabled.', [
          textButton('Manage Workspace Trust', () => this.cb.post({ type: 'command', command: 'manageTrust' }), { secondary: true, iconName: 'workspace-trusted' }),
        ], false, 'warning'),
      );
    }
    if (!env.isElixirWorkspace && !this.cb.dismissed.has('not-elixir')) {
      this.el.append(
        this.banner('not-elixir', 'info', 'No mix project in this workspace', 'The agent still reads, edits and answers, but mix compile diagnostics, the language server and Tidewave stay off until a folder with mix.exs is open.', [], true),
      );
    }
    if (noAgentsFound(state) && !this.cb.dismissed.has('no-agents')) {
      this.el.append(
        this.banner('no-agents', 'person', 'No agent files found', `Using the built-in “${state.persona?.name ?? 'default'}” persona. Agents are read from .claude/agents/ in the project and ~/.claude/agents/.`, [
          textButton('Create Agent File', () => this.cb.post({ type: 'command', command: 'createAgent' }), { secondary: true, iconName: 'new-file' }),
        ], true),
      );
    }
    this.el.hidden = this.el.childElementCount === 0;
  }

  private banner(id: string, iconName: string, title: string, detail: string, actions: HTMLElement[], dismissible: boolean, tone = 'info'): HTMLElement {
    return h(
      'div',
      { class: `banner banner-${id} tone-${tone}`, attrs: { role: tone === 'primary' ? 'alert' : 'note' } },
      icon(iconName, 'banner-icon'),
      h(
        'div',
        { class: 'banner-body' },
        h('div', { class: 'banner-title', text: title }),
        h('div', { class: 'banner-detail', text: detail }),
        actions.length ? h('div', { class: 'banner-actions' }, ...actions) : null,
      ),
      dismissible ? iconButton('close', 'Dismiss', () => {
            this.cb.dismissed.add(id);
            this.cb.onDismiss(id);
          }, 'banner-close') : null,
    );
  }
}

function welcomeMark(color: string | undefined): HTMLElement {
  const mark = h('div', { class: 'welcome-mark', attrs: { 'aria-hidden': 'true' } }, icon('hubot'));
  mark.style.setProperty('--persona-color', personaColor(color));
  return mark;
}

export class Welcome {
  readonly el: HTMLElement;

  constructor(private readonly onExample: (text: string) => void) {
    this.el = h('div', { class: 'welcome' });
    this.el.append(h('div', { class: 'welcome-loading' }, icon('loading', 'codicon-modifier-spin'), h('span', { text: 'Loading conversation…' })));
  }

  update(state: Pick<ChatStateView, 'persona' | 'env'>): void {
    clear(this.el);
    const persona = state.persona;
    const examples = h('ul', { class: 'examples', attrs: { 'aria-label': 'Example prompts' } });
    for (const ex of EXAMPLE_PROMPTS) {
      examples.append(h('li', {}, h('button', { class: 'example', attrs: { type: 'button' }, on: { click: () => this.onExample(ex.text) } }, icon(ex.icon), h('span', { text: ex.text }))));
    }
    const project = state.env.projectSummary ? h('p', { class: 'welcome-project' }, icon('package'), h('span', { text: state.env.projectSummary })) : '';
    this.el.append(
      welcomeMark(persona?.color),
      h('h2', { class: 'welcome-title', text: persona ? `Chat with ${persona.name}` : 'Elixir Agent' }),
      h(
        'p',
        { class: 'welcome-text', text: 'Ask about your Elixir and Phoenix code. The agent reads files, runs mix and checks diagnostics; you approve anything that writes or runs.' },
      ),
      project,
      examples,
      h('p', { class: 'welcome-tip' }, h('span', { text: 'Type ' }), h('kbd', { text: '@' }), h('span', { text: ' to attach files, your selection or the current file’s problems.' })),
    );
  }
}
