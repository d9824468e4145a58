import { openAudio, type SpooledUpload } from '../audio/decode';
import type { DecodedAudioLease } from '../audio/decoded-audio-budget';
import { overBudget } from '../audio/over-budget';
import { primeChunks } from '../audio/primed-chunks';
import type { Recognizer, RecognizerBias, TokenLogprob } from '../model/recognizer';
import { languageName, transcriptLanguage } from '../model/supported-languages';
import type { TraceSpan } from '../observability/trace-span';
import type { StreamWord } from '../streaming/local-agreement';
import { spelledTokens } from '../streaming/word-tokens';
import { segmentWords, type Transcript } from '../transcription/transcript';
import { LiveSession, type LiveSessionDeps, type LiveSessionEvent } from './live-session';

export interface FileSessionDeps extends LiveSessionDeps {
  /** A lease on the server's decoded-audio budget, released when the request is over. */
  lease: DecodedAudioLease;
}

export interface FileSessionRequest {
  upload: SpooledUpload;
  /** A resolved model id. */
  modelId: string;
  /** OpenAI's `prompt`: its words are favoured as hotwords (beam search). */
  prompt?: string;
  /** The audio's language code (checked against the model); absent: detected (multilingual Whisper) or English. */
  language?: string;
  /** 'translate': the model translates into English (only models that can are asked to). */
  task?: 'transcribe' | 'translate';
  signal?: AbortSignal;
}

export interface FileTranscribeOptions {
  /** Text appended to the transcript as each utterance is final; the deltas concatenate to the final text. */
  onDelta?: (delta: string, logprobs: TokenLogprob[]) => void;
  /** Seconds of audio through the VAD and finals so far (for a progress bar). */
  onProgress?: (audioSec: number) => void;
  /** The request's trace: the transcription becomes a `stt.transcribe` span under it, with its recognitions. */
  trace?: TraceSpan;
}

/** `recognizer`, telling `onLanguage` the language of each result that reports one. */
function reportingLanguage(recognizer: Recognizer, onLanguage: (code: string) => void): Recognizer {
  return {
    modelId: recognizer.modelId,
    sampleRateHz: recognizer.sampleRateHz,
    async recognize(samples, options) {
      const result = await recognizer.recognize(samples, options);
      if (result.language) onLanguage(result.language);
      return result;
    },
  };
}

/** Audio handed to the session per step, in samples (1 s at 16 kHz). */
const STEP_SAMPLES = 16000;

/**
 * One file transcription: its budget lease, its decoding (opened before the caller commits to a response, so
 * a file that does not decode is a 4xx), and the same live session the WebSocket streams use, fed as fast as
 * it keeps up with partials off: utterances found by the VAD, each decoded whole as its final. The same
 * audio therefore gives the same text as an upload, with `stream=true`, and over captions or Realtime.
 * Memory is what the session holds (its ring buffer) plus one decoded chunk, whatever the file's length.
 */
export class FileSession {
  private constructor(
    private readonly deps: FileSessionDeps,
    private readonly request: FileSessionRequest,
    private readonly chunks: AsyncIterable<Float32Array>,
    /** The WAV header declared more audio than the file holds; what is there is transcribed. */
    readonly truncated: boolean,
  ) {}

  /** Opens the upload and decodes its first chunk: throws the 4xx of a file that does not decode. */
  static async open(deps: FileSessionDeps, request: FileSessionRequest): Promise<FileSession> {
    const { config, lease } = deps;
    // What the session holds at most (its ring buffer of 16 kHz float samples) counts against the budget.
    const sessionBytes = Math.ceil(LiveSession.streamingConfig(config, { turnDetection: 'server_vad' }).maxBufferedSec * 16000 * 4);
    if (!lease.reserve(sessionBytes)) throw overBudget();
    const audio = await openAudio(request.upload, {
      targetRateHz: 16000,
      ffmpegPath: config.ffmpegPath,
      timeoutMs: config.ffmpegTimeoutMs,
      maxDurationSec: config.maxAudioDurationSec,
      reserve: lease.reserve,
      free: lease.free,
    });
    return new FileSession(deps, request, await primeChunks(audio.chunks), audio.truncated);
  }

