/** Largest symbol id a table with 16-bit ids holds (character LMs); larger vocabularies use 32-bit ids. */
export const MAX_SMALL_ID = 0xfffe;

/**
 * N-grams of integer symbol ids (≥ 1) with a log probability and a back-off weight each, in one open-addressing
 * hash table (linear probing, at most 2/3 full) over typed arrays: 2 × order + 17 bytes per slot with 16-bit
 * ids (4 × order + 17 with 32-bit ids, for word vocabularies above 65,534) and no per-entry objects for the
 * garbage collector (string-keyed `Map`s cost about 105 bytes per n-gram: 54.8 MB for an order-8 character LM's
 * 523 k, this table 34.6 MB).
 */
export class NgramTable {
  /** Longest n-gram the table holds. */
  readonly order: number;
  private capacity = 0;
  private mask = 0;
  private used = 0;
  /** `capacity × order` ids per slot, zero-padded after the n-gram's length. */
  private grams: Uint16Array | Uint32Array = new Uint16Array(0);
  /** The n-gram's length per slot; 0 marks an empty slot. */
  private lengths = new Uint8Array(0);
  private logProbs = new Float64Array(0);
  private backoffs = new Float64Array(0);

  /** @param wideIds 32-bit symbol ids (any id up to 2³² − 1) instead of 16-bit ones (up to `MAX_SMALL_ID`) */
  constructor(
    order: number,
    expectedEntries = 1024,
    private readonly wideIds = false,
  ) {
    if (!Number.isInteger(order) || order < 1 || order > 255) throw new RangeError(`n-gram order must be 1 … 255, got ${order}`);
    this.order = order;
    this.allocate(expectedEntries);
  }

  get size(): number {
    return this.used;
  }

  /** Stores (or replaces) an n-gram: `ids[start … start + length)`. */
  set(ids: ArrayLike<number>, start: number, length: number, logProb: number, backoff: number): void {
    if (length < 1 || length > this.order) throw new RangeError(`n-gram length ${length} outside 1 … ${this.order}`);
    if ((this.used + 1) * 3 > this.capacity * 2) this.grow();
    let slot = this.probe(ids, start, length);
    if (slot < 0) {
      slot = ~slot;
      this.used++;
      this.lengths[slot] = length;
      const at = slot * this.order;
      for (let i = 0; i < length; i++) this.grams[at + i] = ids[start + i];
    }
    this.logProbs[slot] = logProb;
    this.backoffs[slot] = backoff;
  }

  /** The slot of `ids[start … start + length)`, or -1 when the table does not hold it. */
  find(ids: ArrayLike<number>, start: number, length: number): number {
    if (length < 1 || length > this.order) return -1;
    const slot = this.probe(ids, start, length);
    return slot < 0 ? -1 : slot;
  }

  logProbAt(slot: number): number {
    return this.logProbs[slot];
  }

  backoffAt(slot: number): number {
    return this.backoffs[slot];
  }

  /**
   * log P(ids[historyLength] | ids[0 … historyLength)) with the usual ARPA back-off: the longest stored n-gram
   * ending in the symbol, plus the back-off weights of the longer histories passed over. A symbol without even a
   * unigram scores `unknownLogProb` (plus those weights).
   */
  backedOffLogProb(ids: ArrayLike<number>, historyLength: number, unknownLogProb: number): number {
    let backoff = 0;
    for (let k = historyLength; k >= 0; k--) {
      const slot = this.find(ids, historyLength - k, k + 1);
      if (slot >= 0) return backoff + this.logProbs[slot];
      const history = k > 0 ? this.find(ids, historyLength - k, k) : -1;
      if (history >= 0) backoff += this.backoffs[history];
    }
    return backoff + unknownLogProb;
  }

  /** The slot holding the n-gram, or `~slot` of the empty slot where it would go. */
  private probe(ids: ArrayLike<number>, start: number, length: number): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ ids[start + i], 0x01000193);
    hash = Math.imul(hash ^ length, 0x01000193);
    for (let slot = (hash ^ (hash >>> 15)) & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = this.lengths[slot];
      if (stored === 0) return ~slot;
      if (stored !== length) continue;
      const at = slot * this.order;
      let same = true;
      for (let i = 0; i < length && same; i++) same = this.grams[at + i] === ids[start + i];
      if (same) return slot;
    }
  }

  private allocate(entries: number): void {
    let capacity = 16;
    while (capacity * 2 < entries * 3) capacity *= 2;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.used = 0;
    this.grams = this.wideIds ? new Uint32Array(capacity * this.order) : new Uint16Array(capacity * this.order);
    this.lengths = new Uint8Array(capacity);
    this.logProbs = new Float64Array(capacity);
    this.backoffs = new Float64Array(capacity);
  }

  private grow(): void {
    const { capacity, order, grams, lengths, logProbs, backoffs, used } = this;
    this.allocate(Math.max(used * 2, 16));
    for (let slot = 0; slot < capacity; slot++) {
      if (lengths[slot]) this.set(grams, slot * order, lengths[slot], logProbs[slot], backoffs[slot]);
    }
  }
}
