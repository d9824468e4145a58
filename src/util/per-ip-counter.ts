/**
 * Counts open resources (connections, streams) per client address and refuses one more beyond `maxPerKey`.
 * Keys with nothing open are forgotten, so the map holds only addresses that have something open.
 */
export class PerIpCounter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerKey: number) {}

  /** Takes one slot for `key`; false (and nothing taken) when it already holds `maxPerKey`. */
  tryAcquire(key: string): boolean {
    const n = this.open.get(key) ?? 0;
    if (n >= this.maxPerKey) return false;
    this.open.set(key, n + 1);
    return true;
  }

  /** Gives back one slot taken by `tryAcquire`. */
  release(key: string): void {
    const n = this.open.get(key) ?? 0;
    if (n <= 1) this.open.delete(key);
    else this.open.set(key, n - 1);
  }

  count(key: string): number {
    return this.open.get(key) ?? 0;
  }

  /** Addresses holding at least one slot. */
  get keys(): number {
    return this.open.size;
  }
}

/** The address a socket's peer connects from (`::ffff:` IPv4-mapped addresses count as their IPv4 form). */
export function clientAddress(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
}
