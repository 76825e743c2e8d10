/**
 * axe-core (the npm package) run inside a webview document from Playwright.
 *
 * The webview's CSP allows only its own nonce'd script, so axe is not added
 * as a <script> tag: its source is evaluated in the frame through the
 * DevTools protocol (frame.evaluate), which a page's CSP does not govern.
 * Every rule axe enables by default runs (WCAG 2.0/2.1/2.2 A and AA and its
 * best practices); a finding is one rule failing on one or more elements.
 */
import * as fs from 'node:fs';
import type { Frame } from 'playwright-core';

type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface AxeFinding {
  rule: string;
  impact: Impact;
  help: string;
  /** Each failing element: its CSS path, its HTML (cut) and what axe says is wrong. */
  nodes: Array<{ target: string; html: string; summary: string }>;
}

let source: string | undefined;
function axeSource(): string {
  source ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

/** Runs axe on the whole document of `frame` and returns its violations, most severe first. */
export async function runAxe(frame: Frame): Promise<AxeFinding[]> {
  const loaded = await frame.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await frame.evaluate(`${axeSource()}\n;undefined`);
  const findings = await frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    interface AxeViolation {
      id: string;
      impact: string;
      help: string;
      nodes: Array<{ target: unknown[]; html: string; failureSummary?: string }>;
    }
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), html: n.html.slice(0, 200), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300) })),
    }));
  });
  const order: Record<Impact, number> = { critical: 0, serious: 1, moderate: 2, minor: 3 };
  return (findings as AxeFinding[]).sort((a, b) => order[a.impact] - order[b.impact] || a.rule.localeCompare(b.rule));
}

/** The findings that fail the build: serious and critical. */
export function blocking(findings: AxeFinding[]): AxeFinding[] {
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/** One line per finding and failing element, for a failure message or the log. */
export function describeFindings(where: string, findings: AxeFinding[]): string[] {
  return findings.flatMap((f) => f.nodes.map((n) => `${where}: [${f.impact}] ${f.rule} (${f.help}) at ${n.target}: ${n.summary} ${n.html}`));
}
