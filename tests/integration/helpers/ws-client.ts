import WebSocket from 'ws';

/** A `ws` client that records every JSON message and lets a test wait for one. */
export class RecordingSocket {
  readonly ws: WebSocket;
  readonly messages: Record<string, unknown>[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private waiters: { predicate: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  private closeWaiters: (() => void)[] = [];
  readonly opened: Promise<void>;

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.predicate(m)) return true;
        w.resolve(m);
        return false;
      });
    });
    this.ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.closeWaiters.forEach((f) => f());
    });
    this.ws.on('error', () => undefined);
  }

  /** Resolves with the first message (already received or future) matching `predicate`. */
  waitFor(predicate: (m: Record<string, unknown>) => boolean, timeoutMs = 20_000, label = 'message'): Promise<Record<string, unknown>> {
    const seen = this.messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}; got ${this.messages.map((m) => m.type).join(', ')}`)), timeoutMs);
      this.waiters.push({ predicate, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  waitForType(type: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.waitFor((m) => m.type === type, timeoutMs, type);
  }

  closed(timeoutMs = 20_000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      this.closeWaiters.push(() => (clearTimeout(timer), resolve(this.closeCode!)));
    });
  }

  ofType(type: string): Record<string, unknown>[] {
    return this.messages.filter((m) => m.type === type);
  }

  sendJson(message: object): void {
    this.ws.send(JSON.stringify(message));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PCM16 little-endian bytes of float samples. */
export function pcm16Bytes(samples: Float32Array): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), 2 * i);
  return b;
}

/** Sends `bytes` in chunks of `chunkMs`, paced at `speed` × real time (Infinity: as fast as possible). */
export async function streamChunks(send: (chunk: Buffer) => void, bytes: Buffer, bytesPerMs: number, chunkMs: number, speed: number): Promise<void> {
  const chunkBytes = Math.round(bytesPerMs * chunkMs);
  const started = Date.now();
  for (let at = 0, i = 0; at < bytes.length; at += chunkBytes, i++) {
    send(bytes.subarray(at, at + chunkBytes));
    if (Number.isFinite(speed)) {
      const due = started + ((i + 1) * chunkMs) / speed;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
    } else if (i % 50 === 0) await sleep(0);
  }
}
