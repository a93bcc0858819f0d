// "Did you mean ...?" for a mistyped word: a command (`instal`), a flag (`--depnds`) or a
// services-file field (`programm`). One measure for all three, so a typo gets the same help
// wherever it is made.

/**
 * Optimal string alignment distance (Levenshtein plus the swap of two neighbours, `prgoram`),
 * without case: the number of one-letter edits from `a` to `b`.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // d[i][j]: distance between the first i letters of s and the first j of t.
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= s.length; i++) {
    const row = d[i] as number[];
    const up = d[i - 1] as number[];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[s.length] as number[])[t.length] as number;
}

/**
 * Whether the letters of `word` appear in `candidate` in order, from the same first letter
 * (`depnds` in `dependents`): a word typed with letters left out.
 */
function isAbbreviation(word: string, candidate: string): boolean {
  const w = word.toLowerCase();
  const c = candidate.toLowerCase();
  if (w[0] !== c[0]) return false;
  let i = 0;
  for (const letter of c) if (letter === w[i]) i++;
  return i === w.length;
}

/**
 * The candidates `word` was probably meant to be, best first (at most `max`): those within a few
 * edits (one for a word of up to five letters, then one more per three letters), and those that
 * hold all of the word's letters in order from its first when the word has at least four and is at least half
 * as long (a word typed with letters left out). Empty when nothing is close: a wild guess helps
 * less than the list of what exists.
 */
export function closestMatches(word: string, candidates: Iterable<string>, max = 2): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate.toLowerCase() === word.toLowerCase()) return [candidate];
    const distance = editDistance(word, candidate);
    if (distance <= limit) scored.push({ candidate, score: distance });
    else if (word.length >= 4 && word.length * 2 >= candidate.length && isAbbreviation(word, candidate)) scored.push({ candidate, score: limit + 1 });
  }
  scored.sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate));
  return scored.slice(0, max).map((s) => s.candidate);
}

/**
 * `; did you mean install?`, `; did you mean --depends or --dependents?`, or '' when nothing is
 * close (appended to an "unknown ..." message). `show` writes a candidate as the user would type it (`--${name}`, `"${field}"`).
 */
export function didYouMean(word: string, candidates: Iterable<string>, show: (candidate: string) => string = (c) => c): string {
  const matches = closestMatches(word, candidates).map(show);
  return matches.length === 0 ? '' : `; did you mean ${matches.join(' or ')}?`;
}
