/**
 * Parses one agent file (YAML front matter + Markdown body) with gray-matter
 * and validates it. Never throws: a broken file gives problems with 0-based
 * lines pointing at the offending key (or at js-yaml's error mark), and no
 * agent when the file cannot be used safely.
 */
import matter from 'gray-matter';
import {
  AGENT_COLORS,
  KNOWN_FIELDS,
  PERMISSION_MODES,
  type AgentColor,
  type AgentDefinition,
  type AgentProblem,
  type AgentSource,
  type ProblemSeverity,
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

interface Frame {
  lines: string[];
  /** 0-based index of the closing `---` line. */
  closeLine: number;
}

interface YamlErrorLike {
  name?: string;
  reason?: string;
  message?: string;
  mark?: { line?: number; column?: number };
}

const isYamlError = (e: unknown): e is YamlErrorLike =>
  typeof e === 'object' && e !== null && (e as YamlErrorLike).name === 'YAMLException';

/** gray-matter caches parses of option-less calls forever; passing options avoids that. */
function grayMatter(text: string): matter.GrayMatterFile<string> {
  return matter(text, { language: 'yaml' });
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The closest of `candidates` to `word` (case-insensitive), if close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[], maxDistance = 2): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = levenshtein(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.min(maxDistance, Math.floor(word.length / 2)) ? best : undefined;
}

/** Splits a `tools`-style value: a comma-separated string or a YAML list. */
function toolList(value: unknown): { list?: string[]; error?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') {
    return {
      list: value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    };
  }
  if (Array.isArray(value)) {
    const bad = value.find((v) => typeof v !== 'string');
    if (bad !== undefined) {
      return { error: `every entry must be a tool name (a string); found ${describeValue(bad)}` };
    }
    return { list: (value as string[]).map((s) => s.trim()).filter((s) => s.length > 0) };
  }
  return { error: `expected a comma-separated string or a list of tool names, found ${describeValue(value)}` };
}

/** A value as it reads in a message: strings quoted, others described. */
const quoteValue = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : describeValue(v));

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return `a date (${v.toISOString().slice(0, 10)})`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Claude Code tolerates front matter such as `description: Use when: X` (a
 * plain scalar containing ": "), which strict YAML rejects. Quote such
 * top-level values and try again, so those agents still load (with a warning).
 */
