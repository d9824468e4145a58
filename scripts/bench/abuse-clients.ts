/** Loopback clients for the abuse script: a recording WebSocket, raw half-finished HTTP, normal uploads. */
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A `ws` client that keeps every JSON message and its close code. */
export class RecordedStream {
  readonly ws: WebSocket;
  readonly messages: Record<string, unknown>[] = [];
  closeCode: number | null = null;
  closedAtMs = 0;
  readonly closed: Promise<number>;

  constructor(url: string, localAddress = '127.0.0.1') {
    this.ws = new WebSocket(url, { localAddress });
    this.ws.on('message', (d) => this.messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
    this.ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code) => {
        this.closeCode = code;
        this.closedAtMs = Date.now();
        resolve(code);
      }),
    );
  }

  types(): string[] {
    return this.messages.map((m) => String(m.type));
  }

  async waitFor(type: string, timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.closeCode === null) {
      if (this.messages.some((m) => m.type === type)) return true;
      await sleep(20);
    }
    return this.messages.some((m) => m.type === type);
  }
}

/** Sends `bytes` in `chunkMs` pieces at `speed` × real time. */
export async function paced(send: (chunk: Buffer) => void, bytes: Buffer, bytesPerMs: number, chunkMs: number, speed: number): Promise<void> {
  const chunk = Math.round(bytesPerMs * chunkMs);
  const started = Date.now();
  for (let at = 0, i = 0; at < bytes.length; at += chunk, i++) {
    send(bytes.subarray(at, at + chunk));
    const wait = started + ((i + 1) * chunkMs) / speed - Date.now();
    if (wait > 0) await sleep(wait);
  }
}

export function pcm16(samples: Float32Array): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32767))), 2 * i);
  return b;
}

/** A multipart body with one `file` field. */
export function multipart(file: Uint8Array, fileName: string, contentType: string): { body: Buffer; type: string } {
  const boundary = '----abuse-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

/** One normal upload with fetch; the status, or 0 for a network error / timeout. */
export async function normalUpload(url: string, wav: Uint8Array, timeoutMs = 15_000): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([wav], { type: 'audio/wav' }), 'a.wav');
  form.append('model', 'whisper-1');
  try {
    const res = await fetch(`${url}/v1/audio/transcriptions`, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** One upload on a connection of its own (no keep-alive reuse): the status, or 0 for a network error / timeout. */
export function uploadOnNewConnection(url: string, wav: Uint8Array, timeoutMs = 15_000): Promise<number> {
  const { body, type } = multipart(wav, 'a.wav', 'audio/wav');
  return new Promise((resolve) => {
    const req = http.request(`${url}/v1/audio/transcriptions`, { method: 'POST', agent: false, timeout: timeoutMs, headers: { 'content-type': type, 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** Uploads back to back (`parallel` at a time) until `untilMs`; returns every status. */
export async function normalTraffic(url: string, wav: Uint8Array, untilMs: number, parallel = 2, newConnections = false): Promise<number[]> {
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (Date.now() < untilMs) {
        statuses.push(await (newConnections ? uploadOnNewConnection(url, wav) : normalUpload(url, wav)));
        await sleep(100);
      }
    }),
  );
  return statuses;
}

/** A TCP connection to the server from `localAddress` that sends `head` (possibly nothing) and then waits. */
export function rawSocket(port: number, localAddress: string, head: string): net.Socket {
  const s = net.connect({ port, host: '127.0.0.1', localAddress });
  if (head) s.write(head); // queued until connected, ahead of anything written later
  s.on('error', () => undefined);
  s.on('data', () => undefined);
  return s;
}

export function summarize(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  const ok = counts.get(200) ?? 0;
  const detail = [...counts].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s === 0 ? 'failed' : s}: ${n}`).join(', ');
  return `${ok}/${statuses.length} succeeded (${statuses.length ? ((100 * ok) / statuses.length).toFixed(1) : '0'}%; ${detail})`;
}
