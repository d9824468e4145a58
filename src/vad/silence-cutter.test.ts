import { cutAtSilences, type CutPiece } from './silence-cutter';
import { splitAtSilences } from './split-at-silences';
import { VAD_CHUNK_SAMPLES, type SpeechProbabilitySource } from './speech-probability';

const RATE = 16000;

/** A VAD that hears silence wherever the samples are zero (every sample of speech is non-zero). */
const vad: SpeechProbabilitySource = {
  openStream: () => ({
    process: async (samples: Float32Array) => {
      const out = new Float32Array(samples.length / VAD_CHUNK_SAMPLES);
      for (let k = 0; k < out.length; k++) {
        const chunk = samples.subarray(k * VAD_CHUNK_SAMPLES, (k + 1) * VAD_CHUNK_SAMPLES);
        out[k] = chunk.some((v) => v !== 0) ? 0.9 : 0.01;
      }
      return out;
    },
    reset: () => undefined,
    close: () => undefined,
  }),
};

/** `seconds` of "speech" (each sample its own index + 1, small) with 0.6 s of silence every 7 s. */
function audio(seconds: number): Float32Array {
  const out = new Float32Array(seconds * RATE);
  for (let i = 0; i < out.length; i++) out[i] = (i / RATE) % 7 >= 6.4 ? 0 : (i + 1) / 1e9;
  return out;
}

async function* inChunks(samples: Float32Array, size: number): AsyncGenerator<Float32Array> {
  for (let at = 0; at < samples.length; at += size) yield samples.slice(at, at + size);
}

async function collect(pieces: AsyncIterable<CutPiece>, onPiece?: (p: CutPiece) => void): Promise<CutPiece[]> {
  const out: CutPiece[] = [];
  for await (const p of pieces) {
    onPiece?.(p);
    out.push(p);
  }
  return out;
}

describe('cutAtSilences', () => {
  test('a long stream: contiguous pieces of at most maxChunkSec covering everything, cut in silences, memory bounded by the window', async () => {
    const samples = audio(200);
    let held = 0;
    let peak = 0;
    const pieces = await collect(
      cutAtSilences(inChunks(samples, 12345), vad, {
        maxChunkSec: 10,
        minSilenceMs: 300,
        sampleRateHz: RATE,
        windowSec: 30,
        reserve: (bytes) => {
          held += bytes;
          peak = Math.max(peak, held);
          return true;
        },
        free: (bytes) => (held -= bytes),
      }),
      (p) => (held -= p.samples.byteLength), // the taker frees each piece once done with it
    );
    let expectedStart = 0;
    for (const p of pieces) {
      expect(p.startSample).toBe(expectedStart);
      expect(p.samples.length).toBeLessThanOrEqual(10 * RATE);
      expect(p.samples[0]).toBe(samples[p.startSample]); // the piece's own samples
      expectedStart += p.samples.length;
    }
    expect(expectedStart).toBe(samples.length);
    // Every cut but the end of the audio falls in a silence.
    for (const p of pieces.slice(1)) expect(samples[p.startSample]).toBe(0);
    expect(held).toBe(0);
    // Window (30 s) plus one piece, not the 200 s of the stream.
    expect(peak).toBeLessThanOrEqual((30 + 10) * RATE * 4);
  });

  test('audio shorter than the window is cut exactly as splitAtSilences cuts it', async () => {
    const samples = audio(40);
    const whole = await splitAtSilences(samples, vad, { maxChunkSec: 10, minSilenceMs: 300 });
    const pieces = await collect(cutAtSilences(inChunks(samples, 16000), vad, { maxChunkSec: 10, minSilenceMs: 300, sampleRateHz: RATE, windowSec: 300 }));
    expect(pieces.map((p) => [p.startSample, p.startSample + p.samples.length])).toEqual(whole.map((p) => [p.startSample, p.endSample]));
  });

  test('short audio is one piece; no audio is no piece', async () => {
    const pieces = await collect(cutAtSilences(inChunks(audio(3), 1000), vad, { maxChunkSec: 10, minSilenceMs: 300, sampleRateHz: RATE, windowSec: 30 }));
    expect(pieces).toHaveLength(1);
    expect(pieces[0].samples.length).toBe(3 * RATE);
    expect(await collect(cutAtSilences(inChunks(new Float32Array(0), 1000), vad, { maxChunkSec: 10, minSilenceMs: 300, sampleRateHz: RATE, windowSec: 30 }))).toEqual([]);
  });

  test('a refused reservation stops the cut with the budget error', async () => {
    const run = collect(
      cutAtSilences(inChunks(audio(60), 16000), vad, {
        maxChunkSec: 10,
        minSilenceMs: 300,
        sampleRateHz: RATE,
        windowSec: 30,
        reserve: () => false,
        onOverBudget: () => new Error('over budget: 503'),
      }),
    );
    await expect(run).rejects.toThrow('over budget: 503');
  });
});
