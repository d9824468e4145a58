import { isDigitalSilence } from '../audio/digital-silence';
import { splitAtSilences, type SplitAtSilencesOptions } from './split-at-silences';
import type { SpeechProbabilitySource } from './speech-probability';

/** One piece of a file cut at silences: its own samples, and where it starts in the file, in samples. */
export interface CutPiece {
  startSample: number;
  samples: Float32Array;
}

export interface SilenceCutterOptions extends SplitAtSilencesOptions {
  sampleRateHz: number;
  /**
   * Audio looked at at once to place cuts, in seconds (at least twice `maxChunkSec`). The cutter holds at most
   * this much (plus the pieces not yet taken), whatever the file's length.
   */
  windowSec: number;
  /** Reserves bytes before they are held (false stops with the error `onOverBudget` makes). */
  reserve?: (bytes: number) => boolean;
  /** Gives back bytes the cutter no longer holds. Pieces handed out stay reserved: their taker frees them. */
  free?: (bytes: number) => void;
  onOverBudget?: () => Error;
}

/**
 * Cuts a stream of audio chunks into pieces of at most `maxChunkSec`, at silences found by the VAD, as the
 * audio arrives: a window of audio is split with `splitAtSilences`, every piece but the last is handed out,
 * and the last (which may continue past the window) starts the next window. Audio no longer than
 * `maxChunkSec` in all is one piece; a file shorter than the window is cut exactly as `splitAtSilences` cuts it.
 */
export async function* cutAtSilences(
  chunks: AsyncIterable<Float32Array>,
  vad: SpeechProbabilitySource,
  options: SilenceCutterOptions,
): AsyncGenerator<CutPiece> {
  const maxChunkSamples = Math.floor(options.maxChunkSec * options.sampleRateHz);
  const windowSamples = Math.max(Math.ceil(options.windowSec * options.sampleRateHz), 2 * maxChunkSamples);
  const initialSamples = Math.min(windowSamples, 2 * maxChunkSamples);
  let buffer = new Float32Array(initialSamples);
  let filled = 0;
  /** File position of buffer[0], in samples. */
  let bufferStart = 0;
  const reserve = (samples: number) => {
    if (options.reserve && !options.reserve(samples * 4)) throw options.onOverBudget?.() ?? new Error('over budget');
  };
  const free = (samples: number) => options.free?.(samples * 4);

  async function* flush(final: boolean): AsyncGenerator<CutPiece> {
    const audio = buffer.subarray(0, filled);
    const pieces =
      filled <= maxChunkSamples
        ? [{ startSample: 0, endSample: filled }]
        : isDigitalSilence(audio) // nothing for the VAD to find: cut anywhere
          ? evenPieces(filled, maxChunkSamples)
          : await splitAtSilences(audio, vad, options);
    const handOut = final || pieces.length < 2 ? pieces : pieces.slice(0, -1);
    const keepFrom = handOut.length === pieces.length ? filled : pieces[pieces.length - 1].startSample;
    // The pieces handed out are views of this buffer (their reservation goes with them); the rest moves to a
    // new buffer, so the pieces' samples stay as they are while they wait to be recognized.
    buffer = new Float32Array(Math.max(initialSamples, filled - keepFrom));
    buffer.set(audio.subarray(keepFrom));
    filled -= keepFrom;
    const start = bufferStart;
    bufferStart += keepFrom;
    for (const piece of handOut) yield { startSample: start + piece.startSample, samples: audio.subarray(piece.startSample, piece.endSample) };
  }

  try {
    for await (const chunk of chunks) {
      let at = 0;
      while (at < chunk.length) {
        if (filled === buffer.length && buffer.length < windowSamples) {
          const grown = new Float32Array(Math.min(windowSamples, buffer.length * 2));
          grown.set(buffer);
          buffer = grown;
        }
        const n = Math.min(chunk.length - at, buffer.length - filled);
        reserve(n);
        buffer.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === windowSamples) yield* flush(false);
      }
    }
    if (filled > 0) yield* flush(true);
  } finally {
    free(filled);
    filled = 0;
  }
}

/** Contiguous pieces of `maxChunkSamples` (the last shorter) covering `totalSamples`. */
function evenPieces(totalSamples: number, maxChunkSamples: number): { startSample: number; endSample: number }[] {
  const pieces = [];
  for (let start = 0; start < totalSamples; start += maxChunkSamples) pieces.push({ startSample: start, endSample: Math.min(totalSamples, start + maxChunkSamples) });
  return pieces;
}
