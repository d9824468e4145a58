import type { RecognitionResult, Recognizer } from '../model/recognizer';
import { TracedRecognizer } from './traced-recognizer';
import { recordingSpan, type RecordedSpan } from '../../tests/unit/observability/recording-span';

const result = (timings?: RecognitionResult['timings']): RecognitionResult => ({ text: 'hi', words: [], durationSec: 1, tokens: [], timings });

function recognizerAnswering(answer: () => Promise<RecognitionResult>): Recognizer {
  return { modelId: 'm', sampleRateHz: 16000, recognize: answer };
}

describe('TracedRecognizer', () => {
  test('splits a recognition into queue wait, inference, features and decoding', async () => {
    const log: RecordedSpan[] = [];
    const inner = recognizerAnswering(() => new Promise((resolve) => setTimeout(() => resolve(result({ inferenceMs: 20, featuresMs: 5, decodingMs: 14 })), 60)));
    const traced = new TracedRecognizer(inner, recordingSpan('root', log));
    expect((await traced.recognize(new Float32Array(8000), { priority: 'low' })).text).toBe('hi');
    expect(log.map((r) => `${r.parent}>${r.name}`)).toEqual(['root>stt.recognize', 'stt.recognize>stt.queue_wait', 'stt.recognize>stt.inference', 'stt.inference>stt.features', 'stt.inference>stt.decoding']);
    const [call, wait, inference, features, decoding] = log;
    expect(call.attributes).toEqual({ 'stt.model': 'm', 'stt.priority': 'low', 'stt.audio_sec': 0.5 });
    expect(call.endMs - call.startMs).toBeGreaterThanOrEqual(50);
    expect(wait.startMs).toBe(call.startMs);
    expect(wait.endMs).toBeCloseTo(call.endMs - 20, 6);
    expect([inference.startMs, inference.endMs]).toEqual([wait.endMs, call.endMs]);
    expect([features.startMs, features.endMs - features.startMs]).toEqual([inference.startMs, 5]);
    expect(decoding.startMs).toBe(features.endMs);
    expect(decoding.endMs - decoding.startMs).toBeCloseTo(14, 6);
  });

  test('without timings only the call is recorded', async () => {
    const log: RecordedSpan[] = [];
    await new TracedRecognizer(recognizerAnswering(async () => result()), recordingSpan('root', log)).recognize(new Float32Array(16));
    expect(log.map((r) => r.name)).toEqual(['stt.recognize']);
  });

  test('a failed recognition is recorded with its error and rethrown', async () => {
    const log: RecordedSpan[] = [];
    const failure = new Error('queue full');
    const traced = new TracedRecognizer(recognizerAnswering(() => Promise.reject(failure)), recordingSpan('root', log));
    await expect(traced.recognize(new Float32Array(16))).rejects.toBe(failure);
    expect(log).toHaveLength(1);
    expect(log[0].error).toBe(failure);
  });
});
