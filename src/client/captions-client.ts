import { encodeAudio, type AudioInput } from './audio-frames.js';
import type {
  CaptionsConfigMessage,
  CaptionsConfiguredMessage,
  CaptionsEncoding,
  CaptionsEndMessage,
  CaptionsErrorMessage,
  CaptionsFinalMessage,
  CaptionsPartialMessage,
  CaptionsReadyMessage,
  CaptionsServerMessage,
  CaptionsSpeechStartedMessage,
  CaptionsSpeechStoppedMessage,
  CaptionsTurnDetection,
} from './captions-wire.js';
import { TypedEmitter } from './emitter.js';
import { errorEventMessage, messageText, openSocket, StreamClientError, websocketUrl, WS_OPEN, type SocketOptions, type WebSocketLike } from './socket.js';

export type { AudioInput } from './audio-frames.js';
export type * from './captions-wire.js';
export { StreamClientError, type KeyTransport, type WebSocketConstructor } from './socket.js';

/** The WebSocket path of the captions protocol, used when the URL given to `connect` has none. */
export const CAPTIONS_PATH = '/v1/audio/transcriptions';

export interface CaptionsClientOptions extends SocketOptions {
  /** A model id or alias from GET /v1/models (default: the server's default model). */
  model?: string;
  language?: string;
  /** Sample rate of the audio you send, 8000–48000 Hz (default 16 000; the server resamples). */
  sampleRate?: number;
  /** Encoding of the audio bytes on the wire (default `pcm16`); `sendAudio` converts samples to it. */
  encoding?: CaptionsEncoding;
  /** `server_vad` (default): utterances end at silences. `manual`: only `commit()` and `end()` end them. */
  turnDetection?: CaptionsTurnDetection;
  /** Voice-activity settings; sent in a `config` message after `ready` (the rest travels in the URL). */
  vad?: CaptionsConfigMessage['vad'];
}

/** Events a CaptionsClient emits: one per server message type, plus `close`. */
export interface CaptionsClientEvents {
  ready: CaptionsReadyMessage;
  configured: CaptionsConfiguredMessage;
  speech_started: CaptionsSpeechStartedMessage;
  speech_stopped: CaptionsSpeechStoppedMessage;
  /** The open utterance's running text: show `stable_text` normally and `unstable_text` dimmed. */
  partial: CaptionsPartialMessage;
  /** An utterance's settled text, words and times. */
  final: CaptionsFinalMessage;
  /** A server `error` message (the stream usually carries on), or the socket failing (`code` `connection_failed`). */
  error: CaptionsErrorMessage;
  end: CaptionsEndMessage;
  /** The socket closed (code 1000 after `end`; 1001 server shutdown; 1008 a limit; 1013 at capacity; 1006 lost). */
  close: { code: number; reason: string };
}

/**
 * A client for the live-captions WebSocket protocol (see the README, "Live captions over WebSocket"), for
 * Node and browsers alike: its only runtime need is a WebSocket class.
 *
 * ```ts
 * import WebSocket from 'ws'; // Node 20; in a browser omit `WebSocket` and the global one is used
 * const client = new CaptionsClient();
 * client.on('partial', (p) => render(p.stable_text, p.unstable_text));
 * client.on('final', (f) => console.log(`[${f.start}–${f.end}] ${f.text}`));
 * await client.connect('http://127.0.0.1:8000', { WebSocket, apiKey, sampleRate: 16000 }); // resolves on `ready`
 * client.sendAudio(int16Samples);     // Int16Array | Float32Array | raw bytes (Buffer, Uint8Array, ArrayBuffer)
 * client.commit();                    // optional: end the current utterance now
 * const { duration } = await client.end(); // flushes: the last `final` arrives before `end`
 * ```
 *
 * Public API (stable): `new CaptionsClient()`, `CaptionsClient.connect(url, options)` (connect and return
 * the client), `connect(url, options) → Promise<ready>`, `on/off/next(event)`, `sendAudio(audio)`,
 * `commit()`, `end() → Promise<end>`, `close()`, `closed`, and the read-only `ready`, `settings`,
 * `sentAudioSec`, `bufferedAmount`, `isOpen`. The URL may be the server's base (`http://host:8000`,
 * `ws://host:8000`) or the full WebSocket URL. The key goes as `Authorization: Bearer` with an injected
 * `ws` class and as the `openai-insecure-api-key.<key>` subprotocol with a browser's WebSocket (see
 * `keyTransport`).
 */
export class CaptionsClient extends TypedEmitter<CaptionsClientEvents> {
  private socket: WebSocketLike | null = null;
  private readyMessage: CaptionsReadyMessage | null = null;
  private encoding: CaptionsEncoding = 'pcm16';
  private sampleRate = 16000;
  private sentBytes = 0;
  private endMessage: CaptionsEndMessage | null = null;
  private closeEvent: { code: number; reason: string } | null = null;
  private closeWaiters: ((event: { code: number; reason: string }) => void)[] = [];

  /** Creates a client, connects it and resolves once the server is ready (and configured, with `vad`). */
  static async connect(url: string, options: CaptionsClientOptions = {}): Promise<CaptionsClient> {
    const client = new CaptionsClient();
    await client.connect(url, options);
    return client;
  }

