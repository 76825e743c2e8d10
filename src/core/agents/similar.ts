/** "Did you mean ...?": the closest of a few names to a word. */

function levenshtein(a: string, b: string): number {
  // row[j]: the distance from the first i characters of `a` to the first j of `b`, one pass of `i` at a time.
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = i - 1; // row[j - 1] of the previous pass
    let left = i; // row[j - 1] of this pass
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      left = Math.min(above + 1, left + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      row[j] = left;
      diagonal = above;
    }
  }
  return row[b.length]!;
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
