/**
 * The last `capacity` values of one measurement (a ring: the oldest is overwritten), for the recent means and
 * percentiles `/status` shows. Prometheus keeps the long-run histograms; this answers "what is it like now".
 */
export class RecentSamples {
  private readonly values: Float64Array;
  /** Values ever added; the ring holds the last min(count, capacity). */
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.values = new Float64Array(capacity);
  }

  add(value: number): void {
    this.values[this.count % this.capacity] = value;
    this.count++;
  }

  /** Values held (at most `capacity`). */
  get size(): number {
    return Math.min(this.count, this.capacity);
  }

  /** Mean of the values held; 0 when empty. */
  mean(): number {
    const n = this.size;
    if (n === 0) return 0;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.values[i];
    return sum / n;
  }

  /** The `q` quantile (0..1) of the values held, nearest rank; 0 when empty. */
  quantile(q: number): number {
    const n = this.size;
    if (n === 0) return 0;
    const sorted = this.values.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  }
}
