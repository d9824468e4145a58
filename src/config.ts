import { readFileSync } from 'node:fs';
import type { DecodingConfig } from './model/decoding';
import type { ModelPrecision } from './model/model-layout';
import { configSchema, type RawConfig } from './config-schema';
import { API_KEY } from './config-value-parsers';

/**
 * The service's configuration: `parseConfig` checks environment variables against the one schema
 * (config-schema.ts) once at startup and returns a frozen Config, which is passed in wherever it is needed.
 * Tests build a Config with `parseConfig({...})` instead of touching process.env.
 */

/** Keys of an API_KEYS_FILE: one per line; blank lines and lines starting with `#` are ignored. */
function readApiKeysFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  API_KEYS_FILE=${JSON.stringify(file)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const keys = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const bad = keys.findIndex((k) => !API_KEY.test(k));
  if (bad >= 0) throw new ConfigError(`invalid configuration:\n  API_KEYS_FILE=${JSON.stringify(file)}: key ${bad + 1} is not visible ASCII without spaces`);
  return keys;
}

export interface Config {
  port: number;
  host: string;
  modelsDir: string;
  defaultModel: string;
  modelAliases: Readonly<Record<string, string>>;
  modelPrecision: ModelPrecision;
  /** MODELS_PULL: catalog names pulled at startup. */
  modelsPull: readonly string[];
  /** MODEL_MIRROR_URL; empty = the published URLs. */
  modelMirrorUrl: string;
  /** ALLOW_MODEL_PULL: POST /v1/models/{id} on a server without API keys. */
  allowModelPull: boolean;
  executionProvider: 'cpu' | 'cuda';
  decoding: Readonly<DecodingConfig>;
  inferenceWorkers: number;
  inferenceThreadsPerWorker: number;
  inferenceQueueDepth: number;
  maxBatchSize: number;
  maxBatchWaitMs: number;
  batchPolicy: 'adaptive' | 'always';
  /** Capacity-based admission (src/admission/capacity-monitor.ts); null when CAPACITY_ADMISSION=false. */
  capacityAdmission: Readonly<{ maxUtilization: number; maxQueueWaitMs: number; maxPartialIntervalScale: number }> | null;
  maxUploadBytes: number;
  uploadTimeoutSec: number;
  minUploadBytesPerSec: number;
  uploadRateWindowSec: number;
  maxAudioDurationSec: number;
  maxAudioSecInFlight: number;
  maxConcurrentRequests: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  headersTimeoutSec: number;
  ffmpegTimeoutMs: number;
  ffmpegPath: string;
  chunkMaxSec: number;
  maxStreams: number;
  maxStreamsPerIp: number;
  maxStreamDurationSec: number;
  maxStreamWallSec: number;
  shutdownGraceSec: number;
  streamIdleTimeoutSec: number;
  maxWsMessageBytes: number;
  streamUpdateIntervalMs: number;
  streamLeftContextMs: number;
  /** STREAM_PARTIAL_MODEL as given (an id or alias, resolved at startup); '' = off. */
  streamPartialModel: string;
  tlsCertFile: string;
  tlsKeyFile: string;
  /** Accepted API keys (API_KEYS and API_KEYS_FILE together); empty = no authentication. */
  apiKeys: readonly string[];
  /** Allowed browser origins, normalized (`scheme://host[:port]`); `*` = any; empty = none. */
  corsOrigins: readonly string[];
  logLevel: RawConfig['LOG_LEVEL'];
  /** OpenTelemetry traces; null when off. */
  tracing: Readonly<TracingConfig> | null;
}

