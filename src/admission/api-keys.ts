import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a key: every digest is 32 bytes, so comparing digests never depends on a key's length. */
const digestOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * The accepted API keys, held as SHA-256 digests and compared with `crypto.timingSafeEqual`: how long a
 * check takes depends neither on how much of a key a guess gets right nor on the guess's or the keys' lengths.
 */
export class ApiKeySet {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = [...new Set(keys)].map(digestOf);
  }

  /** Distinct keys held; 0 means no authentication is configured. */
  get size(): number {
    return this.digests.length;
  }

  /** True when `candidate` is one of the keys. Every key is compared, with no early exit on a match. */
  matches(candidate: string): boolean {
    const digest = digestOf(candidate);
    let matched = false;
    for (const known of this.digests) matched = timingSafeEqual(digest, known) || matched;
    return matched;
  }
}
