import type { InferenceBatchEvent, InferenceStreamWorkEvent } from '../model/inference-observer';
import { CapacityMonitor, DEGRADE_FROM_PRESSURE } from './capacity-monitor';

/** A monitor on a hand-driven clock, fed synthetic batch events. */
function setup(workers = 2) {
  let nowMs = 10_000;
  const monitor = new CapacityMonitor({ workers, maxUtilization: 0.8, maxQueueWaitMs: 500, maxPartialIntervalScale: 4, windowMs: 5000, now: () => nowMs });
  nowMs += 5000; // a full window has passed since start
  const batch = (over: Partial<InferenceBatchEvent> = {}): InferenceBatchEvent => ({
    modelId: 'm',
    batchSize: 1,
    queueWaitMs: [0],
    inferenceMs: 100,
    audioSec: 2,
    priorities: ['normal'],
    ...over,
  });
  /** `seconds` of steady load: each worker busy `busyFraction` of the time, in 100 ms batches. */
  const load = (seconds: number, busyFraction: number, over: Partial<InferenceBatchEvent> = {}) => {
    for (let t = 0; t < seconds * 10; t++) {
      nowMs += 100;
      for (let w = 0; w < workers; w++) monitor.onBatch(batch({ inferenceMs: 100 * busyFraction, ...over }));
    }
  };
  return { monitor, load, advance: (ms: number) => (nowMs += ms), batch };
}

