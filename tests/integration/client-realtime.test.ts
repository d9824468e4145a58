import WebSocket from 'ws';
import { resample } from '../../src/audio/resample';
import { LOGPROBS_INCLUDE, RealtimeTranscriptionClient, StreamClientError, type RealtimeServerEvent } from '../../src/client/realtime-client';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { characterErrorRate } from './helpers/audio';
import { fileTranscriptionText } from './helpers/file-transcription';
import { startTestServer, type TestServer } from './helpers/test-server';
import { sleep } from './helpers/ws-client';

/** The typed Realtime transcription client (src/client/realtime-client.ts) with `ws` against the real server and models. */
describe('RealtimeTranscriptionClient', () => {
  const KEY = 'realtime-client-key';
  let server: TestServer;
  const speech = loadSpeechFixture();
  let fileText = '';

  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: KEY, MAX_STREAMS: '4' });
    fileText = await fileTranscriptionText(server.url, speech.samples, { apiKey: KEY });
  });
  afterAll(() => server.close());

  async function append(client: RealtimeTranscriptionClient, samples: Float32Array, rateHz: number, speed = 10): Promise<void> {
    const chunk = rateHz / 10;
    for (let at = 0; at < samples.length; at += chunk) {
      client.appendAudio(samples.subarray(at, at + chunk));
      await sleep(100 / speed);
    }
  }

  test.each([
    ['GA session.update, 24 kHz (OpenAI default)', 'ga' as const, 24000],
    ['GA session.update, 16 kHz', 'ga' as const, 16000],
    ['beta transcription_session.update, 24 kHz', 'beta' as const, 24000],
  ])('%s: deltas spell each completed transcript (up to a re-decoded word), which match the file transcription', async (_name, flavor, rateHz) => {
    const client = new RealtimeTranscriptionClient();
    const events: RealtimeServerEvent[] = [];
    client.on('event', (e) => events.push(e));
    const session = await client.connect(server.url, { WebSocket, apiKey: KEY, flavor, sampleRate: flavor === 'ga' ? rateHz : undefined, model: 'gpt-4o-transcribe', logprobs: true });
    if (flavor === 'ga') expect(session).toMatchObject({ type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: rateHz } } }, include: [LOGPROBS_INCLUDE] });
    else expect(session).toMatchObject({ input_audio_format: 'pcm16', include: [LOGPROBS_INCLUDE] });
    expect(client.session).toBe(session);

    const completed: RealtimeServerEvent<'conversation.item.input_audio_transcription.completed'>[] = [];
    client.on('conversation.item.input_audio_transcription.completed', (e) => completed.push(e));
    const samples = rateHz === 16000 ? speech.samples : resample(speech.samples, 16000, rateHz);
    await append(client, samples, rateHz);
    // A second of silence, so that server VAD ends the last turn.
    client.appendAudio(new Float32Array(rateHz));
    for (const deadline = Date.now() + 30_000; completed.length < speech.speech.length && Date.now() < deadline; ) await sleep(50);
    expect(completed.length).toBe(speech.speech.length);

    for (const c of completed) {
      const deltas = events.filter((e): e is RealtimeServerEvent<'conversation.item.input_audio_transcription.delta'> => e.type === 'conversation.item.input_audio_transcription.delta' && e.item_id === c.item_id);
      // Deltas are append-only, so a word they sent is not taken back; the final decode of the whole turn
      // may still spell one differently (seen at 16 kHz, 10x real time: delta "folks", transcript "forks").
      expect(characterErrorRate(c.transcript, deltas.map((d) => d.delta).join(''))).toBeLessThanOrEqual(0.3);
      expect(c.usage.type).toBe('duration');
      expect(c.logprobs?.length).toBeGreaterThan(0);
    }
    const types = events.map((e) => e.type);
    expect(types).toContain('input_audio_buffer.speech_started');
    expect(types).toContain('input_audio_buffer.committed');
    expect(types).toContain(flavor === 'ga' ? 'conversation.item.added' : 'conversation.item.created');
    expect(types).not.toContain('error');
    expect(characterErrorRate(fileText, completed.map((c) => c.transcript).join(' '))).toBeLessThanOrEqual(0.4);
    client.close();
    expect((await client.closed).code).toBe(1000);
  }, 60_000);

  test('manual turns (turnDetection null): commit() ends the turn; clear() drops the buffer', async () => {
    const client = await RealtimeTranscriptionClient.connect(server.url.replace(/^http/, 'ws') + '/v1/realtime', {
      WebSocket,
      apiKey: KEY,
      keyTransport: 'subprotocol',
      sampleRate: 16000,
      turnDetection: null,
    });
    expect((client.session as { audio: { input: { turn_detection: unknown } } }).audio.input.turn_detection).toBeNull();
    const cleared = client.next('input_audio_buffer.cleared', { timeoutMs: 5000 });
    client.clear();
    await cleared;
    client.appendAudio(Int16Array.from(speech.samples.subarray(0, speech.speech[0].endSample + 3200), (v) => Math.round(v * 32767)));
    const completed = client.next('conversation.item.input_audio_transcription.completed', { timeoutMs: 30_000 });
    client.commit();
    expect((await completed).transcript.length).toBeGreaterThan(0);
    client.close();
    await client.closed;
  }, 60_000);

  test("a refused update rejects connect with the server's code and param", async () => {
    const failed = RealtimeTranscriptionClient.connect(server.url, { WebSocket, apiKey: KEY, language: 'fr' });
    await expect(failed).rejects.toBeInstanceOf(StreamClientError);
    await expect(failed).rejects.toMatchObject({ code: 'unsupported_language', param: 'session.audio.input.transcription.language' });
  });

  test('a missing key: connect rejects naming the 401', async () => {
    await expect(RealtimeTranscriptionClient.connect(server.url, { WebSocket })).rejects.toMatchObject({ code: 'connection_failed', message: expect.stringContaining('401') });
  });

  test('µ-law sessions take raw bytes; appending after close throws', async () => {
    const client = await RealtimeTranscriptionClient.connect(server.url, { WebSocket, apiKey: KEY, format: 'audio/pcmu' });
    expect(client.session).toMatchObject({ audio: { input: { format: { type: 'audio/pcmu' } } } });
    expect(() => client.appendAudio(new Float32Array(80))).toThrow(/raw bytes/);
    client.appendAudio(new Uint8Array(800).fill(0xff));
    client.close();
    await client.closed;
    expect(() => client.appendAudio(new Uint8Array(80))).toThrow(StreamClientError);
  });
});
