import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { GREEDY_DECODING } from '../../src/model/decoding';
import { detectModelLayout, type ModelLayout } from '../../src/model/model-layout';
import { isOnlineModel, type OnlineAcousticModel, type OnlineSegment } from '../../src/model/online-acoustic-model';
import { loadModel, recognizeWith } from '../../src/model/offline-recognizer';
import { TAIL_PADDING_SEC } from '../../src/model/online-transducer/online-transducer-stream';
import { fileTranscriptionText } from './helpers/file-transcription';
import { squash } from './helpers/sherpa-text';
import { clipRows, testClips } from './helpers/test-clips';
import { REPO_ROOT, startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';

/** The parts of sherpa-onnx-node's streaming API (streaming-asr.js) used here; the package ships no types. */
interface SherpaOnlineStream {
  acceptWaveform(w: { sampleRate: number; samples: Float32Array }): void;
  inputFinished(): void;
}
interface SherpaOnlineResult {
  text: string;
  tokens: string[];
  timestamps: number[];
  segment: number;
  start_time: number;
}
interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(s: SherpaOnlineStream): boolean;
  decode(s: SherpaOnlineStream): void;
  reset(s: SherpaOnlineStream): void;
  getResult(s: SherpaOnlineStream): SherpaOnlineResult;
}

const MODEL_DIR = path.join(REPO_ROOT, 'models', 'testdata', 'layouts', 'online-zipformer-transducer');

function sherpaOnline(layout: Extract<ModelLayout, { kind: 'online-transducer' }>): SherpaOnlineRecognizer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sherpa = require('sherpa-onnx-node') as { OnlineRecognizer: new (config: unknown) => SherpaOnlineRecognizer };
  return new sherpa.OnlineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      transducer: { encoder: layout.encoderPath, decoder: layout.decoderPath, joiner: layout.joinerPath },
      tokens: layout.tokensPath,
      numThreads: 1,
      provider: 'cpu',
      debug: 0,
    },
    decodingMethod: 'greedy_search',
    enableEndpoint: 0,
  });
}

/** sherpa-onnx's result for a whole file: the samples, its tail padding, input finished, decoded to the end. */
function sherpaDecodeFile(recognizer: SherpaOnlineRecognizer, samples: Float32Array): SherpaOnlineResult {
  const stream = recognizer.createStream();
  stream.acceptWaveform({ sampleRate: 16000, samples });
  stream.acceptWaveform({ sampleRate: 16000, samples: new Float32Array(Math.round(TAIL_PADDING_SEC * 16000)) });
  stream.inputFinished();
  while (recognizer.isReady(stream)) recognizer.decode(stream);
  return recognizer.getResult(stream);
}

/** The model test data's clips at 16 kHz, as `test.each` rows. */
const clips = () => clipRows(testClips());

/** sherpa-onnx's symbol table shows the word-boundary mark ▁ as a space. */
const symbol = (model: OnlineAcousticModel, id: number) => model.tokens.symbols[id].replace(/\u2581/g, ' ');

/** Token symbols and absolute start times (s) of one of our segments. */
function ourTokens(model: OnlineAcousticModel, segment: OnlineSegment): { tokens: string[]; times: number[] } {
  return { tokens: segment.tokens.map((t) => symbol(model, t.id)), times: segment.tokens.map((t) => segment.startSec + t.startFrame * model.frameSec) };
}

describe('streaming Zipformer transducer: parity with sherpa-onnx-node OnlineRecognizer', () => {
  const detected = detectModelLayout(MODEL_DIR);
  let model: OnlineAcousticModel;
  let sherpa: SherpaOnlineRecognizer;

  beforeAll(async () => {
    if ('error' in detected || detected.kind !== 'online-transducer') throw new Error(`not detected as online-transducer: ${JSON.stringify(detected)}`);
    const loaded = await loadModel(detected, { executionProvider: 'cpu', threads: 1 }, GREEDY_DECODING);
    if (!isOnlineModel(loaded)) throw new Error('the online transducer does not open streams');
    model = loaded;
    sherpa = sherpaOnline(detected);
  });

  test('the folder is detected as the online layout by its encoder metadata (not as an offline transducer)', () => {
    expect(detected).toMatchObject({ kind: 'online-transducer' });
  });

  test.each(clips())('%s: a file decodes to the same text and token times as sherpa-onnx', async (_name, samples) => {
    const theirs = sherpaDecodeFile(sherpa, samples);

    const decoded = await model.decode(model.computeFeatures(samples));
    expect(decoded.map((t) => symbol(model, t.id))).toEqual(theirs.tokens);
    decoded.forEach((t, i) => expect(t.startFrame * model.frameSec).toBeCloseTo(theirs.timestamps[i], 4));
    const mine = await recognizeWith(model, samples);
    expect(mine.text).toBe(squash(theirs.text));
    expect(mine.text.length).toBeGreaterThan(0); // the tiny model is not trivially silent
  });

  test.each(clips())('%s: a stream fed in uneven pieces with endpoints gives sherpa-onnx’s segments', async (_name, samples) => {
    const theirs = sherpa.createStream();
    const ours = model.createStream();
    const theirSegments: SherpaOnlineResult[] = [];
    const ourSegments: OnlineSegment[] = [];
    const pieces = [1234, 3200, 800, 5000, 160, 7000];
    let offset = 0;
    for (let i = 0; offset < samples.length; i++) {
      const piece = samples.subarray(offset, offset + pieces[i % pieces.length]);
      offset += piece.length;
      theirs.acceptWaveform({ sampleRate: 16000, samples: piece });
      while (sherpa.isReady(theirs)) sherpa.decode(theirs);
      await ours.acceptWaveform(piece);
      // An endpoint after every third piece: both keep the encoder state and continue the decoder context.
      if (i % 3 === 2) {
        theirSegments.push(sherpa.getResult(theirs));
        sherpa.reset(theirs);
        ourSegments.push(ours.result());
        ours.reset();
      }
    }
    theirs.acceptWaveform({ sampleRate: 16000, samples: new Float32Array(Math.round(TAIL_PADDING_SEC * 16000)) });
    theirs.inputFinished();
    while (sherpa.isReady(theirs)) sherpa.decode(theirs);
    theirSegments.push(sherpa.getResult(theirs));
    await ours.inputFinished();
    ourSegments.push(ours.result());

    expect(ourSegments.length).toBe(theirSegments.length);
    ourSegments.forEach((segment, i) => {
      const mine = ourTokens(model, segment);
      expect(mine.tokens).toEqual(theirSegments[i].tokens);
      expect(segment.index).toBe(theirSegments[i].segment);
      expect(segment.startSec).toBeCloseTo(theirSegments[i].start_time, 4);
      mine.times.forEach((t, j) => expect(t).toBeCloseTo(theirSegments[i].start_time + theirSegments[i].timestamps[j], 4));
    });
    // Endpoints do not change what is decoded: the segments joined are the whole file's tokens.
    const whole = await model.decode(model.computeFeatures(samples));
    expect(ourSegments.flatMap((s) => s.tokens.map((t) => t.id))).toEqual(whole.map((t) => t.id));
  });
});

