import { SerialTasks } from './serial-tasks';
import { isDigitalSilence } from '../audio/digital-silence';
import { RingBuffer } from '../buffer/ring-buffer';
import { ApiError, toApiError } from '../errors';
import type { RecognizedWord } from '../model/recognizer';
import type { OnlineRecognizerStream, StreamSegmentResult } from '../model/online-recognizer-stream';
import { SpeechProbabilitySource, SpeechProbabilityStream, VAD_CHUNK_SAMPLES } from '../vad/speech-probability';
import { VadEvent, VadSegmenter } from '../vad/vad-segmenter';
import type { LiveTranscriber } from './live-transcriber';
import { OnlineUtteranceEvents } from './online-segment-events';
import { StreamingTranscriberConfig, validateStreamingConfig } from './streaming-config';
import { FinalEvent, FinalReason, StreamingEvent } from './streaming-events';
import { STREAM_SAMPLE_RATE_HZ, STREAM_SAMPLES_PER_MS as SAMPLES_PER_MS } from './stream-input';

/** Most audio fed to the model and the VAD in one step: 32 VAD chunks (about 1 s), so streams take turns. */
const MAX_STEP_SAMPLES = 32 * VAD_CHUNK_SAMPLES;

/**
 * Silence given to the model at a `commit`, in seconds: sherpa-onnx's tail padding (0.66 s), so the chunk still
 * waiting for its lookahead is decoded into this turn's final instead of the next turn's. A VAD endpoint needs
 * none: the silence that ended the speech has already gone through the model.
 */
const COMMIT_PADDING_SEC = 0.66;

export interface OnlineStreamingTranscriberDeps {
  /** The model's stream (pinned to one inference worker); the transcriber closes it when it ends. */
  stream: OnlineRecognizerStream;
  /** Required with `turnDetection: 'server_vad'`. */
  vad?: SpeechProbabilitySource;
  /** Receives every event, synchronously, in order. */
  onEvent(event: StreamingEvent): void;
}

/**
 * A live stream on an online model (sherpa-onnx's way): every sample goes to the model once, in order, and it
 * decodes chunk by chunk from state; partials are its decoder's text for the current utterance as it grows (no
 * re-decoding, no LocalAgreement); at an utterance's end (the VAD's speech end, `commit`, the maximum length)
 * the model ends its segment there (sherpa-onnx's endpoint Reset: the encoder state and the decoder's context
 * carry on; a `commit` first gives it the tail padding) and that segment's text is the final; at the end of the stream the tail padding decodes the rest.
 * The VAD only decides where utterances start and end. Steps (VAD + model) run in order on one task chain.
 * When the model's worker fails, an `error` event is emitted and the transcriber closes.
 */
export class OnlineStreamingTranscriber implements LiveTranscriber {
  private readonly config: StreamingTranscriberConfig;
  private readonly ring: RingBuffer;
  private readonly vadStream: SpeechProbabilityStream | null;
  private segmenter: VadSegmenter;
  private utterance: OnlineUtteranceEvents | null = null;
  private nextUtteranceIndex = 0;
  /** Samples given to the model so far (all of them went through the VAD first, with server VAD). */
  private fedSample = 0;
  /** Stream seconds minus model seconds: audio dropped by `clear` before the model saw it. */
  private timeOffsetSec = 0;
  /** Model seconds decoded so far. */
  private decodedSec = 0;
  /** Set by `clear`: the model's current segment is dropped at the next step. */
  private dropSegment = false;
  private readonly tasks = new SerialTasks();
  private state: 'open' | 'ending' | 'closed' = 'open';
  /** Finals made so far: a step's model result from before one belongs to the segment that ended. */
  private finalizeCount = 0;

  constructor(
    private readonly deps: OnlineStreamingTranscriberDeps,
    config: StreamingTranscriberConfig,
  ) {
    this.config = validateStreamingConfig(config);
    if (config.turnDetection === 'server_vad' && !deps.vad) throw new RangeError('server_vad needs a VAD source');
    this.ring = new RingBuffer(Math.ceil(config.maxBufferedSec * STREAM_SAMPLE_RATE_HZ));
    this.vadStream = config.turnDetection === 'server_vad' ? deps.vad!.openStream() : null;
    this.segmenter = new VadSegmenter(config.vad);
  }

  get receivedMs(): number {
    return this.ring.endSample / SAMPLES_PER_MS;
  }

  get lagMs(): number {
    return (this.ring.endSample - this.fedSample) / SAMPLES_PER_MS;
  }

  get transcriptLagMs(): number {
    return this.utterance ? Math.max(0, this.ring.endSample / SAMPLES_PER_MS - (this.decodedSec + this.timeOffsetSec) * 1000) : 0;
  }

