import { parseConfig } from '../config';
import { streamingConfigFor } from './streaming-session-config';

describe('streamingConfigFor', () => {
  test('every session gets the configured left context of its windows (STREAM_LEFT_CONTEXT_MS)', () => {
    expect(streamingConfigFor(parseConfig({}), 'server_vad').leftContextMs).toBe(1000);
    expect(streamingConfigFor(parseConfig({ STREAM_LEFT_CONTEXT_MS: '250' }), 'server_vad').leftContextMs).toBe(250);
    expect(streamingConfigFor(parseConfig({ STREAM_LEFT_CONTEXT_MS: '0' }), 'manual').leftContextMs).toBe(0);
  });

  test('the update interval and the client\'s turn detection settings carry over', () => {
    const c = streamingConfigFor(parseConfig({ STREAM_UPDATE_INTERVAL_MS: '300' }), 'server_vad', { silenceDurationMs: 700 });
    expect(c.updateIntervalMs).toBe(300);
    expect(c.vad.minSilenceMs).toBe(700);
    expect(c.turnDetection).toBe('server_vad');
  });
});
