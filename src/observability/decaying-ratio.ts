/**
 * A ratio of two sums that forget the past exponentially in wall time (half of the weight goes every
 * `halfLifeMs`): inference seconds over audio seconds gives a real-time factor that follows load changes
 * within a minute and is not thrown by one odd batch. Weighting by audio makes a 10 s file count ten times a
 * 1 s window, as it costs ten times more.
 */
export class DecayingRatio {
  private numerator = 0;
  private denominator = 0;
  private lastMs: number | null = null;

  constructor(
    readonly halfLifeMs: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  add(numerator: number, denominator: number): void {
    const now = this.nowMs();
    if (this.lastMs !== null) {
      const keep = Math.pow(0.5, Math.max(0, now - this.lastMs) / this.halfLifeMs);
      this.numerator *= keep;
      this.denominator *= keep;
    }
    this.lastMs = now;
    this.numerator += numerator;
    this.denominator += denominator;
  }

  /** numerator / denominator over the decayed sums; null before any denominator. */
  get value(): number | null {
    return this.denominator > 0 ? this.numerator / this.denominator : null;
  }
}
