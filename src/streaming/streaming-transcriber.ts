import { SerialTasks } from './serial-tasks';
import { isDigitalSilence } from '../audio/digital-silence';
import { RingBuffer } from '../buffer/ring-buffer';
import { ApiError, toApiError } from '../errors';
import { Recognizer } from '../model/recognizer';
import { SpeechProbabilitySource, SpeechProbabilityStream, VAD_CHUNK_SAMPLES } from '../vad/speech-probability';
import { VadEvent, VadSegmenter } from '../vad/vad-segmenter';
import { StreamingTranscriberConfig, validateStreamingConfig } from './streaming-config';
import { FinalEvent, FinalReason, StreamingEvent } from './streaming-events';
import { PartialUpdates } from './partial-updates';
import { STREAM_SAMPLE_RATE_HZ, STREAM_SAMPLES_PER_MS as SAMPLES_PER_MS } from './stream-input';
import { Utterance } from './utterance';

/** Most VAD chunks sent to the detector in one request (about 1 s of audio), so streams take turns. */
const MAX_VAD_CHUNKS_PER_REQUEST = 32;

export interface StreamingTranscriberDeps {
  recognizer: Recognizer;
  /** Makes the partials instead of `recognizer`, which then makes only the finals (dual-model-transcriber.ts). */
  partialRecognizer?: Recognizer;
  /** Required with `turnDetection: 'server_vad'`. */
  vad?: SpeechProbabilitySource;
  /** Receives every event, synchronously, in order. */
  onEvent(event: StreamingEvent): void;
  /**
   * How much longer than `updateIntervalMs` partial updates are spaced now (>= 1; read at every update): the
   * service stretches them under load, before it refuses new work. 1 when not given.
   */
  partialIntervalScale?: () => number;
}

/**
 * One live transcription stream, independent of its transport. Audio (16 kHz mono float32, see
 * `stream-input.ts`) goes in through
 * `pushAudio`; the VAD splits it into utterances; while one continues, its uncommitted window is
 * re-transcribed every `updateIntervalMs` (times `partialIntervalScale` under load; partial-updates.ts) and
 * stabilized with LocalAgreement-2; at its end the whole utterance is transcribed as its `final`.
 * VAD processing and utterance finalization run in order on one task chain; partial updates run beside it.
 */
export class StreamingTranscriber {
  private readonly config: StreamingTranscriberConfig;
  private readonly ring: RingBuffer;
  private readonly vadStream: SpeechProbabilityStream | null;
  private segmenter: VadSegmenter;
  private utterance: Utterance | null = null;
  private nextUtteranceIndex = 0;
  /** Audio before this sample belongs to committed or cleared utterances. */
  private consumedSample = 0;
  private readonly partials: PartialUpdates;
  private readonly tasks = new SerialTasks();
  /** Bumped by clear(): VAD results for audio from before it are dropped. */
  private generation = 0;
  private state: 'open' | 'ending' | 'closed' = 'open';

  constructor(
    private readonly deps: StreamingTranscriberDeps,
    config: StreamingTranscriberConfig,
  ) {
    this.config = validateStreamingConfig(config);
    for (const r of [deps.recognizer, deps.partialRecognizer ?? deps.recognizer]) {
      if (r.sampleRateHz !== STREAM_SAMPLE_RATE_HZ) throw new RangeError(`the recognizer expects ${r.sampleRateHz} Hz; streaming runs at 16000 Hz`);
    }
    if (config.turnDetection === 'server_vad' && !deps.vad) throw new RangeError('server_vad needs a VAD source');
    this.ring = new RingBuffer(Math.ceil(config.maxBufferedSec * STREAM_SAMPLE_RATE_HZ));
    this.vadStream = config.turnDetection === 'server_vad' ? deps.vad!.openStream() : null;
    this.segmenter = new VadSegmenter(config.vad);
    this.partials = new PartialUpdates({
      utterance: () => this.utterance,
      windowEndSample: () => (this.vadStream ? this.segmenter.processedSample : this.ring.endSample),
      read: (startSample, endSample) => this.ring.read(startSample, endSample),
      recognizer: deps.partialRecognizer ?? deps.recognizer,
      supersedeKey: this,
      intervalMs: () => this.config.updateIntervalMs * Math.max(1, deps.partialIntervalScale?.() ?? 1),
      leftContextSamples: Math.round(this.config.leftContextMs * SAMPLES_PER_MS),
      active: () => this.state !== 'closed' && this.config.partialUpdates,
      emit: (event) => this.emit(event),
      onApplied: () => this.discardUnneeded(),
    });
  }

  /** Audio accepted so far, in ms. */
  get receivedMs(): number {
    return this.ring.endSample / SAMPLES_PER_MS;
  }

