import { ApiError } from '../errors';
import { ModelRegistry } from '../model/model-registry';
import type { ModelLayout } from '../model/model-layout';
import { DEFAULT_TURN_DETECTION, sessionObject, type RealtimeSessionState } from './realtime-protocol';
import { applySessionUpdate } from './realtime-session-update';

const layout: ModelLayout = { kind: 'nemo-ctc', dir: '/m/a', modelPath: '/m/a/model.onnx', tokensPath: '/m/a/tokens.txt' };
const registry = new ModelRegistry([{ id: 'local-ctc', layout, createdSec: 0 }]);
const initial: RealtimeSessionState = {
  id: 'sess_1',
  flavor: 'ga',
  format: { type: 'audio/pcm', rate: 24000 },
  model: 'local-ctc',
  language: null,
  prompt: '',
  keywords: [],
  turnDetection: { ...DEFAULT_TURN_DETECTION },
  logprobs: false,
};

describe('applySessionUpdate', () => {
  test('keeps the prompt and keywords (hotwords); null clears them', () => {
    const next = applySessionUpdate(initial, { audio: { input: { transcription: { prompt: 'Acme Corp', keywords: ['Kubernetes', 'gRPC'] } } } }, registry);
    expect(next).toMatchObject({ prompt: 'Acme Corp', keywords: ['Kubernetes', 'gRPC'] });
    expect(applySessionUpdate(next, { audio: { input: { transcription: { keywords: null } } } }, registry).keywords).toEqual([]);
    expect(() => applySessionUpdate(initial, { audio: { input: { transcription: { keywords: 'x' } } } }, registry)).toThrow();
  });

  test('GA transcription session: format, transcription and VAD settings', () => {
    const s = applySessionUpdate(initial, {
      type: 'transcription',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 16000 },
          transcription: { model: 'gpt-4o-transcribe', language: 'en', prompt: 'names' },
          turn_detection: { type: 'server_vad', threshold: 0.6, prefix_padding_ms: 600, silence_duration_ms: 350 },
          noise_reduction: { type: 'near_field' },
        },
      },
      include: ['item.input_audio_transcription.logprobs'],
    }, registry);
    expect(s).toMatchObject({ format: { type: 'audio/pcm', rate: 16000 }, model: 'gpt-4o-transcribe', language: 'en', prompt: 'names' });
    expect(s.turnDetection).toEqual({ type: 'server_vad', threshold: 0.6, prefix_padding_ms: 600, silence_duration_ms: 350 });
    expect(s.logprobs).toBe(true);
    expect(sessionObject(s)).toMatchObject({ include: ['item.input_audio_transcription.logprobs'] });
    // include: absent keeps the setting, [] or null clears it.
    expect(applySessionUpdate(s, { audio: { input: { turn_detection: null } } }, registry).logprobs).toBe(true);
    expect(applySessionUpdate(s, { include: [] }, registry).logprobs).toBe(false);
    expect(applySessionUpdate(s, { include: null }, registry).logprobs).toBe(false);
  });

  test('absent fields stay; explicit null turn detection switches to manual', () => {
    const s = applySessionUpdate(initial, { audio: { input: { turn_detection: null } } }, registry);
    expect(s.turnDetection).toBeNull();
    expect(s.format).toEqual(initial.format);
    expect(applySessionUpdate(s, { audio: { input: { transcription: { language: 'en' } } } }, registry).turnDetection).toBeNull();
  });

  test.each([
    ['g711_ulaw', { type: 'audio/pcmu', rate: 8000 }],
    ['g711_alaw', { type: 'audio/pcma', rate: 8000 }],
    ['pcm16', { type: 'audio/pcm', rate: 24000 }],
  ])('legacy input_audio_format %s', (format, expected) => {
    const s = applySessionUpdate(initial, { input_audio_format: format, turn_detection: null, input_audio_transcription: { model: 'whisper-1' } }, registry);
    expect(s.format).toEqual(expected);
    expect(s.turnDetection).toBeNull();
  });

  test('semantic_vad is served by the server VAD with defaults', () => {
    const s = applySessionUpdate(initial, { audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } } }, registry);
    expect(s.turnDetection).toEqual(DEFAULT_TURN_DETECTION);
  });

  test.each([
    [{ audio: { input: { format: { type: 'audio/opus' } } } }, 400, 'invalid_value'],
    [{ audio: { input: { format: { type: 'audio/pcm', rate: 96000 } } } }, 400, 'invalid_value'],
    [{ audio: { input: { transcription: { model: 'nope' } } } }, 404, 'model_not_found'],
    [{ audio: { input: { transcription: { language: 'de' } } } }, 400, 'unsupported_language'],
    [{ audio: { input: { turn_detection: { threshold: 2 } } } }, 400, 'invalid_value'],
  ])('rejects %j', (session, status, code) => {
    try {
      applySessionUpdate(initial, session, registry);
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(status);
      expect((err as ApiError).code).toBe(code);
    }
  });

  test('session objects in both flavours', () => {
    expect(sessionObject(initial)).toMatchObject({ type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 24000 } } } });
    expect(sessionObject({ ...initial, flavor: 'beta', format: { type: 'audio/pcmu', rate: 8000 } })).toMatchObject({ input_audio_format: 'g711_ulaw' });
  });
});
