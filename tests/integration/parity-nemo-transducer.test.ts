import path from 'node:path';
import { FbankComputer, NEMO_TRANSDUCER_FBANK_OPTIONS } from '../../src/features/fbank';
import { detectModelLayout, type ModelLayout, type ModelPrecision } from '../../src/model/model-layout';
import { loadModel, recognizeWith, type AcousticModel } from '../../src/model/offline-recognizer';
import { WORD_SPLIT_PAUSE_SEC } from '../../src/model/words';
import { readModelFolderMetadata } from '../../src/model/model-folder-metadata';
import type { NemoTransducerLayout } from '../../src/model/nemo-transducer/nemo-transducer-layout';
// sherpa-onnx-node is given the three files as a transducer; it tells NeMo from icefall by the encoder's model_type.
import { sherpaDecode, sherpaRecognizer, type SherpaRecognizer, type SherpaResult } from '../../scripts/bench/sherpa-reference';
import { serveModelFolder, transcribeVerbose, type ServedModelFolder } from './helpers/served-model-folder';
import { spaced, squash as squashSpaces } from './helpers/sherpa-text';
import { clipRows, testClips } from './helpers/test-clips';
import { MODELS_DIR } from './helpers/test-server';

const LAYOUTS = path.join(MODELS_DIR, 'testdata', 'layouts');

/** sherpa-onnx's result also gives TDT token durations, in seconds. */
type SherpaNemoResult = SherpaResult & { durations?: number[] };

/**
 * Word start times from sherpa's token times, split into words as the service does (words.ts): a token starting
 * with ▁ or a space, or the first one, begins a word, and so does a token `WORD_SPLIT_PAUSE_SEC` after the end of
 * the one before (a token ends a frame after its start, or, for TDT, after its duration).
 */
function sherpaWordStarts(r: SherpaNemoResult, frameSec: number): number[] {
  const starts: number[] = [];
  let inWord = false;
  let endSec = 0;
  r.tokens.forEach((token, i) => {
    if (token === '<unk>') return; // the service leaves special symbols out
    const text = token.replace(/^[\u2581 ]+/, '');
    const startSec = r.timestamps[i];
    if (text.length < token.length || startSec - endSec >= WORD_SPLIT_PAUSE_SEC - 1e-6) inWord = false;
    if (text && !inWord) {
      starts.push(startSec);
      inWord = true;
    }
    endSec = startSec + Math.max(r.durations?.[i] ?? 0, frameSec);
  });
  return starts;
}

/** sherpa-onnx's text as the service renders it: ▁ as spaces, special symbols such as `<unk>` dropped. */
const squash = (s: string) => squashSpaces(s.replace(/<unk>/g, ''));

/** The test clips at 16 kHz: the speech fixture and the model test data. */
const clips = () => testClips({ withSpeechFixture: true });

/** Our tokens of one clip as sherpa-onnx reports them: symbols, start times and (TDT) durations in seconds. */
async function ourTokens(model: AcousticModel, samples: Float32Array) {
  const decoded = await model.decode(model.computeFeatures(samples));
  return {
    tokens: decoded.map((t) => spaced(model.tokens.symbols[t.id])),
    startsSec: decoded.map((t) => t.startFrame * model.frameSec),
    spansSec: decoded.map((t) => (t.endFrame - t.startFrame) * model.frameSec),
  };
}

/**
 * Parity with sherpa-onnx for the NeMo transducer layout (Parakeet-style RNN-T and TDT): the tiny test models
 * in models/testdata/layouts, loaded by sherpa-onnx-node and by our pipeline from the same files, give the same
 * tokens at the same times (TDT: with the same durations) and the same text on every test clip.
 */