  pushAudio(samples: Float32Array): void {
    if (this.state !== 'open') throw new ApiError(409, 'The audio stream has ended.', { code: 'stream_closed' });
    if (samples.length === 0) return;
    const lagMs = (this.ring.endSample + samples.length - this.fedSample) / SAMPLES_PER_MS;
    if (lagMs > this.config.maxLagMs) {
      throw new ApiError(429, `Audio is arriving faster than it can be transcribed (${Math.round(lagMs)} ms behind).`, { code: 'stream_lagging', retryAfterSec: 1 });
    }
    if (this.config.turnDetection === 'manual' && !this.utterance) this.openUtterance(this.ring.endSample);
    this.ring.append(samples);
    this.tasks.schedulePump(() => this.pump());
  }

  commit(): Promise<FinalEvent> {
    if (this.state !== 'open') return Promise.reject(new ApiError(409, 'The audio stream has ended.', { code: 'stream_closed' }));
    const commitSample = this.ring.endSample;
    return this.tasks.run(async () => {
      await this.pump(commitSample);
      const utterance = this.utterance;
      const minSamples = this.config.turnDetection === 'manual' ? this.config.minCommitMs * SAMPLES_PER_MS : 1;
      if (!utterance || commitSample - utterance.startSample < minSamples) {
        throw new ApiError(400, 'The input audio buffer holds too little audio to commit.', { code: 'input_audio_buffer_commit_empty' });
      }
      if (this.vadStream) this.segmenter = new VadSegmenter(this.config.vad, this.segmenter.processedSample);
      // A commit ends the turn now: silence after it lets the model decode its last chunk (the lookahead).
      if (!(await this.feedSilence(COMMIT_PADDING_SEC))) throw new ApiError(500, 'The transcription of the committed audio failed.', { code: 'transcription_failed' });
      const final = await this.finalize(commitSample, 'commit', false);
      if (!final) throw new ApiError(500, 'The transcription of the committed audio failed.', { code: 'transcription_failed' });
      return final;
    });
  }

  clear(): void {
    if (this.state === 'closed') return;
    this.utterance = null;
    this.dropSegment = true;
    // Audio not yet fed is dropped: the model's clock falls behind the stream's by that much.
    this.timeOffsetSec += (this.ring.endSample - this.fedSample) / STREAM_SAMPLE_RATE_HZ;
    this.fedSample = this.ring.endSample;
    this.ring.discardBefore(this.ring.endSample);
    this.segmenter = new VadSegmenter(this.config.vad, this.ring.endSample);
    this.vadStream?.reset();
  }

  end(): Promise<void> {
    if (this.state !== 'open') return this.tasks.settled;
    this.state = 'ending';
    return this.tasks.run(async () => {
      await this.pump();
      // The last partial VAD chunk goes to the model without the VAD.
      if (this.state !== 'closed' && this.ring.endSample > this.fedSample) await this.feed(this.ring.endSample);
      const speechEnd = this.segmenter.end().find((e) => e.type === 'speech_end');
      if (speechEnd && this.utterance) this.emit({ type: 'speech_stopped', utteranceIndex: this.utterance.utteranceIndex, audioEndMs: speechEnd.endSample / SAMPLES_PER_MS });
      if (this.state !== 'closed') await this.finalize(this.ring.endSample, 'end', true);
      this.close();
    });
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.utterance = null;
    this.vadStream?.close();
    this.deps.stream.close();
  }

  processed(): Promise<void> {
    return this.tasks.settled;
  }

  private emit(event: StreamingEvent): void {
    if (this.state !== 'closed') this.deps.onEvent(event);
  }

  private openUtterance(startSample: number): void {
    this.utterance = new OnlineUtteranceEvents(this.nextUtteranceIndex++, startSample);
  }

  /** Feeds the audio received (up to `limitSample`) step by step: VAD (whole chunks) and model together. */
  private async pump(limitSample = Number.POSITIVE_INFINITY): Promise<void> {
    while (this.state !== 'closed') {
      const start = this.fedSample;
      const available = Math.min(this.ring.endSample, limitSample) - start;
      const step = this.vadStream ? Math.floor(Math.min(available, MAX_STEP_SAMPLES) / VAD_CHUNK_SAMPLES) * VAD_CHUNK_SAMPLES : Math.min(available, MAX_STEP_SAMPLES);
      if (step <= 0) return;
      const block = this.ring.read(start, start + step);
      const vad = this.vadStream;
      const segmenter = this.segmenter;
      let probabilities: Float32Array | null = null;
      if (vad) {
        try {
          // Digital silence (a muted microphone) is not speech: no VAD run needed.
          probabilities = isDigitalSilence(block) ? new Float32Array(step / VAD_CHUNK_SAMPLES) : await vad.process(block);
        } catch (err) {
          this.emit({ type: 'error', error: toApiError(err) });
          return; // retried when more audio arrives
        }
        if (this.fedSample !== start) continue; // cleared meanwhile
      }
      const result = await this.feed(start + step, block);
      if (!result) return;
      if (this.segmenter !== segmenter) continue; // cleared meanwhile: these VAD results are for dropped audio
      const finalsBefore = this.finalizeCount;
      for (const probability of probabilities ?? []) {
        for (const event of this.segmenter.push(probability)) await this.onVadEvent(event);
      }
      await this.checkMaxLength();
      // After a final in this step the result is the ended segment's: not a partial of the next utterance.
      if (this.finalizeCount === finalsBefore) this.emitPartial(result);
    }
  }