  async transcribe(options: FileTranscribeOptions = {}): Promise<Transcript> {
    const started = performance.now();
    const span = options.trace?.start('stt.transcribe', started);
    try {
      return await this.run(options, started, span);
    } catch (err) {
      span?.end(performance.now(), err);
      throw err;
    } finally {
      span?.end();
    }
  }

  private async run(options: FileTranscribeOptions, started: number, span: TraceSpan | undefined): Promise<Transcript> {
    const { signal } = this.request;
    const words: StreamWord[] = [];
    const finals: string[] = [];
    let failure: unknown = null;
    const onEvent = (event: LiveSessionEvent) => {
      if (event.type === 'final') {
        words.push(...event.words);
        if (event.text) {
          options.onDelta?.(finals.length > 0 ? ` ${event.text}` : event.text, spelledTokens(event.words, finals.length > 0));
          finals.push(event.text);
        }
      } else if (event.type === 'error') failure ??= event.error;
    };
    // The language the model decoded in, as it reports it (a multilingual Whisper model detects it per utterance).
    let decodedLanguage: string | undefined;
    const deps = Object.create(this.deps, {
      recognizer: { value: (id: string, bias?: RecognizerBias) => reportingLanguage(this.deps.recognizer(id, bias), (l) => (decodedLanguage ??= l)) },
    }) as FileSessionDeps;
    const { prompt, language, task } = this.request;
    const session = new LiveSession(
      deps,
      {
        modelId: this.request.modelId,
        input: { encoding: 'float32', sampleRateHz: 16000 },
        turnDetection: 'server_vad',
        bias: prompt || language || task ? { prompt, language, task } : undefined,
        partialUpdates: false,
        mode: 'file',
        trace: span,
      },
      { onEvent },
    );
    // Keep the session's unprocessed audio below half its bound, so it never refuses audio.
    const maxLagMs = LiveSession.streamingConfig(this.deps.config, { turnDetection: 'server_vad' }).maxLagMs / 2;
    let totalSamples = 0;
    try {
      for await (const chunk of this.chunks) {
        totalSamples += chunk.length;
        for (let at = 0; at < chunk.length && !failure; at += STEP_SAMPLES) {
          signal?.throwIfAborted();
          while (session.lagMs > maxLagMs) {
            const before = session.lagMs;
            await session.processed();
            // Nothing moved (the detector is busy or refused): wait a little rather than spin.
            if (session.lagMs >= before) await new Promise((resolve) => setTimeout(resolve, 5));
            signal?.throwIfAborted();
          }
          session.pushSamples(chunk.subarray(at, Math.min(chunk.length, at + STEP_SAMPLES)));
          options.onProgress?.(Math.max(0, (session.receivedMs - session.lagMs) / 1000));
        }
        if (failure) break;
      }
      await session.finish();
      options.onProgress?.(totalSamples / 16000);
    } finally {
      session.close();
    }
    if (failure) throw failure;
    const { metrics } = this.deps;
    metrics.audioSeconds.inc({ model: this.request.modelId, mode: 'file' }, totalSamples / 16000);
    metrics.transcriptionSeconds.observe((performance.now() - started) / 1000);
    const timed = words.map((w) => ({ word: w.word, startSec: w.startSec, endSec: w.endSec }));
    return {
      text: finals.join(' '),
      // OpenAI's verbose_json: a translation's language is its output's (english); else the audio's.
      language: task === 'translate' ? languageName('en') : transcriptLanguage(language ?? decodedLanguage, this.deps.languagesOf?.(this.request.modelId) ?? ['en']),
      durationSec: totalSamples / 16000,
      segments: segmentWords(timed),
      words: timed,
      logprobs: spelledTokens(words, false),
    };
  }
}
