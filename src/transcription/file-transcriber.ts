import type { RecognitionResult, RecognizedWord, Recognizer, TokenLogprob } from '../model/recognizer';
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
  /** The caller will not read `samples` again: they may be moved to the inference worker (left empty here). */
  samplesDisposable?: boolean;
}

/** Pieces of one long file recognized at the same time (so two inference workers share a long file). */
const PIECES_IN_FLIGHT = 2;

/**
 * Transcribes a whole file's 16 kHz samples: short audio in one pass; long audio split at silences found by
 * Silero VAD, the pieces recognized two at a time and their words shifted to absolute time, in order.
 */
export async function transcribeSamples(samples: Float32Array, deps: FileTranscriberDeps, options: TranscribeOptions = {}): Promise<Transcript> {
  const rate = deps.recognizer.sampleRateHz;
  const durationSec = samples.length / rate;
  const pieces =
    samples.length <= deps.chunkMaxSec * rate
      ? [{ startSample: 0, endSample: samples.length }]
      : await splitAtSilences(samples, deps.vad, { maxChunkSec: deps.chunkMaxSec, minSilenceMs: 300 });
  const results: RecognitionResult[] = new Array(pieces.length);
  let next = 0;
  let failed = false;
  const recognizeNext = async (): Promise<void> => {
    while (next < pieces.length && !failed) {
      const index = next++;
      options.signal?.throwIfAborted();
      const piece = pieces[index];
      // One piece is the whole file: its samples move to the worker without a copy (nothing reads them after).
      const whole = pieces.length === 1 && options.samplesDisposable === true;
      const audio = whole ? samples : samples.subarray(piece.startSample, piece.endSample);
      try {
        results[index] = await deps.recognizer.recognize(audio, { signal: options.signal, transferSamples: whole });
      } catch (err) {
        failed = true; // the other lane stops taking pieces
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PIECES_IN_FLIGHT, pieces.length) }, recognizeNext));

  const words: RecognizedWord[] = [];
  const segments: TranscriptSegment[] = [];
  const logprobs: TokenLogprob[] = [];
  pieces.forEach((piece, index) => {
    const result = results[index];
    const offsetSec = piece.startSample / rate;
    const shifted = result.words.map((w) => ({ word: w.word, startSec: w.startSec + offsetSec, endSec: w.endSec + offsetSec }));
    words.push(...shifted);
    // A piece's first word has no boundary token before it; its first token carries the joining space.
    result.tokens.forEach((t, k) =>
      logprobs.push(k === 0 && logprobs.length > 0 && !t.token.startsWith(' ') ? { ...t, token: ` ${t.token}` } : t),
    );
    segments.push(...segmentWords(shifted, segments.length));
  });
  return {
    text: segments.map((s) => s.text).join(' '),
    language: 'english',
    durationSec,
    segments,
    words,
    logprobs,
  };
}
