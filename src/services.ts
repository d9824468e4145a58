import type { Logger } from 'pino';
import { Admission } from './admission/admission';
import { CapacityMonitor } from './admission/capacity-monitor';
import { DecodedAudioBudget } from './audio/decoded-audio-budget';
import type { Config } from './config';
import { Metrics } from './metrics';
import type { Tracing } from './observability/trace-span';
import { InferencePool } from './model/inference-pool';
import { combineObservers } from './model/inference-observer';
import type { LoadedModelInfo } from './model/inference-protocol';
import { ModelRegistry, type ModelEntry } from './model/model-registry';
import type { ModelLayout } from './model/model-layout';
import { ModelPuller } from './model-store/model-puller';
import { PooledRecognizer } from './model/pooled-recognizer';
import { Engine } from './session/engine';
import type { Recognizer, RecognizerBias } from './model/recognizer';
import type { SpeechProbabilitySource } from './vad/speech-probability';
import { VadWorkerClient } from './vad/vad-worker-client';

/**
 * Everything the transports share, built once from the config: the model registry, the inference worker
 * pool, the VAD worker, metrics. `start` loads the models; until it resolves the service is not ready.
 */
export class Services {
  readonly registry: ModelRegistry;
  readonly pool: InferencePool;
  readonly metrics = new Metrics();
  /** Decoded audio held by file requests in flight (16 kHz float32). */
  readonly audioBudget: DecodedAudioBudget;
  /** Who may use the service (API keys, browser origins): asked by HTTP and WebSocket alike. */
  readonly admission: Admission;
  /**
   * Measured capacity (the pool's batches): refuses new streams and uploads when it is used up and stretches
   * partials before that; null when CAPACITY_ADMISSION=false.
   */
  readonly capacity: CapacityMonitor | null;
  /** OpenTelemetry traces (TracingConfig); null when off. Started by `start`. */
  tracing: Tracing | null = null;
  private vadClient: VadWorkerClient | null = null;
  private ready = false;
  private shuttingDown = false;
  private readonly recognizers = new Map<string, Recognizer>();
  /** File and live sessions on these services: what every transport uses. */
  readonly engine: Engine = new Engine(this);
  /** Pulls models into MODELS_DIR (POST /v1/models/{id}). */
  readonly modelStore: ModelPuller;
  /** Models being added while serving, by id: concurrent pulls of one share its loading. */
  private readonly adding = new Map<string, Promise<ModelEntry>>();
  /** STREAM_PARTIAL_MODEL resolved to a model id: it makes live streams' partials; null when off. */
  readonly partialModelId: string | null;

  constructor(
    readonly config: Readonly<Config>,
    readonly logger: Logger,
  ) {
    const { registry, skipped } = ModelRegistry.scan(config.modelsDir, { defaultModel: config.defaultModel, aliases: config.modelAliases, precision: config.modelPrecision });
    for (const s of skipped) logger.warn({ dir: s.dir }, `skipping ${s.dir}: ${s.reason}`);
    this.registry = registry;
    this.partialModelId = resolvePartialModel(registry, config.streamPartialModel);
    this.modelStore = new ModelPuller({ modelsDir: config.modelsDir, mirrorUrl: config.modelMirrorUrl, precision: config.modelPrecision });
    this.audioBudget = new DecodedAudioBudget(config.maxAudioSecInFlight * 16000 * 4);
    this.capacity = config.capacityAdmission
      ? new CapacityMonitor({ ...config.capacityAdmission, workers: config.inferenceWorkers, inProgress: () => this.pool.load() })
      : null;
    this.admission = Admission.fromConfig(config, logger, this.capacity ?? undefined);
    this.pool = new InferencePool({
      layouts: registry.layouts(),
      executionProvider: config.executionProvider,
      decoding: config.decoding,
      workers: config.inferenceWorkers,
      threadsPerWorker: config.inferenceThreadsPerWorker,
      queueDepth: config.inferenceQueueDepth,
      maxBatchSize: config.maxBatchSize,
      maxBatchWaitMs: config.maxBatchWaitMs,
      batchPolicy: config.batchPolicy,
      // Batches and shed jobs feed the per-model metrics and /status.
      observer: combineObservers(this.metrics.inference, this.capacity),
      onWarning: (m) => logger.warn(m),
      onWorkerError: (m) => logger.error(m),
    });
  }

