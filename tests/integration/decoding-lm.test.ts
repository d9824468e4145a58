import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeWav } from '../../src/audio/wav';
import { GREEDY_DECODING } from '../../src/model/decoding';
import { ModelRegistry } from '../../src/model/model-registry';
import { loadModel, recognizeWith } from '../../src/model/offline-recognizer';
import { wordErrorRate } from './helpers/audio';
import { MODELS_DIR } from './helpers/test-server';

interface Clip {
  file: string;
  reference: string;
}

/**
 * The embedded models with their character LMs: beam search must spell the held-out test clips at least as
 * well as greedy search (it was tuned on the dev set, never on these), with tokens and times that make sense.
 */
describe('beam search with the embedded character LM', () => {
  const { registry } = ModelRegistry.scan(MODELS_DIR);
  const testdata = path.join(MODELS_DIR, 'testdata');
  const clips = (JSON.parse(readFileSync(path.join(testdata, 'transcripts.json'), 'utf8')) as { clips: Clip[] }).clips;
  const audio = clips.map((c) => decodeWav(readFileSync(path.join(testdata, c.file))).samples);
  const withLm = registry.entries.filter((e) => e.layout.lmPath);

  test('every embedded model ships an LM', () => {
    expect(withLm.map((e) => e.id).sort()).toEqual(registry.entries.map((e) => e.id).sort());
  });

  test.each(withLm.map((e) => [e.id, e.layout] as const))('%s: fewer or equal word errors than greedy search', async (_id, layout) => {
    const greedy = await loadModel(layout, { executionProvider: 'cpu', threads: 1 }, GREEDY_DECODING);
    const beam = await loadModel(layout, { executionProvider: 'cpu', threads: 1 }, { method: 'auto', beamSize: 8 });
    expect(beam.decoding.method).toBe('beam_search');
    expect(beam.decoding.lm).toBeDefined();
    let greedyErrors = 0;
    let beamErrors = 0;
    for (const [i, samples] of audio.entries()) {
      const g = await recognizeWith(greedy, samples);
      const b = await recognizeWith(beam, samples);
      const words = clips[i].reference.split(' ').length;
      greedyErrors += wordErrorRate(clips[i].reference, g.text) * words;
      beamErrors += wordErrorRate(clips[i].reference, b.text) * words;
      // Words in order, inside the clip, each spelled by its tokens.
      for (const [k, w] of b.words.entries()) {
        expect(w.endSec).toBeGreaterThan(w.startSec);
        expect(w.endSec).toBeLessThanOrEqual(b.durationSec + 1e-6);
        if (k > 0) expect(w.startSec).toBeGreaterThanOrEqual(b.words[k - 1].endSec - 1e-6);
      }
      expect(b.tokens.map((t) => t.token).join('').trim()).toBe(b.text);
    }
    expect(beamErrors).toBeLessThanOrEqual(greedyErrors + 1e-9);
  });
});