  /** Accepted audio not yet through the VAD and utterance finalization, in ms; bounded by `maxLagMs`. */
  get lagMs(): number {
    return (this.ring.endSample - this.processedSample()) / SAMPLES_PER_MS;
  }

  /** How far the current utterance's latest hypothesis trails the accepted audio, in ms (0 between utterances). */
  get transcriptLagMs(): number {
    return this.utterance ? (this.ring.endSample - this.utterance.recognizedEndSample) / SAMPLES_PER_MS : 0;
  }

  /**
   * Accepts 16 kHz mono samples in [-1, 1]. Throws an ApiError and accepts nothing when the session is
   * closed (409 `stream_closed`) or processing lags more than `maxLagMs` behind (429 `stream_lagging`).
   */
  pushAudio(samples: Float32Array): void {
    if (this.state !== 'open') throw new ApiError(409, 'The audio stream has ended.', { code: 'stream_closed' });
    if (samples.length === 0) return;
    const lagMs = (this.ring.endSample + samples.length - this.processedSample()) / SAMPLES_PER_MS;
    if (lagMs > this.config.maxLagMs) {
      throw new ApiError(429, `Audio is arriving faster than it can be transcribed (${Math.round(lagMs)} ms behind).`, {
        code: 'stream_lagging',
        retryAfterSec: 1,
      });
    }
    if (this.config.turnDetection === 'manual' && !this.utterance) {
      this.utterance = new Utterance(this.nextUtteranceIndex++, this.ring.endSample);
    }
    this.ring.append(samples);
    this.tasks.schedulePump(() => this.pumpVad());
  }

  /**
   * Ends the current utterance at the audio accepted so far (later audio starts the next one) and resolves
   * with its final. Rejects with a 400
   * `input_audio_buffer_commit_empty` when there is no speech (server VAD) or too little audio (manual).
   */
  commit(): Promise<FinalEvent> {
    if (this.state !== 'open') return Promise.reject(new ApiError(409, 'The audio stream has ended.', { code: 'stream_closed' }));
    const commitSample = this.ring.endSample;
    return this.tasks.run(async () => {
      await this.pumpVad(commitSample);
      const utterance = this.utterance;
      const minSamples = this.config.turnDetection === 'manual' ? this.config.minCommitMs * SAMPLES_PER_MS : 1;
      if (!utterance || commitSample - utterance.startSample < minSamples) {
        throw new ApiError(400, 'The input audio buffer holds too little audio to commit.', {
          code: 'input_audio_buffer_commit_empty',
        });
      }
      this.segmenter.reset();
      const final = await this.finalize(Math.max(commitSample, utterance.windowStartSample), 'commit');
      if (!final) throw new ApiError(500, 'The transcription of the committed audio failed.', { code: 'transcription_failed' });
      return final;
    });
  }

  /** Drops the audio not yet committed and any utterance in progress, without events. */
  clear(): void {
    if (this.state === 'closed') return;
    this.generation++;
    void this.partials.abort();
    this.utterance = null;
    this.consumedSample = this.ring.endSample;
    this.segmenter = new VadSegmenter(this.config.vad, this.ring.endSample);
    this.vadStream?.reset();
    this.ring.discardBefore(this.ring.endSample);
  }

  /** The stream is over: processes the rest, finalizes any open utterance, then closes. */
  end(): Promise<void> {
    if (this.state !== 'open') return this.tasks.settled;
    this.state = 'ending';
    return this.tasks.run(async () => {
      await this.pumpVad();
      for (const event of this.segmenter.end()) await this.onVadEvent(event, true);
      if (this.utterance && this.ring.endSample > this.utterance.startSample) await this.finalize(this.ring.endSample, 'end');
      this.close();
    });
  }

  /** Stops at once: in-flight work is abandoned and no further events are emitted. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.generation++;
    void this.partials.abort();
    this.utterance = null;
    this.vadStream?.close();
  }

  private processedSample(): number {
    return this.vadStream ? Math.max(this.segmenter.processedSample, this.consumedSample) : this.ring.endSample;
  }

  private emit(event: StreamingEvent): void {
    if (this.state !== 'closed') this.deps.onEvent(event);
  }

  /** Resolves once the audio accepted so far has been through the VAD and finals (a feeder waits on it instead of polling). */
  processed(): Promise<void> {
    return this.tasks.settled;
  }

