// Close matches for names people type: environments, projects and flags ("prod" → "production"), and flag keys in
// code that look like a typo of an existing one ("chekout-v2" → "checkout-v2").

/** Edit distance with transpositions (optimal string alignment): "cehckout" is one step from "checkout". */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** A key within 1–2 edits of an existing one (1 for keys of four characters or fewer, where 2 would match anything). */
export function typoOf(key: string, existing: Iterable<string>): string | null {
  let best: { key: string; distance: number } | null = null;
  for (const other of existing) {
    if (other === key) return null;
    const max = Math.min(key.length, other.length) <= 4 ? 1 : 2;
    const distance = editDistance(key.toLowerCase(), other.toLowerCase());
    if (distance <= max && (!best || distance < best.distance)) best = { key: other, distance };
  }
  return best?.key ?? null;
}

/**
 * The names most like `typed`: the ones it starts or is started by ("prod" → "production"), then those within a
 * few edits, best first.
 */
export function closeMatches(typed: string, names: string[]): string[] {
  const t = typed.toLowerCase();
  const scored = names
    .map((name) => {
      const n = name.toLowerCase();
      const prefix = n.startsWith(t) || t.startsWith(n);
      return { name, score: prefix ? 0 : editDistance(t, n) };
    })
    .filter((s) => s.score === 0 || s.score <= Math.max(2, Math.floor(t.length / 3)));
  return scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name)).map((s) => s.name);
}

/** ` did you mean "x"?` or nothing. */
export const didYouMean = (matches: string[]) => (matches.length ? ` did you mean ${matches.slice(0, 2).map((m) => `"${m}"`).join(' or ')}?` : '');
