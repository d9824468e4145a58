/**
 * The tracing handle the service's layers see (no OpenTelemetry type leaks past `otel-tracing.ts`). Times are
 * `performance.now()` milliseconds; spans whose work ran elsewhere (an inference worker) are recorded
 * afterwards with explicit start and end times. Every child carries its parent's base attributes (the
 * request id).
 */
export type SpanAttributes = Record<string, string | number | boolean>;

export interface TraceSpan {
  /** A child span that is already over; returns it so its own children can be recorded. */
  record(name: string, startMs: number, endMs: number, attributes?: SpanAttributes, error?: unknown): TraceSpan;
  /** A child span that starts now (or at `startMs`) and lasts until its `end`. */
  start(name: string, startMs?: number, attributes?: SpanAttributes): TraceSpan;
  setAttributes(attributes: SpanAttributes): void;
  /** Ends the span now (or at `endMs`); an error marks it failed. Later calls do nothing. */
  end(endMs?: number, error?: unknown): void;
}

/** Traces for the service: one root span per traced request. */
export interface Tracing {
  /**
   * A root (server) span for one request, continuing the caller's trace when the headers carry a W3C
   * `traceparent`. `requestId` goes on it and on every span under it.
   */
  startRequest(name: string, options: { startMs: number; requestId: string; headers: Readonly<Record<string, string | string[] | undefined>>; attributes?: SpanAttributes }): TraceSpan;
  /** Exports what is pending and stops. */
  shutdown(): Promise<void>;
}

/** The attribute naming the request (the `x-request-id` the response carries). */
export const REQUEST_ID_ATTRIBUTE = 'stt.request_id';
