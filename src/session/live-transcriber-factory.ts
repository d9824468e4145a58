import type { Recognizer, RecognizerBias } from '../model/recognizer';
import { toLanguageCode } from '../model/supported-languages';
import { tracedOnlineStream } from '../observability/traced-online-stream';
import { TracedRecognizer } from '../observability/traced-recognizer';
import type { TraceSpan } from '../observability/trace-span';
import { DualModelTranscriber } from '../streaming/dual-model-transcriber';
import type { LiveTranscriber } from '../streaming/live-transcriber';
import { OnlineStreamingTranscriber } from '../streaming/online-streaming-transcriber';
import type { StreamingTranscriberConfig } from '../streaming/streaming-config';
import type { StreamingEvent } from '../streaming/streaming-events';
import { StreamingTranscriber } from '../streaming/streaming-transcriber';
import type { LiveSessionDeps, LiveSessionSettings } from './live-session';

/** The recognizer, its recognitions recorded as spans under `trace` when there is one. */
function traced(recognizer: Recognizer, trace: TraceSpan | undefined): Recognizer {
  return trace ? new TracedRecognizer(recognizer, trace) : recognizer;
}

/**
 * The partial model of a session on a model that is not online (STREAM_PARTIAL_MODEL), or null when the session
 * runs on its own model alone: files and sessions without partials, a session whose model is the partial model,
 * and a session in a language the partial model does not hear.
 */
export function partialModelFor(deps: LiveSessionDeps, settings: LiveSessionSettings, config: StreamingTranscriberConfig): string | null {
  const partialModelId = deps.partialModelId;
  if (!partialModelId || partialModelId === settings.modelId) return null;
  if (settings.mode !== 'stream' || !config.partialUpdates) return null;
  const language = settings.bias?.language;
  if (language && deps.languagesOf && !deps.languagesOf(partialModelId).includes(toLanguageCode(language))) return null;
  return partialModelId;
}

/** The partial model's bias: the session's prompt, and its language while the partial model hears it. */
function partialBias(bias: RecognizerBias | undefined, languages: readonly string[] | undefined): RecognizerBias | undefined {
  if (!bias) return undefined;
  return {
    get prompt() {
      return bias.prompt;
    },
    get language() {
      const language = bias.language;
      return language && (!languages || languages.includes(toLanguageCode(language))) ? language : undefined;
    },
  };
}

/**
 * Which transcriber a live session runs:
 * - on an online model: OnlineStreamingTranscriber (partials and finals straight from its decoder);
 * - with a partial model (see `partialModelFor`): DualModelTranscriber, its partials from the partial model
 *   (an online one's decoder, or windows re-decoded with LocalAgreement) and its finals from the session's model;
 * - otherwise StreamingTranscriber on the session's model.
 */
export function createLiveTranscriber(
  deps: LiveSessionDeps,
  settings: LiveSessionSettings,
  config: StreamingTranscriberConfig,
  onEvent: (event: StreamingEvent) => void,
): LiveTranscriber {
  const online = deps.openOnlineStream?.(settings.modelId);
  if (online) return new OnlineStreamingTranscriber({ stream: tracedOnlineStream(online, settings.modelId, settings.trace), vad: deps.vad, onEvent }, config);
  const recognizer = traced(deps.recognizer(settings.modelId, settings.bias), settings.trace);
  const { partialIntervalScale } = deps;
  const partialModelId = partialModelFor(deps, settings, config);
  if (!partialModelId) return new StreamingTranscriber({ recognizer, vad: deps.vad, onEvent, partialIntervalScale }, config);

  const openedPartialStream = deps.openOnlineStream?.(partialModelId);
  if (openedPartialStream) {
    const partialStream = tracedOnlineStream(openedPartialStream, partialModelId, settings.trace);
    return new DualModelTranscriber(
      { createPartialTranscriber: (e) => new OnlineStreamingTranscriber({ stream: partialStream, vad: deps.vad, onEvent: e }, config), finalRecognizer: recognizer, onEvent },
      config,
    );
  }
  const partialRecognizer = traced(deps.recognizer(partialModelId, partialBias(settings.bias, deps.languagesOf?.(partialModelId))), settings.trace);
  return new DualModelTranscriber(
    { createPartialTranscriber: (e) => new StreamingTranscriber({ recognizer, partialRecognizer, vad: deps.vad, onEvent: e, partialIntervalScale }, config), onEvent },
    config,
  );
}
