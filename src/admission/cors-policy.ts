/** Methods the API answers cross-origin. */
const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** Request headers always allowed; a preflight's other requested headers (the SDKs' `x-stainless-*`, …) are allowed too. */
const ALLOWED_HEADERS = ['authorization', 'x-api-key', 'content-type'];
/** Response headers a browser script may read besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'x-request-id, retry-after, server-timing';
/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SEC = 600;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Which browser origins may use the service (CORS_ORIGINS): `*` = any, else an exact list of normalized
 * origins (`scheme://host[:port]`). Browsers enforce CORS on HTTP from these headers; WebSocket upgrades are
 * not covered by CORS, so the server checks their `Origin` itself (see Admission).
 */
export class CorsPolicy {
  private readonly any: boolean;
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.origins = new Set(origins.filter((o) => o !== '*'));
  }

  /** False when no origin is configured: no CORS headers, no browser WebSockets. */
  get enabled(): boolean {
    return this.any || this.origins.size > 0;
  }

  allows(origin: string): boolean {
    return this.any || this.origins.has(origin.toLowerCase());
  }

  /** Headers for any response to a request from `origin` (none when CORS is off or the origin is not allowed). */
  responseHeaders(origin: string | undefined): Record<string, string> {
    if (!this.enabled) return {};
    const headers: Record<string, string> = { Vary: 'Origin' };
    if (origin === undefined || !this.allows(origin)) return headers;
    headers['Access-Control-Allow-Origin'] = this.any ? '*' : origin;
    headers['Access-Control-Expose-Headers'] = EXPOSED_HEADERS;
    return headers;
  }

  /** Headers answering a preflight (`OPTIONS` with `Access-Control-Request-Method`) from `origin`. */
  preflightHeaders(origin: string, requestedHeaders: string | undefined): Record<string, string> {
    const headers = this.responseHeaders(origin);
    if (!headers['Access-Control-Allow-Origin']) return headers;
    const requested = (requestedHeaders ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => HEADER_NAME.test(h));
    headers['Access-Control-Allow-Methods'] = ALLOWED_METHODS;
    headers['Access-Control-Allow-Headers'] = [...new Set([...ALLOWED_HEADERS, ...requested])].join(', ');
    headers['Access-Control-Max-Age'] = String(PREFLIGHT_MAX_AGE_SEC);
    headers.Vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
    return headers;
  }
}
