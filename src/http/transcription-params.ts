import { z } from 'zod';
import { ApiError } from '../errors';
import { RESPONSE_FORMATS, type ResponseFormat, type TimestampGranularity } from './response-formats';

/**
 * The multipart fields of /v1/audio/transcriptions and /translations, as OpenAI defines them. Fields arrive
 * as strings (arrays for `name[]` repeats); unknown fields are ignored. Each bad value is a 400 naming its
 * parameter. `language` is checked against the model when the file is opened (Engine.openFile).
 */
const toArray = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const booleanString = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

const fields = {
  model: z.string().max(256).optional(),
  language: z
    .string()
    .max(32)
    .optional()
    .transform((v) => v?.trim() || undefined),
  prompt: z.string().max(100_000).optional(),
  response_format: z.enum(RESPONSE_FORMATS).default('json'),
  temperature: z.coerce.number().min(0).max(1).default(0),
  timestamp_granularities: z.preprocess(toArray, z.array(z.enum(['word', 'segment']))).default([]),
  stream: booleanString.default(false),
  include: z.preprocess(toArray, z.array(z.enum(['logprobs']))).default([]),
  chunking_strategy: z.union([z.literal('auto'), z.record(z.string(), z.unknown()), z.string()]).optional(),
};

const schema = z.object(fields);

export interface TranscriptionParams {
  model: string | undefined;
  language: string | undefined;
  prompt: string | undefined;
  responseFormat: ResponseFormat;
  temperature: number;
  timestampGranularities: TimestampGranularity[];
  stream: boolean;
  /** `include[]` contained `logprobs`. */
  logprobs: boolean;
}

export function parseTranscriptionParams(body: unknown): TranscriptionParams {
  const raw = { ...(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}) };
  // Accept both `timestamp_granularities[]` (multer's append-field folds it to the plain name) and the plain form.
  for (const key of ['timestamp_granularities', 'include']) {
    if (raw[`${key}[]`] !== undefined && raw[key] === undefined) raw[key] = raw[`${key}[]`];
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = String(issue.path[0] ?? '');
    throw new ApiError(400, `Invalid value for '${param}': ${issue.message}.`, { param, code: 'invalid_value' });
  }
  const p = parsed.data;
  if (p.stream && p.response_format !== 'json' && p.response_format !== 'text') {
    throw new ApiError(400, `Streaming is supported with response_format 'json' or 'text', not '${p.response_format}'.`, {
      param: 'stream',
      code: 'unsupported_value',
    });
  }
  return {
    model: p.model,
    language: p.language,
    prompt: p.prompt,
    responseFormat: p.response_format,
    temperature: p.temperature,
    timestampGranularities: p.timestamp_granularities,
    stream: p.stream,
    logprobs: p.include.includes('logprobs'),
  };
}
