import type { Config } from '../config';
import { ApiError } from '../errors';
import type { PcmEncoding } from '../audio/pcm';
import type { Metrics } from '../metrics';
import type { StreamLatency } from '../observability/stream-latency';
import type { TraceSpan } from '../observability/trace-span';
import type { Recognizer, RecognizerBias } from '../model/recognizer';
import { validateStreamingConfig } from '../streaming/streaming-config';
import type { FinalEvent, PartialEvent, StreamingEvent } from '../streaming/streaming-events';
import { STREAM_SAMPLE_RATE_HZ } from '../streaming/stream-input';
import type { LiveTranscriber } from '../streaming/live-transcriber';
import type { OnlineRecognizerStream } from '../model/online-recognizer-stream';
import type { SpeechProbabilitySource } from '../vad/speech-probability';
import { AudioIngest } from './audio-ingest';
import { createLiveTranscriber } from './live-transcriber-factory';
import type { StreamGuard } from './stream-guard';
import { streamingConfigFor, type ClientVadSettings } from './streaming-session-config';

/** What a live session needs from the engine. */
export interface LiveSessionDeps {
  config: Readonly<Config>;
  metrics: Metrics;
  vad: SpeechProbabilitySource;
  recognizer(modelId: string, bias?: RecognizerBias): Recognizer;
  /** How much longer partials are spaced under load (capacity admission); 1 when not given. */
  partialIntervalScale?: () => number;
  /**
   * A stream of `modelId` when it is an online model (decoded chunk by chunk from state in one worker): the
   * session then runs OnlineStreamingTranscriber instead of re-decoding windows. Undefined for other models.
   */
  openOnlineStream?(modelId: string): OnlineRecognizerStream | undefined;
  /** STREAM_PARTIAL_MODEL resolved: the model that makes live streams' partials (live-transcriber-factory.ts). */
  partialModelId?: string | null;
  /** The languages a model hears (ISO-639-1), to keep a partial model off streams in other languages. */
  languagesOf?(modelId: string): readonly string[];
}

export interface LiveSessionSettings {
  /** A resolved model id. */
  modelId: string;
  /** The audio the client sends. */
  input: { encoding: PcmEncoding; sampleRateHz: number };
  turnDetection: 'server_vad' | 'manual';
  vad?: ClientVadSettings;
  /** Read at every recognition (a Realtime session's prompt may change while it runs). */
  bias?: RecognizerBias;
  /** Whether partials are made (a file transcribed offline needs only finals). Default true. */
  partialUpdates?: boolean;

  /** Metrics label: a live stream or a file. */
  mode: 'stream' | 'file';
  /** Traced: each recognition becomes spans under this one (see TracedRecognizer). */
  trace?: TraceSpan;
  /**
   * The stream's idle, audio and wall-clock limits (none for a file): started by the transport when the
   * connection opens (a client that never sends audio is closed too), told of every frame here, stopped at the end.
   */
  guard?: StreamGuard;
}

/** A partial carries how far its text trails the audio received. */
export type LiveSessionEvent = Exclude<StreamingEvent, PartialEvent> | (PartialEvent & { lagMs: number });

export interface LiveSessionHandlers {
  onEvent(event: LiveSessionEvent): void;
}

/**
 * One live transcription session, whatever the transport (captions, Realtime, a file streamed with
 * `stream=true` or transcribed whole): the client's audio format converted to 16 kHz, one streaming config
 * built from the service config (`STREAM_UPDATE_INTERVAL_MS` and the rest), the stream limits, and one set
 * of metrics. Transports only parse their protocol and render the events.
 */
export class LiveSession {
  private readonly transcriber: LiveTranscriber;
  private readonly ingest: AudioIngest;
  private readonly guard: StreamGuard | null;
  private finishing: Promise<void> | null = null;
  /** Samples taken by pushSamples. */
  private fileSamples = 0;
  /** First-partial and final latencies (live streams only: files arrive faster than real time). */
  private readonly latency: StreamLatency | null;
  /** Takes this session off the per-model count of open sessions (idempotent). */
  private readonly uncount: () => void;

  constructor(
    private readonly deps: LiveSessionDeps,
    readonly settings: LiveSessionSettings,
    private readonly handlers: LiveSessionHandlers,
  ) {
    const config = LiveSession.streamingConfig(deps.config, settings);
    this.ingest = new AudioIngest(settings.input.encoding, settings.input.sampleRateHz);
    this.transcriber = createLiveTranscriber(deps, settings, config, (event) => this.onEvent(event));
    this.guard = settings.guard ?? null;
    this.latency = settings.mode === 'stream' ? deps.metrics.streams.latencyFor(settings.modelId) : null;
    this.uncount = deps.metrics.streams.opened(settings.modelId, settings.mode);
  }

