import type { SpanAttributes, TraceSpan } from '../../../src/observability/trace-span';

/** A span recorded under a `recordingSpan`: its name, times (ms), parent's name, error and attributes. */
export interface RecordedSpan {
  name: string;
  startMs: number;
  endMs: number;
  parent: string;
  error?: unknown;
  attributes?: SpanAttributes;
}

/** A TraceSpan test double that writes down, in `log`, every span recorded under it (and under those). */
export function recordingSpan(name: string, log: RecordedSpan[]): TraceSpan {
  return {
    record(child, startMs, endMs, attributes, error) {
      log.push({ name: child, startMs, endMs, parent: name, error, attributes });
      return recordingSpan(child, log);
    },
    start: () => {
      throw new Error('not used');
    },
    setAttributes: () => undefined,
    end: () => undefined,
  };
}
