import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { resample } from '../../src/audio/resample';
import { normalizeText, characterErrorRate } from './helpers/audio';
import { fileTranscriptionText } from './helpers/file-transcription';
import { startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, sleep, streamChunks } from './helpers/ws-client';

/** The live-captions protocol with a real `ws` client against the real server and models. */
describe('WebSocket live captions', () => {
  let server: TestServer;
  let wsUrl: string;
  const speech = loadSpeechFixture();
  const pcm = pcm16Bytes(speech.samples);
  let fileText = '';

  beforeAll(async () => {
    server = await startTestServer({ MAX_STREAMS: '4', STREAM_IDLE_TIMEOUT_SEC: '2', MAX_WS_MESSAGE_BYTES: '65536' });
    wsUrl = server.url.replace(/^http/, 'ws') + '/v1/audio/transcriptions';
    fileText = await fileTranscriptionText(server.url, speech.samples);
  });
  afterAll(() => server.close());

  async function streamFixture(speed: number, chunkMs = 20): Promise<RecordingSocket> {
    const s = new RecordingSocket(wsUrl);
    await s.opened;
    await s.waitForType('ready');
    await streamChunks((c) => s.ws.send(c), pcm, 32, chunkMs, speed);
    s.sendJson({ type: 'end' });
    await s.waitForType('end', 60_000);
    expect(await s.closed()).toBe(1000);
    // Every chunk was accepted (none refused for lagging), so stream times are the clip's times.
    expect(s.ofType('error')).toEqual([]);
    return s;
  }

  /**
   * Partials only ever extend stable_text and deltas add up to it. The final is the whole utterance decoded at
   * once, so it may revise what the partials said (it is the authoritative text; see the cross-path test).
   */
  function expectAppendOnly(s: RecordingSocket): void {
    const byUtterance = new Map<number, string>();
    for (const m of s.messages) {
      if (m.type !== 'partial' && m.type !== 'final') continue;
      const id = m.utterance_id as number;
      const stableSoFar = byUtterance.get(id) ?? '';
      if (m.type === 'partial') {
        expect((m.stable_text as string).startsWith(stableSoFar)).toBe(true);
        expect(stableSoFar + (m.delta as string)).toBe(m.stable_text);
        expect(m.lag_ms).toBeGreaterThanOrEqual(0);
        byUtterance.set(id, m.stable_text as string);
      }
    }
  }

  test.each([
    ['in real time, 20 ms chunks', 1, 20],
    ['5x faster than real time, 100 ms chunks', 5, 100],
    ['20x faster than real time, 50 ms chunks', 20, 50],
  ])('streaming %s: append-only partials, finals equal to the file transcription', async (_name, speed, chunkMs) => {
    const s = await streamFixture(speed, chunkMs);
    expect(s.messages[0]).toMatchObject({ type: 'ready', sample_rate: 16000, encoding: 'pcm16' });
    expectAppendOnly(s);
    const finals = s.ofType('final');
    // One final per utterance of the clip, each covering that utterance's speech (±0.5 s).
    expect(finals.length).toBe(speech.speech.length);
    finals.forEach((f, i) => {
      expect(f.start as number).toBeLessThanOrEqual(speech.speech[i].startSample / 16000 + 0.5);
      expect(f.end as number).toBeGreaterThanOrEqual(speech.speech[i].endSample / 16000 - 0.5);
    });
    for (const f of finals) {
      expect(f.is_final).toBe(true);
      const words = f.words as { word: string; start: number; end: number }[];
      expect(words.map((w) => w.word).join(' ')).toBe(f.text);
    }
    // The finals do not depend on how fast or in what pieces the audio came: they are the file transcription.
    const streamed = finals.map((f) => f.text).join(' ');
    expect(streamed).toBe(fileText);
  }, 60_000);

  test('speech_started / speech_stopped land within 100 ms of the speech in the clip', async () => {
    const s = await streamFixture(20, 20);
    const started = s.ofType('speech_started').map((m) => m.start as number);
    const stopped = s.ofType('speech_stopped').map((m) => m.end as number);
    expect(started.length).toBe(speech.speech.length);
    expect(stopped.length).toBe(speech.speech.length);
    speech.speech.forEach((truth, i) => {
      expect(Math.abs(started[i] - truth.startSample / 16000)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(stopped[i] - truth.endSample / 16000)).toBeLessThanOrEqual(0.1);
    });
  }, 60_000);

  test.each([
    [8000, 'pcm16'],
    [48000, 'float32'],
  ] as const)('a %i Hz %s stream (config message) is resampled and transcribes the same', async (rate, encoding) => {
    const s = new RecordingSocket(wsUrl);
    await s.opened;
    s.sendJson({ type: 'config', sample_rate: rate, encoding });
    await s.waitForType('configured');
    const samples = resample(speech.samples, 16000, rate);
    const bytes = encoding === 'pcm16' ? pcm16Bytes(samples) : Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
    await streamChunks((c) => s.ws.send(c), bytes, (rate / 1000) * (encoding === 'pcm16' ? 2 : 4), 40, Infinity);
    s.sendJson({ type: 'end' });
    await s.waitForType('end', 60_000);
    const text = s.ofType('final').map((f) => f.text).join(' ');
    expect(characterErrorRate(fileText, text)).toBeLessThanOrEqual(rate === 8000 ? 0.5 : 0.4);
  }, 60_000);

  test('bad JSON, unknown messages and broken frames get error events; the stream carries on', async () => {
    const s = new RecordingSocket(wsUrl);
    await s.opened;
    await s.waitForType('ready');
    s.ws.send('{not json');
    s.sendJson({ type: 'dance' });
    s.ws.send(Buffer.from([1, 2, 3])); // not whole PCM16 samples
    await streamChunks((c) => s.ws.send(c), pcm, 32, 100, Infinity);
    s.sendJson({ type: 'config', sample_rate: 8000 }); // too late
    s.sendJson({ type: 'end' });
    await s.waitForType('end', 60_000);
    const codes = s.ofType('error').map((e) => e.code);
    expect(codes).toEqual(expect.arrayContaining(['invalid_json', 'invalid_message', 'invalid_audio_frame', 'config_after_audio']));
    expect(normalizeText(s.ofType('final').map((f) => f.text).join(' ')).length).toBeGreaterThan(0);
    expect(await s.closed()).toBe(1000);
  }, 60_000);

  test('commit ends the utterance at once', async () => {
    const s = new RecordingSocket(`${wsUrl}?turn_detection=manual`);
    await s.opened;
    await s.waitForType('ready');
    await streamChunks((c) => s.ws.send(c), pcm, 32, 100, Infinity);
    s.sendJson({ type: 'commit' });
    const final = await s.waitForType('final', 30_000);
    expect(final.reason).toBe('commit');
    expect(characterErrorRate(fileText, final.text as string)).toBeLessThanOrEqual(0.4);
    s.sendJson({ type: 'end' });
    await s.closed();
  }, 60_000);

  test('limits: idle timeout closes with 1008, oversized messages with 1009, too many streams with 1013', async () => {
    const idle = new RecordingSocket(wsUrl);
    await idle.opened;
    expect(await idle.closed(10_000)).toBe(1008);
    expect(idle.ofType('error')[0]).toMatchObject({ code: 'idle_timeout' });

    const big = new RecordingSocket(wsUrl);
    await big.opened;
    big.ws.send(Buffer.alloc(70_000));
    expect(await big.closed()).toBe(1009);

    const held = await Promise.all(Array.from({ length: 4 }, async () => {
      const s = new RecordingSocket(wsUrl);
      await s.opened;
      await s.waitForType('ready');
      return s;
    }));
    const extra = new RecordingSocket(wsUrl);
    expect(await extra.closed()).toBe(1013);
    expect(extra.ofType('error')[0]).toMatchObject({ code: 'too_many_streams' });
    held.forEach((s) => s.ws.close());
    await Promise.all(held.map((s) => s.closed()));
    await sleep(50);
    // Capacity is back.
    const again = new RecordingSocket(wsUrl);
    await again.opened;
    await again.waitForType('ready');
    again.ws.close();
  }, 60_000);

  test('an unknown model closes with an error; an unknown path is refused', async () => {
    const s = new RecordingSocket(`${wsUrl}?model=nope`);
    expect(await s.closed()).toBe(1008);
    expect(s.ofType('error')[0]).toMatchObject({ code: 'model_not_found' });
    const wrong = new RecordingSocket(server.url.replace(/^http/, 'ws') + '/v1/nothing');
    await expect(wrong.opened).rejects.toThrow(/404/);
  });

  test('a misbehaving client never hurts a well-behaved one streaming at the same time', async () => {
    const good = new RecordingSocket(wsUrl);
    const bad = new RecordingSocket(wsUrl);
    await Promise.all([good.opened, bad.opened]);
    await Promise.all([good.waitForType('ready'), bad.waitForType('ready')]);
    const goodStream = streamChunks((c) => good.ws.send(c), pcm, 32, 50, 4);
    for (let i = 0; i < 20; i++) {
      bad.ws.send('{"type":');
      bad.ws.send(Buffer.from([0xff]));
      bad.sendJson({ type: 'commit' });
    }
    bad.ws.send(Buffer.alloc(70_000)); // over the message limit: that socket is closed
    await goodStream;
    good.sendJson({ type: 'end' });
    await good.waitForType('end', 60_000);
    expect(await bad.closed()).toBe(1009);
    expect(good.ofType('error')).toEqual([]);
    expect(characterErrorRate(fileText, good.ofType('final').map((f) => f.text).join(' '))).toBeLessThanOrEqual(0.4);
  }, 60_000);

  test('the server is still healthy', async () => {
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });
});