  /** The streaming config for these settings; throws a 400 naming what is out of range. */
  static streamingConfig(config: Readonly<Config>, settings: Pick<LiveSessionSettings, 'turnDetection' | 'vad' | 'partialUpdates'>) {
    try {
      return validateStreamingConfig({ ...streamingConfigFor(config, settings.turnDetection, settings.vad), partialUpdates: settings.partialUpdates ?? true });
    } catch (err) {
      throw new ApiError(400, `Invalid turn detection settings: ${(err as Error).message}.`, { code: 'invalid_value', param: 'vad' });
    }
  }

  /** Audio received, in ms (at the client's rate). */
  get receivedMs(): number {
    return this.ingest.receivedMs + (this.fileSamples / STREAM_SAMPLE_RATE_HZ) * 1000;
  }

  /** Resolves once the audio accepted so far is through the VAD and finals. */
  processed(): Promise<void> {
    return this.transcriber.processed();
  }

  /** Audio accepted but not yet through the VAD and finals, in ms. */
  get lagMs(): number {
    return this.transcriber.lagMs;
  }

  get ended(): boolean {
    return this.finishing !== null;
  }

  /**
   * Takes one frame in the client's format. Returns false when a limit stopped the stream (the frame is
   * dropped). Throws a 400 `invalid_audio_frame` for a frame that is not whole samples, a 429 when audio
   * arrives faster than it is transcribed, a 409 once the session is ending.
   */
  pushBytes(bytes: Uint8Array): boolean {
    if (bytes.length === 0) return true; // no audio: does not count against the idle timeout
    if (this.finishing) throw new ApiError(409, 'The stream is ending; no more audio is accepted.', { code: 'stream_closed' });
    let samples: Float32Array;
    try {
      samples = this.ingest.push(bytes);
    } catch (err) {
      throw new ApiError(400, `Invalid audio frame: ${(err as Error).message}.`, { code: 'invalid_audio_frame', param: 'audio' });
    }
    if (this.guard && !this.guard.audioReceived(this.ingest.receivedMs)) return false;
    this.accept(samples);
    return true;
  }

  /**
   * Takes 16 kHz float samples as they are (a decoded file: no format conversion, no copy). Throws a 429 when
   * audio arrives faster than it is transcribed, a 409 once the session is ending.
   */
  pushSamples(samples: Float32Array): void {
    if (samples.length === 0) return;
    if (this.finishing) throw new ApiError(409, 'The stream is ending; no more audio is accepted.', { code: 'stream_closed' });
    if (this.settings.input.encoding !== 'float32' || this.settings.input.sampleRateHz !== STREAM_SAMPLE_RATE_HZ) {
      throw new RangeError('pushSamples takes 16 kHz float32 samples: this session converts its input (pushBytes)');
    }
    this.fileSamples += samples.length;
    this.accept(samples);
  }

  /** Into the transcriber; audio refused for lagging is counted as a refusal. */
  private accept(samples: Float32Array): void {
    try {
      this.transcriber.pushAudio(samples);
    } catch (err) {
      if (err instanceof ApiError) this.deps.metrics.refusals.countError(this.settings.mode === 'stream' ? 'ws' : 'http', err);
      throw err;
    }
    this.latency?.audioAccepted(this.transcriber.receivedMs);
  }

  /** Ends the current utterance now; resolves with its final. */
  commit(): Promise<FinalEvent> {
    return this.transcriber.commit();
  }

  /** Drops the audio not yet committed. */
  clear(): void {
    this.transcriber.clear();
  }

  /**
   * The stream is over: the resampler's tail goes in, the open utterance gets its final, then it resolves.
   * Idempotent; also what a tripped limit does.
   */
  finish(): Promise<void> {
    if (this.finishing) return this.finishing;
    this.guard?.stop();
    const tail = this.ingest.flush();
    this.finishing = (async () => {
      try {
        if (tail.length > 0) this.transcriber.pushAudio(tail);
      } catch {
        // The resampler's last few ms, refused by a lagging stream: the final goes without them.
      }
      await this.transcriber.end();
      this.uncount();
    })();
    return this.finishing;
  }

  /** Drops everything at once (the client is gone). */
  close(): void {
    this.guard?.stop();
    this.transcriber.close();
    this.uncount();
  }

  private onEvent(event: StreamingEvent): void {
    const { metrics } = this.deps;
    this.latency?.onEvent(event);
    if (event.type === 'partial') {
      const lagMs = Math.round(this.transcriber.transcriptLagMs);
      metrics.streamLagMs.observe(lagMs);
      this.handlers.onEvent({ ...event, lagMs });
      return;
    }
    if (event.type === 'final' && this.settings.mode === 'stream') metrics.audioSeconds.inc({ model: this.settings.modelId, mode: this.settings.mode }, Math.max(0, event.endSec - event.startSec));
    this.handlers.onEvent(event);
  }
}
