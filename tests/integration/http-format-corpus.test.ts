import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes, wordErrorRate } from './helpers/audio';
import { decodedTranscriptionText } from './helpers/file-transcription';
import { CORPUS_FORMATS, ffmpegEncoders, writeCorpusFile } from './helpers/format-corpus';
import { startTestServer, type TestServer } from './helpers/test-server';

const SOURCE_WAV = path.join(__dirname, '..', 'fixtures', 'speech-two-utterances.wav');

/**
 * The format corpus: from one speech clip, ffmpeg writes every common container and codec a user has; each
 * must transcribe to the source WAV's text (lossy codecs within a small word error rate), never to a silent
 * 200. Around it, the files that used to be lost or mis-answered: m4a with the moov atom last (also with
 * stream=true), float WAV as ffmpeg writes it, NaN samples, cut-off WAV, files with no audio track, playlists.
 */
describe('format corpus', () => {
  let server: TestServer;
  let client: OpenAI;
  let reference: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stt-corpus-'));
  const encoders = ffmpegEncoders();

  beforeAll(async () => {
    server = await startTestServer({ INFERENCE_WORKERS: '2' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    reference = (await client.audio.transcriptions.create({ file: await toFile(readFileSync(SOURCE_WAV), 'source.wav'), model: 'whisper-1' })).text;
    expect(reference.split(' ').length).toBeGreaterThanOrEqual(4);
  });
  afterAll(() => server.close());

  const available = CORPUS_FORMATS.map((format, index) => ({ format, index })).filter(({ format }) => !format.encoder || encoders.has(format.encoder));
  test('every format of the corpus this ffmpeg can write is covered (AMR-NB only where ffmpeg has its encoder)', () => {
    expect(available.length).toBeGreaterThanOrEqual(CORPUS_FORMATS.filter((f) => !f.name.includes('AMR')).length);
  });

  test.each(available.map(({ format, index }) => [format.name, format, index] as const))('%s transcribes to the source WAV text', async (_name, format, index) => {
    const file = writeCorpusFile(SOURCE_WAV, format, dir, index);
    const result = await client.audio.transcriptions.create({ file: await toFile(readFileSync(file), format.fileName), model: 'whisper-1', response_format: 'verbose_json' });
    expect(result.duration).toBeGreaterThan(5);
    // Lossless files must give the source WAV's text; a lossy one, the text of its own audio as ffmpeg decodes
    // it (the codec's artifacts are the model's problem, measured by the eval, not this test's), within the bound
    // for resampling and the decoder's own chunking, and still the clip's speech (most of the source's words).
    const expected = format.maxWer === 0 ? reference : await decodedTranscriptionText(server.url, file);
    expect(wordErrorRate(reference, expected)).toBeLessThanOrEqual(0.5);
    expect(wordErrorRate(expected, result.text)).toBeLessThanOrEqual(format.maxWer);
  });

  test('m4a with the moov atom at the end streams (stream=true) to the same text', async () => {
    const file = writeCorpusFile(SOURCE_WAV, CORPUS_FORMATS.find((f) => f.name.includes('moov atom at the end'))!, dir, 100);
    const stream = await client.audio.transcriptions.create({ file: await toFile(readFileSync(file), 'a.m4a'), model: 'gpt-4o-transcribe', stream: true });
    let deltas = '';
    let done = '';
    for await (const event of stream) {
      if (event.type === 'transcript.text.delta') deltas += event.delta;
      if (event.type === 'transcript.text.done') done = event.text;
    }
    expect(done.length).toBeGreaterThan(0);
    expect(deltas).toBe(done);
    expect(wordErrorRate(reference, done)).toBeLessThanOrEqual(0.34);
  });

  test('a silent file is a 200 with empty text and its true duration', async () => {
    const result = await transcribeSilentFlac(client, dir, 7);
    expect(result.text).toBe('');
    expect(result.duration).toBeCloseTo(7, 1);
  });

  async function expectRefused(bytes: Buffer, fileName: string, status: number, code: string): Promise<void> {
    const error = (await client.audio.transcriptions.create({ file: await toFile(bytes, fileName), model: 'whisper-1' }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  }

  test('a video file with no audio track is a 400 invalid_audio, also with stream=true (never an empty 200)', async () => {
    const file = path.join(dir, 'video-only.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=64x64:r=10', '-t', '2', '-c:v', 'mpeg4', file]);
    await expectRefused(readFileSync(file), 'video-only.mp4', 400, 'invalid_audio');
    const error = (await client.audio.transcriptions
      .create({ file: await toFile(readFileSync(file), 'video-only.mp4'), model: 'whisper-1', stream: true })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
  });

  test('a float WAV holding NaN or infinity is a 400 invalid_audio', async () => {
    const samples = loadSpeechFixture().samples.slice(0, 16000);
    samples[500] = NaN;
    await expectRefused(wavBytes(samples, 16000, '32f'), 'nan.wav', 400, 'invalid_audio');
    samples[500] = Infinity;
    await expectRefused(wavBytes(samples, 16000, '32f'), 'inf.wav', 400, 'invalid_audio');
  });

  test('a WAV whose header declares more audio than the file holds is transcribed as far as it goes, and says so', async () => {
    const whole = wavBytes(loadSpeechFixture().samples, 16000);
    const cut = whole.subarray(0, 44 + 2 * 16000 * 3);
    const response = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form(cut, 'cut.wav', 'verbose_json') });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-audio-truncated')).toBe('true');
    expect(((await response.json()) as { duration: number }).duration).toBeCloseTo(3, 1);
    const complete = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form(whole, 'whole.wav', 'json') });
    expect(complete.headers.get('x-audio-truncated')).toBeNull();
  });

  test('a playlist naming a local file is refused, never read (ffmpeg protocol and format whitelists)', async () => {
    const secret = path.join(dir, 'secret.wav');
    writeFileSync(secret, readFileSync(SOURCE_WAV));
    const playlist = Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:${secret}\n#EXT-X-ENDLIST\n`);
    await expectRefused(playlist, 'list.m3u8', 400, 'invalid_audio');
    const concat = Buffer.from(`ffconcat version 1.0\nfile '${secret}'\n`);
    await expectRefused(concat, 'list.ffconcat', 400, 'invalid_audio');
  });
});

