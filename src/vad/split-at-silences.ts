import { SpeechProbabilityBatch, SpeechProbabilitySource, SpeechProbabilityStream, VAD_CHUNK_SAMPLES, VAD_SAMPLE_RATE_HZ } from './speech-probability';

export interface SplitAtSilencesOptions {
  /** No piece is longer than this, in seconds. */
  maxChunkSec: number;
  /** Only silences at least this long, in ms, are preferred cut places. */
  minSilenceMs: number;
  /** A chunk is silence when its speech probability is below this. Default 0.35 (Silero's 0.5 − 0.15). */
  silenceThreshold?: number;
  /**
   * Cuts are looked for in the last part of each window first, so pieces are not needlessly short: a cut
   * before this fraction of `maxChunkSec` is only taken if nothing later qualifies. Default 0.5.
   */
  minChunkFraction?: number;
}

/** A piece of the audio, in absolute samples `[startSample, endSample)`. */
export interface AudioPiece {
  startSample: number;
  endSample: number;
}

/** VAD chunks per detector request when splitting a file (about 5 s of audio, about 30 ms of work). */
const CHUNKS_PER_REQUEST = 160;

/**
 * A long file is scored as a batch of streams, one per segment of about 20 s (at most 32 segments), each
 * hearing the 0.5 s before its segment first so its recurrent state has settled where its segment starts.
 * One batched model run scores a chunk of every segment: about 6x less work per chunk than one stream.
 */
const SEGMENT_CHUNKS = 625;
const MAX_SEGMENTS = 32;
const WARMUP_CHUNKS = 16;
/** Chunks per member per request (32 members x 16 chunks: ~40 ms of work, so live streams get a turn). */
const BATCH_CHUNKS_PER_REQUEST = 16;

interface SilenceRun {
  /** Chunk indices `[first, end)`. */
  first: number;
  end: number;
  meanProbability: number;
}

/**
 * Plans where to cut `totalSamples` of 16 kHz audio, given one speech probability per 512-sample chunk, so
 * that no piece exceeds `maxChunkSec`. Each cut is in the middle of the longest (then quietest, then latest)
 * silence of at least `minSilenceMs` within reach, preferring the later part of the reach (`minChunkFraction`);
 * failing that, in a shorter silence; failing that (continuous speech), before the quietest chunk (a hard cut).
 * The pieces are contiguous and cover all the audio.
 */
export function planSplitAtSilences(
  probabilities: ArrayLike<number>,
  totalSamples: number,
  options: SplitAtSilencesOptions,
): AudioPiece[] {
  const maxChunkSamples = Math.floor(options.maxChunkSec * VAD_SAMPLE_RATE_HZ);
  if (!(maxChunkSamples >= VAD_CHUNK_SAMPLES)) throw new RangeError(`maxChunkSec too small: ${options.maxChunkSec}`);
  const silenceThreshold = options.silenceThreshold ?? 0.35;
  const minChunkFraction = options.minChunkFraction ?? 0.5;
  const minSilenceChunks = Math.max(1, Math.ceil((options.minSilenceMs * VAD_SAMPLE_RATE_HZ) / 1000 / VAD_CHUNK_SAMPLES));
  const runs = silenceRuns(probabilities, silenceThreshold);

  const pieces: AudioPiece[] = [];
  let start = 0;
  while (totalSamples - start > maxChunkSamples) {
    const lastChunk = Math.floor((start + maxChunkSamples) / VAD_CHUNK_SAMPLES); // cut boundary upper bound
    const firstChunk = Math.floor(start / VAD_CHUNK_SAMPLES) + 1;
    const preferredFirst = Math.max(firstChunk, Math.floor((start + maxChunkSamples * minChunkFraction) / VAD_CHUNK_SAMPLES));
    const candidates = runs.filter((run) => run.first * VAD_CHUNK_SAMPLES >= start); // not the run just cut in
    const cutChunk =
      bestSilenceCut(candidates, preferredFirst, lastChunk, minSilenceChunks) ??
      bestSilenceCut(candidates, firstChunk, lastChunk, minSilenceChunks) ??
      bestSilenceCut(candidates, preferredFirst, lastChunk, 1) ??
      bestSilenceCut(candidates, firstChunk, lastChunk, 1) ??
      quietestBoundary(probabilities, preferredFirst, lastChunk);
    const cut = Math.min(cutChunk * VAD_CHUNK_SAMPLES, start + maxChunkSamples);
    pieces.push({ startSample: start, endSample: cut });
    start = cut;
  }
  if (totalSamples > start || pieces.length === 0) pieces.push({ startSample: start, endSample: totalSamples });
  return pieces;
}

/**
 * Splits audio for offline transcription: computes the speech probabilities with `vad` (a stream or a
 * source to open one from) unless they are given, then plans the cuts with `planSplitAtSilences`.
 */
