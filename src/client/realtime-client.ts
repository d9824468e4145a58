import { base64Encode, pcm16Bytes, type AudioInput } from './audio-frames.js';
import { TypedEmitter } from './emitter.js';
import type {
  RealtimeBetaSession,
  RealtimeBetaSessionUpdate,
  RealtimeClientEvent,
  RealtimeServerEvent,
  RealtimeServerEventType,
  RealtimeSession,
  RealtimeSessionUpdate,
  RealtimeTurnDetection,
} from './realtime-wire.js';
import { errorEventMessage, messageText, openSocket, StreamClientError, websocketUrl, WS_OPEN, type SocketOptions, type WebSocketLike } from './socket.js';

export type { AudioInput } from './audio-frames.js';
export type * from './realtime-wire.js';
export { StreamClientError, type KeyTransport, type WebSocketConstructor } from './socket.js';

/** The WebSocket path of the Realtime API, used when the URL given to `connect` has none. */
export const REALTIME_PATH = '/v1/realtime';
/** The `include` entry that adds token log probabilities to deltas and completions. */
export const LOGPROBS_INCLUDE = 'item.input_audio_transcription.logprobs';

export interface RealtimeClientOptions extends SocketOptions {
  /** A model id or alias (OpenAI names such as `gpt-4o-transcribe` are accepted). */
  model?: string;
  language?: string;
  /** Hotwords: words of the prompt and `keywords` are favoured. */
  prompt?: string;
  keywords?: string[];
  /** `audio/pcm` (default; 16-bit little-endian at `sampleRate`), `audio/pcmu` or `audio/pcma` (8 kHz). */
  format?: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma';
  /** Sample rate of `audio/pcm`, 8000–48000 Hz (default 24 000, OpenAI's). */
  sampleRate?: number;
  /** Server VAD settings; `null` for manual turns (`commit()` ends each). Default: the server's VAD. */
  turnDetection?: RealtimeTurnDetection | null;
  /** Ask for `logprobs` on deltas and completions. */
  logprobs?: boolean;
  /** `ga` (default): `session.update`; `beta`: the legacy `transcription_session.update`. */
  flavor?: 'ga' | 'beta';
}

/** Server events by type, plus `event` (every server event) and `close`. */
export type RealtimeClientEvents = { [K in RealtimeServerEventType]: RealtimeServerEvent<K> } & {
  event: RealtimeServerEvent;
  close: { code: number; reason: string };
};

/**
 * A client for OpenAI Realtime transcription sessions (README, "OpenAI Realtime transcription"), for Node
 * (inject the `ws` class) and browsers (the global WebSocket; the key goes as a subprotocol).
 *
 * ```ts
 * const rt = new RealtimeTranscriptionClient();
 * rt.on('conversation.item.input_audio_transcription.delta', (e) => process.stdout.write(e.delta));
 * rt.on('conversation.item.input_audio_transcription.completed', (e) => console.log('\n' + e.transcript));
 * await rt.connect('http://127.0.0.1:8000', { WebSocket, apiKey, sampleRate: 16000 }); // session.created + update
 * rt.appendAudio(float32Samples); // base64 PCM16 in input_audio_buffer.append
 * rt.commit();                    // with turnDetection: null, or to end a turn early
 * rt.close();
 * ```
 */
export class RealtimeTranscriptionClient extends TypedEmitter<RealtimeClientEvents> {
  private socket: WebSocketLike | null = null;
  private format: NonNullable<RealtimeClientOptions['format']> = 'audio/pcm';
  private flavor: 'ga' | 'beta' = 'ga';
  private currentSession: RealtimeSession | RealtimeBetaSession | null = null;
  private closeEvent: { code: number; reason: string } | null = null;
  private closeWaiters: ((event: { code: number; reason: string }) => void)[] = [];
  private nextEventId = 1;

  /** Creates a client, connects it and resolves once the session is configured. */
  static async connect(url: string, options: RealtimeClientOptions = {}): Promise<RealtimeTranscriptionClient> {
    const client = new RealtimeTranscriptionClient();
    await client.connect(url, options);
    return client;
  }

