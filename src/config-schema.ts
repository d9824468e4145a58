import { z } from 'zod';
import { aliasMap, apiKeyList, headerList, int, originList } from './config-value-parsers';

/**
 * The service's one configuration schema, read from environment variables (dotenv loads `.env` first in
 * main.ts) and parsed once at startup. Every variable is listed with its default in `.env.example`.
 * `parseConfig` (config.ts) turns what it parses into the frozen Config the rest of the service reads.
 */
export const configSchema = z.object({
  /** TCP port to listen on; 0 picks a free port. */
  PORT: int(0, 65535).default(8000),
  /** Interface to bind. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Directory holding one folder per model (`models/<id>/`). */
  MODELS_DIR: z.string().min(1).default('models'),
  /**
   * Model used when a request names an alias or no model; empty = the one `default-model.txt` in the models
   * folder names, else the first model found (sorted by id).
   */
  DEFAULT_MODEL: z.string().default(''),
  /** Extra names for models: `alias=model-id,...`. `whisper-1`, `gpt-4o-transcribe`, `gpt-4o-mini-transcribe`
   * and `default` always map to the default model unless overridden here. */
  MODEL_ALIASES: aliasMap.default({}),
  /** Which files a model folder holding both `*.onnx` and `*.int8.onnx` runs (a folder with one kind runs that). */
  MODEL_PRECISION: z.enum(['fp32', 'int8']).default('fp32'),
  /** Catalog models (`models/catalog.json`) pulled into MODELS_DIR at startup, before the models are scanned: `name,...` (installed ones are skipped). */
  MODELS_PULL: z
    .string()
    .transform((raw) => raw.split(',').map((s) => s.trim()).filter(Boolean))
    .default([]),
  /** A base URL model archives are fetched from instead of their published URLs (`BASE/NAME.tar.bz2`), e.g. an internal mirror. */
  MODEL_MIRROR_URL: z.url({ protocol: /^https?$/ }).default(''),
  /**
   * `POST /v1/models/{id}` (pull a catalog model while serving): with API keys configured any valid key may pull;
   * without keys it is refused (403) unless this is true.
   */
  ALLOW_MODEL_PULL: z.enum(['true', 'false']).default('false'),
  /** onnxruntime execution provider. `cuda` falls back to `cpu` with a warning if unavailable. */
  EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  /**
   * How models turn scores into text: `auto` = beam search with the model folder's n-gram LM
   * (`lm.arpa.gz`, characters or words) when it has one, else greedy search; `greedy_search`; `beam_search` (with the LM if any).
   */
  DECODING_METHOD: z.enum(['auto', 'greedy_search', 'beam_search']).default('auto'),
  /** Hypotheses kept by beam search. */
  DECODING_BEAM_SIZE: int(1, 64).default(8),
  /** Inference worker threads (each holds every model once). */
  INFERENCE_WORKERS: int(1, 64).default(2),
  /** onnxruntime intra-op threads per worker; workers × threads should not exceed the cores. */
  INFERENCE_THREADS_PER_WORKER: int(1, 64).default(1),
  /** Jobs allowed to wait for a worker before new requests are shed with 503 + Retry-After. */
  INFERENCE_QUEUE_DEPTH: int(1, 100000).default(64),
  /** Most queued jobs of one model run together in one model run (dynamic batching, padded to the longest); 1 = no batching. */
  MAX_BATCH_SIZE: int(1, 256).default(8),
  /** How long a free worker holds a batch that is not full for more jobs, in ms, only while other work is in flight (a lone stream never waits). */
  MAX_BATCH_WAIT_MS: int(0, 1000).default(5),
  /** `adaptive`: a model is batched only while batches cost less per audio second than single runs (measured); `always`: up to MAX_BATCH_SIZE. */
  BATCH_POLICY: z.enum(['adaptive', 'always']).default('adaptive'),
  /** Admit new streams and uploads only while measured capacity allows (see ADMISSION_MAX_UTILIZATION); the fixed caps stay as outer bounds. */
  CAPACITY_ADMISSION: z.enum(['true', 'false']).default('true'),
  /** Busy fraction of the inference workers (over the last 5 s) at which new streams and uploads are refused with 503; partials slow down before it. */
  ADMISSION_MAX_UTILIZATION: z.coerce.number().min(0.1).max(1).default(0.9),
  /** Queue wait of finals and file pieces (90th percentile over the last 5 s), in ms, at which new streams and uploads are refused with 503. */
  ADMISSION_MAX_QUEUE_WAIT_MS: int(10, 600_000).default(1000),
  /** Under load the partial interval (STREAM_UPDATE_INTERVAL_MS) is stretched up to this many times before anything is refused. */
  STREAM_UPDATE_INTERVAL_MAX_SCALE: int(1, 20).default(4),
  /** Largest accepted upload, in bytes (OpenAI: 25 MiB). */
  MAX_UPLOAD_BYTES: int(1, 2 ** 31).default(25 * 1024 * 1024),
  /** Longest accepted audio, in seconds, for file transcription. */
  MAX_AUDIO_DURATION_SEC: int(1, 24 * 3600).default(3 * 3600),
  /**
   * Decoded audio all file requests together may hold, in seconds (16 kHz float32: 64 KB per second). A
   * request whose decoding would pass it gets 503 + Retry-After. Default 8 h ≈ 1.8 GB.
   */
  MAX_AUDIO_SEC_IN_FLIGHT: int(60, 1000 * 3600).default(8 * 3600),
  /** Open TCP connections (HTTP and WebSocket) before new ones are refused. */
  MAX_CONNECTIONS: int(1, 100000).default(1024),
  /**
   * Open TCP connections from one client address before its new ones are dropped, so one client cannot fill
   * MAX_CONNECTIONS. Behind a reverse proxy every client has the proxy's address: raise it to MAX_CONNECTIONS.
   */
  MAX_CONNECTIONS_PER_IP: int(1, 100000).default(128),
  /**
   * Time a connection has to send a complete request head, in seconds, from its first byte (a new connection:
   * from accepting it). Slower ones get 408 or are dropped, so half-open connections cannot hold capacity.
   */
  HEADERS_TIMEOUT_SEC: int(1, 600).default(10),
  /** Concurrent HTTP transcription requests (decode + inference) before 429 + Retry-After. */
  MAX_CONCURRENT_REQUESTS: int(1, 10000).default(32),
  /**
   * Time a client has to send a whole transcription upload, in seconds, counted once it holds a request
   * slot. A slower (or stalled) upload gets 408 and its connection is closed, so it cannot hold the slot.
   */
  UPLOAD_TIMEOUT_SEC: int(1, 3600).default(120),
  /**
   * Slowest accepted upload, in bytes per second, measured over UPLOAD_RATE_WINDOW_SEC once an upload is that
   * old; a slower one gets 408 and its connection is closed (0: no minimum).
   */
  MIN_UPLOAD_BYTES_PER_SEC: int(0, 1024 ** 3).default(4096),
  /** Window over which the upload rate is measured, in seconds. */
  UPLOAD_RATE_WINDOW_SEC: int(1, 3600).default(10),
  /** Time limit for one ffmpeg decode, in milliseconds (time spent waiting for ffmpeg's output). */
  FFMPEG_TIMEOUT_MS: int(100, 3600_000).default(60_000),
  /** Path of the ffmpeg binary used for non-WAV uploads. */
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  /** Longest utterance, in seconds, live or in a file: a longer one is finalized (at its last committed word, or hard) and the next begins. */
  CHUNK_MAX_SEC: int(5, 120).default(25),
  /** Concurrent WebSocket streams before new connections are refused. */
  MAX_STREAMS: int(1, 10000).default(64),
  /** Concurrent WebSocket streams from one client address (beyond it: close 1013). Behind a proxy raise it to MAX_STREAMS. */
  MAX_STREAMS_PER_IP: int(1, 10000).default(16),
  /** Longest WebSocket stream, in seconds of received audio. */
  MAX_STREAM_DURATION_SEC: int(1, 24 * 3600).default(3600),
  /** Longest WebSocket stream in wall-clock time, in seconds, however much audio it sends (close 1008, after its final). */
  MAX_STREAM_WALL_SEC: int(1, 7 * 24 * 3600).default(3600),
  /** A WebSocket stream that sends no audio for this long is closed, in seconds (pings and other messages do not count). */
  STREAM_IDLE_TIMEOUT_SEC: int(1, 3600).default(60),
  /** While someone speaks, the unconfirmed audio is re-transcribed this often, in ms of audio (lower: faster partials, more CPU). */
  STREAM_UPDATE_INTERVAL_MS: int(50, 5000).default(150),
  /** Audio before a live utterance's open window decoded with it, in ms (0: cold windows; more: accuracy, more CPU). */
  STREAM_LEFT_CONTEXT_MS: int(0, 5000).default(1000),
  /**
   * Dual-model live streams: a model (id or alias; it must be served here) that makes the partials of captions and
   * Realtime streams, while each stream's own model makes its finals; ideally a fast online (streaming) model. A
   * final then keeps the stable text already sent and appends the final model's words after it. A stream whose
   * model is this one or is itself online, and file uploads, run on their own model alone. Empty: off.
   */
  STREAM_PARTIAL_MODEL: z.string().default(''),
  /** Largest WebSocket message, in bytes. */
  MAX_WS_MESSAGE_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  /**
   * On SIGTERM/SIGINT: the longest the server waits, in seconds, for in-flight requests and for live streams
   * to send their last finals before it closes what is left and exits (it exits sooner once they are done).
   */
  SHUTDOWN_GRACE_SEC: int(1, 3600).default(30),
  /** PEM certificate chain; with TLS_KEY_FILE the server speaks HTTPS/WSS (the OpenAI SDK's realtime client always uses wss://). */
  TLS_CERT_FILE: z.string().default(''),
  /** PEM private key for TLS_CERT_FILE. */
  TLS_KEY_FILE: z.string().default(''),
  /**
   * API keys clients must present (comma-separated): `Authorization: Bearer <key>` or `x-api-key`; on
   * WebSockets also the `openai-insecure-api-key.<key>` subprotocol or an `api_key` query parameter. With no
   * key here nor in API_KEYS_FILE every route is open (the startup log warns). `/health` and `/ready` are always open.
   */
  API_KEYS: apiKeyList.default([]),
  /** A file of API keys, one per line (blank lines and `#` comments ignored); its keys are accepted besides API_KEYS'. */
  API_KEYS_FILE: z.string().default(''),
  /**
   * Browser origins allowed to use the service (comma-separated, `*` = any): CORS headers on HTTP, and the
   * `Origin` a browser's WebSocket upgrade must carry (other origins get 403; clients sending no Origin are
   * not browsers and pass). Empty: no CORS headers and no browser WebSockets.
   */
  CORS_ORIGINS: originList.default([]),
  /**
   * OpenTelemetry traces of file transcriptions (spans for upload, decode, queue wait, inference, features and
   * decoding, each with the request id): `true` or `false`. Unset: on when OTEL_TRACES_EXPORTER=otlp or an
   * OTLP endpoint is set, else off (tracing off costs nothing: the OpenTelemetry packages are not even loaded).
   */
  OTEL_TRACES_ENABLED: z.enum(['true', 'false']).optional(),
  /** `otlp` or `none` (none turns tracing off whatever else is set), as the OpenTelemetry SDKs read it. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
  /** OTLP/HTTP base URL; traces go to `<it>/v1/traces`. Default http://localhost:4318. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** OTLP/HTTP traces URL used as is (overrides OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** OTLP/HTTP encoding: `http/protobuf` or `http/json`. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  /** Headers sent with every export (`key=value,...`, URL-encoded values), e.g. a collector's API key. Never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: headerList.default({}),
  /** The `service.name` resource attribute of every span. */
  OTEL_SERVICE_NAME: z.string().min(1).default('onnx-stt-server'),
  /** Longest a finished span waits before it is exported, in ms (spans are exported in batches). */
  OTEL_BSP_SCHEDULE_DELAY: int(1, 600_000).default(5000),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The schema's parsed values, before parseConfig shapes them into a Config. */
export type RawConfig = z.output<typeof configSchema>;