describe('CapacityMonitor', () => {
  test('an idle server admits, with partials at their normal interval', () => {
    const { monitor } = setup();
    expect(monitor.utilization()).toBe(0);
    expect(monitor.pressure()).toBe(0);
    expect(monitor.partialIntervalScale()).toBe(1);
    expect(monitor.check()).toBeNull();
  });

  test.each([
    [0.2, 1, true],
    [0.5, 1, true],
    [0.7, 2.75, true], // pressure 0.875: partials stretched (1 + 3 x 0.175 / 0.3), still admitting
    [0.8, 4, false], // at the limit: partials at the most stretch, new work refused
    [1.0, 4, false],
  ])('workers busy %p of the time: partial interval x%p, admits: %p', (busy, scale, admits) => {
    const { monitor, load } = setup();
    load(6, busy);
    expect(monitor.utilization()).toBeCloseTo(busy, 6);
    expect(monitor.partialIntervalScale()).toBeCloseTo(scale, 6);
    expect(monitor.check() === null).toBe(admits);
  });

  test('partials degrade before anything is refused', () => {
    const { monitor, load } = setup();
    for (let busy = 0; busy <= 1.0001; busy += 0.02) {
      load(6, busy);
      if (monitor.check() !== null) expect(monitor.partialIntervalScale()).toBe(4);
      if (monitor.pressure() > DEGRADE_FROM_PRESSURE) expect(monitor.partialIntervalScale()).toBeGreaterThan(1);
    }
  });

  test('a refusal is a 503 with Retry-After in OpenAI\'s shape', () => {
    const { monitor, load } = setup();
    load(6, 1);
    const refusal = monitor.check();
    expect(refusal).toMatchObject({ status: 503, code: 'server_overloaded' });
    expect(refusal!.retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(refusal!.toBody().error.type).toBe('service_unavailable_error');
  });

  test('long queue waits of finals refuse even when the workers look idle; partials\' waits do not count', () => {
    const { monitor, load } = setup();
    load(6, 0.1, { queueWaitMs: [900, 50], priorities: ['low', 'normal'], batchSize: 2 });
    expect(monitor.check()).toBeNull();
    load(6, 0.1, { queueWaitMs: [900, 50], priorities: ['normal', 'low'], batchSize: 2 });
    expect(monitor.queueWaitP90Ms()).toBe(900);
    expect(monitor.check()).not.toBeNull();
  });

  test('load older than the window is forgotten: admission reopens once the burst is over', () => {
    const { monitor, load, advance } = setup();
    load(6, 1);
    expect(monitor.check()).not.toBeNull();
    advance(2500);
    expect(monitor.utilization()).toBeCloseTo(0.5, 6);
    advance(2600);
    expect(monitor.utilization()).toBe(0);
    expect(monitor.check()).toBeNull();
  });

  test('work in progress counts before it finishes: a long batch still running, a final waiting in the queue', () => {
    let nowMs = 0;
    let running: number[] = [];
    let oldestNormal: number | null = null;
    const monitor = new CapacityMonitor({
      workers: 2, maxUtilization: 0.9, maxQueueWaitMs: 500, maxPartialIntervalScale: 4, windowMs: 5000,
      now: () => nowMs,
      inProgress: () => ({ runningSinceMs: running, oldestNormalQueuedAtMs: oldestNormal }),
    });
    nowMs = 20_000;
    running = [12_000, 17_000]; // one since before the window (counts from its start), one for 3 s
    expect(monitor.utilization()).toBeCloseTo((5000 + 3000) / 10_000, 6);
    expect(monitor.check()).toBeNull();
    running = [10_000, 10_000];
    expect(monitor.check()).not.toBeNull();
    running = [];
    oldestNormal = 19_400; // a final waiting 600 ms, longer than maxQueueWaitMs
    expect(monitor.queueWaitMs()).toBe(600);
    expect(monitor.check()).not.toBeNull();
  });

  test('streams arriving faster than their load shows are held back by the learned cost of a warm stream', () => {
    const { monitor, load, advance } = setup();
    const opened: (() => void)[] = [];
    // Four streams warm for a window: 0.4 of the workers, 0.1 each.
    for (let i = 0; i < 4; i++) opened.push(monitor.streamOpened());
    load(6, 0.4);
    expect(monitor.check('stream')).toBeNull();
    expect(monitor.predictedUtilization()).toBeCloseTo(0.5, 6);
    // A burst: four more admitted at once; their load has not shown yet, but it is counted.
    for (let i = 0; i < 4; i++) opened.push(monitor.streamOpened());
    advance(100);
    expect(monitor.predictedUtilization()).toBeCloseTo(0.392 + 0.098 * 5, 3); // the window slid 100 ms past some load
    expect(monitor.check('stream')).not.toBeNull(); // 0.88 predicted: past the limit
    expect(monitor.check('upload')).toBeNull(); // measured pressure alone: 0.5
    // Streams that close free their share.
    opened.splice(4).forEach((close) => close());
    expect(monitor.check('stream')).toBeNull();
    // Streams that just closed still count for the load they left in the window: the cost is not inflated.
    opened.splice(0).forEach((close) => close());
    expect(monitor.predictedUtilization()).toBeCloseTo(0.392 + 0.392 / 8, 3); // eight streams made that load
    // Once no stream is open or lately closed, an old cost no longer holds the next stream back.
    advance(5100);
    expect(monitor.predictedUtilization()).toBe(0);
    expect(monitor.check('stream')).toBeNull();
  });

  test('online stream requests (outside the queue) use the workers as batches do: they count in utilization, queue wait and per-model figures', () => {
    const { monitor, advance } = setup();
    const chunk = (over: Partial<InferenceStreamWorkEvent> = {}): InferenceStreamWorkEvent => ({ modelId: 'online', op: 'accept', queueWaitMs: 5, inferenceMs: 40, audioSec: 0.32, ...over });
    // Eight streams on two workers for 6 s, each sending a 320 ms chunk every 320 ms that takes 40 ms: 8 x 40 / 320 = 1 worker of 2.
    for (let t = 0; t < 6000; t += 320) {
      advance(320);
      for (let s = 0; s < 8; s++) monitor.onStreamWork(chunk());
    }
    expect(monitor.utilization()).toBeCloseTo(0.5, 1);
    expect(monitor.check('stream')).toBeNull();
    // Twice as many streams: the workers are used up and the next stream is refused.
    for (let t = 0; t < 6000; t += 320) {
      advance(320);
      for (let s = 0; s < 16; s++) monitor.onStreamWork(chunk());
    }
    expect(monitor.utilization()).toBeGreaterThan(0.8);
    expect(monitor.check('stream')).toMatchObject({ status: 503, code: 'server_overloaded' });
    const stats = monitor.perModel().online;
    expect(stats.realTimeFactor).toBeCloseTo(0.04 / 0.32, 6);
    expect(stats.queueWaitP90Ms).toBe(5);
    // A stream's requests cannot be skipped: their waits count as finals' do.
    monitor.onStreamWork(chunk({ op: 'endpoint', queueWaitMs: 900, inferenceMs: 1, audioSec: 0 }));
    advance(1);
    for (let i = 0; i < 60; i++) monitor.onStreamWork(chunk({ queueWaitMs: 900, inferenceMs: 0.1 }));
    expect(monitor.queueWaitP90Ms('online')).toBe(900);
  });

  test('per model: real-time factor (batch time over its audio) and queue wait', () => {
    const { monitor, batch } = setup();
    monitor.onBatch(batch({ modelId: 'a', inferenceMs: 200, audioSec: 4, batchSize: 2, queueWaitMs: [10, 30], priorities: ['normal', 'normal'] }));
    monitor.onBatch(batch({ modelId: 'b', inferenceMs: 300, audioSec: 1 }));
    const stats = monitor.perModel();
    expect(stats.a).toEqual({ realTimeFactor: 0.05, queueWaitP90Ms: 30, batches: 1 });
    expect(stats.b.realTimeFactor).toBeCloseTo(0.3, 6);
  });
});
