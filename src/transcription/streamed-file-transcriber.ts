import type { Recognizer, TokenLogprob } from '../model/recognizer';
import type { StreamWord } from '../streaming/local-agreement';
import { DEFAULT_STREAMING_CONFIG } from '../streaming/streaming-config';
import type { StreamingEvent } from '../streaming/streaming-events';
import { StreamingTranscriber } from '../streaming/streaming-transcriber';
import { SentWords, spelledTokens, stableWordsOf } from '../streaming/word-tokens';
import type { SpeechProbabilitySource } from '../vad/speech-probability';
import { segmentWords, type Transcript } from './transcript';

export interface StreamedTranscribeOptions {
  signal?: AbortSignal;
  /**
   * Text appended to the transcript, in order; the deltas concatenate to the final text. `logprobs` are the
   * tokens of the delta's words (as the recognizer scored them when it committed them).
   */
  onDelta: (delta: string, logprobs: TokenLogprob[]) => void;
}

/** Audio handed to the streaming session per step, in samples (1 s at 16 kHz). */
const STEP_SAMPLES = 16000;
/** Keep the session's unprocessed audio below this, in ms, so it never refuses audio. */
const MAX_LAG_MS = DEFAULT_STREAMING_CONFIG.maxLagMs / 2;

/**
 * Transcribes a file through the same streaming path live audio takes (VAD utterances, LocalAgreement-2),
 * feeding it as fast as it keeps up, so stable text is emitted while later audio is still being decoded and
 * processed. The audio is taken as it is decoded: only what the session holds is in memory.
 */
export async function streamTranscribeChunks(
  chunks: AsyncIterable<Float32Array>,
  deps: { recognizer: Recognizer; vad: SpeechProbabilitySource },
  options: StreamedTranscribeOptions,
): Promise<Transcript> {
  const words: StreamWord[] = [];
  let emittedAny = false;
  let failure: unknown = null;
  const sent = new SentWords();
  const emit = (delta: string, fresh: readonly StreamWord[]) => {
    const text = delta.trim();
    if (!text) return;
    options.onDelta(emittedAny ? ` ${text}` : text, spelledTokens(fresh, emittedAny));
    emittedAny = true;
  };
  const onEvent = (event: StreamingEvent) => {
    if (event.type === 'partial') {
      emit(event.stableDelta, sent.take(event.utteranceIndex, stableWordsOf(event)).fresh);
    } else if (event.type === 'final') {
      emit(event.stableDelta, sent.take(event.utteranceIndex, stableWordsOf(event)).fresh);
      sent.forget(event.utteranceIndex);
      words.push(...event.words);
    } else if (event.type === 'error') failure = event.error;
  };
  const transcriber = new StreamingTranscriber({ recognizer: deps.recognizer, vad: deps.vad, onEvent }, DEFAULT_STREAMING_CONFIG);
  let totalSamples = 0;
  try {
    for await (const chunk of chunks) {
      totalSamples += chunk.length;
      for (let at = 0; at < chunk.length; at += STEP_SAMPLES) {
        options.signal?.throwIfAborted();
        while (transcriber.lagMs > MAX_LAG_MS) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          options.signal?.throwIfAborted();
        }
        transcriber.pushAudio(chunk.subarray(at, Math.min(chunk.length, at + STEP_SAMPLES)));
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (failure) break;
    }
    await transcriber.end();
  } finally {
    transcriber.close();
  }
  if (failure) throw failure;
  const timed = words.map((w) => ({ word: w.word, startSec: w.startSec, endSec: w.endSec }));
  const segments = segmentWords(timed);
  const logprobs = spelledTokens(words, false);
  return { text: timed.map((w) => w.word).join(' '), language: 'english', durationSec: totalSamples / 16000, segments, words: timed, logprobs };
}