/** A FLAC of `seconds` of digital silence (8 kHz, as ffmpeg's anullsrc writes it), uploaded for verbose_json. */
async function transcribeSilentFlac(client: OpenAI, dir: string, seconds: number): Promise<{ text: string; duration: number }> {
  const file = path.join(dir, `silence-${seconds}.flac`);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', String(seconds), '-c:a', 'flac', file]);
  return client.audio.transcriptions.create({ file: await toFile(readFileSync(file), path.basename(file)), model: 'whisper-1', response_format: 'verbose_json' });
}

function form(bytes: Uint8Array, fileName: string, responseFormat: string): FormData {
  const body = new FormData();
  body.append('file', new Blob([bytes]), fileName);
  body.append('model', 'whisper-1');
  body.append('response_format', responseFormat);
  return body;
}

/**
 * A small compressed file can decode to hours of audio (2 MB of FLAC: 3 h of silence). It is decoded as a
 * stream and recognized piece by piece, so it transcribes while holding a few minutes of audio at most:
 * here under a server budget of 400 s of decoded audio, a 20-minute file (before: refused with 503, or
 * gigabytes of memory for the 3-hour one).
 */
describe('long compressed files', () => {
  let server: TestServer;
  let client: OpenAI;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stt-long-'));

  beforeAll(async () => {
    server = await startTestServer({ MAX_AUDIO_SEC_IN_FLIGHT: '400', INFERENCE_WORKERS: '2' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 120_000 });
  });
  afterAll(() => server.close());

  test('a 20-minute silent FLAC transcribes to empty text with its true duration within a 400 s budget, and gives the budget back', async () => {
    const result = await transcribeSilentFlac(client, dir, 1200);
    expect(result.text).toBe('');
    expect(result.duration).toBeCloseTo(1200, 0);
    expect(server.services.audioBudget.inUseBytes).toBe(0);
  }, 120_000);
});