  /** Runs the VAD over every whole chunk received (before `limitSample`), acting on its events chunk by chunk. */
  private async pumpVad(limitSample = Number.POSITIVE_INFINITY): Promise<void> {
    const stream = this.vadStream;
    while (stream && this.state !== 'closed') {
      const start = this.segmenter.processedSample;
      const available = Math.min(this.ring.endSample, limitSample) - start;
      const chunks = Math.min(MAX_VAD_CHUNKS_PER_REQUEST, Math.floor(available / VAD_CHUNK_SAMPLES));
      if (chunks === 0) break;
      const generation = this.generation;
      let probabilities: Float32Array;
      try {
        const block = this.ring.read(start, start + chunks * VAD_CHUNK_SAMPLES);
        // Digital silence (a muted microphone, hours of zeros in a file) is not speech: no model run needed.
        probabilities = isDigitalSilence(block) ? new Float32Array(chunks) : await stream.process(block);
      } catch (err) {
        this.emit({ type: 'error', error: toApiError(err) });
        return; // retried when more audio arrives
      }
      if (generation !== this.generation) continue;
      for (const probability of probabilities) {
        for (const event of this.segmenter.push(probability)) await this.onVadEvent(event, false);
        await this.checkMaxLength(this.segmenter.processedSample);
      }
      this.discardUnneeded();
      this.partials.maybeUpdate();
    }
    if (!stream) {
      await this.checkMaxLength(this.ring.endSample);
      this.partials.maybeUpdate();
    }
  }

  private async onVadEvent(event: VadEvent, streamEnded: boolean): Promise<void> {
    if (event.type === 'speech_start') {
      const startSample = Math.max(event.paddedStartSample, this.consumedSample);
      this.utterance = new Utterance(this.nextUtteranceIndex++, startSample);
      const audioStartMs = Math.max(event.startSample, startSample) / SAMPLES_PER_MS;
      this.emit({ type: 'speech_started', utteranceIndex: this.utterance.index, audioStartMs });
      return;
    }
    if (!this.utterance) return;
    this.emit({ type: 'speech_stopped', utteranceIndex: this.utterance.index, audioEndMs: event.endSample / SAMPLES_PER_MS });
    const paddedEnd = Math.min(this.ring.endSample, event.endSample + this.config.finalPaddingMs * SAMPLES_PER_MS);
    await this.finalize(Math.max(paddedEnd, this.utterance.windowStartSample), streamEnded ? 'end' : 'silence');
  }

  /** Splits an utterance that has grown past `maxUtteranceSec` at its last committed word (or hard, here). */
  private async checkMaxLength(currentSample: number): Promise<void> {
    const utterance = this.utterance;
    if (!utterance || currentSample - utterance.startSample < this.config.maxUtteranceSec * STREAM_SAMPLE_RATE_HZ) return;
    if (utterance.windowStartSample > utterance.startSample) {
      void this.partials.abort();
      const { final, next } = utterance.split(this.nextUtteranceIndex++);
      this.utterance = next;
      this.consumedSample = next.startSample;
      this.emit(final);
    } else {
      await this.finalize(currentSample, 'max_length');
      if (!this.utterance && this.vadStream) this.utterance = new Utterance(this.nextUtteranceIndex++, currentSample);
    }
  }

  /** Transcribes the rest of the current utterance up to `endSample` and emits its final (or an error). */
  private async finalize(endSample: number, reason: FinalReason): Promise<FinalEvent | null> {
    const utterance = this.utterance!;
    // Without VAD, audio already received after the end belongs to the next utterance.
    this.utterance = !this.vadStream && this.ring.endSample > endSample ? new Utterance(this.nextUtteranceIndex++, endSample) : null;
    this.consumedSample = Math.max(this.consumedSample, endSample);
    // The final is the whole utterance decoded at once, whatever the partials were (so the same audio gives
    // the same final however it arrived: a file, a live stream, fast or slow); it may revise their words.
    const decodeStart = utterance.startSample;
    const samples = endSample > utterance.startSample ? this.ring.read(decodeStart, endSample) : new Float32Array(0);
    await this.partials.abort();
    try {
      const result = samples.length > 0 ? await this.deps.recognizer.recognize(samples) : null;
      if (this.state === 'closed') return null;
      const words = result ? Utterance.toStreamWords(result.words, decodeStart) : [];
      const final = utterance.finishWhole(words, endSample, reason);
      this.emit(final);
      return final;
    } catch (err) {
      this.emit({ type: 'error', utteranceIndex: utterance.index, error: toApiError(err) });
      return null;
    } finally {
      this.discardUnneeded();
    }
  }

  /** Forgets audio no utterance, VAD decision or padding can need any more. */
  private discardUnneeded(): void {
    let keepFrom = this.vadStream ? Math.min(this.segmenter.earliestNeededSample, this.segmenter.processedSample) : this.ring.endSample;
    // The final decodes the whole utterance: its audio is kept from its start.
    if (this.utterance) keepFrom = Math.min(keepFrom, this.utterance.startSample);
    this.ring.discardBefore(keepFrom);
  }
}
