import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { decodeWav } from '../../src/audio/wav';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { MODELS_DIR, startTestServer, type TestServer } from './helpers/test-server';

/** The tiny multilingual Whisper of models/testdata (scripts/model/export_tiny_whisper.py) served alone. */
const WHISPER_DIR = process.env.WHISPER_TEST_DIR ?? path.join(MODELS_DIR, 'testdata', 'layouts', 'whisper');
const LANGUAGE_NAMES = ['english', 'chinese', 'german', 'spanish', 'russian', 'korean', 'french', 'japanese'];

/** Language and task through the official `openai` SDK against the real server with a multilingual Whisper model. */
describe('Whisper: language and translation through the OpenAI SDK', () => {
  let server: TestServer;
  let client: OpenAI;
  let modelsDir: string;
  const clip = (name: string) => toFile(readFileSync(path.join(MODELS_DIR, 'testdata', name)), name, { type: 'audio/wav' });

  beforeAll(async () => {
    modelsDir = mkdtempSync(path.join(os.tmpdir(), 'stt-whisper-'));
    symlinkSync(WHISPER_DIR, path.join(modelsDir, 'whisper-tiny-testdata'));
    server = await startTestServer({ MODELS_DIR: modelsDir });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });

  test('without a language, the model detects it and verbose_json reports it', async () => {
    const r = await client.audio.transcriptions.create({ file: await clip('tts-rp-m6-weather.wav'), model: 'whisper-1', response_format: 'verbose_json' });
    expect(r.text.length).toBeGreaterThan(0);
    expect(LANGUAGE_NAMES).toContain(r.language);
  });

  test('the detected language is the one the model hears in the clip (the test model detects German in the digits)', async () => {
    const r = await client.audio.transcriptions.create({ file: await clip('tts-rms-digits.wav'), model: 'whisper-1', response_format: 'verbose_json' });
    expect(r.language).toBe('german');
  });

  test('/v1/audio/translations runs the translate task: other tokens than the transcription, reported as english', async () => {
    for (const name of ['tts-rp-m6-weather.wav', 'tts-rms-digits.wav']) {
      const transcription = await client.audio.transcriptions.create({ file: await clip(name), model: 'whisper-1' });
      const translation = (await client.audio.translations.create({ file: await clip(name), model: 'whisper-1', response_format: 'verbose_json' })) as { text: string; language?: string };
      expect(translation.text.length).toBeGreaterThan(0);
      expect(translation.text).not.toBe(transcription.text);
      expect(translation.language).toBe('english');
      expect((translation as unknown as { task: string }).task).toBe('translate');
    }
  });

  test('a language the model has is decoded in (another text than with detection) and reported', async () => {
    const detected = await client.audio.transcriptions.create({ file: await clip('tts-rp-m6-weather.wav'), model: 'whisper-1', response_format: 'verbose_json' });
    const german = await client.audio.transcriptions.create({ file: await clip('tts-rp-m6-weather.wav'), model: 'whisper-1', language: 'de', response_format: 'verbose_json' });
    expect(german.language).toBe('german');
    expect(german.text.length).toBeGreaterThan(0);
    if (detected.language !== 'german') expect(german.text).not.toBe(detected.text);
  });

  test('a language the model does not have is a 400 naming the parameter', async () => {
    const failed = client.audio.transcriptions.create({ file: await clip('tts-rms-digits.wav'), model: 'whisper-1', language: 'xx' });
    await expect(failed).rejects.toMatchObject({ status: 400, param: 'language', code: 'unsupported_language' });
    await expect(client.audio.transcriptions.create({ file: await clip('tts-rms-digits.wav'), model: 'whisper-1', language: 'it' })).rejects.toMatchObject({
      status: 400,
      param: 'language',
    });
  });

  test('captions without a language: the multilingual model detects it (configured reports auto), finals equal the file text', async () => {
    const name = 'tts-rms-digits.wav';
    const file = await client.audio.transcriptions.create({ file: await clip(name), model: 'whisper-1', response_format: 'verbose_json' });
    expect(file.language).toBe('german');
    const s = new RecordingSocket(`${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions`);
    await s.opened;
    await s.waitForType('ready');
    s.sendJson({ type: 'config', sample_rate: 16000 });
    const configured = await s.waitForType('configured');
    expect(configured.language).toBe('auto');
    const samples = decodeWav(readFileSync(path.join(MODELS_DIR, 'testdata', name))).samples;
    await streamChunks((c) => s.ws.send(c), pcm16Bytes(samples), 32, 100, Infinity);
    s.sendJson({ type: 'end' });
    await s.waitForType('end', 30_000);
    const finals = s.ofType('final').map((e) => String(e.text)).filter((t) => t.length > 0);
    expect(finals.join(' ')).toBe(file.text);
    s.ws.close();
  }, 60_000);

  /** One Realtime turn (16 kHz PCM, manual commit) with `language`: its completed transcript, or the error event. */
  async function realtimeTurn(language: string): Promise<{ transcript?: string; error?: Record<string, unknown> }> {
    const s = new RecordingSocket(`${server.url.replace(/^http/, 'ws')}/v1/realtime?intent=transcription`);
    await s.opened;
    await s.waitForType('session.created');
    s.sendJson({
      type: 'session.update',
      session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 16000 }, transcription: { model: 'whisper-tiny-testdata', language }, turn_detection: null } } },
    });
    await s.waitFor(() => s.ofType('session.updated').length + s.ofType('error').length > 0, 10_000, 'session.updated or error');
    const error = s.ofType('error')[0]?.error as Record<string, unknown> | undefined;
    if (error) {
      s.ws.close();
      return { error };
    }
    const samples = decodeWav(readFileSync(path.join(MODELS_DIR, 'testdata', 'tts-rms-digits.wav'))).samples;
    s.sendJson({ type: 'input_audio_buffer.append', audio: pcm16Bytes(samples).toString('base64') });
    s.sendJson({ type: 'input_audio_buffer.commit' });
    const done = 'conversation.item.input_audio_transcription.completed';
    await s.waitFor(() => s.ofType(done).length > 0, 20_000, done);
    s.ws.close();
    return { transcript: s.ofType(done)[0].transcript as string };
  }

  test('Realtime: input_audio_transcription.language reaches the model; one it does not have is refused', async () => {
    const german = await realtimeTurn('de');
    const english = await realtimeTurn('en');
    expect(german.transcript!.length).toBeGreaterThan(0);
    expect(german.transcript).not.toBe(english.transcript);
    expect((await realtimeTurn('xx')).error).toMatchObject({ code: 'unsupported_language', param: 'session.audio.input.transcription.language' });
  }, 60_000);

  test('Realtime with server VAD: each turn of a two-utterance stream is transcribed, deltas and all', async () => {
    const speech = loadSpeechFixture();
    const s = new RecordingSocket(`${server.url.replace(/^http/, 'ws')}/v1/realtime?intent=transcription`);
    await s.opened;
    await s.waitForType('session.created');
    s.sendJson({ type: 'session.update', session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 16000 }, transcription: { language: 'en' } } } } });
    await s.waitForType('session.updated');
    const bytes = pcm16Bytes(speech.samples);
    // twice real time, then a second of silence so the second turn ends by VAD too
    const append = (chunk: Buffer) => s.sendJson({ type: 'input_audio_buffer.append', audio: chunk.toString('base64') });
    await streamChunks(append, Buffer.concat([bytes, Buffer.alloc(32000)]), 32, 100, 2);
    const done = 'conversation.item.input_audio_transcription.completed';
    await s.waitFor(() => s.ofType(done).length >= speech.speech.length, 30_000, `${speech.speech.length} completed turns`);
    expect(s.ofType(done).every((e) => (e.transcript as string).length > 0)).toBe(true);
    expect(s.ofType('conversation.item.input_audio_transcription.delta').length).toBeGreaterThan(0);
    expect(s.ofType('error')).toEqual([]);
    s.ws.close();
  }, 60_000);
});
