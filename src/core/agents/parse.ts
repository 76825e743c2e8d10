/**
 * Parses one agent file (YAML front matter + Markdown body) with gray-matter
 * and validates it. Never throws: a broken file gives problems with 0-based
 * lines pointing at the offending key (or at js-yaml's error mark), and no
 * agent when the file cannot be used safely.
 */
import { fieldLines, readFrontMatter, type AddProblem } from './frontMatter';
import { closest } from './similar';
import { checkToolEntries, describeValue, toolList } from './toolsField';
import {
  AGENT_COLORS,
  KNOWN_FIELDS,
  PERMISSION_MODES,
  type AgentColor,
  type AgentDefinition,
  type AgentProblem,
  type AgentSource,
} from './types';

export interface ParseResult {
  /** Undefined when the file is unusable (bad YAML, no name or description, bad tools). */
  agent?: AgentDefinition;
  problems: AgentProblem[];
}

/** Valid agent names: lowercase letters, digits and hyphens, not starting with a hyphen. */
export const AGENT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** Bodies longer than this are sent with every request; worth a warning. */
export const LARGE_BODY_CHARS = 100_000;

/** Why a name is not a valid agent name, or undefined when it is. */
export function agentNameError(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > 64) return 'the name is longer than 64 characters';
  if (AGENT_NAME_PATTERN.test(name)) return undefined;
  if (name.startsWith('-')) return 'a name must not start with "-"';
  if (name.includes(':')) return 'a name must not contain ":"';
  return 'use only lowercase letters, digits and hyphens';
}

/** A valid agent name close to `raw` ("Phoenix Expert" → "phoenix-expert"). */
export function suggestAgentName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** A value as it reads in a message: strings quoted, others described. */
const quoteValue = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : describeValue(v));

