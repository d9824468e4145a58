import type { RecognitionResult, Recognizer, RecognizeOptions } from '../model/recognizer';
import { VAD_CHUNK_SAMPLES, type SpeechProbabilitySource } from '../vad/speech-probability';
import { transcribeSamples } from './file-transcriber';

const RATE = 16000;

/** A VAD that hears speech everywhere except one second of silence every ten seconds. */
let chunkOffset = 0;
const vad: SpeechProbabilitySource = {
  openStream: () => ({
    process: async (samples: Float32Array) => {
      const out = new Float32Array(samples.length / VAD_CHUNK_SAMPLES);
      for (let k = 0; k < out.length; k++) {
        const sec = ((chunkOffset + k) * VAD_CHUNK_SAMPLES) / RATE;
        out[k] = sec % 10 >= 9 ? 0.01 : 0.9;
      }
      chunkOffset += out.length;
      return out;
    },
    reset: () => undefined,
    close: () => undefined,
  }),
};

/** Names each piece by where it starts (every sample holds its own time) and tracks concurrency. */
function scriptedRecognizer(failAtPiece = -1) {
  let inFlight = 0;
  const stats = { maxInFlight: 0, calls: 0 };
  const recognizer: Recognizer = {
    modelId: 'scripted',
    sampleRateHz: RATE,
    async recognize(samples: Float32Array, _options?: RecognizeOptions): Promise<RecognitionResult> {
      const call = stats.calls++;
      inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5 + ((call * 7) % 11))); // pieces finish out of order
      inFlight--;
      if (call === failAtPiece) throw new Error('inference failed');
      const word = `w${samples[0].toFixed(3)}`;
      return { text: word, words: [{ word, startSec: 0.5, endSec: 1 }], durationSec: samples.length / RATE, tokens: [{ token: word, logprob: -0.1 }] };
    },
  };
  return { recognizer, stats };
}

function signal(seconds: number): Float32Array {
  const samples = new Float32Array(seconds * RATE);
  for (let i = 0; i < samples.length; i++) samples[i] = i / RATE; // each sample says its own time
  return samples;
}

describe('transcribeSamples', () => {
  beforeEach(() => {
    chunkOffset = 0;
  });

  test('long audio: pieces recognized two at a time, reassembled in order at absolute times', async () => {
    const { recognizer, stats } = scriptedRecognizer();
    const t = await transcribeSamples(signal(95), { recognizer, vad, chunkMaxSec: 12 });
    expect(stats.calls).toBeGreaterThanOrEqual(8);
    expect(stats.maxInFlight).toBe(2);
    const starts = t.words.map((w) => w.startSec);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // Each word sits 0.5 s into the piece it came from, and is named after that piece's start time.
    for (const w of t.words) expect(Number(w.word.slice(1))).toBeCloseTo(w.startSec - 0.5, 3);
    expect(t.text).toBe(t.words.map((w) => w.word).join(' '));
    expect(t.logprobs.map((p) => p.token).join('')).toBe(t.text);
    expect(t.durationSec).toBe(95);
  });

  test('a failed piece fails the transcription and no new pieces are started', async () => {
    const { recognizer, stats } = scriptedRecognizer(1);
    await expect(transcribeSamples(signal(95), { recognizer, vad, chunkMaxSec: 12 })).rejects.toThrow('inference failed');
    expect(stats.calls).toBeLessThanOrEqual(3);
  });
});