  async start(): Promise<Record<string, LoadedModelInfo>> {
    const started = performance.now();
    if (this.config.tracing) {
      // Loaded only when on: tracing off never requires the OpenTelemetry packages.
      const { startTracing } = await import('./observability/otel-tracing');
      this.tracing = await startTracing(this.config.tracing, (message) => this.logger.warn({ tracesUrl: this.config.tracing?.url }, `trace export failed: ${message}`));
      this.logger.info({ url: this.config.tracing.url, protocol: this.config.tracing.protocol }, 'exporting traces');
    }
    const [models, vad] = await Promise.all([this.pool.start(), VadWorkerClient.start({ maxQueuedRequests: 4 * this.config.maxStreams + 64 })]);
    this.vadClient = vad;
    for (const [id, info] of Object.entries(models)) {
      this.logger.info(
        {
          model: id,
          kind: info.kind,
          provider: info.provider,
          features: info.featureEngine,
          decoding: info.decoding.method,
          lm: info.decoding.lm?.file,
          vocabSize: info.vocabSize,
          frameMs: Math.round(info.frameSec * 1000),
          default: id === this.registry.defaultId,
        },
        `loaded model ${id} (${info.kind}) on ${info.provider}`,
      );
    }
    this.logger.info({ workers: this.config.inferenceWorkers, threadsPerWorker: this.config.inferenceThreadsPerWorker, loadMs: Math.round(performance.now() - started) }, 'models ready');
    if (this.partialModelId) this.logger.info({ model: this.partialModelId, kind: models[this.partialModelId]?.kind }, `live streams: partials from ${this.partialModelId}, finals from each stream's model`);
    this.ready = true;
    return models;
  }

  /** The models are loaded (work already accepted can run; see `isShuttingDown` for taking new work). */
  isReady(): boolean {
    return this.ready;
  }

  /** Shutdown has begun: `/ready` reports not-ready so load balancers stop sending work. */
  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  get vad(): SpeechProbabilitySource {
    if (!this.vadClient) throw new Error('services not started');
    return this.vadClient;
  }

  /**
   * The recognizer for a model; given a bias (a client's prompt, possibly changing: it is read at every
   * recognition), one of its own that favours the prompt's words.
   */
  recognizer(modelId: string, bias?: RecognizerBias): Recognizer {
    if (bias) return new PooledRecognizer(modelId, this.pool, bias);
    let r = this.recognizers.get(modelId);
    if (!r) {
      r = new PooledRecognizer(modelId, this.pool);
      this.recognizers.set(modelId, r);
    }
    return r;
  }

  /**
   * Pulls a catalog model while serving and makes it usable at once: listed by GET /v1/models and loaded into
   * every inference worker. `downloaded` is false when it was on disk already.
   */
  async pullModel(name: string): Promise<{ entry: ModelEntry; downloaded: boolean }> {
    const pulled = await this.modelStore.pull(name);
    if (this.registry.has(pulled.id)) return { entry: this.registry.resolve(pulled.id), downloaded: !pulled.alreadyInstalled };
    let adding = this.adding.get(pulled.id);
    if (!adding) {
      adding = this.addModel(pulled.id, pulled.layout).finally(() => this.adding.delete(pulled.id));
      this.adding.set(pulled.id, adding);
    }
    return { entry: await adding, downloaded: !pulled.alreadyInstalled };
  }

  private async addModel(id: string, layout: ModelLayout): Promise<ModelEntry> {
    const info = await this.pool.addModel(id, layout);
    const entry: ModelEntry = { id, layout, createdSec: Math.floor(Date.now() / 1000) };
    this.registry.add(entry);
    this.logger.info({ model: id, kind: info.kind, provider: info.provider }, `added model ${id} (${info.kind}) on ${info.provider} while serving`);
    return entry;
  }

  async close(): Promise<void> {
    this.ready = false;
    await Promise.all([this.pool.close(), this.vadClient?.close()]);
    // The last spans (the requests the drain waited for) are exported before the process ends.
    await this.tracing?.shutdown().catch(() => undefined);
  }
}

/** STREAM_PARTIAL_MODEL (an id or alias) as a model id; null when unset. Throws at startup for a model not served here. */
function resolvePartialModel(registry: ModelRegistry, name: string): string | null {
  if (!name) return null;
  const id = registry.has(name) ? name : registry.aliasMap.get(name);
  if (!id) throw new Error(`STREAM_PARTIAL_MODEL "${name}" is not a model served here (models: ${registry.entries.map((e) => e.id).join(', ')})`);
  return id;
}
