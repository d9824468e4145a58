import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toFile } from 'openai';
import { wavBytes } from './helpers/audio';
import { serveModelFolder, transcribeVerbose, type ServedModelFolder } from './helpers/served-model-folder';
import { testClips } from './helpers/test-clips';
import { MODELS_DIR } from './helpers/test-server';

let clipSamples: Float32Array | undefined;
/** The speech fixture at 16 kHz, decoded once. */
const clip = () => (clipSamples ??= testClips({ withSpeechFixture: true })[0].samples);

/**
 * verbose_json's `language` through the real server and the OpenAI SDK, for models that do not detect a
 * language: a model with one language reports that one (not `english`), a multilingual one that hears the
 * language without naming it reports `unknown` unless the request names it.
 */
describe("a transcript's language", () => {
  test('a Spanish Moonshine v2 (its language from the published folder name) reports spanish', async () => {
    const id = 'sherpa-onnx-moonshine-tiny-es-quantized-2025-09-09';
    const served: ServedModelFolder = await serveModelFolder(path.join(MODELS_DIR, 'testdata', 'layouts', 'moonshine-v2'), id);
    try {
      expect((await transcribeVerbose(served.client, clip(), id)).language).toBe('spanish');
      const named = await served.client.audio.transcriptions.create({ file: await wavFile(), model: id, language: 'es', response_format: 'verbose_json' });
      expect(named.language).toBe('spanish');
    } finally {
      await served.close();
    }
  }, 60_000);

  test('a multilingual folder (languages.txt) reports unknown without a language, the named one with it', async () => {
    const source = mkdtempSync(path.join(os.tmpdir(), 'stt-multilingual-'));
    cpSync(path.join(MODELS_DIR, 'nemo-ctc-en-conv-small'), source, { recursive: true });
    writeFileSync(path.join(source, 'languages.txt'), 'en de fr\n');
    const served = await serveModelFolder(source, 'multilingual-ctc');
    try {
      expect((await transcribeVerbose(served.client, clip(), 'multilingual-ctc')).language).toBe('unknown');
      const named = await served.client.audio.transcriptions.create({ file: await wavFile(), model: 'multilingual-ctc', language: 'de', response_format: 'verbose_json' });
      expect(named.language).toBe('german');
    } finally {
      await served.close();
      rmSync(source, { recursive: true, force: true });
    }
  }, 60_000);
});

const wavFile = () => toFile(wavBytes(clip(), 16000), 'clip.wav', { type: 'audio/wav' });
