import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { resample } from '../../src/audio/resample';
import { encodeWith, wavBytes, characterErrorRate } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';

const run = promisify(execFile);

/** Plain multipart uploads as curl sends them, in every container OpenAI accepts, at other sample rates. */
describe('curl uploads of every format', () => {
  let server: TestServer;
  const speech = loadSpeechFixture();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stt-curl-'));
  const wavPath = path.join(dir, 'speech.wav');
  writeFileSync(wavPath, wavBytes(speech.samples, speech.sampleRateHz));
  let baseline = '';

  async function curl(file: string, ...fields: string[]): Promise<{ status: number; body: string }> {
    const args = ['-s', '-w', '\n%{http_code}', '-F', `file=@${file}`, ...fields.flatMap((f) => ['-F', f]), `${server.url}/v1/audio/transcriptions`];
    const { stdout } = await run('curl', args);
    const cut = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
  }

  beforeAll(async () => {
    server = await startTestServer();
    const r = await curl(wavPath, 'model=whisper-1');
    baseline = JSON.parse(r.body).text;
  });
  afterAll(() => server.close());

  test('WAV via curl, response_format=text', async () => {
    const r = await curl(wavPath, 'model=whisper-1', 'response_format=text');
    expect(r.status).toBe(200);
    expect(r.body.trim()).toBe(baseline);
  });

  test.each(['mp3', 'ogg', 'webm', 'flac', 'm4a'])('%s decodes through ffmpeg and transcribes like the WAV', async (ext) => {
    const r = await curl(encodeWith(wavPath, ext), 'model=whisper-1');
    expect(r.status).toBe(200);
    // Lossy codecs change the audio slightly; the words should barely change.
    expect(characterErrorRate(baseline, JSON.parse(r.body).text)).toBeLessThanOrEqual(0.25);
  });

  test.each([8000, 22050, 44100, 48000])('a %i Hz WAV is resampled and transcribes like the 16 kHz one', async (rate) => {
    const file = path.join(dir, `speech-${rate}.wav`);
    writeFileSync(file, wavBytes(resample(speech.samples, 16000, rate), rate, '32f'));
    const r = await curl(file, 'model=whisper-1');
    expect(r.status).toBe(200);
    expect(characterErrorRate(baseline, JSON.parse(r.body).text)).toBeLessThanOrEqual(rate === 8000 ? 0.5 : 0.25);
  });

  test('timestamp_granularities without brackets is accepted', async () => {
    const r = await curl(wavPath, 'response_format=verbose_json', 'timestamp_granularities=word');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).words.length).toBeGreaterThan(0);
  });
});
