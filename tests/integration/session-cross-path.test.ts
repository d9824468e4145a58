import OpenAI, { toFile } from 'openai';
import { loadSpeechFixture } from '../fixtures/speech-fixture';
import { wavBytes } from './helpers/audio';
import { startTestServer, type TestServer } from './helpers/test-server';
import { pcm16Bytes, RecordingSocket, streamChunks } from './helpers/ws-client';

/**
 * One engine under four front doors: the same audio gives the same final text through a file upload,
 * `stream=true`, live captions and OpenAI Realtime, for every embedded model. Each path runs the same live
 * session (one streaming config, `STREAM_UPDATE_INTERVAL_MS` included), and each utterance's final is the
 * utterance decoded whole, whatever the partials were or how fast the audio came.
 */
describe('the same audio through every path', () => {
  let server: TestServer;
  let client: OpenAI;
  const speech = loadSpeechFixture();
  const wav = wavBytes(speech.samples, 16000);

  beforeAll(async () => {
    server = await startTestServer({ INFERENCE_WORKERS: '2', STREAM_UPDATE_INTERVAL_MS: '200' });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => server.close());

  async function upload(model: string): Promise<string> {
    return (await client.audio.transcriptions.create({ file: await toFile(wav, 'a.wav'), model })).text;
  }

  async function uploadStreamed(model: string): Promise<string> {
    const stream = await client.audio.transcriptions.create({ file: await toFile(wav, 'a.wav'), model, stream: true });
    let deltas = '';
    let done = '';
    for await (const event of stream) {
      if (event.type === 'transcript.text.delta') deltas += event.delta;
      if (event.type === 'transcript.text.done') done = event.text;
    }
    expect(deltas).toBe(done);
    return done;
  }

  async function captions(model: string): Promise<string> {
    const s = new RecordingSocket(`${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions?model=${model}`);
    await s.opened;
    await s.waitForType('ready');
    await streamChunks((c) => s.ws.send(c), pcm16Bytes(speech.samples), 32, 40, 4);
    s.sendJson({ type: 'end' });
    await s.waitForType('end', 60_000);
    expect(s.ofType('partial').length).toBeGreaterThan(0); // live: partials while it is heard
    return s.ofType('final').map((f) => f.text as string).filter(Boolean).join(' ');
  }

  async function realtime(model: string): Promise<string> {
    const s = new RecordingSocket(`${server.url.replace(/^http/, 'ws')}/v1/realtime?intent=transcription`);
    await s.opened;
    await s.waitForType('session.created');
    // 16 kHz PCM, as the captions stream sends it (Realtime's default is 24 kHz).
    s.sendJson({ type: 'session.update', session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 16000 }, transcription: { model } } } } });
    await s.waitForType('session.updated');
    await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm16Bytes(speech.samples), 32, 40, 4);
    // The end of the audio, as a captions `end` or a file's end: the open turn is committed there.
    s.sendJson({ type: 'input_audio_buffer.commit' });
    const utterances = speech.speech.length;
    await s.waitFor(() => s.ofType('conversation.item.input_audio_transcription.completed').length >= utterances, 60_000, 'completed');
    s.ws.close();
    return s
      .ofType('conversation.item.input_audio_transcription.completed')
      .map((e) => e.transcript as string)
      .filter(Boolean)
      .join(' ');
  }

  test.each(['nemo-ctc-en-conv-small', 'icefall-transducer-en-conv-small'])('%s: upload, stream=true, captions and Realtime give the same text', async (model) => {
    const file = await upload(model);
    expect(file.split(' ').length).toBeGreaterThanOrEqual(4);
    expect(await uploadStreamed(model)).toBe(file);
    expect(await captions(model)).toBe(file);
    expect(await realtime(model)).toBe(file);
  }, 120_000);
});
