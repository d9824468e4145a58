import type { FinalEvent } from '../streaming/streaming-events';
import { StreamLatency } from './stream-latency';

function setup() {
  let now = 1000;
  const firstPartials: number[] = [];
  const finals: number[] = [];
  const latency = new StreamLatency({ firstPartial: (ms) => firstPartials.push(ms), final: (ms) => finals.push(ms) }, () => now);
  /** Real-time audio: `frames` frames of `frameMs` each, one per `frameMs` of wall time. */
  let audioMs = 0;
  const stream = (frames: number, frameMs = 100) => {
    for (let i = 0; i < frames; i++) {
      now += frameMs;
      audioMs += frameMs;
      latency.audioAccepted(audioMs);
    }
  };
  return { latency, firstPartials, finals, stream, wait: (ms: number) => (now += ms) };
}

const partial = (utteranceIndex: number) => ({ type: 'partial' as const, utteranceIndex, stableText: '', stableDelta: '', unstableText: 'a', text: 'a', words: [] });
const final = (utteranceIndex: number, startSec: number, endSec: number): FinalEvent => ({ type: 'final', utteranceIndex, reason: 'silence', text: 'a', stableDelta: '', words: [], startSec, endSec });

describe('StreamLatency', () => {
  test('first partial: from the arrival of the speech onset to the partial; final: from the arrival of the end', () => {
    const { latency, firstPartials, finals, stream, wait } = setup();
    stream(10); // 0..1000 ms of audio arrives at 1100..2000
    latency.onEvent({ type: 'speech_started', utteranceIndex: 0, audioStartMs: 250 }); // arrived with the frame ending at 300 (t=1300)
    wait(100); // t=2100
    latency.onEvent(partial(0));
    latency.onEvent(partial(0)); // only the first counts
    expect(firstPartials).toEqual([800]);
    stream(5); // up to 1500 ms, arriving by t=2600
    latency.onEvent(final(0, 0.25, 1.2)); // 1200 ms arrived at t=2300
    expect(finals).toEqual([300]);
  });

  test('each utterance has its own first partial; an utterance without partials has none', () => {
    const { latency, firstPartials, finals, stream } = setup();
    stream(10);
    latency.onEvent({ type: 'speech_started', utteranceIndex: 0, audioStartMs: 0 });
    latency.onEvent(final(0, 0, 0.5));
    latency.onEvent({ type: 'speech_started', utteranceIndex: 1, audioStartMs: 600 });
    stream(1);
    latency.onEvent(partial(1));
    expect(firstPartials).toEqual([500]); // audio 600 arrived with the frame ending at 600 (t=1600); now t=2100
    expect(finals).toHaveLength(1);
  });

  test('partials without a speech start (manual turns) are not measured', () => {
    const { latency, firstPartials, stream } = setup();
    stream(3);
    latency.onEvent(partial(0));
    expect(firstPartials).toEqual([]);
  });

  test('stays bounded over a long stream', () => {
    const { latency, finals, stream } = setup();
    for (let u = 0; u < 100; u++) {
      stream(100, 10);
      latency.onEvent(final(u, u, u + 1));
    }
    expect(finals).toHaveLength(100);
    expect(finals.every((ms) => ms === 0)).toBe(true);
    expect((latency as unknown as { arrivals: unknown[] }).arrivals.length).toBeLessThan(10);
  });
});