/**
 * The real server (port 0) serving only the online model: a file upload and a live captions stream are both
 * decoded chunk by chunk from state, each sample once; the live partials only ever extend (nothing is
 * re-decoded) and the finals are the file's transcription.
 */
describe('streaming Zipformer transducer: live captions through the real server', () => {
  const MODEL_ID = 'online-zipformer';
  const speech = loadSpeechFixture();
  let modelsDir: string;
  let server: TestServer;
  let fileText = '';

  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'online-models-'));
    symlinkSync(MODEL_DIR, path.join(modelsDir, MODEL_ID));
    server = await startTestServer({ MODELS_DIR: modelsDir, MAX_STREAMS: '4' });
    const before = server.services.pool.streamStats;
    fileText = await fileTranscriptionText(server.url, speech.samples, { model: MODEL_ID });
    // The file went through one stream too, every sample once.
    const after = server.services.pool.streamStats;
    expect(after.opened - before.opened).toBe(1);
    expect(after.samplesSent - before.samplesSent).toBe(speech.samples.length);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  test('the file transcription is the token sequence sherpa-onnx decodes from the whole file', async () => {
    const detected = detectModelLayout(MODEL_DIR);
    if ('error' in detected || detected.kind !== 'online-transducer') throw new Error('layout not detected');
    const theirs = sherpaDecodeFile(sherpaOnline(detected), speech.samples);
    expect(fileText.length).toBeGreaterThan(0);
    // The same tokens; the service ends a segment at each VAD endpoint (as sherpa-onnx's endpointing would),
    // so a word the model continues across one is split there.
    const letters = (s: string) => s.replace(/\s+/g, '');
    expect(letters(fileText)).toBe(letters(theirs.text));
  });

  test.each([
    ['5x real time, 100 ms chunks', 5, 100],
    ['in real time, 40 ms chunks', 1, 40],
  ])('streamed %s: partials grow from state, each sample decoded once; finals are the file text', async (_name, speed, chunkMs) => {
    const before = server.services.pool.streamStats;
    const s = new RecordingSocket(server.url.replace(/^http/, 'ws') + `/v1/audio/transcriptions?model=${MODEL_ID}`);
    await s.opened;
    await s.waitForType('ready');
    await streamChunks((c) => s.ws.send(c), pcm16Bytes(speech.samples), 32, chunkMs, speed);
    s.sendJson({ type: 'end' });
    await s.waitForType('end', 60_000);
    expect(await s.closed()).toBe(1000);
    expect(s.ofType('error')).toEqual([]);

    // One stream, fed each sample exactly once (no window is decoded again).
    const after = server.services.pool.streamStats;
    expect(after.opened - before.opened).toBe(1);
    expect(after.samplesSent - before.samplesSent).toBe(speech.samples.length);
    expect(after.open).toBe(0);

    // Partials come straight from the decoder: within an utterance each one extends the last, text and stable text.
    const partials = s.ofType('partial');
    expect(partials.length).toBeGreaterThan(2);
    const last = new Map<number, { text: string; stable: string }>();
    for (const p of partials) {
      const id = p.utterance_id as number;
      const previous = last.get(id) ?? { text: '', stable: '' };
      expect((p.text as string).startsWith(previous.text)).toBe(true);
      expect((p.stable_text as string).startsWith(previous.stable)).toBe(true);
      expect(previous.stable + (p.delta as string)).toBe(p.stable_text);
      last.set(id, { text: p.text as string, stable: p.stable_text as string });
    }
    // Each final is its utterance's last partial grown by what the model decoded after it, and together they are the file's text.
    const finals = s.ofType('final');
    expect(finals.length).toBeGreaterThan(0);
    for (const f of finals) expect((f.text as string).startsWith(last.get(f.utterance_id as number)?.text ?? '')).toBe(true);
    expect(finals.map((f) => f.text as string).filter(Boolean).join(' ')).toBe(fileText);
  }, 60_000);
});
