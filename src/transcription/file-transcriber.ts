import { isDigitalSilence } from '../audio/digital-silence';
import type { RecognitionResult, RecognizedWord, Recognizer, TokenLogprob } from '../model/recognizer';
import { cutAtSilences, type CutPiece } from '../vad/silence-cutter';
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
  /** Accounts decoded audio held (a request's budget lease): the cutter's window and the pieces in flight. */
  memory?: { reserve(bytes: number): boolean; free(bytes: number): void; onOverBudget(): Error };
}

/** Pieces of one long file recognized at the same time (so two inference workers share a long file). */
const PIECES_IN_FLIGHT = 2;
/**
 * Audio looked at at once to place cuts, in seconds: enough for the VAD to score it as a batch of ~15
 * streams, small enough (19 MB at 16 kHz) that a file's memory does not grow with its length.
 */
const CUT_WINDOW_SEC = 300;

/**
 * Transcribes a file's 16 kHz samples as they are decoded: the audio is cut at silences found by Silero VAD
 * into pieces of at most `chunkMaxSec` (short audio is one piece), the pieces are recognized two at a time as
 * they come, and their words shifted to absolute time, in order. Memory is bounded by the cut window and the
 * pieces in flight, not by the file's duration.
 */
export async function transcribeChunks(chunks: AsyncIterable<Float32Array>, deps: FileTranscriberDeps, options: TranscribeOptions = {}): Promise<Transcript> {
  const rate = deps.recognizer.sampleRateHz;
  const pieces = cutAtSilences(chunks, deps.vad, {
    maxChunkSec: deps.chunkMaxSec,
    minSilenceMs: 300,
    sampleRateHz: rate,
    windowSec: CUT_WINDOW_SEC,
    reserve: options.memory?.reserve,
    free: options.memory?.free,
    onOverBudget: options.memory?.onOverBudget,
  });
  const results: { startSample: number; result: RecognitionResult }[] = [];
  let totalSamples = 0;
  const failure: { failed: boolean; err?: unknown } = { failed: false };
  const inFlight = new Set<Promise<void>>();
  const recognize = async (piece: CutPiece, index: number): Promise<void> => {
    const bytes = piece.samples.byteLength;
    try {
      // Digital silence is not sent to the model (a small model may hear a letter or two in it).
      if (isDigitalSilence(piece.samples)) {
        results[index] = { startSample: piece.startSample, result: { text: '', words: [], tokens: [], durationSec: piece.samples.length / rate } };
        return;
      }
      // A view of a window the cutter has moved on from: nothing else reads it (moved when it spans its buffer).
      const result = await deps.recognizer.recognize(piece.samples, { signal: options.signal, transferSamples: true });
      results[index] = { startSample: piece.startSample, result };
    } catch (err) {
      if (!failure.failed) Object.assign(failure, { failed: true, err });
    } finally {
      options.memory?.free(bytes);
    }
  };
  let index = 0;
  for await (const piece of pieces) {
    options.signal?.throwIfAborted();
    totalSamples = piece.startSample + piece.samples.length;
    const job = recognize(piece, index++).finally(() => inFlight.delete(job));
    inFlight.add(job);
    if (inFlight.size >= PIECES_IN_FLIGHT) await Promise.race(inFlight);
    if (failure.failed) break; // the generator's return() stops decoding
  }
  await Promise.all(inFlight);
  if (failure.failed) throw failure.err;
  return assemble(results, rate, totalSamples);
}

/** Transcribes samples already in memory (the same path, one chunk). */
export function transcribeSamples(samples: Float32Array, deps: FileTranscriberDeps, options: TranscribeOptions = {}): Promise<Transcript> {
  return transcribeChunks(oneChunk(samples), deps, options);
}

async function* oneChunk(samples: Float32Array): AsyncGenerator<Float32Array> {
  yield samples;
}

function assemble(results: { startSample: number; result: RecognitionResult }[], rate: number, totalSamples: number): Transcript {
  const words: RecognizedWord[] = [];
  const segments: TranscriptSegment[] = [];
  const logprobs: TokenLogprob[] = [];
  for (const { startSample, result } of results) {
    const offsetSec = startSample / rate;
    const shifted = result.words.map((w) => ({ word: w.word, startSec: w.startSec + offsetSec, endSec: w.endSec + offsetSec }));
    words.push(...shifted);
    // A piece's first word has no boundary token before it; its first token carries the joining space.
    result.tokens.forEach((t, k) =>
      logprobs.push(k === 0 && logprobs.length > 0 && !t.token.startsWith(' ') ? { ...t, token: ` ${t.token}` } : t),
    );
    segments.push(...segmentWords(shifted, segments.length));
  }
  return {
    text: segments.map((s) => s.text).join(' '),
    language: 'english',
    durationSec: totalSamples / rate,
    segments,
    words,
    logprobs,
  };
}