  /** Gives the model the audio from `fedSample` to `endSample`; null (after an error event) when it failed. */
  private async feed(endSample: number, block = this.ring.read(this.fedSample, endSample)): Promise<StreamSegmentResult | null> {
    this.fedSample = endSample;
    this.ring.discardBefore(endSample);
    return this.modelCall(async (stream) => {
      if (this.dropSegment) {
        this.dropSegment = false;
        await stream.endpoint();
      }
      return stream.accept(block);
    });
  }

  /**
   * Gives the model `seconds` of silence that are not stream audio (the model's clock runs ahead of the stream's
   * by that much afterwards); false when the model failed.
   */
  private async feedSilence(seconds: number): Promise<boolean> {
    const silence = new Float32Array(Math.round(seconds * STREAM_SAMPLE_RATE_HZ));
    const result = await this.modelCall((stream) => stream.accept(silence));
    this.timeOffsetSec -= silence.length / STREAM_SAMPLE_RATE_HZ;
    return result !== null;
  }

  /** Runs a model call; a failure (the worker stopped) is reported once and ends the transcriber. */
  private async modelCall(call: (stream: OnlineRecognizerStream) => Promise<StreamSegmentResult>): Promise<StreamSegmentResult | null> {
    try {
      const result = await call(this.deps.stream);
      this.decodedSec = result.decodedSec;
      return result;
    } catch (err) {
      this.emit({ type: 'error', ...(this.utterance ? { utteranceIndex: this.utterance.utteranceIndex } : {}), error: toApiError(err) });
      this.close();
      return null;
    }
  }

  private async onVadEvent(event: VadEvent): Promise<void> {
    if (event.type === 'speech_start') {
      if (this.utterance) return;
      this.openUtterance(event.paddedStartSample);
      this.emit({ type: 'speech_started', utteranceIndex: this.utterance!.utteranceIndex, audioStartMs: event.startSample / SAMPLES_PER_MS });
      return;
    }
    if (!this.utterance) return;
    this.emit({ type: 'speech_stopped', utteranceIndex: this.utterance.utteranceIndex, audioEndMs: event.endSample / SAMPLES_PER_MS });
    const paddedEnd = Math.min(this.segmenter.processedSample, event.endSample + this.config.finalPaddingMs * SAMPLES_PER_MS);
    await this.finalize(paddedEnd, 'silence', false);
  }

  /** An utterance longer than `maxUtteranceSec` ends at the audio decoded so far; speech goes on in a new one. */
  private async checkMaxLength(): Promise<void> {
    const utterance = this.utterance;
    if (!utterance || this.fedSample - utterance.startSample < this.config.maxUtteranceSec * STREAM_SAMPLE_RATE_HZ) return;
    await this.finalize(this.fedSample, 'max_length', false);
    if (!this.utterance && (this.vadStream ? this.segmenter.inSpeech : true)) this.openUtterance(this.fedSample);
  }

  /**
   * Ends the current utterance: the model ends its segment (an endpoint; with `finishing`, the end of the input,
   * whose tail padding decodes the rest) and the segment's words are the final. Without an open utterance, a
   * segment with words still gets one (audio the VAD did not call speech but the model heard words in).
   */
  private async finalize(endSample: number, reason: FinalReason, finishing: boolean): Promise<FinalEvent | null> {
    let utterance = this.utterance;
    this.utterance = null;
    if (this.config.turnDetection === 'manual' && !finishing && this.ring.endSample > endSample) this.openUtterance(endSample);
    this.finalizeCount++;
    const result = await this.modelCall((stream) => (finishing ? stream.finish() : stream.endpoint()));
    if (!result || this.state === 'closed') return null;
    const words = this.toStreamTime(result.words);
    if (!utterance) {
      if (words.length === 0) return null;
      utterance = new OnlineUtteranceEvents(this.nextUtteranceIndex++, Math.round(result.startSec * STREAM_SAMPLE_RATE_HZ));
    }
    const final = utterance.final(words, endSample, reason, STREAM_SAMPLE_RATE_HZ);
    this.emit(final);
    return final;
  }

  private emitPartial(result: StreamSegmentResult): void {
    if (!this.utterance || !this.config.partialUpdates || this.state === 'closed') return;
    const event = this.utterance.partial(this.toStreamTime(result.words));
    if (event) this.emit(event);
  }

  private toStreamTime(words: readonly RecognizedWord[]): RecognizedWord[] {
    if (this.timeOffsetSec === 0) return [...words];
    return words.map((w) => ({ ...w, startSec: w.startSec + this.timeOffsetSec, endSec: w.endSec + this.timeOffsetSec }));
  }
}
