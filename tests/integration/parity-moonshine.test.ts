import path from 'node:path';
import { detectModelLayout, type ModelLayout } from '../../src/model/model-layout';
import { voicedSpan } from '../../src/model/moonshine/estimated-token-times';
import { loadModel, recognizeWith, type AcousticModel } from '../../src/model/offline-recognizer';
import { sherpaDecode, sherpaRecognizer, type SherpaRecognizer } from '../../scripts/bench/sherpa-reference';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { fileTranscriptionText } from './helpers/file-transcription';
import { serveModelFolder, transcribeVerbose, type ServedModelFolder } from './helpers/served-model-folder';
import { spaced, squash } from './helpers/sherpa-text';
import { clipRows, testClips } from './helpers/test-clips';
import { MODELS_DIR } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';

const LAYOUTS = path.join(MODELS_DIR, 'testdata', 'layouts');

/** The test clips at 16 kHz: the speech fixture and the model test data. */
const clips = () => testClips({ withSpeechFixture: true });

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

  test.each(clipRows(clips()))('%s: same tokens and text; words timed inside the voiced span', async (_name, samples) => {
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
  let served: ServedModelFolder;
  beforeAll(async () => {
    served = await serveModelFolder(path.join(LAYOUTS, 'moonshine'), 'moonshine-tiny');
  });
  afterAll(() => served?.close());

  test('lists the model and transcribes an upload as sherpa-onnx decodes the same utterances', async () => {
    const { server, client, decoded } = served;
    expect((await client.models.list()).data.map((m) => m.id)).toContain('moonshine-tiny');
    const clip = clips().find((c) => c.name === 'tts-rms-digits.wav')!;
    const r = await transcribeVerbose(client, clip.samples, 'moonshine-tiny', 'digits.wav');
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
    const { server } = served;
    const speech = loadSpeechFixture();
    const fileText = await fileTranscriptionText(server.url, speech.samples, { model: 'moonshine-tiny' });
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
