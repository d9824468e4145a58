/**
 * The one error type of the service. Every failure that reaches a client is an ApiError, rendered in
 * OpenAI's shape `{"error":{"message","type","param","code"}}` by the HTTP error middleware and as an
 * `error` event by the WebSocket handlers. Anything else is a bug and is reported as a 500 without internals.
 */
export type ApiErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503;

export type ApiErrorType =
  | 'invalid_request_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'service_unavailable_error';

export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: string | null };
}

export interface ApiErrorOptions {
  param?: string | null;
  code?: string | null;
  type?: ApiErrorType;
  /** Seconds a client should wait before retrying; sent as `Retry-After` on 429/503. */
  retryAfterSec?: number;
  cause?: unknown;
}

function defaultType(status: ApiErrorStatus): ApiErrorType {
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'service_unavailable_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export class ApiError extends Error {
  readonly status: ApiErrorStatus;
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly retryAfterSec: number | undefined;

  constructor(status: ApiErrorStatus, message: string, options: ApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.status = status;
    this.type = options.type ?? defaultType(status);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.retryAfterSec = options.retryAfterSec;
  }

  toBody(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Maps anything thrown to an ApiError; unknown errors become an opaque 500 (the cause is kept for logs). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(500, 'The server had an error while processing your request.', {
    code: 'internal_error',
    cause: err,
  });
}