  /**
   * Opens the stream. Resolves with the server's `ready` message (after `configured` when `vad` is given);
   * rejects with a StreamClientError when the connection is refused (401 wrong key, 404, 503 while models
   * load, 1013 at capacity, a bad parameter: the server's `code` and message) or times out.
   */
  async connect(url: string, options: CaptionsClientOptions = {}): Promise<CaptionsReadyMessage> {
    if (this.socket) throw new Error('CaptionsClient.connect: already connected; create a new client per stream.');
    this.encoding = options.encoding ?? 'pcm16';
    this.sampleRate = options.sampleRate ?? 16000;
    const target = websocketUrl(url, CAPTIONS_PATH, {
      model: options.model,
      language: options.language,
      sample_rate: options.sampleRate,
      encoding: options.encoding,
      turn_detection: options.turnDetection,
    });
    const socket = openSocket(target, 'captions.v1', options);
    this.socket = socket;
    let lastError: CaptionsErrorMessage | null = null;
    let transportError = '';

    socket.onmessage = (event) => {
      const text = messageText(event.data);
      if (text === null) return;
      let message: CaptionsServerMessage;
      try {
        message = JSON.parse(text) as CaptionsServerMessage;
      } catch {
        return;
      }
      if (message.type === 'ready') this.readyMessage = message;
      if (message.type === 'end') this.endMessage = message;
      if (message.type === 'error') lastError = message;
      this.emit(message.type, message as never);
    };
    socket.onerror = (event) => {
      transportError = errorEventMessage(event);
    };
    socket.onclose = (event) => {
      this.closeEvent = { code: event.code, reason: event.reason };
      if (!this.readyMessage && transportError) this.emit('error', { type: 'error', code: 'connection_failed', message: transportError });
      this.emit('close', this.closeEvent);
      for (const waiter of this.closeWaiters.splice(0)) waiter(this.closeEvent);
    };

    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const ready = await new Promise<CaptionsReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        socket.close();
        reject(new StreamClientError(`No 'ready' from ${target} within ${timeoutMs} ms.`, 'timeout'));
      }, timeoutMs);
      const offReady = this.on('ready', (m) => (off(), resolve(m)));
      const offClose = this.on('close', (c) => {
        off();
        const err = lastError as CaptionsErrorMessage | null;
        if (err) reject(new StreamClientError(err.message, err.code, err.param ?? null, c.code));
        else reject(new StreamClientError(`WebSocket connection to ${target} failed${transportError ? `: ${transportError}` : ''} (close ${c.code}${c.reason ? ` ${c.reason}` : ''}).`, 'connection_failed', null, c.code));
      });
      const off = () => (clearTimeout(timer), offReady(), offClose());
    });
    if (options.vad) {
      const configured = this.next('configured', { timeoutMs });
      this.send({ type: 'config', vad: options.vad });
      await configured;
    }
    return ready;
  }

  /** The server's `ready` message (session id, model, sample rate, encoding, turn detection), once connected. */
  get ready(): CaptionsReadyMessage | null {
    return this.readyMessage;
  }

  /** The encoding and sample rate `sendAudio` produces. */
  get settings(): { encoding: CaptionsEncoding; sampleRate: number } {
    return { encoding: this.encoding, sampleRate: this.sampleRate };
  }

  /** Seconds of audio sent so far. */
  get sentAudioSec(): number {
    const bytesPerSample = this.encoding === 'float32' ? 4 : this.encoding === 'pcm16' ? 2 : 1;
    return this.sentBytes / bytesPerSample / this.sampleRate;
  }

  /** Bytes queued in the socket and not yet sent (for back-pressure when streaming faster than real time). */
  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  get isOpen(): boolean {
    return this.socket !== null && this.socket.readyState === WS_OPEN;
  }

  /**
   * Sends audio as one binary frame: float samples in [-1, 1] or 16-bit samples are converted to the stream's
   * encoding; raw bytes (Buffer, Uint8Array, ArrayBuffer) are sent as they are. Mono, at `sampleRate`.
   */
  sendAudio(audio: AudioInput): void {
    const bytes = encodeAudio(audio, this.encoding);
    if (bytes.length === 0) return;
    this.openSocket().send(bytes);
    this.sentBytes += bytes.length;
  }

  /** Ends the current utterance now (its `final` follows). */
  commit(): void {
    this.send({ type: 'commit' });
  }

  /**
   * Flushes the stream: the server sends the open utterance's `final`, then `end`, then closes with 1000.
   * Resolves with the `end` message; rejects if the socket closes first or after `timeoutMs` (default 30 s).
   */
  async end(timeoutMs = 30_000): Promise<CaptionsEndMessage> {
    if (this.endMessage) return this.endMessage;
    const ended = new Promise<CaptionsEndMessage>((resolve, reject) => {
      const timer = setTimeout(() => (off(), reject(new StreamClientError(`No 'end' within ${timeoutMs} ms.`, 'timeout'))), timeoutMs);
      const offEnd = this.on('end', (m) => (off(), resolve(m)));
      const offClose = this.on('close', (c) => (off(), reject(new StreamClientError(`The stream closed (${c.code}${c.reason ? ` ${c.reason}` : ''}) before 'end'.`, 'connection_closed', null, c.code))));
      const off = () => (clearTimeout(timer), offEnd(), offClose());
    });
    this.send({ type: 'end' });
    return ended;
  }

  /** Closes the socket without flushing (the open utterance gets no final). */
  close(code = 1000, reason = ''): void {
    if (this.socket && !this.closeEvent) this.socket.close(code, reason);
  }

  /** Resolves with the close code and reason once the socket has closed. */
  get closed(): Promise<{ code: number; reason: string }> {
    if (this.closeEvent) return Promise.resolve(this.closeEvent);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  private send(message: { type: 'config' | 'commit' | 'end'; [key: string]: unknown }): void {
    this.openSocket().send(JSON.stringify(message));
  }

  private openSocket(): WebSocketLike {
    if (!this.socket || this.socket.readyState !== WS_OPEN) {
      throw new StreamClientError('The captions stream is not open.', 'connection_closed', null, this.closeEvent?.code ?? null);
    }
    return this.socket;
  }
}
