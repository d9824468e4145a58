import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeWav } from '../../src/audio/wav';
import { GREEDY_DECODING } from '../../src/model/decoding';
import { ModelRegistry } from '../../src/model/model-registry';
import { loadModel, recognizeBatchWith, recognizeWith } from '../../src/model/offline-recognizer';
import type { RecognitionResult } from '../../src/model/recognizer';
import { MODELS_DIR } from './helpers/test-server';

/**
 * Batched model runs (padded to the longest clip, lengths given to the model) must give every clip exactly
 * what it gets alone: padding never leaks into a shorter item's output. Clips of different lengths, both
 * embedded families, greedy and beam search.
 */
describe('batched decoding equals one-by-one decoding', () => {
  const { registry } = ModelRegistry.scan(MODELS_DIR);
  const testdata = path.join(MODELS_DIR, 'testdata');
  const clips = (JSON.parse(readFileSync(path.join(testdata, 'transcripts.json'), 'utf8')) as { clips: { file: string }[] }).clips;
  const full = clips.map((c) => decodeWav(readFileSync(path.join(testdata, c.file))).samples);
  // Different lengths, including a short cut of one clip and a clip of silence-level noise.
  const quiet = Float32Array.from({ length: 8000 }, (_, i) => 0.001 * Math.sin(i / 3));
  const audio = [...full, full[0].subarray(0, Math.floor(full[0].length / 3)), quiet];

  test('the clips differ in length (else the test would prove nothing about padding)', () => {
    expect(new Set(audio.map((a) => a.length)).size).toBe(audio.length);
  });

  const cases = registry.entries.flatMap((e) => [
    [e.id, 'greedy', e.layout] as const,
    [e.id, 'beam', e.layout] as const,
  ]);
  test.each(cases)('%s (%s): same text, words, times and log-probs', async (_id, method, layout) => {
    const model = await loadModel(layout, { executionProvider: 'cpu', threads: 1 }, method === 'greedy' ? GREEDY_DECODING : { method: 'auto', beamSize: 4 });
    expect(model.decodeBatch).toBeDefined();
    const alone: RecognitionResult[] = [];
    for (const samples of audio) alone.push(await recognizeWith(model, samples));
    const batched = await recognizeBatchWith(model, audio, audio.map(() => undefined));
    expect(batched.map((r) => r.text)).toEqual(alone.map((r) => r.text));
    expect(alone.some((r) => r.text.length > 0)).toBe(true);
    for (const [i, r] of batched.entries()) {
      expect(r.durationSec).toBe(alone[i].durationSec);
      expect(r.words.map((w) => [w.word, w.startSec, w.endSec])).toEqual(alone[i].words.map((w) => [w.word, w.startSec, w.endSec]));
      expect(r.tokens.map((t) => t.token)).toEqual(alone[i].tokens.map((t) => t.token));
      r.tokens.forEach((t, k) => expect(t.logprob).toBeCloseTo(alone[i].tokens[k].logprob, 3));
    }
  }, 120_000);
});
