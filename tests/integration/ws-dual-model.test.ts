import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import { Services } from '../../src/services';
import { resample } from '../../src/audio/resample';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { normalizeText, wavBytes } from './helpers/audio';
import { MODELS_DIR, REPO_ROOT, startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';

const PARTIAL = 'nemo-ctc-en-conv-small';
const FINAL = 'icefall-transducer-en-conv-small';
const ONLINE = 'online-zipformer-transducer';

type Message = Record<string, unknown>;

/** Per utterance: stable text only grows, partial deltas append exactly it, the final starts with the last stable text. */
function expectNeverRetracts(messages: Message[]): { stableAtFinal: string[] } {
  const stable = new Map<number, string>();
  const stableAtFinal: string[] = [];
  for (const m of messages) {
    const id = m.utterance_id as number;
    const before = stable.get(id) ?? '';
    if (m.type === 'partial') {
      expect((m.stable_text as string).startsWith(before)).toBe(true);
      expect(before + (m.delta as string)).toBe(m.stable_text);
      stable.set(id, m.stable_text as string);
    } else if (m.type === 'final') {
      expect((m.text as string).startsWith(before)).toBe(true);
      expect((m.words as { word: string }[]).map((w) => w.word).join(' ')).toBe(m.text);
      stableAtFinal.push(before);
    }
  }
  return { stableAtFinal };
}

/** Jobs (queued runs) and online-stream requests per model, from /status. */
async function modelRuns(url: string): Promise<Record<string, { jobs: number; stream_requests: number }>> {
  return ((await (await fetch(`${url}/status`)).json()) as { per_model: Record<string, { jobs: number; stream_requests: number }> }).per_model;
}

async function streamCaptions(wsUrl: string, pcm: Buffer, speed: number): Promise<RecordingSocket> {
  const s = new RecordingSocket(wsUrl);
  await s.opened;
  await s.waitForType('ready');
  await streamChunks((c) => s.ws.send(c), pcm, 32, 50, speed);
  s.sendJson({ type: 'end' });
  await s.waitForType('end', 60_000);
  expect(await s.closed()).toBe(1000);
  expect(s.ofType('error')).toEqual([]);
  return s;
}

/**
 * STREAM_PARTIAL_MODEL with the real server, real models and a real `ws` client: partials from the partial model,
 * finals from the stream's model, and the stable prefix never retracted by a final.
 */
describe(`dual-model live captions: partials from ${PARTIAL}, finals from ${FINAL}`, () => {
  let server: TestServer;
  let wsUrl: string;
  const speech = loadSpeechFixture();
  const pcm = pcm16Bytes(speech.samples);
  let finalModelText = '';

  beforeAll(async () => {
    server = await startTestServer({ STREAM_PARTIAL_MODEL: PARTIAL, MAX_STREAMS: '4' });
    wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions?model=${FINAL}`;
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    // A file runs on its model alone: this is the final model's own transcription of the clip.
    finalModelText = (await client.audio.transcriptions.create({ file: await toFile(wavBytes(speech.samples, 16000), 'a.wav'), model: FINAL })).text;
  }, 120_000);
  afterAll(() => server.close());

  test('/status names the partial model', async () => {
    const status = (await (await fetch(`${server.url}/status`)).json()) as { stream_partial_model: string | null };
    expect(status.stream_partial_model).toBe(PARTIAL);
  });

  test.each([
    ['in real time', 1],
    ['3x faster than real time', 3],
  ])('streaming %s: partials come from the partial model, finals from the final model, stable text only grows', async (_name, speed) => {
    const before = await modelRuns(server.url);
    const s = await streamCaptions(wsUrl, pcm, speed);
    const after = await modelRuns(server.url);

    const partials = s.ofType('partial');
    const finals = s.ofType('final');
    expect(partials.length).toBeGreaterThan(3);
    expect(finals.length).toBe(speech.speech.length);
    const { stableAtFinal } = expectNeverRetracts(s.messages);
    expect(stableAtFinal.some((t) => t.length > 0)).toBe(true);

    // The final model ran exactly once per utterance (its finals); every partial window ran on the partial model.
    expect(after[FINAL].jobs - before[FINAL].jobs).toBe(finals.length);
    expect(after[PARTIAL].jobs - before[PARTIAL].jobs).toBeGreaterThanOrEqual(partials.length);
    // What a final adds after the stable text is the final model's words.
    const finalModelWords = normalizeText(finalModelText);
    finals.forEach((f, i) => {
      const added = normalizeText((f.text as string).slice(stableAtFinal[i].length));
      if (added) expect(finalModelWords).toContain(added);
    });
  }, 90_000);

  test('Realtime, manual commit: the deltas while speaking and the final\'s add up to the completed transcript', async () => {
    const s = new RecordingSocket(`${server.url.replace(/^http/, 'ws')}/v1/realtime?intent=transcription`);
    await s.opened;
    s.sendJson({ type: 'transcription_session.update', session: { input_audio_transcription: { model: FINAL }, turn_detection: null } });
    await s.waitForType('transcription_session.updated');
    const pcm24k = pcm16Bytes(resample(speech.samples.subarray(0, speech.speech[0].endSample + 4000), 16000, 24000));
    await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm24k, 48, 50, 2);
    s.sendJson({ type: 'input_audio_buffer.commit' });
    const done = await s.waitForType('conversation.item.input_audio_transcription.completed', 30_000);
    expect(s.ofType('error')).toEqual([]);
    const deltas = s.ofType('conversation.item.input_audio_transcription.delta').map((m) => m.delta as string);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(done.transcript);
    s.ws.close();
  }, 60_000);

  test('a stream on the partial model itself runs on it alone (as without STREAM_PARTIAL_MODEL)', async () => {
    const before = await modelRuns(server.url);
    const s = await streamCaptions(`${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions?model=${PARTIAL}`, pcm, 4);
    const after = await modelRuns(server.url);
    expect(s.ofType('final').length).toBe(speech.speech.length);
    expect(after[FINAL].jobs - before[FINAL].jobs).toBe(0);
  }, 60_000);

  test('an unknown STREAM_PARTIAL_MODEL fails at startup, naming the models served', () => {
    const config = parseConfig({ MODELS_DIR, STREAM_PARTIAL_MODEL: 'no-such-model', LOG_LEVEL: 'silent' });
    expect(() => new Services(config, pino({ level: 'silent' }))).toThrow(/STREAM_PARTIAL_MODEL "no-such-model" is not a model served here \(models: .*nemo-ctc-en-conv-small/);
  });
});

describe(`dual-model live captions with an online partial model (${ONLINE})`, () => {
  let server: TestServer;
  let dir: string;
  const speech = loadSpeechFixture();
  const pcm = pcm16Bytes(speech.samples);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dual-model-'));
    symlinkSync(path.join(MODELS_DIR, FINAL), path.join(dir, FINAL));
    symlinkSync(path.join(REPO_ROOT, 'models', 'testdata', 'layouts', ONLINE), path.join(dir, ONLINE));
    server = await startTestServer({ MODELS_DIR: dir, DEFAULT_MODEL: FINAL, STREAM_PARTIAL_MODEL: ONLINE });
  }, 120_000);
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('partials come straight from the online model\'s decoder, each final from one run of the final model', async () => {
    const before = await modelRuns(server.url);
    const s = await streamCaptions(`${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions`, pcm, 2);
    const after = await modelRuns(server.url);
    const finals = s.ofType('final');
    expect(finals.length).toBe(speech.speech.length);
    expect(s.ofType('partial').length).toBeGreaterThan(0);
    expectNeverRetracts(s.messages);
    // The online model decoded the stream chunk by chunk (stream requests, no queued jobs); the final model ran once per final.
    expect(after[ONLINE].stream_requests - before[ONLINE].stream_requests).toBeGreaterThan(5);
    expect(after[ONLINE].jobs - before[ONLINE].jobs).toBe(0);
    expect(after[FINAL].jobs - before[FINAL].jobs).toBe(finals.length);
  }, 90_000);
});
