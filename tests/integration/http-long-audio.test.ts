import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * A 10-minute upload is split at silences by Silero VAD, transcribed piece by piece, and stitched with
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
    const r = await client.audio.transcriptions.create({
      file: await toFile(wavBytes(long, rate), 'ten-minutes.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    });
    expect(r.duration).toBeGreaterThanOrEqual(600);
    const words = r.words ?? [];
    for (let i = 1; i < words.length; i++) expect(words[i].start).toBeGreaterThanOrEqual(words[i - 1].start - 1e-6);
    // Speech is everywhere in the file: words reach its last repetition.
    expect(words[words.length - 1].end).toBeGreaterThan(r.duration - periodSamples / rate - 1);
    // Every repetition's words lie inside that repetition's speech (±0.5 s), so no piece was shifted wrongly.
    const firstSpeech = speech.speech[0].startSample / rate;
    const lastSpeech = speech.speech[speech.speech.length - 1].endSample / rate;
    const periodSec = periodSamples / rate;
    for (const w of words) {
      const k = Math.floor(w.start / periodSec);
      expect(w.start - k * periodSec).toBeGreaterThanOrEqual(firstSpeech - 0.5);
      expect(w.end - k * periodSec).toBeLessThanOrEqual(lastSpeech + 0.5);
    }
    // About the same number of words in every repetition (the model sees similar pieces).
    const perRepeat = new Map<number, number>();
    for (const w of words) perRepeat.set(Math.floor(w.start / periodSec), (perRepeat.get(Math.floor(w.start / periodSec)) ?? 0) + 1);
    expect(perRepeat.size).toBeGreaterThanOrEqual(repeats - 1);
  }, 300_000);
});
