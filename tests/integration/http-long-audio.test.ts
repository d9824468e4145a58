import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * A 10-minute upload is cut into utterances by Silero VAD, each transcribed as it is found, and stitched with
 * absolute timestamps.
 */
describe('long audio', () => {
  let server: TestServer;
  let client: OpenAI;
  const speech = loadSpeechFixture();
  const rate = speech.sampleRateHz;
  const periodSamples = speech.samples.length + rate; // the clip, then one second of silence
  const repeats = Math.ceil((600 * rate) / periodSamples);
  const long = new Float32Array(repeats * periodSamples);
  for (let k = 0; k < repeats; k++) long.set(speech.samples, k * periodSamples);

  beforeAll(async () => {
    server = await startTestServer({ INFERENCE_WORKERS: '2' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 300_000 });
  });
  afterAll(() => server.close());

  test('a 10-minute file transcribes with absolute, increasing timestamps', async () => {
    // The clip alone, for reference: every repetition in the long file should be heard the same way,
    // at the same offset within its period.
    const single = await client.audio.transcriptions.create({
      file: await toFile(wavBytes(speech.samples, rate), 'clip.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word'],
    });
    const r = await client.audio.transcriptions.create({
      file: await toFile(wavBytes(long, rate), 'ten-minutes.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(r.duration).toBeGreaterThanOrEqual(600);
    const words = r.words ?? [];
    for (let i = 1; i < words.length; i++) expect(words[i].start).toBeGreaterThanOrEqual(words[i - 1].start - 1e-6);
    expect(words[words.length - 1].end).toBeLessThanOrEqual(r.duration + 1e-6);

    // For each repetition k, words start where the reference words start, shifted by exactly k periods
    // (within 100 ms): proof that every piece cut by the VAD was put back at its absolute time. (Times, not
    // spellings: a small model may spell a word differently when a cut gives it other context.)
    const periodSec = periodSamples / rate;
    const reference = (single.words ?? []).map((w) => ({ word: w.word, start: w.start }));
    expect(reference.length).toBeGreaterThan(0);
    let repetitionsMatched = 0;
    for (let k = 0; k < repeats; k++) {
      const inPeriod = words.filter((w) => w.start >= k * periodSec - 0.3 && w.start < (k + 1) * periodSec - 0.3);
      const found = reference.filter((ref) => inPeriod.some((w) => Math.abs(w.start - k * periodSec - ref.start) <= 0.1));
      if (found.length >= 0.7 * reference.length) repetitionsMatched++;
    }
    expect(repetitionsMatched).toBeGreaterThanOrEqual(Math.floor(0.9 * repeats));
    // Segments cover the words in order and carry the same text.
    expect((r.segments ?? []).map((s) => s.text).join(' ')).toBe(r.text);
  }, 300_000);

  test('token logprobs of a file cut into pieces spell its whole text', async () => {
    const minute = long.subarray(0, 70 * rate); // many utterances
    const r = await client.audio.transcriptions.create({
      file: await toFile(wavBytes(minute, rate), 'minute.wav'),
      model: 'whisper-1',
      include: ['logprobs'],
    });
    const spelled = (r.logprobs ?? []).map((p) => p.token ?? '').join('').replace(/\s+/g, ' ').trim();
    expect(r.text.split(' ').length).toBeGreaterThan(20);
    expect(spelled).toBe(r.text);
  }, 120_000);
});
