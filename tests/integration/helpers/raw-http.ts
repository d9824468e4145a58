import net from 'node:net';

/** A raw TCP client for HTTP/1.1 on loopback: sends bytes as given and collects what comes back. */
export class RawHttpSocket {
  readonly socket: net.Socket;
  received = '';
  closed = false;
  readonly connected: Promise<void>;
  private readonly closeWaiters: (() => void)[] = [];

  constructor(port: number, localAddress = '127.0.0.1') {
    this.socket = net.connect({ port, host: '127.0.0.1', localAddress });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('data', (d: Buffer) => (this.received += d.toString('latin1')));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => {
      this.closed = true;
      this.closeWaiters.forEach((f) => f());
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Resolves when the socket is closed (either side), or rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket still open')), timeoutMs);
      this.closeWaiters.push(() => (clearTimeout(timer), resolve()));
    });
  }

  /** Resolves once `count` complete response heads have arrived. */
  async waitForResponses(count: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const heads = this.received.split('HTTP/1.1 ').slice(1);
      if (heads.length >= count && heads.every((h) => h.includes('\r\n\r\n'))) return heads.map((h) => 'HTTP/1.1 ' + h);
      if (Date.now() > deadline || this.closed) throw new Error(`expected ${count} responses, got: ${JSON.stringify(this.received.slice(0, 400))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** A multipart/form-data body with one WAV `file` field and a `model` field. */
export function multipartWav(wav: Buffer): { body: Buffer; contentType: string } {
  const boundary = '----stt-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  return { body: Buffer.concat([Buffer.from(head), wav, Buffer.from(tail)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The request head of a multipart upload to /v1/audio/transcriptions. */
export function uploadHead(contentType: string, length: number): string {
  return `POST /v1/audio/transcriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nContent-Length: ${length}\r\n\r\n`;
}
