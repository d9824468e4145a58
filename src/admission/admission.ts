import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { ApiError } from '../errors';
import { ApiKeySet } from './api-keys';
import { CorsPolicy } from './cors-policy';
import { headerCredentials, selectSubprotocol, upgradeCredentials } from './credentials';
import { StreamSlots, type CapacityCheck } from './stream-slots';

/**
 * Paths open without a key: probes must work for load balancers and orchestrators that hold none; the
 * live-captions page (`/`, its files under `/static/`) must load before a key is entered (its API calls carry it).
 */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/', '/index.html']);
const OPEN_PREFIXES: readonly string[] = ['/static/'];

const missingKey = () =>
  new ApiError(401, 'You did not provide an API key. Send it as `Authorization: Bearer <key>` or `x-api-key: <key>`.', { code: 'invalid_api_key' });
const wrongKey = () => new ApiError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });

/**
 * The one place where a request is let in or refused before any work is done for it: HTTP requests (through
 * http/admission-middleware.ts) and WebSocket upgrades (ws/ws-router.ts) ask the same object. It checks
 * API keys (API_KEYS / API_KEYS_FILE), browser origins (CORS_ORIGINS), and for live streams readiness, the
 * stream slots (MAX_STREAMS, MAX_STREAMS_PER_IP) and measured capacity (CAPACITY_ADMISSION). HTTP transcriptions take their request slot after the upload
 * (http/request-context.ts) and meet readiness in the engine.
 */
export class Admission {
  readonly cors: CorsPolicy;
  readonly streams: StreamSlots;
  private readonly keys: ApiKeySet;

  constructor(options: { apiKeys: readonly string[]; corsOrigins: readonly string[]; maxStreams?: number; maxStreamsPerIp?: number; capacity?: CapacityCheck }) {
    this.keys = new ApiKeySet(options.apiKeys);
    this.cors = new CorsPolicy(options.corsOrigins);
    this.streams = new StreamSlots(options.maxStreams ?? Number.MAX_SAFE_INTEGER, options.maxStreamsPerIp ?? Number.MAX_SAFE_INTEGER, options.capacity);
  }

  /**
   * Builds it from the config and says at startup whether the service is open to anyone (a warning);
   * `capacity` (capacity-monitor.ts) also refuses new streams while measured capacity is used up.
   */
  static fromConfig(config: Pick<Config, 'apiKeys' | 'corsOrigins'> & Partial<Pick<Config, 'maxStreams' | 'maxStreamsPerIp'>>, logger: Logger, capacity?: CapacityCheck): Admission {
    const admission = new Admission({ ...config, capacity });
    if (admission.keysRequired) logger.info({ apiKeys: admission.keys.size, corsOrigins: config.corsOrigins }, 'API keys required on every route but /health, /ready and the page');
    else logger.warn({ corsOrigins: config.corsOrigins }, 'no API keys configured (API_KEYS, API_KEYS_FILE): every route is open to anyone who can reach the server');
    return admission;
  }

  get keysRequired(): boolean {
    return this.keys.size > 0;
  }

  /** The refusal for an HTTP request to `path`, or null when it may proceed. */
  checkHttp(path: string, headers: IncomingHttpHeaders): ApiError | null {
    if (!this.keysRequired || isOpenPath(path)) return null;
    return this.checkKeys(headerCredentials(headers));
  }

  /**
   * The refusal for a WebSocket upgrade, or null when it may proceed: a browser's `Origin` must be allowed
   * (403; clients that send no Origin are not browsers and pass), then a key must match (401).
   */
  checkUpgrade(req: IncomingMessage): ApiError | null {
    const origin = req.headers.origin;
    // The service's own page (same origin as the Host it connects to) needs no CORS_ORIGINS entry.
    if (origin !== undefined && !sameOrigin(origin, req.headers.host) && !this.cors.allows(origin)) {
      return new ApiError(403, `Origin ${JSON.stringify(origin.slice(0, 200))} is not allowed to open WebSockets here (see CORS_ORIGINS).`, { code: 'origin_not_allowed' });
    }
    if (!this.keysRequired) return null;
    return this.checkKeys(upgradeCredentials(req));
  }

  /** The subprotocol a WebSocket upgrade is answered with (never a key): see credentials.ts. */
  readonly selectSubprotocol = selectSubprotocol;

  private checkKeys(candidates: readonly string[]): ApiError | null {
    if (candidates.length === 0) return missingKey();
    // Every candidate is checked, so the time taken does not tell which of them matched.
    let matched = false;
    for (const c of candidates) matched = this.keys.matches(c) || matched;
    return matched ? null : wrongKey();
  }
}

function isOpenPath(path: string): boolean {
  const normalized = normalizePath(path);
  // Under a prefix, no dot segments or escapes: `/static/../v1/models` is not an open path.
  return OPEN_PATHS.has(normalized) || (OPEN_PREFIXES.some((prefix) => normalized.startsWith(prefix)) && !/\.\.|%/.test(normalized));
}

/** A browser's `Origin` names the host the upgrade is addressed to (the page this service serves). */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** `/Health/` → `/health`: express routes ignore case and a trailing slash by default. */
function normalizePath(path: string): string {
  return (path.length > 1 ? path.replace(/\/+$/, '') : path).toLowerCase();
}