  /**
   * Opens the session: waits for `session.created`, sends the options as one session update and resolves with
   * the session the server confirms. Rejects with a StreamClientError when the connection is refused, the
   * update is (the server's `error` code and param), or nothing arrives within `connectTimeoutMs`.
   */
  async connect(url: string, options: RealtimeClientOptions = {}): Promise<RealtimeSession | RealtimeBetaSession> {
    if (this.socket) throw new Error('RealtimeTranscriptionClient.connect: already connected; create a new client per session.');
    const target = websocketUrl(url, REALTIME_PATH, { intent: 'transcription', model: options.model });
    const socket = openSocket(target, 'realtime', options);
    this.socket = socket;
    this.format = options.format ?? 'audio/pcm';
    this.flavor = options.flavor ?? 'ga';
    let transportError = '';
    let lastError: RealtimeServerEvent<'error'> | null = null;

    socket.onmessage = (event) => {
      const text = messageText(event.data);
      if (text === null) return;
      let message: RealtimeServerEvent;
      try {
        message = JSON.parse(text) as RealtimeServerEvent;
      } catch {
        return;
      }
      if (message.type === 'error') lastError = message;
      if (message.type === 'session.created' || message.type === 'session.updated' || message.type === 'transcription_session.updated') this.currentSession = message.session;
      this.emit(message.type, message as never);
      this.emit('event', message);
    };
    socket.onerror = (event) => {
      transportError = errorEventMessage(event);
    };
    socket.onclose = (event) => {
      this.closeEvent = { code: event.code, reason: event.reason };
      this.emit('close', this.closeEvent);
      for (const waiter of this.closeWaiters.splice(0)) waiter(this.closeEvent);
    };

    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => (off(), socket.close(), reject(new StreamClientError(`No 'session.created' from ${target} within ${timeoutMs} ms.`, 'timeout'))), timeoutMs);
      const offCreated = this.on('session.created', () => (off(), resolve()));
      const offClose = this.on('close', (c) => {
        off();
        const err = (lastError as RealtimeServerEvent<'error'> | null)?.error;
        if (err) reject(new StreamClientError(err.message, err.code ?? 'error', err.param, c.code));
        else reject(new StreamClientError(`WebSocket connection to ${target} failed${transportError ? `: ${transportError}` : ''} (close ${c.code}${c.reason ? ` ${c.reason}` : ''}).`, 'connection_failed', null, c.code));
      });
      const off = () => (clearTimeout(timer), offCreated(), offClose());
    });
    return this.updateSession(this.sessionUpdateOf(options), timeoutMs);
  }

  /**
   * Sends a session update (GA `session.update`, or `transcription_session.update` for the beta flavor) and
   * resolves with the updated session; rejects with the server's error when it refuses the update.
   */
  async updateSession(session: RealtimeSessionUpdate | RealtimeBetaSessionUpdate, timeoutMs = 10_000): Promise<RealtimeSession | RealtimeBetaSession> {
    const eventId = this.newEventId();
    const updated = this.flavor === 'ga' ? 'session.updated' : 'transcription_session.updated';
    const result = new Promise<RealtimeSession | RealtimeBetaSession>((resolve, reject) => {
      const timer = setTimeout(() => (off(), reject(new StreamClientError(`No '${updated}' within ${timeoutMs} ms.`, 'timeout'))), timeoutMs);
      const offUpdated = this.on(updated, (e) => (off(), resolve(e.session)));
      const offError = this.on('error', (e) => {
        if (e.error.event_id !== eventId) return;
        off();
        reject(new StreamClientError(e.error.message, e.error.code ?? 'error', e.error.param));
      });
      const offClose = this.on('close', (c) => (off(), reject(new StreamClientError(`The session closed (${c.code}) before '${updated}'.`, 'connection_closed', null, c.code))));
      const off = () => (clearTimeout(timer), offUpdated(), offError(), offClose());
    });
    if (this.flavor === 'ga') this.send({ type: 'session.update', event_id: eventId, session: session as RealtimeSessionUpdate });
    else this.send({ type: 'transcription_session.update', event_id: eventId, session: session as RealtimeBetaSessionUpdate });
    return result;
  }

  /** The session as the server last reported it. */
  get session(): RealtimeSession | RealtimeBetaSession | null {
    return this.currentSession;
  }

  get isOpen(): boolean {
    return this.socket !== null && this.socket.readyState === WS_OPEN;
  }

  /**
   * Appends audio to the input buffer (`input_audio_buffer.append`, base64). For `audio/pcm`, float samples
   * in [-1, 1] and 16-bit samples are converted to PCM16; raw bytes (Buffer, Uint8Array, ArrayBuffer) are
   * sent as they are (the only input µ-law and A-law sessions take). Mono, at the session's rate.
   */
  appendAudio(audio: AudioInput): void {
    const bytes = this.format === 'audio/pcm' ? pcm16Bytes(audio) : rawBytes(audio, this.format);
    if (bytes.length === 0) return;
    this.send({ type: 'input_audio_buffer.append', audio: base64Encode(bytes) });
  }

  /** Ends the current turn: its `...completed` follows. */
  commit(): void {
    this.send({ type: 'input_audio_buffer.commit' });
  }

  /** Drops audio not yet committed (`input_audio_buffer.cleared` follows). */
  clear(): void {
    this.send({ type: 'input_audio_buffer.clear' });
  }

  close(code = 1000, reason = ''): void {
    if (this.socket && !this.closeEvent) this.socket.close(code, reason);
  }

  /** Resolves with the close code and reason once the socket has closed. */
  get closed(): Promise<{ code: number; reason: string }> {
    if (this.closeEvent) return Promise.resolve(this.closeEvent);
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  private sessionUpdateOf(o: RealtimeClientOptions): RealtimeSessionUpdate | RealtimeBetaSessionUpdate {
    const transcription = { model: o.model, language: o.language, prompt: o.prompt, keywords: o.keywords };
    const include = o.logprobs === undefined ? undefined : o.logprobs ? [LOGPROBS_INCLUDE] : [];
    const turn = o.turnDetection === undefined ? {} : { turn_detection: o.turnDetection };
    if (this.flavor === 'beta') {
      const format = this.format === 'audio/pcmu' ? 'g711_ulaw' : this.format === 'audio/pcma' ? 'g711_alaw' : 'pcm16';
      if (format === 'pcm16' && o.sampleRate !== undefined && o.sampleRate !== 24000) {
        throw new StreamClientError('The beta flavor carries PCM16 at 24 kHz only; use the GA flavor for other rates.', 'invalid_value', 'sampleRate');
      }
      return { input_audio_format: format, input_audio_transcription: transcription, ...turn, ...(include ? { include } : {}) };
    }
    const format = this.format === 'audio/pcm' ? { type: 'audio/pcm' as const, rate: o.sampleRate ?? 24000 } : { type: this.format };
    return { type: 'transcription', audio: { input: { format, transcription, ...turn } }, ...(include ? { include } : {}) };
  }

  private newEventId(): string {
    return `event_client_${this.nextEventId++}`;
  }

  private send(event: RealtimeClientEvent): void {
    if (!this.socket || this.socket.readyState !== WS_OPEN) {
      throw new StreamClientError('The Realtime session is not open.', 'connection_closed', null, this.closeEvent?.code ?? null);
    }
    this.socket.send(JSON.stringify(event));
  }
}

function rawBytes(audio: AudioInput, format: string): Uint8Array {
  const tag = Object.prototype.toString.call(audio);
  if (tag === '[object ArrayBuffer]') return new Uint8Array(audio as ArrayBuffer);
  if (tag === '[object Uint8Array]') return audio as Uint8Array;
  throw new TypeError(`Audio for an ${format} session must be raw bytes (Uint8Array or ArrayBuffer), not samples.`);
}
