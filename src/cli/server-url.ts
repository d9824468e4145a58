import { CliError, EXIT } from './exit-codes';

/** The address `stream` uses when `--url` is not given. */
export const DEFAULT_URL = 'http://127.0.0.1:8000';

/**
 * A `--url` as the service's base URL: `http(s)://host:port`, with or without a trailing `/v1` or `/`.
 * Anything else is a usage error (exit 2).
 */
export function parseServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--url ${JSON.stringify(raw)} is not a URL (expected e.g. http://127.0.0.1:8000)`, EXIT.usage);
  }
  if (url.protocol === 'ws:' || url.protocol === 'wss:') url.protocol = url.protocol === 'ws:' ? 'http:' : 'https:';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--url ${JSON.stringify(raw)}: expected an http:// or https:// address`, EXIT.usage);
  }
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

/** `path` (e.g. `/v1/models`) under the base URL. */
export function endpoint(base: URL, path: string): string {
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}${path}`;
}

/** The WebSocket URL of `path` under the base URL (http → ws, https → wss). */
export function wsEndpoint(base: URL, path: string): string {
  return endpoint(base, path).replace(/^http/, 'ws');
}

/** `--api-key`, else STT_API_KEY, else OPENAI_API_KEY (what OpenAI's SDKs read). */
export function resolveApiKey(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return flag || env.STT_API_KEY || env.OPENAI_API_KEY || undefined;
}

/** Network error codes that mean the server could not be reached at all (exit 3). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'EPROTO', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);
/** Codes of a connection that was made and then lost or timed out: the request failed (exit 1). */
const LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The errno-style code of a network error (fetch wraps it in `cause`, sometimes twice). */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
    if (Array.isArray((e as { errors?: unknown[] }).errors)) {
      const first = (e as { errors: { code?: unknown }[] }).errors.find((x) => typeof x?.code === 'string');
      if (first) return first.code as string;
    }
  }
  return undefined;
}

/**
 * A CliError for a request that did not get an answer: exit 3 when the server could not be reached, exit 1
 * when the connection was lost on the way; undefined when `err` is something else.
 */
export function connectionError(err: unknown, base: URL): CliError | undefined {
  const code = networkErrorCode(err);
  if (code && (UNREACHABLE.has(code) || code.startsWith('ERR_TLS'))) return new CliError(`cannot connect to ${base.origin}: ${code}`, EXIT.unavailable);
  if (code && LOST.has(code)) return new CliError(`the connection to ${base.origin} was lost before the answer: ${code}`, EXIT.failed);
  if (err instanceof TypeError && err.message === 'fetch failed') {
    return new CliError(`cannot connect to ${base.origin}: ${(err.cause as Error | undefined)?.message ?? err.message}`, EXIT.unavailable);
  }
  return undefined;
}

/**
 * The message of an error response: OpenAI's `{"error":{"message","code"}}` when the body is that, else the
 * status line and the start of the body.
 */
export function errorResponseMessage(status: number, statusText: string, body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; code?: unknown } };
    if (parsed.error && typeof parsed.error.message === 'string') {
      const code = typeof parsed.error.code === 'string' ? `, ${parsed.error.code}` : '';
      return `${parsed.error.message} (HTTP ${status}${code})`;
    }
  } catch {
    // not JSON
  }
  const text = body.trim().slice(0, 200);
  return `HTTP ${status} ${statusText}${text ? `: ${text}` : ''}`;
}
