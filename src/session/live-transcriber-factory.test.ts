import { DEFAULT_STREAMING_CONFIG } from '../streaming/streaming-config';
import type { LiveSessionDeps, LiveSessionSettings } from './live-session';
import { partialModelFor } from './live-transcriber-factory';

describe('partialModelFor: which live sessions run on two models', () => {
  const deps = (partialModelId: string | null) =>
    ({ partialModelId, languagesOf: (id: string) => (id === 'fast-en' ? ['en'] : ['en', 'de']) }) as unknown as LiveSessionDeps;
  const settings = (over: Partial<LiveSessionSettings> = {}): LiveSessionSettings => ({
    modelId: 'accurate',
    input: { encoding: 'pcm16', sampleRateHz: 16000 },
    turnDetection: 'server_vad',
    mode: 'stream',
    ...over,
  });
  const withPartials = DEFAULT_STREAMING_CONFIG;
  const noPartials = { ...DEFAULT_STREAMING_CONFIG, partialUpdates: false };

  test.each([
    ['a live stream on another model', deps('fast-en'), settings(), withPartials, 'fast-en'],
    ['a live stream in a language the partial model hears', deps('fast-en'), settings({ bias: { language: 'en-US' } }), withPartials, 'fast-en'],
    ['off (STREAM_PARTIAL_MODEL unset)', deps(null), settings(), withPartials, null],
    ['a stream on the partial model itself', deps('fast-en'), settings({ modelId: 'fast-en' }), withPartials, null],
    ['a file (no partials beyond its finals)', deps('fast-en'), settings({ mode: 'file' }), noPartials, null],
    ['a session without partials', deps('fast-en'), settings(), noPartials, null],
    ['a stream in a language the partial model does not hear', deps('fast-en'), settings({ bias: { language: 'de' } }), withPartials, null],
  ])('%s', (_name, d, s, config, expected) => {
    expect(partialModelFor(d, s, config)).toBe(expected);
  });
});
