import { startTestServer, type TestServer } from './helpers/test-server';
import { RecordingSocket } from './helpers/ws-client';

/** Realtime `input_audio_buffer.append` with audio that is not base64 (issue 12, defect 9). */
describe('Realtime append validation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  // 0.3 s of 24 kHz PCM16, enough to commit; Node's lenient decoder turns each broken form back into most of it.
  const valid = Buffer.alloc(24_000 * 2 * 0.3, 1).toString('base64');
  test.each([
    ['a character outside the alphabet', `${valid.slice(0, 100)}!${valid.slice(100)}`],
    ['a space inside', `${valid.slice(0, 100)} ${valid.slice(100)}`],
    ['a length that is not a multiple of 4', valid.slice(0, -2)],
    ['padding before the end', `AAA=${valid}`],
  ])('%s: an invalid_request_error naming audio, nothing appended, the session stays open', async (_name, audio) => {
    const s = new RecordingSocket(`${server.url.replace(/^http/, 'ws')}/v1/realtime?intent=transcription`);
    await s.opened;
    await s.waitForType('session.created');
    s.sendJson({ type: 'session.update', session: { type: 'transcription', audio: { input: { turn_detection: null } } } });
    await s.waitForType('session.updated');
    s.sendJson({ type: 'input_audio_buffer.append', event_id: 'evt_bad', audio });
    const error = await s.waitForType('error', 5000);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value', param: 'audio', event_id: 'evt_bad' });
    expect(s.ofType('error')).toHaveLength(1);
    // Nothing was appended: a commit finds an empty buffer.
    s.sendJson({ type: 'input_audio_buffer.commit', event_id: 'evt_commit' });
    const empty = await s.waitFor((m) => m.type === 'error' && (m.error as { event_id?: string }).event_id === 'evt_commit', 5000);
    expect(empty.error).toMatchObject({ code: 'input_audio_buffer_commit_empty' });
    // Valid audio is still accepted on the same connection.
    s.sendJson({ type: 'input_audio_buffer.append', audio: valid });
    s.sendJson({ type: 'input_audio_buffer.commit' });
    await s.waitForType('input_audio_buffer.committed', 10_000);
    expect(s.closeCode).toBeNull();
    s.ws.close();
    await s.closed();
  }, 30_000);
});