export async function splitAtSilences(
  samples: Float32Array,
  vad: ArrayLike<number> | SpeechProbabilityStream | SpeechProbabilitySource,
  options: SplitAtSilencesOptions,
): Promise<AudioPiece[]> {
  if (isProbabilities(vad)) return planSplitAtSilences(vad, samples.length, options);
  const chunkCount = Math.ceil(samples.length / VAD_CHUNK_SAMPLES);
  if ('openStream' in vad && vad.openBatch && chunkCount >= 2 * SEGMENT_CHUNKS) {
    const batch = vad.openBatch(Math.min(MAX_SEGMENTS, Math.ceil(chunkCount / SEGMENT_CHUNKS)));
    try {
      return planSplitAtSilences(await batchedProbabilities(samples, chunkCount, batch), samples.length, options);
    } finally {
      batch.close();
    }
  }
  // A source (which may itself have a private `process`) opens its own stream; a stream is used as is.
  const ownsStream = 'openStream' in vad;
  const stream = 'openStream' in vad ? vad.openStream() : vad;
  try {
    const padded = new Float32Array(chunkCount * VAD_CHUNK_SAMPLES);
    padded.set(samples);
    const probabilities = new Float32Array(chunkCount);
    // Bounded requests, so live streams sharing the detector are served between them.
    for (let chunk = 0; chunk < chunkCount; chunk += CHUNKS_PER_REQUEST) {
      const end = Math.min(chunkCount, chunk + CHUNKS_PER_REQUEST);
      probabilities.set(await stream.process(padded.subarray(chunk * VAD_CHUNK_SAMPLES, end * VAD_CHUNK_SAMPLES)), chunk);
    }
    return planSplitAtSilences(probabilities, samples.length, options);
  } finally {
    if (ownsStream) stream.close();
  }
}

/**
 * Speech probabilities of every chunk of `samples`, member b of `batch` scoring the segment of chunks
 * `[b·segment, (b+1)·segment)` after `WARMUP_CHUNKS` chunks of what precedes it (silence before the start).
 */
async function batchedProbabilities(samples: Float32Array, chunkCount: number, batch: SpeechProbabilityBatch): Promise<Float32Array> {
  const segment = Math.ceil(chunkCount / batch.size);
  const span = WARMUP_CHUNKS + segment;
  const probabilities = new Float32Array(chunkCount);
  for (let step = 0; step < span; step += BATCH_CHUNKS_PER_REQUEST) {
    const n = Math.min(BATCH_CHUNKS_PER_REQUEST, span - step);
    const inputs = Array.from({ length: batch.size }, (_, b) => {
      const input = new Float32Array(n * VAD_CHUNK_SAMPLES);
      const firstSample = (b * segment - WARMUP_CHUNKS + step) * VAD_CHUNK_SAMPLES;
      const from = Math.max(0, firstSample);
      const to = Math.min(samples.length, firstSample + input.length);
      if (to > from) input.set(samples.subarray(from, to), from - firstSample);
      return input;
    });
    const scores = await batch.process(inputs);
    scores.forEach((memberScores, b) => {
      for (let k = 0; k < n; k++) {
        const offset = step + k - WARMUP_CHUNKS; // position within the member's segment
        const chunk = b * segment + offset;
        if (offset >= 0 && offset < segment && chunk < chunkCount) probabilities[chunk] = memberScores[k];
      }
    });
  }
  return probabilities;
}

function isProbabilities(value: unknown): value is ArrayLike<number> {
  return typeof (value as ArrayLike<number>).length === 'number';
}

function silenceRuns(probabilities: ArrayLike<number>, silenceThreshold: number): SilenceRun[] {
  const runs: SilenceRun[] = [];
  let first = -1;
  let sum = 0;
  for (let i = 0; i <= probabilities.length; i++) {
    const silent = i < probabilities.length && probabilities[i] < silenceThreshold;
    if (silent) {
      if (first < 0) {
        first = i;
        sum = 0;
      }
      sum += probabilities[i];
    } else if (first >= 0) {
      runs.push({ first, end: i, meanProbability: sum / (i - first) });
      first = -1;
    }
  }
  return runs;
}

/** Middle boundary of the best silence run clipped to chunk boundaries `[lowChunk, highChunk]`, if any. */
function bestSilenceCut(runs: SilenceRun[], lowChunk: number, highChunk: number, minChunks: number): number | null {
  let best: { cut: number; length: number; mean: number } | null = null;
  for (const run of runs) {
    const first = Math.max(run.first, lowChunk);
    const end = Math.min(run.end, highChunk);
    const length = end - first;
    if (length < 1 || run.end - run.first < minChunks) continue;
    const candidate = { cut: first + Math.floor(length / 2), length, mean: run.meanProbability };
    if (
      !best ||
      candidate.length > best.length ||
      (candidate.length === best.length && candidate.mean <= best.mean + 1e-6)
    ) {
      best = candidate;
    }
  }
  return best?.cut ?? null;
}

/** The boundary in `[lowChunk, highChunk]` before the chunk with the lowest speech probability (the latest on ties). */
function quietestBoundary(probabilities: ArrayLike<number>, lowChunk: number, highChunk: number): number {
  let bestChunk = highChunk;
  let bestProbability = Infinity;
  for (let chunk = lowChunk; chunk <= highChunk && chunk < probabilities.length; chunk++) {
    if (probabilities[chunk] <= bestProbability) {
      bestProbability = probabilities[chunk];
      bestChunk = chunk;
    }
  }
  return Math.max(bestChunk, lowChunk);
}
