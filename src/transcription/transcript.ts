import type { RecognizedWord, TokenLogprob } from '../model/recognizer';

/** A stretch of the transcript, with absolute times in seconds. */
export interface TranscriptSegment {
  id: number;
  startSec: number;
  endSec: number;
  text: string;
  words: RecognizedWord[];
}

/** A whole file's transcript, with absolute times in seconds from the start of the audio. */
export interface Transcript {
  text: string;
  /** Language name as OpenAI reports it in verbose_json (`english`). */
  language: string;
  durationSec: number;
  segments: TranscriptSegment[];
  words: RecognizedWord[];
  /** Output tokens with log probabilities (empty when the path that made the transcript does not keep them). */
  logprobs: TokenLogprob[];
}

/** Gap between words, in seconds, that starts a new segment. */
const SEGMENT_GAP_SEC = 0.8;
/** Longest segment, in seconds, before a new one is started at the next word. */
const SEGMENT_MAX_SEC = 15;

/** Groups timed words into segments at pauses and at a maximum length. */
export function segmentWords(words: readonly RecognizedWord[], firstId = 0): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let current: RecognizedWord[] = [];
  const flush = () => {
    if (current.length === 0) return;
    segments.push({
      id: firstId + segments.length,
      startSec: current[0].startSec,
      endSec: current[current.length - 1].endSec,
      text: current.map((w) => w.word).join(' '),
      words: current,
    });
    current = [];
  };
  for (const word of words) {
    const last = current[current.length - 1];
    if (last && (word.startSec - last.endSec >= SEGMENT_GAP_SEC || word.endSec - current[0].startSec > SEGMENT_MAX_SEC)) flush();
    current.push(word);
  }
  flush();
  return segments;
}
