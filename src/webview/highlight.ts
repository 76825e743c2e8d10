/**
 * Syntax highlighting with highlight.js core and only the languages an
 * Elixir/Phoenix developer meets in answers (keeps the bundle small).
 * HEEx/EEx get a template grammar: HTML with Elixir inside <%= %> and { }.
 */
import hljs from 'highlight.js/lib/core';
import type { HLJSApi, Language } from 'highlight.js';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import elixir from 'highlight.js/lib/languages/elixir';
import erlang from 'highlight.js/lib/languages/erlang';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import plaintext from 'highlight.js/lib/languages/plaintext';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

/** HEEx / EEx / LEEx / Surface: HTML with embedded Elixir. */
function heex(api: HLJSApi): Language {
  return {
    name: 'HEEx',
    aliases: ['eex', 'leex', 'html-eex', 'phoenix-heex', 'sface', 'surface'],
    subLanguage: 'xml',
    contains: [
      api.COMMENT('<%!--', '--%>'),
      api.COMMENT('<%#', '%>'),
      { begin: /<%[%=-]?/, end: /[%-]?%>/, subLanguage: 'elixir', excludeBegin: true, excludeEnd: true },
      // HEEx attribute and body interpolation: {expr}
      { begin: /\{(?![{%])/, end: /\}/, subLanguage: 'elixir', excludeBegin: true, excludeEnd: true, relevance: 0 },
    ],
  };
}

const languages: Record<string, (api: HLJSApi) => Language> = {
  bash, css, diff, dockerfile, elixir, erlang, javascript, json, markdown, plaintext, shell, sql, typescript, xml, yaml, heex,
};
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);
hljs.registerAliases(['ex', 'exs', 'iex', 'mix'], { languageName: 'elixir' });
hljs.registerAliases(['sh', 'zsh', 'console', 'terminal'], { languageName: 'bash' });
hljs.registerAliases(['erl', 'hrl'], { languageName: 'erlang' });
hljs.registerAliases(['patch', 'udiff'], { languageName: 'diff' });
hljs.registerAliases(['html', 'xhtml', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['jsonc', 'json5'], { languageName: 'json' });
hljs.registerAliases(['text', 'txt', 'log', 'output'], { languageName: 'plaintext' });

/** Normalises a fence's info string ("elixir title=foo.ex") to a language id we know, else undefined. */
export function resolveLanguage(info: string | undefined): string | undefined {
  const lang = (info ?? '').trim().split(/\s+/)[0]?.toLowerCase().replace(/^\{?\.?/, '').replace(/\}$/, '');
  if (!lang) return undefined;
  return hljs.getLanguage(lang) ? lang : undefined;
}

/** Display name for a code block's header. */
export function languageLabel(info: string | undefined): string {
  const lang = (info ?? '').trim().split(/\s+/)[0] ?? '';
  return lang.slice(0, 24);
}

/** Above this size highlighting is skipped (plain text stays fast). */
export const HIGHLIGHT_LIMIT = 200_000;

/** Returns highlight.js HTML (all source text escaped), or undefined when not highlighted. */
export function highlight(code: string, lang: string | undefined): string | undefined {
  if (!lang || code.length > HIGHLIGHT_LIMIT) return undefined;
  try {
    return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  } catch {
    return undefined;
  }
}