/** Parses and validates one agent file's text. */
export function parseAgentFile(rawText: string, filePath: string, source: AgentSource): ParseResult {
  const problems: AgentProblem[] = [];
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = text.split(/\r?\n/);
  const add: AddProblem = (line, severity, code, message, column, endColumn) => {
    const lineText = lines[line] ?? '';
    const start = Math.max(0, column ?? 0);
    problems.push({
      filePath,
      line,
      column: start,
      endLine: line,
      endColumn: endColumn !== undefined && endColumn > start ? endColumn : Math.max(lineText.replace(/\r$/, '').length, start + 1),
      severity,
      message,
      code,
    });
  };

  const front = readFrontMatter(lines, add);
  if (!front.ok) {
    problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
    return { problems };
  }
  const { frame, data, content } = front;

  /** 0-based line of a top-level key (or of the opening `---`). */
  const keyLine = (key: string): number => {
    const re = new RegExp(`^(["']?)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*:`);
    return fieldLines(frame).find(([, text]) => re.test(text))?.[0] ?? 0;
  };

  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    add(1, 'error', 'front-matter-not-mapping', `the front matter must be \`key: value\` fields, found ${describeValue(data)}`);
    return { problems };
  }
  const fm = data as Record<string, unknown>;
  let fatal = false;

  // name
  let name = '';
  if (fm.name === undefined || fm.name === null || fm.name === '') {
    add(fm.name === undefined ? 0 : keyLine('name'), 'error', 'missing-name', 'missing `name`: add e.g. `name: my-agent` (lowercase letters, digits, hyphens)');
    fatal = true;
  } else if (typeof fm.name !== 'string') {
    add(keyLine('name'), 'error', 'invalid-name', `\`name\` must be text, found ${describeValue(fm.name)}; quote it`);
    fatal = true;
  } else {
    name = fm.name.trim();
    const why = agentNameError(name);
    if (why) {
      const suggestion = suggestAgentName(name);
      add(
        keyLine('name'),
        'error',
        'invalid-name',
        `invalid name ${JSON.stringify(name)}: ${why}${suggestion && suggestion !== name ? ` (e.g. \`${suggestion}\`)` : ''}`,
      );
      fatal = true;
    }
  }

  // description
  let description = '';
  if (fm.description === undefined || fm.description === null || (typeof fm.description === 'string' && fm.description.trim() === '')) {
    add(
      fm.description === undefined ? 0 : keyLine('description'),
      'error',
      'missing-description',
      'missing `description`: say when this agent should be used (Claude Code skips agents without one)',
    );
    fatal = true;
  } else if (typeof fm.description !== 'string') {
    add(keyLine('description'), 'error', 'invalid-description', `\`description\` must be text, found ${describeValue(fm.description)}`);
    fatal = true;
  } else {
    description = fm.description.trim();
  }

  // tools / disallowedTools: a wrong type is fatal (loading would grant the wrong tools).
  const readTools = (key: 'tools' | 'disallowedTools'): string[] | undefined => {
    const { list, error } = toolList(fm[key]);
    if (error) {
      add(keyLine(key), 'error', `invalid-${key}`, `\`${key}\`: ${error}`);
      fatal = true;
      return undefined;
    }
    if (!list) return undefined;
    checkToolEntries(key, list, { asText: typeof fm[key] === 'string', lines, keyLine: keyLine(key), closeLine: frame.closeLine }, add);
    return [...new Set(list)];
  };
  const tools = readTools('tools');
  const disallowedTools = readTools('disallowedTools');
  if (tools && tools.length === 0 && fm.tools !== undefined) {
    add(keyLine('tools'), 'warning', 'empty-tools', '`tools` is empty: this agent gets no tools (remove the field to give it every tool)');
  }

  // model
  let model: string | undefined;
  if (fm.model !== undefined && fm.model !== null) {
    if (typeof fm.model !== 'string' || fm.model.trim() === '') {
      add(keyLine('model'), 'warning', 'invalid-model', `\`model\` must be sonnet, opus, haiku, inherit or a model id, found ${describeValue(fm.model)}; using inherit`);
    } else {
      model = fm.model.trim();
      const lower = model.toLowerCase().replace(/\[1m\]$/, '');
      if (!['sonnet', 'opus', 'haiku', 'inherit', 'opusplan'].includes(lower) && !/^claude-[a-z0-9.-]+$/.test(model)) {
        add(
          keyLine('model'),
          'warning',
          'unusual-model',
          `\`model: ${model}\` is not an alias (sonnet, opus, haiku, inherit) nor a Claude model id; it will be sent as written`,
        );
      }
    }
  }

  // color (an unknown colour is ignored: a warning, the agent loads)
  let color: AgentColor | undefined;
  if (fm.color !== undefined && fm.color !== null) {
    const c = typeof fm.color === 'string' ? fm.color.trim().toLowerCase() : undefined;
    if (c && (AGENT_COLORS as readonly string[]).includes(c)) {
      color = c as AgentColor;
    } else {
      add(keyLine('color'), 'warning', 'unknown-color', `unknown colour ${quoteValue(fm.color)} (ignored): use one of ${AGENT_COLORS.join(', ')}`);
    }
  }

  // permissionMode
  let permissionMode: string | undefined;
  if (fm.permissionMode !== undefined && fm.permissionMode !== null) {
    if (typeof fm.permissionMode === 'string' && (PERMISSION_MODES as readonly string[]).includes(fm.permissionMode)) {
      permissionMode = fm.permissionMode;
    } else {
      add(
        keyLine('permissionMode'),
        'warning',
        'unknown-permission-mode',
        `unknown \`permissionMode\` ${quoteValue(fm.permissionMode)} (ignored): use one of ${PERMISSION_MODES.join(', ')}`,
      );
    }
  }

  // maxTurns
  let maxTurns: number | undefined;
  if (fm.maxTurns !== undefined && fm.maxTurns !== null) {
    if (typeof fm.maxTurns === 'number' && Number.isInteger(fm.maxTurns) && fm.maxTurns > 0) {
      maxTurns = fm.maxTurns;
    } else {
      add(keyLine('maxTurns'), 'warning', 'invalid-max-turns', `\`maxTurns\` must be a positive whole number, found ${describeValue(fm.maxTurns)} (ignored)`);
    }
  }

  // Unknown fields are kept; a likely misspelling of a known one is worth a warning.
  for (const key of Object.keys(fm)) {
    if ((KNOWN_FIELDS as readonly string[]).includes(key)) continue;
    const guess = closest(key.replace(/[_\s]/g, ''), KNOWN_FIELDS);
    if (guess) {
      add(keyLine(key), 'warning', 'misspelled-field', `unknown field \`${key}\` (ignored): did you mean \`${guess}\`?`);
    }
  }

  // body
  const systemPrompt = content.replace(/\r\n/g, '\n').trim();
  const bodyLine = Math.min(frame.closeLine + 1, lines.length - 1);
  if (systemPrompt === '') {
    add(frame.closeLine, 'warning', 'empty-body', 'the body is empty: write the system prompt (who the agent is, how it works) after the closing `---`');
  } else if (systemPrompt.length > LARGE_BODY_CHARS) {
    add(
      bodyLine,
      'warning',
      'large-body',
      `the system prompt is very long (${systemPrompt.length.toLocaleString('en-US')} characters, about ${Math.round(systemPrompt.length / 4).toLocaleString('en-US')} tokens) and is sent with every request`,
    );
  }

  problems.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
  if (fatal) return { problems };
  return {
    agent: {
      name,
      description,
      tools,
      disallowedTools,
      model,
      color,
      permissionMode,
      maxTurns,
      systemPrompt,
      frontMatter: fm,
      source,
      filePath,
      shadows: [],
      bodyLine,
      fieldLines: Object.fromEntries(Object.keys(fm).map((k) => [k, keyLine(k)])),
    },
    problems,
  };
}
