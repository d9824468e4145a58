import { loadSpeechFixture } from '../../tests/fixtures/speech-fixture';
import { SileroVadModel } from './silero-vad-model';
import { VAD_CHUNK_SAMPLES } from './speech-probability';

function wholeChunks(samples: Float32Array): Float32Array {
  return samples.subarray(0, samples.length - (samples.length % VAD_CHUNK_SAMPLES));
}

describe('SileroVadModel', () => {
  let model: SileroVadModel;
  beforeAll(async () => {
    model = await SileroVadModel.load();
  });
  afterAll(async () => {
    await model.release();
  });

  test('speech chunks score high and noise chunks low on a real clip', async () => {
    const fixture = loadSpeechFixture();
    const probabilities = await model.probabilities(wholeChunks(fixture.samples), model.createState());
    const inSpeech = (chunk: number) =>
      fixture.speech.some((s) => chunk * VAD_CHUNK_SAMPLES >= s.startSample && (chunk + 1) * VAD_CHUNK_SAMPLES <= s.endSample);
    const inNoise = (chunk: number) =>
      fixture.speech.every(
        (s) => (chunk + 1) * VAD_CHUNK_SAMPLES <= s.startSample - 3200 || chunk * VAD_CHUNK_SAMPLES >= s.endSample + 3200,
      );
    const speech = Array.from(probabilities).filter((_, chunk) => inSpeech(chunk));
    const noise = Array.from(probabilities).filter((_, chunk) => inNoise(chunk));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(speech)).toBeGreaterThan(0.7);
    expect(Math.max(...noise)).toBeLessThan(0.3);
  });

  test('state carries across calls: chunk by chunk equals one batch', async () => {
    const samples = wholeChunks(loadSpeechFixture().samples).subarray(0, 40 * VAD_CHUNK_SAMPLES);
    const batch = await model.probabilities(samples, model.createState());
    const state = model.createState();
    const stepwise = new Float32Array(40);
    for (let chunk = 0; chunk < 40; chunk++) {
      const one = await model.probabilities(samples.subarray(chunk * VAD_CHUNK_SAMPLES, (chunk + 1) * VAD_CHUNK_SAMPLES), state);
      stepwise[chunk] = one[0];
    }
    expect(Array.from(stepwise)).toEqual(Array.from(batch));
  });

  test('concurrent streams keep separate state', async () => {
    const samples = wholeChunks(loadSpeechFixture().samples).subarray(0, 60 * VAD_CHUNK_SAMPLES);
    const alone = await model.probabilities(samples, model.createState());
    const [a, b] = await Promise.all([
      model.probabilities(samples, model.createState()),
      model.probabilities(new Float32Array(samples.length), model.createState()),
    ]);
    expect(Array.from(a)).toEqual(Array.from(alone));
    expect(Math.max(...b)).toBeLessThan(0.1);
  });

  test('a batch scores each member as its own stream would, and carries each member\'s state', async () => {
    const speech = wholeChunks(loadSpeechFixture().samples);
    const members = [speech.subarray(0, 40 * VAD_CHUNK_SAMPLES), new Float32Array(40 * VAD_CHUNK_SAMPLES), speech.subarray(40 * VAD_CHUNK_SAMPLES, 80 * VAD_CHUNK_SAMPLES)];
    const alone = await Promise.all(members.map((m) => model.probabilities(m, model.createState())));
    const states = members.map(() => model.createState());
    // In two calls of 20 chunks: the second continues each member's state.
    const first = await model.probabilitiesBatch(members.map((m) => m.subarray(0, 20 * VAD_CHUNK_SAMPLES)), states);
    const second = await model.probabilitiesBatch(members.map((m) => m.subarray(20 * VAD_CHUNK_SAMPLES)), states);
    members.forEach((_, b) => {
      const batched = [...first[b], ...second[b]];
      batched.forEach((p, k) => expect(p).toBeCloseTo(alone[b][k], 4));
    });
    await expect(model.probabilitiesBatch([new Float32Array(512), new Float32Array(1024)], [model.createState(), model.createState()])).rejects.toThrow(RangeError);
  });

  test('rejects a length that is not a whole number of chunks', async () => {
    await expect(model.probabilities(new Float32Array(100), model.createState())).rejects.toThrow(RangeError);
  });
});
