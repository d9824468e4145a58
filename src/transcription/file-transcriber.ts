import type { Recognizer } from '../model/recognizer';
import type { RecognizedWord, TokenLogprob } from '../model/recognizer';
import { splitAtSilences } from '../vad/split-at-silences';
import type { SpeechProbabilitySource } from '../vad/speech-probability';
import { segmentWords, type Transcript, type TranscriptSegment } from './transcript';

export interface FileTranscriberDeps {
  recognizer: Recognizer;
  /** Silero VAD, used to cut long audio at silences. */
  vad: SpeechProbabilitySource;
  /** Audio longer than this is split at silences, in seconds. */
  chunkMaxSec: number;
}

export interface TranscribeOptions {
  signal?: AbortSignal;
  /** Called with each new segment as soon as its chunk is recognized (for streamed responses). */
  onSegment?: (segment: TranscriptSegment) => void;
  /** The caller will not read `samples` again: they may be moved to the inference worker (left empty here). */
  samplesDisposable?: boolean;
}

/**
 * Transcribes a whole file's 16 kHz samples: short audio in one pass; long audio split at silences found by
 * Silero VAD, each piece recognized in turn and its words shifted to absolute time.
 */
export async function transcribeSamples(samples: Float32Array, deps: FileTranscriberDeps, options: TranscribeOptions = {}): Promise<Transcript> {
  const rate = deps.recognizer.sampleRateHz;
  const durationSec = samples.length / rate;
  const pieces =
    samples.length <= deps.chunkMaxSec * rate
      ? [{ startSample: 0, endSample: samples.length }]
      : await splitAtSilences(samples, deps.vad, { maxChunkSec: deps.chunkMaxSec, minSilenceMs: 300 });
  const words: RecognizedWord[] = [];
  const segments: TranscriptSegment[] = [];
  const logprobs: TokenLogprob[] = [];
  for (const piece of pieces) {
    options.signal?.throwIfAborted();
    const offsetSec = piece.startSample / rate;
    // One piece is the whole file: its samples move to the worker without a copy (nothing reads them after).
    const whole = pieces.length === 1 && options.samplesDisposable === true;
    const audio = whole ? samples : samples.subarray(piece.startSample, piece.endSample);
    const result = await deps.recognizer.recognize(audio, { signal: options.signal, transferSamples: whole });
    const shifted = result.words.map((w) => ({ word: w.word, startSec: w.startSec + offsetSec, endSec: w.endSec + offsetSec }));
    words.push(...shifted);
    // A piece's first word has no boundary token before it; its first token carries the joining space.
    result.tokens.forEach((t, k) =>
      logprobs.push(k === 0 && logprobs.length > 0 && !t.token.startsWith(' ') ? { ...t, token: ` ${t.token}` } : t),
    );
    for (const segment of segmentWords(shifted, segments.length)) {
      segments.push(segment);
      options.onSegment?.(segment);
    }
  }
  return {
    text: segments.map((s) => s.text).join(' '),
    language: 'english',
    durationSec,
    segments,
    words,
    logprobs,
  };
}
