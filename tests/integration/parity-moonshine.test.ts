import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { resample } from '../../src/audio/resample';
import { decodeWav } from '../../src/audio/wav';
import type { InferencePool } from '../../src/model/inference-pool';
import { detectModelLayout, type ModelLayout } from '../../src/model/model-layout';
import { voicedSpan } from '../../src/model/moonshine/estimated-token-times';
import { loadModel, recognizeWith, type AcousticModel } from '../../src/model/offline-recognizer';
import type { RecognitionResult } from '../../src/model/recognizer';
import { sherpaDecode, sherpaRecognizer, type SherpaRecognizer } from '../../scripts/bench/sherpa-reference';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { MODELS_DIR, startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';

const LAYOUTS = path.join(MODELS_DIR, 'testdata', 'layouts');

const spaced = (s: string) => s.replace(/\u2581/g, ' ');
const squash = (s: string) => spaced(s).replace(/\s+/g, ' ').trim();

/** The test clips at 16 kHz: the model test data and the speech fixture. */
function clips(): { name: string; samples: Float32Array }[] {
  const testdata = path.join(MODELS_DIR, 'testdata');
  const files = [
    path.join(__dirname, '..', 'fixtures', 'speech-two-utterances.wav'),
    ...readdirSync(testdata)
      .filter((f) => f.endsWith('.wav'))
      .map((f) => path.join(testdata, f)),
  ];
  return files.map((f) => {
    const a = decodeWav(readFileSync(f));
    return { name: path.basename(f), samples: resample(a.samples, a.sampleRateHz, 16000) };
  });
}

/** The Moonshine test folders: v1 as published (int8 graphs, float32 preprocessor) and v2. */
const VARIANTS: [string, 1 | 2][] = [
  ['moonshine', 1],
  ['moonshine-v2', 2],
];

/**
 * Parity with sherpa-onnx for the Moonshine layouts: the tiny test models in models/testdata/layouts, loaded by
 * sherpa-onnx-node and by our pipeline from the same files, give the same tokens and the same text on every
 * test clip. Moonshine gives no token times; ours are estimates inside the clip's voiced span, checked here
 * for order and range only.
 */
describe.each(VARIANTS)('%s against sherpa-onnx-node', (dir, version) => {
  const layout = detectModelLayout(path.join(LAYOUTS, dir)) as ModelLayout;
  let ours: AcousticModel;
  let theirs: SherpaRecognizer;
  const texts: string[] = [];
  beforeAll(async () => {
    ours = await loadModel(layout, { executionProvider: 'cpu', threads: 1 });
    theirs = sherpaRecognizer(layout);
  });

  test('the folder is a Moonshine of the expected version, read from raw audio', () => {
    expect(layout).toMatchObject({ kind: 'moonshine', version });
    expect(ours.kind).toBe('moonshine');
    expect(ours.featureEngine).toBe('model');
  });

  test.each(clips().map((c) => [c.name, c.samples] as const))('%s: same tokens and text; words timed inside the voiced span', async (_name, samples) => {
    const decoded = await ours.decode(ours.computeFeatures(samples));
    const result = sherpaDecode(theirs, samples);
    expect(decoded.map((t) => spaced(ours.tokens.symbols[t.id]))).toEqual(result.tokens.map(spaced));
    const mine = await recognizeWith(ours, samples);
    expect(mine.text).toBe(squash(result.text));
    texts.push(mine.text);
    const span = voicedSpan(samples);
    let previousEndSec = span.startFrame * ours.frameSec;
    for (const w of mine.words) {
      expect(w.startSec).toBeGreaterThanOrEqual(previousEndSec - 1e-9);
      expect(w.endSec).toBeGreaterThan(w.startSec);
      previousEndSec = w.endSec;
    }
    expect(previousEndSec).toBeLessThanOrEqual(span.endFrame * ours.frameSec + 1e-9);
  });

  test('a clip shorter than one encoder frame (56 ms): no text from either', async () => {
    const samples = clips()[0].samples.subarray(16000, 16600);
    expect(squash(sherpaDecode(theirs, samples).text)).toBe('');
    expect((await recognizeWith(ours, samples)).text).toBe('');
  });

  test('the model says something, and not the same thing for every clip', () => {
    expect(texts.filter((t) => t.length > 0).length).toBeGreaterThan(0);
    expect(new Set(texts).size).toBeGreaterThan(1);
  });
});

/**
 * The same through the real server: a models folder holding the tiny Moonshine, a file upload with the OpenAI
 * SDK. Every utterance the server's inference worker decoded is decoded by sherpa-onnx too and must give the
 * same text; the response joins them, with word times in order inside the upload.
 */
describe('a Moonshine model behind the real HTTP server', () => {
  let server: TestServer;
  let modelsDir: string;
  const decoded: { samples: Float32Array; result: RecognitionResult }[] = [];

  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'stt-moonshine-'));
    cpSync(path.join(LAYOUTS, 'moonshine'), path.join(modelsDir, 'moonshine-tiny'), { recursive: true });
    server = await startTestServer({ MODELS_DIR: modelsDir });
    // Record what the server's inference worker decodes (copied: the pool may transfer the samples).
    const pool: InferencePool = server.services.pool;
    const recognize = pool.recognize.bind(pool);
    jest.spyOn(pool, 'recognize').mockImplementation(async (modelId, samples, options) => {
      const copy = samples.slice();
      const reply = await recognize(modelId, samples, options);
      decoded.push({ samples: copy, result: reply.result });
      return reply;
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  test('lists the model and transcribes an upload as sherpa-onnx decodes the same utterances', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toContain('moonshine-tiny');
    const clip = clips().find((c) => c.name === 'tts-rms-digits.wav')!;
    const r = await client.audio.transcriptions.create({
      file: await toFile(wavBytes(clip.samples, 16000), 'digits.wav', { type: 'audio/wav' }),
      model: 'moonshine-tiny',
      response_format: 'verbose_json',
      timestamp_granularities: ['word'],
    });
    expect(decoded.length).toBeGreaterThan(0);
    const sherpa = sherpaRecognizer(server.services.registry.resolve('moonshine-tiny').layout);
    for (const { samples, result } of decoded) expect(result.text).toBe(squash(sherpaDecode(sherpa, samples).text));
    expect(squash(r.text)).toBe(squash(decoded.map((d) => d.result.text).join(' ')));
    expect(r.text.length).toBeGreaterThan(0);
    const words = r.words ?? [];
    expect(words.length).toBe(r.text.split(' ').length);
    words.forEach((w, i) => {
      expect(w.end).toBeGreaterThanOrEqual(w.start);
      if (i > 0) expect(w.start).toBeGreaterThanOrEqual(words[i - 1].end);
    });
    expect(words[words.length - 1].end).toBeLessThanOrEqual(clip.samples.length / 16000 + 0.01);
  });
  test('live captions over WebSocket: finals are the file transcription, words timed inside them', async () => {
    const speech = loadSpeechFixture();
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const fileText = (await client.audio.transcriptions.create({ file: await toFile(wavBytes(speech.samples, 16000), 'a.wav'), model: 'moonshine-tiny' })).text;
    const s = new RecordingSocket(`${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions?model=moonshine-tiny`);
    await s.opened;
    await s.waitForType('ready');
    await streamChunks((c) => s.ws.send(c), pcm16Bytes(speech.samples), 32, 100, 5);
    s.sendJson({ type: 'end' });
    await s.waitForType('end', 60_000);
    expect(s.ofType('error')).toEqual([]);
    const finals = s.ofType('final');
    expect(finals.length).toBe(speech.speech.length);
    expect(finals.map((f) => f.text).join(' ')).toBe(fileText);
    for (const f of finals) {
      const words = f.words as { word: string; start: number; end: number }[];
      expect(words.map((w) => w.word).join(' ')).toBe(f.text);
      for (const w of words) {
        expect(w.start).toBeGreaterThanOrEqual((f.start as number) - 1e-6);
        expect(w.end).toBeLessThanOrEqual((f.end as number) + 1e-6);
      }
    }
  }, 60_000);
});
