import { z } from 'zod';
import { ApiError } from '../errors';
import type { ModelRegistry } from '../model/model-registry';
import { checkLanguage } from '../model/supported-languages';
import { DEFAULT_TURN_DETECTION, LOGPROBS_INCLUDE, type RealtimeSessionState, type RealtimeTurnDetection } from './realtime-protocol';

const formatSchema = z.union([
  z.object({ type: z.literal('audio/pcm'), rate: z.number().int().min(8000).max(48000).optional() }).loose(),
  z.object({ type: z.enum(['audio/pcmu', 'audio/pcma']) }).loose(),
  z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']),
]);

const transcriptionSchema = z
  .object({
    model: z.string().max(256).nullish(),
    language: z.string().max(32).nullish(),
    prompt: z.string().max(100_000).nullish(),
    /** Words to recognize (LiveKit sends them for gpt-*-transcribe models): hotwords, like the prompt's. */
    keywords: z.array(z.string().max(256)).max(1000).nullish(),
  })
  .loose();

const turnDetectionSchema = z
  .object({
    type: z.enum(['server_vad', 'semantic_vad']).optional(),
    threshold: z.number().gt(0).lt(1).optional(),
    prefix_padding_ms: z.number().int().min(0).max(5000).optional(),
    silence_duration_ms: z.number().int().min(32).max(10_000).optional(),
  })
  .loose()
  .nullable();

const sessionSchema = z
  .object({
    audio: z.object({ input: z.object({ format: formatSchema.optional(), transcription: transcriptionSchema.nullish(), turn_detection: turnDetectionSchema.optional() }).loose().optional() }).loose().optional(),
    input_audio_format: formatSchema.optional(),
    input_audio_transcription: transcriptionSchema.nullish(),
    turn_detection: turnDetectionSchema.optional(),
    include: z.array(z.string().max(256)).max(32).nullish(),
  })
  .loose();

function invalid(message: string, param: string, code = 'invalid_value'): ApiError {
  return new ApiError(400, message, { param, code });
}

function toTurnDetection(v: z.infer<typeof turnDetectionSchema>): RealtimeTurnDetection | null {
  if (v === null) return null;
  // semantic_vad is served by the same Silero VAD with its defaults.
  return {
    type: 'server_vad',
    threshold: v.threshold ?? DEFAULT_TURN_DETECTION.threshold,
    prefix_padding_ms: v.prefix_padding_ms ?? DEFAULT_TURN_DETECTION.prefix_padding_ms,
    silence_duration_ms: v.silence_duration_ms ?? DEFAULT_TURN_DETECTION.silence_duration_ms,
  };
}

function toFormat(v: z.infer<typeof formatSchema>, current: RealtimeSessionState['format']): RealtimeSessionState['format'] {
  if (typeof v === 'string') {
    if (v === 'g711_ulaw') return { type: 'audio/pcmu', rate: 8000 };
    if (v === 'g711_alaw') return { type: 'audio/pcma', rate: 8000 };
    return { type: 'audio/pcm', rate: 24000 };
  }
  if (v.type === 'audio/pcm') return { type: 'audio/pcm', rate: (v as { rate?: number }).rate ?? (current.type === 'audio/pcm' ? current.rate : 24000) };
  return { type: v.type, rate: 8000 };
}

/**
 * Applies a `session.update` / `transcription_session.update` payload to the session: fields that are
 * absent stay as they are, `turn_detection: null` switches to manual commits. Throws a 400/404 ApiError
 * naming the offending field; the session is unchanged then.
 */
export function applySessionUpdate(state: RealtimeSessionState, session: unknown, registry: ModelRegistry): RealtimeSessionState {
  const parsed = sessionSchema.safeParse(session ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`Invalid session: ${issue.path.join('.')}: ${issue.message}.`, `session.${issue.path.join('.')}`);
  }
  const s = parsed.data;
  const input = s.audio?.input;
  const next: RealtimeSessionState = { ...state };
  const format = input?.format ?? s.input_audio_format;
  if (format !== undefined) {
    next.format = toFormat(format, state.format);
  }
  const transcription = input?.transcription ?? s.input_audio_transcription;
  if (transcription) {
    if (transcription.model) {
      try {
        registry.resolve(transcription.model);
      } catch (err) {
        throw err instanceof ApiError ? new ApiError(err.status, err.message, { param: 'session.audio.input.transcription.model', code: err.code }) : err;
      }
      next.model = transcription.model; // reported as the client named it (e.g. gpt-4o-transcribe)
    }
    if (transcription.language !== undefined) {
      const check = checkLanguage(registry.resolve(next.model).layout, transcription.language, next.model);
      if (!check.ok) throw invalid(check.message, 'session.audio.input.transcription.language', 'unsupported_language');
      next.language = transcription.language ?? null;
    }
    if (transcription.prompt !== undefined) next.prompt = transcription.prompt ?? '';
    if (transcription.keywords !== undefined) next.keywords = transcription.keywords ?? [];
  }
  const turn = input && 'turn_detection' in input ? input.turn_detection : 'turn_detection' in s ? s.turn_detection : undefined;
  if (turn !== undefined) next.turnDetection = toTurnDetection(turn);
  if (s.include !== undefined) next.logprobs = (s.include ?? []).includes(LOGPROBS_INCLUDE);
  return next;
}

/**
 * A new connection's session: GA events, 24 kHz PCM, server VAD with OpenAI's defaults, the model the query
 * names when it is one of ours (OpenAI model names in the query are common and mean "the default"), else
 * the default model.
 */
export function initialSessionState(id: string, queryModel: string | null, registry: ModelRegistry): RealtimeSessionState {
  let model = registry.defaultId;
  if (queryModel) {
    try {
      registry.resolve(queryModel);
      model = queryModel;
    } catch {
      // not one of ours: the default model
    }
  }
  return {
    id,
    flavor: 'ga',
    format: { type: 'audio/pcm', rate: 24000 },
    model,
    language: null,
    prompt: '',
    keywords: [],
    turnDetection: { ...DEFAULT_TURN_DETECTION },
    logprobs: false,
  };
}
