import { ApiError } from '../errors';
import { RecognitionResult, Recognizer } from '../model/recognizer';
import { VadWorkerClient } from '../vad/vad-worker-client';
import { loadSpeechFixture } from '../../tests/fixtures/speech-fixture';
import { codedAudio, RATE, ScriptedRecognizer, ScriptedVad, wordsFrom } from '../../tests/unit/streaming/scripted-doubles';
import { StreamWord } from './local-agreement';
import { DEFAULT_STREAMING_CONFIG, StreamingTranscriberConfig } from './streaming-config';
import { FinalEvent, PartialEvent, StreamingEvent } from './streaming-events';
import { StreamingTranscriber } from './streaming-transcriber';

const config: StreamingTranscriberConfig = {
  ...DEFAULT_STREAMING_CONFIG,
  vad: { threshold: 0.5, minSpeechMs: 64, minSilenceMs: 300, prefixPaddingMs: 200 },
  updateIntervalMs: 200,
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

interface Harness {
  transcriber: StreamingTranscriber;
  events: StreamingEvent[];
  recognizer: ScriptedRecognizer;
  vad: ScriptedVad;
  /** Pushes the coded stream from `fromSec` to `toSec` in `chunkMs` pieces, letting the pipeline run between. */
  feed(fromSec: number, toSec: number, chunkMs?: number): Promise<void>;
}

function harness(speechSec: [number, number][], words: StreamWord[], overrides: Partial<StreamingTranscriberConfig> = {}): Harness {
  const recognizer = new ScriptedRecognizer(words);
  const vad = new ScriptedVad(speechSec);
  const events: StreamingEvent[] = [];
  const transcriber = new StreamingTranscriber({ recognizer, vad, onEvent: (e) => events.push(e) }, { ...config, ...overrides });
  return {
    transcriber,
    events,
    recognizer,
    vad,
    async feed(fromSec, toSec, chunkMs = 20) {
      const step = (chunkMs / 1000) * RATE;
      for (let at = Math.round(fromSec * RATE); at < toSec * RATE; at += step) {
        transcriber.pushAudio(codedAudio(at, Math.min(at + step, Math.round(toSec * RATE))));
        await tick();
      }
    },
  };
}

const finals = (events: StreamingEvent[]) => events.filter((e): e is FinalEvent => e.type === 'final');
const partials = (events: StreamingEvent[]) => events.filter((e): e is PartialEvent => e.type === 'partial');

describe('StreamingTranscriber with server VAD', () => {
  const text = 'one two three four five six seven';

  test('each window is recognized after the words already committed before it (the LM continues them)', async () => {
    const h = harness([[1.0, 4.0]], wordsFrom(text, 1.1));
    await h.feed(0, 5);
    await h.transcriber.end();
    const [final] = finals(h.events);
    expect(final.text).toBe(text);
    // Windows start at the last committed word boundary; each call carries exactly the words committed before it.
    const later = h.recognizer.calls.filter((c) => c.precedingText);
    expect(later.length).toBeGreaterThan(0);
    for (const call of h.recognizer.calls) {
      const before = wordsFrom(text, 1.1).filter((w) => w.endSec <= call.startSample / RATE + 1e-6).map((w) => w.word);
      expect(call.precedingText ?? '').toBe(before.join(' '));
    }
  });

  test('each window is decoded with leftContextMs of the utterance\'s audio before it; the text is the same', async () => {
    const cold = harness([[1.0, 4.0]], wordsFrom(text, 1.1), { leftContextMs: 0 });
    const warm = harness([[1.0, 4.0]], wordsFrom(text, 1.1), { leftContextMs: 500 });
    for (const h of [cold, warm]) {
      await h.feed(0, 5);
      await h.transcriber.end();
    }
    expect(finals(warm.events)[0].text).toBe(text);
    expect(finals(warm.events)[0].text).toBe(finals(cold.events)[0].text);
    const utteranceStart = cold.recognizer.calls[0].startSample;
    expect(warm.recognizer.calls.map((c) => c.startSample)).toEqual(
      cold.recognizer.calls.map((c) => Math.max(utteranceStart, c.startSample - 0.5 * RATE)),
    );
    expect(warm.recognizer.calls.some((c, i) => c.startSample < cold.recognizer.calls[i].startSample)).toBe(true);
  });

  test('one utterance: speech events, append-only partials, a final with absolute word times', async () => {
    const h = harness([[1.0, 4.0]], wordsFrom(text, 1.1));
    await h.feed(0, 5);
    await h.transcriber.end();
    const types = h.events.map((e) => e.type).filter((t, i, all) => t !== 'partial' || all[i - 1] !== 'partial');
    expect(types).toEqual(['speech_started', 'partial', 'speech_stopped', 'final']);
    const started = h.events[0];
    expect(started.type === 'speech_started' && started.audioStartMs).toBeCloseTo(1000, -2);
    const stopped = h.events.find((e) => e.type === 'speech_stopped');
    expect(stopped?.type === 'speech_stopped' && Math.abs(stopped.audioEndMs - 4000)).toBeLessThanOrEqual(32);

    const [final] = finals(h.events);
    expect(final.text).toBe(text);
    expect(final.reason).toBe('silence');
    wordsFrom(text, 1.1).forEach((w, i) => {
      expect(final.words[i].word).toBe(w.word);
      expect(final.words[i].startSec).toBeCloseTo(w.startSec, 5);
      expect(final.words[i].endSec).toBeCloseTo(w.endSec, 5);
    });
    expect(final.startSec).toBeCloseTo(0.8, 1);
    expect(final.endSec).toBeGreaterThanOrEqual(4.0);

    const stable = partials(h.events).map((p) => p.stableText);
    stable.forEach((s, i) => expect(s.startsWith(stable[i - 1] ?? '')).toBe(true));
    expect(stable[stable.length - 1].split(' ').length).toBeGreaterThanOrEqual(4);
    const deltas = partials(h.events).map((p) => p.stableDelta).join('') + final.stableDelta;
    expect(deltas).toBe(final.text);
  });

  test('two utterances get their own finals in order', async () => {
    const h = harness([[0.5, 1.8], [3.0, 4.3]], [...wordsFrom('alpha beta gamma', 0.6), ...wordsFrom('delta echo foxtrot', 3.1)]);
    await h.feed(0, 5);
    await h.transcriber.end();
    expect(finals(h.events).map((f) => [f.utteranceIndex, f.text])).toEqual([
      [0, 'alpha beta gamma'],
      [1, 'delta echo foxtrot'],
    ]);
    expect(h.events.filter((e) => e.type === 'speech_started').map((e) => e.utteranceIndex)).toEqual([0, 1]);
  });

  test('one recognition in flight while answers come within the update interval; a slow recognizer is skipped ahead, not queued', async () => {
    const h = harness([[0.5, 9.5]], wordsFrom(Array.from({ length: 22 }, (_, i) => `w${i}`).join(' '), 0.6));
    h.recognizer.latencyMs = 60;
    await h.feed(0, 10, 20);
    await h.transcriber.end();
    expect(h.recognizer.maxInFlight).toBe(1);
    expect(h.recognizer.calls.length).toBeLessThan(9 / 0.2);
    expect(finals(h.events)[0].text.split(' ')).toHaveLength(22);
    // Partials are low priority and carry the stream's supersede key (the pool replaces a waiting one); the final does not.
    const partialCalls = h.recognizer.calls.slice(0, -1);
    expect(partialCalls.every((c) => c.priority === 'low' && c.supersedeKey === h.transcriber)).toBe(true);
    expect(h.recognizer.calls[h.recognizer.calls.length - 1]).toMatchObject({ priority: undefined, supersedeKey: undefined });
  });

  test('a partial out longer than the update interval (waiting in a busy queue) gets a successor that can replace it; never more than two', async () => {
    const h = harness([[0.5, 9.5]], wordsFrom(Array.from({ length: 22 }, (_, i) => `w${i}`).join(' '), 0.6));
    h.recognizer.latencyMs = 450;
    for (let at = 0; at < 10 * RATE; at += 320) {
      h.transcriber.pushAudio(codedAudio(at, at + 320));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await h.transcriber.end();
    expect(h.recognizer.maxInFlight).toBe(2);
    expect(finals(h.events)[0].text.split(' ')).toHaveLength(22);
  });

  test('under load partials are spaced by partialIntervalScale; the final is unchanged', async () => {
    const words = wordsFrom(Array.from({ length: 22 }, (_, i) => `w${i}`).join(' '), 0.6);
    const count = async (scale: number) => {
      const recognizer = new ScriptedRecognizer(words);
      const events: StreamingEvent[] = [];
      const transcriber = new StreamingTranscriber({ recognizer, vad: new ScriptedVad([[0.5, 9.5]]), onEvent: (e) => events.push(e), partialIntervalScale: () => scale }, config);
      for (let at = 0; at < 10 * RATE; at += 320) {
        transcriber.pushAudio(codedAudio(at, at + 320));
        await tick();
      }
      await transcriber.end();
      return { calls: recognizer.calls.length - 1, final: finals(events)[0].text };
    };
    const normal = await count(1);
    const stretched = await count(3);
    expect(stretched.calls).toBeLessThanOrEqual(Math.ceil(normal.calls / 3) + 1);
    expect(stretched.calls).toBeGreaterThan(0);
    expect(stretched.final).toBe(normal.final);
  });

  test('the window is trimmed at committed words, so each partial update costs O(window); the final decodes the whole utterance', async () => {
    const words = Array.from({ length: 45 }, (_, i) => `w${i}`).join(' ');
    const h = harness([[0.5, 19.0]], wordsFrom(words, 0.6));
    await h.feed(0, 20);
    await h.transcriber.end();
    const calls = h.recognizer.calls.map((c) => (c.endSample - c.startSample) / RATE);
    expect(Math.max(...calls.slice(0, -1))).toBeLessThan(2);
    expect(calls[calls.length - 1]).toBeGreaterThan(18);
    expect(finals(h.events)[0].text).toBe(words);
  });

  test('an utterance past maxUtteranceSec is split at a committed word without losing or repeating words', async () => {
    const words = Array.from({ length: 28 }, (_, i) => `w${i}`).join(' ');
    const h = harness([[0.5, 12.0]], wordsFrom(words, 0.6), { maxUtteranceSec: 4, maxLagMs: 1000, maxBufferedSec: 8 });
    await h.feed(0, 13);
    await h.transcriber.end();
    const all = finals(h.events);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.slice(0, -1).every((f) => f.reason === 'max_length')).toBe(true);
    expect(all.map((f) => f.text).join(' ')).toBe(words);
    all.forEach((f) => expect(f.endSec - f.startSec).toBeLessThanOrEqual(4.05));
  });

  test('lag is measured and bounded: a stalled VAD makes pushAudio refuse, then it recovers', async () => {
    const h = harness([[0.5, 2.0]], wordsFrom('a b c', 0.6), { maxLagMs: 500 });
    h.vad.stalled = true;
    let refused: unknown;
    try {
      await h.feed(0, 2);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('stream_lagging');
    expect(h.transcriber.lagMs).toBeGreaterThan(400);
    expect(h.transcriber.lagMs).toBeLessThanOrEqual(500);
    h.vad.release();
    for (let i = 0; i < 20; i++) await tick();
    expect(h.transcriber.lagMs).toBeLessThan(32);
    expect(() => h.transcriber.pushAudio(codedAudio(h.transcriber.receivedMs * 16, h.transcriber.receivedMs * 16 + 320))).not.toThrow();
    h.transcriber.close();
  });

  test('clear drops the utterance in progress without a final', async () => {
    const h = harness([[1.0, 4.0]], wordsFrom(text, 1.1));
    await h.feed(0, 2.5);
    h.transcriber.clear();
    const before = h.events.length;
    await h.transcriber.end();
    expect(finals(h.events)).toEqual([]);
    expect(h.events.length).toBe(before);
  });

  test('end flushes an utterance still open, then the stream refuses audio', async () => {
    const h = harness([[1.0, 4.0]], wordsFrom(text, 1.1));
    await h.feed(0, 2.6);
    await h.transcriber.end();
    const [final] = finals(h.events);
    expect(final.reason).toBe('end');
    expect(final.text).toBe('one two three four');
    expect(() => h.transcriber.pushAudio(new Float32Array(10))).toThrow(expect.objectContaining({ code: 'stream_closed' }));
  });

  test('commit ends the utterance now; an empty commit is a 400', async () => {
    const h = harness([[1.0, 4.0]], wordsFrom(text, 1.1));
    await expect(h.transcriber.commit()).rejects.toMatchObject({ status: 400, code: 'input_audio_buffer_commit_empty' });
    await h.feed(0, 2.6);
    const final = await h.transcriber.commit();
    expect([final.reason, final.text]).toEqual(['commit', 'one two three four']);
    h.transcriber.close();
  });

  test('a commit mid-speech covers the audio before it; the speech after it is the next utterance', async () => {
    const h = harness([[1.0, 4.0]], wordsFrom(text, 1.1));
    await h.feed(0, 2.6);
    const committed = h.transcriber.commit();
    await h.feed(2.6, 5);
    await h.transcriber.end();
    expect((await committed).endSec).toBe(2.6);
    expect(finals(h.events).map((f) => [f.utteranceIndex, f.reason, f.text])).toEqual([
      [0, 'commit', 'one two three four'],
      [1, 'silence', 'five six seven'],
    ]);
  });

  test('a failed final transcription is an error event for that utterance', async () => {
    const h = harness([[1.0, 2.0]], wordsFrom('a b', 1.1));
    h.recognizer.failWith = new ApiError(503, 'busy', { code: 'queue_full' });
    await h.feed(0, 3);
    await h.transcriber.end();
    expect(finals(h.events)).toEqual([]);
    const error = h.events.find((e) => e.type === 'error');
    expect(error?.type === 'error' && [error.utteranceIndex, error.error.code]).toEqual([0, 'queue_full']);
  });
});

describe('StreamingTranscriber with manual turns', () => {
  function manual() {
    const recognizer = new ScriptedRecognizer(wordsFrom('hello there friend', 0.2));
    const events: StreamingEvent[] = [];
    const transcriber = new StreamingTranscriber({ recognizer, onEvent: (e) => events.push(e) }, { ...config, turnDetection: 'manual' });
    return { recognizer, events, transcriber };
  }

  test('partials while audio arrives, the final at commit, no speech events', async () => {
    const { events, transcriber } = manual();
    for (let at = 0; at < 1.6 * RATE; at += 320) {
      transcriber.pushAudio(codedAudio(at, at + 320));
      await tick();
    }
    const final = await transcriber.commit();
    expect(final.text).toBe('hello there friend');
    expect(partials(events).length).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'speech_started' || e.type === 'speech_stopped')).toBe(false);
    await expect(transcriber.commit()).rejects.toMatchObject({ code: 'input_audio_buffer_commit_empty' });
    transcriber.pushAudio(codedAudio(1.6 * RATE, 1.6 * RATE + 800)); // 50 ms < minCommitMs
    await expect(transcriber.commit()).rejects.toMatchObject({ code: 'input_audio_buffer_commit_empty' });
    transcriber.close();
  });

  test('a commit covers the audio accepted before it; later audio starts the next utterance', async () => {
    const { events, transcriber } = manual();
    transcriber.pushAudio(codedAudio(0, 1.0 * RATE)); // "hello there"
    const committed = transcriber.commit();
    transcriber.pushAudio(codedAudio(1.0 * RATE, 1.6 * RATE)); // "friend"
    const first = await committed;
    const second = await transcriber.commit();
    expect([first.utteranceIndex, first.text, first.endSec]).toEqual([0, 'hello there', 1.0]);
    expect([second.utteranceIndex, second.text, second.startSec]).toEqual([1, 'friend', 1.0]);
    expect(finals(events)).toHaveLength(2);
    transcriber.close();
  });

  test('server_vad without a VAD source and a non-16 kHz recognizer are configuration errors', () => {
    const recognizer = new ScriptedRecognizer([]);
    expect(() => new StreamingTranscriber({ recognizer, onEvent: () => undefined }, config)).toThrow(RangeError);
    const wrongRate = Object.assign(Object.create(recognizer) as Recognizer, { sampleRateHz: 8000 });
    expect(() => new StreamingTranscriber({ recognizer: wrongRate, onEvent: () => undefined }, { ...config, turnDetection: 'manual' })).toThrow('16000');
  });
});

