import { ApiError } from '../errors';
import type { Engine } from '../session/engine';
import { LiveSession, type LiveSessionSettings } from '../session/live-session';
import { captionsClientMessageSchema, type CaptionsConfig } from './captions-protocol';

/** A captions stream's settings: from the query string, then from a `config` message before the first audio. */
export interface CaptionsSettings {
  model: string;
  /** The language the client asked for (ISO-639-1); absent: the model's own (English, or detected per utterance). */
  language?: string;
  sample_rate: number;
  encoding: NonNullable<CaptionsConfig['encoding']>;
  turn_detection: NonNullable<CaptionsConfig['turn_detection']>;
  vad: CaptionsConfig['vad'];
}

/** The settings a connection's query string asks for; throws a 400 for bad ones. */
export function captionsSettingsFromQuery(url: URL, engine: Engine): CaptionsSettings {
  const rate = url.searchParams.get('sample_rate');
  let parsed: CaptionsConfig;
  try {
    parsed = captionsClientMessageSchema.parse({
      type: 'config',
      model: url.searchParams.get('model') ?? undefined,
      language: url.searchParams.get('language') ?? undefined,
      sample_rate: rate === null ? undefined : Number(rate),
      encoding: url.searchParams.get('encoding') ?? undefined,
      turn_detection: url.searchParams.get('turn_detection') ?? undefined,
    }) as CaptionsConfig;
  } catch (err) {
    throw new ApiError(400, `Invalid query parameters: ${(err as Error).message}`, { code: 'invalid_request' });
  }
  const defaults: CaptionsSettings = { model: engine.resolveModel(undefined), sample_rate: 16000, encoding: 'pcm16', turn_detection: 'server_vad', vad: undefined };
  return applyCaptionsConfig(defaults, parsed, engine);
}

/** `current` with a `config` message applied; throws a 400 (or 404 for an unknown model) naming what is wrong. */
export function applyCaptionsConfig(current: CaptionsSettings, message: CaptionsConfig, engine: Engine): CaptionsSettings {
  const next: CaptionsSettings = {
    model: message.model ? engine.resolveModel(message.model) : current.model,
    language: message.language ?? current.language,
    sample_rate: message.sample_rate ?? current.sample_rate,
    encoding: message.encoding ?? current.encoding,
    turn_detection: message.turn_detection ?? current.turn_detection,
    vad: message.vad ?? current.vad,
  };
  next.language = engine.assertLanguage(next.model, next.language);
  LiveSession.streamingConfig(engine.config, liveSettingsOf(next));
  return next;
}

/** The language a `configured` event reports: the one asked for, else the model's only one, else `auto` (detected). */
export function reportedLanguage(s: CaptionsSettings, engine: Engine): string {
  const own = engine.languagesOf(s.model);
  return s.language ?? (own.length === 1 ? own[0] : 'auto');
}

/** The live session a captions stream runs with these settings (without its guard). */
export function liveSettingsOf(s: CaptionsSettings): Omit<LiveSessionSettings, 'guard'> {
  return {
    modelId: s.model,
    input: { encoding: s.encoding, sampleRateHz: s.sample_rate },
    turnDetection: s.turn_detection,
    vad: { threshold: s.vad?.threshold, silenceDurationMs: s.vad?.min_silence_ms, prefixPaddingMs: s.vad?.prefix_padding_ms, minSpeechMs: s.vad?.min_speech_ms },
    bias: { language: s.language },
    mode: 'stream',
  };
}