describe.each([
  ['nemo-transducer-rnnt', 'fp32'],
  ['nemo-transducer-rnnt', 'int8'],
  ['nemo-transducer-tdt', 'fp32'],
  ['nemo-transducer-tdt', 'int8'],
] as [string, ModelPrecision][])('%s (%s) against sherpa-onnx-node', (dir, precision) => {
  const layout = detectModelLayout(path.join(LAYOUTS, dir), precision) as ModelLayout;
  let ours: AcousticModel;
  let theirs: SherpaRecognizer;
  beforeAll(async () => {
    ours = await loadModel(layout, { executionProvider: 'cpu', threads: 1 });
    theirs = sherpaRecognizer(layout);
  });

  test('the folder is a NeMo transducer of the expected variant', () => {
    expect(layout.kind).toBe('nemo-transducer');
    expect(ours.kind).toBe('nemo-transducer');
    expect((ours.metadata.url ?? '').includes('tdt')).toBe(dir.endsWith('tdt'));
  });

  test('frame-major features (normalized on the way in) decode as the channels-first ones do', async () => {
    const { samples } = clips()[0];
    const dim = ours.computeFeatures(new Float32Array(1600)).dim;
    const frames = new FbankComputer({ ...NEMO_TRANSDUCER_FBANK_OPTIONS, numMelBins: dim }).compute(samples);
    expect(frames.layout ?? 'frames').toBe('frames');
    const [fromFrames, fromChannels] = [await ours.decode(frames), await ours.decode(ours.computeFeatures(samples))];
    expect(fromFrames.map((t) => [t.id, t.startFrame, t.endFrame])).toEqual(fromChannels.map((t) => [t.id, t.startFrame, t.endFrame]));
    fromFrames.forEach((t, i) => expect(t.logProb).toBeCloseTo(fromChannels[i].logProb, 4));
  });

  test.each(clipRows(clips()))('%s: same tokens, token times and text', async (_name, samples) => {
    const mine = await ourTokens(ours, samples);
    const result = sherpaDecode(theirs, samples) as SherpaNemoResult;
    expect(mine.tokens.length).toBeGreaterThan(0);
    expect(mine.tokens).toEqual(result.tokens.map(spaced));
    mine.startsSec.forEach((t, i) => expect(t).toBeCloseTo(result.timestamps[i], 4));
    if (dir.endsWith('tdt')) {
      // sherpa-onnx reports the chosen duration (0 for a token that does not advance); ours spans at least a frame.
      mine.spansSec.forEach((s, i) => expect(s).toBeCloseTo(Math.max(result.durations![i], ours.frameSec), 4));
    }
    // The same text, up to the spaces the service adds where a word has a long pause inside (words.ts).
    const text = (await recognizeWith(ours, samples)).text;
    expect(text.replace(/ /g, '')).toBe(squash(result.text).replace(/ /g, ''));
  });
});

/**
 * The same through the real server: a models folder holding the TDT model, a file upload with the OpenAI SDK.
 * The server transcribes each utterance its VAD finds; every utterance its inference worker decoded is decoded
 * by sherpa-onnx too and must give the same text and word start times, and the response joins them.
 */
describe('a NeMo TDT model behind the real HTTP server', () => {
  let served: ServedModelFolder;
  beforeAll(async () => {
    served = await serveModelFolder(path.join(LAYOUTS, 'nemo-transducer-tdt'), 'parakeet-tiny-tdt');
  });
  afterAll(() => served?.close());

  test('lists the model and transcribes an upload as sherpa-onnx decodes the same utterances', async () => {
    const { server, client, decoded } = served;
    expect((await client.models.list()).data.map((m) => m.id)).toContain('parakeet-tiny-tdt');
    const clip = clips().find((c) => c.name === 'tts-rms-digits.wav')!;
    const r = await transcribeVerbose(client, clip.samples, 'parakeet-tiny-tdt', 'digits.wav');
    expect(decoded.length).toBeGreaterThan(0);
    const layout = server.services.registry.resolve('parakeet-tiny-tdt').layout;
    const sherpa = sherpaRecognizer(layout);
    const frameSec = 0.01 * Number(readModelFolderMetadata((layout as NemoTransducerLayout).encoderPath).subsampling_factor);
    for (const { samples, result } of decoded) {
      const theirs = sherpaDecode(sherpa, samples);
      expect(result.text).toBe(squash(theirs.text));
      const wordStarts = sherpaWordStarts(theirs, frameSec);
      expect(result.words.length).toBe(wordStarts.length);
      result.words.forEach((w, i) => expect(w.startSec).toBeCloseTo(wordStarts[i], 4));
    }
    expect(squash(r.text)).toBe(squash(decoded.map((d) => d.result.text).join(' ')));
    expect(r.text.length).toBeGreaterThan(0);
  });
});
