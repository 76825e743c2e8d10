// Statistics and figures for the benchmark.
//
// A figure is what one line of the table shows:
//   { id, group, label, unit, samples: number[], target?: Target, note?, notMeasured?: string }
// `samples` holds one value per run; the table shows the median and the spread
// (min-max and the interquartile range). A target is
//   { max: number, source: 'issue' | 'budget' }   (pass when median <= max)
// `issue` targets come from the issue text; `budget` ones are our own where
// the issue names a figure without a number (chosen before measuring, see README).

/** Sorted copy. */
const sorted = (xs) => [...xs].sort((a, b) => a - b);

/** Percentile with linear interpolation (p in 0..100). */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

export const median = (xs) => percentile(xs, 50);

export function summarize(samples) {
  const s = sorted(samples);
  return {
    n: s.length,
    median: median(s),
    min: s[0],
    max: s.at(-1),
    q1: percentile(s, 25),
    q3: percentile(s, 75),
  };
}

export function figure(fields) {
  return { samples: [], ...fields };
}

export function notMeasured(fields, why) {
  return { samples: [], ...fields, notMeasured: why };
}

/** pass | miss | '' (no target) | 'n/a' (not measured). */
export function verdict(f) {
  if (f.notMeasured) return 'n/a';
  if (!f.target || f.samples.length === 0) return '';
  return median(f.samples) <= f.target.max ? 'pass' : 'miss';
}

/** "how much": the median over the target, as a factor and a difference. */
export function missBy(f) {
  if (verdict(f) !== 'miss') return undefined;
  const m = median(f.samples);
  return { over: m - f.target.max, factor: m / f.target.max };
}

export function fmt(value, unit) {
  if (value === undefined || Number.isNaN(value)) return '-';
  switch (unit) {
    case 'bytes':
      if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(2)} MB`;
      if (value >= 1024) return `${(value / 1024).toFixed(1)} KB`;
      return `${Math.round(value)} B`;
    case 'ms':
      return value >= 100 ? `${value.toFixed(0)} ms` : value >= 10 ? `${value.toFixed(1)} ms` : `${value.toFixed(2)} ms`;
    case 'x':
      return `${value.toFixed(2)}x`;
    case 'MB':
      return `${value.toFixed(1)} MB`;
    default:
      return `${Number.isInteger(value) ? value : value.toFixed(2)}${unit ? ` ${unit}` : ''}`;
  }
}

/** The spread column: "min-max (IQR a-b)" or "-" for a single sample. */
export function spread(f) {
  if (f.samples.length < 2) return f.samples.length === 1 ? 'single' : '-';
  const s = summarize(f.samples);
  return `${fmt(s.min, f.unit)}-${fmt(s.max, f.unit)} (IQR ${fmt(s.q1, f.unit)}-${fmt(s.q3, f.unit)})`;
}

export function targetText(f) {
  if (!f.target) return '-';
  return `< ${fmt(f.target.max, f.unit)}${f.target.source === 'budget' ? ' (budget)' : ''}`;
}

/** A plain-text table of the figures. */
export function table(figures) {
  const rows = [['figure', 'median', 'target', 'result', 'n', 'spread: min-max (IQR)']];
  let group;
  const groupRows = new Set();
  for (const f of figures) {
    if (f.group !== group) {
      group = f.group;
      groupRows.add(rows.length);
      rows.push([`[${group}]`, '', '', '', '', '']);
    }
    if (f.notMeasured) {
      rows.push([`  ${f.label}`, 'not measured', targetText(f), 'n/a', '0', f.notMeasured]);
      continue;
    }
    const v = verdict(f);
    const by = missBy(f);
    const result = v === 'miss' ? `MISS (+${fmt(by.over, f.unit)}, ${by.factor.toFixed(2)}x)` : v === 'pass' ? 'pass' : '';
    rows.push([`  ${f.label}`, fmt(median(f.samples), f.unit), targetText(f), result, String(f.samples.length), spread(f)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.filter((_, r) => !groupRows.has(r)).map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.slice(1).forEach((r, i) => out.push(groupRows.has(i + 1) ? r[0] : line(r)));
  return out.join('\n');
}

/** The figure as JSON for bench-results/bench.json. */
export function toJson(f) {
  const base = { id: f.id, group: f.group, label: f.label, unit: f.unit, target: f.target ?? null, note: f.note ?? null };
  if (f.notMeasured) return { ...base, notMeasured: f.notMeasured, result: 'n/a' };
  const s = summarize(f.samples);
  return { ...base, ...s, samples: f.samples, result: verdict(f) || null, missBy: missBy(f) ?? null, extra: f.extra ?? null };
}