function recoverUnquotedColons(frame: Frame): { text: string; lines: number[] } | undefined {
  const fixed = [...frame.lines];
  const changed: number[] = [];
  for (let i = 1; i < frame.closeLine; i++) {
    const m = /^([A-Za-z_][\w-]*):[ \t]+(.*?)[ \t]*$/.exec(fixed[i].replace(/\r$/, ''));
    if (!m) continue;
    const value = m[2];
    if (value === '' || /^["'[{|>&*!%@`]/.test(value)) continue;
    if (!/:\s|:$|\s#/.test(value)) continue;
    fixed[i] = `${m[1]}: ${JSON.stringify(value)}`;
    changed.push(i);
  }
  return changed.length > 0 ? { text: fixed.join('\n'), lines: changed } : undefined;
}

/** Finds the frame of a front-matter block: the lines and the closing `---`. */
function frameOf(lines: string[]): Frame | { error: string; line: number } {
  const first = (lines[0] ?? '').trimEnd();
  if (first !== '---') {
    const at = lines.findIndex((l) => l.trimEnd() === '---');
    if (at > 0 && lines.slice(0, at).every((l) => l.trim() === '')) {
      return { error: 'the front matter must start on the first line: remove the blank lines before `---`', line: 0 };
    }
    return {
      error: 'no YAML front matter: an agent file starts with a `---` line, then `name:` and `description:`, then `---` and the system prompt',
      line: 0,
    };
  }
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trimEnd() === '---') return { lines, closeLine: i };
  }
  return { error: 'the front matter is not closed: add a `---` line after the last field', line: 0 };
}

/** Parses and validates one agent file's text. */
export function parseAgentFile(rawText: string, filePath: string, source: AgentSource): ParseResult {
  const problems: AgentProblem[] = [];
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lines = text.split(/\r?\n/);
  const add = (line: number, severity: ProblemSeverity, code: string, message: string, column?: number): void => {
    const lineText = lines[line] ?? '';
    problems.push({
      filePath,
      line,
      column: Math.max(0, column ?? 0),
      endLine: line,
      endColumn: Math.max(lineText.replace(/\r$/, '').length, Math.max(0, column ?? 0) + 1),
      severity,
      message,
      code,
    });
  };

  const frame = frameOf(lines);
  if ('error' in frame) {
    add(frame.line, 'error', 'no-front-matter', frame.error);
    return { problems };
  }

  /** 0-based line of a top-level key (or of the opening `---`). */
  const keyLine = (key: string): number => {
    const re = new RegExp(`^(["']?)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\1\\s*:`);
    for (let i = 1; i < frame.closeLine; i++) if (re.test(lines[i])) return i;
    return 0;
  };

  let data: unknown;
  let content: string;
  try {
    const parsed = grayMatter(text);
    data = parsed.data;
    content = parsed.content;
  } catch (err) {
    if (!isYamlError(err)) throw err;
    const recovered = recoverUnquotedColons(frame);
    let recoveredParse: matter.GrayMatterFile<string> | undefined;
    if (recovered) {
      try {
        recoveredParse = grayMatter(recovered.text);
      } catch {
        recoveredParse = undefined;
      }
    }
    if (recovered && recoveredParse) {
      for (const l of recovered.lines) {
        add(
          l,
          'warning',
          'yaml-unquoted-colon',
          'this value contains ": " and is not valid YAML; it was read as text (as Claude Code does), but quote it to keep the file portable: key: "…"',
          lines[l].indexOf(':') + 2,
        );
      }
      data = recoveredParse.data;
      content = recoveredParse.content;
    } else {
      const markLine = err.mark?.line ?? 0;
      const line = Math.min(Math.max(markLine, 1), Math.max(frame.closeLine - 1, 1));
      const column = markLine === line ? (err.mark?.column ?? 0) : 0;
      const reason = err.reason ?? err.message ?? 'invalid YAML';
      const dupKey = reason === 'duplicated mapping key' ? /^\s*(["']?)([^"':]+)\1\s*:/.exec(lines[line] ?? '')?.[2] : undefined;
      const quoteHint = dupKey
        ? ` (\`${dupKey}\` is given twice)`
        : /:\s/.test((lines[line] ?? '').replace(/^[^:]*:\s*/, ''))
          ? ' (a value containing ": " must be quoted)'
          : '';
      add(line, 'error', 'yaml', `invalid YAML in the front matter: ${reason}${quoteHint}`, column);
      return { problems };
    }
  }

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
    if (list && typeof fm[key] === 'string') {
      const spaced = list.find((t) => /\s/.test(t));
      if (spaced) {
        add(keyLine(key), 'warning', 'tools-separator', `\`${key}\`: "${spaced}" contains spaces; separate tool names with commas`);
      }
    }
    if (list) {
      const seen = new Set<string>();
      for (const t of list) {
        if (seen.has(t)) add(keyLine(key), 'warning', 'duplicate-tool', `\`${key}\` names ${t} twice`);
        seen.add(t);
      }
    }
    return list ? [...new Set(list)] : undefined;
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

  // color (unknown colour: an error in the Problems panel, but the agent still loads without it)
  let color: AgentColor | undefined;
  if (fm.color !== undefined && fm.color !== null) {
    const c = typeof fm.color === 'string' ? fm.color.trim().toLowerCase() : undefined;
    if (c && (AGENT_COLORS as readonly string[]).includes(c)) {
      color = c as AgentColor;
    } else {
      add(keyLine('color'), 'error', 'unknown-color', `unknown colour ${quoteValue(fm.color)}: use one of ${AGENT_COLORS.join(', ')}`);
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
