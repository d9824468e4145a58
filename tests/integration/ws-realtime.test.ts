import { readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { resample } from '../../src/audio/resample';
import { wavBytes, characterErrorRate } from './helpers/audio';
import { missedWords } from './helpers/missed-words';
import { startTestServer, type TestServer } from './helpers/test-server';
import { selfSignedCert } from './helpers/tls';
import { pcm16Bytes, RecordingSocket, sleep, streamChunks } from './helpers/ws-client';

type Json = Record<string, unknown>;
interface Replay {
  url: string;
  events: { send: Json; note?: string }[];
}
const replay = (name: string) => JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'realtime', `${name}-client-events.json`), 'utf8')) as Replay;

/**
 * OpenAI Realtime transcription: the official SDK's realtime client, and exact replays of what Pipecat and
 * LiveKit send, against the real server (TLS, because the SDK always connects with wss://).
 */
describe('OpenAI Realtime transcription', () => {
  let server: TestServer;
  let tls: ReturnType<typeof selfSignedCert>;
  let wssBase: string;
  const speech = loadSpeechFixture();
  const pcm24k = pcm16Bytes(resample(speech.samples, 16000, 24000));
  let fileText = '';

  beforeAll(async () => {
    tls = selfSignedCert();
    server = await startTestServer({ TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile });
    wssBase = server.url.replace(/^https/, 'wss');
    // The HTTP API over the same TLS server gives the reference transcription.
    const form = new FormData();
    form.append('file', new Blob([wavBytes(speech.samples, 16000)], { type: 'audio/wav' }), 'a.wav');
    const res = await postWithCa(`${server.url}/v1/audio/transcriptions`, form);
    fileText = res.text;
  });
  afterAll(() => server.close());

  /** A multipart POST that trusts our self-signed certificate. */
  async function postWithCa(url: string, form: FormData): Promise<{ text: string }> {
    const { request } = await import('node:https');
    const body = new Response(form);
    const bytes = Buffer.from(await body.arrayBuffer());
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', ca: tls.cert, headers: { 'content-type': body.headers.get('content-type')!, 'content-length': bytes.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      });
      req.on('error', reject);
      req.end(bytes);
    });
  }

  const socket = (pathAndQuery: string) => new RecordingSocket(`${wssBase}${pathAndQuery}`, { ca: tls.cert });

  /**
   * Per item: committed before completed, done after completed; the deltas are the live, append-only interim
   * text, and `completed` carries the utterance decoded whole (authoritative: it may revise a word of them).
   */
  function expectWellFormedTurns(s: RecordingSocket): string[] {
    const completed = s.ofType('conversation.item.input_audio_transcription.completed');
    for (const c of completed) {
      const itemId = c.item_id as string;
      const ofItem = s.messages.filter((m) => m.item_id === itemId || (m.item as Json | undefined)?.id === itemId);
      const order = ofItem.map((m) => m.type);
      expect(order.indexOf('input_audio_buffer.committed')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('input_audio_buffer.committed')).toBeLessThan(order.indexOf('conversation.item.input_audio_transcription.completed'));
      const deltas = ofItem.filter((m) => m.type === 'conversation.item.input_audio_transcription.delta').map((m) => m.delta as string).join('');
      expect(characterErrorRate((c.transcript as string).trim(), deltas.trim())).toBeLessThanOrEqual(0.3);
      expect(c.usage).toMatchObject({ type: 'duration' });
      expect(typeof (c.usage as Json).seconds).toBe('number');
      for (const m of s.messages) expect(typeof m.event_id).toBe('string');
    }
    return completed.map((c) => c.transcript as string);
  }

  test('the official openai SDK realtime client (server VAD, 24 kHz PCM)', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' });
    const rt = new OpenAIRealtimeWS({ model: 'gpt-4o-transcribe', options: { ca: tls.cert } }, client);
    const events: Json[] = [];
    const created = new Promise<void>((resolve) => rt.on('session.created', () => resolve()));
    rt.on('event', (e) => events.push(e as unknown as Json));
    const errors: unknown[] = [];
    rt.on('error', (e) => errors.push(e));
    await created;
    rt.send({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24000 },
            transcription: { model: 'gpt-4o-transcribe', language: 'en' },
            turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 },
            noise_reduction: { type: 'near_field' },
          },
        },
        include: ['item.input_audio_transcription.logprobs'],
      },
    });
    await streamChunks((c) => rt.send({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm24k, 48, 50, 4);
    // Trailing silence so server VAD ends the last turn.
    rt.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(48 * 1000).toString('base64') });
    const deadline = Date.now() + 30_000;
    while (events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed').length < speech.speech.length && Date.now() < deadline) await sleep(50);
    rt.close();
    expect(errors).toEqual([]);
    expect(events[0].type).toBe('session.created');
    expect(events.find((e) => e.type === 'session.updated')).toMatchObject({ session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 24000 } } } } });
    const transcripts = events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed').map((e) => e.transcript as string);
    expect(transcripts.length).toBe(speech.speech.length);
    expect(characterErrorRate(fileText, transcripts.join(' '))).toBeLessThanOrEqual(0.4);
    // Deltas arrived while the user was still speaking: before that turn's speech_stopped.
    const firstDelta = events.findIndex((e) => e.type === 'conversation.item.input_audio_transcription.delta');
    const firstStop = events.findIndex((e) => e.type === 'input_audio_buffer.speech_stopped');
    expect(firstDelta).toBeGreaterThanOrEqual(0);
    expect(firstDelta).toBeLessThan(firstStop);
    // include[] asked for logprobs: each delta's tokens spell the delta, each completion's its transcript.
    expect(events.find((e) => e.type === 'session.updated')).toMatchObject({ session: { include: ['item.input_audio_transcription.logprobs'] } });
    const spell = (e: Json) => ((e.logprobs as { token: string }[] | undefined) ?? []).map((p) => p.token).join('').replace(/\s+/g, ' ').trim();
    for (const e of events.filter((x) => x.type === 'conversation.item.input_audio_transcription.delta')) expect(spell(e)).toBe((e.delta as string).trim());
    for (const e of events.filter((x) => x.type === 'conversation.item.input_audio_transcription.completed')) expect(spell(e)).toBe(e.transcript);
  }, 60_000);

  test('Pipecat replay: waits for session.created, turn_detection null, commits on its own VAD', async () => {
    const r = replay('pipecat');
    const s = socket(r.url);
    await s.opened;
    await s.waitForType('session.created');
    // Pipecat does not hold audio back: a few frames may arrive before its session.update.
    await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), Buffer.alloc(48 * 100), 48, 20, Infinity);
    const update = r.events.find((e) => (e.send as Json).type === 'session.update')!.send;
    s.sendJson(update);
    const updated = await s.waitForType('session.updated');
    expect(updated).toMatchObject({ session: { audio: { input: { turn_detection: null } } } });
    // 20 ms appends; a commit at the end of each utterance, as Pipecat's local VAD would.
    const bytesPerSample = 2;
    let sent = 0;
    for (const utterance of speech.speech) {
      const endByte = Math.round((utterance.endSample / 16000) * 24000 + 0.25 * 24000) * bytesPerSample;
      await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm24k.subarray(sent, Math.min(endByte, pcm24k.length)), 48, 20, Infinity);
      sent = Math.min(endByte, pcm24k.length);
      s.sendJson({ type: 'input_audio_buffer.commit' });
    }
    await s.waitFor(() => s.ofType('conversation.item.input_audio_transcription.completed').length === speech.speech.length, 30_000, 'all completions');
    expect(s.ofType('input_audio_buffer.speech_started')).toEqual([]);
    expect(s.ofType('error')).toEqual([]);
    const transcripts = expectWellFormedTurns(s);
    expect(characterErrorRate(fileText, transcripts.join(' '))).toBeLessThanOrEqual(0.4);
    s.ws.close();
  }, 60_000);

  test('LiveKit replay: session.update at once, server VAD, 50 ms appends', async () => {
    const r = replay('livekit');
    const s = socket(r.url);
    await s.opened;
    s.sendJson(r.events[0].send); // before session.created could have been read
    // LiveKit streams live audio in 50 ms appends; here at 4x real time to keep the test short.
    await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm24k, 48, 50, 4);
    await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), Buffer.alloc(48 * 1000), 48, 50, 4);
    s.sendJson({ type: 'KeepAlive' });
    await s.waitFor(() => s.ofType('conversation.item.input_audio_transcription.completed').length === speech.speech.length, 30_000, 'all completions');
    expect(s.messages[0].type).toBe('session.created');
    expect(s.ofType('error')).toEqual([]);
    const started = s.ofType('input_audio_buffer.speech_started');
    const stopped = s.ofType('input_audio_buffer.speech_stopped');
    expect(started.length).toBe(speech.speech.length);
    started.forEach((m, i) => {
      expect(m.item_id).toBe(stopped[i].item_id);
      // audio_start_ms includes the 600 ms prefix padding LiveKit asks for (clamped at 0).
      expect(m.audio_start_ms as number).toBeLessThanOrEqual(speech.speech[i].startSample / 16 + 100);
      expect(Math.abs((stopped[i].audio_end_ms as number) - speech.speech[i].endSample / 16)).toBeLessThanOrEqual(100);
    });
    const transcripts = expectWellFormedTurns(s);
    expect(characterErrorRate(fileText, transcripts.join(' '))).toBeLessThanOrEqual(0.4);
    // No null where LiveKit's strict parser reads fields.
    for (const m of s.ofType('conversation.item.input_audio_transcription.completed')) expect(Object.values(m)).not.toContain(null);
    // No include[] asked for logprobs: none are sent.
    for (const m of s.messages) expect('logprobs' in m).toBe(false);
    s.ws.close();
  }, 60_000);

  test('legacy transcription_session.update with G.711 µ-law at 8 kHz', async () => {
    const s = socket('/v1/realtime?intent=transcription');
    await s.opened;
    s.sendJson({ type: 'transcription_session.update', session: { input_audio_format: 'g711_ulaw', input_audio_transcription: { model: 'whisper-1' }, turn_detection: null } });
    const updated = await s.waitForType('transcription_session.updated');
    expect(updated).toMatchObject({ session: { input_audio_format: 'g711_ulaw', turn_detection: null } });
    const at8k = resample(speech.samples, 16000, 8000);
    const mulaw = Buffer.from(Array.from(at8k, linearToMulaw));
    await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), mulaw, 8, 20, Infinity);
    s.sendJson({ type: 'input_audio_buffer.commit' });
    const done = await s.waitForType('conversation.item.input_audio_transcription.completed', 30_000);
    expect(s.ofType('conversation.item.created').length).toBe(1);
    expect(characterErrorRate(fileText, done.transcript as string)).toBeLessThanOrEqual(0.5);
    s.ws.close();
  }, 60_000);

  test('the session prompt favours its words (hotwords)', async () => {
    // The first utterance ("hello world, the quick brown fox") and a quarter second after it in one append, then
    // commit: the final decodes it whole (no two partials of cut-off audio can agree on words before it).
    const endByte = Math.round((speech.speech[0].endSample / 16000 + 0.25) * 24000) * 2;
    const transcribe = async (prompt: string | undefined) => {
      const s = socket('/v1/realtime?intent=transcription');
      await s.opened;
      s.sendJson({ type: 'transcription_session.update', session: { input_audio_transcription: { model: 'icefall-transducer-en-conv-small', ...(prompt ? { prompt } : {}) }, turn_detection: null } });
      await s.waitForType('transcription_session.updated');
      s.sendJson({ type: 'input_audio_buffer.append', audio: pcm24k.subarray(0, endByte).toString('base64') });
      s.sendJson({ type: 'input_audio_buffer.commit' });
      const done = await s.waitForType('conversation.item.input_audio_transcription.completed', 30_000);
      expect(s.ofType('error')).toEqual([]);
      s.ws.close();
      return (done.transcript as string).split(' ');
    };
    // Measured by the words of the utterance the embedded transducer misses without help (for stage 6 "hello"
    // heard as "hellow"): a prompt holding the utterance must win some of them back.
    const script = speech.texts[0];
    const missed = missedWords(script, (await transcribe(undefined)).join(' '));
    expect(missed.length).toBeGreaterThan(0); // else the clip no longer tests hotwords: pick a harder one
    expect(missedWords(script, (await transcribe(script)).join(' ')).length).toBeLessThan(missed.length);
  }, 60_000);

  test('a prompt-only session update mid-stream keeps the audio already sent', async () => {
    const s = socket('/v1/realtime?intent=transcription');
    await s.opened;
    s.sendJson({ type: 'transcription_session.update', session: { input_audio_transcription: { model: 'whisper-1', prompt: 'zebra' }, turn_detection: null } });
    await s.waitForType('transcription_session.updated');
    await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm24k, 48, 20, Infinity);
    s.sendJson({ type: 'transcription_session.update', session: { input_audio_transcription: { model: 'whisper-1', prompt: 'Testing.' } } });
    await s.waitFor(() => s.ofType('transcription_session.updated').length === 2, 10_000, 'second update');
    s.sendJson({ type: 'input_audio_buffer.commit' });
    const done = await s.waitForType('conversation.item.input_audio_transcription.completed', 30_000);
    expect(characterErrorRate(fileText, done.transcript as string)).toBeLessThanOrEqual(0.4);
    expect(s.ofType('error')).toEqual([]);
    s.ws.close();
  }, 60_000);

  test('errors are events, never a crash: empty commit, bad JSON, unknown events, bad audio, bad session', async () => {
    const s = socket('/v1/realtime?intent=transcription');
    await s.opened;
    await s.waitForType('session.created');
    s.sendJson({ type: 'input_audio_buffer.commit', event_id: 'evt_1' });
    s.ws.send('{oops');
    s.sendJson({ type: 'response.create' });
    s.sendJson({ type: 'no.such.event' });
    s.sendJson({ type: 'input_audio_buffer.append', audio: 42 });
    s.sendJson({ type: 'input_audio_buffer.append', audio: Buffer.from([1, 2, 3]).toString('base64') });
    s.sendJson({ type: 'session.update', session: { audio: { input: { format: { type: 'audio/opus' } } } } });
    s.sendJson({ type: 'session.update', session: { audio: { input: { transcription: { model: 'nope' } } } } });
    s.sendJson({ type: 'session.update', session: { audio: { input: { transcription: { language: 'ja' } } } } });
    await s.waitFor(() => s.ofType('error').length >= 9, 10_000, 'nine errors');
    const errors = s.ofType('error').map((e) => e.error as Json);
    expect(errors[0]).toMatchObject({ type: 'invalid_request_error', code: 'input_audio_buffer_commit_empty', event_id: 'evt_1' });
    expect(errors.map((e) => e.code)).toEqual([
      'input_audio_buffer_commit_empty',
      'invalid_json',
      'unsupported_event',
      'invalid_event',
      'invalid_value',
      'invalid_value',
      'invalid_value',
      'model_not_found',
      'unsupported_language',
    ]);
    // Still usable: a clear is acknowledged.
    s.sendJson({ type: 'input_audio_buffer.clear' });
    await s.waitForType('input_audio_buffer.cleared');
    expect(s.closeCode).toBeNull();
    s.ws.close();
  }, 30_000);
});

/** G.711 µ-law encoding of a float sample (for the test input). */
function linearToMulaw(sample: number): number {
  const BIAS = 0x84;
  let pcm = Math.max(-32635, Math.min(32635, Math.round(sample * 32768)));
  const sign = pcm < 0 ? 0x80 : 0;
  if (pcm < 0) pcm = -pcm;
  pcm += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (pcm & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (pcm >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}
