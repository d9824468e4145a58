import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { encodeWith, wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';

/**
 * Decoded audio held by file requests is bounded server-wide by what they really hold: a WAV file is decoded
 * whole (counted until it is handed on), a compressed file streams through ffmpeg and holds only the live
 * session's buffer (45 s). A request that would pass MAX_AUDIO_SEC_IN_FLIGHT is refused with 503 +
 * Retry-After, and what a request held is given back when it ends.
 */
describe('decoded audio budget', () => {
  let server: TestServer;
  let client: OpenAI;
  const speech = loadSpeechFixture();
  const rate = speech.sampleRateHz;
  const seconds = (sec: number) => {
    const out = new Float32Array(sec * rate);
    for (let at = 0; at < out.length; at += speech.samples.length + rate) out.set(speech.samples.subarray(0, Math.min(speech.samples.length, out.length - at)), at);
    return out;
  };

  beforeAll(async () => {
    server = await startTestServer({ MAX_AUDIO_SEC_IN_FLIGHT: '120' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => server.close());

  function mp3(samples: Float32Array): Buffer {
    const wav = path.join(mkdtempSync(path.join(os.tmpdir(), 'stt-budget-')), 'in.wav');
    writeFileSync(wav, wavBytes(samples, rate));
    return readFileSync(encodeWith(wav, 'mp3'));
  }

  async function inFlightBytes(): Promise<number> {
    const status = (await (await fetch(`${server.url}/status`)).json()) as { limits: { decoded_audio_bytes_in_flight: number } };
    return status.limits.decoded_audio_bytes_in_flight;
  }

  test('a WAV decoding past the budget gets 503 server_overloaded with Retry-After', async () => {
    const { response, error } = await client.audio.transcriptions
      .create({ file: await toFile(wavBytes(seconds(100), rate), 'long.wav'), model: 'whisper-1' })
      .then(() => ({ response: null, error: null }))
      .catch((e: InstanceType<typeof OpenAI.APIError>) => ({ response: e.headers, error: e }));
    expect(error?.status).toBe(503);
    expect(error?.code).toBe('server_overloaded');
    expect(Number(response?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await inFlightBytes()).toBe(0);
  });

  test('an mp3 far longer than the budget streams through ffmpeg and transcribes (it never holds it all)', async () => {
    const r = await client.audio.transcriptions.create({ file: await toFile(mp3(seconds(300)), 'long.mp3'), model: 'whisper-1', response_format: 'verbose_json' });
    expect(r.duration).toBeGreaterThan(299);
    expect(r.text.split(' ').length).toBeGreaterThan(100);
    expect(await inFlightBytes()).toBe(0);
  }, 120_000);

  test('audio within the budget transcribes, and gives the budget back', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await client.audio.transcriptions.create({ file: await toFile(wavBytes(seconds(50), rate), 'ok.wav'), model: 'whisper-1' });
      expect(r.text.length).toBeGreaterThan(0);
    }
    expect(await inFlightBytes()).toBe(0);
  });
});
