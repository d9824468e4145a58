/**
 * A process-wide bound on decoded audio held by in-flight file requests. A 25 MB upload of a compressed
 * format can decode to hundreds of megabytes of float samples (16 kHz float32 is 64 KB per second), so
 * the upload limit alone does not bound memory; every request reserves what it decodes, as it decodes it,
 * and a request that would pass the budget is refused (503 + Retry-After) instead of exhausting memory.
 * What a request hands on (audio recognized and dropped) is given back as it goes (`free`), so the budget
 * counts what is really held, not what a file decodes to in all.
 */
export class DecodedAudioBudget {
  private usedBytes = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes reserved by requests in flight. */
  get inUseBytes(): number {
    return this.usedBytes;
  }

  /** A reservation for one request; release it when the request is over (extra calls are harmless). */
  lease(): DecodedAudioLease {
    let held = 0;
    let released = false;
    return {
      reserve: (bytes: number) => {
        if (released || this.usedBytes + bytes > this.maxBytes) return false;
        this.usedBytes += bytes;
        held += bytes;
        return true;
      },
      free: (bytes: number) => {
        const given = Math.min(Math.max(0, bytes), held);
        held -= given;
        if (!released) this.usedBytes -= given;
      },
      release: () => {
        if (released) return;
        released = true;
        this.usedBytes -= held;
        held = 0;
      },
    };
  }
}

export interface DecodedAudioLease {
  /** Reserves `bytes` more; false (and nothing reserved) when the budget would be exceeded. */
  reserve(bytes: number): boolean;
  /** Gives back `bytes` of what this lease holds (no more than it holds). */
  free(bytes: number): void;
  /** Gives back everything; later reservations fail. */
  release(): void;
}
