import type { SpooledUpload } from '../audio/decode';
import { ApiError } from '../errors';
import { canTranslate, checkLanguage, modelLanguages } from '../model/supported-languages';
import { isOnlineModelKind } from '../model/online-acoustic-model';
import type { Services } from '../services';
import { FileSession } from './file-session';
import { LiveSession, type LiveSessionHandlers, type LiveSessionSettings } from './live-session';
import { StreamGuard, type LimitReason } from './stream-guard';

/**
 * The service's one way in, for every transport (HTTP, WebSocket, CLI): it owns (through `Services`) the
 * models, workers, budgets and readiness, and opens file and live sessions on them.
 */
export class Engine {
  constructor(private readonly services: Services) {}

  get config() {
    return this.services.config;
  }

  /** Resolves a model name or alias to a model id; 404 `model_not_found` for an unknown one. */
  resolveModel(name: string | undefined): string {
    return this.services.registry.resolve(name).id;
  }

  /**
   * Opens a file for transcription (decoding starts; a file that does not decode throws its 4xx). Its
   * decoded audio counts against the server budget until `release` is called.
   */
  async openFile(
    upload: SpooledUpload,
    options: { modelId: string; prompt?: string; language?: string; task?: 'transcribe' | 'translate'; signal?: AbortSignal },
  ): Promise<{ session: FileSession; release(): void }> {
    this.assertReady();
    const language = this.assertLanguage(options.modelId, options.language);
    // A model that cannot translate transcribes: it hears English only, which is its own translation.
    const task = options.task === 'translate' && this.canTranslate(options.modelId) ? 'translate' : 'transcribe';
    const lease = this.services.audioBudget.lease();
    try {
      const session = await FileSession.open({ ...this.sessionDeps(), lease }, { upload, ...options, language, task });
      return { session, release: lease.release };
    } catch (err) {
      lease.release();
      throw err;
    }
  }

  /** Opens a live session (captions, Realtime). */
  openLiveSession(settings: LiveSessionSettings, handlers: LiveSessionHandlers): LiveSession {
    this.assertReady();
    return new LiveSession(this.sessionDeps(), settings, handlers);
  }

  /** The configured limits of one live stream, started now; `onLimit` is called once when one is reached. */
  streamGuard(onLimit: (reason: LimitReason, message: string) => void): StreamGuard {
    const { config } = this.services;
    return new StreamGuard(
      { idleTimeoutMs: config.streamIdleTimeoutSec * 1000, maxAudioMs: config.maxStreamDurationSec * 1000, maxWallMs: config.maxStreamWallSec * 1000 },
      onLimit,
    );
  }

  /**
   * The language check of every transport (model/supported-languages.ts): the code `modelId` decodes
   * `language` in (undefined: detected, or English), or a 400 `unsupported_language` naming `param`.
   */
  assertLanguage(modelId: string, language: string | undefined | null, param = 'language'): string | undefined {
    const check = checkLanguage(this.services.registry.resolve(modelId).layout, language, modelId);
    if (!check.ok) throw new ApiError(400, check.message, { code: 'unsupported_language', param });
    return check.code;
  }

  /** The languages `modelId` hears (ISO-639-1): `['en']` for English models, a multilingual model's list. */
  languagesOf(modelId: string): readonly string[] {
    return modelLanguages(this.services.registry.resolve(modelId).layout);
  }

  /** Whether `modelId` translates speech into English (a multilingual Whisper model). */
  canTranslate(modelId: string): boolean {
    return canTranslate(this.services.registry.resolve(modelId).layout);
  }

  private assertReady(): void {
    if (!this.services.isReady()) throw new ApiError(503, 'The models are still loading.', { code: 'not_ready', retryAfterSec: 2 });
  }

  private sessionDeps() {
    const { services } = this;
    return {
      config: services.config,
      metrics: services.metrics,
      get vad() {
        return services.vad;
      },
      recognizer: services.recognizer.bind(services),
      partialIntervalScale: () => services.capacity?.partialIntervalScale() ?? 1,
      openOnlineStream: (modelId: string) => (isOnlineModelKind(services.pool.models[modelId]?.kind) ? services.pool.openStream(modelId) : undefined),
      partialModelId: services.partialModelId,
      languagesOf: (modelId: string) => this.languagesOf(modelId),
    };
  }
}
