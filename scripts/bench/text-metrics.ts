/** Transcript comparisons shared by the benchmarks and the integration tests: normalization, CER and WER. */

/** Normalizes text for comparisons: lower case, letters/digits/apostrophes, single spaces. */
export function normalizeText(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function editDistance<T>(r: readonly T[], h: readonly T[]): number {
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[h.length];
}

/**
 * Character error rate of `hypothesis` against `reference`, normalized and with spaces removed: how far two
 * transcripts of the same audio are apart even when a small model joins or splits words differently.
 */
export function characterErrorRate(reference: string, hypothesis: string): number {
  const r = [...normalizeText(reference).replace(/ /g, '')];
  const h = [...normalizeText(hypothesis).replace(/ /g, '')];
  return r.length === 0 ? (h.length === 0 ? 0 : 1) : editDistance(r, h) / r.length;
}

/** Word error rate of `hypothesis` against `reference` (both normalized first). */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const r = normalizeText(reference).split(' ').filter(Boolean);
  const h = normalizeText(hypothesis).split(' ').filter(Boolean);
  return r.length === 0 ? (h.length === 0 ? 0 : 1) : editDistance(r, h) / r.length;
}
