/**
 * Test doubles for the streaming session. The test audio is a position code: sample n carries the value
 * n / 2^24, so a double can tell which absolute stretch of the stream it was handed, and answer from a
 * script of where speech and words are.
 */
import { RecognitionResult, Recognizer, RecognizeOptions } from '../../../src/model/recognizer';
import { StreamWord } from '../../../src/streaming/local-agreement';
import { SpeechProbabilitySource, SpeechProbabilityStream, VAD_CHUNK_SAMPLES } from '../../../src/vad/speech-probability';

export const RATE = 16000;
const CODE_SCALE = 2 ** 24;

/** Samples `[startSample, endSample)` of the position-coded stream. */
export function codedAudio(startSample: number, endSample: number): Float32Array {
  return Float32Array.from({ length: endSample - startSample }, (_, i) => (startSample + i) / CODE_SCALE);
}

/** The absolute index of a position-coded array's first sample. */
export function positionOf(samples: Float32Array): number {
  return Math.round(samples[0] * CODE_SCALE);
}

/** Words spoken one after another: each lasts 0.3 s, with 0.1 s gaps, from `startSec`. */
export function wordsFrom(text: string, startSec: number): StreamWord[] {
  return text.split(' ').map((word, i) => ({ word, startSec: startSec + 0.4 * i, endSec: startSec + 0.4 * i + 0.3 }));
}

/** A VAD that reports 0.95 for chunks whose middle is inside a speech region (seconds), else 0.02. */
export class ScriptedVad implements SpeechProbabilitySource {
  /** Set to make every request hang until released. */
  stalled = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly speechSec: [number, number][]) {}

  release(): void {
    this.stalled = false;
    this.waiting.splice(0).forEach((resume) => resume());
  }

  openStream(): SpeechProbabilityStream {
    return {
      process: async (samples) => {
        if (this.stalled) await new Promise<void>((resume) => this.waiting.push(resume));
        const first = positionOf(samples);
        return Float32Array.from({ length: samples.length / VAD_CHUNK_SAMPLES }, (_, k) => {
          const midSec = (first + (k + 0.5) * VAD_CHUNK_SAMPLES) / RATE;
          return this.speechSec.some(([a, b]) => midSec >= a && midSec < b) ? 0.95 : 0.02;
        });
      },
      reset: () => undefined,
      close: () => undefined,
    };
  }
}

/**
 * A recognizer that "hears" the scripted words whose middle lies inside the window it is given, with times
 * relative to the window. A word cut by the window end is heard as its first two letters (an unstable
 * guess, as a real model would make). Records every call.
 */
export class ScriptedRecognizer implements Recognizer {
  readonly modelId = 'scripted';
  readonly sampleRateHz = RATE;
  readonly calls: { startSample: number; endSample: number; precedingText?: string; priority?: string; supersedeKey?: unknown }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Milliseconds each call takes (real timers). */
  latencyMs = 0;
  /** Set to make calls reject. */
  failWith: Error | null = null;

  constructor(private readonly words: StreamWord[]) {}

  async recognize(samples: Float32Array, options: RecognizeOptions = {}): Promise<RecognitionResult> {
    const startSample = positionOf(samples);
    const endSample = startSample + samples.length;
    this.calls.push({ startSample, endSample, precedingText: options.precedingText, priority: options.priority, supersedeKey: options.supersedeKey });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      if (this.failWith) throw this.failWith;
      if (options.signal?.aborted) throw new Error('aborted');
      const fromSec = startSample / RATE;
      const toSec = endSample / RATE;
      const heard = this.words
        .filter((w) => (w.startSec + w.endSec) / 2 >= fromSec && (w.startSec + w.endSec) / 2 < toSec)
        .map((w) => ({
          word: w.endSec <= toSec ? w.word : w.word.slice(0, 2),
          startSec: w.startSec - fromSec,
          endSec: Math.min(w.endSec, toSec) - fromSec,
        }));
      return { text: heard.map((w) => w.word).join(' '), words: heard, durationSec: samples.length / RATE, tokens: [] };
    } finally {
      this.inFlight--;
    }
  }
}
