/**
 * What every speech recognizer offers the layers above it (sessions, HTTP routes, streaming), whatever the
 * model family (CTC or transducer) and wherever it runs (the inference worker pool).
 */

/** One recognized word with times in seconds relative to the start of the samples given to `recognize`. */
export interface RecognizedWord {
  word: string;
  startSec: number;
  endSec: number;
  /** The tokens that spell this word, with their log probabilities (the first carries the leading space). */
  tokens?: TokenLogprob[];
}

/** One output token with its log probability (OpenAI's `logprobs` entries). */
export interface TokenLogprob {
  /** The token's text; a word boundary is a leading space. */
  token: string;
  /** Natural-log probability. */
  logprob: number;
}

export interface RecognitionResult {
  /** Words joined by single spaces; empty when nothing was recognized. */
  text: string;
  words: RecognizedWord[];
  /** Duration of the audio that was recognized, in seconds. */
  durationSec: number;
  /** The tokens behind `text`, in order, with log probabilities. */
  tokens: TokenLogprob[];
  /** The language the model decoded in (ISO-639-1: the one asked for, or detected); absent for English-only models. */
  language?: string;
  /** Where the time went, in ms, when measured (for traces). */
  timings?: RecognitionTimings;
}

/** Time spent on one recognition, in ms. With batching, the worker's figures are those of the whole batch. */
export interface RecognitionTimings {
  /** The worker's time: features + model + decoding. */
  inferenceMs?: number;
  /** Computing the features. */
  featuresMs?: number;
  /** The model and the token search (interleaved in transducers, so timed together). */
  decodingMs?: number;
}

export interface RecognizeOptions {
  /** Aborts the request; a queued job is dropped, a running one's result is discarded. */
  signal?: AbortSignal;
  /**
   * The caller hands the samples over: when they span their whole ArrayBuffer it is moved to the worker
   * instead of copied, and the caller's array is left empty (detached). Off by default.
   */
  transferSamples?: boolean;
  /**
   * 'low' for work that a later job supersedes anyway (a live partial update): it waits behind every
   * 'normal' job, and when the queue is full a normal job takes the place of the newest low one.
   */
  priority?: JobPriority;
  /**
   * The text recognized just before these samples (a live utterance's committed words): with beam search
   * and an LM, the LM continues it rather than starting a sentence. Greedy search ignores it.
   */
  precedingText?: string;
  /**
   * Ties 'low' jobs of one source (a live stream's partials): while one waits to run, a newer one with the
   * same key takes its place and the older one rejects with 409 `superseded`. Compared by identity.
   */
  supersedeKey?: unknown;
}

/** What a recognizer is asked to favour for one client (OpenAI's `prompt`). */
export interface RecognizerBias {
  /**
   * Its words become hotwords when the model decodes with beam search (each character continuing one earns a
   * bonus, taken back if the word does not finish as one); greedy search ignores it.
   */
  prompt?: string;
  /** The audio's language (an ISO-639-1 code the model has); absent: detected (multilingual Whisper) or English. */
  language?: string;
  /** 'translate': a multilingual Whisper model translates into English (`/v1/audio/translations`). */
  task?: 'transcribe' | 'translate';
}

export type JobPriority = 'normal' | 'low';

export interface Recognizer {
  /** The model id (its folder name under the models directory). */
  readonly modelId: string;
  /** The sample rate `recognize` expects, in Hz (16000 for every model we load). */
  readonly sampleRateHz: number;
  /**
   * Transcribes mono float samples in [-1, 1] at `sampleRateHz`. Runs off the event loop. Rejects with an
   * ApiError 503 (with retryAfterSec) when the inference queue is full.
   */
  recognize(samples: Float32Array, options?: RecognizeOptions): Promise<RecognitionResult>;
}