describe('StreamingTranscriber with the real VAD on a real clip', () => {
  let vad: VadWorkerClient;
  beforeAll(async () => {
    vad = await VadWorkerClient.start();
  });
  afterAll(async () => {
    await vad.close();
  });

  test('speech_started / speech_stopped within 100 ms of the speech, one final per utterance', async () => {
    const fixture = loadSpeechFixture();
    const recognizer: Recognizer = {
      modelId: 'constant',
      sampleRateHz: RATE,
      recognize: async (samples): Promise<RecognitionResult> => ({
        text: 'speech',
        words: [{ word: 'speech', startSec: 0, endSec: samples.length / RATE }],
        tokens: [],
        durationSec: samples.length / RATE,
      }),
    };
    const events: StreamingEvent[] = [];
    const transcriber = new StreamingTranscriber(
      { recognizer, vad, onEvent: (e) => events.push(e) },
      { ...config, vad: { threshold: 0.5, minSpeechMs: 64, minSilenceMs: 500, prefixPaddingMs: 300 } },
    );
    for (let at = 0; at < fixture.samples.length; at += 800) {
      transcriber.pushAudio(fixture.samples.subarray(at, at + 800));
      await tick();
    }
    await transcriber.end();
    const starts = events.filter((e) => e.type === 'speech_started').map((e) => (e.type === 'speech_started' ? e.audioStartMs : 0));
    const stops = events.filter((e) => e.type === 'speech_stopped').map((e) => (e.type === 'speech_stopped' ? e.audioEndMs : 0));
    expect(starts).toHaveLength(2);
    expect(stops).toHaveLength(2);
    fixture.speech.forEach((truth, i) => {
      expect(Math.abs(starts[i] - truth.startSample / 16)).toBeLessThanOrEqual(100);
      expect(Math.abs(stops[i] - truth.endSample / 16)).toBeLessThanOrEqual(100);
    });
    expect(finals(events).map((f) => f.utteranceIndex)).toEqual([0, 1]);
  });
});