/** Where and how traces are exported (OTLP over HTTP). */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL. */
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Readonly<Record<string, string>>;
  serviceName: string;
  /** Longest a finished span waits before export, in ms. */
  scheduleDelayMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses environment-style variables (strings; unknown keys ignored). Throws ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') present[key] = value;
  }
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    // API keys are secrets: their variable is named, never its value.
    const shown = (name: string) => (name === 'API_KEYS' || name === 'OTEL_EXPORTER_OTLP_HEADERS' ? '<redacted>' : JSON.stringify(present[name]));
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}=${shown(String(i.path[0]))}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (Boolean(c.TLS_CERT_FILE) !== Boolean(c.TLS_KEY_FILE)) {
    throw new ConfigError('invalid configuration:\n  TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  const apiKeys = [...new Set([...c.API_KEYS, ...(c.API_KEYS_FILE ? readApiKeysFile(c.API_KEYS_FILE) : [])])];
  return Object.freeze({
    port: c.PORT,
    host: c.HOST,
    modelsDir: c.MODELS_DIR,
    defaultModel: c.DEFAULT_MODEL,
    modelAliases: Object.freeze({ ...c.MODEL_ALIASES }),
    modelPrecision: c.MODEL_PRECISION,
    modelsPull: Object.freeze([...new Set(c.MODELS_PULL)]),
    modelMirrorUrl: c.MODEL_MIRROR_URL,
    allowModelPull: c.ALLOW_MODEL_PULL === 'true',
    executionProvider: c.EXECUTION_PROVIDER,
    decoding: Object.freeze({ method: c.DECODING_METHOD, beamSize: c.DECODING_BEAM_SIZE }),
    inferenceWorkers: c.INFERENCE_WORKERS,
    inferenceThreadsPerWorker: c.INFERENCE_THREADS_PER_WORKER,
    inferenceQueueDepth: c.INFERENCE_QUEUE_DEPTH,
    maxBatchSize: c.MAX_BATCH_SIZE,
    maxBatchWaitMs: c.MAX_BATCH_WAIT_MS,
    batchPolicy: c.BATCH_POLICY,
    capacityAdmission:
      c.CAPACITY_ADMISSION === 'true'
        ? Object.freeze({ maxUtilization: c.ADMISSION_MAX_UTILIZATION, maxQueueWaitMs: c.ADMISSION_MAX_QUEUE_WAIT_MS, maxPartialIntervalScale: c.STREAM_UPDATE_INTERVAL_MAX_SCALE })
        : null,
    maxUploadBytes: c.MAX_UPLOAD_BYTES,
    uploadTimeoutSec: c.UPLOAD_TIMEOUT_SEC,
    minUploadBytesPerSec: c.MIN_UPLOAD_BYTES_PER_SEC,
    uploadRateWindowSec: c.UPLOAD_RATE_WINDOW_SEC,
    maxAudioDurationSec: c.MAX_AUDIO_DURATION_SEC,
    maxAudioSecInFlight: c.MAX_AUDIO_SEC_IN_FLIGHT,
    maxConcurrentRequests: c.MAX_CONCURRENT_REQUESTS,
    maxConnections: c.MAX_CONNECTIONS,
    maxConnectionsPerIp: c.MAX_CONNECTIONS_PER_IP,
    headersTimeoutSec: c.HEADERS_TIMEOUT_SEC,
    ffmpegTimeoutMs: c.FFMPEG_TIMEOUT_MS,
    ffmpegPath: c.FFMPEG_PATH,
    chunkMaxSec: c.CHUNK_MAX_SEC,
    maxStreams: c.MAX_STREAMS,
    maxStreamsPerIp: c.MAX_STREAMS_PER_IP,
    maxStreamDurationSec: c.MAX_STREAM_DURATION_SEC,
    maxStreamWallSec: c.MAX_STREAM_WALL_SEC,
    shutdownGraceSec: c.SHUTDOWN_GRACE_SEC,
    streamIdleTimeoutSec: c.STREAM_IDLE_TIMEOUT_SEC,
    maxWsMessageBytes: c.MAX_WS_MESSAGE_BYTES,
    streamUpdateIntervalMs: c.STREAM_UPDATE_INTERVAL_MS,
    streamLeftContextMs: c.STREAM_LEFT_CONTEXT_MS,
    streamPartialModel: c.STREAM_PARTIAL_MODEL.trim(),
    tlsCertFile: c.TLS_CERT_FILE,
    tlsKeyFile: c.TLS_KEY_FILE,
    apiKeys: Object.freeze(apiKeys),
    corsOrigins: Object.freeze([...new Set(c.CORS_ORIGINS)]),
    logLevel: c.LOG_LEVEL,
    tracing: tracingConfig(c),
  });
}

/** Tracing on or off (see OTEL_TRACES_ENABLED), and where its spans go. */
function tracingConfig(c: RawConfig): Readonly<TracingConfig> | null {
  const endpointSet = c.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined || c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;
  const enabled = c.OTEL_TRACES_EXPORTER === 'none' ? false : c.OTEL_TRACES_ENABLED !== undefined ? c.OTEL_TRACES_ENABLED === 'true' : c.OTEL_TRACES_EXPORTER === 'otlp' || endpointSet;
  if (!enabled) return null;
  const base = (c.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318').replace(/\/+$/, '');
  return Object.freeze({
    url: c.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${base}/v1/traces`,
    protocol: c.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: Object.freeze({ ...c.OTEL_EXPORTER_OTLP_HEADERS }),
    serviceName: c.OTEL_SERVICE_NAME,
    scheduleDelayMs: c.OTEL_BSP_SCHEDULE_DELAY,
  });
}
