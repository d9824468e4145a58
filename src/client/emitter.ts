/** A minimal typed event emitter (no dependency on Node's `events`, so it runs in browsers as is). */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(event: never) => void>>();

  /** Calls `listener` for every `type` event; returns a function that removes it. */
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => this.off(type, listener);
  }

  off<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): void {
    this.listeners.get(type)?.delete(listener as (event: never) => void);
  }

  /**
   * Resolves with the next `type` event that satisfies `predicate`; rejects after `timeoutMs` (default: never)
   * or, through `rejectOn`, when the stream fails first.
   */
  next<K extends keyof Events>(type: K, options: { predicate?: (event: Events[K]) => boolean; timeoutMs?: number } = {}): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const off = this.on(type, (event) => {
        if (options.predicate && !options.predicate(event)) return;
        off();
        if (timer !== undefined) clearTimeout(timer);
        resolve(event);
      });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          off();
          reject(new Error(`timed out after ${options.timeoutMs} ms waiting for '${String(type)}'`));
        }, options.timeoutMs);
      }
    });
  }

  protected emit<K extends keyof Events>(type: K, event: Events[K]): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) (listener as (event: Events[K]) => void)(event);
  }
}
