import type { SpooledUpload } from '../audio/decode';
import { ApiError } from '../errors';
import { isSupportedLanguage } from '../model/supported-languages';
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
  async openFile(upload: SpooledUpload, options: { modelId: string; prompt?: string; signal?: AbortSignal }): Promise<{ session: FileSession; release(): void }> {
    this.assertReady();
    const lease = this.services.audioBudget.lease();
    try {
      const session = await FileSession.open({ ...this.sessionDeps(), lease }, { upload, ...options });
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

  /** The language check of every transport: the embedded and supported models are English. */
  assertLanguage(language: string | undefined | null): void {
    if (language && !isSupportedLanguage(language)) {
      throw new ApiError(400, `Language '${language}' is not supported; supported: en.`, { code: 'unsupported_language', param: 'language' });
    }
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
    };
  }
}
